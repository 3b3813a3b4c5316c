use kubeward_core::{Check, Family, Inventory, InventorySink, RuleStatus, Severity, declare_rule};

use crate::Network;
use crate::{Direction, KINDS};

declare_rule! {
    /// ## What it checks
    ///
    /// NetworkPolicy ingress rules that admit traffic from everywhere:
    ///
    /// - a rule without `from` (or with an empty `from`), which matches
    ///   every pod of every namespace and every address outside the
    ///   cluster;
    /// - an `ipBlock` peer whose `cidr` is `0.0.0.0/0` or `::/0`, even
    ///   with `except` blocks.
    ///
    /// ## Why it matters
    ///
    /// Such a rule undoes the isolation the policy creates for the ports
    /// it names: any compromised pod, and for a pod reachable from
    /// outside any host on the internet, can connect. Allow rules should
    /// name the clients: pods by label, namespaces, or the address ranges
    /// of load balancers and partners.
    ///
    /// ## Failing example
    ///
    /// ```yaml
    /// apiVersion: networking.k8s.io/v1
    /// kind: NetworkPolicy
    /// metadata:
    ///   name: api
    ///   namespace: shop
    /// spec:
    ///   podSelector:
    ///     matchLabels: {app: api}
    ///   ingress:
    ///     - ports:
    ///         - port: 8080
    /// ```
    ///
    /// ## Fixed example
    ///
    /// ```yaml
    /// apiVersion: networking.k8s.io/v1
    /// kind: NetworkPolicy
    /// metadata:
    ///   name: api
    ///   namespace: shop
    /// spec:
    ///   podSelector:
    ///     matchLabels: {app: api}
    ///   ingress:
    ///     - from:
    ///         - podSelector:
    ///             matchLabels: {app: web}
    ///       ports:
    ///         - port: 8080
    /// ```
    ///
    /// ## Known limitations
    ///
    /// Public entry points (ingress controllers, load-balanced frontends)
    /// are meant to accept traffic from everywhere; suppress their
    /// findings with a reason. A peer that selects every namespace
    /// (`namespaceSelector: {}`) admits every pod but no outside address
    /// and is not reported here.
    ///
    /// ## References
    ///
    /// - NSA/CISA Kubernetes Hardening Guide, "Network separation and hardening": "Network policies"
    /// - Kubernetes documentation, "Network Policies": "Allow all ingress traffic"
    pub static RULE = {
        id: "network-ingress-from-anywhere",
        family: Family::Network,
        severity: Severity::Medium,
        summary: "NetworkPolicy allows ingress from everywhere",
        remediation: "Name the allowed sources in `from`: pods and namespaces by label, or the address ranges that need access.",
        pss: None,
        recommended: true,
        status: RuleStatus::Stable,
        check: Check::Inventory { kinds: KINDS, check },
    };
}

fn check(inventory: &Inventory, sink: &mut InventorySink<'_>) {
    let network = Network::of(inventory);
    let model = &network.model;
    for (id, policy) in model.policies.iter().enumerate() {
        if !policy.types.ingress {
            continue;
        }
        for (rule, site, what) in super::open_rules(policy, Direction::Ingress) {
            let ports = match &rule.ports {
                None => "on every port".to_owned(),
                Some(_) => "on the rule's ports".to_owned(),
            };
            super::report(
                inventory,
                sink,
                &site,
                format!(
                    "NetworkPolicy {} rule spec.ingress[{}] allows ingress from {what} {ports}; \
                     name the allowed sources in `from`",
                    model.policy_name(id),
                    rule.index
                ),
            );
        }
    }
}
