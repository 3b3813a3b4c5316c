use kubeward_core::{Check, Family, PodSpec, RuleStatus, Severity, Sink, declare_rule};

use super::host_path::{self, is_within};

declare_rule! {
    /// ## What it checks
    ///
    /// Every mount, by a container, init container or ephemeral container,
    /// of a hostPath volume whose host path is one of the sensitive paths
    /// below, lies under one, or contains one (a mount of `/var` contains
    /// `/var/lib/kubelet`). The path is the volume's `hostPath.path` joined
    /// with the mount's `subPath`, normalised: duplicate and trailing
    /// slashes, `.` and `..` are removed, and `/var/run` is read as `/run`.
    ///
    /// | host path | contains |
    /// |---|---|
    /// | `/` | the whole node |
    /// | `/etc` | host configuration, `/etc/shadow`, `/etc/kubernetes` credentials |
    /// | `/root`, `/home` | users' SSH keys, shell histories, cloud credentials |
    /// | `/proc`, `/sys` | every host process and kernel settings |
    /// | `/dev` | host devices, including disks |
    /// | `/boot`, `/lib/modules` | the kernel and its modules |
    /// | `/bin`, `/sbin`, `/lib`, `/lib64`, `/usr` | host binaries and libraries |
    /// | `/opt/cni` | CNI plugin binaries, which the node runs as root |
    /// | `/var/lib/kubelet` | every pod's volumes and Secrets, kubelet credentials |
    /// | `/var/lib/etcd` | the cluster's whole state, Secrets included |
    /// | `/var/lib/docker`, `/var/lib/containerd`, `/var/lib/containers` | every container's filesystem |
    /// | `/var/log` | every pod's logs |
    ///
    /// Container runtime sockets and `/run` are the
    /// `container-runtime-socket` rule's. A hostPath volume that no
    /// container mounts is not reported.
    ///
    /// ## Why it matters
    ///
    /// A container with these host paths can read the node's credentials
    /// and other pods' Secrets, and with write access it can change what
    /// the node runs as root: binaries, kernel modules, CNI plugins, or
    /// `/etc/kubernetes/manifests`. Either way the node, and often the
    /// cluster, is one step away. Even read-only access to `/var/log` has
    /// been used to read arbitrary host files through log symlinks.
    ///
    /// ## Failing example
    ///
    /// ```yaml
    /// apiVersion: apps/v1
    /// kind: DaemonSet
    /// metadata:
    ///   name: agent
    /// spec:
    ///   selector:
    ///     matchLabels: {app: agent}
    ///   template:
    ///     metadata:
    ///       labels: {app: agent}
    ///     spec:
    ///       containers:
    ///         - name: agent
    ///           image: registry.example.com/agent:1.0.0
    ///           volumeMounts:
    ///             - name: host-etc
    ///               mountPath: /host/etc
    ///               readOnly: true
    ///       volumes:
    ///         - name: host-etc
    ///           hostPath:
    ///             path: /etc/
    /// ```
    ///
    /// ## Fixed example
    ///
    /// ```yaml
    /// apiVersion: apps/v1
    /// kind: DaemonSet
    /// metadata:
    ///   name: agent
    /// spec:
    ///   selector:
    ///     matchLabels: {app: agent}
    ///   template:
    ///     metadata:
    ///       labels: {app: agent}
    ///     spec:
    ///       containers:
    ///         - name: agent
    ///           image: registry.example.com/agent:1.0.0
    ///           volumeMounts:
    ///             - name: config
    ///               mountPath: /etc/agent
    ///               readOnly: true
    ///       volumes:
    ///         - name: config
    ///           configMap:
    ///             name: agent-config
    /// ```
    ///
    /// ## Known limitations
    ///
    /// The list is not exhaustive. Paths are compared as written: a symbolic
    /// link on the node that leads into a sensitive path is not followed.
    /// A mount with `subPathExpr` is judged by the volume's path alone.
    /// Node agents (CSI drivers, log collectors, monitoring) need some of
    /// these paths; suppress their findings with a reason.
    ///
    /// ## References
    ///
    /// - CIS Kubernetes Benchmark 5.2.12: minimize the admission of HostPath volumes
    /// - NSA/CISA Kubernetes Hardening Guide, "Kubernetes Pod security": "Pod security enforcement"
    /// - kube-linter `sensitive-host-mounts`; kubescape C-0048 "HostPath mount"
    pub static RULE = {
        id: "host-path-sensitive",
        family: Family::Container,
        severity: Severity::High,
        summary: "Container mounts a sensitive host path",
        remediation: "Remove the hostPath volume, or narrow it to the one non-sensitive file or directory the container needs and mount it readOnly.",
        pss: None,
        recommended: true,
        status: RuleStatus::Stable,
        check: Check::PodSpec(check),
    };
}

