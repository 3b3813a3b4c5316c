//! The `api-server` family: kube-apiserver's authentication, authorization, admission, TLS and etcd client settings.

mod always_admit;
mod always_pull_images;
mod anonymous_auth;
mod anonymous_bindings;
mod authorization_always_allow;
mod authorization_node;
mod authorization_rbac;
mod client_ca;
mod deny_service_external_ips;
mod etcd_ca;
mod etcd_client_cert;
mod etcd_plain_http;
mod event_rate_limit;
mod extend_token_expiration;
mod insecure_port;
mod kubelet_certificate_authority;
mod kubelet_client_cert;
mod namespace_lifecycle;
mod node_restriction;
mod profiling;
mod service_account_key_file;
mod service_account_lookup;
mod service_account_plugin;
mod static_credentials;
mod tls_cert;
mod tls_cipher_suites;

use kubeward_core::RuleDef;

/// The family's rules.
pub const RULES: &[&RuleDef] = &[
    &always_admit::RULE,
    &always_pull_images::RULE,
    &anonymous_auth::RULE,
    &anonymous_bindings::RULE,
    &authorization_always_allow::RULE,
    &authorization_node::RULE,
    &authorization_rbac::RULE,
    &client_ca::RULE,
    &deny_service_external_ips::RULE,
    &etcd_ca::RULE,
    &etcd_client_cert::RULE,
    &etcd_plain_http::RULE,
    &event_rate_limit::RULE,
    &extend_token_expiration::RULE,
    &insecure_port::RULE,
    &kubelet_certificate_authority::RULE,
    &kubelet_client_cert::RULE,
    &namespace_lifecycle::RULE,
    &node_restriction::RULE,
    &profiling::RULE,
    &service_account_key_file::RULE,
    &service_account_lookup::RULE,
    &service_account_plugin::RULE,
    &static_credentials::RULE,
    &tls_cert::RULE,
    &tls_cipher_suites::RULE,
];
