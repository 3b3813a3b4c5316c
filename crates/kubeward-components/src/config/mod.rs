//! Configuration files: the programs' own (`KubeletConfiguration`, etcd's
//! `--config-file`, `KubeSchedulerConfiguration`,
//! `KubeProxyConfiguration`) and those the API server reads
//! (`EncryptionConfiguration`, audit `Policy`, `AdmissionConfiguration`,
//! `AuthorizationConfiguration`).

pub mod admission;
pub mod audit;
pub mod authorization;
pub mod encryption;

use std::sync::Arc;

use kubeward_core::yaml::{NodeRef, Pos};
use kubeward_core::{ComponentKind, Location, Source};

use crate::build::ConfigValue;
use crate::spec::{self, Kind};

/// Reads the settings kubeward checks from a program's configuration file.
/// `locate` turns a position and a field path into a [`Location`].
pub fn read_settings(
    kind: ComponentKind,
    root: NodeRef<'_, '_>,
    locate: &dyn Fn(Pos, &str) -> Location,
) -> Vec<ConfigValue> {
    let mut out = Vec::new();
    for setting in spec::settings(kind) {
        let Some(field) = setting.field else {
            continue;
        };
        let keys: Vec<&str> = field.split('.').collect();
        let (parent_keys, last) = keys.split_at(keys.len() - 1);
        let Some(parent) = root.path(parent_keys) else {
            continue;
        };
        let Some(entry) = parent.entry(last[0]) else {
            continue;
        };
        let Some(values) = values_of(entry.value, setting.kind) else {
            continue;
        };
        out.push(ConfigValue {
            name: setting.name,
            values,
            field: field.to_owned(),
            location: locate(entry.key.pos(), field),
        });
    }
    out
}

/// The fields of a program's configuration file that the program cannot
/// decode, among the parents of the fields kubeward reads: a string or a
/// list where a mapping holds the field, as `authorization: Webhook` for
/// the kubelet's `authorization.mode`. Null parents are left alone: they
/// decode as empty. Each problem is reported once, at the field.
pub fn read_problems(
    kind: ComponentKind,
    root: NodeRef<'_, '_>,
    locate: &dyn Fn(Pos, &str) -> Location,
) -> Vec<(Location, String)> {
    let mut out: Vec<(Location, String)> = Vec::new();
    let mut seen: Vec<String> = Vec::new();
    for setting in spec::settings(kind) {
        let Some(field) = setting.field else {
            continue;
        };
        let keys: Vec<&str> = field.split('.').collect();
        let mut node = root;
        for depth in 0..keys.len().saturating_sub(1) {
            let Some(entry) = node.entry(keys[depth]) else {
                break;
            };
            if entry.value.is_map() {
                node = entry.value;
                continue;
            }
            if entry.value.is_null() {
                break;
            }
            let path = keys[..=depth].join(".");
            if !seen.contains(&path) {
                let shown = entry.value.scalar_text().map_or_else(
                    || format!("`{path}`"),
                    |text| format!("`{path}: {}`", crate::mask_userinfo(&text)),
                );
                out.push((
                    locate(entry.key.pos(), &path),
                    format!(
                        "{shown} is a {}, not a mapping with `{}`; {} cannot decode the \
                         file and does not start",
                        entry.value.type_name(),
                        keys[depth + 1..].join("."),
                        kind.program(),
                    ),
                ));
                seen.push(path);
            }
            break;
        }
    }
    out
}

/// Reads the settings kubeward checks from the text of a program's
/// configuration file, YAML or JSON whatever its name, as `file` names it in
/// findings. Returns why the text cannot be read when it does not parse or
/// holds no mapping.
pub fn read_settings_text(
    kind: ComponentKind,
    file: &Arc<str>,
    text: &str,
) -> Result<Vec<ConfigValue>, String> {
    let chunks = kubeward_core::yaml::split_documents(text);
    let Some(chunk) = chunks.first() else {
        return Err("the file is empty".to_owned());
    };
    let parsed = kubeward_core::yaml::parse_document(*chunk);
    if let Some(error) = &parsed.error {
        return Err(format!(
            "invalid YAML or JSON at line {}, column {}: {}",
            error.pos.line, error.pos.col, error.message
        ));
    }
    let root = parsed
        .documents
        .first()
        .and_then(kubeward_yaml::Document::root)
        .filter(kubeward_yaml::NodeRef::is_map)
        .ok_or_else(|| "the file holds no mapping of settings".to_owned())?;
    let source = Source::new(file.clone(), chunk.text, chunk.first_line);
    let locate = |pos: Pos, field: &str| Location::in_source(&source, pos, field, None);
    Ok(read_settings(kind, root, &locate))
}

/// The values of a configuration field: a scalar's text, a sequence's
/// items, a mapping's `key=value` pairs (for feature gates).
fn values_of(node: NodeRef<'_, '_>, kind: Kind) -> Option<Vec<String>> {
    if node.is_seq() {
        return Some(
            node.items()
                .filter_map(|item| item.scalar_text().map(std::borrow::Cow::into_owned))
                .collect(),
        );
    }
    if node.is_map() {
        if kind != Kind::Map {
            return None;
        }
        return Some(
            node.entries()
                .into_iter()
                .filter_map(|entry| {
                    let key = entry.key_str()?;
                    let value = entry.value.scalar_text()?;
                    Some(format!("{key}={value}"))
                })
                .collect(),
        );
    }
    node.scalar_text().map(|text| vec![text.into_owned()])
}

/// The text of a string field, for reading paths and names.
pub fn text(node: NodeRef<'_, '_>, key: &str) -> Option<String> {
    node.get(key)?
        .scalar_text()
        .map(std::borrow::Cow::into_owned)
}
