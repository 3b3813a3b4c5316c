use kubeward_core::{
    Check, Component, ComponentKind, ComponentSink, Family, RuleStatus, Severity, declare_rule,
};

use crate::READER;

use crate::rules::common;

declare_rule! {
    /// ## What it checks
    ///
    /// Whether the deprecated AlwaysAdmit admission plugin is enabled.
    ///
    /// ## Why it matters
    ///
    /// AlwaysAdmit admits every request whatever other plugins would decide and
    /// says so to operators who read the flag as a policy. It exists only for
    /// testing and was deprecated because clusters ran it by mistake.
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
    ///         - --enable-admission-plugins=NodeRestriction,AlwaysAdmit
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
    ///         - --enable-admission-plugins=NodeRestriction
    /// ```
    ///
    /// ## Known limitations
    ///
    /// The admission plugins enabled by default are those of kube-apiserver
    /// 1.30 and later; `--admission-control`, when set, replaces them, as it
    /// does in the API server. Plugins configured only through an
    /// `AdmissionConfiguration` are not enabled by it and are not counted.
    ///
    /// ## References
    ///
    /// - CIS Kubernetes Benchmark v1.12 1.2.10: ensure that the admission control plugin AlwaysAdmit is not set
    /// - Kubernetes admission controllers (<https://kubernetes.io/docs/reference/access-authn-authz/admission-controllers/>)
    /// - NSA/CISA Kubernetes Hardening Guide: "Control plane hardening"
    pub static RULE = {
        id: "api-server-always-admit",
        family: Family::ApiServer,
        severity: Severity::High,
        summary: "API server runs the AlwaysAdmit admission plugin",
        remediation: "Remove AlwaysAdmit from the admission plugins.",
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
    if component.kind != ComponentKind::ApiServer {
        return;
    }
    common::forbid_plugin(
        component,
        sink,
        "AlwaysAdmit",
        "the AlwaysAdmit plugin admits every request",
    );
}
