use kubeward_core::{Check, Family, Object, RuleStatus, Severity, Sink, declare_rule};

use crate::config::audit::{AuditPolicy, Level, is_audit_policy};

declare_rule! {
    /// ## What it checks
    ///
    /// Whether an audit Policy can log requests for Secrets, ServiceAccount
    /// token requests (`serviceaccounts/token`) or TokenReviews at `Request` or
    /// `RequestResponse`. The rules are walked in order as the API server walks
    /// them: the first rule that matches every such request decides, and
    /// narrower rules before it (for some users, verbs or namespaces) are
    /// reported when they log above `Metadata`.
    ///
    /// ## Why it matters
    ///
    /// At `Request` and `RequestResponse` the audit log stores request and
    /// response bodies: every Secret value read or written, and every token
    /// issued or reviewed. The log, usually shipped to many systems and
    /// readable by many people, then holds the cluster's credentials.
    ///
    /// ## Failing example
    ///
    /// ```yaml
    /// apiVersion: audit.k8s.io/v1
    /// kind: Policy
    /// rules:
    ///   - level: RequestResponse
    ///     resources:
    ///       - group: ""
    ///         resources: ["pods", "secrets"]
    ///   - level: Metadata
    /// ```
    ///
    /// ## Fixed example
    ///
    /// ```yaml
    /// apiVersion: audit.k8s.io/v1
    /// kind: Policy
    /// rules:
    ///   - level: Metadata
    ///     resources:
    ///       - group: ""
    ///         resources: ["secrets", "serviceaccounts/token"]
    ///       - group: authentication.k8s.io
    ///         resources: ["tokenreviews"]
    ///   - level: RequestResponse
    ///     resources:
    ///       - group: ""
    ///         resources: ["pods"]
    ///   - level: Metadata
    /// ```
    ///
    /// ## Known limitations
    ///
    /// ConfigMaps are not checked, although some hold credentials. Custom
    /// resources that hold secrets are not known to the rule.
    ///
    /// ## References
    ///
    /// - CIS Kubernetes Benchmark v1.12 3.2.2: ensure that the audit policy covers key security concerns
    /// - Kubernetes auditing (<https://kubernetes.io/docs/tasks/debug/debug-cluster/audit/>)
    /// - NSA/CISA Kubernetes Hardening Guide: "Audit Logging and Threat Detection"
    pub static RULE = {
        id: "audit-secrets-logged",
        family: Family::Audit,
        severity: Severity::High,
        summary: "Audit policy logs the content of Secrets or tokens",
        remediation: "Log secrets, serviceaccounts/token and tokenreviews at Metadata, in a rule before any broader one.",
        pss: None,
        recommended: true,
        status: RuleStatus::Stable,
        check: Check::Object(check),
    };
}

fn check(object: &Object<'_, '_>, sink: &mut Sink<'_>) {
    if !is_audit_policy(object) {
        return;
    }
    let policy = AuditPolicy::read(object.root, object.pos());
    for (group, resource, what) in SENSITIVE {
        let Some((level, rule)) = policy.highest_level(group, resource) else {
            continue;
        };
        if level <= Level::Metadata {
            continue;
        }
        sink.report(
            rule.level_pos,
            format!("rules[{}].level", rule.index),
            format!(
                "rule {} logs {what} at {}, so the audit log stores their content; log them at \
                 Metadata in a rule before it",
                rule.index + 1,
                level.name()
            ),
        );
    }
}

/// Requests whose bodies hold credentials: group, resource and how
/// messages name them.
const SENSITIVE: [(&str, &str, &str); 3] = [
    ("", "secrets", "requests for Secrets"),
    ("", "serviceaccounts/token", "ServiceAccount token requests"),
    ("authentication.k8s.io", "tokenreviews", "TokenReviews"),
];
