//! Merging a program's settings the way the program does: its defaults for
//! the version, then what an installer passes, then its configuration file,
//! then its environment, then its command-line flags, the later winning.
//!
//! etcd is the exception: given `--config-file`, it reads only that file
//! and ignores every other flag and environment variable.

use std::collections::HashMap;

use kubeward_core::component::{ComponentFile, KubeVersion, Setting, SettingSource, Undetermined};
use kubeward_core::{Component, ComponentKind, Location};

use crate::flags::FlagUse;
use crate::spec::{self, Kind};

/// One value of a configuration file, with its place.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ConfigValue {
    /// The setting, by flag name.
    pub name: &'static str,
    pub values: Vec<String>,
    /// The field as written, such as `authentication.anonymous.enabled`.
    pub field: String,
    pub location: Location,
}

/// A program's configuration file, as far as it could be read.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub enum ConfigInput {
    /// The program was given no configuration file.
    #[default]
    None,
    /// The file was read.
    Read {
        path: String,
        values: Vec<ConfigValue>,
    },
    /// The file is named but could not be read.
    Unavailable {
        path: String,
        reason: String,
        /// Where the file is named, such as the `--config` flag.
        location: Location,
    },
}

impl ConfigInput {
    fn is_used(&self) -> bool {
        !matches!(self, ConfigInput::None)
    }
}

/// One environment variable a program reads a setting from (etcd reads
/// `ETCD_CLIENT_CERT_AUTH` for `--client-cert-auth`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EnvValue {
    /// The setting, by flag name.
    pub name: String,
    pub variable: String,
    pub value: String,
    pub location: Location,
}

/// Everything known about one running or configured program.
#[derive(Clone, Debug)]
pub struct Sources {
    pub kind: ComponentKind,
    pub label: String,
    pub anchor: Location,
    pub version: Option<KubeVersion>,
    /// Command-line flags in order, each with where it came from:
    /// [`SettingSource::Flag`] for the command line itself, or
    /// [`SettingSource::Installer`] for arguments an installer added.
    pub flags: Vec<(FlagUse, SettingSource)>,
    pub config: ConfigInput,
    pub env: Vec<EnvValue>,
    /// Parts of the command line that could not be resolved, such as an
    /// environment variable from a file that was not read. Any setting no
    /// flag sets may come from them.
    pub unresolved: Vec<(String, String, Location)>,
    pub files: Vec<ComponentFile>,
    pub config_only: bool,
    /// Arguments and fields the program rejects or ignores, with why.
    pub problems: Vec<(Location, String)>,
}

impl Sources {
    pub fn new(kind: ComponentKind, label: impl Into<String>, anchor: Location) -> Self {
        Sources {
            kind,
            label: label.into(),
            anchor,
            version: None,
            flags: Vec::new(),
            config: ConfigInput::None,
            env: Vec::new(),
            unresolved: Vec::new(),
            files: Vec::new(),
            config_only: false,
            problems: Vec::new(),
        }
    }

    /// Adds a parsed command line: its flags, and the arguments the
    /// program rejects.
    pub fn add_command_line(&mut self, line: crate::flags::CommandLine) {
        self.problems.extend(line.problems);
        self.add_flags(line.flags);
    }

    /// Adds command-line flags from the command line itself.
    pub fn add_flags(&mut self, flags: impl IntoIterator<Item = FlagUse>) {
        self.flags
            .extend(flags.into_iter().map(|flag| (flag, SettingSource::Flag)));
    }

    /// The value the command line gives flag `name` (aliases included),
    /// the last one if it is given several times.
    pub fn flag_value(&self, name: &str) -> Option<&FlagUse> {
        self.flags
            .iter()
            .rev()
            .map(|(flag, _)| flag)
            .find(|flag| spec::canonical(self.kind, &flag.name) == name)
    }
}

