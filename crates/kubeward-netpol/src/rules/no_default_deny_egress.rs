use kubeward_core::{Check, Family, Inventory, InventorySink, RuleStatus, Severity, declare_rule};

use crate::Network;
use crate::{Direction, KINDS};

declare_rule! {
    /// ## What it checks
    ///
    /// Every namespace that the input declares with a Namespace object or
    /// that holds a workload, and that has no NetworkPolicy selecting all
    /// of its pods (`podSelector: {}`) with the `Egress` policy type.
    /// `Egress` must be in `policyTypes`, or the policy must have `egress`
    /// rules when `policyTypes` is absent.
    ///
    /// The finding is on the Namespace object, or on the first workload of
    /// the namespace when the input has no Namespace object for it.
    ///
    /// ## Why it matters
    ///
    /// Egress control limits what a compromised pod can do next: reach
    /// the cloud metadata service, scan the cluster, call the API server
    /// or send data out. Without a default deny, every pod that no egress
    /// policy selects can open connections to any pod and any address.
    ///
    /// ## Failing example
    ///
    /// ```yaml
    /// apiVersion: v1
    /// kind: Namespace
    /// metadata:
    ///   name: shop
    /// ```
    ///
    /// ## Fixed example
    ///
    /// ```yaml
    /// apiVersion: v1
    /// kind: Namespace
    /// metadata:
    ///   name: shop
    /// ---
    /// apiVersion: networking.k8s.io/v1
    /// kind: NetworkPolicy
    /// metadata:
    ///   name: default-deny-egress
    ///   namespace: shop
    /// spec:
    ///   podSelector: {}
    ///   policyTypes: [Egress]
    ///   egress:
    ///     - to:
    ///         - namespaceSelector:
    ///             matchLabels:
    ///               kubernetes.io/metadata.name: kube-system
    ///           podSelector:
    ///             matchLabels:
    ///               k8s-app: kube-dns
    ///       ports:
    ///         - {protocol: UDP, port: 53}
    ///         - {protocol: TCP, port: 53}
    /// ```
    ///
    /// ## Known limitations
    ///
    /// Only NetworkPolicies in the scanned input count; a default deny
    /// from an AdminNetworkPolicy or BaselineAdminNetworkPolicy is not
    /// seen as one. A default deny for egress also blocks DNS unless a
    /// rule allows it, as the fixed example does. The rule is not in the
    /// recommended profile because many clusters decide egress at the
    /// node or cloud firewall instead.
    ///
    /// ## References
    ///
    /// - CIS Kubernetes Benchmark 5.3.2: ensure that all namespaces have NetworkPolicies defined
    /// - NSA/CISA Kubernetes Hardening Guide, "Network separation and hardening": "Network policies" (default deny egress)
    /// - Kubernetes documentation, "Network Policies": "Default deny all egress traffic"
    pub static RULE = {
        id: "network-no-default-deny-egress",
        family: Family::Network,
        severity: Severity::Low,
        summary: "Namespace has no default-deny egress NetworkPolicy",
        remediation: "Add a NetworkPolicy with `podSelector: {}` and `policyTypes: [Egress]` to the namespace, allowing DNS and the destinations each workload needs.",
        pss: None,
        recommended: false,
        status: RuleStatus::Stable,
        check: Check::Inventory { kinds: KINDS, check },
    };
}

fn check(inventory: &Inventory, sink: &mut InventorySink<'_>) {
    let network = Network::of(inventory);
    let model = &network.model;
    for namespace in super::without_default_deny(model, Direction::Egress) {
        let Some(site) = super::namespace_site(model, namespace) else {
            continue;
        };
        let name = &model.namespaces[namespace].name;
        super::report(
            inventory,
            sink,
            &site,
            format!(
                "namespace {name} has no default-deny egress NetworkPolicy, so its pods that no \
                 egress policy selects can connect to every pod and address; add a \
                 NetworkPolicy with podSelector: {{}} and policyTypes: [Egress] that allows DNS"
            ),
        );
    }
}
