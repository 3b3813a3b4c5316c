use kubeward_core::{Check, Family, PodSpec, RuleStatus, Severity, Sink, declare_rule};

use super::{capability, workload};

declare_rule! {
    /// ## What it checks
    ///
    /// Every entry of `securityContext.capabilities.add`, in any container,
    /// init container or ephemeral container, that grants one of the
    /// capabilities below, or `ALL`, which grants every one of them. Names
    /// are compared in upper case without a leading `CAP_`, so `sys_admin`,
    /// `Sys_Admin` and `CAP_SYS_ADMIN` count as `SYS_ADMIN`; the message
    /// quotes the name as written. Pods with `os.name: windows` are skipped.
    ///
    /// | capability | lets the process |
    /// |---|---|
    /// | `SYS_ADMIN` | mount filesystems, create namespaces and use many other admin calls; most container escapes start here |
    /// | `NET_ADMIN` | change interfaces, routes and firewall rules, and intercept traffic |
    /// | `NET_RAW` | open raw sockets and spoof packets |
    /// | `SYS_PTRACE` | trace other processes and read their memory |
    /// | `SYS_MODULE` | load kernel modules |
    /// | `SYS_RAWIO` | access I/O ports and raw devices |
    /// | `SYS_BOOT` | reboot the node or load a new kernel |
    /// | `SYS_TIME` | set the node's clock |
    /// | `DAC_READ_SEARCH` | read any file, and open host files by handle |
    /// | `BPF`, `PERFMON` | load BPF programs and read kernel data |
    /// | `MAC_ADMIN`, `MAC_OVERRIDE` | change or bypass AppArmor and SELinux |
    /// | `SYSLOG` | read and clear the kernel log, which leaks kernel addresses |
    /// | `AUDIT_CONTROL` | change the kernel's audit rules |
    ///
    /// ## Why it matters
    ///
    /// Each of these capabilities either acts on the whole node rather than
    /// the container, or hands the process a well-known way out of the
    /// container. Adding one undoes much of the isolation that drop `ALL`,
    /// seccomp and AppArmor provide.
    ///
    /// ## Failing example
    ///
    /// ```yaml
    /// apiVersion: apps/v1
    /// kind: Deployment
    /// metadata:
    ///   name: vpn
    /// spec:
    ///   selector:
    ///     matchLabels: {app: vpn}
    ///   template:
    ///     metadata:
    ///       labels: {app: vpn}
    ///     spec:
    ///       containers:
    ///         - name: vpn
    ///           image: registry.example.com/vpn:1.1.0
    ///           securityContext:
    ///             capabilities:
    ///               drop: ["ALL"]
    ///               add: ["NET_ADMIN"]
    /// ```
    ///
    /// ## Fixed example
    ///
    /// ```yaml
    /// apiVersion: apps/v1
    /// kind: Deployment
    /// metadata:
    ///   name: vpn
    /// spec:
    ///   selector:
    ///     matchLabels: {app: vpn}
    ///   template:
    ///     metadata:
    ///       labels: {app: vpn}
    ///     spec:
    ///       containers:
    ///         - name: vpn
    ///           image: registry.example.com/vpn:1.1.0
    ///           securityContext:
    ///             capabilities:
    ///               drop: ["ALL"]
    ///               add: ["NET_BIND_SERVICE"]
    /// ```
    ///
    /// ## Known limitations
    ///
    /// The list is not exhaustive. A capability that the same container
    /// also lists in `drop` is still reported. A privileged container has
    /// every capability without adding any; the `pss-privileged` rule
    /// reports it.
    ///
    /// Every capability this rule names is also outside the Pod Security
    /// Standards baseline set, so `pss-capabilities-baseline` reports the
    /// same entry. To avoid two findings on one line, the `recommended`
    /// profile runs only that rule; this one runs in the `all` profile.
    ///
    /// ## References
    ///
    /// - Pod Security Standards, baseline: "Capabilities"
    ///   (<https://kubernetes.io/docs/concepts/security/pod-security-standards/#baseline>)
    /// - CIS Kubernetes Benchmark 5.2.8 (NET_RAW) and 5.2.9: minimize the admission of containers with added capabilities
    /// - kubescape C-0046 "Insecure capabilities"
    /// - capabilities(7), Linux manual page
    pub static RULE = {
        id: "dangerous-capabilities",
        family: Family::Container,
        severity: Severity::High,
        summary: "Container adds a dangerous capability",
        remediation: "Remove the capability from securityContext.capabilities.add; grant the narrowest one the process needs.",
        pss: None,
        recommended: false,
        status: RuleStatus::Stable,
        check: Check::PodSpec(check),
    };
}

/// Capabilities, in normalised form, that this rule reports.
const DANGEROUS: &[&str] = &[
    "SYS_ADMIN",
    "NET_ADMIN",
    "NET_RAW",
    "SYS_PTRACE",
    "SYS_MODULE",
    "SYS_RAWIO",
    "SYS_BOOT",
    "SYS_TIME",
    "DAC_READ_SEARCH",
    "BPF",
    "PERFMON",
    "MAC_ADMIN",
    "MAC_OVERRIDE",
    "SYSLOG",
    "AUDIT_CONTROL",
];

fn check(pod: &PodSpec<'_, '_, '_>, sink: &mut Sink<'_>) {
    if workload::is_windows(pod) {
        return;
    }
    for container in pod.containers() {
        let add = capability::capabilities(&container).and_then(|caps| caps.get("add"));
        for (index, node, name) in capability::names(add) {
            let normalized = capability::normalize(name);
            let grants = if normalized == "ALL" {
                "every capability, including SYS_ADMIN".to_owned()
            } else if DANGEROUS.contains(&normalized.as_str()) {
                normalized
            } else {
                continue;
            };
            sink.report(
                node.pos(),
                container.path(&format!("securityContext.capabilities.add[{index}]")),
                format!(
                    "{} adds capability \"{name}\", which grants {grants}; remove it",
                    container.describe()
                ),
            )
            .in_container(&container);
        }
    }
}
