//! Runs every fixture file under `tests/fixtures/container/` with every
//! registered rule, and compares the findings of the file's rule (named by
//! the file) with the paths each object lists in its
//! `test.kubeward.dev/expect` annotation.

mod common;

use std::collections::BTreeSet;
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
        common::compare_fixture(&path, rule_id, &mut failures);
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
