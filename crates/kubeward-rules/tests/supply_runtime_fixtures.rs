//! Runs the fixtures of the `supply-chain` and `runtime` families with
//! every registered rule and compares the findings of each fixture's rule
//! with the paths its objects list in the `test.kubeward.dev/expect`
//! annotation.
//!
//! A fixture is `tests/fixtures/<family>/<rule>.yaml`, or, for rules that
//! judge a whole set of manifests, `tests/fixtures/<family>/<rule>/<case>.yaml`
//! with one set per file. Every fixture runs with the allow-list
//! [`ALLOWED_REGISTRIES`].

mod common;

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use kubeward_core::{Family, RuleConfig, RuleDef, ScanOptions};

/// The registry allow-list the fixtures are checked with.
const ALLOWED_REGISTRIES: [&str; 3] = [
    "registry.example.com",
    "ghcr.io/example",
    "docker.io/library",
];

const FAMILIES: [(&str, Family); 2] = [
    ("supply-chain", Family::SupplyChain),
    ("runtime", Family::Runtime),
];

fn fixture_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures")
}

/// Every fixture file of a family, with the id of the rule it tests.
fn fixtures(family: &str) -> Vec<(String, PathBuf)> {
    let mut out = Vec::new();
    let dir = fixture_root().join(family);
    for entry in std::fs::read_dir(&dir).expect("the fixture directory is readable") {
        let path = entry.expect("a directory entry").path();
        let stem = path.file_stem().and_then(|s| s.to_str()).unwrap_or("");
        if path.is_dir() {
            for case in std::fs::read_dir(&path).expect("the case directory is readable") {
                let case = case.expect("a directory entry").path();
                if case.extension().is_some_and(|e| e == "yaml") {
                    out.push((stem.to_owned(), case));
                }
            }
        } else if path.extension().is_some_and(|e| e == "yaml") {
            out.push((stem.to_owned(), path));
        }
    }
    out.sort();
    out
}

fn rules_of(family: Family) -> Vec<&'static RuleDef> {
    kubeward_rules::all()
        .filter(|rule| rule.family == family)
        .collect()
}

fn options() -> ScanOptions {
    ScanOptions::default().with_config(RuleConfig {
        allowed_registries: ALLOWED_REGISTRIES.map(str::to_owned).to_vec(),
        ..RuleConfig::default()
    })
}

#[test]
fn every_rule_has_fixture() {
    for (dir, family) in FAMILIES {
        let covered: BTreeSet<String> = fixtures(dir).into_iter().map(|(rule, _)| rule).collect();
        for rule in rules_of(family) {
            assert!(covered.contains(rule.id), "no fixture for {}", rule.id);
        }
    }
}

#[test]
fn fixtures_match_expectations() {
    let all_rules: Vec<&'static RuleDef> = kubeward_rules::all().collect();
    let options = options();
    let mut failures = Vec::new();
    for (dir, family) in FAMILIES {
        for (rule_id, path) in fixtures(dir) {
            assert!(
                rules_of(family).iter().any(|rule| rule.id == rule_id),
                "{}: no {dir} rule is named {rule_id}",
                path.display()
            );
            let file = path.display().to_string();
            let yaml = std::fs::read_to_string(&path).expect("the fixture is readable");
            let expected = common::expectations(&file, &yaml);
            let findings = kubeward_testutil::check(&file, &yaml, &all_rules, options);
            let errors = common::of_rule(&findings, "parse-error");
            assert!(errors.is_empty(), "{file}: parse errors {errors:#?}");

            let mut actual: BTreeMap<String, Vec<String>> = BTreeMap::new();
            for finding in common::of_rule(&findings, &rule_id) {
                let object = finding.object.as_ref().expect("findings name an object");
                let path = finding.path.clone().expect("findings have a path");
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
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
