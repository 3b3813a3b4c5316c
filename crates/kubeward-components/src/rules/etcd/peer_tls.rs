use kubeward_core::{
    Check, Component, ComponentKind, ComponentSink, Family, RuleStatus, Severity, declare_rule,
};

use crate::READER;

use crate::rules::common;

declare_rule! {
    /// ## What it checks
    ///
    /// Whether etcd sets both `--peer-cert-file` and `--peer-key-file`. Members
    /// that listen for peers on loopback addresses only, as a single member
    /// does, are skipped.
    ///
    /// ## Why it matters
    ///
    /// Peers replicate every write of the cluster to each other. Without TLS
    /// that replication stream, Secrets included, crosses the network in clear
    /// text, and a machine in the middle can join or disrupt it.
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
    ///         - --listen-peer-urls=http://192.0.2.10:2380
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
    ///         - --peer-cert-file=/etc/kubernetes/pki/etcd/peer.crt
    ///         - --peer-key-file=/etc/kubernetes/pki/etcd/peer.key
    /// ```
    ///
    /// ## Known limitations
    ///
    /// The peer URLs are read from `--listen-peer-urls` only; advertised URLs
    /// are not checked.
    ///
    /// ## References
    ///
    /// - CIS Kubernetes Benchmark v1.12 2.4: ensure that the --peer-cert-file and --peer-key-file arguments are set as appropriate
    /// - etcd security model (<https://etcd.io/docs/v3.5/op-guide/security/>)
    pub static RULE = {
        id: "etcd-peer-tls",
        family: Family::Etcd,
        severity: Severity::High,
        summary: "etcd members talk to each other without TLS",
        remediation: "Set --peer-cert-file and --peer-key-file on etcd and use https:// peer URLs.",
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
    common::require_set(
        component,
        sink,
        &["peer-cert-file", "peer-key-file"],
        "replicates to peers without TLS",
        &[
            "/etc/kubernetes/pki/etcd/peer.crt",
            "/etc/kubernetes/pki/etcd/peer.key",
        ],
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
