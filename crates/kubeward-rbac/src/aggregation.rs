//! Aggregated ClusterRoles: the rules the clusterrole-aggregation
//! controller of kube-controller-manager writes into a ClusterRole that
//! has an `aggregationRule`.
//!
//! The controller (`pkg/controller/clusterroleaggregation`, Kubernetes
//! v1.34) replaces the role's `rules` with the rules of every ClusterRole
//! that one of its `clusterRoleSelectors` selects, selector by selector
//! and role by role in name order, skipping the role itself and rules
//! already collected. It reads the selected roles' current rules, so
//! aggregated roles that select other aggregated roles (`admin` selects
//! `edit`, which selects `view`) end up with the rules of the whole chain.
//! The rules written in the manifest are discarded. When a selector is
//! invalid the controller stops, and the written rules stay.
//!
//! kubeward computes the state the controller converges to: starting from
//! no rules for every aggregated role, it repeats the controller's pass
//! until nothing changes.

use std::collections::HashSet;

use crate::model::{Role, RoleKind};
use crate::policy::{RoleId, RuleRef};

/// The rules each role grants, by role id.
pub fn effective_rules(roles: &[Role<'_>]) -> Vec<Vec<RuleRef>> {
    let mut effective: Vec<Vec<RuleRef>> = roles
        .iter()
        .enumerate()
        .map(|(role, r)| {
            (0..r.rules.len())
                .map(|rule| RuleRef { role, rule })
                .collect()
        })
        .collect();
    let mut by_name: Vec<RoleId> = (0..roles.len())
        .filter(|&id| roles[id].kind == RoleKind::ClusterRole)
        .collect();
    by_name.sort_by_key(|&id| roles[id].name);

    // The roles each aggregated role selects, in the controller's order.
    let mut aggregated: Vec<(RoleId, Vec<RoleId>)> = Vec::new();
    for &id in &by_name {
        let Some(aggregation) = &roles[id].aggregation else {
            continue;
        };
        if aggregation.selectors.iter().any(|s| !s.valid) {
            continue;
        }
        let mut sources = Vec::new();
        for selector in &aggregation.selectors {
            for &candidate in &by_name {
                if candidate != id && selector.matches(&roles[candidate].labels) {
                    sources.push(candidate);
                }
            }
        }
        effective[id].clear();
        aggregated.push((id, sources));
    }

    // Each pass can only add rules, so the passes end. A chain of N
    // aggregated roles needs at most N passes to reach its end.
    for _ in 0..=aggregated.len() {
        let mut changed = false;
        for (id, sources) in &aggregated {
            let mut collected: Vec<RuleRef> = Vec::new();
            let mut seen = HashSet::new();
            for &source in sources {
                for &candidate in &effective[source] {
                    let rule = &roles[candidate.role].rules[candidate.rule];
                    if seen.insert(rule.content()) {
                        collected.push(candidate);
                    }
                }
            }
            if collected != effective[*id] {
                effective[*id] = collected;
                changed = true;
            }
        }
        if !changed {
            break;
        }
    }
    effective
}
