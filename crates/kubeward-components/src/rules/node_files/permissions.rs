use kubeward_core::{Check, Component, ComponentSink, Family, RuleStatus, Severity, declare_rule};

use crate::READER;
use kubeward_core::component::{ComponentFile, FileRole, FileState};

declare_rule! {
    /// ## What it checks
    ///
    /// The mode and owner of the files control-plane and node programs use, as
    /// `kubeward node` finds them: static pod manifests, systemd units,
    /// kubeconfigs (the administrator's `admin.conf` and `super-admin.conf`,
    /// the controller manager's, the scheduler's, the kubelet's and kube-
    /// proxy's), component config files, the PKI directory with its
    /// certificates and keys, CA bundles, etcd's data directory, the encryption
    /// provider config, static credential files, the audit policy and CNI
    /// configuration. Each must grant no more than its limit:
    ///
    /// | file | mode at most | owner |
    /// |---|---|---|
    /// | private keys, kubeconfigs, manifests, units, config files, encryption config, credential files, CNI config | 600 | root:root |
    /// | certificates, CA bundles, audit policy | 644 | root:root |
    /// | etcd data directory | 700 | etcd:etcd or root:root |
    /// | PKI directory | (not checked) | root:root |
    ///
    /// In a scan, the only mode known is one a configuration sets, such as
    /// k3s's `write-kubeconfig-mode`.
    ///
    /// ## Why it matters
    ///
    /// These files hold the cluster's keys and administrator credentials, or
    /// decide how the control plane starts. A user on the node who can read a
    /// key or kubeconfig becomes that identity, often cluster administrator;
    /// one who can write a manifest or unit runs code as root at the next
    /// restart. An encryption config readable by others gives away the keys
    /// that protect every Secret in etcd.
    ///
    /// ## Failing example
    ///
    /// ```yaml
    /// write-kubeconfig-mode: "0644"
    /// ```
    ///
    /// ## Fixed example
    ///
    /// ```yaml
    /// write-kubeconfig-mode: "0600"
    /// ```
    ///
    /// ## Known limitations
    ///
    /// Files are found from the running processes' flags and the usual kubeadm,
    /// k3s and RKE2 paths; a file named nowhere is not checked. Files that
    /// could not be examined are reported by `setting-undetermined`, never as
    /// passing. Group and world permissions are compared with the limit bit by
    /// bit, so 640 passes a 644 limit and 604 does not pass a 600 limit.
    ///
    /// The severity is medium, and rises for files anyone on the node can
    /// change: high for a world-writable file, critical for a world-writable
    /// private key, kubeconfig, encryption config or credential file. A file
    /// that several settings name is reported once, naming each setting.
    ///
    /// ## References
    ///
    /// - CIS Kubernetes Benchmark v1.12 1.1.1 to 1.1.21: control plane node configuration files
    /// - CIS Kubernetes Benchmark v1.12 4.1.1 to 4.1.10: worker node configuration files
    /// - Kubernetes PKI certificates and requirements (<https://kubernetes.io/docs/setup/best-practices/certificates/>)
    /// - NSA/CISA Kubernetes Hardening Guide: "Control plane hardening"
    pub static RULE = {
        id: "node-file-permissions",
        family: Family::NodeFiles,
        severity: Severity::Medium,
        summary: "Control-plane or node file is open to other users",
        remediation: "Restrict the file's mode (600 for keys, kubeconfigs and manifests, 644 for certificates) and make root (etcd for etcd's data) its owner.",
        pss: None,
        recommended: true,
        status: RuleStatus::Stable,
        check: Check::Component {
            reader: &READER,
            check,
        },
    };
}

