//! Control-plane components: the effective settings of a program such as
//! kube-apiserver, etcd or the kubelet, whichever source they were read
//! from.
//!
//! A [`Component`] is built by a reader (the `kubeward-components` crate)
//! from a static pod manifest, a systemd unit, a kubeadm
//! `ClusterConfiguration`, a saved command line or a running process, with
//! the settings merged the way the program merges them. Rules declared with
//! [`Check::Component`](crate::Check::Component) read it and report through
//! a [`ComponentSink`], so the same rules run in `kubeward scan` and
//! `kubeward node`.
//!
//! Every setting keeps the place it was read from ([`Location`]), and a
//! component records the inputs it could not read ([`Undetermined`]), so a
//! rule never mistakes an unreadable file for a default.

use std::fmt;
use std::sync::Arc;

use kubeward_yaml::{NodeRef, Pos};

use crate::{Finding, Object, ObjectRef, RuleDef, ScanOptions, Source, Warning};

/// The programs kubeward reads settings of.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum ComponentKind {
    ApiServer,
    Etcd,
    Kubelet,
    ControllerManager,
    Scheduler,
    KubeProxy,
}

impl ComponentKind {
    pub const ALL: [ComponentKind; 6] = [
        ComponentKind::ApiServer,
        ComponentKind::Etcd,
        ComponentKind::Kubelet,
        ComponentKind::ControllerManager,
        ComponentKind::Scheduler,
        ComponentKind::KubeProxy,
    ];

    /// The program's name: `kube-apiserver`, `etcd`, `kubelet`, ...
    pub fn program(self) -> &'static str {
        match self {
            ComponentKind::ApiServer => "kube-apiserver",
            ComponentKind::Etcd => "etcd",
            ComponentKind::Kubelet => "kubelet",
            ComponentKind::ControllerManager => "kube-controller-manager",
            ComponentKind::Scheduler => "kube-scheduler",
            ComponentKind::KubeProxy => "kube-proxy",
        }
    }
}

impl fmt::Display for ComponentKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.program())
    }
}

/// A Kubernetes minor version, such as 1.32.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct KubeVersion {
    pub major: u32,
    pub minor: u32,
}

impl fmt::Display for KubeVersion {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}.{}", self.major, self.minor)
    }
}

/// A place in an input that a finding points at.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Location {
    /// Path of the file as given on the command line, or as read on a node
    /// (`/proc/812/cmdline`).
    pub file: Arc<str>,
    pub pos: Pos,
    /// The Kubernetes object the place is in, if any.
    pub object: Option<ObjectRef>,
    /// Field path inside the object, or a description of the place outside
    /// objects, such as `ExecStart --anonymous-auth`.
    pub path: String,
    /// The source line to quote, if it may be shown: lines that can hold
    /// credentials are never kept.
    pub source_line: Option<String>,
}

impl Location {
    /// A location at `pos` in `object`, quoting its source line.
    pub fn in_object(object: &Object<'_, '_>, pos: Pos, path: impl Into<String>) -> Self {
        Location::in_source(object.source, pos, path, Some(object.reference.clone()))
    }

    /// A location at `pos` in `source`, quoting its source line unless the
    /// object is a Secret or the line is too long to quote.
    pub fn in_source(
        source: &Source<'_>,
        pos: Pos,
        path: impl Into<String>,
        object: Option<ObjectRef>,
    ) -> Self {
        let is_secret = object.as_ref().is_some_and(|o| o.kind == "Secret");
        let source_line = if is_secret {
            None
        } else {
            source.quotable_line(pos.line).map(str::to_owned)
        };
        Location {
            file: source.file.clone(),
            pos,
            object,
            path: path.into(),
            source_line,
        }
    }

    /// A location with no object and no quoted line.
    pub fn bare(file: Arc<str>, pos: Pos, path: impl Into<String>) -> Self {
        Location {
            file,
            pos,
            object: None,
            path: path.into(),
            source_line: None,
        }
    }
}

/// Where an effective value came from.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum SettingSource {
    /// A command-line flag, from any place command lines are read from.
    Flag,
    /// An environment variable, such as `ETCD_CLIENT_CERT_AUTH`.
    Environment(String),
    /// A field of the program's configuration file.
    ConfigFile {
        /// The file as the program names it.
        path: String,
        /// The field, such as `authentication.anonymous.enabled`.
        field: String,
    },
    /// An argument that an installer passes unless configured otherwise, such as
    /// kubeadm's `--authorization-mode=Node,RBAC`.
    Installer(&'static str),
    /// The program's own default.
    Default,
}

