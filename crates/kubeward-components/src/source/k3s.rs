//! k3s and RKE2 servers, configured by `/etc/rancher/{k3s,rke2}/config.yaml`
//! (keys named like the server's flags) and by `k3s server` / `rke2 server`
//! command-line flags, which win over the file.
//!
//! The server runs the control plane itself with its own arguments, and
//! `kube-apiserver-arg`, `kube-controller-manager-arg`, `kube-scheduler-arg`,
//! `kubelet-arg`, `etcd-arg` and `kube-proxy-arg` add `name=value`
//! arguments over them. The arguments below are those of k3s's
//! `pkg/daemons/control/server.go` and agent setup, restricted to what the
//! rules read; RKE2 passes the same for these settings.

use std::sync::Arc;

use kubeward_core::component::{ComponentFile, FileRole, FileState, SettingSource};
use kubeward_core::yaml::NodeRef;
use kubeward_core::{Component, ComponentKind, Location, Source};

use crate::build::{Sources, build};
use crate::flags::{Arg, FlagUse, program_name};

/// One setting of the server: a config key or flag, and its value.
#[derive(Clone, Debug)]
pub struct ServerSetting {
    pub key: String,
    pub value: String,
    pub location: Location,
}

/// Which distribution a server belongs to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Distribution {
    K3s,
    Rke2,
}

impl Distribution {
    pub fn name(self) -> &'static str {
        match self {
            Distribution::K3s => "k3s",
            Distribution::Rke2 => "rke2",
        }
    }

    /// The server's default config file.
    pub fn config_path(self) -> &'static str {
        match self {
            Distribution::K3s => "/etc/rancher/k3s/config.yaml",
            Distribution::Rke2 => "/etc/rancher/rke2/config.yaml",
        }
    }

    fn data_dir(self) -> &'static str {
        match self {
            Distribution::K3s => "/var/lib/rancher/k3s",
            Distribution::Rke2 => "/var/lib/rancher/rke2",
        }
    }

    fn admin_kubeconfig(self) -> &'static str {
        match self {
            Distribution::K3s => "/etc/rancher/k3s/k3s.yaml",
            Distribution::Rke2 => "/etc/rancher/rke2/rke2.yaml",
        }
    }
}

/// Keys that only k3s and RKE2 configuration files use, to tell such a
/// file from other YAML.
const SERVER_KEYS: &[&str] = &[
    "write-kubeconfig-mode",
    "kube-apiserver-arg",
    "kube-controller-manager-arg",
    "kube-scheduler-arg",
    "kubelet-arg",
    "etcd-arg",
    "kube-proxy-arg",
    "cluster-init",
    "secrets-encryption",
    "tls-san",
    "datastore-endpoint",
    "protect-kernel-defaults",
    "etcd-expose-metrics",
    "flannel-backend",
    "disable-network-policy",
];

/// Flags of the server that take no value.
const SERVER_BOOLS: &[&str] = &[
    "cluster-init",
    "secrets-encryption",
    "protect-kernel-defaults",
    "etcd-expose-metrics",
    "disable-network-policy",
    "disable-cloud-controller",
    "disable-kube-proxy",
    "disable-scheduler",
    "disable-apiserver",
    "disable-controller-manager",
    "disable-etcd",
    "selinux",
    "debug",
];

/// The index of the first argument after `k3s server` or `rke2 server`.
pub fn server_command(args: &[Arg]) -> Option<usize> {
    let program = program_name(&args.first()?.text);
    if !matches!(program, "k3s" | "rke2") {
        return None;
    }
    (args.get(1)?.text == "server").then_some(2)
}

fn distribution_of(args: &[Arg]) -> Distribution {
    match args.first().map(|a| program_name(&a.text)) {
        Some("rke2") => Distribution::Rke2,
        _ => Distribution::K3s,
    }
}

