//! The `audit` family: audit backends, retention and policy content.

mod log_path;
mod log_retention;
mod no_catch_all;
mod policy_file;
mod secrets_logged;

use kubeward_core::RuleDef;

/// The family's rules.
pub const RULES: &[&RuleDef] = &[
    &log_path::RULE,
    &log_retention::RULE,
    &no_catch_all::RULE,
    &policy_file::RULE,
    &secrets_logged::RULE,
];
