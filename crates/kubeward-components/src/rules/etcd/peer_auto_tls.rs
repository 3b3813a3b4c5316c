use kubeward_core::{
    Check, Component, ComponentKind, ComponentSink, Family, RuleStatus, Severity, declare_rule,
};

use crate::READER;

use crate::rules::common;

declare_rule! {
    /// ## What it checks
    ///
    /// etcd's effective `--peer-auto-tls` (default `false`). The rule fires
    /// when it is on.
    ///
    /// ## Why it matters
    ///
    /// Self-signed peer certificates cannot be verified, so members accept any
    /// peer, including one an attacker runs.
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
    ///         - --peer-auto-tls=true
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
    ///         - --peer-auto-tls=false
    /// ```
    ///
    /// ## Known limitations
    ///
    /// The rule does not check whether `--peer-cert-file` makes the setting
    /// irrelevant.
    ///
    /// ## References
    ///
    /// - CIS Kubernetes Benchmark v1.12 2.6: ensure that the --peer-auto-tls argument is not set to true
    /// - etcd security model (<https://etcd.io/docs/v3.5/op-guide/security/>)
    pub static RULE = {
        id: "etcd-peer-auto-tls",
        family: Family::Etcd,
        severity: Severity::Medium,
        summary: "etcd uses self-signed peer certificates",
        remediation: "Set --peer-auto-tls=false on etcd and give it peer certificates signed by a CA.",
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
    common::expect_bool(
        component,
        sink,
        "peer-auto-tls",
        false,
        "peers get self-signed certificates",
    );
}
