//! Control-plane components: how kube-apiserver, etcd, the kubelet,
//! kube-controller-manager, kube-scheduler and kube-proxy are configured,
//! and the rules that check them.
//!
//! - [`flags`]: command lines parsed the way pflag and Go's `flag` package
//!   parse them.
//! - [`spec`]: each program's settings, their types and version defaults.
//! - [`build`]: the merge of defaults, installer arguments, config file,
//!   environment and flags into a [`Component`](kubeward_core::Component).
//! - [`source`]: static pods, kubeadm and kind configurations, systemd
//!   units, saved command lines, k3s and RKE2 configuration, component
//!   configuration objects.
//! - [`config`]: the files the API server reads: EncryptionConfiguration,
//!   audit Policy, AdmissionConfiguration, AuthorizationConfiguration.
//! - [`evaluate`]: CIS benchmark test items (flag set, compare operators,
//!   config paths) over command lines and config files.
//! - [`rules`]: the `api-server`, `etcd`, `kubelet`, `controller-manager`,
//!   `scheduler`, `kube-proxy`, `encryption`, `audit` and `node-files`
//!   families.
//!
//! Nothing here does IO; `kubeward-node` reads the files of a node.

pub mod build;
pub mod config;
pub mod evaluate;
pub mod flags;
mod reader;
pub mod rules;
pub mod source;
pub mod spec;
pub mod version;

pub use reader::{READER, from_object, from_text};
pub use rules::RULES;

/// Whether a line or argument may hold a credential, so it is never quoted
/// in output: k3s tokens, datastore URLs with passwords, and environment
/// assignments of tokens, secrets and passwords.
pub fn may_hold_secret(text: &str) -> bool {
    let lower = text.to_ascii_lowercase();
    [
        "token=",
        "token:",
        "token \"",
        "secret",
        "password",
        "datastore-endpoint",
    ]
    .iter()
    .any(|marker| lower.contains(marker))
        || lower.contains("token ") && !lower.contains("token-auth")
}

#[cfg(test)]
mod tests {
    use super::may_hold_secret;

    #[test]
    fn credentials_are_hidden() {
        assert!(may_hold_secret("--token=K10abc"));
        assert!(may_hold_secret("token: abc"));
        assert!(may_hold_secret("Environment=K3S_TOKEN=abc"));
        assert!(may_hold_secret("--datastore-endpoint=postgres://u:p@h/db"));
        assert!(!may_hold_secret(
            "--token-auth-file=/etc/kubernetes/token.csv"
        ));
        assert!(!may_hold_secret("--enable-bootstrap-token-auth=true"));
        assert!(!may_hold_secret("--profiling=false"));
    }
}
