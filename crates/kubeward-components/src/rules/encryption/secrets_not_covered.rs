use kubeward_core::{Check, Family, Object, RuleStatus, Severity, Sink, declare_rule};

use crate::config::encryption::{EncryptionConfig, is_encryption_config};

declare_rule! {
    /// ## What it checks
    ///
    /// An EncryptionConfiguration (or the pre-1.13 `EncryptionConfig`) with no
    /// `resources` entry that names Secrets: `secrets`, `*.` (every core
    /// resource) or `*.*`.
    ///
    /// ## Why it matters
    ///
    /// The API server encrypts only the resources the configuration names. A
    /// configuration without Secrets leaves exactly the data encryption at rest
    /// exists for in plain text in etcd, while the flag makes the cluster look
    /// protected.
    ///
    /// ## Failing example
    ///
    /// ```yaml
    /// apiVersion: apiserver.config.k8s.io/v1
    /// kind: EncryptionConfiguration
    /// resources:
    ///   - resources:
    ///       - configmaps
    ///     providers:
    ///       - secretbox:
    ///           keys:
    ///             - name: key1
    ///               secret: YWJjZGVmZ2hpamtsbW5vcHFyc3R1dnd4eXoxMjM0NTY=
    ///       - identity: {}
    /// ```
    ///
    /// ## Fixed example
    ///
    /// ```yaml
    /// apiVersion: apiserver.config.k8s.io/v1
    /// kind: EncryptionConfiguration
    /// resources:
    ///   - resources:
    ///       - secrets
    ///       - configmaps
    ///     providers:
    ///       - secretbox:
    ///           keys:
    ///             - name: key1
    ///               secret: YWJjZGVmZ2hpamtsbW5vcHFyc3R1dnd4eXoxMjM0NTY=
    ///       - identity: {}
    /// ```
    ///
    /// ## Known limitations
    ///
    /// Whether the API server reads this file is checked by
    /// `encryption-not-configured` and by `kubeward node`.
    ///
    /// ## References
    ///
    /// - CIS Kubernetes Benchmark v1.12 1.2.28: ensure that encryption providers are appropriately configured
    /// - Encrypting confidential data at rest (<https://kubernetes.io/docs/tasks/administer-cluster/encrypt-data/>)
    /// - NSA/CISA Kubernetes Hardening Guide: "Secrets"
    pub static RULE = {
        id: "encryption-secrets-not-covered",
        family: Family::Encryption,
        severity: Severity::High,
        summary: "Encryption configuration does not cover Secrets",
        remediation: "Add an entry for secrets (or *.*) to resources, with an encrypting provider first.",
        pss: None,
        recommended: true,
        status: RuleStatus::Stable,
        check: Check::Object(check),
    };
}

fn check(object: &Object<'_, '_>, sink: &mut Sink<'_>) {
    if !is_encryption_config(object) {
        return;
    }
    let config = EncryptionConfig::read(object.root, object.pos());
    if config.entry_for("", "secrets").is_none() {
        sink.report(
            config.pos,
            "resources",
            "no entry names Secrets (`secrets`, `*.` or `*.*`), so the API server stores them \
             unencrypted; add `secrets` to an entry whose first provider encrypts",
        );
    }
}
