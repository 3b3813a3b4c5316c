//! The `network` family: segmentation weaknesses found by the engine.
//!
//! Every rule is a `Check::Inventory` over the kinds the model reads
//! ([`KINDS`](crate::KINDS)), and builds the [`Model`] from them. Each
//! rule file documents its check; the helpers here find where to report.

use kubeward_core::{Inventory, InventorySink, RuleDef};

use crate::model::{Model, Site};

mod cross_environment;
mod egress_blocks_dns;
mod egress_to_internet;
mod ingress_from_anywhere;
mod no_default_deny_egress;
mod no_default_deny_ingress;
mod policy_invalid;
mod policy_selects_nothing;
mod sensitive_reachable;
mod unresolvable_named_port;
mod workload_not_selected;

pub(crate) mod environment;
pub(crate) mod sensitive;

/// Every rule of the family, most severe first.
pub static RULES: &[&RuleDef] = &[
    &sensitive_reachable::RULE,
    &cross_environment::RULE,
    &policy_invalid::RULE,
    &no_default_deny_ingress::RULE,
    &workload_not_selected::RULE,
    &ingress_from_anywhere::RULE,
    &unresolvable_named_port::RULE,
    &no_default_deny_egress::RULE,
    &egress_to_internet::RULE,
    &egress_blocks_dns::RULE,
    &policy_selects_nothing::RULE,
];

/// Reports a finding at `site`.
pub(crate) fn report(
    inventory: &Inventory,
    sink: &mut InventorySink<'_>,
    site: &Site,
    message: String,
) {
    if let Some(object) = inventory.objects().get(site.object) {
        sink.report(object, site.pos, site.path.clone(), message);
    }
}

/// Where to report about a namespace: its Namespace object, else the
/// first workload in it. `None` when it has neither.
pub(crate) fn namespace_site(model: &Model, namespace: usize) -> Option<Site> {
    if let Some(site) = &model.namespaces[namespace].declared {
        return Some(site.clone());
    }
    model
        .workloads
        .iter()
        .find(|w| w.namespace == namespace && !model.classes[w.class].host_network)
        .map(|w| w.site.clone())
}

/// `Kind name` of a workload for messages.
pub(crate) fn describe_workload(model: &Model, workload: usize) -> String {
    let w = &model.workloads[workload];
    format!("{} {}", w.kind, w.name)
}

/// The namespaces that hold workloads or are declared, and have no
/// NetworkPolicy that selects every pod (`podSelector: {}`) for
/// `direction`.
pub(crate) fn without_default_deny(model: &Model, direction: crate::Direction) -> Vec<usize> {
    (0..model.namespaces.len())
        .filter(|&ns| {
            let has_pods = model
                .classes_in(ns)
                .iter()
                .any(|&c| !model.classes[c].host_network);
            has_pods || model.namespaces[ns].declared.is_some()
        })
        .filter(|&ns| {
            !model.policies_in(ns).iter().any(|&p| {
                let policy = &model.policies[p];
                let typed = match direction {
                    crate::Direction::Ingress => policy.types.ingress,
                    crate::Direction::Egress => policy.types.egress,
                };
                typed && policy.pod_selector.is_empty()
            })
        })
        .collect()
}

/// The rules of a policy's `direction` that match every address: no
/// peers at all, or an `ipBlock` that covers all of IPv4 or IPv6. Each
/// comes with where to report and what it matches, for messages.
pub(crate) fn open_rules(
    policy: &crate::NetworkPolicy,
    direction: crate::Direction,
) -> Vec<(&crate::Rule, Site, &'static str)> {
    let rules = match direction {
        crate::Direction::Ingress => &policy.ingress,
        crate::Direction::Egress => &policy.egress,
    };
    let base = |rule: &crate::Rule| format!("spec.{}[{}]", direction.field(), rule.index);
    let mut out = Vec::new();
    for rule in rules {
        let Some(peers) = &rule.peers else {
            let site = Site {
                object: policy.site.object,
                pos: rule.pos,
                path: base(rule),
            };
            out.push((
                rule,
                site,
                "every pod and every address (the rule has no peers)",
            ));
            continue;
        };
        for (i, peer) in peers.iter().enumerate() {
            if let crate::Peer::IpBlock { set, pos, .. } = peer {
                if set.covers_a_whole_family() {
                    let site = Site {
                        object: policy.site.object,
                        pos: *pos,
                        path: format!("{}.{}[{i}].ipBlock", base(rule), direction.peers_field()),
                    };
                    out.push((rule, site, "every address (the ipBlock is a /0 block)"));
                }
            }
        }
    }
    out
}
