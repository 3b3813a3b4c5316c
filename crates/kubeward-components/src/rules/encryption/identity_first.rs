use kubeward_core::{Check, Family, Object, RuleStatus, Severity, Sink, declare_rule};

use crate::config::encryption::{EncryptionConfig, ProviderKind, is_encryption_config};

declare_rule! {
    /// ## What it checks
    ///
    /// The entry of an EncryptionConfiguration that covers Secrets, when its
    /// first provider is `identity`.
    ///
    /// ## Why it matters
    ///
    /// The API server writes with the first provider only and reads with any.
    /// With `identity` first, new and updated Secrets are stored in plain text
    /// even though encrypting providers are listed after it; they serve only to
    /// read data written earlier.
    ///
    /// ## Failing example
    ///
    /// ```yaml
    /// apiVersion: apiserver.config.k8s.io/v1
    /// kind: EncryptionConfiguration
    /// resources:
    ///   - resources:
    ///       - secrets
    ///     providers:
    ///       - identity: {}
    ///       - aesgcm:
    ///           keys:
    ///             - name: key1
    ///               secret: c2VjcmV0IGlzIHNlY3VyZQ==
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
    ///     providers:
    ///       - aesgcm:
    ///           keys:
    ///             - name: key1
    ///               secret: c2VjcmV0IGlzIHNlY3VyZQ==
    ///       - identity: {}
    /// ```
    ///
    /// ## Known limitations
    ///
    /// Keeping `identity` last, to read data written before encryption was
    /// turned on, is fine and not reported.
    ///
    /// ## References
    ///
    /// - CIS Kubernetes Benchmark v1.12 1.2.28: ensure that encryption providers are appropriately configured
    /// - Encrypting confidential data at rest (<https://kubernetes.io/docs/tasks/administer-cluster/encrypt-data/>)
    /// - NSA/CISA Kubernetes Hardening Guide: "Secrets"
    pub static RULE = {
        id: "encryption-identity-first",
        family: Family::Encryption,
        severity: Severity::High,
        summary: "Encryption configuration writes Secrets unencrypted",
        remediation: "Move the identity provider after an encrypting provider, or remove it.",
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
    let Some(entry) = config.entry_for("", "secrets") else {
        return;
    };
    let Some(first) = entry.providers.first() else {
        return;
    };
    if first.kind == ProviderKind::Identity {
        sink.report(
            first.pos,
            first.path.clone(),
            "the first provider for Secrets is `identity`, so the API server writes them \
             unencrypted; put an encrypting provider (KMS v2, secretbox, aesgcm) first",
        );
    }
}
