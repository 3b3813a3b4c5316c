use kubeward_core::{Check, Family, Inventory, InventorySink, RuleStatus, Severity, declare_rule};

use crate::Network;
use crate::model::{NamespaceScope, Peer, Site};
use crate::selector::Selector;
use crate::{Direction, KINDS, Model};

declare_rule! {
    /// ## What it checks
    ///
    /// In namespaces where the input has workloads (pods not on the host
    /// network):
    ///
    /// - NetworkPolicies whose `podSelector` selects none of them;
    /// - `podSelector` peers without a `namespaceSelector`, which select
    ///   pods of the policy's own namespace, that select none of them;
    /// - `ingress` or `egress` sections that an explicit `policyTypes`
    ///   leaves out (for example `policyTypes: [Egress]` with `ingress`
    ///   rules): their peers select nothing, whatever their labels, and
    ///   are not checked one by one.
    ///
    /// Namespaces without workloads in the input are skipped, so scanning
    /// policies apart from the workloads they protect reports nothing. A
    /// selector that matches only pods on the host network is reported
    /// too, with that reason: most network plugins neither isolate those
    /// pods nor tell their traffic from the node's.
    ///
    /// ## Why it matters
    ///
    /// A selector that matches nothing is usually a typo or a stale label:
    /// the pods the author meant to isolate stay open, or the clients
    /// meant to be allowed are blocked and someone adds a broader rule to
    /// make things work.
    ///
    /// ## Failing example
    ///
    /// ```yaml
    /// apiVersion: apps/v1
    /// kind: Deployment
    /// metadata:
    ///   name: api
    ///   namespace: shop
    /// spec:
    ///   selector:
    ///     matchLabels: {app: api}
    ///   template:
    ///     metadata:
    ///       labels: {app: api}
    ///     spec:
    ///       containers:
    ///         - name: api
    ///           image: registry.example.com/api:1.0.0
    /// ---
    /// apiVersion: networking.k8s.io/v1
    /// kind: NetworkPolicy
    /// metadata:
    ///   name: api
    ///   namespace: shop
    /// spec:
    ///   podSelector:
    ///     matchLabels: {app: apy}
    ///   policyTypes: [Ingress]
    /// ```
    ///
    /// ## Fixed example
    ///
    /// ```yaml
    /// apiVersion: apps/v1
    /// kind: Deployment
    /// metadata:
    ///   name: api
    ///   namespace: shop
    /// spec:
    ///   selector:
    ///     matchLabels: {app: api}
    ///   template:
    ///     metadata:
    ///       labels: {app: api}
    ///     spec:
    ///       containers:
    ///         - name: api
    ///           image: registry.example.com/api:1.0.0
    /// ---
    /// apiVersion: networking.k8s.io/v1
    /// kind: NetworkPolicy
    /// metadata:
    ///   name: api
    ///   namespace: shop
    /// spec:
    ///   podSelector:
    ///     matchLabels: {app: api}
    ///   policyTypes: [Ingress]
    /// ```
    ///
    /// ## Known limitations
    ///
    /// Workloads deployed from other repositories are not seen, so a
    /// policy written for them is reported when the namespace has other
    /// workloads in the input. Peers with a `namespaceSelector` are not
    /// checked, since their namespaces are often defined elsewhere.
    ///
    /// ## References
    ///
    /// - Kubernetes documentation, "Network Policies": "Behavior of to and from selectors"
    /// - Kubernetes documentation, "Labels and Selectors"
    pub static RULE = {
        id: "network-policy-selects-nothing",
        family: Family::Network,
        severity: Severity::Low,
        summary: "NetworkPolicy selector matches no pod",
        remediation: "Correct the selector to the labels of the pods it is meant for, or delete the stale policy or peer; for an ignored section, list its direction in policyTypes or remove it.",
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
    for (id, policy) in model.policies.iter().enumerate() {
        let pods: Vec<usize> = model
            .classes_in(policy.namespace)
            .iter()
            .copied()
            .filter(|&c| !model.classes[c].host_network)
            .collect();
        if pods.is_empty() {
            continue;
        }
        let name = model.policy_name(id);
        let namespace = &model.namespaces[policy.namespace].name;
        if !pods
            .iter()
            .any(|&c| policy.pod_selector.matches(&model.classes[c].labels))
        {
            let selector = &policy.pod_selector;
            let message = if host_network_match(model, policy.namespace, selector) {
                format!(
                    "the podSelector of NetworkPolicy {name} ({selector}) selects only pods on \
                     the host network in namespace {namespace}, which NetworkPolicy does not \
                     isolate; protect them with the node's firewall or delete the policy"
                )
            } else {
                format!(
                    "the podSelector of NetworkPolicy {name} ({selector}) selects none of the \
                     pods of namespace {namespace}; correct it or delete the policy"
                )
            };
            super::report(inventory, sink, &policy.site, message);
        }
        for problem in model.ignored_sections() {
            if problem.site.object == policy.site.object
                && policy
                    .ignored
                    .iter()
                    .any(|&(_, pos)| pos == problem.site.pos)
            {
                super::report(inventory, sink, &problem.site, problem.message);
            }
        }
        for direction in [Direction::Ingress, Direction::Egress] {
            if policy.ignored.iter().any(|&(d, _)| d == direction) {
                continue;
            }
            let rules = match direction {
                Direction::Ingress => &policy.ingress,
                Direction::Egress => &policy.egress,
            };
            for rule in rules {
                for (i, peer) in rule.peers.iter().flatten().enumerate() {
                    let Peer::Pods {
                        namespaces: NamespaceScope::Own,
                        pods: selector,
                        pos,
                    } = peer
                    else {
                        continue;
                    };
                    if !analysis
                        .peer_classes(id, direction, rule.index, i)
                        .is_empty()
                    {
                        continue;
                    }
                    let path = format!(
                        "spec.{}[{}].{}[{i}].podSelector",
                        direction.field(),
                        rule.index,
                        direction.peers_field()
                    );
                    let site = Site {
                        object: policy.site.object,
                        pos: *pos,
                        path: path.clone(),
                    };
                    let message = if host_network_match(model, policy.namespace, selector) {
                        format!(
                            "{path} of NetworkPolicy {name} ({selector}) selects only pods on \
                             the host network, whose traffic most network plugins see as the \
                             node's; allow the node addresses with an ipBlock or remove the peer"
                        )
                    } else {
                        format!(
                            "{path} of NetworkPolicy {name} ({selector}) selects no pod of its \
                             namespace; correct the labels or remove the peer"
                        )
                    };
                    super::report(inventory, sink, &site, message);
                }
            }
        }
    }
}

/// Whether `selector` matches pods on the host network in `namespace`.
fn host_network_match(model: &Model, namespace: usize, selector: &Selector) -> bool {
    model.classes_in(namespace).iter().any(|&c| {
        let class = &model.classes[c];
        class.host_network && selector.matches(&class.labels)
    })
}
