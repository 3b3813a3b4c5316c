use kubeward_core::{
    Check, Component, ComponentKind, ComponentSink, Family, RuleStatus, Severity, declare_rule,
};

use crate::READER;

use crate::rules::common;

declare_rule! {
    /// ## What it checks
    ///
    /// Whether the NamespaceLifecycle admission plugin runs. It is on by
    /// default; this rule fires when `--disable-admission-plugins` or
    /// `--admission-control` turns it off.
    ///
    /// ## Why it matters
    ///
    /// The plugin rejects new objects in namespaces that are being deleted or
    /// do not exist, and protects `default`, `kube-system` and `kube-public`
    /// from deletion. Without it, objects can outlive the namespace meant to
    /// contain them and escape cleanup and policy.
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
    ///         - --disable-admission-plugins=NamespaceLifecycle
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
    /// - CIS Kubernetes Benchmark v1.12 1.2.13: ensure that the admission control plugin NamespaceLifecycle is set
    /// - Kubernetes admission controllers (<https://kubernetes.io/docs/reference/access-authn-authz/admission-controllers/>)
    /// - NSA/CISA Kubernetes Hardening Guide: "Control plane hardening"
    pub static RULE = {
        id: "api-server-namespace-lifecycle",
        family: Family::ApiServer,
        severity: Severity::Medium,
        summary: "API server does not run the NamespaceLifecycle admission plugin",
        remediation: "Remove NamespaceLifecycle from --disable-admission-plugins.",
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
        "NamespaceLifecycle",
        "objects may be created in terminating or missing namespaces",
    );
}
