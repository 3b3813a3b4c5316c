use kubeward_core::{Check, Family, Inventory, InventorySink, RuleStatus, Severity, declare_rule};

use crate::Network;
use crate::{Direction, KINDS};

declare_rule! {
    /// ## What it checks
    ///
    /// Every namespace that the input declares with a Namespace object or
    /// that holds a workload, and that has no NetworkPolicy selecting all
    /// of its pods (`podSelector: {}`) with the `Ingress` policy type. A
    /// policy without `policyTypes` has that type. Such a policy isolates
    /// every pod of the namespace for ingress, whatever rules it also has.
    ///
    /// The finding is on the Namespace object, or on the first workload of
    /// the namespace when the input has no Namespace object for it.
    ///
    /// ## Why it matters
    ///
    /// A pod that no policy selects for ingress accepts connections from
    /// every pod of the cluster and from outside it. Without a default
    /// deny, every new workload starts open, and one compromised pod
    /// anywhere can reach it. A default deny makes each allowed flow an
    /// explicit rule.
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
    ///   name: default-deny-ingress
    ///   namespace: shop
    /// spec:
    ///   podSelector: {}
    ///   policyTypes: [Ingress]
    /// ```
    ///
    /// ## Known limitations
    ///
    /// Only NetworkPolicies in the scanned input count: a default deny
    /// applied by another repository, or an AdminNetworkPolicy or
    /// BaselineAdminNetworkPolicy that denies by default, is not seen as
    /// one. Namespaces that hold only pods on the host network, which no
    /// policy isolates, are skipped unless declared.
    ///
    /// ## References
    ///
    /// - CIS Kubernetes Benchmark 5.3.2: ensure that all namespaces have NetworkPolicies defined
    /// - NSA/CISA Kubernetes Hardening Guide, "Network separation and hardening": "Network policies" (default deny)
    /// - Kubernetes documentation, "Network Policies": "Default deny all ingress traffic"
    pub static RULE = {
        id: "network-no-default-deny-ingress",
        family: Family::Network,
        severity: Severity::Medium,
        summary: "Namespace has no default-deny ingress NetworkPolicy",
        remediation: "Add a NetworkPolicy with `podSelector: {}` and `policyTypes: [Ingress]` to the namespace, then allow the flows each workload needs.",
        pss: None,
        recommended: true,
        status: RuleStatus::Stable,
        check: Check::Inventory { kinds: KINDS, check },
    };
}

fn check(inventory: &Inventory, sink: &mut InventorySink<'_>) {
    let network = Network::of(inventory);
    let model = &network.model;
    for namespace in super::without_default_deny(model, Direction::Ingress) {
        let Some(site) = super::namespace_site(model, namespace) else {
            continue;
        };
        let name = &model.namespaces[namespace].name;
        super::report(
            inventory,
            sink,
            &site,
            format!(
                "namespace {name} has no default-deny ingress NetworkPolicy, so its pods that no \
                 policy selects accept connections from every pod and address; add a \
                 NetworkPolicy with podSelector: {{}} and policyTypes: [Ingress]"
            ),
        );
    }
}
