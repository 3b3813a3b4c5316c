use kubeward_core::{
    Check, Component, ComponentKind, ComponentSink, Family, RuleStatus, Severity, declare_rule,
};

use kubeward_core::component::SettingSource;

use crate::READER;

use crate::rules::common;

declare_rule! {
    /// ## What it checks
    ///
    /// Whether kube-apiserver sets `--encryption-provider-config` (or its
    /// pre-1.13 name `--experimental-encryption-provider-config`). What the
    /// file encrypts is checked by the other `encryption` rules, on the file
    /// itself when it is among the inputs and on the node by `kubeward node`.
    ///
    /// ## Why it matters
    ///
    /// Without encryption at rest, every Secret is stored in etcd as plain
    /// base64. Anyone who reads an etcd backup, a disk snapshot or etcd's data
    /// directory reads every password, token and key of the cluster.
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
    ///         - --encryption-provider-config=/etc/kubernetes/encryption-config.yaml
    /// ```
    ///
    /// ## Known limitations
    ///
    /// k3s and RKE2 enable encryption with `secrets-encryption: true`, which
    /// kubeward reads from their configuration.
    ///
    /// ## References
    ///
    /// - CIS Kubernetes Benchmark v1.12 1.2.27: ensure that the --encryption-provider-config argument is set as appropriate
    /// - Encrypting confidential data at rest (<https://kubernetes.io/docs/tasks/administer-cluster/encrypt-data/>)
    /// - NSA/CISA Kubernetes Hardening Guide: "Secrets"
    pub static RULE = {
        id: "encryption-not-configured",
        family: Family::Encryption,
        severity: Severity::Medium,
        summary: "API server stores Secrets in etcd unencrypted",
        remediation: "Set --encryption-provider-config on kube-apiserver to an EncryptionConfiguration that encrypts Secrets.",
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
    // k3s and RKE2 write the encryption config themselves when their own
    // `secrets-encryption` option is on.
    let distribution = component.settings().iter().find_map(|s| match s.source {
        SettingSource::Installer(name @ ("k3s" | "rke2")) => Some(name),
        _ => None,
    });
    if let Some(distribution) = distribution {
        if common::is_unset(component, "encryption-provider-config") {
            sink.report(
                &component.anchor,
                format!(
                    "{}: stores Secrets in etcd without encryption: `--encryption-provider-config` \
                     not set; set `secrets-encryption: true` in the {distribution} config file \
                     (or pass `--secrets-encryption` to `{distribution} server`); {distribution} \
                     then writes the encryption config and passes it to the API server",
                    component.kind
                ),
            );
        }
        return;
    }
    common::require_set(
        component,
        sink,
        &["encryption-provider-config"],
        "stores Secrets in etcd without encryption",
        &["/etc/kubernetes/encryption-config.yaml"],
    );
}
