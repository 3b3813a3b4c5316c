use kubeward_core::{
    Check, Component, ComponentKind, ComponentSink, Family, RuleStatus, Severity, declare_rule,
};

use crate::READER;

use crate::rules::common;

declare_rule! {
    /// ## What it checks
    ///
    /// etcd's effective `--client-cert-auth` (default `false`), from its flags,
    /// `ETCD_CLIENT_CERT_AUTH`, or `client-transport-security` of its
    /// `--config-file`. A `--trusted-ca-file` turns client certificate
    /// authentication on whatever `--client-cert-auth` says, because etcd's
    /// TLS listener requires and verifies client certificates when either is
    /// set, so etcd with a trusted CA file passes.
    ///
    /// ## Why it matters
    ///
    /// Without client certificate authentication, anyone who reaches etcd's
    /// client port reads and writes every key: all Secrets, and the RBAC
    /// objects that decide who is administrator. The API server's checks are
    /// bypassed completely.
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
    ///         - --cert-file=/etc/kubernetes/pki/etcd/server.crt
    ///         - --key-file=/etc/kubernetes/pki/etcd/server.key
    ///         - --client-cert-auth=false
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
    ///         - --cert-file=/etc/kubernetes/pki/etcd/server.crt
    ///         - --key-file=/etc/kubernetes/pki/etcd/server.key
    ///         - --client-cert-auth=true
    ///         - --trusted-ca-file=/etc/kubernetes/pki/etcd/ca.crt
    /// ```
    ///
    /// ## Known limitations
    ///
    /// Whether the trusted CA is etcd's own (CIS 2.7) is checked by
    /// `etcd-shared-ca`.
    ///
    /// ## References
    ///
    /// - CIS Kubernetes Benchmark v1.12 2.2: ensure that the --client-cert-auth argument is set to true
    /// - etcd security model (<https://etcd.io/docs/v3.5/op-guide/security/>)
    /// - Operating etcd clusters for Kubernetes (<https://kubernetes.io/docs/tasks/administer-cluster/configure-upgrade-etcd/>)
    /// - NSA/CISA Kubernetes Hardening Guide: "Control plane hardening"
    pub static RULE = {
        id: "etcd-client-cert-auth",
        family: Family::Etcd,
        severity: Severity::High,
        summary: "etcd accepts clients without a certificate",
        remediation: "Set --client-cert-auth=true and --trusted-ca-file on etcd.",
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
    if has_value(component, "trusted-ca-file") {
        return;
    }
    common::expect_bool(
        component,
        sink,
        "client-cert-auth",
        true,
        "clients need no certificate",
    );
}

/// Whether setting `name` is known and not empty.
pub(super) fn has_value(component: &Component, name: &str) -> bool {
    common::known(component, name).is_some_and(|setting| !setting.value().is_empty())
}