/// Builds the component with its effective settings.
pub fn build(sources: Sources) -> Component {
    let kind = sources.kind;
    let mut component = Component::new(kind, sources.label, sources.anchor.clone());
    component.version = sources.version;
    component.config_only = sources.config_only;
    component.files = sources.files;
    component.problems = sources.problems;
    if kind == ComponentKind::ApiServer {
        for (flag, _) in &sources.flags {
            if let Some(problem) = spaced_list_item(kind, flag) {
                component.problems.push((flag.location.clone(), problem));
            }
        }
    }
    let has_config = sources.config.is_used();
    for (name, value) in spec::defaults(kind, sources.version, has_config) {
        component.set(Setting {
            name: name.to_owned(),
            values: vec![value.to_owned()],
            source: SettingSource::Default,
            location: sources.anchor.clone(),
        });
    }
    // etcd ignores its flags and environment when given a config file.
    let etcd_file = kind == ComponentKind::Etcd && has_config;
    let installer: Vec<_> = sources
        .flags
        .iter()
        .filter(|(_, source)| matches!(source, SettingSource::Installer(_)))
        .cloned()
        .collect();
    if !etcd_file {
        apply_flags(&mut component, &installer);
    }
    if let ConfigInput::Read { path, values } = &sources.config {
        for value in values {
            apply_config_value(&mut component, path, value);
        }
    }
    if !etcd_file {
        for env in &sources.env {
            component.set(Setting {
                name: env.name.clone(),
                values: vec![env.value.clone()],
                source: SettingSource::Environment(env.variable.clone()),
                location: env.location.clone(),
            });
        }
        let own: Vec<_> = sources
            .flags
            .iter()
            .filter(|(_, source)| !matches!(source, SettingSource::Installer(_)))
            .cloned()
            .collect();
        apply_flags(&mut component, &own);
    }
    let by_flags: Vec<&str> = if etcd_file {
        Vec::new()
    } else {
        sources
            .flags
            .iter()
            .map(|(flag, _)| spec::canonical(kind, &flag.name))
            .chain(sources.env.iter().map(|env| env.name.as_str()))
            .collect()
    };
    if let ConfigInput::Unavailable {
        path,
        reason,
        location,
    } = &sources.config
    {
        let settings = spec::settings(kind)
            .iter()
            .filter(|spec| spec.field.is_some() && !by_flags.contains(&spec.name))
            .map(|spec| spec.name.to_owned())
            .collect();
        component.config_file = Some(path.clone());
        component.undetermined.push(Undetermined {
            input: format!("config file {path}"),
            reason: reason.clone(),
            settings,
            location: location.clone(),
        });
    }
    for (input, reason, location) in sources.unresolved {
        let settings = spec::settings(kind)
            .iter()
            .filter(|spec| !by_flags.contains(&spec.name))
            .map(|spec| spec.name.to_owned())
            .collect();
        component.undetermined.push(Undetermined {
            input,
            reason,
            settings,
            location,
        });
    }
    component
}

fn apply_config_value(component: &mut Component, path: &str, value: &ConfigValue) {
    component.set(Setting {
        name: value.name.to_owned(),
        values: value.values.clone(),
        source: SettingSource::ConfigFile {
            path: path.to_owned(),
            field: value.field.clone(),
        },
        location: value.location.clone(),
    });
}

/// Lists whose items kube-apiserver matches against names it knows,
/// without trimming spaces.
const NAMED_ITEM_LISTS: &[&str] = &[
    "enable-admission-plugins",
    "disable-admission-plugins",
    "admission-control",
    "authorization-mode",
];

/// Describes a list flag with an item that has spaces around it, such as
/// `--enable-admission-plugins=NodeRestriction, AlwaysPullImages`: pflag
/// keeps the space, and the API server rejects " AlwaysPullImages" as
/// unknown and exits.
fn spaced_list_item(kind: ComponentKind, flag: &FlagUse) -> Option<String> {
    let name = spec::canonical(kind, &flag.name);
    if !NAMED_ITEM_LISTS.contains(&name) {
        return None;
    }
    let value = flag.value.as_deref()?;
    let spaced = value
        .split(',')
        .find(|item| !item.trim().is_empty() && item.trim() != *item)?;
    let fixed: Vec<&str> = value
        .split(',')
        .map(str::trim)
        .filter(|item| !item.is_empty())
        .collect();
    Some(format!(
        "`--{name}` is given `{value}`: the item \"{spaced}\" keeps its spaces, and {kind} \
         rejects it as unknown and exits; write `--{name}={}`",
        fixed.join(",")
    ))
}

