//! The ways out of a workload's pods for code running in them. A
//! privileged container, the host's process namespace or a host path
//! leads to the node, and the host paths of etcd's data lead to etcd.

use kubeward_core::yaml::{NodeRef, Pos};
use kubeward_core::{PodSpec, StoredObject};

use crate::graph::Target;

/// One way out of the pod, with the field that opens it.
#[derive(Clone, Debug)]
pub struct Breakout {
    pub target: Target,
    pub reason: String,
    pub pos: Pos,
    pub path: String,
    pub rule: &'static str,
}

/// Host paths that hold etcd's data or its client and peer certificates.
const ETCD_PATHS: &[&str] = &["/var/lib/etcd", "/etc/kubernetes/pki/etcd"];

/// Host paths whose contents take over the node even through a read-only
/// mount: the container runtimes' sockets and the kubelet's and
/// kubeadm's credentials.
const NODE_SECRETS: &[&str] = &[
    "/var/run/docker.sock",
    "/run/docker.sock",
    "/var/run/containerd",
    "/run/containerd",
    "/var/run/crio",
    "/run/crio",
    "/var/run/cri-dockerd.sock",
    "/var/lib/kubelet",
    "/etc/kubernetes",
    "/root",
];

/// Host paths from which a container takes over the node when it can
/// write: the system directories, and the kubelet's and container
/// runtimes' state.
const NODE_WRITABLE: &[&str] = &[
    "/etc",
    "/home",
    "/bin",
    "/sbin",
    "/usr",
    "/lib",
    "/boot",
    "/var/lib/docker",
    "/var/lib/containerd",
    "/var/log",
];

/// Reads the ways out of the pods of `object`, when it carries a pod spec.
pub fn breakouts(object: &StoredObject) -> Vec<Breakout> {
    object
        .with_object(|view| PodSpec::of(view).map(|pod| read(&pod)))
        .unwrap_or_default()
}

fn read(pod: &PodSpec<'_, '_, '_>) -> Vec<Breakout> {
    let mut out = Vec::new();
    for container in pod.containers() {
        let Some(context) = container.security_context() else {
            continue;
        };
        if let Some(entry) = context.entry("privileged") {
            if entry.value.as_bool() == Some(true) {
                out.push(Breakout {
                    target: Target::Node,
                    reason: format!(
                        "{} is privileged, so it can mount the node's disks and load kernel \
                         modules",
                        container.describe()
                    ),
                    pos: entry.key.pos(),
                    path: container.path("securityContext.privileged"),
                    rule: "pss-privileged",
                });
            }
        }
    }
    if let Some(entry) = pod.spec.entry("hostPID") {
        if entry.value.as_bool() == Some(true) {
            out.push(Breakout {
                target: Target::Node,
                reason: "the pods share the node's process namespace (hostPID), so a root \
                         process in them can enter every process of the node"
                    .to_owned(),
                pos: entry.key.pos(),
                path: pod.path("hostPID"),
                rule: "pss-host-namespaces",
            });
        }
    }
    let writable = writable_volumes(pod);
    for (index, volume) in pod.volumes() {
        let name = volume.get_str("name").unwrap_or("");
        host_path(pod, index, volume, writable.contains(&name), &mut out);
    }
    out
}

/// Lists the volumes some container mounts without `readOnly`.
fn writable_volumes<'d>(pod: &PodSpec<'_, 'd, '_>) -> Vec<&'d str> {
    let mut out = Vec::new();
    for container in pod.containers() {
        let Some(mounts) = container.node.get("volumeMounts") else {
            continue;
        };
        for mount in mounts.items() {
            if mount.get_bool("readOnly") != Some(true) {
                out.extend(mount.get_str("name"));
            }
        }
    }
    out
}

fn host_path(
    pod: &PodSpec<'_, '_, '_>,
    index: usize,
    volume: NodeRef<'_, '_>,
    writable: bool,
    out: &mut Vec<Breakout>,
) {
    let Some(entry) = volume.entry("hostPath") else {
        return;
    };
    let Some(path) = entry.value.get_str("path") else {
        return;
    };
    let path = path.trim_end_matches('/');
    let path = if path.is_empty() { "/" } else { path };
    let field = pod.path(&format!("volumes[{index}].hostPath"));
    if ETCD_PATHS.iter().any(|p| overlaps(path, p)) {
        out.push(Breakout {
            target: Target::Etcd,
            reason: format!(
                "the pods mount the node's {path} (volumes[{index}]), which holds etcd's data \
                 or its certificates on a control-plane node"
            ),
            pos: entry.key.pos(),
            path: field.clone(),
            rule: "host-path-sensitive",
        });
    }
    let secret = NODE_SECRETS.iter().any(|p| overlaps(path, p));
    if secret || (writable && NODE_WRITABLE.iter().any(|p| overlaps(path, p))) {
        let how = if secret {
            "which holds a container runtime socket or node credentials"
        } else {
            "writable, which lets a container change the node's system files"
        };
        out.push(Breakout {
            target: Target::Node,
            reason: format!("the pods mount the node's {path} (volumes[{index}]), {how}"),
            pos: entry.key.pos(),
            path: field,
            rule: "pss-host-path-volumes",
        });
    }
}

/// Returns whether a mount of `path` covers `dir` or lies inside it.
fn overlaps(path: &str, dir: &str) -> bool {
    path == "/" || within(path, dir) || within(dir, path)
}

/// Returns whether `path` is `dir` or below it.
fn within(path: &str, dir: &str) -> bool {
    if dir == "/" {
        return path == "/";
    }
    path == dir
        || path
            .strip_prefix(dir)
            .is_some_and(|rest| rest.starts_with('/'))
}

#[cfg(test)]
mod tests {
    use super::{overlaps, within};

    #[test]
    fn within_directories() {
        assert!(within("/", "/"));
        assert!(!within("/etc", "/"));
        assert!(within("/etc/kubernetes/pki", "/etc"));
        assert!(!within("/etcd", "/etc"));
        assert!(within("/var/run/docker.sock", "/var/run"));
        assert!(!within("/data", "/var/lib/etcd"));
    }

    #[test]
    fn overlapping_mounts() {
        assert!(overlaps("/", "/var/lib/etcd"));
        assert!(overlaps("/var/lib", "/var/lib/etcd"));
        assert!(overlaps("/etc/kubernetes/pki", "/etc/kubernetes/pki/etcd"));
        assert!(!overlaps(
            "/etc/kubernetes/konnectivity-server",
            "/etc/kubernetes/pki/etcd"
        ));
        assert!(!overlaps("/etc/ssl/certs", "/etc/kubernetes"));
    }
}
