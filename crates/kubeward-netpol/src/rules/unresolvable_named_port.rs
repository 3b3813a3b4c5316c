use kubeward_core::{Check, Family, Inventory, InventorySink, RuleStatus, Severity, declare_rule};

use crate::Network;
use crate::model::{ClassId, Peer, Site};
use crate::ports::PortValue;
use crate::{Analysis, Direction, KINDS, Model};

declare_rule! {
    /// ## What it checks
    ///
    /// Named ports in NetworkPolicy rules that no destination pod defines.
    /// A named port matches a container port with the same `name` and the
    /// same protocol (TCP when not given) on the destination pod:
    ///
    /// - in an ingress rule, the pods the policy selects;
    /// - in an egress rule, the pods its `to` peers select (every pod
    ///   when it has no `to`). An egress rule whose peers are only
    ///   `ipBlock`s never matches a named port: addresses outside the
    ///   cluster have no container ports.
    ///
    /// Rules whose destinations are not in the input are skipped.
    ///
    /// ## Why it matters
    ///
    /// A named port that resolves to nothing allows nothing, silently: the
    /// intended flow is blocked, and the usual reaction is to widen the
    /// rule to "all ports". A protocol mismatch (a UDP `dns` port named in
    /// a rule that defaults to TCP) is the classic case.
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
    ///           ports:
    ///             - name: http
    ///               containerPort: 8080
    /// ---
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
    ///         - port: web
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
    ///           ports:
    ///             - name: http
    ///               containerPort: 8080
    /// ---
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
    ///         - port: http
    /// ```
    ///
    /// ## Known limitations
    ///
    /// Only container ports of regular containers and of init containers
    /// with `restartPolicy: Always` (sidecars) count. When some
    /// destinations define the port and others do not, nothing is
    /// reported.
    ///
    /// ## References
    ///
    /// - Kubernetes API reference, NetworkPolicyPort: "port ... a named port on a pod"
    /// - Kubernetes documentation, "Network Policies": "Targeting a range of ports"
    pub static RULE = {
        id: "network-unresolvable-named-port",
        family: Family::Network,
        severity: Severity::Medium,
        summary: "Named port in a NetworkPolicy matches no container port",
        remediation: "Use the name of a container port of the destination pods with the same protocol, or the port number.",
        pss: None,
        recommended: true,
        status: RuleStatus::Stable,
        check: Check::Inventory { kinds: KINDS, check },
    };
}

fn check(inventory: &Inventory, sink: &mut InventorySink<'_>) {
    let network = Network::of(inventory);
    let model = &network.model;
    let analysis = network.analysis();
    for (id, policy) in model.policies.iter().enumerate() {
        for direction in [Direction::Ingress, Direction::Egress] {
            let rules = match direction {
                Direction::Ingress => &policy.ingress,
                Direction::Egress => &policy.egress,
            };
            for rule in rules {
                let Some(ports) = &rule.ports else { continue };
                if !ports.iter().any(|p| matches!(p.port, PortValue::Named(_))) {
                    continue;
                }
                let (destinations, external_only) =
                    destinations(model, &analysis, id, direction, rule);
                if destinations.is_empty() && !external_only {
                    continue;
                }
                for (j, spec) in ports.iter().enumerate() {
                    let PortValue::Named(name) = &spec.port else {
                        continue;
                    };
                    let defined = destinations.iter().any(|&c| {
                        model.classes[c]
                            .ports
                            .iter()
                            .any(|p| p.protocol == spec.protocol && p.name.as_deref() == Some(name))
                    });
                    if defined {
                        continue;
                    }
                    let path =
                        format!("spec.{}[{}].ports[{j}].port", direction.field(), rule.index);
                    let site = Site {
                        object: policy.site.object,
                        pos: rule.port_positions.get(j).copied().unwrap_or(rule.pos),
                        path: path.clone(),
                    };
                    let why = if external_only {
                        "the rule's peers are only ipBlocks, and addresses outside the cluster have no named ports".to_owned()
                    } else {
                        format!(
                            "no destination pod has a {} container port named \"{name}\"",
                            spec.protocol
                        )
                    };
                    super::report(
                        inventory,
                        sink,
                        &site,
                        format!(
                            "{path} of NetworkPolicy {} allows nothing: {why}; use a port name \
                             the destination pods define, or the port number",
                            model.policy_name(id)
                        ),
                    );
                }
            }
        }
    }
}

/// The classes a rule's named ports resolve on, and whether the rule
/// targets only external addresses.
fn destinations(
    model: &Model,
    analysis: &Analysis<'_>,
    policy: usize,
    direction: Direction,
    rule: &crate::Rule,
) -> (Vec<ClassId>, bool) {
    if direction == Direction::Ingress {
        return (analysis_selected(model, analysis, policy), false);
    }
    let Some(peers) = &rule.peers else {
        return (
            (0..model.classes.len())
                .filter(|&c| !model.classes[c].host_network)
                .collect(),
            false,
        );
    };
    let mut out = Vec::new();
    for i in 0..peers.len() {
        out.extend_from_slice(analysis.peer_classes(policy, direction, rule.index, i));
    }
    let external_only = peers.iter().all(|p| matches!(p, Peer::IpBlock { .. }));
    (out, external_only)
}

/// The classes a policy selects.
fn analysis_selected(model: &Model, analysis: &Analysis<'_>, policy: usize) -> Vec<ClassId> {
    (0..model.classes.len())
        .filter(|&c| {
            analysis.selecting(c, Direction::Ingress).contains(&policy)
                || analysis.selecting(c, Direction::Egress).contains(&policy)
        })
        .collect()
}
