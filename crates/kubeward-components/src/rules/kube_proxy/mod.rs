//! The `kube-proxy` family: kube-proxy's exposed endpoints.

mod metrics_bind_address;

use kubeward_core::RuleDef;

/// The family's rules.
pub const RULES: &[&RuleDef] = &[&metrics_bind_address::RULE];