/// Applies flags in order with pflag's semantics: the last use of a scalar
/// wins, a list's first use in this layer replaces the earlier value and
/// later uses add to it, a map's uses merge key by key. Each setting's
/// value for the layer is gathered first and set once, so a flag repeated
/// many times costs time in proportion to its uses.
fn apply_flags(component: &mut Component, flags: &[(FlagUse, SettingSource)]) {
    let kind = component.kind;
    // Settings in order of their first use, with their values so far and
    // the use that set them last.
    let mut layer: Vec<(String, Kind, Vec<String>, &FlagUse, &SettingSource)> = Vec::new();
    let mut index: HashMap<String, usize> = HashMap::new();
    for (flag, source) in flags {
        let name = spec::canonical(kind, &flag.name);
        let spec_kind = spec::setting(kind, name).map_or(Kind::Scalar, |spec| spec.kind);
        let value = match (&flag.value, spec_kind) {
            (Some(value), _) => value.clone(),
            (None, Kind::Bool) => "true".to_owned(),
            (None, _) => String::new(),
        };
        let slot = if let Some(&slot) = index.get(name) {
            slot
        } else {
            index.insert(name.to_owned(), layer.len());
            layer.push((name.to_owned(), spec_kind, Vec::new(), flag, source));
            layer.len() - 1
        };
        let entry = &mut layer[slot];
        match spec_kind {
            Kind::List | Kind::Map => entry.2.push(value),
            _ => entry.2 = vec![value],
        }
        entry.3 = flag;
        entry.4 = source;
    }
    for (name, spec_kind, values, flag, source) in layer {
        let values = if spec_kind == Kind::Map {
            merge_pairs(values.iter().flat_map(|text| text.split(',')))
        } else {
            values
        };
        component.set(Setting {
            name,
            values,
            source: source.clone(),
            location: flag.location.clone(),
        });
    }
}

/// Merges `key=value,key=value` text into `pairs`, a later key replacing an
/// earlier one.
pub fn merge_map(pairs: &[String], text: &str) -> Vec<String> {
    merge_pairs(pairs.iter().map(String::as_str).chain(text.split(',')))
}

/// Keeps the last of the `key=value` pairs for each key, in the order of
/// those last uses; empty pairs are dropped.
fn merge_pairs<'t>(pairs: impl Iterator<Item = &'t str>) -> Vec<String> {
    let pairs: Vec<&str> = pairs.map(str::trim).filter(|p| !p.is_empty()).collect();
    let key = |pair: &'t str| pair.split_once('=').map_or(pair, |(key, _)| key).trim();
    let mut last: HashMap<&str, usize> = HashMap::new();
    for (at, pair) in pairs.iter().enumerate() {
        last.insert(key(pair), at);
    }
    pairs
        .iter()
        .enumerate()
        .filter(|(at, pair)| last.get(key(pair)) == Some(at))
        .map(|(_, pair)| (*pair).to_owned())
        .collect()
}

