//! The files a component uses, with their mode and owner.

use std::collections::HashMap;
use std::os::unix::fs::MetadataExt;
use std::path::Path;

use kubeward_core::component::{ComponentFile, FileRole, FileStat, FileState};
use kubeward_core::yaml::Pos;
use kubeward_core::{Component, ComponentKind, Location};

use crate::paths::Resolver;
use crate::process::describe_io;

/// Settings that name files, with what each file is.
const NAMED_FILES: &[(ComponentKind, &str, FileRole)] = &[
    (
        ComponentKind::ApiServer,
        "tls-cert-file",
        FileRole::Certificate,
    ),
    (
        ComponentKind::ApiServer,
        "tls-private-key-file",
        FileRole::PrivateKey,
    ),
    (
        ComponentKind::ApiServer,
        "client-ca-file",
        FileRole::CertificateAuthority,
    ),
    (
        ComponentKind::ApiServer,
        "etcd-cafile",
        FileRole::CertificateAuthority,
    ),
    (
        ComponentKind::ApiServer,
        "etcd-certfile",
        FileRole::Certificate,
    ),
    (
        ComponentKind::ApiServer,
        "etcd-keyfile",
        FileRole::PrivateKey,
    ),
    (
        ComponentKind::ApiServer,
        "kubelet-client-certificate",
        FileRole::Certificate,
    ),
    (
        ComponentKind::ApiServer,
        "kubelet-client-key",
        FileRole::PrivateKey,
    ),
    (
        ComponentKind::ApiServer,
        "kubelet-certificate-authority",
        FileRole::CertificateAuthority,
    ),
    (
        ComponentKind::ApiServer,
        "service-account-key-file",
        FileRole::Certificate,
    ),
    (
        ComponentKind::ApiServer,
        "service-account-signing-key-file",
        FileRole::PrivateKey,
    ),
    (
        ComponentKind::ApiServer,
        "encryption-provider-config",
        FileRole::EncryptionConfig,
    ),
    (
        ComponentKind::ApiServer,
        "audit-policy-file",
        FileRole::AuditPolicy,
    ),
    (
        ComponentKind::ApiServer,
        "token-auth-file",
        FileRole::CredentialFile,
    ),
    (
        ComponentKind::ApiServer,
        "basic-auth-file",
        FileRole::CredentialFile,
    ),
    (ComponentKind::Etcd, "cert-file", FileRole::Certificate),
    (ComponentKind::Etcd, "key-file", FileRole::PrivateKey),
    (
        ComponentKind::Etcd,
        "trusted-ca-file",
        FileRole::CertificateAuthority,
    ),
    (ComponentKind::Etcd, "peer-cert-file", FileRole::Certificate),
    (ComponentKind::Etcd, "peer-key-file", FileRole::PrivateKey),
    (
        ComponentKind::Etcd,
        "peer-trusted-ca-file",
        FileRole::CertificateAuthority,
    ),
    (ComponentKind::Etcd, "data-dir", FileRole::DataDirectory),
    (ComponentKind::Etcd, "config-file", FileRole::ConfigFile),
    (ComponentKind::Kubelet, "kubeconfig", FileRole::Kubeconfig),
    (ComponentKind::Kubelet, "config", FileRole::ConfigFile),
    (
        ComponentKind::Kubelet,
        "client-ca-file",
        FileRole::CertificateAuthority,
    ),
    (
        ComponentKind::Kubelet,
        "tls-cert-file",
        FileRole::Certificate,
    ),
    (
        ComponentKind::Kubelet,
        "tls-private-key-file",
        FileRole::PrivateKey,
    ),
    (
        ComponentKind::ControllerManager,
        "kubeconfig",
        FileRole::Kubeconfig,
    ),
    (
        ComponentKind::ControllerManager,
        "service-account-private-key-file",
        FileRole::PrivateKey,
    ),
    (
        ComponentKind::ControllerManager,
        "root-ca-file",
        FileRole::CertificateAuthority,
    ),
    (ComponentKind::Scheduler, "kubeconfig", FileRole::Kubeconfig),
    (ComponentKind::Scheduler, "config", FileRole::ConfigFile),
    (ComponentKind::KubeProxy, "kubeconfig", FileRole::Kubeconfig),
    (ComponentKind::KubeProxy, "config", FileRole::ConfigFile),
];

/// Files at the places kubeadm and the distribution packages put them,
/// checked when they exist.
const USUAL_FILES: &[(ComponentKind, &str, FileRole)] = &[
    (
        ComponentKind::ApiServer,
        "/etc/kubernetes/manifests/kube-apiserver.yaml",
        FileRole::StaticPodManifest,
    ),
    (
        ComponentKind::ApiServer,
        "/etc/kubernetes/admin.conf",
        FileRole::AdminKubeconfig,
    ),
    (
        ComponentKind::ApiServer,
        "/etc/kubernetes/super-admin.conf",
        FileRole::AdminKubeconfig,
    ),
    (
        ComponentKind::ApiServer,
        "/etc/kubernetes/pki",
        FileRole::PkiDirectory,
    ),
    (
        ComponentKind::ControllerManager,
        "/etc/kubernetes/manifests/kube-controller-manager.yaml",
        FileRole::StaticPodManifest,
    ),
    (
        ComponentKind::ControllerManager,
        "/etc/kubernetes/controller-manager.conf",
        FileRole::Kubeconfig,
    ),
    (
        ComponentKind::Scheduler,
        "/etc/kubernetes/manifests/kube-scheduler.yaml",
        FileRole::StaticPodManifest,
    ),
    (
        ComponentKind::Scheduler,
        "/etc/kubernetes/scheduler.conf",
        FileRole::Kubeconfig,
    ),
    (
        ComponentKind::Etcd,
        "/etc/kubernetes/manifests/etcd.yaml",
        FileRole::StaticPodManifest,
    ),
    (
        ComponentKind::Kubelet,
        "/etc/systemd/system/kubelet.service.d/10-kubeadm.conf",
        FileRole::ServiceUnit,
    ),
    (
        ComponentKind::Kubelet,
        "/usr/lib/systemd/system/kubelet.service.d/10-kubeadm.conf",
        FileRole::ServiceUnit,
    ),
    (
        ComponentKind::Kubelet,
        "/lib/systemd/system/kubelet.service",
        FileRole::ServiceUnit,
    ),
    (
        ComponentKind::Kubelet,
        "/etc/systemd/system/kubelet.service",
        FileRole::ServiceUnit,
    ),
    (
        ComponentKind::Kubelet,
        "/etc/cni/net.d",
        FileRole::CniConfig,
    ),
];

