use kubeward_core::{Check, Family, PodSpec, RuleStatus, Severity, Sink, declare_rule};

use super::{capability, workload};

declare_rule! {
    /// ## What it checks
    ///
    /// Every container, init container and ephemeral container whose
    /// `securityContext.capabilities.drop` does not contain `ALL`. The
    /// comparison ignores case, as containerd and CRI-O do, so `all` and
    /// `All` pass; the `capability-spelling` rule reports those spellings.
    /// `CAP_ALL` does not pass, because containerd turns it into the unknown
    /// capability `CAP_CAP_ALL` and drops nothing. Pods with
    /// `os.name: windows` are skipped, because Windows containers have no
    /// Linux capabilities.
    ///
    /// ## Why it matters
    ///
    /// Container runtimes grant a default set of capabilities, including
    /// `NET_RAW` (raw sockets, so packet spoofing in the pod network),
    /// `CHOWN`, `DAC_OVERRIDE`, `FOWNER`, `SETUID`, `SETGID` and `MKNOD`.
    /// Most applications need none of them, and each one widens what a
    /// compromised process can do and which kernel bugs it can reach.
    /// Dropping `ALL` and adding back only what the application needs,
    /// typically `NET_BIND_SERVICE`, removes that surface.
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
    ///     - name: web
    ///       image: registry.example.com/web:2.3.0
    ///       securityContext:
    ///         capabilities:
    ///           drop: ["NET_RAW"]
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
    ///     - name: web
    ///       image: registry.example.com/web:2.3.0
    ///       securityContext:
    ///         capabilities:
    ///           drop: ["ALL"]
    ///           add: ["NET_BIND_SERVICE"]
    /// ```
    ///
    /// ## Known limitations
    ///
    /// A privileged container has every capability whatever it drops; the
    /// `pss-privileged` rule reports it.
    ///
    /// ## References
    ///
    /// - Pod Security Standards, restricted: "Capabilities"
    ///   (<https://kubernetes.io/docs/concepts/security/pod-security-standards/#restricted>)
    /// - CIS Kubernetes Benchmark 5.2.10: minimize the admission of containers with capabilities assigned
    /// - kube-linter `drop-net-raw-capability`; kubescape C-0046 "Insecure capabilities"
    pub static RULE = {
        id: "capabilities-not-dropped",
        family: Family::Container,
        severity: Severity::Medium,
        summary: "Container does not drop all capabilities",
        remediation: "Set securityContext.capabilities.drop: [\"ALL\"] and add back only the capabilities the process needs.",
        pss: None,
        recommended: true,
        status: RuleStatus::Stable,
        check: Check::PodSpec(check),
    };
}

fn check(pod: &PodSpec<'_, '_, '_>, sink: &mut Sink<'_>) {
    if workload::is_windows(pod) {
        return;
    }
    for container in pod.containers() {
        let drop = capability::capabilities(&container).and_then(|caps| caps.get("drop"));
        let drops_all = capability::names(drop).any(|(_, _, name)| capability::is_drop_all(name));
        if drops_all {
            continue;
        }
        let field = "securityContext.capabilities.drop";
        sink.report(
            container.locate(&["securityContext", "capabilities", "drop"]),
            container.path(field),
            format!(
                "{} does not drop all capabilities; set {field}: [\"ALL\"] and add back only \
                 what it needs",
                container.describe()
            ),
        )
        .in_container(&container);
    }
}
