use kubeward_core::{
    Check, Component, ComponentKind, ComponentSink, Family, RuleStatus, Severity, declare_rule,
};

use crate::READER;

use crate::rules::common;

declare_rule! {
    /// ## What it checks
    ///
    /// Whether the DenyServiceExternalIPs admission plugin runs. It is off by
    /// default.
    ///
    /// ## Why it matters
    ///
    /// A user who may create Services can set `spec.externalIPs` to any address
    /// and make kube-proxy capture traffic meant for it on every node,
    /// intercepting connections to that address from inside the cluster
    /// (CVE-2020-8554). Rejecting new external IPs closes that path where no
    /// workload needs them.
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
    ///         - --enable-admission-plugins=NodeRestriction,DenyServiceExternalIPs
    /// ```
    ///
    /// ## Known limitations
    ///
    /// The admission plugins enabled by default are those of kube-apiserver
    /// 1.30 and later; `--admission-control`, when set, replaces them, as it
    /// does in the API server. Plugins configured only through an
    /// `AdmissionConfiguration` are not enabled by it and are not counted.
    /// Clusters that use externalIPs on purpose need a policy that allows
    /// exactly those addresses instead.
    ///
    /// ## References
    ///
    /// - CIS Kubernetes Benchmark v1.12 1.2.3: ensure that the DenyServiceExternalIPs admission plugin is set
    /// - Kubernetes admission controllers (<https://kubernetes.io/docs/reference/access-authn-authz/admission-controllers/>)
    /// - NSA/CISA Kubernetes Hardening Guide: "Control plane hardening"
    pub static RULE = {
        id: "api-server-deny-external-ips",
        family: Family::ApiServer,
        severity: Severity::Low,
        summary: "API server lets users set Service externalIPs",
        remediation: "Add DenyServiceExternalIPs to --enable-admission-plugins.",
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
        "DenyServiceExternalIPs",
        "Services may set externalIPs",
    );
}