impl SettingSource {
    /// Describes the source for messages: "flag", "config file X (field
    /// y)", "default of kubeadm", ...
    pub fn describe(&self, version: Option<KubeVersion>) -> String {
        match self {
            SettingSource::Flag => "command-line flag".to_owned(),
            SettingSource::Environment(name) => format!("environment variable {name}"),
            SettingSource::ConfigFile { path, field } => {
                format!("field `{field}` of config file {path}")
            }
            SettingSource::Installer(name) => format!("argument {name} adds by default"),
            SettingSource::Default => match version {
                Some(version) => format!("default of Kubernetes {version}"),
                None => {
                    "default of the newest Kubernetes release, as the version is unknown".to_owned()
                }
            },
        }
    }
}

/// One effective setting.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Setting {
    /// The flag name without dashes, such as `anonymous-auth`; settings
    /// that exist only in a config file use the flag name kubeward gives
    /// them in its documentation.
    pub name: String,
    /// The value: one item for a scalar; every item, in order, for a list
    /// setting such as `enable-admission-plugins`.
    pub values: Vec<String>,
    pub source: SettingSource,
    /// Where the value is written, or for a default, where the setting
    /// would be written.
    pub location: Location,
}

impl Setting {
    /// The value as one string: the only item of a scalar, the items of a
    /// list joined with commas.
    pub fn value(&self) -> String {
        self.values.join(",")
    }

    /// The value as Go's `strconv.ParseBool` reads it, which is how every
    /// component reads boolean flags.
    pub fn as_bool(&self) -> Option<bool> {
        parse_go_bool(&self.value())
    }

    /// The value as an integer.
    pub fn as_i64(&self) -> Option<i64> {
        self.value().trim().parse().ok()
    }

    /// The items of a list setting, each split at commas and trimmed, empty
    /// items dropped.
    pub fn items(&self) -> Vec<&str> {
        self.values
            .iter()
            .flat_map(|value| value.split(','))
            .map(str::trim)
            .filter(|item| !item.is_empty())
            .collect()
    }
}

/// Reads a boolean as Go's `strconv.ParseBool` does: 1, t, T, TRUE, true,
/// True, 0, f, F, FALSE, false, False.
pub fn parse_go_bool(text: &str) -> Option<bool> {
    match text {
        "1" | "t" | "T" | "TRUE" | "true" | "True" => Some(true),
        "0" | "f" | "F" | "FALSE" | "false" | "False" => Some(false),
        _ => None,
    }
}

/// An input a component reads that could not be read, so the settings it
/// may hold are unknown.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Undetermined {
    /// The input, such as "config file /var/lib/kubelet/config.yaml
    /// (--config)".
    pub input: String,
    /// Why it could not be read.
    pub reason: String,
    /// The settings kubeward checks that this input may set and no flag
    /// overrides.
    pub settings: Vec<String>,
    /// Where the input is named, such as the `--config` flag.
    pub location: Location,
}

/// What a file is to the component that uses it, which decides the
/// permissions and owner it should have.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum FileRole {
    /// The static pod manifest the kubelet runs the component from.
    StaticPodManifest,
    /// A systemd unit file or drop-in that starts the component.
    ServiceUnit,
    /// A kubeconfig the component authenticates with.
    Kubeconfig,
    /// The cluster administrator's kubeconfig (`admin.conf`,
    /// `super-admin.conf`, k3s's `k3s.yaml`).
    AdminKubeconfig,
    /// The component's own configuration file (`--config`).
    ConfigFile,
    /// A certificate, public by nature.
    Certificate,
    /// A certificate authority bundle.
    CertificateAuthority,
    /// A private key.
    PrivateKey,
    /// The directory that holds the cluster's certificates and keys.
    PkiDirectory,
    /// etcd's data directory.
    DataDirectory,
    /// An EncryptionConfiguration, which holds the keys Secrets are
    /// encrypted with.
    EncryptionConfig,
    /// A static token or password file.
    CredentialFile,
    /// The audit policy.
    AuditPolicy,
    /// A CNI network configuration.
    CniConfig,
}

impl FileRole {
    /// Describes the role for messages.
    pub fn describe(self) -> &'static str {
        match self {
            FileRole::StaticPodManifest => "static pod manifest",
            FileRole::ServiceUnit => "systemd unit file",
            FileRole::Kubeconfig => "kubeconfig",
            FileRole::AdminKubeconfig => "administrator kubeconfig",
            FileRole::ConfigFile => "config file",
            FileRole::Certificate => "certificate",
            FileRole::CertificateAuthority => "certificate authority file",
            FileRole::PrivateKey => "private key",
            FileRole::PkiDirectory => "PKI directory",
            FileRole::DataDirectory => "data directory",
            FileRole::EncryptionConfig => "encryption provider config",
            FileRole::CredentialFile => "credential file",
            FileRole::AuditPolicy => "audit policy file",
            FileRole::CniConfig => "CNI config file",
        }
    }
}

