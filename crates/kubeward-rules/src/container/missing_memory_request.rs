use kubeward_core::{Check, Family, PodSpec, RuleStatus, Severity, Sink, declare_rule};

use super::resources::{Section, check_resource};

declare_rule! {
    /// ## What it checks
    ///
    /// Every container and init container that sets neither
    /// `resources.requests.memory` nor `resources.limits.memory`. A limit
    /// alone is enough: when a container sets a limit and no request for a
    /// resource, the API server sets the request to the limit when it
    /// creates the pod. Ephemeral containers are skipped, because the API
    /// server rejects `resources` on them. A pod-level
    /// `spec.resources.requests.memory` or `limits.memory` counts for every
    /// container.
    ///
    /// ## Why it matters
    ///
    /// The scheduler places pods by their requests. A container without a
    /// memory request is counted as needing none, so nodes fill up beyond
    /// what they can hold. Such pods are also among the first the kubelet
    /// evicts when memory runs short.
    ///
    /// ## Failing example
    ///
    /// ```yaml
    /// apiVersion: apps/v1
    /// kind: StatefulSet
    /// metadata:
    ///   name: cache
    /// spec:
    ///   serviceName: cache
    ///   selector:
    ///     matchLabels: {app: cache}
    ///   template:
    ///     metadata:
    ///       labels: {app: cache}
    ///     spec:
    ///       containers:
    ///         - name: redis
    ///           image: redis:7.2.5
    /// ```
    ///
    /// ## Fixed example
    ///
    /// ```yaml
    /// apiVersion: apps/v1
    /// kind: StatefulSet
    /// metadata:
    ///   name: cache
    /// spec:
    ///   serviceName: cache
    ///   selector:
    ///     matchLabels: {app: cache}
    ///   template:
    ///     metadata:
    ///       labels: {app: cache}
    ///     spec:
    ///       containers:
    ///         - name: redis
    ///           image: redis:7.2.5
    ///           resources:
    ///             requests:
    ///               memory: 1Gi
    /// ```
    ///
    /// ## Known limitations
    ///
    /// A LimitRange in the namespace may give containers a default request
    /// when the pod is created. A manifest scan cannot see it, so such
    /// containers are still reported.
    ///
    /// ## References
    ///
    /// - NSA/CISA Kubernetes Hardening Guide, "Network separation and hardening": "Resource policies"
    /// - Kubernetes API reference, Pod `resources`: requests default to limits
    ///   (<https://kubernetes.io/docs/reference/kubernetes-api/workload-resources/pod-v1/#resources>)
    /// - kube-linter `unset-memory-requirements`; kubescape C-0004 "Resources memory limit and request"
    pub static RULE = {
        id: "missing-memory-request",
        family: Family::Container,
        severity: Severity::Low,
        summary: "Container has no memory request",
        remediation: "Set resources.requests.memory on the container, or a memory limit that the request defaults to.",
        pss: None,
        recommended: true,
        status: RuleStatus::Stable,
        check: Check::PodSpec(check),
    };
}

fn check(pod: &PodSpec<'_, '_, '_>, sink: &mut Sink<'_>) {
    check_resource(pod, sink, Section::Requests, "memory");
}
