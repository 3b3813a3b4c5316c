use kubeward_core::{
    Check, Family, PodSpec, PssInfo, PssLevel, RuleStatus, Severity, Sink, declare_rule,
};

use crate::policy::pod::relaxed_for_user_namespace;

declare_rule! {
    /// ## What it checks
    ///
    /// `securityContext.runAsNonRoot` of the pod and of every container,
    /// init container and ephemeral container, at every policy version:
    ///
    /// - the pod setting `false` is a finding;
    /// - a container setting `false` is a finding, whatever the pod sets;
    /// - a container that leaves it unset is a finding unless the pod sets
    ///   `true`.
    ///
    /// From policy version v1.35 pods with `hostUsers: false` pass, because
    /// root in their user namespace is an unprivileged user on the node.
    ///
    /// ## Why it matters
    ///
    /// With `runAsNonRoot: true` the kubelet refuses to start a container
    /// whose user would be UID 0, whether it comes from `runAsUser` or from
    /// the image. Root in a container is root in the node's kernel, held
    /// back only by capabilities, seccomp and the other settings. Any
    /// mistake there, or a kernel bug, then leads straight to the node.
    ///
    /// ## Failing example
    ///
    /// ```yaml
    /// apiVersion: batch/v1
    /// kind: CronJob
    /// metadata:
    ///   name: backup
    /// spec:
    ///   schedule: "0 3 * * *"
    ///   jobTemplate:
    ///     spec:
    ///       template:
    ///         spec:
    ///           restartPolicy: OnFailure
    ///           containers:
    ///             - name: backup
    ///               image: registry.example.com/backup:6.1
    /// ```
    ///
    /// ## Fixed example
    ///
    /// ```yaml
    /// apiVersion: batch/v1
    /// kind: CronJob
    /// metadata:
    ///   name: backup
    /// spec:
    ///   schedule: "0 3 * * *"
    ///   jobTemplate:
    ///     spec:
    ///       template:
    ///         spec:
    ///           restartPolicy: OnFailure
    ///           securityContext:
    ///             runAsNonRoot: true
    ///             runAsUser: 10001
    ///           containers:
    ///             - name: backup
    ///               image: registry.example.com/backup:6.1
    /// ```
    ///
    /// ## Known limitations
    ///
    /// The rule cannot see which user an image runs as. With
    /// `runAsNonRoot: true` and an image whose user is root, the pod passes
    /// admission but the kubelet refuses to start it. Before policy version
    /// v1.35 upstream relaxed the check for user namespaces only behind an
    /// alpha feature gate that was off by default, so this rule decides
    /// those versions as that default does.
    ///
    /// ## References
    ///
    /// - Pod Security Standards, restricted: "Running as Non-root"
    ///   (<https://kubernetes.io/docs/concepts/security/pod-security-standards/#restricted>)
    /// - CIS Kubernetes Benchmark 5.2.7: minimize the admission of root containers
    /// - NSA/CISA Kubernetes Hardening Guide: "Non-root containers and rootless container engines"
    pub static RULE = {
        id: "pss-run-as-non-root",
        family: Family::PodSecurity,
        severity: Severity::Medium,
        summary: "Container may run as root",
        remediation: "Set securityContext.runAsNonRoot to true on the pod, and do not set it to false on any container.",
        pss: Some(PssInfo { level: PssLevel::Restricted, control: "Running as Non-root" }),
        recommended: true,
        status: RuleStatus::Stable,
        check: Check::PodSpec(check),
    };
}

fn check(pod: &PodSpec<'_, '_, '_>, sink: &mut Sink<'_>) {
    if relaxed_for_user_namespace(pod, sink) {
        return;
    }
    let pod_value = pod.security_context().and_then(|sc| sc.get("runAsNonRoot"));
    // Whether containers that leave the field unset inherit an allowed or
    // a forbidden value. A value of the wrong type is left undecided,
    // because the API server rejects the object.
    let unset_fails = match pod_value.map(|node| node.as_bool()) {
        None | Some(Some(false)) => true,
        Some(Some(true) | None) => false,
    };
    if pod_value.and_then(|node| node.as_bool()) == Some(false) {
        sink.report(
            pod.locate(&["securityContext", "runAsNonRoot"]),
            pod.path("securityContext.runAsNonRoot"),
            "pod must not set securityContext.runAsNonRoot=false",
        );
    }
    for container in pod.containers() {
        let value = container
            .security_context()
            .and_then(|sc| sc.get("runAsNonRoot"));
        let message = match value.map(|node| node.as_bool()) {
            Some(Some(false)) => format!(
                "{} must not set securityContext.runAsNonRoot=false",
                container.describe()
            ),
            None if unset_fails => format!(
                "{} must set securityContext.runAsNonRoot=true, or the pod must set it",
                container.describe()
            ),
            // True, a value of the wrong type, or unset under a pod-level
            // true.
            _ => continue,
        };
        sink.report(
            container.locate(&["securityContext", "runAsNonRoot"]),
            container.path("securityContext.runAsNonRoot"),
            message,
        )
        .in_container(&container);
    }
}