/// The components of a `k3s server` command line whose flags start at
/// `start`. The config file the server also reads is not among the
/// inputs, so settings it may hold stay unknown.
pub fn from_command(start: usize, args: &[Arg], label: &str) -> Vec<Component> {
    let distribution = distribution_of(args);
    let config = distribution.config_path();
    from_command_and_config(
        start,
        args,
        label,
        ServerConfig::Unavailable {
            path: config.to_owned(),
            reason: format!(
                "{} reads it besides its flags; it is not among the scanned files, so scan it \
                 too or run `kubeward node` on the server",
                distribution.name()
            ),
        },
    )
}

/// What is known of the config file a k3s or RKE2 server reads.
#[derive(Clone, Debug)]
pub enum ServerConfig {
    /// The file does not exist, so the server runs on its flags alone.
    Absent,
    /// The settings the file holds.
    Read(Vec<ServerSetting>),
    /// The file could not be read, so settings it may hold are unknown.
    Unavailable { path: String, reason: String },
}

/// The config file a `k3s server` or `rke2 server` command line reads:
/// the one its `--config` flag names, or the distribution's default.
pub fn config_path_of(start: usize, args: &[Arg]) -> String {
    command_settings(start, args)
        .iter()
        .rev()
        .find(|s| s.key == "config" || s.key == "c")
        .map_or_else(
            || distribution_of(args).config_path().to_owned(),
            |s| s.value.clone(),
        )
}

/// The components of a `k3s server` command line whose flags start at
/// `start`, with the server's config file as far as it is known. The
/// server turns the file's keys into flags placed before its own, so a
/// flag wins over the file for a single value, and list values such as
/// `kube-apiserver-arg` from both are passed, the file's first.
pub fn from_command_and_config(
    start: usize,
    args: &[Arg],
    label: &str,
    config: ServerConfig,
) -> Vec<Component> {
    let distribution = distribution_of(args);
    let anchor = args[0].location.clone();
    let mut settings = Vec::new();
    let mut unresolved = Vec::new();
    match config {
        ServerConfig::Absent => {}
        ServerConfig::Read(from_file) => settings = from_file,
        ServerConfig::Unavailable { path, reason } => {
            unresolved.push((format!("config file {path}"), reason, anchor.clone()));
        }
    }
    settings.extend(command_settings(start, args));
    components(
        distribution,
        &settings,
        &format!("{} server ({label})", distribution.name()),
        &anchor,
        &unresolved,
    )
}

/// The settings the flags of a server command line give.
fn command_settings(start: usize, args: &[Arg]) -> Vec<ServerSetting> {
    let mut settings = Vec::new();
    let mut index = start;
    while index < args.len() {
        let arg = &args[index];
        index += 1;
        let Some(body) = arg
            .text
            .strip_prefix("--")
            .or_else(|| arg.text.strip_prefix('-'))
        else {
            continue;
        };
        let (key, value) = match body.split_once('=') {
            Some((key, value)) => (key.to_owned(), value.to_owned()),
            None if SERVER_BOOLS.contains(&body) => (body.to_owned(), "true".to_owned()),
            None => match args.get(index) {
                Some(next) => {
                    index += 1;
                    (body.to_owned(), next.text.clone())
                }
                None => (body.to_owned(), String::new()),
            },
        };
        settings.push(ServerSetting {
            key,
            value,
            location: arg.location.clone(),
        });
    }
    settings
}

/// Reads the settings of a server's config file, YAML whatever its name,
/// as `file` names it. Returns why the text cannot be read when it does not
/// parse or contains no mapping.
pub fn read_config_file(file: &Arc<str>, text: &str) -> Result<Vec<ServerSetting>, String> {
    let chunks = kubeward_core::yaml::split_documents(text);
    let Some(chunk) = chunks.first() else {
        return Ok(Vec::new());
    };
    let parsed = kubeward_core::yaml::parse_document(*chunk);
    if let Some(error) = &parsed.error {
        return Err(format!(
            "invalid YAML at line {}, column {}: {}",
            error.pos.line, error.pos.col, error.message
        ));
    }
    let source = Source::new(file.clone(), chunk.text, chunk.first_line);
    match parsed
        .documents
        .first()
        .and_then(kubeward_yaml::Document::root)
    {
        None => Ok(Vec::new()),
        Some(root) if root.is_map() => Ok(document_settings(&source, root)),
        Some(_) => Err("the file contains no mapping of settings".to_owned()),
    }
}

