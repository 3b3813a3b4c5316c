use kubeward_core::{Check, Family, PodSpec, RuleStatus, Severity, Sink, declare_rule};

use super::resources::{Section, check_resource};

declare_rule! {
    /// ## What it checks
    ///
    /// Every container and init container that sets neither
    /// `resources.requests.cpu` nor `resources.limits.cpu`. A limit alone is
    /// enough: when a container sets a limit and no request for a resource,
    /// the API server sets the request to the limit when it creates the
    /// pod. Ephemeral containers are skipped, because the API server rejects
    /// `resources` on them. A pod-level `spec.resources.requests.cpu` or
    /// `limits.cpu` counts for every container.
    ///
    /// ## Why it matters
    ///
    /// The scheduler places pods by their requests, and the kernel shares a
    /// busy node's CPU in proportion to them. A container without a CPU
    /// request gets the smallest share, so a busy neighbour can starve it,
    /// and nodes are packed beyond what they can serve.
    ///
    /// ## Failing example
    ///
    /// ```yaml
    /// apiVersion: apps/v1
    /// kind: DaemonSet
    /// metadata:
    ///   name: node-exporter
    /// spec:
    ///   selector:
    ///     matchLabels: {app: node-exporter}
    ///   template:
    ///     metadata:
    ///       labels: {app: node-exporter}
    ///     spec:
    ///       containers:
    ///         - name: exporter
    ///           image: quay.io/prometheus/node-exporter:v1.8.1
    ///           resources:
    ///             limits:
    ///               memory: 128Mi
    /// ```
    ///
    /// ## Fixed example
    ///
    /// ```yaml
    /// apiVersion: apps/v1
    /// kind: DaemonSet
    /// metadata:
    ///   name: node-exporter
    /// spec:
    ///   selector:
    ///     matchLabels: {app: node-exporter}
    ///   template:
    ///     metadata:
    ///       labels: {app: node-exporter}
    ///     spec:
    ///       containers:
    ///         - name: exporter
    ///           image: quay.io/prometheus/node-exporter:v1.8.1
    ///           resources:
    ///             requests:
    ///               cpu: 100m
    ///             limits:
    ///               memory: 128Mi
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
    /// - kube-linter `unset-cpu-requirements`; kubescape C-0050 "Resources CPU limit and request"
    pub static RULE = {
        id: "missing-cpu-request",
        family: Family::Container,
        severity: Severity::Low,
        summary: "Container has no CPU request",
        remediation: "Set resources.requests.cpu on the container, or a CPU limit that the request defaults to.",
        pss: None,
        recommended: true,
        status: RuleStatus::Stable,
        check: Check::PodSpec(check),
    };
}

fn check(pod: &PodSpec<'_, '_, '_>, sink: &mut Sink<'_>) {
    check_resource(pod, sink, Section::Requests, "cpu");
}
