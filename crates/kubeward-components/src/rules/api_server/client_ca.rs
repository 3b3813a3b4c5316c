use kubeward_core::{
    Check, Component, ComponentKind, ComponentSink, Family, RuleStatus, Severity, declare_rule,
};

use crate::READER;

use crate::rules::common;

declare_rule! {
    /// ## What it checks
    ///
    /// Whether kube-apiserver sets `--client-ca-file`, the CA bundle it
    /// authenticates client certificates with.
    ///
    /// ## Why it matters
    ///
    /// Without it the API server accepts no client certificates, so kubelets,
    /// controllers and administrators fall back to other credentials such as
    /// static or long-lived tokens, and certificate-based identities such as
    /// the Node authorizer's `system:node:NAME` do not work.
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
    ///         - --tls-cert-file=/etc/kubernetes/pki/apiserver.crt
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
    ///         - --client-ca-file=/etc/kubernetes/pki/ca.crt
    /// ```
    ///
    /// ## Known limitations
    ///
    /// Whether the bundle holds only the cluster's CA is not checked.
    ///
    /// ## References
    ///
    /// - CIS Kubernetes Benchmark v1.12 1.2.25: ensure that the --client-ca-file argument is set as appropriate
    /// - kube-apiserver command-line reference (<https://kubernetes.io/docs/reference/command-line-tools-reference/kube-apiserver/>)
    /// - NSA/CISA Kubernetes Hardening Guide: "Authentication and authorization"
    pub static RULE = {
        id: "api-server-client-ca",
        family: Family::ApiServer,
        severity: Severity::High,
        summary: "API server does not authenticate client certificates",
        remediation: "Set --client-ca-file on kube-apiserver.",
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
    common::require_set(
        component,
        sink,
        &["client-ca-file"],
        "does not authenticate client certificates",
        &["/etc/kubernetes/pki/ca.crt"],
    );
}
