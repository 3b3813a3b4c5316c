//! Components installed under a node root that runs none: the static pod
//! manifests and systemd units found there, read with the files they name
//! (environment files, configuration files) under the same root.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use kubeward_components::config::read_settings_text;
use kubeward_components::source::{static_pod, unit};
use kubeward_core::component::SettingSource;
use kubeward_core::yaml;
use kubeward_core::{Component, Object, Source, Warning};

use crate::paths::Resolver;
use crate::process::describe_io;

/// Reads the components of `files` (static pod manifests, units and
/// drop-ins) under `root`, adding the manifests read to `manifests`.
/// Returns the files that are neither, to scan as a `kubeward scan` would.
pub fn read(
    root: &Path,
    files: &[PathBuf],
    found: &mut Vec<(Component, Resolver)>,
    warnings: &mut Vec<Warning>,
    read_files: &mut BTreeSet<PathBuf>,
    manifests: &mut Vec<PathBuf>,
) -> Vec<PathBuf> {
    let resolver = Resolver::at(root);
    let mut rest = Vec::new();
    let mut units: Vec<(String, Vec<PathBuf>)> = Vec::new();
    for path in files {
        let Some(name) = unit_of(path) else {
            if is_manifest(path) {
                if read_manifest(path, &resolver, found, warnings) {
                    read_files.insert(path.clone());
                    manifests.push(path.clone());
                }
            } else {
                rest.push(path.clone());
            }
            continue;
        };
        match units.iter_mut().find(|(unit, _)| *unit == name) {
            Some((_, paths)) => paths.push(path.clone()),
            None => units.push((name, vec![path.clone()])),
        }
    }
    for (name, paths) in units {
        read_unit(&name, &paths, &resolver, found, warnings, read_files);
    }
    rest
}

fn is_manifest(path: &Path) -> bool {
    path.parent()
        .and_then(Path::file_name)
        .is_some_and(|dir| dir.to_string_lossy().ends_with("manifests"))
}

/// Returns the unit that a unit file or drop-in belongs to, such as
/// `kubelet.service`.
fn unit_of(path: &Path) -> Option<String> {
    let name = path.file_name()?.to_str()?;
    if Path::new(name).extension().is_some_and(|e| e == "service") {
        return Some(name.to_owned());
    }
    let dir = path.parent()?.file_name()?.to_str()?;
    dir.strip_suffix(".d")
        .filter(|unit| Path::new(unit).extension().is_some_and(|e| e == "service"))
        .map(str::to_owned)
}

fn read_manifest(
    path: &Path,
    resolver: &Resolver,
    found: &mut Vec<(Component, Resolver)>,
    warnings: &mut Vec<Warning>,
) -> bool {
    let text = match std::fs::read(path) {
        Ok(bytes) => String::from_utf8_lossy(&bytes).into_owned(),
        Err(err) => {
            warnings.push(warning(
                path,
                format!("cannot read static pod manifest: {}", describe_io(&err)),
            ));
            return false;
        }
    };
    let file = crate::display(path);
    let text = yaml::normalize_line_breaks(&text);
    for chunk in yaml::split_documents(&text) {
        let parsed = yaml::parse_document(chunk);
        let source = Source::new(file.clone(), chunk.text, chunk.first_line);
        for document in &parsed.documents {
            let Some(object) = document.root().and_then(|root| Object::new(&source, root)) else {
                continue;
            };
            for mut component in static_pod::components(&object) {
                read_config(&mut component, resolver);
                found.push((component, resolver.clone()));
            }
        }
    }
    true
}

