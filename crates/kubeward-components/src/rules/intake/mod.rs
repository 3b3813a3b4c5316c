//! Component inputs kubeward could not read.

mod undetermined;

use kubeward_core::RuleDef;

/// The family's rules.
pub const RULES: &[&RuleDef] = &[&undetermined::RULE];
