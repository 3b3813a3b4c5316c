use kubeward_core::{Check, Family, Inventory, InventorySink, RuleStatus, Severity, declare_rule};

use crate::model::{NamespaceScope, Peer, Site};
use crate::{Analysis, Direction, KINDS, Model};

declare_rule! {
    /// ## What it checks
    ///
    /// In namespaces where the input has workloads (pods not on the host
    /// network):
    ///
    /// - NetworkPolicies whose `podSelector` selects none of them;
    /// - `podSelector` peers without a `namespaceSelector`, which select
    ///   pods of the policy's own namespace, that select none of them.
    ///
    /// Namespaces without workloads in the input are skipped, so scanning
    /// policies apart from the workloads they protect reports nothing.
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
        remediation: "Correct the selector to the labels of the pods it is meant for, or delete the stale policy or peer.",
        pss: None,
        recommended: false,
        status: RuleStatus::Stable,
        check: Check::Inventory { kinds: KINDS, check },
    };
}

fn check(inventory: &Inventory, sink: &mut InventorySink<'_>) {
    let model = Model::build(inventory);
    let analysis = Analysis::new(&model);
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
        if !pods
            .iter()
            .any(|&c| policy.pod_selector.matches(&model.classes[c].labels))
        {
            super::report(
                inventory,
                sink,
                &policy.site,
                format!(
                    "the podSelector of NetworkPolicy {name} ({}) selects none of the pods of \
                     namespace {}; correct it or delete the policy",
                    policy.pod_selector, model.namespaces[policy.namespace].name
                ),
            );
        }
        for direction in [Direction::Ingress, Direction::Egress] {
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
                    super::report(
                        inventory,
                        sink,
                        &site,
                        format!(
                            "{path} of NetworkPolicy {name} ({selector}) selects no pod of its \
                             namespace; correct the labels or remove the peer"
                        ),
                    );
                }
            }
        }
    }
}
