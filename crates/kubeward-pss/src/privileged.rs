use kubeward_core::{
    Check, Family, PodSpec, PssInfo, PssLevel, RuleStatus, Severity, Sink, declare_rule,
};

declare_rule! {
    /// ## What it checks
    ///
    /// Every container, init container and ephemeral container whose
    /// `securityContext.privileged` is `true`. The Pod Security Standards
    /// baseline level allows only `false` or an unset field, at every
    /// policy version.
    ///
    /// ## Why it matters
    ///
    /// A privileged container runs with every Linux capability, sees every
    /// host device and is not confined by seccomp or AppArmor. A process in
    /// it can mount the host's disks, load kernel modules and take over the
    /// node, and from the node every pod and Secret scheduled there.
    ///
    /// ## Failing example
    ///
    /// ```yaml
    /// apiVersion: v1
    /// kind: Pod
    /// metadata:
    ///   name: debug
    /// spec:
    ///   containers:
    ///     - name: shell
    ///       image: busybox:1.36
    ///       securityContext:
    ///         privileged: true
    /// ```
    ///
    /// ## Fixed example
    ///
    /// ```yaml
    /// apiVersion: v1
    /// kind: Pod
    /// metadata:
    ///   name: debug
    /// spec:
    ///   containers:
    ///     - name: shell
    ///       image: busybox:1.36
    ///       securityContext:
    ///         privileged: false
    /// ```
    ///
    /// ## Known limitations
    ///
    /// Windows HostProcess containers are privileged too; the
    /// `pss-windows-host-process` rule reports them.
    ///
    /// ## References
    ///
    /// - Pod Security Standards, baseline: "Privileged Containers"
    ///   (<https://kubernetes.io/docs/concepts/security/pod-security-standards/#baseline>)
    /// - CIS Kubernetes Benchmark 5.2.2: minimize the admission of privileged containers
    /// - NSA/CISA Kubernetes Hardening Guide: "Use containers built to run applications as non-root users" and "Pod security"
    pub static RULE = {
        id: "pss-privileged",
        family: Family::PodSecurity,
        severity: Severity::Critical,
        summary: "Container runs privileged",
        remediation: "Remove securityContext.privileged or set it to false.",
        pss: Some(PssInfo { level: PssLevel::Baseline, control: "Privileged Containers" }),
        recommended: true,
        status: RuleStatus::Stable,
        check: Check::PodSpec(check),
    };
}

fn check(pod: &PodSpec<'_, '_, '_>, sink: &mut Sink<'_>) {
    for container in pod.containers() {
        let Some(entry) = container
            .security_context()
            .and_then(|sc| sc.entry("privileged"))
        else {
            continue;
        };
        if entry.value.as_bool() == Some(true) {
            sink.report(
                entry.key.pos(),
                container.path("securityContext.privileged"),
                format!(
                    "{} must not set securityContext.privileged=true",
                    container.describe()
                ),
            )
            .in_container(&container);
        }
    }
}
