use kubeward_core::{
    Check, Component, ComponentKind, ComponentSink, Family, RuleStatus, Severity, declare_rule,
};

use crate::READER;

use crate::rules::common;

declare_rule! {
    /// ## What it checks
    ///
    /// Whether any URL of kube-apiserver's `--etcd-servers` uses `http://`.
    ///
    /// ## Why it matters
    ///
    /// Over plain HTTP every object the API server reads and writes, Secrets
    /// included, crosses the network in clear text, and etcd cannot
    /// authenticate the API server, so anyone who reaches etcd's port can read
    /// and change the whole cluster state.
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
    ///         - --etcd-servers=http://127.0.0.1:2379
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
    /// A loopback `http://` URL still leaves etcd reachable by any process on
    /// the node, and the rule reports it too.
    ///
    /// ## References
    ///
    /// - CIS Kubernetes Benchmark v1.12 1.2.23 and 2.1: etcd client connections use TLS
    /// - kube-apiserver command-line reference (<https://kubernetes.io/docs/reference/command-line-tools-reference/kube-apiserver/>)
    /// - NSA/CISA Kubernetes Hardening Guide: "Control plane hardening"
    pub static RULE = {
        id: "api-server-etcd-plain-http",
        family: Family::ApiServer,
        severity: Severity::High,
        summary: "API server talks to etcd over plain HTTP",
        remediation: "Use https:// URLs in --etcd-servers, with --etcd-cafile, --etcd-certfile and --etcd-keyfile.",
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
    let Some(servers) = common::known(component, "etcd-servers") else {
        return;
    };
    let plain: Vec<_> = servers
        .items()
        .into_iter()
        .filter(|url| url.starts_with("http://"))
        .map(crate::mask_userinfo)
        .collect();
    if !plain.is_empty() {
        sink.report(
            &servers.location,
            format!(
                "{}: talks to etcd over plain HTTP ({}); use https:// URLs with \
                 `--etcd-cafile`, `--etcd-certfile` and `--etcd-keyfile`",
                component.kind,
                plain.join(", ")
            ),
        );
    }
}