/// The value of `key` in a map setting such as `feature-gates`.
pub fn map_value<'s>(setting: &'s Setting, key: &str) -> Option<&'s str> {
    setting.values.iter().rev().find_map(|pair| {
        let (k, v) = pair.split_once('=')?;
        (k.trim() == key).then_some(v.trim())
    })
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use kubeward_core::yaml::Pos;

    use super::*;

    fn at(col: u32) -> Location {
        Location::bare(Arc::from("t"), Pos { line: 1, col }, "")
    }

    fn flag(name: &str, value: Option<&str>) -> FlagUse {
        FlagUse {
            name: name.to_owned(),
            value: value.map(str::to_owned),
            location: at(1),
        }
    }

    #[test]
    fn last_scalar_wins() {
        let mut sources = Sources::new(ComponentKind::ApiServer, "t", at(1));
        sources.add_flags([
            flag("profiling", Some("true")),
            flag("profiling", Some("false")),
        ]);
        let component = build(sources);
        let profiling = component.setting("profiling").expect("set");
        assert_eq!(profiling.as_bool(), Some(false));
        assert_eq!(profiling.source, SettingSource::Flag);
    }

    #[test]
    fn list_uses_accumulate() {
        let mut sources = Sources::new(ComponentKind::ApiServer, "t", at(1));
        sources.add_flags([
            flag("enable-admission-plugins", Some("NodeRestriction")),
            flag("enable-admission-plugins", Some("AlwaysPullImages")),
        ]);
        let component = build(sources);
        let plugins = component.setting("enable-admission-plugins").expect("set");
        assert_eq!(plugins.items(), ["NodeRestriction", "AlwaysPullImages"]);
    }

    #[test]
    fn first_list_use_replaces_default() {
        let mut sources = Sources::new(ComponentKind::ApiServer, "t", at(1));
        sources.add_flags([flag("authorization-mode", Some("Node,RBAC"))]);
        let component = build(sources);
        let modes = component.setting("authorization-mode").expect("set");
        assert_eq!(modes.items(), ["Node", "RBAC"]);
    }

    #[test]
    fn bare_boolean_is_true() {
        let mut sources = Sources::new(ComponentKind::Etcd, "t", at(1));
        sources.add_flags([flag("peer-client-cert-auth", None)]);
        let component = build(sources);
        let auth = component.setting("peer-client-cert-auth").expect("set");
        assert_eq!(auth.as_bool(), Some(true));
    }

    #[test]
    fn feature_gates_merge() {
        let mut sources = Sources::new(ComponentKind::Kubelet, "t", at(1));
        sources.add_flags([
            flag("feature-gates", Some("A=true,B=false")),
            flag("feature-gates", Some("A=false")),
        ]);
        let component = build(sources);
        let gates = component.setting("feature-gates").expect("set");
        assert_eq!(map_value(gates, "A"), Some("false"));
        assert_eq!(map_value(gates, "B"), Some("false"));
    }

    #[test]
    fn flag_overrides_config_file() {
        let mut sources = Sources::new(ComponentKind::Kubelet, "t", at(1));
        sources.config = ConfigInput::Read {
            path: "/etc/kubelet.json".into(),
            values: vec![ConfigValue {
                name: "read-only-port",
                values: vec!["0".into()],
                field: "readOnlyPort".into(),
                location: at(2),
            }],
        };
        sources.add_flags([flag("read-only-port", Some("10255"))]);
        let component = build(sources);
        let port = component.setting("read-only-port").expect("set");
        assert_eq!(port.value(), "10255");
        assert_eq!(port.source, SettingSource::Flag);
    }

    #[test]
    fn kubelet_defaults_depend_on_config() {
        let legacy = build(Sources::new(ComponentKind::Kubelet, "t", at(1)));
        let anonymous = legacy.setting("anonymous-auth").expect("default");
        assert_eq!(anonymous.as_bool(), Some(true));
        let mut sources = Sources::new(ComponentKind::Kubelet, "t", at(1));
        sources.config = ConfigInput::Read {
            path: "c".into(),
            values: Vec::new(),
        };
        let configured = build(sources);
        let anonymous = configured.setting("anonymous-auth").expect("default");
        assert_eq!(anonymous.as_bool(), Some(false));
    }

    #[test]
    fn unreadable_config_leaves_settings_unknown() {
        let mut sources = Sources::new(ComponentKind::Kubelet, "t", at(1));
        sources.config = ConfigInput::Unavailable {
            path: "/etc/k.yaml".into(),
            reason: "permission denied".into(),
            location: at(3),
        };
        sources.add_flags([flag("read-only-port", Some("10255"))]);
        let component = build(sources);
        assert!(matches!(
            component.lookup("anonymous-auth"),
            kubeward_core::component::Lookup::Unknown(_)
        ));
        assert!(matches!(
            component.lookup("read-only-port"),
            kubeward_core::component::Lookup::Set(_)
        ));
    }

    #[test]
    fn etcd_config_file_ignores_flags() {
        let mut sources = Sources::new(ComponentKind::Etcd, "t", at(1));
        sources.config = ConfigInput::Read {
            path: "/etc/etcd.yaml".into(),
            values: Vec::new(),
        };
        sources.add_flags([flag("client-cert-auth", Some("true"))]);
        let component = build(sources);
        let auth = component.setting("client-cert-auth").expect("default");
        assert_eq!(auth.source, SettingSource::Default);
    }
}
