use crate::{Check, Family, RuleStatus, Severity, declare_rule};

declare_rule! {
    /// ## What it checks
    ///
    /// A mapping that sets the same key twice. kubeward, like `kubectl`'s
    /// YAML reader, keeps the last value and checks the object with it; the
    /// finding points at the later occurrence, and its message and field
    /// path give the key's full path in the object, such as
    /// `spec.template.spec.containers[0].image`.
    ///
    /// ## Why it matters
    ///
    /// A reviewer reads the first value, the cluster gets the last one. A
    /// second `privileged: true` below a harmless `privileged: false` passes
    /// a quick review. Since Kubernetes 1.27, `kubectl apply` rejects
    /// duplicate fields with strict field validation, so the file may also
    /// fail to apply.
    ///
    /// ## Failing example
    ///
    /// ```yaml
    /// apiVersion: v1
    /// kind: ConfigMap
    /// metadata:
    ///   name: settings
    ///   name: other-settings
    /// ```
    ///
    /// ## Fixed example
    ///
    /// ```yaml
    /// apiVersion: v1
    /// kind: ConfigMap
    /// metadata:
    ///   name: settings
    /// ```
    ///
    /// ## Known limitations
    ///
    /// Keys are compared as written after YAML typing, so `80` and `"80"`
    /// are one key, as they are once the object is converted to JSON.
    ///
    /// ## References
    ///
    /// - Kubernetes documentation, "Field validation"
    ///   (<https://kubernetes.io/docs/reference/using-api/api-concepts/#field-validation>)
    pub static RULE = {
        id: "duplicate-key",
        family: Family::Intake,
        severity: Severity::Medium,
        summary: "Mapping sets the same key twice",
        remediation: "Delete all but one occurrence of the key, keeping the value you mean.",
        pss: None,
        recommended: true,
        status: RuleStatus::Stable,
        check: Check::Pipeline,
    };
}
