//! Helpers the component rules share: reading a setting's effective state
//! and wording findings the same way everywhere ("what is set, where it
//! came from, what to set").

use kubeward_core::component::{Lookup, Setting, SettingSource};
use kubeward_core::{Component, ComponentKind, ComponentSink};

use crate::spec;

/// How a setting is written in messages: `--name=value` for flags and
/// defaults, `field: value` for a config file's field.
pub fn written(setting: &Setting) -> String {
    let value = setting.value();
    let value = crate::mask_userinfo(&value);
    match &setting.source {
        SettingSource::ConfigFile { field, .. } => format!("`{field}: {value}`"),
        SettingSource::Environment(variable) => format!("`{variable}={value}`"),
        _ => format!("`--{}={value}`", setting.name),
    }
}

/// Describes a setting with its origin: "`--profiling=true` (default of
/// Kubernetes 1.32)".
pub fn stated(component: &Component, setting: &Setting) -> String {
    format!(
        "{} ({})",
        written(setting),
        component.describe_source(setting)
    )
}

/// How to set `name` to `value` for this component: in its config file
/// when it reads one and the setting has a field there, else as a flag.
pub fn fix(component: &Component, name: &str, value: &str) -> String {
    let reads_config = component.config_only
        || component
            .settings()
            .iter()
            .any(|s| matches!(s.source, SettingSource::ConfigFile { .. }));
    let field = spec::config_field(component.kind, name);
    match (reads_config, field, component.kind) {
        (
            true,
            Some(field),
            ComponentKind::Kubelet | ComponentKind::Scheduler | ComponentKind::KubeProxy,
        ) => {
            format!("`{field}: {value}` in the config file (or `--{name}={value}`)")
        }
        (true, Some(field), ComponentKind::Etcd) => {
            format!("`{field}: {value}` in the config file")
        }
        _ => format!("`--{name}={value}`"),
    }
}

/// How to set list setting `name` to `items`: a YAML list in the config
/// file when the component reads one and the setting has a field there,
/// else a comma-separated flag value.
pub fn fix_list(component: &Component, name: &str, items: &[&str]) -> String {
    let flag = format!("`--{name}={}`", items.join(","));
    let reads_config = component.config_only
        || component
            .settings()
            .iter()
            .any(|s| matches!(s.source, SettingSource::ConfigFile { .. }));
    match (reads_config, spec::config_field(component.kind, name)) {
        (true, Some(field)) if component.kind != ComponentKind::ApiServer => {
            format!(
                "`{field}: [{}]` in the config file (or {flag})",
                items.join(", ")
            )
        }
        _ => flag,
    }
}

/// The effective setting `name`, if known and set.
pub fn known<'c>(component: &'c Component, name: &str) -> Option<&'c Setting> {
    match component.lookup(name) {
        Lookup::Set(setting) => Some(setting),
        Lookup::Unset | Lookup::Unknown(_) => None,
    }
}

/// Whether `name` is known to be unset: set nowhere, with no default.
pub fn is_unset(component: &Component, name: &str) -> bool {
    matches!(component.lookup(name), Lookup::Unset)
}

/// Reports unless boolean setting `name` is `expected`. `what` names the
/// weakness, such as "anonymous requests are allowed".
pub fn expect_bool(
    component: &Component,
    sink: &mut ComponentSink<'_>,
    name: &str,
    expected: bool,
    what: &str,
) {
    match component.lookup(name) {
        Lookup::Set(setting) => match setting.as_bool() {
            Some(value) if value == expected => {}
            Some(_) => {
                sink.report(
                    &setting.location,
                    format!(
                        "{}: {what}: {}; set {}",
                        component.kind,
                        stated(component, setting),
                        fix(component, name, &expected.to_string())
                    ),
                );
            }
            None => invalid_bool(component, sink, setting),
        },
        Lookup::Unset => {
            sink.report(
                &component.anchor,
                format!(
                    "{}: {what}: `--{name}` is not set; set {}",
                    component.kind,
                    fix(component, name, &expected.to_string())
                ),
            );
        }
        Lookup::Unknown(_) => {}
    }
}

