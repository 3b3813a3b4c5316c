use kubeward_core::{
    Check, Component, ComponentKind, ComponentSink, Family, RuleStatus, Severity, declare_rule,
};

use crate::READER;

use crate::rules::common;

declare_rule! {
    /// ## What it checks
    ///
    /// kube-apiserver's effective `--profiling`, which defaults to `true` and
    /// serves Go's pprof handlers under `/debug/pprof`.
    ///
    /// ## Why it matters
    ///
    /// Profiling endpoints reveal the program's internals and let a caller with
    /// access trigger CPU-heavy profiles, a cheap way to slow the control
    /// plane. Few clusters need them in production.
    ///
    /// ## Failing example
    ///
    /// ```yaml
    /// apiVersion: v1
    /// kind: Pod
    /// metadata:
    ///   name: kube-apiserver
    ///   namespace: kube-system
    /// spec:
    ///   containers:
    ///     - name: kube-apiserver
    ///       image: registry.k8s.io/kube-apiserver:v1.32.2
    ///       command:
    ///         - kube-apiserver
    ///         - --profiling=true
    /// ```
    ///
    /// ## Fixed example
    ///
    /// ```yaml
    /// apiVersion: v1
    /// kind: Pod
    /// metadata:
    ///   name: kube-apiserver
    ///   namespace: kube-system
    /// spec:
    ///   containers:
    ///     - name: kube-apiserver
    ///       image: registry.k8s.io/kube-apiserver:v1.32.2
    ///       command:
    ///         - kube-apiserver
    ///         - --profiling=false
    /// ```
    ///
    /// ## Known limitations
    ///
    /// Access to `/debug/pprof` is still subject to authorization; the rule
    /// reports the endpoint's presence, not who may call it.
    ///
    /// ## References
    ///
    /// - CIS Kubernetes Benchmark v1.12 1.2.15: ensure that the --profiling argument is set to false
    /// - kube-apiserver command-line reference (<https://kubernetes.io/docs/reference/command-line-tools-reference/kube-apiserver/>)
    pub static RULE = {
        id: "api-server-profiling",
        family: Family::ApiServer,
        severity: Severity::Low,
        summary: "API server serves profiling data",
        remediation: "Set --profiling=false on kube-apiserver.",
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
    if component.kind != ComponentKind::ApiServer {
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
