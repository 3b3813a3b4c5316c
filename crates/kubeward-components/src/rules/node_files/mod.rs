//! The `node-files` family: modes and owners of the files control-plane and node programs use.

mod permissions;

use kubeward_core::RuleDef;

/// The family's rules.
pub const RULES: &[&RuleDef] = &[&permissions::RULE];