/// Reports a boolean setting whose value Go's `strconv.ParseBool` rejects:
/// the program does not start with it.
pub fn invalid_bool(component: &Component, sink: &mut ComponentSink<'_>, setting: &Setting) {
    sink.report(
        &setting.location,
        format!(
            "{}: {} is not a boolean (true or false), so the program does not start with it",
            component.kind,
            written(setting)
        ),
    );
}

/// Reports when every setting of `names` is unset. `what` names the
/// weakness; the message names each missing setting.
pub fn require_set(
    component: &Component,
    sink: &mut ComponentSink<'_>,
    names: &[&str],
    what: &str,
    example: &[&str],
) {
    let missing: Vec<&str> = names
        .iter()
        .copied()
        .filter(|name| {
            known(component, name).is_none_or(|s| s.value().trim().is_empty())
                && !matches!(component.lookup(name), Lookup::Unknown(_))
        })
        .collect();
    if missing.is_empty() {
        return;
    }
    let flags: Vec<String> = missing
        .iter()
        .map(|name| {
            let value = names
                .iter()
                .position(|n| n == name)
                .and_then(|i| example.get(i))
                .copied()
                .unwrap_or("PATH");
            fix(component, name, value)
        })
        .collect();
    let at = missing
        .iter()
        .find_map(|name| component.setting(name))
        .map_or(&component.anchor, |s| &s.location);
    sink.report(
        at,
        format!(
            "{}: {what}: {} not set; set {}",
            component.kind,
            missing
                .iter()
                .map(|n| format!("`--{n}`"))
                .collect::<Vec<_>>()
                .join(" and "),
            flags.join(" and ")
        ),
    );
}

/// The admission plugins the API server runs, in the order it would list
/// them, with the setting that decides each: `--admission-control` when
/// set (it replaces the defaults), else the defaults with
/// `--enable-admission-plugins` added and `--disable-admission-plugins`
/// removed. `None` when a deciding setting is unknown.
pub fn admission_plugins(component: &Component) -> Option<Vec<String>> {
    for name in [
        "admission-control",
        "enable-admission-plugins",
        "disable-admission-plugins",
    ] {
        if matches!(component.lookup(name), Lookup::Unknown(_)) {
            return None;
        }
    }
    if let Some(legacy) = known(component, "admission-control") {
        return Some(legacy.items().iter().map(|s| (*s).to_owned()).collect());
    }
    let mut plugins: Vec<String> = spec::DEFAULT_ADMISSION_PLUGINS
        .iter()
        .map(|s| (*s).to_owned())
        .collect();
    let mut present: std::collections::HashSet<String> = plugins.iter().cloned().collect();
    if let Some(enabled) = known(component, "enable-admission-plugins") {
        for plugin in enabled.items() {
            if present.insert(plugin.to_owned()) {
                plugins.push(plugin.to_owned());
            }
        }
    }
    if let Some(disabled) = known(component, "disable-admission-plugins") {
        let disabled: std::collections::HashSet<&str> = disabled.items().into_iter().collect();
        plugins.retain(|p| !disabled.contains(p.as_str()));
    }
    Some(plugins)
}

/// Reports unless admission plugin `plugin` runs. `what` names the
/// weakness.
pub fn require_plugin(
    component: &Component,
    sink: &mut ComponentSink<'_>,
    plugin: &str,
    what: &str,
) {
    if component.kind != ComponentKind::ApiServer {
        return;
    }
    let Some(plugins) = admission_plugins(component) else {
        return;
    };
    if plugins.iter().any(|p| p == plugin) {
        return;
    }
    let disabled =
        known(component, "disable-admission-plugins").filter(|s| s.items().contains(&plugin));
    let legacy = known(component, "admission-control");
    let (at, message) = if let Some(disabled) = disabled {
        (
            &disabled.location,
            format!(
                "{what}: {} disables {plugin}; remove it from `--disable-admission-plugins`",
                written(disabled)
            ),
        )
    } else if let Some(legacy) = legacy {
        (
            &legacy.location,
            format!(
                "{what}: {} lists the plugins to run and {plugin} is not among them; add it, or \
                 replace the deprecated flag with `--enable-admission-plugins={plugin}`",
                written(legacy)
            ),
        )
    } else {
        let at = component
            .setting("enable-admission-plugins")
            .map_or(&component.anchor, |s| &s.location);
        (
            at,
            format!("{what}: add {plugin} to `--enable-admission-plugins`"),
        )
    };
    sink.report(at, format!("{}: {message}", component.kind));
}

