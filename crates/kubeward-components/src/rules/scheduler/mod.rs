//! The `scheduler` family: kube-scheduler's profiling and exposure.

mod bind_address;
mod profiling;

use kubeward_core::RuleDef;

/// The family's rules.
pub const RULES: &[&RuleDef] = &[&bind_address::RULE, &profiling::RULE];
