//! The `encryption` family: whether and how Secrets are encrypted at rest.

mod identity_first;
mod not_configured;
mod provider_strength;
mod secrets_not_covered;

use kubeward_core::RuleDef;

/// The family's rules.
pub const RULES: &[&RuleDef] = &[
    &identity_first::RULE,
    &not_configured::RULE,
    &provider_strength::RULE,
    &secrets_not_covered::RULE,
];