/// The components of a k3s or RKE2 `config.yaml` document, or `None` when
/// `root` is no such document.
pub fn from_document(source: &Source<'_>, root: NodeRef<'_, '_>) -> Option<Vec<Component>> {
    if !root.is_map() || root.get("kind").is_some() || root.get("apiVersion").is_some() {
        return None;
    }
    let entries = root.entries();
    let is_server_config = entries.iter().any(|entry| {
        entry
            .key_str()
            .is_some_and(|key| SERVER_KEYS.contains(&key.trim_end_matches('+')))
    });
    if !is_server_config {
        return None;
    }
    let file: &Arc<str> = &source.file;
    let distribution = if file.contains("rke2") {
        Distribution::Rke2
    } else {
        Distribution::K3s
    };
    let settings = document_settings(source, root);
    let anchor = Location::in_source(source, root.pos(), "config", None);
    let label = format!(
        "{} server configured by {}",
        distribution.name(),
        source.file
    );
    Some(components(distribution, &settings, &label, &anchor, &[]))
}

/// The settings of a config document, each key with its values.
fn document_settings(source: &Source<'_>, root: NodeRef<'_, '_>) -> Vec<ServerSetting> {
    let mut settings = Vec::new();
    for entry in root.entries() {
        let Some(key) = entry.key_str() else {
            continue;
        };
        // Keys ending in `+` (in config.yaml.d files) add to a list.
        let key = key.trim_end_matches('+').to_owned();
        let items: Vec<NodeRef<'_, '_>> = if entry.value.is_seq() {
            entry.value.items().collect()
        } else {
            vec![entry.value]
        };
        for item in items {
            let Some(value) = scalar_as_written(source, item) else {
                continue;
            };
            let path = if crate::may_hold_secret(&format!("{key}=")) {
                key.clone()
            } else {
                format!("{key}: {value}")
            };
            let mut location = Location::in_source(source, item.pos(), path, None);
            if crate::may_hold_secret(&format!("{key}=")) {
                location.source_line = None;
            }
            settings.push(ServerSetting {
                key: key.clone(),
                value,
                location,
            });
        }
    }
    settings
}

/// A scalar's text; for an integer, the digits as written, so a mode such
/// as `0644` keeps its leading zero.
fn scalar_as_written(source: &Source<'_>, node: NodeRef<'_, '_>) -> Option<String> {
    if node.as_i64().is_some() {
        if let Some(line) = source.line_text(node.pos().line) {
            let digits: String = line
                .chars()
                .skip(node.pos().col.saturating_sub(1) as usize)
                .take_while(char::is_ascii_alphanumeric)
                .collect();
            if !digits.is_empty() {
                return Some(digits);
            }
        }
    }
    node.scalar_text().map(std::borrow::Cow::into_owned)
}

/// Adds the `--<component>-arg` values of `settings` as flags, each value
/// being `name=value` or a bare `name`.
fn push_component_args(sources: &mut Sources, settings: &[ServerSetting], arg_key: &str) {
    for setting in settings.iter().filter(|s| s.key == arg_key) {
        let (name, value) = match setting.value.split_once('=') {
            Some((name, value)) => (name, Some(value.to_owned())),
            None => (setting.value.as_str(), None),
        };
        let name = name.trim_start_matches('-');
        sources.flags.push((
            FlagUse {
                name: name.to_owned(),
                value,
                location: setting.location.clone(),
            },
            SettingSource::Flag,
        ));
    }
}

