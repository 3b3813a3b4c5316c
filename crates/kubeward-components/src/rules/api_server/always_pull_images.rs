use kubeward_core::{
    Check, Component, ComponentKind, ComponentSink, Family, RuleStatus, Severity, declare_rule,
};

use crate::READER;

use crate::rules::common;

declare_rule! {
    /// ## What it checks
    ///
    /// Whether the AlwaysPullImages admission plugin runs. It is off by
    /// default.
    ///
    /// ## Why it matters
    ///
    /// Without it, a pod may start from a private image that another pod pulled
    /// onto the same node, without presenting the credentials to pull it.
    /// AlwaysPullImages sets every container's `imagePullPolicy` to `Always`,
    /// so the registry checks credentials each time.
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
    ///         - --enable-admission-plugins=NodeRestriction
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
    ///         - --enable-admission-plugins=NodeRestriction,AlwaysPullImages
    /// ```
    ///
    /// ## Known limitations
    ///
    /// The admission plugins enabled by default are those of kube-apiserver
    /// 1.30 and later; `--admission-control`, when set, replaces them, as it
    /// does in the API server. Plugins configured only through an
    /// `AdmissionConfiguration` are not enabled by it and are not counted.
    /// Forcing pulls makes pods depend on the registry being reachable; the
    /// kubelet's KubeletEnsureSecretPulledImages feature is an alternative in
    /// recent versions.
    ///
    /// ## References
    ///
    /// - CIS Kubernetes Benchmark v1.12 1.2.11: ensure that the admission control plugin AlwaysPullImages is set
    /// - Kubernetes admission controllers (<https://kubernetes.io/docs/reference/access-authn-authz/admission-controllers/>)
    /// - NSA/CISA Kubernetes Hardening Guide: "Control plane hardening"
    pub static RULE = {
        id: "api-server-always-pull-images",
        family: Family::ApiServer,
        severity: Severity::Low,
        summary: "API server does not force image pulls",
        remediation: "Add AlwaysPullImages to --enable-admission-plugins.",
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
    common::require_plugin(
        component,
        sink,
        "AlwaysPullImages",
        "pods may use images cached on a node without pull credentials",
    );
}
