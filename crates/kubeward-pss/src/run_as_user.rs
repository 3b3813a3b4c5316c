use kubeward_core::{
    Check, Family, PodSpec, PssInfo, PssLevel, RuleStatus, Severity, Sink, declare_rule,
};

use crate::policy::Subject;
use crate::policy::pod::{at_least, relaxed_for_user_namespace};

declare_rule! {
    /// ## What it checks
    ///
    /// From policy version v1.23: `securityContext.runAsUser` of the pod and
    /// of every container, init container and ephemeral container must not
    /// be `0`. Unset is allowed, because `pss-run-as-non-root` covers images
    /// whose own user is root. From v1.35 pods with `hostUsers: false` pass. Each
    /// `runAsUser: 0` is one finding. Before v1.23 the check does not exist
    /// and this rule reports nothing.
    ///
    /// ## Why it matters
    ///
    /// `runAsUser: 0` runs the container's processes as root, overriding
    /// whatever user the image declares. Root in a container is root in the
    /// node's kernel, held back only by capabilities, seccomp and the other
    /// settings. It also contradicts `runAsNonRoot: true`, so the kubelet
    /// refuses to start such a container when both are set.
    ///
    /// ## Failing example
    ///
    /// ```yaml
    /// apiVersion: apps/v1
    /// kind: StatefulSet
    /// metadata:
    ///   name: db
    /// spec:
    ///   serviceName: db
    ///   selector:
    ///     matchLabels:
    ///       app: db
    ///   template:
    ///     metadata:
    ///       labels:
    ///         app: db
    ///     spec:
    ///       containers:
    ///         - name: db
    ///           image: registry.example.com/db:16
    ///           securityContext:
    ///             runAsUser: 0
    /// ```
    ///
    /// ## Fixed example
    ///
    /// ```yaml
    /// apiVersion: apps/v1
    /// kind: StatefulSet
    /// metadata:
    ///   name: db
    /// spec:
    ///   serviceName: db
    ///   selector:
    ///     matchLabels:
    ///       app: db
    ///   template:
    ///     metadata:
    ///       labels:
    ///         app: db
    ///     spec:
    ///       containers:
    ///         - name: db
    ///           image: registry.example.com/db:16
    ///           securityContext:
    ///             runAsUser: 999
    /// ```
    ///
    /// ## Known limitations
    ///
    /// Before policy version v1.35 upstream relaxed the check for user
    /// namespaces only behind an alpha feature gate that was off by default,
    /// so this rule decides those versions as that default does. Other UIDs
    /// that are privileged on a given node are not known to the rule.
    ///
    /// ## References
    ///
    /// - Pod Security Standards, restricted: "Running as Non-root user"
    ///   (<https://kubernetes.io/docs/concepts/security/pod-security-standards/#restricted>)
    /// - CIS Kubernetes Benchmark 5.2.7: minimize the admission of root containers
    /// - NSA/CISA Kubernetes Hardening Guide: "Non-root containers and rootless container engines"
    pub static RULE = {
        id: "pss-run-as-user",
        family: Family::PodSecurity,
        severity: Severity::High,
        summary: "Pod or container runs as root with runAsUser: 0",
        remediation: "Set securityContext.runAsUser to a non-zero UID, or remove it and run the image's non-root user.",
        pss: Some(PssInfo { level: PssLevel::Restricted, control: "Running as Non-root user" }),
        recommended: true,
        status: RuleStatus::Stable,
        check: Check::PodSpec(check),
    };
}

fn check(pod: &PodSpec<'_, '_, '_>, sink: &mut Sink<'_>) {
    if !at_least(sink, 23) || relaxed_for_user_namespace(pod, sink) {
        return;
    }
    let containers = pod.containers();
    let subjects =
        std::iter::once(Subject::Pod(pod)).chain(containers.iter().map(Subject::Container));
    for subject in subjects {
        let Some(entry) = subject.setting(&["runAsUser"]) else {
            continue;
        };
        if entry.value.as_i64() != Some(0) {
            continue;
        }
        let message = format!(
            "{} must not set securityContext.runAsUser=0",
            subject.describe()
        );
        subject.report(sink, entry.key.pos(), "runAsUser", message);
    }
}