/// User and group names from the node's `/etc/passwd` and `/etc/group`.
#[derive(Debug, Default)]
pub struct UserDb {
    users: HashMap<u32, String>,
    groups: HashMap<u32, String>,
}

impl UserDb {
    /// Reads the databases under `root`. A missing database gives no names.
    pub fn read(root: &Path) -> Self {
        UserDb {
            users: read_ids(&root.join("etc/passwd")),
            groups: read_ids(&root.join("etc/group")),
        }
    }
}

/// `name:x:id:...` lines as id to name.
fn read_ids(path: &Path) -> HashMap<u32, String> {
    let text = std::fs::read_to_string(path).unwrap_or_default();
    text.lines()
        .filter_map(|line| {
            let mut fields = line.split(':');
            let name = fields.next()?;
            let id = fields.nth(1)?.parse().ok()?;
            Some((id, name.to_owned()))
        })
        .collect()
}

/// Adds the files the component's settings name, and the usual files of
/// its kind that exist, with their state.
pub fn add_files(component: &mut Component, resolver: &Resolver, users: &UserDb) {
    let mut files = Vec::new();
    for (kind, name, role) in NAMED_FILES {
        if *kind != component.kind {
            continue;
        }
        let Some(setting) = component.setting(name) else {
            continue;
        };
        let value = setting.value();
        if value.is_empty() {
            continue;
        }
        let state = stat(&resolver.resolve(&value), users);
        files.push(file(*role, value, state, setting.location.clone()));
    }
    for (kind, path, role) in USUAL_FILES {
        if *kind != component.kind || files.iter().any(|f: &ComponentFile| f.path == *path) {
            continue;
        }
        let on_disk = resolver.resolve(path);
        let state = stat(&on_disk, users);
        if state == FileState::Missing {
            continue;
        }
        let location = Location::bare(crate::display(&on_disk), Pos::default(), "file");
        if *role == FileRole::PkiDirectory || *role == FileRole::CniConfig {
            add_directory_files(&mut files, &on_disk, path, *role, users);
        }
        // The CNI directory's own mode is not limited, only its files'.
        if *role != FileRole::CniConfig {
            files.push(file(*role, (*path).to_owned(), state, location));
        }
    }
    component.files.extend(files);
}

/// Adds the certificates and keys in a PKI directory, or the files of the
/// CNI config directory.
fn add_directory_files(
    files: &mut Vec<ComponentFile>,
    dir: &Path,
    named: &str,
    role: FileRole,
    users: &UserDb,
) {
    let mut entries: Vec<_> = std::fs::read_dir(dir)
        .into_iter()
        .flatten()
        .flatten()
        .map(|e| e.path())
        .collect();
    entries.sort();
    for path in entries {
        let Some(name) = path.file_name().and_then(|n| n.to_str()) else {
            continue;
        };
        let extension = Path::new(name)
            .extension()
            .and_then(|e| e.to_str())
            .map(str::to_ascii_lowercase);
        let file_role = match (role, extension.as_deref()) {
            (FileRole::CniConfig, _) => FileRole::CniConfig,
            (_, Some("key")) => FileRole::PrivateKey,
            (_, Some("crt" | "pem" | "pub")) => FileRole::Certificate,
            _ => continue,
        };
        let state = stat(&path, users);
        if matches!(&state, FileState::Stat(stat) if stat.is_dir) {
            continue;
        }
        let location = Location::bare(crate::display(&path), Pos::default(), "file");
        files.push(file(file_role, format!("{named}/{name}"), state, location));
    }
}

fn file(role: FileRole, path: String, state: FileState, location: Location) -> ComponentFile {
    ComponentFile {
        role,
        path,
        state,
        location,
    }
}

/// Reads the mode and owner of `path`, following symbolic links.
pub fn stat(path: &Path, users: &UserDb) -> FileState {
    match std::fs::metadata(path) {
        Ok(meta) => FileState::Stat(FileStat {
            mode: meta.mode() & 0o7777,
            uid: meta.uid(),
            gid: meta.gid(),
            user: users.users.get(&meta.uid()).cloned(),
            group: users.groups.get(&meta.gid()).cloned(),
            is_dir: meta.is_dir(),
        }),
        Err(err) if err.kind() == std::io::ErrorKind::NotFound => FileState::Missing,
        Err(err) => FileState::Unreadable(describe_io(&err)),
    }
}
