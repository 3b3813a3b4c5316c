use kubeward_core::yaml::NodeRef;
use kubeward_core::{
    Check, ContainerKind, Family, PodSpec, RuleStatus, Severity, Sink, declare_rule,
};

declare_rule! {
    /// ## What it checks
    ///
    /// Every port of a container or init container with `containerPort: 22`
    /// over TCP (the default protocol), or whose `name` is `ssh` in any
    /// case. Ephemeral containers are skipped, because the API server
    /// rejects `ports` on them.
    ///
    /// ## Why it matters
    ///
    /// An SSH server in a container is a second way in that bypasses the
    /// Kubernetes API, its authentication, RBAC and audit log. Its keys and
    /// passwords live in the image or a volume and are rarely rotated.
    /// `kubectl exec` and ephemeral debug containers cover the same needs
    /// under the cluster's access control.
    ///
    /// ## Failing example
    ///
    /// ```yaml
    /// apiVersion: v1
    /// kind: Pod
    /// metadata:
    ///   name: bastion
    /// spec:
    ///   containers:
    ///     - name: bastion
    ///       image: registry.example.com/bastion:1.0.0
    ///       ports:
    ///         - containerPort: 22
    /// ```
    ///
    /// ## Fixed example
    ///
    /// ```yaml
    /// apiVersion: v1
    /// kind: Pod
    /// metadata:
    ///   name: bastion
    /// spec:
    ///   containers:
    ///     - name: bastion
    ///       image: registry.example.com/bastion:1.0.0
    ///       ports:
    ///         - containerPort: 8443
    ///           name: https
    /// ```
    ///
    /// ## Known limitations
    ///
    /// `ports` is informational in Kubernetes: an SSH server listening on a
    /// port the manifest does not declare is not found. Git servers and
    /// SFTP services legitimately serve SSH; suppress the finding for them.
    ///
    /// ## References
    ///
    /// - kube-linter `ssh-port`; kubescape C-0042 "SSH server running inside container"
    pub static RULE = {
        id: "ssh-port",
        family: Family::Container,
        severity: Severity::Low,
        summary: "Container exposes an SSH port",
        remediation: "Remove the SSH server and use kubectl exec or an ephemeral debug container instead.",
        pss: None,
        recommended: false,
        status: RuleStatus::Stable,
        check: Check::PodSpec(check),
    };
}

const SSH_PORT: i64 = 22;

fn check(pod: &PodSpec<'_, '_, '_>, sink: &mut Sink<'_>) {
    for container in pod.containers() {
        if container.kind == ContainerKind::Ephemeral {
            continue;
        }
        let ports = container.node.get("ports");
        for (index, port) in ports.iter().flat_map(NodeRef::items).enumerate() {
            let number = port.entry("containerPort");
            let is_tcp = port.get_str("protocol").is_none_or(|p| p == "TCP");
            let name = port.entry("name");
            let (entry, field) = if let Some(entry) =
                number.filter(|e| is_tcp && e.value.as_i64() == Some(SSH_PORT))
            {
                (entry, "containerPort")
            } else if let Some(entry) = name.filter(|e| {
                e.value
                    .as_str()
                    .is_some_and(|n| n.eq_ignore_ascii_case("ssh"))
            }) {
                (entry, "name")
            } else {
                continue;
            };
            sink.report(
                entry.key.pos(),
                container.path(&format!("ports[{index}].{field}")),
                format!(
                    "{} declares an SSH port; remove the SSH server and use kubectl exec",
                    container.describe()
                ),
            )
            .in_container(&container);
        }
    }
}
