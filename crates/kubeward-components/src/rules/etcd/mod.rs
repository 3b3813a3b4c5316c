//! The `etcd` family: TLS and client certificates for etcd's clients and peers, a CA of
//! etcd's own, and plain HTTP exposure.

mod auto_tls;
mod client_cert_auth;
mod client_tls;
mod peer_auto_tls;
mod peer_client_cert_auth;
mod peer_tls;
mod plain_http_listen;
mod shared_ca;

use kubeward_core::RuleDef;

/// The family's rules.
pub const RULES: &[&RuleDef] = &[
    &auto_tls::RULE,
    &client_cert_auth::RULE,
    &client_tls::RULE,
    &peer_auto_tls::RULE,
    &peer_client_cert_auth::RULE,
    &peer_tls::RULE,
    &plain_http_listen::RULE,
    &shared_ca::RULE,
];
