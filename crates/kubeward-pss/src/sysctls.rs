use kubeward_core::{
    Check, Family, PodSpec, PssInfo, PssLevel, RuleStatus, Severity, Sink, declare_rule,
};

use crate::policy::sysctls::allowed_since;

declare_rule! {
    /// ## What it checks
    ///
    /// `spec.securityContext.sysctls[*].name`, the only place a pod can set
    /// sysctls. Each name must be on the baseline level's list of safe
    /// sysctls for the policy version:
    ///
    /// | from | sysctls |
    /// |---|---|
    /// | v1.0 | `kernel.shm_rmid_forced`, `net.ipv4.ip_local_port_range`, `net.ipv4.tcp_syncookies`, `net.ipv4.ping_group_range`, `net.ipv4.ip_unprivileged_port_start` |
    /// | v1.27 | `net.ipv4.ip_local_reserved_ports` |
    /// | v1.29 | `net.ipv4.tcp_keepalive_time`, `net.ipv4.tcp_fin_timeout`, `net.ipv4.tcp_keepalive_intvl`, `net.ipv4.tcp_keepalive_probes` |
    /// | v1.32 | `net.ipv4.tcp_rmem`, `net.ipv4.tcp_wmem` |
    /// | v1.37 | `net.ipv4.tcp_slow_start_after_idle`, `net.ipv4.tcp_notsent_lowat` |
    ///
    /// Names are compared exactly, so the slash form (`net/ipv4/tcp_rmem`)
    /// that the kubelet also accepts is a finding. Each forbidden entry is
    /// one finding.
    ///
    /// ## Why it matters
    ///
    /// Sysctls outside that list either are not isolated per pod, so they
    /// change the kernel for every workload on the node, or can starve the
    /// node of memory and other shared resources. Some switch off
    /// protections outright, such as `kernel.randomize_va_space` or
    /// `net.ipv4.conf.all.rp_filter`.
    ///
    /// ## Failing example
    ///
    /// ```yaml
    /// apiVersion: v1
    /// kind: Pod
    /// metadata:
    ///   name: queue
    /// spec:
    ///   securityContext:
    ///     sysctls:
    ///       - name: kernel.msgmax
    ///         value: "65536"
    ///   containers:
    ///     - name: queue
    ///       image: registry.example.com/queue:4.2
    /// ```
    ///
    /// ## Fixed example
    ///
    /// ```yaml
    /// apiVersion: v1
    /// kind: Pod
    /// metadata:
    ///   name: queue
    /// spec:
    ///   securityContext:
    ///     sysctls:
    ///       - name: net.ipv4.ip_local_port_range
    ///         value: "32768 60999"
    ///   containers:
    ///     - name: queue
    ///       image: registry.example.com/queue:4.2
    /// ```
    ///
    /// ## Known limitations
    ///
    /// The rule does not check sysctl values. A kubelet can allow further
    /// sysctls with `--allowed-unsafe-sysctls`, but the Pod Security
    /// Standards still reject them, and so does this rule.
    ///
    /// ## References
    ///
    /// - Pod Security Standards, baseline: "Sysctls"
    ///   (<https://kubernetes.io/docs/concepts/security/pod-security-standards/#baseline>)
    /// - Kubernetes documentation, "Using sysctls in a Kubernetes Cluster"
    ///   (<https://kubernetes.io/docs/tasks/administer-cluster/sysctl-cluster/>)
    pub static RULE = {
        id: "pss-sysctls",
        family: Family::PodSecurity,
        severity: Severity::Medium,
        summary: "Pod sets a sysctl that is not safe to share a node with",
        remediation: "Remove the sysctl from spec.securityContext.sysctls, or use one on the safe list.",
        pss: Some(PssInfo { level: PssLevel::Baseline, control: "Sysctls" }),
        recommended: true,
        status: RuleStatus::Stable,
        check: Check::PodSpec(check),
    };
}

fn check(pod: &PodSpec<'_, '_, '_>, sink: &mut Sink<'_>) {
    let Some(sysctls) = pod.security_context().and_then(|sc| sc.get("sysctls")) else {
        return;
    };
    let minor = sink.options().pss_version.minor();
    for (index, sysctl) in sysctls.items().enumerate() {
        if !sysctl.is_map() {
            continue;
        }
        // A missing name reads as "", which no version allows.
        let (name, pos) = match sysctl.entry("name") {
            Some(entry) => match entry.value.as_str() {
                Some(name) => (name, entry.key.pos()),
                None => continue,
            },
            None => ("", sysctl.pos()),
        };
        let message = match allowed_since(name) {
            Some(since) if since <= minor => continue,
            Some(since) => format!(
                "pod must not set sysctl \"{name}\" at policy version v1.{minor}; it is on the \
                 safe list from v1.{since}"
            ),
            None if name.is_empty() => {
                "pod must not set a sysctl without a name; use a name from the safe list".to_owned()
            }
            None => format!("pod must not set sysctl \"{name}\", which is not on the safe list"),
        };
        sink.report(
            pos,
            pod.path(&format!("securityContext.sysctls[{index}].name")),
            message,
        );
    }
}
