use kubeward_core::{
    Check, Component, ComponentKind, ComponentSink, Family, RuleStatus, Severity, declare_rule,
};

use crate::READER;

use crate::rules::common;

declare_rule! {
    /// ## What it checks
    ///
    /// Whether kube-apiserver reads bearer tokens from a static file (
    /// `--token-auth-file`) or, before Kubernetes 1.19, passwords from
    /// `--basic-auth-file`.
    ///
    /// ## Why it matters
    ///
    /// Static tokens and passwords never expire and can only be changed by
    /// editing the file on every control-plane node and restarting the API
    /// server. They are kept in plain text on disk, and whoever reads the file
    /// can act as every user in it, often including cluster administrators.
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
    ///         - --token-auth-file=/etc/kubernetes/known-tokens.csv
    ///         - --authorization-mode=Node,RBAC
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
    ///         - --authorization-mode=Node,RBAC
    ///         - --client-ca-file=/etc/kubernetes/pki/ca.crt
    /// ```
    ///
    /// ## Known limitations
    ///
    /// Bootstrap tokens (`--enable-bootstrap-token-auth`) are not reported:
    /// they expire and live in Secrets. `kubeward node` also checks that the
    /// token file, if present, is readable by root only (
    /// `node-file-permissions`).
    ///
    /// ## References
    ///
    /// - CIS Kubernetes Benchmark v1.12 1.2.2: ensure that the --token-auth-file parameter is not set
    /// - kube-apiserver command-line reference (<https://kubernetes.io/docs/reference/command-line-tools-reference/kube-apiserver/>)
    /// - Kubernetes authentication: static token file (<https://kubernetes.io/docs/reference/access-authn-authz/authentication/#static-token-file>)
    /// - NSA/CISA Kubernetes Hardening Guide: "Authentication and authorization"
    pub static RULE = {
        id: "api-server-static-credentials",
        family: Family::ApiServer,
        severity: Severity::High,
        summary: "API server authenticates with a static token or password file",
        remediation: "Remove --token-auth-file and --basic-auth-file; use client certificates, OIDC or webhook token authentication.",
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
    for (name, what) in [
        ("token-auth-file", "static bearer tokens"),
        ("basic-auth-file", "static passwords"),
    ] {
        let Some(setting) = common::known(component, name) else {
            continue;
        };
        if setting.value().trim().is_empty() {
            continue;
        }
        sink.report(
            &setting.location,
            format!(
                "{}: authenticates {what} from {}, which never expire and sit in plain text \
                 on disk; remove `--{name}` and use client certificates, OIDC or webhook token \
                 authentication",
                component.kind,
                common::written(setting)
            ),
        );
    }
}
