//! The registry of every kubeward rule.
//!
//! Each rule lives in its own file with its documentation, metadata and
//! check; a family's `mod.rs` lists its rules, and [`all`] lists the
//! families. Rule ids are unique and stable: a test enforces both, and that
//! every rule's documentation has all of its sections.

use kubeward_core::RuleDef;

pub mod container;

/// Every rule, grouped by family.
pub fn all() -> impl Iterator<Item = &'static RuleDef> {
    kubeward_core::intake::RULES
        .iter()
        .chain(kubeward_pss::RULES)
        .chain(container::RULES)
        .copied()
}

/// The rule with this id.
pub fn find(id: &str) -> Option<&'static RuleDef> {
    all().find(|rule| rule.id == id)
}
