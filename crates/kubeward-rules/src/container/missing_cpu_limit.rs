use kubeward_core::{Check, Family, PodSpec, RuleStatus, Severity, Sink, declare_rule};

use super::resources::{Section, check_resource};

declare_rule! {
    /// ## What it checks
    ///
    /// Every container and init container without `resources.limits.cpu`.
    /// Ephemeral containers are skipped, because the API server rejects
    /// `resources` on them. A pod-level `spec.resources.limits.cpu` counts
    /// for every container.
    ///
    /// ## Why it matters
    ///
    /// Without a CPU limit, a container may use every idle core of its
    /// node, for example to mine cryptocurrency after a compromise. Its CPU
    /// request still protects other pods' share when the node is busy, so
    /// the risk is smaller than for memory. Many teams leave CPU unlimited
    /// on purpose to avoid throttling, which is why the `recommended`
    /// profile does not run this rule.
    ///
    /// ## Failing example
    ///
    /// ```yaml
    /// apiVersion: batch/v1
    /// kind: Job
    /// metadata:
    ///   name: report
    /// spec:
    ///   template:
    ///     spec:
    ///       restartPolicy: Never
    ///       containers:
    ///         - name: report
    ///           image: registry.example.com/report:1.0.3
    ///           resources:
    ///             requests:
    ///               cpu: 500m
    /// ```
    ///
    /// ## Fixed example
    ///
    /// ```yaml
    /// apiVersion: batch/v1
    /// kind: Job
    /// metadata:
    ///   name: report
    /// spec:
    ///   template:
    ///     spec:
    ///       restartPolicy: Never
    ///       containers:
    ///         - name: report
    ///           image: registry.example.com/report:1.0.3
    ///           resources:
    ///             requests:
    ///               cpu: 500m
    ///             limits:
    ///               cpu: "2"
    /// ```
    ///
    /// ## Known limitations
    ///
    /// A LimitRange in the namespace may give containers a default limit
    /// when the pod is created. A manifest scan cannot see it, so such
    /// containers are still reported.
    ///
    /// ## References
    ///
    /// - NSA/CISA Kubernetes Hardening Guide, "Network separation and hardening": "Resource policies"
    /// - Kubernetes documentation, "Resource Management for Pods and Containers"
    ///   (<https://kubernetes.io/docs/concepts/configuration/manage-resources-containers/>)
    /// - kube-linter `unset-cpu-requirements`; kubescape C-0050 "Resources CPU limit and request"
    pub static RULE = {
        id: "missing-cpu-limit",
        family: Family::Container,
        severity: Severity::Low,
        summary: "Container has no CPU limit",
        remediation: "Set resources.limits.cpu on the container.",
        pss: None,
        recommended: false,
        status: RuleStatus::Stable,
        check: Check::PodSpec(check),
    };
}

fn check(pod: &PodSpec<'_, '_, '_>, sink: &mut Sink<'_>) {
    check_resource(pod, sink, Section::Limits, "cpu");
}
