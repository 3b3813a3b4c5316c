use kubeward_core::{Check, Family, PodSpec, RuleStatus, Severity, Sink, declare_rule};

use super::probes::check_probe;

declare_rule! {
    /// ## What it checks
    ///
    /// Every regular container without a `livenessProbe`. Init containers
    /// and ephemeral containers are skipped, and so are the pods of Jobs
    /// and CronJobs, and Pods that a Job owns: they run to completion, and
    /// `activeDeadlineSeconds` bounds a hung run better than a probe.
    ///
    /// ## Why it matters
    ///
    /// Without a liveness probe, the kubelet restarts a container only when
    /// its main process exits. A deadlocked or wedged process keeps running
    /// and keeps failing requests until someone notices. This is about
    /// availability more than security, which is why the `recommended`
    /// profile does not run this rule.
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
    ///           livenessProbe:
    ///             httpGet:
    ///               path: /healthz
    ///               port: 8080
    /// ```
    ///
    /// ## Known limitations
    ///
    /// Sidecar containers (init containers with `restartPolicy: Always`)
    /// can have probes too, but are not checked.
    ///
    /// ## References
    ///
    /// - Kubernetes documentation, "Configure Liveness, Readiness and Startup Probes"
    ///   (<https://kubernetes.io/docs/tasks/configure-pod-container/configure-liveness-readiness-startup-probes/>)
    /// - kube-linter `no-liveness-probe`; kubescape C-0056 "Configured liveness probe"
    pub static RULE = {
        id: "missing-liveness-probe",
        family: Family::Container,
        severity: Severity::Info,
        summary: "Container has no liveness probe",
        remediation: "Add a livenessProbe that fails when the process can no longer make progress.",
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
        "livenessProbe",
        "add one so that the kubelet restarts it when it hangs",
    );
}
