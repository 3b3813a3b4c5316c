use kubeward_core::{
    Check, Component, ComponentKind, ComponentSink, Family, RuleStatus, Severity, declare_rule,
};

use crate::READER;

use crate::rules::common;

declare_rule! {
    /// ## What it checks
    ///
    /// Whether kube-apiserver sets `--service-account-key-file`, the public
    /// keys it verifies ServiceAccount tokens with.
    ///
    /// ## Why it matters
    ///
    /// Without it the API server verifies tokens with its TLS serving key, so
    /// the serving key and the token signing key cannot be rotated apart, and a
    /// key pair meant for one purpose signs credentials for another.
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
    ///         - --service-account-issuer=https://kubernetes.default.svc.cluster.local
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
    ///         - --service-account-key-file=/etc/kubernetes/pki/sa.pub
    ///         - --service-account-signing-key-file=/etc/kubernetes/pki/sa.key
    /// ```
    ///
    /// ## Known limitations
    ///
    /// Whether the key file matches `--service-account-signing-key-file` is not
    /// checked.
    ///
    /// ## References
    ///
    /// - CIS Kubernetes Benchmark v1.12 1.2.22: ensure that the --service-account-key-file argument is set as appropriate
    /// - kube-apiserver command-line reference (<https://kubernetes.io/docs/reference/command-line-tools-reference/kube-apiserver/>)
    pub static RULE = {
        id: "api-server-service-account-key-file",
        family: Family::ApiServer,
        severity: Severity::Medium,
        summary: "API server has no explicit ServiceAccount token verification key",
        remediation: "Set --service-account-key-file to the public key of the ServiceAccount token signing key pair.",
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
        &["service-account-key-file"],
        "verifies ServiceAccount tokens without a dedicated key",
        &["/etc/kubernetes/pki/sa.pub"],
    );
}
