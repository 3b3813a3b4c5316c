use kubeward_core::{
    Check, Component, ComponentKind, ComponentSink, Family, RuleStatus, Severity, declare_rule,
};

use crate::READER;

use crate::rules::common;

declare_rule! {
    /// ## What it checks
    ///
    /// kube-controller-manager's effective `--profiling` (default `true`).
    ///
    /// ## Why it matters
    ///
    /// Profiling endpoints reveal the program's internals and let a caller
    /// trigger CPU-heavy profiles of the component that runs every controller
    /// of the cluster.
    ///
    /// ## Failing example
    ///
    /// ```yaml
    /// apiVersion: v1
    /// kind: Pod
    /// metadata:
    ///   name: kube-controller-manager
    ///   namespace: kube-system
    /// spec:
    ///   containers:
    ///     - name: kube-controller-manager
    ///       image: registry.k8s.io/kube-controller-manager:v1.32.2
    ///       command:
    ///         - kube-controller-manager
    ///         - --profiling=true
    /// ```
    ///
    /// ## Fixed example
    ///
    /// ```yaml
    /// apiVersion: v1
    /// kind: Pod
    /// metadata:
    ///   name: kube-controller-manager
    ///   namespace: kube-system
    /// spec:
    ///   containers:
    ///     - name: kube-controller-manager
    ///       image: registry.k8s.io/kube-controller-manager:v1.32.2
    ///       command:
    ///         - kube-controller-manager
    ///         - --profiling=false
    /// ```
    ///
    /// ## Known limitations
    ///
    /// Access to the endpoints still needs authorization against the API
    /// server; the rule reports that they are served.
    ///
    /// ## References
    ///
    /// - CIS Kubernetes Benchmark v1.12 1.3.2: ensure that the --profiling argument is set to false
    /// - kube-controller-manager command-line reference (<https://kubernetes.io/docs/reference/command-line-tools-reference/kube-controller-manager/>)
    pub static RULE = {
        id: "controller-manager-profiling",
        family: Family::ControllerManager,
        severity: Severity::Low,
        summary: "Controller manager serves profiling data",
        remediation: "Set --profiling=false on kube-controller-manager.",
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
    if component.kind != ComponentKind::ControllerManager {
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
