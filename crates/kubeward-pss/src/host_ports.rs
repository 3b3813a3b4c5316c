use kubeward_core::{
    Check, Family, PodSpec, PssInfo, PssLevel, RuleStatus, Severity, Sink, declare_rule,
};

declare_rule! {
    /// ## What it checks
    ///
    /// Container ports with a `hostPort` other than `0`, in every container,
    /// init container and ephemeral container. The baseline level allows
    /// only `0` or an unset field, at every policy version, with no allowed
    /// range. Each such port is one finding.
    ///
    /// ## Why it matters
    ///
    /// A host port opens a port on the node's own address, which bypasses
    /// Services and often NetworkPolicies, exposes the pod on every network
    /// the node is on, and ties the pod to nodes where that port is free. A
    /// pod that takes a well-known port can also intercept traffic meant
    /// for a node service.
    ///
    /// ## Failing example
    ///
    /// ```yaml
    /// apiVersion: v1
    /// kind: Pod
    /// metadata:
    ///   name: web
    /// spec:
    ///   containers:
    ///     - name: nginx
    ///       image: nginx:1.27
    ///       ports:
    ///         - containerPort: 8080
    ///           hostPort: 80
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
    ///   containers:
    ///     - name: nginx
    ///       image: nginx:1.27
    ///       ports:
    ///         - containerPort: 8080
    /// ```
    ///
    /// ## Known limitations
    ///
    /// When a Pod sets `hostNetwork: true`, the API server fills in each
    /// port's `hostPort` from its `containerPort` before admission, so the
    /// upstream check also rejects those ports. This rule reads the manifest
    /// as written and does not report them, but `pss-host-namespaces`
    /// reports the `hostNetwork` setting itself.
    ///
    /// ## References
    ///
    /// - Pod Security Standards, baseline: "Host Ports"
    ///   (<https://kubernetes.io/docs/concepts/security/pod-security-standards/#baseline>)
    /// - CIS Kubernetes Benchmark 5.2.13: minimize the admission of containers which use HostPorts
    /// - NSA/CISA Kubernetes Hardening Guide: "Network separation and hardening"
    pub static RULE = {
        id: "pss-host-ports",
        family: Family::PodSecurity,
        severity: Severity::Medium,
        summary: "Container opens a port on the node through hostPort",
        remediation: "Remove hostPort from the container's ports and expose the pod through a Service.",
        pss: Some(PssInfo { level: PssLevel::Baseline, control: "Host Ports" }),
        recommended: true,
        status: RuleStatus::Stable,
        check: Check::PodSpec(check),
    };
}

fn check(pod: &PodSpec<'_, '_, '_>, sink: &mut Sink<'_>) {
    // NOTE: for a Pod with hostNetwork: true the API server sets each
    // port's hostPort to its containerPort, which upstream then rejects.
    // Only the hostPort values written in the manifest are reported here.
    for container in pod.containers() {
        let Some(ports) = container.node.get("ports") else {
            continue;
        };
        for (index, port) in ports.items().enumerate() {
            let Some(entry) = port.entry("hostPort") else {
                continue;
            };
            let Some(host_port) = entry.value.as_i64().filter(|&p| p != 0) else {
                continue;
            };
            sink.report(
                entry.key.pos(),
                container.path(&format!("ports[{index}].hostPort")),
                format!("{} must not set hostPort={host_port}", container.describe()),
            )
            .in_container(&container);
        }
    }
}
