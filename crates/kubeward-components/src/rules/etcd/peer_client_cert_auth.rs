use kubeward_core::{
    Check, Component, ComponentKind, ComponentSink, Family, RuleStatus, Severity, declare_rule,
};

use crate::READER;

use crate::rules::common;

declare_rule! {
    /// ## What it checks
    ///
    /// etcd's effective `--peer-client-cert-auth` (default `false`). Members
    /// that listen for peers on loopback addresses only are skipped. A
    /// `--peer-trusted-ca-file` turns peer certificate authentication on
    /// whatever `--peer-client-cert-auth` says, because etcd's TLS listener
    /// requires and verifies peer certificates when either is set.
    ///
    /// ## Why it matters
    ///
    /// Without it any machine that reaches the peer port can talk to the member
    /// as a peer and receive the replicated data of the whole cluster.
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
    ///         - --listen-peer-urls=https://192.0.2.10:2380
    ///         - --peer-client-cert-auth=false
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
    ///         - --listen-peer-urls=https://192.0.2.10:2380
    ///         - --peer-client-cert-auth
    ///         - --peer-trusted-ca-file=/etc/kubernetes/pki/etcd/ca.crt
    /// ```
    ///
    /// ## Known limitations
    ///
    /// The peer URLs are read from `--listen-peer-urls` only.
    ///
    /// ## References
    ///
    /// - CIS Kubernetes Benchmark v1.12 2.5: ensure that the --peer-client-cert-auth argument is set to true
    /// - etcd security model (<https://etcd.io/docs/v3.5/op-guide/security/>)
    pub static RULE = {
        id: "etcd-peer-client-cert-auth",
        family: Family::Etcd,
        severity: Severity::High,
        summary: "etcd accepts peers without a certificate",
        remediation: "Set --peer-client-cert-auth=true and --peer-trusted-ca-file on etcd.",
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
    if only_loopback_peers(component) {
        return;
    }
    if super::client_cert_auth::has_value(component, "peer-trusted-ca-file") {
        return;
    }
    common::expect_bool(
        component,
        sink,
        "peer-client-cert-auth",
        true,
        "peers need no certificate",
    );
}

/// Whether etcd listens for peers on loopback addresses only, as a single
/// member does, so no peer traffic crosses the network.
fn only_loopback_peers(component: &Component) -> bool {
    common::known(component, "listen-peer-urls").is_some_and(|urls| {
        urls.items().iter().all(|url| {
            common::url_parts(url).is_some_and(|(_, host)| common::is_loopback_host(host))
        })
    })
}
