//! Programs and the configuration files they name, across the files of a
//! scan.
//!
//! A systemd unit, static pod manifest or saved command line that runs the
//! kubelet with `--config=config.yaml` is read in one file, and the
//! `KubeletConfiguration` it names in another. Files are scanned in
//! parallel and independently, so both wait in
//! [`FileReport::pending`](crate::FileReport::pending) until every file is
//! read. Then each program is merged with the configuration file it names,
//! when the scan read that file, and checked once. A configuration file
//! that a program named is not checked on its own; one that no program
//! names is.
//!
//! A named path is matched against the scanned files this way:
//! - a relative path is taken from the directory of the file that names
//!   it, and must be that scanned path;
//! - an absolute path matches a scanned file of that path, or else a
//!   scanned file whose path ends with all of the named path's components,
//!   as when a node's tree is copied and scanned under another directory.
//!   When several copies match, the one sharing the longest leading path
//!   with the naming file wins, then the first in path order.

use std::collections::HashSet;

use crate::component::check_component;
use crate::{Component, Finding, RuleDef, ScanOptions, redact};

/// Checks the components that waited for the other files of the scan: each
/// program merged with the scanned configuration file it names, and each
/// configuration file that no program names on its own.
pub fn check_linked_components(
    mut pending: Vec<Component>,
    rules: &[&'static RuleDef],
    options: ScanOptions,
) -> Vec<Finding> {
    pending.sort_by(|a, b| a.anchor.file.cmp(&b.anchor.file));
    let configs: Vec<usize> = (0..pending.len())
        .filter(|&i| pending[i].config_only)
        .collect();
    let mut used = HashSet::new();
    let mut checked = Vec::new();
    for program in pending.iter().filter(|c| !c.config_only) {
        let mut merged = program.clone();
        if let Some(named) = &program.config_file {
            let candidates: Vec<&Component> = configs
                .iter()
                .map(|&i| &pending[i])
                .filter(|config| config.kind == program.kind)
                .collect();
            if let Some(file) = resolve(named, &program.anchor.file, &candidates) {
                for (index, config) in configs.iter().map(|&i| (i, &pending[i])) {
                    if config.kind == program.kind && *config.anchor.file == *file {
                        merged.merge_config_file(config);
                        used.insert(index);
                    }
                }
            }
        }
        checked.push(merged);
    }
    for index in configs {
        if !used.contains(&index) {
            checked.push(pending[index].clone());
        }
    }
    let mut findings = Vec::new();
    for component in &checked {
        check_component(component, rules, options, &mut findings);
    }
    for finding in &mut findings {
        redact::screen_quote(finding, &[]);
    }
    findings
}

/// Finds the scanned file, among the files of `candidates`, that `named`
/// means when the file `from` names it.
fn resolve(named: &str, from: &str, candidates: &[&Component]) -> Option<String> {
    let files: Vec<(String, &str)> = candidates
        .iter()
        .map(|c| (normalize(&c.anchor.file), &*c.anchor.file))
        .collect();
    let wanted = if named.starts_with('/') {
        normalize(named)
    } else {
        let dir = from.rsplit_once('/').map_or(".", |(dir, _)| dir);
        normalize(&format!("{dir}/{named}"))
    };
    if let Some((_, file)) = files.iter().find(|(path, _)| *path == wanted) {
        return Some((*file).to_owned());
    }
    if !named.starts_with('/') {
        return None;
    }
    let from = normalize(from);
    files
        .iter()
        .filter_map(|(path, file)| {
            let root = path
                .strip_suffix(&wanted)
                .or_else(|| (path.as_str() == &wanted[1..]).then_some(""))?;
            let shared = shared_prefix(root, &from);
            Some((shared, *file))
        })
        .max_by(|a, b| a.0.cmp(&b.0).then_with(|| b.1.cmp(a.1)))
        .map(|(_, file)| file.to_owned())
}

/// `path` with `.` and empty components dropped and `..` applied, keeping
/// a leading `/`. A `..` above the start is kept, so paths that climb out
/// of the scanned tree still compare as written.
fn normalize(path: &str) -> String {
    let mut parts: Vec<&str> = Vec::new();
    for part in path.split('/') {
        match part {
            "" | "." => {}
            ".." if parts.last().is_some_and(|last| *last != "..") => {
                parts.pop();
            }
            _ => parts.push(part),
        }
    }
    let joined = parts.join("/");
    if path.starts_with('/') {
        format!("/{joined}")
    } else {
        joined
    }
}

/// Counts the whole leading components `a` and `b` share.
fn shared_prefix(a: &str, b: &str) -> usize {
    a.split('/')
        .zip(b.split('/'))
        .take_while(|(x, y)| x == y)
        .count()
}

#[cfg(test)]
mod tests {
    use super::normalize;

    #[test]
    fn paths_are_normalized() {
        assert_eq!(normalize("scan3/./config.yaml"), "scan3/config.yaml");
        assert_eq!(normalize("/a/b/../c"), "/a/c");
        assert_eq!(normalize("../x/config.yaml"), "../x/config.yaml");
        assert_eq!(normalize("/config.yaml"), "/config.yaml");
    }
}
