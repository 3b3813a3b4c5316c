//! hostPath volumes, the containers that mount them, and the host paths
//! that matter.
//!
//! Paths are compared after lexical normalisation (duplicate and trailing
//! slashes, `.` and `..` removed, as Go's `path.Clean` does) and with
//! `/var/run` read as `/run`, which it links to on current Linux
//! distributions. The API server rejects `..` in `hostPath.path`, but a
//! manifest scan runs before the API server validates anything.

use kubeward_core::yaml::{NodeRef, Pos};
use kubeward_core::{Container, PodSpec};

/// One container's mount of a hostPath volume.
#[derive(Debug)]
pub(crate) struct HostPathMount<'p, 'd, 'a> {
    pub container: Container<'p, 'd, 'a>,
    /// The `volumeMounts` item.
    pub mount: NodeRef<'d, 'a>,
    pub mount_index: usize,
    pub volume_name: &'d str,
    pub volume_index: usize,
    /// `hostPath.path` as written.
    pub host_path: &'d str,
    /// Position of the `path` key of `hostPath`.
    pub host_path_pos: Pos,
    /// The mount's `subPath`, when it has one.
    pub sub_path: Option<&'d str>,
}

impl HostPathMount<'_, '_, '_> {
    /// The field path of `hostPath.path`, such as
    /// `spec.volumes[0].hostPath.path`.
    pub fn host_path_field(&self) -> String {
        self.container
            .pod
            .path(&format!("volumes[{}].hostPath.path", self.volume_index))
    }

    /// The host path the container sees at its mount point, normalised:
    /// `hostPath.path` joined with the mount's `subPath`. `None` for a path
    /// that is not absolute, such as a Windows path.
    pub fn effective_path(&self) -> Option<String> {
        let joined = match self.sub_path {
            Some(sub_path) => format!("{}/{sub_path}", self.host_path),
            None => self.host_path.to_owned(),
        };
        normalize(&joined)
    }

    /// "host path \"/etc\"" or "host path \"/\" with subPath \"etc\"", for
    /// messages.
    pub fn describe_path(&self) -> String {
        match self.sub_path {
            Some(sub_path) => format!(
                "host path \"{}\" with subPath \"{sub_path}\"",
                self.host_path
            ),
            None => format!("host path \"{}\"", self.host_path),
        }
    }
}

/// Every mount of a hostPath volume by any container of the pod spec, in
/// container order. A `subPathExpr` is ignored, so the whole volume counts.
pub(crate) fn host_path_mounts<'p, 'd, 'a>(
    pod: &'p PodSpec<'p, 'd, 'a>,
) -> Vec<HostPathMount<'p, 'd, 'a>> {
    let volumes: Vec<(usize, &'d str, &'d str, Pos)> = pod
        .volumes()
        .filter_map(|(index, volume)| {
            let name = volume.get_str("name")?;
            let path_entry = volume.get("hostPath")?.entry("path")?;
            let path = path_entry.value.as_str()?;
            Some((index, name, path, path_entry.key.pos()))
        })
        .collect();
    if volumes.is_empty() {
        return Vec::new();
    }

    let mut out = Vec::new();
    for container in pod.containers() {
        let mounts = container.node.get("volumeMounts");
        for (mount_index, mount) in mounts.iter().flat_map(NodeRef::items).enumerate() {
            let Some(mount_name) = mount.get_str("name") else {
                continue;
            };
            let Some(&(volume_index, volume_name, host_path, host_path_pos)) =
                volumes.iter().find(|(_, name, _, _)| *name == mount_name)
            else {
                continue;
            };
            out.push(HostPathMount {
                container: container.clone(),
                mount,
                mount_index,
                volume_name,
                volume_index,
                host_path,
                host_path_pos,
                sub_path: mount.get_str("subPath").filter(|s| !s.is_empty()),
            });
        }
    }
    out
}

/// Normalises an absolute path lexically and reads `/var/run` as `/run`.
/// Returns `None` for a path that does not start with `/`.
pub(crate) fn normalize(path: &str) -> Option<String> {
    if !path.starts_with('/') {
        return None;
    }
    let mut parts: Vec<&str> = Vec::new();
    for part in path.split('/') {
        match part {
            "" | "." => {}
            ".." => {
                parts.pop();
            }
            _ => parts.push(part),
        }
    }
    if parts.len() >= 2 && parts[0] == "var" && parts[1] == "run" {
        parts.remove(0);
    }
    Some(format!("/{}", parts.join("/")))
}

/// Whether normalised `path` is `base` or lies below it.
pub(crate) fn is_within(path: &str, base: &str) -> bool {
    base == "/"
        || path == base
        || path
            .strip_prefix(base)
            .is_some_and(|rest| rest.starts_with('/'))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normalization() {
        let cases = [
            ("/", "/"),
            ("//", "/"),
            ("/etc/", "/etc"),
            ("/etc//kubernetes/", "/etc/kubernetes"),
            ("/./etc/.", "/etc"),
            ("/data/../etc", "/etc"),
            ("/../../etc", "/etc"),
            ("/var/run/docker.sock", "/run/docker.sock"),
            ("/var/run", "/run"),
            ("/var/./run/", "/run"),
            ("/var/runner", "/var/runner"),
            ("/var/lib/..", "/var"),
        ];
        for (input, expected) in cases {
            assert_eq!(normalize(input).as_deref(), Some(expected), "{input}");
        }
        assert_eq!(normalize("etc"), None);
        assert_eq!(normalize("C:\\Windows"), None);
        assert_eq!(normalize(""), None);
    }

    #[test]
    fn within() {
        assert!(is_within("/etc", "/etc"));
        assert!(is_within("/etc/kubernetes", "/etc"));
        assert!(is_within("/anything", "/"));
        assert!(is_within("/", "/"));
        assert!(!is_within("/etcetera", "/etc"));
        assert!(!is_within("/", "/etc"));
    }
}
