use kubeward_core::{
    Check, Component, ComponentKind, ComponentSink, Family, RuleStatus, Severity, declare_rule,
};

use crate::READER;

use crate::rules::common;

declare_rule! {
    /// ## What it checks
    ///
    /// Whether the ServiceAccount admission plugin runs. It is on by default;
    /// this rule fires when `--disable-admission-plugins` or
    /// `--admission-control` turns it off.
    ///
    /// ## Why it matters
    ///
    /// The plugin assigns the `default` ServiceAccount to pods without one,
    /// rejects pods naming a ServiceAccount that does not exist, and mounts the
    /// projected token. Without it, pods can reference accounts and Secrets
    /// freely and token handling is left to whoever writes the pod.
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
    ///         - --disable-admission-plugins=ServiceAccount
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
    /// - CIS Kubernetes Benchmark v1.12 1.2.12: ensure that the admission control plugin ServiceAccount is set
    /// - Kubernetes admission controllers (<https://kubernetes.io/docs/reference/access-authn-authz/admission-controllers/>)
    /// - NSA/CISA Kubernetes Hardening Guide: "Control plane hardening"
    pub static RULE = {
        id: "api-server-service-account-plugin",
        family: Family::ApiServer,
        severity: Severity::Medium,
        summary: "API server does not run the ServiceAccount admission plugin",
        remediation: "Remove ServiceAccount from --disable-admission-plugins.",
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
        "ServiceAccount",
        "pods are not checked against their ServiceAccount",
    );
}
