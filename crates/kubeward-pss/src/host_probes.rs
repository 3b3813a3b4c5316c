use kubeward_core::yaml::NodeRef;
use kubeward_core::{
    Check, Container, Family, PodSpec, PssInfo, PssLevel, RuleStatus, Severity, Sink, declare_rule,
};

use crate::policy::pod::at_least;

declare_rule! {
    /// ## What it checks
    ///
    /// From policy version v1.34: a non-empty `host` in the `httpGet` or
    /// `tcpSocket` handler of `livenessProbe`, `readinessProbe`,
    /// `startupProbe`, `lifecycle.postStart` and `lifecycle.preStop`, in every
    /// container, init container and ephemeral container. An empty string or
    /// an unset field is allowed. Each such `host` is one finding. Before
    /// v1.34 the check does not exist and this rule reports nothing.
    ///
    /// ## Why it matters
    ///
    /// The kubelet runs probes and HTTP lifecycle hooks from the node, not
    /// from inside the pod. A `host` other than the pod's own address makes
    /// the kubelet send requests to any address the node can reach: services
    /// bound to the node's localhost, the cloud metadata endpoint, or other
    /// hosts on the node network. This is a server-side request forgery that
    /// uses the node's network position, and probe results can leak whether
    /// those endpoints respond.
    ///
    /// ## Failing example
    ///
    /// ```yaml
    /// apiVersion: v1
    /// kind: Pod
    /// metadata:
    ///   name: api
    /// spec:
    ///   containers:
    ///     - name: api
    ///       image: registry.example.com/api:3.1
    ///       livenessProbe:
    ///         httpGet:
    ///           host: 169.254.169.254
    ///           path: /latest/meta-data/
    ///           port: 80
    /// ```
    ///
    /// ## Fixed example
    ///
    /// ```yaml
    /// apiVersion: v1
    /// kind: Pod
    /// metadata:
    ///   name: api
    /// spec:
    ///   containers:
    ///     - name: api
    ///       image: registry.example.com/api:3.1
    ///       livenessProbe:
    ///         httpGet:
    ///           path: /healthz
    ///           port: 8080
    /// ```
    ///
    /// ## Known limitations
    ///
    /// `tcpSocket` is not a supported lifecycle handler, but the field exists
    /// in the API for compatibility and is checked like the others. An
    /// `httpHeaders` entry named `Host` changes the HTTP `Host` header of a
    /// probe but not the address it connects to. The Pod Security Standards
    /// do not restrict it, and neither does this rule.
    ///
    /// ## References
    ///
    /// - Pod Security Standards, baseline: "Host Probes / Lifecycle Hooks"
    ///   (<https://kubernetes.io/docs/concepts/security/pod-security-standards/#baseline>)
    /// - KEP-4940: restrict the host field of probe and lifecycle handlers
    ///   (<https://github.com/kubernetes/enhancements/issues/4940>)
    pub static RULE = {
        id: "pss-host-probes",
        family: Family::PodSecurity,
        severity: Severity::Medium,
        summary: "Probe or lifecycle hook sends the kubelet's request to another host",
        remediation: "Remove host from the probe or lifecycle handler so the kubelet targets the pod's own IP.",
        pss: Some(PssInfo { level: PssLevel::Baseline, control: "Host Probes / Lifecycle Hooks" }),
        recommended: true,
        status: RuleStatus::Stable,
        check: Check::PodSpec(check),
    };
}

/// The handlers whose `host` the check reads, as paths below the container.
const HANDLERS: [&[&str]; 5] = [
    &["livenessProbe"],
    &["readinessProbe"],
    &["startupProbe"],
    &["lifecycle", "postStart"],
    &["lifecycle", "preStop"],
];

fn check(pod: &PodSpec<'_, '_, '_>, sink: &mut Sink<'_>) {
    if !at_least(sink, 34) {
        return;
    }
    for container in pod.containers() {
        for handler_path in HANDLERS {
            let Some(handler) = container.node.path(handler_path) else {
                continue;
            };
            for action in ["httpGet", "tcpSocket"] {
                check_action(&container, handler_path, handler, action, sink);
            }
        }
    }
}

fn check_action(
    container: &Container<'_, '_, '_>,
    handler_path: &[&str],
    handler: NodeRef<'_, '_>,
    action: &str,
    sink: &mut Sink<'_>,
) {
    let Some(entry) = handler.get(action).and_then(|a| a.entry("host")) else {
        return;
    };
    let Some(host) = entry.value.as_str().filter(|host| !host.is_empty()) else {
        return;
    };
    let field = format!("{}.{action}.host", handler_path.join("."));
    sink.report(
        entry.key.pos(),
        container.path(&field),
        format!("{} must not set {field}=\"{host}\"", container.describe()),
    )
    .in_container(container);
}
