//! Runs every fixture file under `tests/fixtures/exposure/` with every
//! registered rule, and compares the findings of the file's rule (named by
//! the file) with the paths each object lists in its
//! `test.kubeward.dev/expect` annotation. Each file has objects that must
//! pass (an empty annotation) and objects that must fail.

mod common;

use std::collections::BTreeSet;
use std::path::PathBuf;

use kubeward_rules::exposure::RULES;

fn fixture_files() -> Vec<PathBuf> {
    common::fixture_files("exposure")
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
fn fixtures_pass_and_fail() {
    for path in fixture_files() {
        let file = path.display().to_string();
        let yaml = std::fs::read_to_string(&path).expect("the fixture is readable");
        let expected = common::expectations(&file, &yaml);
        let failing = expected.values().filter(|p| !p.is_empty()).count();
        assert!(failing > 0, "{file}: no object expects a finding");
        assert!(
            failing < expected.len(),
            "{file}: no object expects to pass"
        );
    }
}

#[test]
fn fixtures_match_expectations() {
    let mut failures = Vec::new();
    for path in fixture_files() {
        let rule_id = path.file_stem().and_then(|s| s.to_str()).unwrap_or("");
        assert!(
            RULES.iter().any(|rule| rule.id == rule_id),
            "{}: no exposure rule is named {rule_id}",
            path.display()
        );
        common::compare_fixture(&path, rule_id, &mut failures);
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
