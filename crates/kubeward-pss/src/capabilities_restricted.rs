use kubeward_core::yaml::NodeRef;
use kubeward_core::{
    Check, Container, Family, PodSpec, PssInfo, PssLevel, RuleStatus, Severity, Sink, declare_rule,
};

use crate::policy::capabilities::{ALL, NET_BIND_SERVICE, runtime_name};
use crate::policy::pod::{at_least, exempt_as_windows};

declare_rule! {
    /// ## What it checks
    ///
    /// From policy version v1.22, for every container, init container and
    /// ephemeral container:
    ///
    /// - `securityContext.capabilities.drop` must contain `ALL`, written
    ///   exactly so. `all` and `All` are findings: containerd and CRI-O
    ///   accept them, but the admission controller compares the name
    ///   exactly and rejects the pod.
    /// - `securityContext.capabilities.add` may contain only
    ///   `NET_BIND_SERVICE`, also written exactly so. Each other entry is a
    ///   finding.
    ///
    /// From v1.25, pods with `spec.os.name: windows` are exempt. Before
    /// v1.22 the check does not exist and this rule reports nothing, while
    /// the baseline rule `pss-capabilities-baseline` covers those versions.
    ///
    /// ## Why it matters
    ///
    /// Even the runtime's default capabilities let a compromised process do
    /// more than most applications need: `NET_RAW` crafts packets for
    /// spoofing on the pod network, `DAC_OVERRIDE` ignores file permissions,
    /// `SETUID` and `SETGID` change identity, `MKNOD` creates device nodes.
    /// Dropping all of them leaves an attacker inside the container without
    /// those tools. `NET_BIND_SERVICE` stays allowed so servers can still
    /// listen on ports below 1024.
    ///
    /// ## Failing example
    ///
    /// ```yaml
    /// apiVersion: v1
    /// kind: Pod
    /// metadata:
    ///   name: proxy
    /// spec:
    ///   containers:
    ///     - name: proxy
    ///       image: registry.example.com/proxy:1.9
    ///       securityContext:
    ///         capabilities:
    ///           drop: ["all"]
    ///           add: ["NET_BIND_SERVICE"]
    /// ```
    ///
    /// ## Fixed example
    ///
    /// ```yaml
    /// apiVersion: v1
    /// kind: Pod
    /// metadata:
    ///   name: proxy
    /// spec:
    ///   containers:
    ///     - name: proxy
    ///       image: registry.example.com/proxy:1.9
    ///       securityContext:
    ///         capabilities:
    ///           drop: ["ALL"]
    ///           add: ["NET_BIND_SERVICE"]
    /// ```
    ///
    /// ## Known limitations
    ///
    /// An added capability other than `NET_BIND_SERVICE` that is also
    /// outside the baseline set is reported by this rule and by
    /// `pss-capabilities-baseline`.
    ///
    /// The `recommended` profile does not run this rule: there,
    /// `capabilities-not-dropped` reports a missing `drop: ["ALL"]`
    /// (accepting any spelling that the container runtimes accept) and
    /// `pss-capabilities-baseline` reports added capabilities. The
    /// `pss-restricted` and `all` profiles run it.
    ///
    /// ## References
    ///
    /// - Pod Security Standards, restricted: "Capabilities"
    ///   (<https://kubernetes.io/docs/concepts/security/pod-security-standards/#restricted>)
    /// - CIS Kubernetes Benchmark 5.2.9 and 5.2.10: minimize the admission of containers with
    ///   added capabilities and with capabilities assigned
    /// - NSA/CISA Kubernetes Hardening Guide: "Kubernetes Pod security"
    pub static RULE = {
        id: "pss-capabilities-restricted",
        family: Family::PodSecurity,
        severity: Severity::Low,
        summary: "Container keeps Linux capabilities it does not need",
        remediation: "Set securityContext.capabilities.drop to [\"ALL\"] and add back at most NET_BIND_SERVICE.",
        pss: Some(PssInfo { level: PssLevel::Restricted, control: "Capabilities" }),
        recommended: false,
        status: RuleStatus::Stable,
        check: Check::PodSpec(check),
    };
}

fn check(pod: &PodSpec<'_, '_, '_>, sink: &mut Sink<'_>) {
    if !at_least(sink, 22) || exempt_as_windows(pod, sink) {
        return;
    }
    for container in pod.containers() {
        let capabilities = container
            .security_context()
            .and_then(|sc| sc.get("capabilities"));
        // Values of the wrong type are rejected by the API server, so no
        // check decides on them.
        let drop = capabilities.and_then(|c| c.get("drop"));
        if capabilities.is_some_and(|c| !c.is_map()) || drop.is_some_and(|d| !d.is_seq()) {
            continue;
        }
        check_drop(&container, drop, sink);
        if let Some(add) = capabilities.and_then(|c| c.get("add")) {
            check_add(&container, add, sink);
        }
    }
}

fn check_drop(
    container: &Container<'_, '_, '_>,
    drop: Option<NodeRef<'_, '_>>,
    sink: &mut Sink<'_>,
) {
    let names: Vec<&str> = drop
        .into_iter()
        .flat_map(|list| list.items())
        .filter_map(|item| item.as_str())
        .collect();
    if names.contains(&ALL) {
        return;
    }
    let message = match names.iter().find(|name| runtime_name(name) == ALL) {
        Some(spelling) => format!(
            "{} drops \"{spelling}\", but securityContext.capabilities.drop must contain \"ALL\" \
             in uppercase: the admission controller compares names exactly and rejects \
             \"{spelling}\", although containerd and CRI-O accept it",
            container.describe()
        ),
        None => format!(
            "{} must set securityContext.capabilities.drop=[\"ALL\"]",
            container.describe()
        ),
    };
    sink.report(
        container.locate(&["securityContext", "capabilities", "drop"]),
        container.path("securityContext.capabilities.drop"),
        message,
    )
    .in_container(container);
}

fn check_add(container: &Container<'_, '_, '_>, add: NodeRef<'_, '_>, sink: &mut Sink<'_>) {
    for (index, item) in add.items().enumerate() {
        let Some(name) = item.as_str() else {
            continue;
        };
        if name == NET_BIND_SERVICE {
            continue;
        }
        let hint = if runtime_name(name) == NET_BIND_SERVICE {
            "; write it exactly as \"NET_BIND_SERVICE\""
        } else {
            "; only NET_BIND_SERVICE may be added"
        };
        sink.report(
            item.pos(),
            container.path(&format!("securityContext.capabilities.add[{index}]")),
            format!(
                "{} must not add capability \"{name}\"{hint}",
                container.describe()
            ),
        )
        .in_container(container);
    }
}
