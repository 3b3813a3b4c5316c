use kubeward_core::{
    Check, Component, ComponentKind, ComponentSink, Family, RuleStatus, Severity, declare_rule,
};

use crate::READER;

use crate::rules::common;

declare_rule! {
    /// ## What it checks
    ///
    /// kube-scheduler's effective profiling setting: `--profiling`, or
    /// `enableProfiling` of the `--config` file, default `true`.
    ///
    /// ## Why it matters
    ///
    /// Profiling endpoints reveal the program's internals and let a caller
    /// trigger CPU-heavy profiles of the component every pod placement waits
    /// for.
    ///
    /// ## Failing example
    ///
    /// ```yaml
    /// apiVersion: v1
    /// kind: Pod
    /// metadata:
    ///   name: kube-scheduler
    ///   namespace: kube-system
    /// spec:
    ///   containers:
    ///     - name: kube-scheduler
    ///       image: registry.k8s.io/kube-scheduler:v1.32.2
    ///       command:
    ///         - kube-scheduler
    ///         - --profiling=true
    /// ```
    ///
    /// ## Fixed example
    ///
    /// ```yaml
    /// apiVersion: v1
    /// kind: Pod
    /// metadata:
    ///   name: kube-scheduler
    ///   namespace: kube-system
    /// spec:
    ///   containers:
    ///     - name: kube-scheduler
    ///       image: registry.k8s.io/kube-scheduler:v1.32.2
    ///       command:
    ///         - kube-scheduler
    ///         - --profiling=false
    /// ```
    ///
    /// ## Known limitations
    ///
    /// When the scheduler reads a `--config` file that is not among the inputs,
    /// the setting is unknown and `setting-undetermined` reports that instead.
    ///
    /// ## References
    ///
    /// - CIS Kubernetes Benchmark v1.12 1.4.1: ensure that the --profiling argument is set to false
    /// - kube-scheduler command-line reference (<https://kubernetes.io/docs/reference/command-line-tools-reference/kube-scheduler/>)
    pub static RULE = {
        id: "scheduler-profiling",
        family: Family::Scheduler,
        severity: Severity::Low,
        summary: "Scheduler serves profiling data",
        remediation: "Set --profiling=false, or enableProfiling: false in the KubeSchedulerConfiguration.",
        pss: None,
        recommended: false,
        status: RuleStatus::Stable,
        check: Check::Component {
            reader: &READER,
            check,
        },
    };
}

fn check(component: &Component, sink: &mut ComponentSink<'_>) {
    if component.kind != ComponentKind::Scheduler {
        return;
    }
    common::expect_bool(
        component,
        sink,
        "profiling",
        false,
        "profiling endpoints are served",
    );
}