/// A file's mode and owner as `stat` returns them.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FileStat {
    /// Permission bits, such as `0o600`.
    pub mode: u32,
    pub uid: u32,
    pub gid: u32,
    /// The owner's name, when the node's user database names it.
    pub user: Option<String>,
    /// The group's name, when the node's group database names it.
    pub group: Option<String>,
    pub is_dir: bool,
}

impl FileStat {
    /// `user:group`, with numeric ids where no name is known.
    pub fn owner(&self) -> String {
        let user = self.user.clone().unwrap_or_else(|| self.uid.to_string());
        let group = self.group.clone().unwrap_or_else(|| self.gid.to_string());
        format!("{user}:{group}")
    }
}

/// What is known about a file a component uses.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum FileState {
    /// Read from the file system.
    Stat(FileStat),
    /// The mode a setting tells the component to create the file with,
    /// such as k3s's `write-kubeconfig-mode`.
    DeclaredMode(u32),
    /// The file does not exist.
    Missing,
    /// The file could not be examined, with the reason.
    Unreadable(String),
}

/// A file a component uses, and what is known about it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ComponentFile {
    pub role: FileRole,
    /// The path as the node sees it.
    pub path: String,
    pub state: FileState,
    /// Where a finding about the file points: the setting that names it,
    /// or the file itself.
    pub location: Location,
}

/// One control-plane program and its effective settings.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Component {
    pub kind: ComponentKind,
    /// Names this instance in messages, such as "kube-apiserver in Pod
    /// kube-system/kube-apiserver" or "kubelet (pid 812)".
    pub label: String,
    /// The Kubernetes (or etcd) version, when the source says it.
    pub version: Option<KubeVersion>,
    /// Where a setting that is not written anywhere would be added: the
    /// container's `command`, the unit's `ExecStart`, ...
    pub anchor: Location,
    /// Whether the settings come from a configuration object checked on
    /// its own, with no command line known (a KubeletConfiguration file).
    pub config_only: bool,
    /// The configuration file the program is told to read (`--config`,
    /// etcd's `--config-file`), as the program names it, when that file was
    /// not read with the program. A scan that reads the file too merges it
    /// in with [`Component::merge_config_file`].
    pub config_file: Option<String>,
    settings: Vec<Setting>,
    /// Inputs that could not be read.
    pub undetermined: Vec<Undetermined>,
    /// Files the component uses, with their state where known.
    pub files: Vec<ComponentFile>,
    /// Arguments and configuration fields the program rejects or ignores,
    /// each with where it is written and a sentence that says what the
    /// program does with it.
    pub problems: Vec<(Location, String)>,
}

/// The effective state of one setting.
#[derive(Clone, Copy, Debug)]
pub enum Lookup<'c> {
    /// Set, by any source, defaults included.
    Set(&'c Setting),
    /// Set nowhere, and no default applies.
    Unset,
    /// Possibly set by an input that could not be read.
    Unknown(&'c Undetermined),
}

impl Component {
    pub fn new(kind: ComponentKind, label: impl Into<String>, anchor: Location) -> Self {
        Component {
            kind,
            label: label.into(),
            version: None,
            anchor,
            config_only: false,
            config_file: None,
            settings: Vec::new(),
            undetermined: Vec::new(),
            files: Vec::new(),
            problems: Vec::new(),
        }
    }

    /// Every effective setting, in the order they were set.
    pub fn settings(&self) -> &[Setting] {
        &self.settings
    }

    /// Sets a setting, replacing any earlier value of the same name.
    pub fn set(&mut self, setting: Setting) {
        match self.settings.iter_mut().find(|s| s.name == setting.name) {
            Some(existing) => *existing = setting,
            None => self.settings.push(setting),
        }
    }

    /// Removes a setting, so it counts as unset.
    pub fn unset(&mut self, name: &str) {
        self.settings.retain(|s| s.name != name);
    }

    /// The effective setting `name`, if it has a value.
    pub fn setting(&self, name: &str) -> Option<&Setting> {
        self.settings.iter().find(|s| s.name == name)
    }

    /// The effective state of `name`: set, unset, or unknown because an
    /// input that may set it could not be read. A value from a flag or a
    /// source read after the unreadable input counts as set.
    pub fn lookup(&self, name: &str) -> Lookup<'_> {
        let setting = self.setting(name);
        if let Some(setting) = setting {
            if matches!(
                setting.source,
                SettingSource::Flag | SettingSource::Environment(_)
            ) {
                return Lookup::Set(setting);
            }
        }
        if let Some(unknown) = self
            .undetermined
            .iter()
            .find(|u| u.settings.iter().any(|s| s == name))
        {
            return Lookup::Unknown(unknown);
        }
        match setting {
            Some(setting) => Lookup::Set(setting),
            None => Lookup::Unset,
        }
    }

    /// Merges in `config`, the component built from the configuration
    /// file this program names, as the program reads it: the file's fields
    /// replace defaults and installer arguments, and flags and environment
    /// variables keep their values. The file's problems are added, and the
    /// file no longer counts as unread.
    pub fn merge_config_file(&mut self, config: &Component) {
        let etcd_file = self.kind == ComponentKind::Etcd;
        for setting in &config.settings {
            if !matches!(setting.source, SettingSource::ConfigFile { .. }) {
                continue;
            }
            let overridden = self.setting(&setting.name).is_some_and(|own| {
                !etcd_file
                    && matches!(
                        own.source,
                        SettingSource::Flag | SettingSource::Environment(_)
                    )
            });
            if !overridden {
                self.set(setting.clone());
            }
        }
        self.problems.extend(config.problems.iter().cloned());
        if let Some(named) = self.config_file.take() {
            let input = format!("config file {named}");
            self.undetermined.retain(|u| u.input != input);
        }
    }

    /// Describes where a setting's value came from, for messages.
    pub fn describe_source(&self, setting: &Setting) -> String {
        setting.source.describe(self.version)
    }
}