/// Reads the unit whose files are `paths` (the unit file before its
/// drop-ins, as systemd reads them). The file with the last `ExecStart`
/// gives the command; the environment files every file names are read
/// under the root and their variables added, as systemd does.
fn read_unit(
    name: &str,
    paths: &[PathBuf],
    resolver: &Resolver,
    found: &mut Vec<(Component, Resolver)>,
    warnings: &mut Vec<Warning>,
    read_files: &mut BTreeSet<PathBuf>,
) {
    let mut texts = Vec::new();
    for path in paths {
        match std::fs::read(path) {
            Ok(bytes) => {
                read_files.insert(path.clone());
                let text = String::from_utf8_lossy(&bytes).into_owned();
                texts.push((path, expand_specifiers(&text, name)));
            }
            Err(err) => warnings.push(warning(
                path,
                format!("cannot read systemd unit: {}", describe_io(&err)),
            )),
        }
    }
    // Environment= and EnvironmentFile= lines of every file apply.
    let mut environment = String::new();
    for (_, text) in &texts {
        for line in service_lines(text) {
            if line.starts_with("Environment=") {
                environment.push_str(line);
                environment.push('\n');
            }
        }
    }
    let Some(last) = texts
        .iter()
        .rposition(|(_, text)| service_lines(text).any(|l| l.starts_with("ExecStart=")))
    else {
        return;
    };
    let mut files_env = String::new();
    for (_, text) in &texts {
        for line in service_lines(text) {
            let Some(value) = line.strip_prefix("EnvironmentFile=") else {
                continue;
            };
            if let Some(lines) = environment_file(value.trim(), resolver, read_files) {
                files_env.push_str(&lines);
            } else {
                // Left as it is, the file's variables stay unresolved.
                files_env.push_str(line);
                files_env.push('\n');
            }
        }
    }
    let (path, text) = &texts[last];
    // The command's file keeps its line numbers. The variables of every
    // file follow in file order, then those of the environment files,
    // because systemd lets environment files override Environment=.
    let mut merged: String = text
        .lines()
        .map(|line| {
            let trimmed = line.trim_start();
            if trimmed.starts_with("EnvironmentFile=") || trimmed.starts_with("Environment=") {
                "#\n".to_owned()
            } else {
                format!("{line}\n")
            }
        })
        .collect();
    merged.push_str("[Service]\n");
    merged.push_str(&environment);
    merged.push_str(&files_env);
    let file = crate::display(path);
    let read = unit::read(&file, &merged);
    warnings.extend(read.warnings);
    for mut component in read.components {
        read_config(&mut component, resolver);
        found.push((component, resolver.clone()));
    }
}

/// Returns the trimmed lines of the `[Service]` sections.
fn service_lines(text: &str) -> impl Iterator<Item = &str> {
    let mut section = "";
    text.lines().filter_map(move |line| {
        let line = line.trim();
        if line.starts_with('[') && line.ends_with(']') {
            section = line;
            return None;
        }
        (section == "[Service]").then_some(line)
    })
}

/// Reads the variables of an `EnvironmentFile=` value as `Environment=`
/// lines. A missing file named with a leading `-` sets nothing, because
/// systemd skips it. Returns `None` for any other file that cannot be read,
/// whose variables then stay unresolved.
fn environment_file(
    value: &str,
    resolver: &Resolver,
    read_files: &mut BTreeSet<PathBuf>,
) -> Option<String> {
    let (optional, named) = match value.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, value),
    };
    let path = resolver.resolve(named);
    match std::fs::read(&path) {
        Ok(bytes) => {
            read_files.insert(path);
            let text = String::from_utf8_lossy(&bytes);
            Some(environment_lines(&text))
        }
        Err(err) if optional && err.kind() == std::io::ErrorKind::NotFound => Some(String::new()),
        Err(_) => None,
    }
}

/// Converts the `NAME=value` lines of an environment file to quoted
/// `Environment=` lines, removing the quotes around each value.
fn environment_lines(text: &str) -> String {
    let mut out = String::new();
    for line in text.lines() {
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') || line.starts_with(';') {
            continue;
        }
        let line = line.strip_prefix("export ").unwrap_or(line);
        let Some((name, value)) = line.split_once('=') else {
            continue;
        };
        let value = value.trim();
        let value = ['"', '\'']
            .iter()
            .find_map(|q| value.strip_prefix(*q).and_then(|v| v.strip_suffix(*q)))
            .unwrap_or(value);
        let escaped = format!("{}={value}", name.trim())
            .replace('\\', "\\\\")
            .replace('"', "\\\"");
        out.push_str("Environment=\"");
        out.push_str(&escaped);
        out.push_str("\"\n");
    }
    out
}