fn check(component: &Component, sink: &mut ComponentSink<'_>) {
    let mut seen: Vec<&str> = Vec::new();
    for file in &component.files {
        if seen.contains(&file.path.as_str()) {
            continue;
        }
        seen.push(&file.path);
        // The same file may be named by several settings with different
        // roles; the strictest limit applies.
        let same: Vec<&ComponentFile> = component
            .files
            .iter()
            .filter(|other| other.path == file.path)
            .collect();
        let file = same
            .iter()
            .copied()
            .min_by_key(|f| limit_of(f.role).mode.unwrap_or(0o7777))
            .unwrap_or(file);
        let named_by = named_by(component, &file.path);
        let limit = limit_of(file.role);
        match &file.state {
            FileState::Stat(stat) => {
                if let Some(max) = limit.mode {
                    if stat.mode & !max != 0 {
                        report_mode(component, sink, file, stat.mode, max, &named_by);
                    }
                }
                let is_root = stat.uid == 0 && stat.gid == 0;
                let root_allowed = limit.owners.contains(&"root:root");
                if !(limit.owners.contains(&stat.owner().as_str()) || is_root && root_allowed) {
                    sink.report(
                        &file.location,
                        format!(
                            "{}: {} {}{named_by} is owned by {}; make {} its owner",
                            component.kind,
                            file.role.describe(),
                            file.path,
                            stat.owner(),
                            limit.owners[0]
                        ),
                    );
                }
            }
            FileState::DeclaredMode(mode) => {
                if let Some(max) = limit.mode {
                    if mode & !max != 0 {
                        report_mode(component, sink, file, *mode, max, &named_by);
                    }
                }
            }
            FileState::Missing | FileState::Unreadable(_) => {}
        }
    }
}

/// " (named by --cert-file and --peer-cert-file)" when more than one
/// setting of the component names `path`, else nothing.
fn named_by(component: &Component, path: &str) -> String {
    let names: Vec<String> = component
        .settings()
        .iter()
        .filter(|setting| setting.values.iter().any(|value| value == path))
        .map(|setting| format!("--{}", setting.name))
        .collect();
    match names.as_slice() {
        [] | [_] => String::new(),
        [first @ .., last] => format!(" (named by {} and {last})", first.join(", ")),
    }
}

/// Whether the file contains credentials or keys that give an identity or
/// decrypt Secrets.
fn contains_credentials(role: FileRole) -> bool {
    matches!(
        role,
        FileRole::PrivateKey
            | FileRole::AdminKubeconfig
            | FileRole::Kubeconfig
            | FileRole::CredentialFile
            | FileRole::EncryptionConfig
    )
}

fn report_mode(
    component: &Component,
    sink: &mut ComponentSink<'_>,
    file: &ComponentFile,
    mode: u32,
    max: u32,
    named_by: &str,
) {
    let content = match file.role {
        FileRole::EncryptionConfig => " (it holds the keys Secrets are encrypted with)",
        FileRole::PrivateKey | FileRole::AdminKubeconfig | FileRole::Kubeconfig => {
            " (it holds credentials)"
        }
        FileRole::CredentialFile => " (it holds static credentials)",
        _ => "",
    };
    let finding = sink.report(
        &file.location,
        format!(
            "{}: {} {}{named_by} has mode {mode:o}{content}; allow no more than {max:o}, as in `chmod {max:o} {}`",
            component.kind,
            file.role.describe(),
            file.path,
            file.path
        ),
    );
    // Anyone on the node can replace a world-writable file.
    if mode & 0o002 != 0 {
        finding.severity = if contains_credentials(file.role) {
            Severity::Critical
        } else {
            Severity::High
        };
    }
}

/// The most a file of a role may allow, and the owners it may have (the
/// first is the one to suggest).
struct Limit {
    mode: Option<u32>,
    owners: &'static [&'static str],
}

const ROOT: &[&str] = &["root:root"];

fn limit_of(role: FileRole) -> Limit {
    let mode = match role {
        FileRole::Certificate | FileRole::CertificateAuthority | FileRole::AuditPolicy => {
            Some(0o644)
        }
        FileRole::DataDirectory => Some(0o700),
        FileRole::PkiDirectory => None,
        _ => Some(0o600),
    };
    let owners = match role {
        FileRole::DataDirectory => &["etcd:etcd", "root:root"][..],
        _ => ROOT,
    };
    Limit { mode, owners }
}
