//! The sysctls the baseline level allows, by the policy version that first
//! allows each.
//!
//! A sysctl is safe when the kernel namespaces it per pod and it cannot
//! affect other pods or the node. The list only ever grows: v1.27, v1.29,
//! v1.32 and v1.37 each added names.

/// Each safe sysctl with the minor version of the policy that first allows
/// it.
const SAFE: [(&str, u32); 14] = [
    ("kernel.shm_rmid_forced", 0),
    ("net.ipv4.ip_local_port_range", 0),
    ("net.ipv4.tcp_syncookies", 0),
    ("net.ipv4.ping_group_range", 0),
    ("net.ipv4.ip_unprivileged_port_start", 0),
    ("net.ipv4.ip_local_reserved_ports", 27),
    ("net.ipv4.tcp_keepalive_time", 29),
    ("net.ipv4.tcp_fin_timeout", 29),
    ("net.ipv4.tcp_keepalive_intvl", 29),
    ("net.ipv4.tcp_keepalive_probes", 29),
    ("net.ipv4.tcp_rmem", 32),
    ("net.ipv4.tcp_wmem", 32),
    ("net.ipv4.tcp_slow_start_after_idle", 37),
    ("net.ipv4.tcp_notsent_lowat", 37),
];

/// The minor version of the first policy that allows `name`, or `None`
/// when no version does. Names are compared exactly, as the admission
/// controller compares them, so the slash form `net/ipv4/tcp_rmem` is not
/// on the list.
pub(crate) fn allowed_since(name: &str) -> Option<u32> {
    SAFE.iter()
        .find(|(safe, _)| *safe == name)
        .map(|&(_, minor)| minor)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn versions_add_names() {
        assert_eq!(allowed_since("kernel.shm_rmid_forced"), Some(0));
        assert_eq!(allowed_since("net.ipv4.tcp_rmem"), Some(32));
        assert_eq!(allowed_since("kernel.msgmax"), None);
        assert_eq!(allowed_since("net.ipv4.tcp_notsent_lowat"), Some(37));
        assert_eq!(allowed_since("net/ipv4/tcp_rmem"), None);
    }
}
