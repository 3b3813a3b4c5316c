//! Runs each rule over its fixture file, `tests/fixtures/<rule id>.yaml`.
//!
//! Every object in a fixture file carries the annotation
//! `test.kubeward.dev/expect`: the field paths of the findings the rule must
//! report on it, separated by commas, or an empty string for none. An
//! optional `test.kubeward.dev/version` annotation sets the policy version
//! (`latest` otherwise).

use std::fs;
use std::path::PathBuf;

use kubeward_core::{ContainerKind, Finding, PssVersion, RuleDef, ScanOptions};
use kubeward_yaml::{parse_document, split_documents};

const EXPECT: &str = "test.kubeward.dev/expect";
const VERSION: &str = "test.kubeward.dev/version";

/// One object of a fixture file and what the rule must report on it.
struct Case {
    name: String,
    text: String,
    version: PssVersion,
    expected: Vec<String>,
}

fn fixture_path(rule: &RuleDef) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(format!("{}.yaml", rule.id))
}

fn read_cases(rule: &RuleDef) -> Result<Vec<Case>, String> {
    let path = fixture_path(rule);
    let text =
        fs::read_to_string(&path).map_err(|e| format!("cannot read {}: {e}", path.display()))?;
    let mut cases = Vec::new();
    for chunk in split_documents(&text) {
        let parsed = parse_document(chunk);
        if let Some(error) = parsed.error {
            return Err(format!(
                "{}: invalid YAML at {}: {}",
                path.display(),
                error.pos,
                error.message
            ));
        }
        for document in &parsed.documents {
            let Some(root) = document.root() else {
                continue;
            };
            let name = root
                .path(&["metadata", "name"])
                .and_then(|n| n.as_str())
                .unwrap_or("<unnamed>")
                .to_owned();
            let annotations = root.path(&["metadata", "annotations"]);
            let expect = annotations
                .and_then(|a| a.entry(EXPECT))
                .map(|entry| entry.value.as_str().unwrap_or(""))
                .ok_or_else(|| format!("{}: object {name} has no {EXPECT} annotation", rule.id))?;
            let version = match annotations.and_then(|a| a.get_str(VERSION)) {
                Some(version) => version
                    .parse()
                    .map_err(|e| format!("{}: object {name}: {e}", rule.id))?,
                None => PssVersion::Latest,
            };
            let expected = expect
                .split(',')
                .map(str::trim)
                .filter(|path| !path.is_empty())
                .map(str::to_owned)
                .collect();
            cases.push(Case {
                name,
                text: chunk.text.to_owned(),
                version,
                expected,
            });
        }
    }
    Ok(cases)
}

/// Returns the container list a field path points into, if any.
fn container_kind(path: &str) -> Option<ContainerKind> {
    [
        ContainerKind::Init,
        ContainerKind::Ephemeral,
        ContainerKind::Regular,
    ]
    .into_iter()
    .find(|kind| path.contains(&format!("spec.{}[", kind.field())))
}

/// Problems with the findings of one case, as readable lines.
fn check_case(rule: &'static RuleDef, case: &Case) -> Vec<String> {
    let options = ScanOptions {
        pss_version: case.version,
        ..ScanOptions::default()
    };
    let findings: Vec<Finding> = kubeward_testutil::check(rule.id, &case.text, &[rule], options);
    let mut problems = Vec::new();
    let mut actual: Vec<String> = findings
        .iter()
        .map(|f| f.path.clone().unwrap_or_default())
        .collect();
    actual.sort();
    let mut expected = case.expected.clone();
    expected.sort();
    if actual != expected {
        problems.push(format!(
            "{} / {} at {}: expected {expected:?}, found {actual:?}",
            rule.id, case.name, case.version
        ));
    }
    for finding in &findings {
        let path = finding.path.as_deref().unwrap_or("");
        let kind = container_kind(path);
        // Annotations keyed by container name are attached to that
        // container when it exists; other findings carry the container
        // their path points into, and only that.
        let is_annotation = path.contains(".annotations[");
        if !is_annotation && finding.container.as_ref().map(|c| c.kind) != kind {
            problems.push(format!(
                "{} / {}: finding at {path} has container {:?}, expected kind {kind:?}",
                rule.id, case.name, finding.container
            ));
        }
        if finding.message.is_empty() || finding.line == 0 {
            problems.push(format!(
                "{} / {}: finding at {path} lacks a message or a position",
                rule.id, case.name
            ));
        }
    }
    problems
}

#[test]
fn rule_fixtures_match() {
    let mut problems = Vec::new();
    let mut cases_run = 0;
    for &rule in kubeward_pss::RULES {
        match read_cases(rule) {
            Ok(cases) => {
                if cases.len() < 3 {
                    problems.push(format!("{}: fewer than 3 fixture objects", rule.id));
                }
                for case in &cases {
                    cases_run += 1;
                    problems.extend(check_case(rule, case));
                }
            }
            Err(error) => problems.push(error),
        }
    }
    assert!(cases_run > 0, "no fixture objects were found");
    assert!(
        problems.is_empty(),
        "{} problems:\n{}",
        problems.len(),
        problems.join("\n")
    );
}