/// Builds the components a server with `settings` runs.
pub fn components(
    distribution: Distribution,
    settings: &[ServerSetting],
    label: &str,
    anchor: &Location,
    unresolved: &[(String, String, Location)],
) -> Vec<Component> {
    let has = |key: &str| settings.iter().any(|s| s.key == key);
    let value = |key: &str| settings.iter().rev().find(|s| s.key == key);
    let enabled = |key: &str| value(key).is_some_and(|s| s.value != "false");
    let datastore = value("datastore-endpoint");
    let embedded_etcd = datastore.is_none()
        && (distribution == Distribution::Rke2 || enabled("cluster-init") || has("etcd-arg"));
    let mut kinds = vec![
        (ComponentKind::ApiServer, "kube-apiserver-arg"),
        (
            ComponentKind::ControllerManager,
            "kube-controller-manager-arg",
        ),
        (ComponentKind::Scheduler, "kube-scheduler-arg"),
    ];
    if embedded_etcd {
        kinds.push((ComponentKind::Etcd, "etcd-arg"));
    }
    if has("kubelet-arg") || has("protect-kernel-defaults") {
        kinds.push((ComponentKind::Kubelet, "kubelet-arg"));
    }
    if has("kube-proxy-arg") {
        kinds.push((ComponentKind::KubeProxy, "kube-proxy-arg"));
    }
    let data = distribution.data_dir();
    let mut out = Vec::new();
    for (kind, arg_key) in kinds {
        let mut sources = Sources::new(kind, format!("{kind} of {label}"), anchor.clone());
        let mut installer = installer_args(kind, data, embedded_etcd);
        match kind {
            ComponentKind::ApiServer => {
                if enabled("secrets-encryption") {
                    installer.push((
                        "encryption-provider-config",
                        format!("{data}/server/cred/encryption-config.json"),
                    ));
                }
                if let Some(endpoint) = datastore {
                    installer.retain(|(name, _)| !name.starts_with("etcd-"));
                    installer.push(("etcd-servers", without_credentials(&endpoint.value)));
                    for (key, flag) in [
                        ("datastore-cafile", "etcd-cafile"),
                        ("datastore-certfile", "etcd-certfile"),
                        ("datastore-keyfile", "etcd-keyfile"),
                    ] {
                        if let Some(setting) = value(key) {
                            installer.push((flag, setting.value.clone()));
                        }
                    }
                }
                if let Some(mode) = value("write-kubeconfig-mode") {
                    if let Ok(bits) = u32::from_str_radix(mode.value.trim_start_matches("0o"), 8) {
                        sources.files.push(ComponentFile {
                            role: FileRole::AdminKubeconfig,
                            path: distribution.admin_kubeconfig().to_owned(),
                            state: FileState::DeclaredMode(bits),
                            location: mode.location.clone(),
                        });
                    }
                }
            }
            ComponentKind::Kubelet => {
                if let Some(setting) = value("protect-kernel-defaults") {
                    let flag = FlagUse {
                        name: "protect-kernel-defaults".into(),
                        value: Some(setting.value.clone()),
                        location: setting.location.clone(),
                    };
                    sources.flags.push((flag, SettingSource::Flag));
                }
            }
            _ => {}
        }
        for (name, value) in installer {
            let flag = FlagUse {
                name: name.to_owned(),
                value: Some(value),
                location: anchor.clone(),
            };
            sources
                .flags
                .push((flag, SettingSource::Installer(distribution.name())));
        }
        push_component_args(&mut sources, settings, arg_key);
        sources.unresolved = unresolved.to_vec();
        out.push(build(sources));
    }
    out
}

