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
    /// | file | mode at most | owner | |---|---|---| | private keys,
    /// kubeconfigs, manifests, units, config files, encryption config,
    /// credential files, CNI config | 600 | root:root | | certificates, CA
    /// bundles, audit policy | 644 | root:root | | etcd data directory | 700 |
    /// etcd:etcd or root:root | | PKI directory | (not checked) | root:root |
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
    for file in &component.files {
        let limit = limit_of(file.role);
        match &file.state {
            FileState::Stat(stat) => {
                if let Some(max) = limit.mode {
                    if stat.mode & !max != 0 {
                        report_mode(component, sink, file, stat.mode, max);
                    }
                }
                // uid and gid 0 are root whatever the node's user database
                // calls them.
                let is_root = stat.uid == 0 && stat.gid == 0;
                let root_allowed = limit.owners.contains(&"root:root");
                if !(limit.owners.contains(&stat.owner().as_str()) || is_root && root_allowed) {
                    sink.report(
                        &file.location,
                        format!(
                            "{}: {} {} is owned by {}; make {} its owner",
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
                        report_mode(component, sink, file, *mode, max);
                    }
                }
            }
            FileState::Missing | FileState::Unreadable(_) => {}
        }
    }
}

fn report_mode(
    component: &Component,
    sink: &mut ComponentSink<'_>,
    file: &ComponentFile,
    mode: u32,
    max: u32,
) {
    let content = match file.role {
        FileRole::EncryptionConfig => " (it holds the keys Secrets are encrypted with)",
        FileRole::PrivateKey | FileRole::AdminKubeconfig | FileRole::Kubeconfig => {
            " (it holds credentials)"
        }
        FileRole::CredentialFile => " (it holds static credentials)",
        _ => "",
    };
    sink.report(
        &file.location,
        format!(
            "{}: {} {} has mode {mode:o}{content}; allow no more than {max:o}, as in `chmod {max:o} {}`",
            component.kind,
            file.role.describe(),
            file.path,
            file.path
        ),
    );
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
