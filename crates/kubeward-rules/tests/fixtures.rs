//! Runs every fixture file under `tests/fixtures/container/` with every
//! registered rule, and compares the findings of the file's rule (named by
//! the file) with the paths each object lists in its
//! `test.kubeward.dev/expect` annotation.

mod common;

use std::collections::{BTreeMap, BTreeSet};
use std::path::PathBuf;

use kubeward_rules::container::RULES;

fn fixture_files() -> Vec<PathBuf> {
    common::fixture_files("container")
}

#[test]
fn every_rule_has_fixture() {
    let files: BTreeSet<String> = fixture_files()
        .iter()
        .filter_map(|p| Some(p.file_stem()?.to_str()?.to_owned()))
        .collect();
    for rule in RULES {
        assert!(files.contains(rule.id), "no fixture file for {}", rule.id);
    }
}

#[test]
fn fixtures_match_expectations() {
    let mut failures = Vec::new();
    for path in fixture_files() {
        let rule_id = path.file_stem().and_then(|s| s.to_str()).unwrap_or("");
        assert!(
            RULES.iter().any(|rule| rule.id == rule_id),
            "{}: no container rule is named {rule_id}",
            path.display()
        );
        let file = path.display().to_string();
        let yaml = std::fs::read_to_string(&path).expect("the fixture is readable");
        let expected = common::expectations(&file, &yaml);
        let findings = common::check_all(&file, &yaml);

        let errors = common::of_rule(&findings, "parse-error");
        assert!(errors.is_empty(), "{file}: parse errors {errors:#?}");

        let mut actual: BTreeMap<String, Vec<String>> = BTreeMap::new();
        for finding in common::of_rule(&findings, rule_id) {
            let object = finding
                .object
                .as_ref()
                .expect("container findings name an object");
            let path = finding
                .path
                .clone()
                .expect("container findings have a path");
            actual
                .entry(common::object_key(object))
                .or_default()
                .push(path);
        }
        for paths in actual.values_mut() {
            paths.sort();
        }
        for key in actual.keys() {
            if !expected.contains_key(key) {
                failures.push(format!("{file}: finding on unknown object {key}"));
            }
        }
        for (key, paths) in &expected {
            let got = actual.get(key).cloned().unwrap_or_default();
            if &got != paths {
                failures.push(format!(
                    "{file}: {key}\n    expected {paths:?}\n    got      {got:?}"
                ));
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
