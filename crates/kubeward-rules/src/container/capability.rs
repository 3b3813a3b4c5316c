//! Linux capability names as written in
//! `securityContext.capabilities.add` and `drop`.
//!
//! Kubernetes stores the names as given. containerd (`pkg/cri/opts`) and
//! CRI-O compare `ALL` case-insensitively, and containerd turns every other
//! name into `"CAP_" + upper-case(name)`, so `sys_admin` works but
//! `CAP_SYS_ADMIN` becomes the unknown `CAP_CAP_SYS_ADMIN`. The Pod Security
//! admission controller compares names exactly as written.

use kubeward_core::Container;
use kubeward_core::yaml::NodeRef;

/// The way a capability name differs from the canonical spelling, which
/// is upper case without a `CAP_` prefix (`SYS_ADMIN`, `ALL`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Spelling {
    Canonical,
    /// Lower or mixed case, such as `all` or `Sys_Admin`.
    NotUpperCase,
    /// A `CAP_` prefix in any case, such as `CAP_SYS_ADMIN`.
    CapPrefix,
}

/// The spelling of a capability name.
pub(crate) fn spelling(name: &str) -> Spelling {
    if name.len() >= 4 && name[..4].eq_ignore_ascii_case("CAP_") {
        Spelling::CapPrefix
    } else if name.bytes().any(|b| b.is_ascii_lowercase()) {
        Spelling::NotUpperCase
    } else {
        Spelling::Canonical
    }
}

/// The name the way detection compares it: upper case, without a leading
/// `CAP_`. `cap_sys_admin`, `Sys_Admin` and `SYS_ADMIN` all give
/// `SYS_ADMIN`.
pub(crate) fn normalize(name: &str) -> String {
    let upper = name.to_ascii_uppercase();
    match upper.strip_prefix("CAP_") {
        Some(rest) => rest.to_owned(),
        None => upper,
    }
}

/// Whether a `drop` entry drops every capability at runtime: `ALL` in any
/// case. `CAP_ALL` does not, because containerd turns it into
/// `CAP_CAP_ALL`.
pub(crate) fn is_drop_all(name: &str) -> bool {
    name.eq_ignore_ascii_case("ALL")
}

/// The container's `securityContext.capabilities` mapping.
pub(crate) fn capabilities<'d, 'a>(container: &Container<'_, 'd, 'a>) -> Option<NodeRef<'d, 'a>> {
    container
        .security_context()?
        .get("capabilities")
        .filter(NodeRef::is_map)
}

/// The string items of a capability list (`add` or `drop`) with their
/// index and node. Items of other types are skipped.
pub(crate) fn names<'d, 'a>(
    list: Option<NodeRef<'d, 'a>>,
) -> impl Iterator<Item = (usize, NodeRef<'d, 'a>, &'d str)> + use<'d, 'a> {
    list.into_iter()
        .flat_map(|list| list.items())
        .enumerate()
        .filter_map(|(index, node)| Some((index, node, node.as_str()?)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spellings() {
        assert_eq!(spelling("ALL"), Spelling::Canonical);
        assert_eq!(spelling("NET_BIND_SERVICE"), Spelling::Canonical);
        assert_eq!(spelling("all"), Spelling::NotUpperCase);
        assert_eq!(spelling("All"), Spelling::NotUpperCase);
        assert_eq!(spelling("Sys_Admin"), Spelling::NotUpperCase);
        assert_eq!(spelling("CAP_SYS_ADMIN"), Spelling::CapPrefix);
        assert_eq!(spelling("cap_sys_admin"), Spelling::CapPrefix);
        assert_eq!(spelling("CAP"), Spelling::Canonical);
    }

    #[test]
    fn normalization() {
        assert_eq!(normalize("SYS_ADMIN"), "SYS_ADMIN");
        assert_eq!(normalize("sys_admin"), "SYS_ADMIN");
        assert_eq!(normalize("Cap_Sys_Admin"), "SYS_ADMIN");
        assert_eq!(normalize("all"), "ALL");
        assert_eq!(normalize("café"), "CAFé");
    }

    #[test]
    fn drop_all_spellings() {
        assert!(is_drop_all("ALL"));
        assert!(is_drop_all("all"));
        assert!(is_drop_all("All"));
        assert!(!is_drop_all("CAP_ALL"));
        assert!(!is_drop_all("NET_RAW"));
    }
}
