use kubeward_core::{
    Check, Family, PodSpec, PssInfo, PssLevel, RuleStatus, Severity, Sink, declare_rule,
};

use crate::policy::pod::relaxed_for_user_namespace;
use crate::policy::proc_mount::report_non_default;

declare_rule! {
    /// ## What it checks
    ///
    /// `securityContext.procMount` of every container, init container and
    /// ephemeral container. The baseline level allows only `Default` or an
    /// unset field. From policy version v1.35 it allows any value in a pod
    /// that sets `hostUsers: false`, because that pod runs in its own user
    /// namespace. Each container with another value is one finding.
    ///
    /// ## Why it matters
    ///
    /// The container runtime masks and mounts read-only the parts of `/proc`
    /// that describe or control the node, such as `/proc/kcore`,
    /// `/proc/sysrq-trigger` and `/proc/sys`. `Unmasked` removes those
    /// protections, so a process in the container can read kernel memory
    /// layout and change kernel settings that apply to the whole node. In a
    /// user namespace the kernel itself denies those writes to the
    /// container's root, which is why the baseline level relaxes the rule
    /// there.
    ///
    /// ## Failing example
    ///
    /// ```yaml
    /// apiVersion: v1
    /// kind: Pod
    /// metadata:
    ///   name: builder
    /// spec:
    ///   containers:
    ///     - name: buildkit
    ///       image: moby/buildkit:v0.16.0-rootless
    ///       securityContext:
    ///         procMount: Unmasked
    /// ```
    ///
    /// ## Fixed example
    ///
    /// ```yaml
    /// apiVersion: v1
    /// kind: Pod
    /// metadata:
    ///   name: builder
    /// spec:
    ///   hostUsers: false
    ///   containers:
    ///     - name: buildkit
    ///       image: moby/buildkit:v0.16.0-rootless
    ///       securityContext:
    ///         procMount: Unmasked
    /// ```
    ///
    /// ## Known limitations
    ///
    /// Before policy version v1.35 upstream relaxed the check for user
    /// namespaces only behind an alpha feature gate that was off by
    /// default, so this rule decides those versions as that default does. The
    /// restricted level forbids `Unmasked` even with `hostUsers: false`, which
    /// `pss-proc-mount-restricted` reports.
    ///
    /// ## References
    ///
    /// - Pod Security Standards, baseline: "/proc Mount Type"
    ///   (<https://kubernetes.io/docs/concepts/security/pod-security-standards/#baseline>)
    /// - Kubernetes documentation, "User Namespaces"
    ///   (<https://kubernetes.io/docs/concepts/workloads/pods/user-namespaces/>)
    pub static RULE = {
        id: "pss-proc-mount",
        family: Family::PodSecurity,
        severity: Severity::Medium,
        summary: "Container unmasks the node's /proc",
        remediation: "Remove securityContext.procMount or set it to Default, or run the pod in a user namespace with hostUsers: false.",
        pss: Some(PssInfo { level: PssLevel::Baseline, control: "/proc Mount Type" }),
        recommended: true,
        status: RuleStatus::Stable,
        check: Check::PodSpec(check),
    };
}

fn check(pod: &PodSpec<'_, '_, '_>, sink: &mut Sink<'_>) {
    if relaxed_for_user_namespace(pod, sink) {
        return;
    }
    report_non_default(pod, sink, "");
}
