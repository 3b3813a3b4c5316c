//! Component inputs kubeward could not read, and inputs the programs
//! reject.

mod rejected;
mod undetermined;

use kubeward_core::RuleDef;

/// The family's rules.
pub const RULES: &[&RuleDef] = &[&undetermined::RULE, &rejected::RULE];
