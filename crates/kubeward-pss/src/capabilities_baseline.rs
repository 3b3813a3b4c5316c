use kubeward_core::{
    Check, Family, PodSpec, PssInfo, PssLevel, RuleStatus, Severity, Sink, declare_rule,
};

use crate::policy::capabilities::{baseline_allows, runtime_name};

declare_rule! {
    /// ## What it checks
    ///
    /// Every entry of `securityContext.capabilities.add` of every
    /// container, init container and ephemeral container. The baseline level
    /// allows only the capabilities container runtimes grant by default:
    /// `AUDIT_WRITE`, `CHOWN`, `DAC_OVERRIDE`, `FOWNER`, `FSETID`, `KILL`,
    /// `MKNOD`, `NET_BIND_SERVICE`, `SETFCAP`, `SETGID`, `SETPCAP`, `SETUID`
    /// and `SYS_CHROOT`, at every policy version. Each other entry is one
    /// finding, at that entry.
    ///
    /// Names are compared exactly, as the admission controller compares
    /// them. `sys_admin` and `Sys_Admin` are findings even though containerd
    /// and CRI-O read them as `SYS_ADMIN`, and so is `chown`, although
    /// `CHOWN` is allowed. `CAP_SYS_ADMIN` is a finding too, and `ALL`,
    /// which grants every capability. The message quotes the spelling as
    /// written and explains how the runtime reads it.
    ///
    /// ## Why it matters
    ///
    /// Capabilities beyond the default set hand parts of root's power to the
    /// container: `SYS_ADMIN` allows mounts and most container escapes,
    /// `NET_ADMIN` and `NET_RAW` allow rewriting the network and spoofing
    /// traffic, `SYS_PTRACE` allows reading other processes' memory, and
    /// `SYS_MODULE` loads kernel code.
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
    ///     matchLabels:
    ///       app: vpn
    ///   template:
    ///     metadata:
    ///       labels:
    ///         app: vpn
    ///     spec:
    ///       containers:
    ///         - name: vpn
    ///           image: registry.example.com/vpn:2.0
    ///           securityContext:
    ///             capabilities:
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
    ///     matchLabels:
    ///       app: vpn
    ///   template:
    ///     metadata:
    ///       labels:
    ///         app: vpn
    ///     spec:
    ///       containers:
    ///         - name: vpn
    ///           image: registry.example.com/vpn:2.0
    ///           securityContext:
    ///             capabilities:
    ///               drop: ["ALL"]
    ///               add: ["NET_BIND_SERVICE"]
    /// ```
    ///
    /// ## Known limitations
    ///
    /// The rule reads `add` only. Dropping capabilities is the restricted
    /// level's concern, which `pss-capabilities-restricted` checks.
    ///
    /// ## References
    ///
    /// - Pod Security Standards, baseline: "Capabilities"
    ///   (<https://kubernetes.io/docs/concepts/security/pod-security-standards/#baseline>)
    /// - CIS Kubernetes Benchmark 5.2.8 and 5.2.9: minimize the admission of containers with
    ///   the NET_RAW capability and with added capabilities
    /// - NSA/CISA Kubernetes Hardening Guide: "Kubernetes Pod security"
    pub static RULE = {
        id: "pss-capabilities-baseline",
        family: Family::PodSecurity,
        severity: Severity::High,
        summary: "Container adds a Linux capability beyond the runtime's default set",
        remediation: "Remove the capability from securityContext.capabilities.add, or use one of the default set written exactly, such as CHOWN.",
        pss: Some(PssInfo { level: PssLevel::Baseline, control: "Capabilities" }),
        recommended: true,
        status: RuleStatus::Stable,
        check: Check::PodSpec(check),
    };
}

fn check(pod: &PodSpec<'_, '_, '_>, sink: &mut Sink<'_>) {
    for container in pod.containers() {
        let Some(add) = container
            .security_context()
            .and_then(|sc| sc.get("capabilities"))
            .and_then(|caps| caps.get("add"))
        else {
            continue;
        };
        for (index, item) in add.items().enumerate() {
            let Some(name) = item.as_str() else {
                continue;
            };
            if baseline_allows(name) {
                continue;
            }
            sink.report(
                item.pos(),
                container.path(&format!("securityContext.capabilities.add[{index}]")),
                format!(
                    "{} must not add capability \"{name}\"{}",
                    container.describe(),
                    hint(name)
                ),
            )
            .in_container(&container);
        }
    }
}

/// Returns a hint for a name that is not written in the documented form:
/// what the runtime makes of it, or how to write an allowed capability.
fn hint(name: &str) -> String {
    let upper = name.to_ascii_uppercase();
    let prefixed = upper.starts_with("CAP_");
    let runtime = runtime_name(name);
    if runtime == "ALL" {
        return "; ALL in any case grants every capability".to_owned();
    }
    if runtime == name {
        return String::new();
    }
    if baseline_allows(&runtime) {
        let prefix = if prefixed {
            " without the CAP_ prefix"
        } else {
            ""
        };
        return format!("; names are compared exactly, so write \"{runtime}\"{prefix}");
    }
    if prefixed {
        format!(
            "; names are written without the CAP_ prefix, and {runtime} is not allowed in any \
             spelling"
        )
    } else {
        format!("; container runtimes read it as {runtime}, which is not allowed either")
    }
}
