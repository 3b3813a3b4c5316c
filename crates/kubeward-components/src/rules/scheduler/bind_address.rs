use kubeward_core::{
    Check, Component, ComponentKind, ComponentSink, Family, RuleStatus, Severity, declare_rule,
};

use crate::READER;

use crate::rules::common;

declare_rule! {
    /// ## What it checks
    ///
    /// kube-scheduler's effective `--bind-address` (default `0.0.0.0`). The
    /// rule fires when it is not a loopback address.
    ///
    /// ## Why it matters
    ///
    /// The secure port serves health checks, metrics and, with profiling on,
    /// debug data. Bound to every interface it is reachable from pods and the
    /// network without need.
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
    ///         - --bind-address=0.0.0.0
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
    ///         - --bind-address=127.0.0.1
    /// ```
    ///
    /// ## Known limitations
    ///
    /// The CIS benchmark's automated test passes when the flag is absent, but
    /// the default is `0.0.0.0`, so kubeward reports an absent flag too.
    ///
    /// ## References
    ///
    /// - CIS Kubernetes Benchmark v1.12 1.4.2: ensure that the --bind-address argument is set to 127.0.0.1
    /// - kube-scheduler command-line reference (<https://kubernetes.io/docs/reference/command-line-tools-reference/kube-scheduler/>)
    /// - NSA/CISA Kubernetes Hardening Guide: "Control plane hardening"
    pub static RULE = {
        id: "scheduler-bind-address",
        family: Family::Scheduler,
        severity: Severity::Medium,
        summary: "Scheduler serves its endpoints on every interface",
        remediation: "Set --bind-address=127.0.0.1 on kube-scheduler.",
        pss: None,
        recommended: true,
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
    let Some(setting) = common::known(component, "bind-address") else {
        return;
    };
    if !common::is_loopback_host(&setting.value()) {
        sink.report(
            &setting.location,
            format!(
                "{}: serves its health, metrics and debug endpoints on every interface: {}; set \
                 `--bind-address=127.0.0.1`",
                component.kind,
                common::stated(component, setting)
            ),
        );
    }
}
