//! The `kubelet` family: the kubelet's authentication, authorization, ports, certificates and node hardening.

mod anonymous_auth;
mod authorization_mode;
mod client_ca;
mod hostname_override;
mod iptables_util_chains;
mod pod_pids_limit;
mod protect_kernel_defaults;
mod read_only_port;
mod rotate_certificates;
mod seccomp_default;
mod server_cert_rotation;
mod streaming_idle_timeout;
mod tls_cert;
mod tls_cipher_suites;

use kubeward_core::RuleDef;

/// The family's rules.
pub const RULES: &[&RuleDef] = &[
    &anonymous_auth::RULE,
    &authorization_mode::RULE,
    &client_ca::RULE,
    &hostname_override::RULE,
    &iptables_util_chains::RULE,
    &pod_pids_limit::RULE,
    &protect_kernel_defaults::RULE,
    &read_only_port::RULE,
    &rotate_certificates::RULE,
    &seccomp_default::RULE,
    &server_cert_rotation::RULE,
    &streaming_idle_timeout::RULE,
    &tls_cert::RULE,
    &tls_cipher_suites::RULE,
];
