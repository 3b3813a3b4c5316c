use kubeward_core::{
    Check, Family, PodSpec, PssInfo, PssLevel, RuleStatus, Severity, Sink, declare_rule,
};

declare_rule! {
    /// ## What it checks
    ///
    /// Pod specs that set `hostNetwork`, `hostPID` or `hostIPC` to `true`.
    /// The baseline level allows only `false` or an unset field, at every
    /// policy version. Each field set to `true` is one finding.
    ///
    /// ## Why it matters
    ///
    /// A pod in the node's network namespace can bind any port on the node,
    /// reach services that listen only on localhost (the kubelet's read-only
    /// port, cloud metadata proxies) and sniff traffic of other pods. With
    /// the host's PID namespace it can list and signal every process on the
    /// node and read their environment and command lines. With the host's
    /// IPC namespace it reads and writes shared memory of processes outside
    /// the pod.
    ///
    /// ## Failing example
    ///
    /// ```yaml
    /// apiVersion: v1
    /// kind: Pod
    /// metadata:
    ///   name: node-agent
    /// spec:
    ///   hostNetwork: true
    ///   hostPID: true
    ///   containers:
    ///     - name: agent
    ///       image: registry.example.com/agent:2.4
    /// ```
    ///
    /// ## Fixed example
    ///
    /// ```yaml
    /// apiVersion: v1
    /// kind: Pod
    /// metadata:
    ///   name: node-agent
    /// spec:
    ///   containers:
    ///     - name: agent
    ///       image: registry.example.com/agent:2.4
    /// ```
    ///
    /// ## Known limitations
    ///
    /// With `hostNetwork: true` the API server sets each container port's
    /// `hostPort` to its `containerPort` when a Pod is created, which the
    /// upstream `hostPorts` check then also rejects. `pss-host-ports` reads
    /// the manifest as written and does not report those implied ports.
    ///
    /// ## References
    ///
    /// - Pod Security Standards, baseline: "Host Namespaces"
    ///   (<https://kubernetes.io/docs/concepts/security/pod-security-standards/#baseline>)
    /// - CIS Kubernetes Benchmark 5.2.3, 5.2.4 and 5.2.5: minimize the admission of containers
    ///   wishing to share the host process ID, IPC and network namespaces
    /// - NSA/CISA Kubernetes Hardening Guide: "Kubernetes Pod security"
    pub static RULE = {
        id: "pss-host-namespaces",
        family: Family::PodSecurity,
        severity: Severity::High,
        summary: "Pod shares the node's network, PID or IPC namespace",
        remediation: "Remove hostNetwork, hostPID and hostIPC from the pod spec, or set them to false.",
        pss: Some(PssInfo { level: PssLevel::Baseline, control: "Host Namespaces" }),
        recommended: true,
        status: RuleStatus::Stable,
        check: Check::PodSpec(check),
    };
}

fn check(pod: &PodSpec<'_, '_, '_>, sink: &mut Sink<'_>) {
    for field in ["hostNetwork", "hostPID", "hostIPC"] {
        let Some(entry) = pod.spec.entry(field) else {
            continue;
        };
        if entry.value.as_bool() == Some(true) {
            sink.report(
                entry.key.pos(),
                pod.path(field),
                format!("pod must not set {field}=true"),
            );
        }
    }
}
