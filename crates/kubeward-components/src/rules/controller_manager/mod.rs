//! The `controller-manager` family: kube-controller-manager's credentials, certificates and exposure.

mod bind_address;
mod kubelet_server_cert_rotation;
mod profiling;
mod root_ca;
mod service_account_credentials;
mod service_account_private_key;
mod terminated_pod_gc;

use kubeward_core::RuleDef;

/// The family's rules.
pub const RULES: &[&RuleDef] = &[
    &bind_address::RULE,
    &kubelet_server_cert_rotation::RULE,
    &profiling::RULE,
    &root_ca::RULE,
    &service_account_credentials::RULE,
    &service_account_private_key::RULE,
    &terminated_pod_gc::RULE,
];
