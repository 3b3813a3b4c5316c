use kubeward_core::{
    Check, Component, ComponentKind, ComponentSink, Family, RuleStatus, Severity, declare_rule,
};

use crate::READER;

use crate::rules::common;

declare_rule! {
    /// ## What it checks
    ///
    /// Whether etcd sets both `--cert-file` and `--key-file` (or their `ETCD_*`
    /// variables or `client-transport-security` in the `--config-file`), the
    /// certificate it serves clients with.
    ///
    /// ## Why it matters
    ///
    /// Without a serving certificate etcd speaks plain HTTP to clients. Every
    /// object of the cluster, Secrets included, then crosses the network in
    /// clear text, and client certificates cannot be required.
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
    ///         - --listen-client-urls=http://127.0.0.1:2379
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
    ///         - --listen-client-urls=https://127.0.0.1:2379
    ///         - --cert-file=/etc/kubernetes/pki/etcd/server.crt
    ///         - --key-file=/etc/kubernetes/pki/etcd/server.key
    /// ```
    ///
    /// ## Known limitations
    ///
    /// With `--config-file`, etcd ignores its flags and environment; a config
    /// file that `kubeward scan` cannot read leaves the settings unknown.
    ///
    /// ## References
    ///
    /// - CIS Kubernetes Benchmark v1.12 2.1: ensure that the --cert-file and --key-file arguments are set as appropriate
    /// - etcd security model (<https://etcd.io/docs/v3.5/op-guide/security/>)
    /// - Operating etcd clusters for Kubernetes (<https://kubernetes.io/docs/tasks/administer-cluster/configure-upgrade-etcd/>)
    pub static RULE = {
        id: "etcd-client-tls",
        family: Family::Etcd,
        severity: Severity::High,
        summary: "etcd serves clients without TLS",
        remediation: "Set --cert-file and --key-file on etcd and use https:// client URLs.",
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
    common::require_set(
        component,
        sink,
        &["cert-file", "key-file"],
        "serves clients without TLS",
        &[
            "/etc/kubernetes/pki/etcd/server.crt",
            "/etc/kubernetes/pki/etcd/server.key",
        ],
    );
}
