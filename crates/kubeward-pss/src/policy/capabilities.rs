//! Linux capability names as the capability checks compare them.
//!
//! The admission controller compares capability names as exact strings:
//! `sys_admin`, `Sys_Admin` and `CAP_SYS_ADMIN` are three names, none of
//! them `SYS_ADMIN`. Container runtimes are more lenient. containerd and
//! CRI-O upper-case each name and match `ALL` in any case, so a spelling
//! that the runtime honours can still fail admission. CRI-O also accepts a
//! `CAP_` prefix, but containerd adds its own, which turns `CAP_SYS_ADMIN`
//! into the unknown `CAP_CAP_SYS_ADMIN`. These helpers only word the hints
//! in messages, and the checks compare exactly.

/// The capabilities the baseline level lets a container add: the default
/// set that container runtimes grant anyway. Unchanged from v1.0 to v1.37.
const BASELINE_ALLOWED: [&str; 13] = [
    "AUDIT_WRITE",
    "CHOWN",
    "DAC_OVERRIDE",
    "FOWNER",
    "FSETID",
    "KILL",
    "MKNOD",
    "NET_BIND_SERVICE",
    "SETFCAP",
    "SETGID",
    "SETPCAP",
    "SETUID",
    "SYS_CHROOT",
];

/// The only capability the restricted level lets a container add.
pub(crate) const NET_BIND_SERVICE: &str = "NET_BIND_SERVICE";

/// The `drop` entry the restricted level requires.
pub(crate) const ALL: &str = "ALL";

/// Returns the name as runtimes read it: uppercase, without a `CAP_`
/// prefix.
pub(crate) fn runtime_name(name: &str) -> String {
    let upper = name.to_ascii_uppercase();
    match upper.strip_prefix("CAP_") {
        Some(rest) => rest.to_owned(),
        None => upper,
    }
}

/// Returns whether the baseline level lets a container add `name`,
/// compared exactly.
pub(crate) fn baseline_allows(name: &str) -> bool {
    BASELINE_ALLOWED.contains(&name)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn runtime_name_normalises_spelling() {
        assert_eq!(runtime_name("sys_admin"), "SYS_ADMIN");
        assert_eq!(runtime_name("CAP_SYS_ADMIN"), "SYS_ADMIN");
        assert_eq!(runtime_name("cap_chown"), "CHOWN");
        assert_eq!(runtime_name("ALL"), "ALL");
    }

    #[test]
    fn baseline_compares_exactly() {
        assert!(baseline_allows("CHOWN"));
        assert!(!baseline_allows("chown"));
        assert!(!baseline_allows("CAP_CHOWN"));
        assert!(!baseline_allows("NET_RAW"));
        assert!(!baseline_allows("ALL"));
    }
}
