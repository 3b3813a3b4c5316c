use kubeward_core::{Check, Family, Inventory, InventorySink, RuleStatus, Severity, declare_rule};

use crate::model::{ClassId, Model};
use crate::ports::{PortValue, Protocol};
use crate::{Analysis, Direction, KINDS, Network};

/// The port DNS servers listen on.
const DNS_PORT: u16 = 53;

declare_rule! {
    /// ## What it checks
    ///
    /// Every workload whose pods NetworkPolicies isolate for egress, while
    /// none of their egress rules allows UDP port 53 to any destination.
    /// A rule allows it when it has no `ports`, or a UDP port entry
    /// without `port`, with port 53, with a range that includes 53, or
    /// with a named port (which may resolve to 53 on the DNS pods).
    ///
    /// A policy without `policyTypes` isolates for egress as soon as it
    /// has an `egress` section, so a policy written only to restrict a few
    /// destinations also cuts DNS.
    ///
    /// ## Why it matters
    ///
    /// Pods resolve Service and external names through the cluster DNS.
    /// Without DNS they fail in ways that look unrelated to the policy,
    /// and the usual quick fix is to allow all egress, which removes the
    /// segmentation the policy was written for.
    ///
    /// ## Failing example
    ///
    /// ```yaml
    /// apiVersion: apps/v1
    /// kind: Deployment
    /// metadata:
    ///   name: worker
    ///   namespace: shop
    /// spec:
    ///   selector:
    ///     matchLabels: {app: worker}
    ///   template:
    ///     metadata:
    ///       labels: {app: worker}
    ///     spec:
    ///       containers:
    ///         - name: worker
    ///           image: registry.example.com/worker:1.0.0
    /// ---
    /// apiVersion: networking.k8s.io/v1
    /// kind: NetworkPolicy
    /// metadata:
    ///   name: worker-egress
    ///   namespace: shop
    /// spec:
    ///   podSelector:
    ///     matchLabels: {app: worker}
    ///   egress:
    ///     - to:
    ///         - ipBlock:
    ///             cidr: 192.0.2.0/24
    ///       ports:
    ///         - port: 443
    /// ```
    ///
    /// ## Fixed example
    ///
    /// ```yaml
    /// apiVersion: apps/v1
    /// kind: Deployment
    /// metadata:
    ///   name: worker
    ///   namespace: shop
    /// spec:
    ///   selector:
    ///     matchLabels: {app: worker}
    ///   template:
    ///     metadata:
    ///       labels: {app: worker}
    ///     spec:
    ///       containers:
    ///         - name: worker
    ///           image: registry.example.com/worker:1.0.0
    /// ---
    /// apiVersion: networking.k8s.io/v1
    /// kind: NetworkPolicy
    /// metadata:
    ///   name: worker-egress
    ///   namespace: shop
    /// spec:
    ///   podSelector:
    ///     matchLabels: {app: worker}
    ///   egress:
    ///     - to:
    ///         - ipBlock:
    ///             cidr: 192.0.2.0/24
    ///       ports:
    ///         - port: 443
    ///     - to:
    ///         - namespaceSelector:
    ///             matchLabels:
    ///               kubernetes.io/metadata.name: kube-system
    ///           podSelector:
    ///             matchLabels: {k8s-app: kube-dns}
    ///       ports:
    ///         - protocol: UDP
    ///           port: 53
    ///         - protocol: TCP
    ///           port: 53
    /// ```
    ///
    /// ## Known limitations
    ///
    /// The rule does not check that the allowed destination is the DNS
    /// server, because the DNS pods are rarely in the same input. Pods
    /// that an AdminNetworkPolicy or BaselineAdminNetworkPolicy covers are
    /// skipped, as are pods on the host network and pods that resolve
    /// names through a node-local cache on a link-local address, which
    /// need an `ipBlock` rule of their own.
    ///
    /// ## References
    ///
    /// - Kubernetes documentation, "Network Policies": "Default deny all egress traffic"
    /// - Kubernetes documentation, "DNS for Services and Pods"
    pub static RULE = {
        id: "network-egress-blocks-dns",
        family: Family::Network,
        severity: Severity::Low,
        summary: "Egress policy blocks DNS",
        remediation: "Add an egress rule that allows UDP and TCP port 53 to the cluster DNS pods, such as those labelled k8s-app: kube-dns in kube-system.",
        pss: None,
        recommended: false,
        status: RuleStatus::Stable,
        check: Check::Inventory { kinds: KINDS, check },
    };
}

fn check(inventory: &Inventory, sink: &mut InventorySink<'_>) {
    let network = Network::of(inventory);
    let model = &network.model;
    let analysis = network.analysis();
    for (id, workload) in model.workloads.iter().enumerate() {
        if !blocks_dns(model, &analysis, workload.class) {
            continue;
        }
        let policies: Vec<String> = analysis
            .selecting(workload.class, Direction::Egress)
            .iter()
            .map(|&policy| model.policy_name(policy))
            .collect();
        super::report(
            inventory,
            sink,
            &workload.site,
            format!(
                "NetworkPolicy {} isolates the pods of {} for egress and no egress rule allows \
                 UDP port {DNS_PORT}, so they cannot resolve names; allow UDP and TCP port \
                 {DNS_PORT} to the cluster DNS pods",
                policies.join(", "),
                super::describe_workload(model, id),
            ),
        );
    }
}

/// Returns whether NetworkPolicies alone isolate `class` for egress
/// while none of their egress rules can allow UDP port 53.
fn blocks_dns(model: &Model, analysis: &Analysis<'_>, class: ClassId) -> bool {
    let policies = analysis.selecting(class, Direction::Egress);
    if model.classes[class].host_network
        || policies.is_empty()
        || !analysis.admin_policies_of(class).is_empty()
        || !analysis.baseline_policies_of(class).is_empty()
    {
        return false;
    }
    let allows_dns = policies
        .iter()
        .flat_map(|&policy| &model.policies[policy].egress)
        .any(|rule| match &rule.ports {
            None => true,
            Some(ports) => ports.iter().any(|spec| {
                spec.protocol == Protocol::Udp
                    && match &spec.port {
                        PortValue::Any | PortValue::Named(_) => true,
                        PortValue::Number { port, end_port } => {
                            (*port..=end_port.unwrap_or(*port)).contains(&DNS_PORT)
                        }
                    }
            }),
        });
    !allows_dns
}
