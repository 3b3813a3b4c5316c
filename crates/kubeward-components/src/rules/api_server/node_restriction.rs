use kubeward_core::{
    Check, Component, ComponentKind, ComponentSink, Family, RuleStatus, Severity, declare_rule,
};

use crate::READER;

use crate::rules::common;

declare_rule! {
    /// ## What it checks
    ///
    /// Whether the NodeRestriction admission plugin runs. It is off by default;
    /// kubeadm and k3s enable it.
    ///
    /// ## Why it matters
    ///
    /// With the Node authorizer alone, a kubelet may still change labels of its
    /// own Node object that steer workloads, such as
    /// `node-restriction.kubernetes.io/` labels, and modify other nodes' objects in
    /// ways the authorizer allows by verb. NodeRestriction limits each kubelet
    /// to its own Node and the pods bound to it, so one compromised node cannot
    /// attract or tamper with others' workloads.
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
    ///         - --enable-admission-plugins=PodSecurity
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
    /// - CIS Kubernetes Benchmark v1.12 1.2.14: ensure that the admission control plugin NodeRestriction is set
    /// - Kubernetes admission controllers (<https://kubernetes.io/docs/reference/access-authn-authz/admission-controllers/>)
    /// - NSA/CISA Kubernetes Hardening Guide: "Control plane hardening"
    pub static RULE = {
        id: "api-server-node-restriction",
        family: Family::ApiServer,
        severity: Severity::Medium,
        summary: "API server does not restrict what kubelets may modify",
        remediation: "Add NodeRestriction to --enable-admission-plugins, with Node in --authorization-mode.",
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
    common::require_plugin(
        component,
        sink,
        "NodeRestriction",
        "kubelets may modify other nodes and their pods",
    );
}