/// Expands the specifiers of systemd.unit(5) that name the unit in the
/// `ExecStart=`, `Environment=` and `EnvironmentFile=` lines of a file of
/// unit `unit` (such as `kubelet.service` or `etcd@main.service`): `%n`
/// the full name, `%N` the name without its type suffix, `%p` the prefix
/// before `@`, `%i` the instance, `%I` the instance unescaped, `%%` a
/// percent sign. Other specifiers are left as written.
pub fn expand_specifiers(text: &str, unit: &str) -> String {
    let without_type = unit.rsplit_once('.').map_or(unit, |(name, _)| name);
    let (prefix, instance) = without_type.split_once('@').unwrap_or((without_type, ""));
    let mut out = String::with_capacity(text.len());
    for line in text.split_inclusive('\n') {
        let key = line.trim_start().split('=').next().unwrap_or("").trim();
        if !matches!(key, "ExecStart" | "Environment" | "EnvironmentFile") {
            out.push_str(line);
            continue;
        }
        let mut chars = line.chars();
        while let Some(c) = chars.next() {
            if c != '%' {
                out.push(c);
                continue;
            }
            match chars.next() {
                Some('n') => out.push_str(unit),
                Some('N') => out.push_str(without_type),
                Some('p') => out.push_str(prefix),
                Some('i') => out.push_str(instance),
                Some('I') => out.push_str(&unescape(instance)),
                Some(other) if other != '%' => {
                    out.push('%');
                    out.push(other);
                }
                Some(_) | None => out.push('%'),
            }
        }
    }
    out
}

/// Undoes systemd's name escaping, in which `-` stands for `/` and `\xNN`
/// for a byte.
fn unescape(text: &str) -> String {
    let mut bytes = Vec::new();
    let raw = text.as_bytes();
    let mut index = 0;
    while index < raw.len() {
        if raw[index] == b'-' {
            bytes.push(b'/');
        } else if raw[index] == b'\\' && raw.get(index + 1) == Some(&b'x') {
            if let Some(byte) = text
                .get(index + 2..index + 4)
                .and_then(|hex| u8::from_str_radix(hex, 16).ok())
            {
                bytes.push(byte);
                index += 4;
                continue;
            }
            bytes.push(raw[index]);
        } else {
            bytes.push(raw[index]);
        }
        index += 1;
    }
    String::from_utf8_lossy(&bytes).into_owned()
}

/// Reads the configuration file a component built from an installed file
/// names, under the root, in place of the one the reader could not open:
/// its values replace defaults and installer values, and flags and
/// environment variables keep winning over it.
pub fn read_config(component: &mut Component, resolver: &Resolver) {
    let Some(index) = component
        .undetermined
        .iter()
        .position(|u| u.input.starts_with("config file "))
    else {
        return;
    };
    let named = component.undetermined[index].input["config file ".len()..].to_owned();
    let path = resolver.resolve(&named);
    let text = match std::fs::read(&path) {
        Ok(bytes) => String::from_utf8_lossy(&bytes).into_owned(),
        Err(err) => {
            component.undetermined[index].reason =
                format!("cannot read {}: {}", path.display(), describe_io(&err));
            return;
        }
    };
    let file: Arc<str> = Arc::from(named.as_str());
    match read_settings_text(component.kind, &file, &text) {
        Ok(values) => {
            component.undetermined.remove(index);
            for value in values {
                let keep = component.setting(value.name).is_some_and(|s| {
                    matches!(
                        s.source,
                        SettingSource::Flag | SettingSource::Environment(_)
                    )
                });
                if !keep {
                    component.set(kubeward_core::component::Setting {
                        name: value.name.to_owned(),
                        values: value.values,
                        source: SettingSource::ConfigFile {
                            path: named.clone(),
                            field: value.field,
                        },
                        location: value.location,
                    });
                }
            }
        }
        Err(reason) => component.undetermined[index].reason = reason,
    }
}

fn warning(path: &Path, message: String) -> Warning {
    Warning {
        file: crate::display(path),
        line: None,
        message,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn expands_unit_specifiers() {
        let text = "EnvironmentFile=-/etc/default/%p\nExecStart=/usr/bin/%N --name=%i --dir=%I --pct=100%%\nDescription=%p\n";
        assert_eq!(
            expand_specifiers(text, "etcd@a-b.service"),
            "EnvironmentFile=-/etc/default/etcd\nExecStart=/usr/bin/etcd@a-b --name=a-b --dir=a/b --pct=100%\nDescription=%p\n"
        );
    }

    #[test]
    fn environment_files_become_quoted_lines() {
        assert_eq!(
            environment_lines("# c\nA=\"--x=1 --y=2\"\nB='q'\n"),
            "Environment=\"A=--x=1 --y=2\"\nEnvironment=\"B=q\"\n"
        );
    }
}
