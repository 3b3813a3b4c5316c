use kubeward_core::{Check, Family, Inventory, InventorySink, RuleStatus, Severity, declare_rule};

use crate::Network;
use crate::ports::{PortRanges, PortSet, Protocol};
use crate::{Direction, KINDS};

declare_rule! {
    /// ## What it checks
    ///
    /// NetworkPolicy egress rules that allow traffic to the whole
    /// internet: a rule without `to` (or with an empty `to`), or with an
    /// `ipBlock` peer whose `cidr` is `0.0.0.0/0` or `::/0`. A rule whose
    /// ports are only DNS (TCP and UDP port 53) is not reported, since
    /// pods must resolve names and DNS servers may be outside the cluster.
    ///
    /// ## Why it matters
    ///
    /// Unrestricted egress lets a compromised pod download tools, reach
    /// command-and-control servers and send data out, and it reaches the
    /// cloud metadata service, whose credentials often control the whole
    /// account. Egress should name the services a workload calls.
    ///
    /// ## Failing example
    ///
    /// ```yaml
    /// apiVersion: networking.k8s.io/v1
    /// kind: NetworkPolicy
    /// metadata:
    ///   name: worker
    ///   namespace: shop
    /// spec:
    ///   podSelector:
    ///     matchLabels: {app: worker}
    ///   policyTypes: [Egress]
    ///   egress:
    ///     - to:
    ///         - ipBlock:
    ///             cidr: 0.0.0.0/0
    /// ```
    ///
    /// ## Fixed example
    ///
    /// ```yaml
    /// apiVersion: networking.k8s.io/v1
    /// kind: NetworkPolicy
    /// metadata:
    ///   name: worker
    ///   namespace: shop
    /// spec:
    ///   podSelector:
    ///     matchLabels: {app: worker}
    ///   policyTypes: [Egress]
    ///   egress:
    ///     - to:
    ///         - ipBlock:
    ///             cidr: 192.0.2.0/24
    ///       ports:
    ///         - port: 443
    /// ```
    ///
    /// ## Known limitations
    ///
    /// Pods that no egress policy selects also reach the internet; the
    /// `network-no-default-deny-egress` and
    /// `network-workload-not-selected` rules report those. Egress through
    /// a proxy or egress gateway is not modelled.
    ///
    /// ## References
    ///
    /// - NSA/CISA Kubernetes Hardening Guide, "Network separation and hardening": "Network policies" (egress)
    /// - Kubernetes documentation, "Network Policies": "Allow all egress traffic"
    pub static RULE = {
        id: "network-egress-to-internet",
        family: Family::Network,
        severity: Severity::Low,
        summary: "NetworkPolicy allows egress to the whole internet",
        remediation: "Limit `to` to the address ranges and pods the workload calls, and `ports` to the ports it uses.",
        pss: None,
        recommended: false,
        status: RuleStatus::Stable,
        check: Check::Inventory { kinds: KINDS, check },
    };
}

fn check(inventory: &Inventory, sink: &mut InventorySink<'_>) {
    let network = Network::of(inventory);
    let model = &network.model;
    let mut dns = PortSet::of(Protocol::Udp, PortRanges::single(53));
    dns.add(&PortSet::of(Protocol::Tcp, PortRanges::single(53)));
    for (id, policy) in model.policies.iter().enumerate() {
        if !policy.types.egress {
            continue;
        }
        for (rule, site, what) in super::open_rules(policy, Direction::Egress) {
            let ports = crate::ports::resolve_all(rule.ports.as_deref(), &[]);
            let named = rule
                .ports
                .iter()
                .flatten()
                .any(|p| matches!(p.port, crate::ports::PortValue::Named(_)));
            if !named && !ports.is_empty() && ports.difference(&dns).is_empty() {
                continue;
            }
            super::report(
                inventory,
                sink,
                &site,
                format!(
                    "NetworkPolicy {} rule spec.egress[{}] allows egress to {what} on {}; limit \
                     `to` and `ports` to what the workload calls",
                    model.policy_name(id),
                    rule.index,
                    if rule.ports.is_none() {
                        "every port".to_owned()
                    } else {
                        ports.to_string()
                    }
                ),
            );
        }
    }
}
