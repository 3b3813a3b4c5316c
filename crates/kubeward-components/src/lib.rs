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
        || has_userinfo(text)
}

/// `text` with the password of every URL's userinfo replaced by `***`:
/// `http://admin:secret@host` becomes `http://admin:***@host`, and a
/// userinfo with no password (often a token) becomes `***`. Component
/// messages and quoted lines pass through it, so a URL never prints its
/// credentials.
pub fn mask_userinfo(text: &str) -> std::borrow::Cow<'_, str> {
    if !text.contains("://") || !text.contains('@') {
        return std::borrow::Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(at) = rest.find("://") {
        let (head, tail) = rest.split_at(at + 3);
        out.push_str(head);
        let authority_end = tail
            .find(|c: char| {
                matches!(
                    c,
                    '/' | '?' | '#' | ',' | ';' | '"' | '\'' | '`' | ')' | ']'
                ) || c.is_whitespace()
            })
            .unwrap_or(tail.len());
        let authority = &tail[..authority_end];
        match authority.rfind('@') {
            Some(userinfo_end) => {
                let userinfo = &authority[..userinfo_end];
                match userinfo.split_once(':') {
                    Some((user, _)) => {
                        out.push_str(user);
                        out.push_str(":***");
                    }
                    None => out.push_str("***"),
                }
                out.push_str(&authority[userinfo_end..]);
            }
            None => out.push_str(authority),
        }
        rest = &tail[authority_end..];
    }
    out.push_str(rest);
    std::borrow::Cow::Owned(out)
}

/// Whether `text` holds a URL with credentials in its userinfo.
pub fn has_userinfo(text: &str) -> bool {
    mask_userinfo(text) != text
}

#[cfg(test)]
mod tests {
    use super::{mask_userinfo, may_hold_secret};

    #[test]
    fn url_passwords_are_masked() {
        assert_eq!(
            mask_userinfo("--etcd-servers=http://admin:PASSWORD@10.0.0.1:2379"),
            "--etcd-servers=http://admin:***@10.0.0.1:2379"
        );
        assert_eq!(
            mask_userinfo("http://a:b@h1:2379,https://tok@h2/x?y=1"),
            "http://a:***@h1:2379,https://***@h2/x?y=1"
        );
        assert_eq!(
            mask_userinfo("https://127.0.0.1:2379 user@example.com"),
            "https://127.0.0.1:2379 user@example.com"
        );
        assert_eq!(mask_userinfo("no url here"), "no url here");
    }

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
