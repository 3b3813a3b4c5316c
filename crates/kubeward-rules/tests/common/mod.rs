//! Helpers shared by the integration tests: running rules on YAML text and
//! reading the expectations that fixture objects carry.

#![allow(dead_code, reason = "each test binary uses a different subset")]

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use kubeward_core::{Finding, ObjectRef, RuleDef, ScanOptions};
use kubeward_yaml::NodeRef;

/// The annotation in which a fixture object lists the field paths of the
/// findings it expects from the fixture's rule, comma-separated.
pub const EXPECT_ANNOTATION: &str = "test.kubeward.dev/expect";

/// Runs every registered rule on `yaml`.
pub fn check_all(file: &str, yaml: &str) -> Vec<Finding> {
    let rules: Vec<&'static RuleDef> = kubeward_rules::all().collect();
    kubeward_testutil::check(file, yaml, &rules, ScanOptions::default())
}

/// Runs one rule on `yaml`.
pub fn check_one(rule: &'static RuleDef, yaml: &str) -> Vec<Finding> {
    kubeward_testutil::check("test.yaml", yaml, &[rule], ScanOptions::default())
}

/// The findings of `rule_id` among `findings`.
pub fn of_rule<'f>(findings: &'f [Finding], rule_id: &str) -> Vec<&'f Finding> {
    findings.iter().filter(|f| f.rule == rule_id).collect()
}

/// `Kind/name`, the key that identifies a fixture object.
pub fn object_key(reference: &ObjectRef) -> String {
    format!(
        "{}/{}",
        reference.kind,
        reference.name.as_deref().unwrap_or("<unnamed>")
    )
}

/// The expected field paths of every object in a fixture file, sorted, by
/// [`object_key`]. A path listed twice expects two findings there. Items of a `List` are objects of their own. Panics when
/// an object has no expectation annotation or two objects share a key.
pub fn expectations(file: &str, yaml: &str) -> BTreeMap<String, Vec<String>> {
    let mut out = BTreeMap::new();
    for chunk in kubeward_yaml::split_documents(yaml) {
        let parsed = kubeward_yaml::parse_document(chunk);
        assert!(
            parsed.error.is_none(),
            "{file}: invalid YAML: {:?}",
            parsed.error
        );
        for document in &parsed.documents {
            let Some(root) = document.root() else {
                continue;
            };
            let is_list = root.get_str("kind").is_some_and(|k| k.ends_with("List"))
                && root.get("items").is_some_and(|i| i.is_seq());
            if is_list {
                for item in root.get("items").iter().flat_map(NodeRef::items) {
                    add_expectation(file, item, &mut out);
                }
            } else {
                add_expectation(file, root, &mut out);
            }
        }
    }
    out
}

fn add_expectation(file: &str, object: NodeRef<'_, '_>, out: &mut BTreeMap<String, Vec<String>>) {
    let kind = object.get_str("kind").unwrap_or("<no kind>");
    let metadata = object.get("metadata");
    let name = metadata
        .and_then(|m| m.get_str("name"))
        .unwrap_or("<unnamed>");
    let key = format!("{kind}/{name}");
    let Some(expect) = metadata
        .and_then(|m| m.get("annotations"))
        .and_then(|a| a.get("test.kubeward.dev/expect"))
    else {
        panic!("{file}: {key} has no {EXPECT_ANNOTATION} annotation");
    };
    let text = expect.as_str().unwrap_or("");
    let mut paths: Vec<String> = text
        .split(',')
        .map(str::trim)
        .filter(|p| !p.is_empty())
        .map(str::to_owned)
        .collect();
    paths.sort();
    assert!(
        out.insert(key.clone(), paths).is_none(),
        "{file}: two objects are named {key}"
    );
}

/// Returns the `.yaml` files of `tests/fixtures/FAMILY/`, sorted by name.
pub fn fixture_files(family: &str) -> Vec<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(family);
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .expect("the fixture directory is readable")
        .map(|entry| entry.expect("a directory entry").path())
        .filter(|path| path.extension().is_some_and(|e| e == "yaml"))
        .collect();
    files.sort();
    files
}

/// Runs every rule on the fixture file at `path` and compares the findings
/// of `rule_id` with the paths each object expects, adding a line to
/// `failures` for each difference.
pub fn compare_fixture(path: &Path, rule_id: &str, failures: &mut Vec<String>) {
    let file = path.display().to_string();
    let yaml = std::fs::read_to_string(path).expect("the fixture is readable");
    let expected = expectations(&file, &yaml);
    let findings = check_all(&file, &yaml);

    let errors = of_rule(&findings, "parse-error");
    assert!(errors.is_empty(), "{file}: parse errors {errors:#?}");

    let mut actual: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for finding in of_rule(&findings, rule_id) {
        let object = finding.object.as_ref().expect("findings name an object");
        let path = finding.path.clone().expect("findings have a path");
        actual.entry(object_key(object)).or_default().push(path);
    }
    for paths in actual.values_mut() {
        paths.sort();
    }
    for (key, got) in &actual {
        if !expected.contains_key(key) {
            failures.push(format!("{file}: finding on unknown object {key}: {got:?}"));
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
