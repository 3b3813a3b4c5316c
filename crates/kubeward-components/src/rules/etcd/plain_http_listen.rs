use kubeward_core::{
    Check, Component, ComponentKind, ComponentSink, Family, RuleStatus, Severity, declare_rule,
};

use crate::READER;

use crate::rules::common;

declare_rule! {
    /// ## What it checks
    ///
    /// Whether any URL of etcd's effective `--listen-client-urls` uses
    /// `http://` on an address that is not loopback (`0.0.0.0`, a node address,
    /// a host name).
    ///
    /// ## Why it matters
    ///
    /// A plain HTTP client URL accepts requests without TLS and therefore
    /// without client certificates. Bound beyond loopback, anyone on the
    /// network reads every Secret and can make themselves cluster administrator
    /// by writing RBAC objects straight into etcd.
    ///
    /// ## Failing example
    ///
    /// ```yaml
    /// apiVersion: v1
    /// kind: Pod
    /// metadata:
    ///   name: etcd
    ///   namespace: kube-system
    /// spec:
    ///   containers:
    ///     - name: etcd
    ///       image: registry.k8s.io/etcd:3.5.16-0
    ///       command:
    ///         - etcd
    ///         - --listen-client-urls=http://0.0.0.0:2379
    /// ```
    ///
    /// ## Fixed example
    ///
    /// ```yaml
    /// apiVersion: v1
    /// kind: Pod
    /// metadata:
    ///   name: etcd
    ///   namespace: kube-system
    /// spec:
    ///   containers:
    ///     - name: etcd
    ///       image: registry.k8s.io/etcd:3.5.16-0
    ///       command:
    ///         - etcd
    ///         - --listen-client-urls=https://192.0.2.10:2379,https://127.0.0.1:2379
    ///         - --cert-file=/etc/kubernetes/pki/etcd/server.crt
    ///         - --key-file=/etc/kubernetes/pki/etcd/server.key
    ///         - --client-cert-auth=true
    ///         - --trusted-ca-file=/etc/kubernetes/pki/etcd/ca.crt
    /// ```
    ///
    /// ## Known limitations
    ///
    /// Placeholders such as `${INTERNAL_IP}` count as non-loopback addresses. A
    /// loopback plain HTTP URL is not reported here; the TLS and client
    /// certificate rules still apply to it.
    ///
    /// ## References
    ///
    /// - CIS Kubernetes Benchmark v1.12 2.1 and 2.2: etcd client connections use TLS with client certificates
    /// - etcd security model (<https://etcd.io/docs/v3.5/op-guide/security/>)
    /// - NSA/CISA Kubernetes Hardening Guide: "Control plane hardening"
    pub static RULE = {
        id: "etcd-plain-http-listen",
        family: Family::Etcd,
        severity: Severity::Critical,
        summary: "etcd serves plain HTTP beyond loopback",
        remediation: "Use https:// URLs in etcd's --listen-client-urls, or bind plain HTTP to 127.0.0.1 only.",
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
    if component.kind != ComponentKind::Etcd {
        return;
    }
    let Some(urls) = common::known(component, "listen-client-urls") else {
        return;
    };
    let exposed: Vec<&str> = urls
        .items()
        .into_iter()
        .filter(|url| {
            common::url_parts(url)
                .is_some_and(|(scheme, host)| scheme == "http" && !common::is_loopback_host(host))
        })
        .collect();
    if !exposed.is_empty() {
        sink.report(
            &urls.location,
            format!(
                "{}: serves clients over plain HTTP beyond loopback ({}), with no TLS and no \
                 client certificates; use https:// URLs with `--client-cert-auth=true`",
                component.kind,
                exposed.join(", ")
            ),
        );
    }
}
