//! The registry of every kubeward rule.
//!
//! Each rule lives in its own file with its documentation, metadata and
//! check; a family's `mod.rs` lists its rules, and [`all`] lists the
//! families. Rule ids are unique and stable: a test enforces both, and that
//! every rule's documentation has all of its sections.

use kubeward_core::RuleDef;

mod cluster_scope;
pub mod container;
pub mod exposure;
pub mod runtime;
pub mod supply_chain;

/// Every rule, grouped by family.
pub fn all() -> impl Iterator<Item = &'static RuleDef> {
    kubeward_core::intake::RULES
        .iter()
        .chain(kubeward_pss::RULES)
        .chain(container::RULES)
        .chain(kubeward_rbac::RULES)
        .chain(kubeward_netpol::RULES)
        .chain(exposure::RULES)
        .chain(supply_chain::RULES)
        .chain(runtime::RULES)
        .chain(
            kubeward_components::RULES
                .iter()
                .flat_map(|family| family.iter()),
        )
        .copied()
}

/// The rule with this id.
pub fn find(id: &str) -> Option<&'static RuleDef> {
    all().find(|rule| rule.id == id)
}
