use kubeward_core::{
    Check, Family, PodSpec, PssInfo, PssLevel, RuleStatus, Severity, Sink, declare_rule,
};

use crate::policy::pod::{at_least, relaxed_for_user_namespace};
use crate::policy::proc_mount::report_non_default;

declare_rule! {
    /// ## What it checks
    ///
    /// From policy version v1.35: `securityContext.procMount` of every
    /// container, init container and ephemeral container must be `Default`
    /// or unset, also in pods that set `hostUsers: false`. Each container
    /// with another value is one finding. Before v1.35 the check does not
    /// exist and this rule reports nothing, while the baseline rule
    /// `pss-proc-mount` covers those versions.
    ///
    /// ## Why it matters
    ///
    /// The baseline level lets a pod in its own user namespace unmask
    /// `/proc`, because the kernel then denies the dangerous writes to the
    /// container's root. The restricted level keeps the default masks
    /// anyway: an unmasked `/proc` still shows kernel and node details that
    /// help an attacker, and a kernel bug in user namespaces would otherwise
    /// be the only barrier left.
    ///
    /// ## Failing example
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
    /// ```
    ///
    /// ## Known limitations
    ///
    /// For a pod that does not run in a user namespace, this rule and
    /// `pss-proc-mount` report the same field, as the two upstream checks
    /// both reject it.
    ///
    /// ## References
    ///
    /// - Pod Security Standards, restricted: "/proc Mount Type"
    ///   (<https://kubernetes.io/docs/concepts/security/pod-security-standards/#restricted>)
    /// - Kubernetes documentation, "User Namespaces"
    ///   (<https://kubernetes.io/docs/concepts/workloads/pods/user-namespaces/>)
    pub static RULE = {
        id: "pss-proc-mount-restricted",
        family: Family::PodSecurity,
        severity: Severity::Medium,
        summary: "Container unmasks /proc, even in a user namespace",
        remediation: "Remove securityContext.procMount or set it to Default.",
        pss: Some(PssInfo { level: PssLevel::Restricted, control: "/proc Mount Type" }),
        recommended: true,
        status: RuleStatus::Stable,
        check: Check::PodSpec(check),
    };
}

fn check(pod: &PodSpec<'_, '_, '_>, sink: &mut Sink<'_>) {
    if !at_least(sink, 35) {
        return;
    }
    let reason = if relaxed_for_user_namespace(pod, sink) {
        " (the restricted level forbids it even with hostUsers: false)"
    } else {
        ""
    };
    report_non_default(pod, sink, reason);
}