/// Builds components from input. The `kubeward-components` crate provides
/// the reader; component rules name it, so any scan that runs them reads
/// components.
pub struct ComponentReader {
    /// The components an object describes: a static pod's container, a
    /// kubeadm `ClusterConfiguration`, a `KubeletConfiguration`.
    pub from_object: fn(&Object<'_, '_>) -> Vec<Component>,
    /// The components of a YAML document that is not a Kubernetes object,
    /// such as a k3s `config.yaml`; `None` when it is no such document.
    pub from_document: for<'d, 'a> fn(&Source<'a>, NodeRef<'d, 'a>) -> Option<Vec<Component>>,
    /// Reads a file that is not YAML, such as a systemd unit or a saved
    /// command line; `None` when the text is in no format it reads.
    pub from_text: fn(&Arc<str>, &str) -> Option<TextComponents>,
}

impl fmt::Debug for ComponentReader {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("ComponentReader")
    }
}

/// What a reader found in a file that is not YAML.
#[derive(Debug, Default)]
pub struct TextComponents {
    pub components: Vec<Component>,
    /// Problems worth telling, such as a unit of a program kubeward does
    /// not check.
    pub warnings: Vec<Warning>,
}

/// Where a component rule puts its findings.
#[derive(Debug)]
pub struct ComponentSink<'s> {
    rule: &'static RuleDef,
    options: ScanOptions,
    findings: &'s mut Vec<Finding>,
}

impl<'s> ComponentSink<'s> {
    pub fn new(
        rule: &'static RuleDef,
        options: ScanOptions,
        findings: &'s mut Vec<Finding>,
    ) -> Self {
        ComponentSink {
            rule,
            options,
            findings,
        }
    }

    pub fn options(&self) -> ScanOptions {
        self.options
    }

    /// Records a finding at `at`, and returns it so the caller can add
    /// details.
    pub fn report(&mut self, at: &Location, message: impl Into<String>) -> &mut Finding {
        self.findings.push(Finding {
            rule: self.rule.id,
            severity: self.rule.severity,
            message: message.into(),
            file: at.file.clone(),
            line: at.pos.line.max(1),
            column: at.pos.col.max(1),
            object: at.object.clone().map(Arc::new),
            path: Some(at.path.clone()),
            container: None,
            pss: self.rule.pss,
            remediation: self.rule.remediation,
            source_line: at.source_line.clone(),
        });
        self.findings.last_mut().expect("a finding was just pushed")
    }
}

/// The reader named by the first component rule among `rules`.
pub fn reader_of(rules: &[&'static RuleDef]) -> Option<&'static ComponentReader> {
    rules.iter().find_map(|rule| match rule.check {
        crate::Check::Component { reader, .. } => Some(reader),
        _ => None,
    })
}

/// Runs the component rules among `rules` on `component`, adding their
/// findings to `findings`.
pub fn check_component(
    component: &Component,
    rules: &[&'static RuleDef],
    options: ScanOptions,
    findings: &mut Vec<Finding>,
) {
    for &rule in rules {
        if let crate::Check::Component { check, .. } = rule.check {
            let mut sink = ComponentSink::new(rule, options, findings);
            check(component, &mut sink);
        }
    }
}
