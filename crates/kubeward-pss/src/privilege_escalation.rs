use kubeward_core::{
    Check, Family, PodSpec, PssInfo, PssLevel, RuleStatus, Severity, Sink, declare_rule,
};

use crate::policy::pod::{at_least, exempt_as_windows};

declare_rule! {
    /// ## What it checks
    ///
    /// From policy version v1.8: every container, init container and
    /// ephemeral container must set
    /// `securityContext.allowPrivilegeEscalation: false`. Unset counts as a
    /// finding, because the container runtime then allows escalation. From
    /// v1.25, pods with `spec.os.name: windows` are exempt. Each container
    /// that does not set `false` is one finding. Before v1.8 the check does
    /// not exist and this rule reports nothing.
    ///
    /// ## Why it matters
    ///
    /// `allowPrivilegeEscalation: false` sets the `no_new_privs` flag on the
    /// container's processes, so setuid binaries such as `sudo` or `su` and
    /// file capabilities cannot give a process more privileges than its
    /// parent had. Without it, a foothold as an unprivileged user inside the
    /// container can become root there through any setuid binary in the
    /// image.
    ///
    /// ## Failing example
    ///
    /// ```yaml
    /// apiVersion: v1
    /// kind: Pod
    /// metadata:
    ///   name: web
    /// spec:
    ///   initContainers:
    ///     - name: setup
    ///       image: registry.example.com/setup:1.0
    ///       securityContext:
    ///         allowPrivilegeEscalation: false
    ///   containers:
    ///     - name: web
    ///       image: registry.example.com/web:2.3
    /// ```
    ///
    /// ## Fixed example
    ///
    /// ```yaml
    /// apiVersion: v1
    /// kind: Pod
    /// metadata:
    ///   name: web
    /// spec:
    ///   initContainers:
    ///     - name: setup
    ///       image: registry.example.com/setup:1.0
    ///       securityContext:
    ///         allowPrivilegeEscalation: false
    ///   containers:
    ///     - name: web
    ///       image: registry.example.com/web:2.3
    ///       securityContext:
    ///         allowPrivilegeEscalation: false
    /// ```
    ///
    /// ## Known limitations
    ///
    /// A privileged container always runs with privilege escalation
    /// allowed, and the API server rejects `allowPrivilegeEscalation: false`
    /// beside `privileged: true`, so such a container gets a finding here and
    /// from `pss-privileged`.
    ///
    /// ## References
    ///
    /// - Pod Security Standards, restricted: "Privilege Escalation"
    ///   (<https://kubernetes.io/docs/concepts/security/pod-security-standards/#restricted>)
    /// - CIS Kubernetes Benchmark 5.2.6: minimize the admission of containers with
    ///   allowPrivilegeEscalation
    /// - NSA/CISA Kubernetes Hardening Guide: "Kubernetes Pod security"
    pub static RULE = {
        id: "pss-privilege-escalation",
        family: Family::PodSecurity,
        severity: Severity::Medium,
        summary: "Container allows privilege escalation through setuid binaries",
        remediation: "Set securityContext.allowPrivilegeEscalation to false on every container.",
        pss: Some(PssInfo { level: PssLevel::Restricted, control: "Privilege Escalation" }),
        recommended: true,
        status: RuleStatus::Stable,
        check: Check::PodSpec(check),
    };
}

fn check(pod: &PodSpec<'_, '_, '_>, sink: &mut Sink<'_>) {
    if !at_least(sink, 8) || exempt_as_windows(pod, sink) {
        return;
    }
    for container in pod.containers() {
        let value = container
            .security_context()
            .and_then(|sc| sc.get("allowPrivilegeEscalation"));
        let message = match value.map(|node| node.as_bool()) {
            Some(Some(false) | None) => continue,
            Some(Some(true)) => format!(
                "{} must set securityContext.allowPrivilegeEscalation=false, not true",
                container.describe()
            ),
            None => format!(
                "{} must set securityContext.allowPrivilegeEscalation=false",
                container.describe()
            ),
        };
        sink.report(
            container.locate(&["securityContext", "allowPrivilegeEscalation"]),
            container.path("securityContext.allowPrivilegeEscalation"),
            message,
        )
        .in_container(&container);
    }
}
