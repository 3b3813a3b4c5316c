use kubeward_core::{Check, Family, PodSpec, RuleStatus, Severity, Sink, declare_rule};

use super::resources::{Section, check_resource};

declare_rule! {
    /// ## What it checks
    ///
    /// Every container and init container without
    /// `resources.limits.memory`. Ephemeral containers are skipped, because
    /// the API server rejects `resources` on them. A pod-level
    /// `spec.resources.limits.memory` counts for every container.
    ///
    /// ## Why it matters
    ///
    /// Without a memory limit, one container can use all the memory of its
    /// node. A memory leak, a large request or a deliberate attack then
    /// makes the kernel kill processes of other pods, or the kubelet evict
    /// them: a denial of service beyond the workload itself.
    ///
    /// ## Failing example
    ///
    /// ```yaml
    /// apiVersion: v1
    /// kind: Pod
    /// metadata:
    ///   name: api
    /// spec:
    ///   containers:
    ///     - name: api
    ///       image: registry.example.com/api:2.4.1
    ///       resources:
    ///         requests:
    ///           memory: 256Mi
    /// ```
    ///
    /// ## Fixed example
    ///
    /// ```yaml
    /// apiVersion: v1
    /// kind: Pod
    /// metadata:
    ///   name: api
    /// spec:
    ///   containers:
    ///     - name: api
    ///       image: registry.example.com/api:2.4.1
    ///       resources:
    ///         requests:
    ///           memory: 256Mi
    ///         limits:
    ///           memory: 512Mi
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
    /// - kube-linter `unset-memory-requirements`; kubescape C-0004 "Resources memory limit and request"
    pub static RULE = {
        id: "missing-memory-limit",
        family: Family::Container,
        severity: Severity::Medium,
        summary: "Container has no memory limit",
        remediation: "Set resources.limits.memory on the container.",
        pss: None,
        recommended: true,
        status: RuleStatus::Stable,
        check: Check::PodSpec(check),
    };
}

fn check(pod: &PodSpec<'_, '_, '_>, sink: &mut Sink<'_>) {
    check_resource(pod, sink, Section::Limits, "memory");
}
