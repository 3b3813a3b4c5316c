use kubeward_core::{Check, Family, Object, RuleStatus, Severity, Sink, declare_rule};

use crate::config::encryption::{EncryptionConfig, ProviderKind, is_encryption_config};

declare_rule! {
    /// ## What it checks
    ///
    /// The first provider of the entry that covers Secrets, by strength: KMS v2
    /// is the strongest, since keys stay outside the cluster; `secretbox` is
    /// strong; `aesgcm` needs its key rotated every 200,000 writes; KMS v1 is
    /// deprecated since Kubernetes 1.28 and off by default since 1.29; `aescbc`
    /// is the weakest. The rule reports `aescbc`, KMS v1 and `aesgcm`.
    ///
    /// ## Why it matters
    ///
    /// `aescbc` is open to padding-oracle attacks. `aesgcm` with a random nonce
    /// loses its guarantees once a key encrypts too many values, which busy
    /// clusters reach without noticing. KMS v1 will stop working on upgrade.
    /// Local-key providers also keep the key in the same file on the same disks
    /// as the data.
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
    ///       - aescbc:
    ///           keys:
    ///             - name: key1
    ///               secret: c2VjcmV0IGlzIHNlY3VyZQ==
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
    ///     providers:
    ///       - kms:
    ///           apiVersion: v2
    ///           name: vault-kms
    ///           endpoint: unix:///var/run/kms/socket.sock
    ///       - identity: {}
    /// ```
    ///
    /// ## Known limitations
    ///
    /// The CIS benchmark accepts `aescbc`, `kms` and `secretbox`; kubeward
    /// reports `aescbc` anyway because the Kubernetes documentation ranks it
    /// weakest. Key rotation history is not visible in the file.
    ///
    /// ## References
    ///
    /// - CIS Kubernetes Benchmark v1.12 1.2.28: ensure that encryption providers are appropriately configured
    /// - Encrypting confidential data at rest (<https://kubernetes.io/docs/tasks/administer-cluster/encrypt-data/>)
    /// - Using a KMS provider for data encryption (<https://kubernetes.io/docs/tasks/administer-cluster/kms-provider/>)
    /// - NSA/CISA Kubernetes Hardening Guide: "Secrets"
    pub static RULE = {
        id: "encryption-provider-strength",
        family: Family::Encryption,
        severity: Severity::Medium,
        summary: "Secrets are encrypted with a weak or deprecated provider",
        remediation: "Encrypt Secrets with a KMS v2 provider or secretbox. Where aesgcm stays, rotate its keys often.",
        pss: None,
        recommended: false,
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
    let problem = match first.kind {
        ProviderKind::AesCbc => {
            "Secrets are encrypted with `aescbc`, the weakest provider (AES-CBC is open to \
             padding-oracle attacks)"
        }
        ProviderKind::KmsV1 => {
            "Secrets are encrypted through KMS v1 (no `apiVersion: v2`), deprecated since \
             Kubernetes 1.28 and disabled by default since 1.29"
        }
        ProviderKind::AesGcm => {
            "Secrets are encrypted with `aesgcm`, whose key must be rotated every 200,000 \
             writes"
        }
        _ => return,
    };
    sink.report(
        first.pos,
        first.path.clone(),
        format!("{problem}; use a KMS v2 provider, or secretbox"),
    );
}
