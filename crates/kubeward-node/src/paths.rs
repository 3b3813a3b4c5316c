//! Resolution of the paths a program names to paths on the machine
//! kubeward runs on.

use std::path::{Path, PathBuf};

/// Turns paths as a program names them into paths kubeward can open.
#[derive(Clone, Debug)]
pub struct Resolver {
    /// The program's file system root: `/proc/PID/root` for a running
    /// process (which also reaches into a container's mounts), or the
    /// node root.
    base: PathBuf,
    /// The program's working directory, for relative paths, already under
    /// `base`.
    cwd: PathBuf,
}

impl Resolver {
    /// A resolver for files of a node whose root is `base`; relative paths
    /// count from that root.
    pub fn at(base: &Path) -> Self {
        Resolver {
            base: base.to_owned(),
            cwd: base.to_owned(),
        }
    }

    /// A resolver that opens relative paths in `cwd`, such as
    /// `/proc/PID/cwd`.
    pub fn with_cwd(base: &Path, cwd: &Path) -> Self {
        Resolver {
            base: base.to_owned(),
            cwd: cwd.to_owned(),
        }
    }

    /// The path to open for `path` as the program names it.
    pub fn resolve(&self, path: &str) -> PathBuf {
        let path = Path::new(path);
        if path.is_absolute() {
            join_under(&self.base, path)
        } else {
            self.cwd.join(path)
        }
    }
}

/// `path` (absolute) below `base`, which stands for `/`.
fn join_under(base: &Path, path: &Path) -> PathBuf {
    let relative = path.strip_prefix("/").unwrap_or(path);
    if relative.as_os_str().is_empty() {
        base.to_owned()
    } else {
        base.join(relative)
    }
}

/// Directories where installers put static pod manifests and config, and
/// where systemd units live, relative to the node root.
const INSTALLED_DIRS: [&str; 5] = [
    "etc/kubernetes/manifests",
    "etc/systemd/system",
    "lib/systemd/system",
    "usr/lib/systemd/system",
    "var/lib/rancher/rke2/agent/pod-manifests",
];

/// k3s and RKE2 config files, relative to the node root.
const INSTALLED_FILES: [&str; 2] = [
    "etc/rancher/k3s/config.yaml",
    "etc/rancher/rke2/config.yaml",
];

/// Programs whose units kubeward reads.
const UNIT_PROGRAMS: [&str; 9] = [
    "kube-apiserver",
    "kube-controller-manager",
    "kube-scheduler",
    "kubelet",
    "kube-proxy",
    "etcd",
    "k3s",
    "rke2-server",
    "rke2-agent",
];

/// Static pod manifests, the units (and their drop-ins) of components,
/// and k3s or RKE2 config files under `root`.
pub fn installed_files(root: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for dir in INSTALLED_DIRS {
        let Ok(entries) = std::fs::read_dir(root.join(dir)) else {
            continue;
        };
        let mut paths: Vec<PathBuf> = entries.flatten().map(|e| e.path()).collect();
        paths.sort();
        for path in paths {
            let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("");
            let manifest = dir.ends_with("manifests")
                && Path::new(name)
                    .extension()
                    .is_some_and(|e| e == "yaml" || e == "yml" || e == "json");
            let unit = UNIT_PROGRAMS
                .iter()
                .any(|program| name == format!("{program}.service"));
            let drop_ins = UNIT_PROGRAMS
                .iter()
                .any(|program| name == format!("{program}.service.d"));
            if manifest || unit {
                out.push(path);
            } else if drop_ins {
                let mut confs: Vec<PathBuf> = std::fs::read_dir(&path)
                    .into_iter()
                    .flatten()
                    .flatten()
                    .map(|e| e.path())
                    .collect();
                confs.sort();
                out.extend(confs);
            }
        }
    }
    for file in INSTALLED_FILES {
        let path = root.join(file);
        if path.is_file() {
            out.push(path);
        }
    }
    // `/lib` is often a link to `/usr/lib`: read each file once.
    let mut seen = Vec::new();
    out.retain(|path| {
        let real = std::fs::canonicalize(path).unwrap_or_else(|_| path.clone());
        if seen.contains(&real) {
            false
        } else {
            seen.push(real);
            true
        }
    });
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn absolute_paths_stay_under_base() {
        let resolver = Resolver::at(Path::new("/mnt/node"));
        assert_eq!(
            resolver.resolve("/etc/kubernetes/admin.conf"),
            Path::new("/mnt/node/etc/kubernetes/admin.conf")
        );
    }

    #[test]
    fn relative_paths_follow_cwd() {
        let resolver = Resolver::with_cwd(Path::new("/proc/7/root"), Path::new("/proc/7/cwd"));
        assert_eq!(
            resolver.resolve("etcd/member"),
            Path::new("/proc/7/cwd/etcd/member")
        );
    }
}
