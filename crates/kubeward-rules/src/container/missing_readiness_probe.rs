use kubeward_core::{Check, Family, PodSpec, RuleStatus, Severity, Sink, declare_rule};

use super::probes::check_probe;

declare_rule! {
    /// ## What it checks
    ///
    /// Every regular container without a `readinessProbe`. Init containers
    /// and ephemeral containers are skipped, and so are the pods of Jobs
    /// and CronJobs, and Pods that a Job owns, which serve no traffic.
    ///
    /// ## Why it matters
    ///
    /// Without a readiness probe, a pod counts as ready as soon as its
    /// containers start. Services send it traffic before it can serve, and
    /// keep sending it traffic while it is overloaded or has lost a
    /// dependency, and rolling updates move on without waiting for the new
    /// pods to work. This is about availability more than security, which
    /// is why the `recommended` profile does not run this rule.
    ///
    /// ## Failing example
    ///
    /// ```yaml
    /// apiVersion: apps/v1
    /// kind: Deployment
    /// metadata:
    ///   name: api
    /// spec:
    ///   selector:
    ///     matchLabels: {app: api}
    ///   template:
    ///     metadata:
    ///       labels: {app: api}
    ///     spec:
    ///       containers:
    ///         - name: api
    ///           image: registry.example.com/api:2.4.1
    /// ```
    ///
    /// ## Fixed example
    ///
    /// ```yaml
    /// apiVersion: apps/v1
    /// kind: Deployment
    /// metadata:
    ///   name: api
    /// spec:
    ///   selector:
    ///     matchLabels: {app: api}
    ///   template:
    ///     metadata:
    ///       labels: {app: api}
    ///     spec:
    ///       containers:
    ///         - name: api
    ///           image: registry.example.com/api:2.4.1
    ///           readinessProbe:
    ///             httpGet:
    ///               path: /ready
    ///               port: 8080
    /// ```
    ///
    /// ## Known limitations
    ///
    /// Containers that serve no traffic, such as queue workers, do not need
    /// a readiness probe; suppress the finding for them. Sidecar containers
    /// (init containers with `restartPolicy: Always`) are not checked.
    ///
    /// ## References
    ///
    /// - Kubernetes documentation, "Configure Liveness, Readiness and Startup Probes"
    ///   (<https://kubernetes.io/docs/tasks/configure-pod-container/configure-liveness-readiness-startup-probes/>)
    /// - kube-linter `no-readiness-probe`; kubescape C-0018 "Configured readiness probe"
    pub static RULE = {
        id: "missing-readiness-probe",
        family: Family::Container,
        severity: Severity::Info,
        summary: "Container has no readiness probe",
        remediation: "Add a readinessProbe that succeeds only when the container can serve requests.",
        pss: None,
        recommended: false,
        status: RuleStatus::Stable,
        check: Check::PodSpec(check),
    };
}

fn check(pod: &PodSpec<'_, '_, '_>, sink: &mut Sink<'_>) {
    check_probe(
        pod,
        sink,
        "readinessProbe",
        "add one so that Services send it traffic only when it can serve",
    );
}
