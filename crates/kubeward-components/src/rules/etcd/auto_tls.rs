use kubeward_core::{
    Check, Component, ComponentKind, ComponentSink, Family, RuleStatus, Severity, declare_rule,
};

use crate::READER;

use crate::rules::common;

declare_rule! {
    /// ## What it checks
    ///
    /// etcd's effective `--auto-tls` (default `false`). The rule fires when it
    /// is on.
    ///
    /// ## Why it matters
    ///
    /// With automatic TLS etcd generates a self-signed certificate that no
    /// client can verify, so clients skip verification and a machine in the
    /// middle can read and change everything they exchange.
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
    ///         - --auto-tls=true
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
    ///         - --auto-tls=false
    ///         - --cert-file=/etc/kubernetes/pki/etcd/server.crt
    /// ```
    ///
    /// ## Known limitations
    ///
    /// The rule does not check whether `--cert-file` makes the setting
    /// irrelevant.
    ///
    /// ## References
    ///
    /// - CIS Kubernetes Benchmark v1.12 2.3: ensure that the --auto-tls argument is not set to true
    /// - etcd security model (<https://etcd.io/docs/v3.5/op-guide/security/>)
    pub static RULE = {
        id: "etcd-auto-tls",
        family: Family::Etcd,
        severity: Severity::Medium,
        summary: "etcd uses self-signed client certificates",
        remediation: "Set --auto-tls=false on etcd and give it certificates signed by a CA.",
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
        "auto-tls",
        false,
        "clients get a self-signed certificate",
    );
}
