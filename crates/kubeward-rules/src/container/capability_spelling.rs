use kubeward_core::{Check, Family, PodSpec, RuleStatus, Severity, Sink, declare_rule};

use super::capability::{self, Spelling};
use super::workload;

declare_rule! {
    /// ## What it checks
    ///
    /// Every entry of `securityContext.capabilities.add` and `drop`, in any
    /// container, init container or ephemeral container, that is not
    /// written the canonical way: upper case, without a `CAP_` prefix
    /// (`ALL`, `NET_BIND_SERVICE`). Pods with `os.name: windows` are
    /// skipped.
    ///
    /// ## Why it matters
    ///
    /// Kubernetes passes the names to the container runtime as written, and
    /// tools disagree on how to read them:
    ///
    /// - A `CAP_` prefix breaks the capability. containerd adds its own
    ///   prefix, so `CAP_SYS_ADMIN` becomes `CAP_CAP_SYS_ADMIN`, which the
    ///   OCI runtime does not know: depending on the runtime and its
    ///   version, the container fails to start or runs without the
    ///   capability, and `drop: ["CAP_ALL"]` drops nothing.
    /// - Lower or mixed case works in containerd and CRI-O, which compare
    ///   `ALL` case-insensitively and upper-case other names. The Pod
    ///   Security admission controller compares names exactly, though, so
    ///   a pod that drops `all` fails the restricted level, and so does one
    ///   that adds `net_bind_service`. Scanners and policy engines that
    ///   match exact strings misjudge such pods in both directions.
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
    ///           drop: ["all"]
    ///           add: ["CAP_NET_BIND_SERVICE"]
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
    /// Names are not checked against the list of Linux capabilities, so a
    /// misspelt name in canonical form, such as `NET_BIND_SERVIC`, passes.
    ///
    /// ## References
    ///
    /// - Kubernetes API reference, `Capabilities`
    ///   (<https://kubernetes.io/docs/reference/kubernetes-api/workload-resources/pod-v1/#security-context-1>)
    /// - Pod Security Standards, restricted: "Capabilities"
    ///   (<https://kubernetes.io/docs/concepts/security/pod-security-standards/#restricted>)
    pub static RULE = {
        id: "capability-spelling",
        family: Family::Container,
        severity: Severity::Info,
        summary: "Capability name is not written in canonical form",
        remediation: "Write capability names in upper case without the CAP_ prefix, such as ALL or NET_BIND_SERVICE.",
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
        let Some(capabilities) = capability::capabilities(&container) else {
            continue;
        };
        for list in ["drop", "add"] {
            for (index, node, name) in capability::names(capabilities.get(list)) {
                let canonical = capability::normalize(name);
                let problem = match capability::spelling(name) {
                    Spelling::Canonical => continue,
                    Spelling::CapPrefix => format!(
                        "containerd adds its own CAP_ prefix and passes CAP_{}, which the OCI \
                         runtime does not know, so the container fails to start or {}",
                        name.to_ascii_uppercase(),
                        if list == "add" {
                            "runs without it"
                        } else {
                            "keeps it"
                        },
                    ),
                    Spelling::NotUpperCase => "runtimes accept it, but the Pod Security \
                                               admission controller compares names exactly"
                        .to_owned(),
                };
                sink.report(
                    node.pos(),
                    container.path(&format!("securityContext.capabilities.{list}[{index}]")),
                    format!(
                        "{} lists capability \"{name}\" in {list}: {problem}; write \"{canonical}\"",
                        container.describe()
                    ),
                )
                .in_container(&container);
            }
        }
    }
}
