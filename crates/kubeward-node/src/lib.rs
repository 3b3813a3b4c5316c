//! Reads a Kubernetes node: the control-plane and node programs running on
//! it (found through `/proc`, so kubeadm, k3s, RKE2 and hand-made systemd
//! installs all count), the config files they name, and the mode and owner
//! of the files they use. The result is a list of
//! [`Component`](kubeward_core::Component)s that the component rules check,
//! plus the API server's own config files for the object rules.
//!
//! Every input that cannot be read is recorded as such: a config file that
//! is missing or unreadable leaves its settings undetermined, a file whose
//! mode cannot be read is [`FileState::Unreadable`](kubeward_core::component::FileState),
//! and process-table problems become warnings. Nothing unread counts as
//! passing.
//!
//! This crate does the IO; `kubeward-components` parses and merges.

mod files;
mod installed;
mod paths;
mod process;

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use kubeward_core::component::{FileState, SettingSource};
use kubeward_core::{Component, Warning};

pub use installed::expand_specifiers;
pub use paths::Resolver;

/// The inputs of a node audit.
#[derive(Clone, Debug)]
pub struct NodeOptions {
    /// The node's file system root: `/` on a live node, or a mounted image
    /// or test tree.
    pub root: PathBuf,
    /// The process table to read programs from, such as `/proc`; `None`
    /// reads no processes.
    pub proc_dir: Option<PathBuf>,
    /// Only these process ids, when not empty.
    pub pids: Vec<u32>,
    /// Saved command lines (NUL-separated as in `/proc/PID/cmdline`, or
    /// shell words), read as processes whose files are under `root`.
    pub command_lines: Vec<PathBuf>,
}

/// A file the API server reads that object rules check: its
/// EncryptionConfiguration, audit Policy, AdmissionConfiguration or
/// AuthorizationConfiguration.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ReferencedFile {
    /// The path as the API server names it.
    pub name: String,
    /// The path kubeward opens: under the node root, or under
    /// `/proc/PID/root` for a running process.
    pub path: PathBuf,
}

/// The components, config files and problems found on a node.
#[derive(Debug, Default)]
pub struct NodeAudit {
    pub components: Vec<Component>,
    /// Config files of the API server, to scan as Kubernetes objects.
    pub referenced: Vec<ReferencedFile>,
    /// Static pod manifests, systemd units and k3s or RKE2 config files
    /// found under the root when no running component was read, to scan
    /// as a `kubeward scan` would.
    pub installed: Vec<PathBuf>,
    /// Static pod manifests read as components when no running component
    /// was found, to check with the object rules too.
    pub manifests: Vec<PathBuf>,
    /// Inputs asked for that could not be read, such as a process given
    /// with `--pid` that does not exist, as (input, reason).
    pub failed: Vec<(String, String)>,
    /// The files read or examined: command lines, units, manifests,
    /// environment files, config files, and the files whose mode and owner
    /// were read.
    pub files_read: BTreeSet<PathBuf>,
    pub warnings: Vec<Warning>,
}

/// Settings of the API server that name config files for object rules.
const REFERENCED_SETTINGS: [&str; 4] = [
    "encryption-provider-config",
    "audit-policy-file",
    "admission-control-config-file",
    "authorization-config",
];

/// Reads the node.
pub fn audit(options: &NodeOptions) -> NodeAudit {
    let mut out = NodeAudit::default();
    let users = files::UserDb::read(&options.root);
    if !process::running_as_root() {
        out.warnings.push(warning(
            "kubeward is not running as root: files and processes only root can read are \
             reported as undetermined, not as passing",
        ));
    }
    let mut found: Vec<(Component, Resolver)> = Vec::new();
    if let Some(proc_dir) = &options.proc_dir {
        process::read_processes(proc_dir, options, &mut found, &mut out);
    } else if !options.pids.is_empty() {
        out.failed.push((
            "--pid".to_owned(),
            "no process table to read processes from; give --proc".to_owned(),
        ));
    }
    for path in &options.command_lines {
        process::read_saved(path, options, &mut found, &mut out.warnings);
    }
    // With no running component (and no process asked for by id), the
    // components installed under the root are what the node runs.
    if found.is_empty() && options.pids.is_empty() {
        let installed = paths::installed_files(&options.root);
        out.installed = installed::read(
            &options.root,
            &installed,
            &mut found,
            &mut out.warnings,
            &mut out.files_read,
            &mut out.manifests,
        );
        if found.is_empty() && out.installed.is_empty() && out.manifests.is_empty() {
            out.warnings.push(warning(&format!(
                "found no running component and no static pod manifest, systemd unit or \
                 k3s or RKE2 config under {}; nothing was checked",
                options.root.display()
            )));
        }
    }
    for (mut component, resolver) in found {
        files::add_files(&mut component, &resolver, &users);
        for file in &component.files {
            if matches!(file.state, FileState::Stat(_)) {
                out.files_read.insert(resolver.resolve(&file.path));
            }
        }
        for setting in component.settings() {
            if let SettingSource::ConfigFile { path, .. } = &setting.source {
                out.files_read.insert(resolver.resolve(path));
            }
        }
        for name in REFERENCED_SETTINGS {
            let Some(setting) = component.setting(name) else {
                continue;
            };
            let value = setting.value();
            if value.is_empty() {
                continue;
            }
            let path = resolver.resolve(&value);
            if path.is_file() {
                out.referenced.push(ReferencedFile { name: value, path });
            }
        }
        out.components.push(component);
    }
    out
}

fn warning(message: &str) -> Warning {
    Warning {
        file: Arc::from("kubeward node"),
        line: None,
        message: message.to_owned(),
    }
}

/// Formats `path` for messages and finding locations.
fn display(path: &Path) -> Arc<str> {
    Arc::from(path.display().to_string())
}
