use kubeward_core::{Check, Family, Object, RuleStatus, Severity, Sink, declare_rule};

use super::secret::{self, Evidence};

declare_rule! {
    /// ## What it checks
    ///
    /// Every `data` entry of a ConfigMap that looks like a secret, by the
    /// same two tests as `secret-in-env-literal`:
    ///
    /// - the value contains a credential in a known format: an AWS access
    ///   key id, a PEM private key, a GitHub, GitLab, Slack, Google or
    ///   Stripe key or token, a JSON Web Token, HTTP authorization
    ///   credentials or a URL with a password. The whole value is
    ///   searched, so a configuration file stored under one key is too;
    /// - or the key suggests a secret (`password`, `db.password`,
    ///   `api-key`, `credentials.json`, ...) and the value is not empty, a
    ///   variable reference, a template, a boolean word, an absolute path or
    ///   a URL without credentials.
    ///
    /// The finding points at the key, and neither its message nor its
    /// quoted source line contains the value.
    ///
    /// ## Why it matters
    ///
    /// ConfigMaps are meant for data that is not secret. Their contents
    /// sit in plain text in the manifest and its repository, RBAC roles
    /// commonly grant read access to them far more widely than to Secrets,
    /// and encryption at rest is usually configured for Secrets only.
    ///
    /// ## Failing example
    ///
    /// ```yaml
    /// apiVersion: v1
    /// kind: ConfigMap
    /// metadata:
    ///   name: billing-config
    /// data:
    ///   db.host: postgres.billing.svc
    ///   db.password: correct-horse-battery-staple
    /// ```
    ///
    /// ## Fixed example
    ///
    /// ```yaml
    /// apiVersion: v1
    /// kind: ConfigMap
    /// metadata:
    ///   name: billing-config
    /// data:
    ///   db.host: postgres.billing.svc
    ///   db.password-file: /etc/billing/db/password
    /// ```
    ///
    /// ## Known limitations
    ///
    /// Inside a configuration file stored under one key, only the known
    /// formats are found: a line such as `password=...` in an
    /// `application.properties` value is not. `binaryData` is not checked.
    ///
    /// ## References
    ///
    /// - kubescape C-0012 "Applications credentials in configuration files"
    /// - Kubernetes documentation, "ConfigMaps": use a Secret for confidential data
    ///   (<https://kubernetes.io/docs/concepts/configuration/configmap/>)
    pub static RULE = {
        id: "secret-in-configmap",
        family: Family::Container,
        severity: Severity::High,
        summary: "ConfigMap holds a literal secret",
        remediation: "Move the value into a Secret and mount that instead; then rotate the exposed secret.",
        pss: None,
        recommended: true,
        status: RuleStatus::Preview,
        check: Check::Object(check),
    };
}

fn check(object: &Object<'_, '_>, sink: &mut Sink<'_>) {
    if object.api_group() != "" || object.kind() != "ConfigMap" {
        return;
    }
    let Some(data) = object.root.get("data") else {
        return;
    };
    for entry in data.entries() {
        let Some(key) = entry.key_str() else {
            continue;
        };
        let Some(value) = secret::literal_text(entry.value) else {
            continue;
        };
        let Some(evidence) = secret::classify(Some(&key), &value) else {
            continue;
        };
        let reason = match evidence {
            Evidence::Format(format) => format!("a value that looks like {}", format.describe()),
            Evidence::Name => "a literal value and a name that suggests a secret".to_owned(),
        };
        let finding = sink.report(
            entry.key.pos(),
            format!("data[{key}]"),
            format!(
                "ConfigMap key \"{key}\" has {reason}; \
                 move it into a Secret"
            ),
        );
        secret::redact_source_line(finding, entry.value, &value);
    }
}
