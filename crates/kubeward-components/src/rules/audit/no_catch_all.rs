use kubeward_core::{Check, Family, Object, RuleStatus, Severity, Sink, declare_rule};

use crate::config::audit::{AuditPolicy, Level, is_audit_policy};

declare_rule! {
    /// ## What it checks
    ///
    /// Whether an audit Policy ends with a catch-all rule, one with no `users`,
    /// `userGroups`, `verbs`, `namespaces`, `resources` or `nonResourceURLs`,
    /// at `Metadata` or above. A policy with no rules, or whose last catch-all
    /// is at `None`, is reported too.
    ///
    /// ## Why it matters
    ///
    /// Requests that no rule matches are not logged. Without a catch-all, every
    /// resource the rules forgot, including custom resources and those added in
    /// later Kubernetes versions, is used without a trace.
    ///
    /// ## Failing example
    ///
    /// ```yaml
    /// apiVersion: audit.k8s.io/v1
    /// kind: Policy
    /// rules:
    ///   - level: Metadata
    ///     resources:
    ///       - group: ""
    ///         resources: ["secrets"]
    ///   - level: RequestResponse
    ///     resources:
    ///       - group: ""
    ///         resources: ["pods"]
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
    ///         resources: ["secrets"]
    ///   - level: RequestResponse
    ///     resources:
    ///       - group: ""
    ///         resources: ["pods"]
    ///   - level: Metadata
    /// ```
    ///
    /// ## Known limitations
    ///
    /// A catch-all earlier in the list also ends the walk; the rule reports
    /// only about the last rule, where a catch-all belongs.
    ///
    /// ## References
    ///
    /// - CIS Kubernetes Benchmark v1.12 3.2.2: ensure that the audit policy covers key security concerns
    /// - Kubernetes auditing (<https://kubernetes.io/docs/tasks/debug/debug-cluster/audit/>)
    /// - NSA/CISA Kubernetes Hardening Guide: "Audit Logging and Threat Detection"
    pub static RULE = {
        id: "audit-no-catch-all",
        family: Family::Audit,
        severity: Severity::Low,
        summary: "Audit policy does not log requests its rules miss",
        remediation: "End the audit policy with a rule that only sets level: Metadata.",
        pss: None,
        recommended: false,
        status: RuleStatus::Stable,
        check: Check::Object(check),
    };
}

fn check(object: &Object<'_, '_>, sink: &mut Sink<'_>) {
    if !is_audit_policy(object) {
        return;
    }
    let policy = AuditPolicy::read(object.root, object.pos());
    let Some(last) = policy.rules.last() else {
        sink.report(
            policy.pos,
            "rules",
            "the policy has no rules, so no request is logged; add a final rule with \
             `level: Metadata`",
        );
        return;
    };
    if !last.is_catch_all() {
        sink.report(
            last.pos,
            format!("rules[{}]", last.index),
            "the last rule is not a catch-all, so requests no rule matches are not logged; add a \
             final rule with only `level: Metadata`",
        );
    } else if last.level.is_none_or(|level| level == Level::None) {
        sink.report(
            last.level_pos,
            format!("rules[{}].level", last.index),
            "the final catch-all logs at None, so requests no earlier rule matches are not \
             logged; set it to `level: Metadata`",
        );
    }
}
