use kubeward_core::{
    Check, Component, ComponentKind, ComponentSink, Family, RuleStatus, Severity, declare_rule,
};

use crate::READER;

use crate::rules::common;

declare_rule! {
    /// ## What it checks
    ///
    /// Whether kube-apiserver sets both `--etcd-certfile` and `--etcd-keyfile`,
    /// the client certificate it presents to etcd. API servers that talk to a
    /// local socket (k3s's kine) are skipped.
    ///
    /// ## Why it matters
    ///
    /// etcd holds every object of the cluster, Secrets included. If the API
    /// server needs no certificate to reach it, neither does anyone else who
    /// can reach etcd's port, and reading etcd directly bypasses
    /// authentication, authorization, admission and audit.
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
    ///         - --etcd-servers=https://127.0.0.1:2379
    ///         - --etcd-cafile=/etc/kubernetes/pki/etcd/ca.crt
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
    ///         - --etcd-servers=https://127.0.0.1:2379
    ///         - --etcd-cafile=/etc/kubernetes/pki/etcd/ca.crt
    ///         - --etcd-certfile=/etc/kubernetes/pki/apiserver-etcd-client.crt
    ///         - --etcd-keyfile=/etc/kubernetes/pki/apiserver-etcd-client.key
    /// ```
    ///
    /// ## Known limitations
    ///
    /// The rule reads the API server only; `etcd-client-cert-auth` checks that
    /// etcd requires the certificate.
    ///
    /// ## References
    ///
    /// - CIS Kubernetes Benchmark v1.12 1.2.23: ensure that the --etcd-certfile and --etcd-keyfile arguments are set as appropriate
    /// - kube-apiserver command-line reference (<https://kubernetes.io/docs/reference/command-line-tools-reference/kube-apiserver/>)
    /// - NSA/CISA Kubernetes Hardening Guide: "Control plane hardening"
    pub static RULE = {
        id: "api-server-etcd-client-cert",
        family: Family::ApiServer,
        severity: Severity::High,
        summary: "API server has no client certificate for etcd",
        remediation: "Set --etcd-certfile and --etcd-keyfile on kube-apiserver, and client-cert-auth on etcd.",
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
    // With kine (k3s) the API server talks to a local socket, not etcd.
    let socket_only = common::known(component, "etcd-servers").is_some_and(|servers| {
        let items = servers.items();
        !items.is_empty() && items.iter().all(|url| url.starts_with("unix:"))
    });
    if socket_only {
        return;
    }
    common::require_set(
        component,
        sink,
        &["etcd-certfile", "etcd-keyfile"],
        "connects to etcd without a client certificate",
        &[
            "/etc/kubernetes/pki/apiserver-etcd-client.crt",
            "/etc/kubernetes/pki/apiserver-etcd-client.key",
        ],
    );
}
