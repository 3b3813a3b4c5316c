use kubeward_core::{Check, Family, PodSpec, RuleStatus, Severity, Sink, declare_rule};

declare_rule! {
    /// ## What it checks
    ///
    /// Pod specs with `shareProcessNamespace: true`.
    ///
    /// ## Why it matters
    ///
    /// All containers of such a pod share one PID namespace. Each container
    /// sees the processes of the others, and through `/proc/<pid>` it can
    /// read their command lines and, when it runs as the same user or has
    /// `SYS_PTRACE`, their environment variables, memory and root
    /// filesystem (`/proc/<pid>/root`). A compromised sidecar then reaches
    /// the main container's secrets. The setting is useful for debugging
    /// and for a few sidecars that signal the main process, which is why
    /// the `recommended` profile does not run this rule.
    ///
    /// ## Failing example
    ///
    /// ```yaml
    /// apiVersion: v1
    /// kind: Pod
    /// metadata:
    ///   name: app
    /// spec:
    ///   shareProcessNamespace: true
    ///   containers:
    ///     - name: app
    ///       image: registry.example.com/app:1.4.0
    ///     - name: log-shipper
    ///       image: registry.example.com/shipper:0.9.2
    /// ```
    ///
    /// ## Fixed example
    ///
    /// ```yaml
    /// apiVersion: v1
    /// kind: Pod
    /// metadata:
    ///   name: app
    /// spec:
    ///   containers:
    ///     - name: app
    ///       image: registry.example.com/app:1.4.0
    ///     - name: log-shipper
    ///       image: registry.example.com/shipper:0.9.2
    /// ```
    ///
    /// ## Known limitations
    ///
    /// Ephemeral containers can target one container's process namespace
    /// with `targetContainerName` without this setting; this rule does not
    /// report that.
    ///
    /// ## References
    ///
    /// - Kubernetes documentation, "Share Process Namespace between Containers in a Pod"
    ///   (<https://kubernetes.io/docs/tasks/configure-pod-container/share-process-namespace/>)
    pub static RULE = {
        id: "shared-process-namespace",
        family: Family::Container,
        severity: Severity::Low,
        summary: "Containers of the pod share one process namespace",
        remediation: "Remove shareProcessNamespace or set it to false.",
        pss: None,
        recommended: false,
        status: RuleStatus::Stable,
        check: Check::PodSpec(check),
    };
}

fn check(pod: &PodSpec<'_, '_, '_>, sink: &mut Sink<'_>) {
    let field = "shareProcessNamespace";
    let Some(entry) = pod.spec.entry(field) else {
        return;
    };
    if entry.value.as_bool() == Some(true) {
        sink.report(
            entry.key.pos(),
            pod.path(field),
            format!(
                "the pod spec sets {field}=true, so every container can see the others' \
                 processes, environment and files; remove it"
            ),
        );
    }
}