/// Reports when admission plugin `plugin` runs. `what` names the weakness.
pub fn forbid_plugin(
    component: &Component,
    sink: &mut ComponentSink<'_>,
    plugin: &str,
    what: &str,
) {
    if component.kind != ComponentKind::ApiServer {
        return;
    }
    let Some(plugins) = admission_plugins(component) else {
        return;
    };
    if !plugins.iter().any(|p| p == plugin) {
        return;
    }
    let setting = ["admission-control", "enable-admission-plugins"]
        .iter()
        .find_map(|name| known(component, name).filter(|s| s.items().contains(&plugin)));
    let at = setting.map_or(&component.anchor, |s| &s.location);
    sink.report(
        at,
        format!(
            "{}: {what}: {plugin} is enabled; remove it from the admission plugins",
            component.kind
        ),
    );
}

/// Whether `host` (a host name or IP address, optionally with a port or
/// in brackets) is a loopback address.
pub fn is_loopback_host(host: &str) -> bool {
    let host = host.trim();
    let host = match host.strip_prefix('[') {
        Some(rest) => rest.split(']').next().unwrap_or(rest),
        None => match host.rsplit_once(':') {
            Some((h, port)) if port.chars().all(|c| c.is_ascii_digit()) && !h.contains(':') => h,
            _ => host,
        },
    };
    host == "localhost"
        || host == "::1"
        || host
            .parse::<std::net::Ipv4Addr>()
            .is_ok_and(|ip| ip.is_loopback())
}

/// The scheme and host of a URL such as `https://127.0.0.1:2379`.
pub fn url_parts(url: &str) -> Option<(&str, &str)> {
    let (scheme, rest) = url.trim().split_once("://")?;
    let host = rest.split('/').next().unwrap_or(rest);
    Some((scheme, host))
}

/// Reports a kube-apiserver whose authorization modes in force do not
/// include `mode`. Modes set by an `--authorization-config` file that was
/// not read are unknown, so nothing is reported for them.
pub fn require_authorizer(component: &Component, sink: &mut ComponentSink<'_>, mode: &str) {
    if component.kind != ComponentKind::ApiServer {
        return;
    }
    let Some(setting) = known(component, "authorization-mode") else {
        return;
    };
    let from_file = known(component, "authorization-config")
        .is_some_and(|file| !file.value().trim().is_empty());
    if from_file && setting.source == SettingSource::Default {
        return;
    }
    if setting.items().contains(&mode) {
        return;
    }
    sink.report(
        &setting.location,
        format!(
            "{}: authorization does not include {mode}: {}; add {mode}, as in \
             `--authorization-mode=Node,RBAC`",
            component.kind,
            stated(component, setting)
        ),
    );
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn loopback_hosts() {
        assert!(is_loopback_host("127.0.0.1:2379"));
        assert!(is_loopback_host("localhost"));
        assert!(is_loopback_host("[::1]:2379"));
        assert!(is_loopback_host("127.0.0.2"));
        assert!(!is_loopback_host("0.0.0.0:2379"));
        assert!(!is_loopback_host("192.0.2.10"));
        assert!(!is_loopback_host("${INTERNAL_IP}:2379"));
    }

    #[test]
    fn splits_urls() {
        assert_eq!(
            url_parts("http://0.0.0.0:2379"),
            Some(("http", "0.0.0.0:2379"))
        );
        assert_eq!(url_parts("unix://kine.sock"), Some(("unix", "kine.sock")));
    }
}