/// Sensitive host paths and what they hold, for messages.
const SENSITIVE_PATHS: &[(&str, &str)] = &[
    ("/etc", "host configuration and credentials"),
    ("/root", "the root user's home directory"),
    ("/home", "users' home directories"),
    ("/proc", "every host process"),
    ("/sys", "kernel and device settings"),
    ("/dev", "host devices"),
    ("/boot", "the kernel and boot loader"),
    ("/lib/modules", "kernel modules"),
    ("/bin", "host binaries"),
    ("/sbin", "host binaries"),
    ("/lib", "host libraries"),
    ("/lib64", "host libraries"),
    ("/usr", "host binaries and libraries"),
    ("/opt/cni", "CNI plugin binaries"),
    (
        "/var/lib/kubelet",
        "pod volumes, Secrets and kubelet credentials",
    ),
    ("/var/lib/etcd", "the cluster's etcd data"),
    ("/var/lib/docker", "container filesystems"),
    ("/var/lib/containerd", "container filesystems"),
    ("/var/lib/containers", "container filesystems"),
    ("/var/log", "the logs of every pod"),
];

fn check(pod: &PodSpec<'_, '_, '_>, sink: &mut Sink<'_>) {
    for mount in host_path::host_path_mounts(pod) {
        let Some(path) = mount.effective_path() else {
            continue;
        };
        let Some(why) = sensitivity(&path) else {
            continue;
        };
        let mount_path = mount.mount.get_str("mountPath").unwrap_or("?");
        sink.report(
            mount.host_path_pos,
            mount.host_path_field(),
            format!(
                "{} mounts {} (volume \"{}\") at {mount_path}, which {why}; \
                 remove the hostPath volume or narrow it",
                mount.container.describe(),
                mount.describe_path(),
                mount.volume_name,
            ),
        )
        .in_container(&mount.container);
    }
}

/// Why a normalised host path is sensitive, as a clause for messages.
fn sensitivity(path: &str) -> Option<String> {
    if path == "/" {
        return Some("is the node's whole filesystem".to_owned());
    }
    for (sensitive, holds) in SENSITIVE_PATHS {
        if is_within(path, sensitive) {
            return Some(format!("gives access to {sensitive}: {holds}"));
        }
    }
    for (sensitive, holds) in SENSITIVE_PATHS {
        if is_within(sensitive, path) {
            return Some(format!("contains {sensitive}: {holds}"));
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sensitive_paths() {
        for path in [
            "/",
            "/etc",
            "/etc/kubernetes/pki",
            "/var",
            "/var/lib",
            "/opt",
            "/usr/local/bin",
        ] {
            assert!(sensitivity(path).is_some(), "{path}");
        }
        for path in [
            "/data",
            "/mnt/disks/ssd0",
            "/var/lib/app",
            "/run",
            "/srv/www",
            "/etcd-backup",
        ] {
            assert!(sensitivity(path).is_none(), "{path}");
        }
    }
}