/// The arguments the server passes to `kind` before any `*-arg` value.
fn installer_args(
    kind: ComponentKind,
    data: &str,
    embedded_etcd: bool,
) -> Vec<(&'static str, String)> {
    let tls = format!("{data}/server/tls");
    let agent = format!("{data}/agent");
    match kind {
        ComponentKind::ApiServer => {
            let mut args = vec![
                ("allow-privileged", "true".to_owned()),
                ("anonymous-auth", "false".to_owned()),
                ("authorization-mode", "Node,RBAC".to_owned()),
                ("bind-address", "127.0.0.1".to_owned()),
                ("client-ca-file", format!("{tls}/client-ca.crt")),
                ("enable-admission-plugins", "NodeRestriction".to_owned()),
                (
                    "kubelet-certificate-authority",
                    format!("{tls}/server-ca.crt"),
                ),
                (
                    "kubelet-client-certificate",
                    format!("{tls}/client-kube-apiserver.crt"),
                ),
                (
                    "kubelet-client-key",
                    format!("{tls}/client-kube-apiserver.key"),
                ),
                ("profiling", "false".to_owned()),
                ("service-account-key-file", format!("{tls}/service.key")),
                ("tls-cert-file", format!("{tls}/serving-kube-apiserver.crt")),
                (
                    "tls-private-key-file",
                    format!("{tls}/serving-kube-apiserver.key"),
                ),
            ];
            if embedded_etcd {
                args.extend([
                    ("etcd-servers", "https://127.0.0.1:2379".to_owned()),
                    ("etcd-cafile", format!("{tls}/etcd/server-ca.crt")),
                    ("etcd-certfile", format!("{tls}/etcd/client.crt")),
                    ("etcd-keyfile", format!("{tls}/etcd/client.key")),
                ]);
            } else {
                args.push(("etcd-servers", "unix://kine.sock".to_owned()));
            }
            args
        }
        ComponentKind::ControllerManager => vec![
            ("bind-address", "127.0.0.1".to_owned()),
            ("profiling", "false".to_owned()),
            ("root-ca-file", format!("{tls}/server-ca.crt")),
            (
                "service-account-private-key-file",
                format!("{tls}/service.current.key"),
            ),
            ("use-service-account-credentials", "true".to_owned()),
        ],
        ComponentKind::Scheduler => vec![
            ("bind-address", "127.0.0.1".to_owned()),
            ("profiling", "false".to_owned()),
        ],
        ComponentKind::Etcd => vec![
            ("cert-file", format!("{tls}/etcd/server-client.crt")),
            ("client-cert-auth", "true".to_owned()),
            ("data-dir", format!("{data}/server/db/etcd")),
            ("key-file", format!("{tls}/etcd/server-client.key")),
            ("listen-client-urls", "https://127.0.0.1:2379".to_owned()),
            (
                "peer-cert-file",
                format!("{tls}/etcd/peer-server-client.crt"),
            ),
            ("peer-client-cert-auth", "true".to_owned()),
            (
                "peer-key-file",
                format!("{tls}/etcd/peer-server-client.key"),
            ),
            ("peer-trusted-ca-file", format!("{tls}/etcd/peer-ca.crt")),
            ("trusted-ca-file", format!("{tls}/etcd/server-ca.crt")),
        ],
        ComponentKind::Kubelet => vec![
            ("anonymous-auth", "false".to_owned()),
            ("authentication-token-webhook", "true".to_owned()),
            ("authorization-mode", "Webhook".to_owned()),
            ("client-ca-file", format!("{agent}/client-ca.crt")),
            ("read-only-port", "0".to_owned()),
            ("tls-cert-file", format!("{agent}/serving-kubelet.crt")),
            (
                "tls-private-key-file",
                format!("{agent}/serving-kubelet.key"),
            ),
        ],
        ComponentKind::KubeProxy => Vec::new(),
    }
}

/// A datastore URL without the user and password it may carry
/// (`postgres://user:pass@host/db` becomes `postgres://…@host/db`).
fn without_credentials(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(scheme), Some(at)) if at > scheme => {
            format!("{}://…{}", &url[..scheme], &url[at..])
        }
        _ => url.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hides_datastore_credentials() {
        assert_eq!(
            without_credentials("postgres://u:p@db:5432/k3s"),
            "postgres://…@db:5432/k3s"
        );
        assert_eq!(
            without_credentials("https://10.0.0.1:2379"),
            "https://10.0.0.1:2379"
        );
    }
}
