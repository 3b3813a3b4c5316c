//! Helpers shared by the RBAC tests: scanning with the `rbac` family,
//! naming the subject a finding is about, and asking `kubeward rbac`.

#![allow(dead_code, reason = "each test file uses a different part")]

use std::path::{Path, PathBuf};

use kubeward::{ScanResult, Scanner};
use kubeward_core::{Finding, KindSet, ScanOptions};
use kubeward_rbac::{Policy, SubjectKind};

/// Scans `paths` with every rule of the `rbac` family, keeping every
/// object. Panics when an input cannot be read.
pub fn scan_rbac(paths: &[PathBuf]) -> ScanResult {
    scan_with(paths, kubeward_rbac::RULES.to_vec())
}

/// Scans `paths` with `rules`, keeping every object.
pub fn scan_with(paths: &[PathBuf], rules: Vec<&'static kubeward_core::RuleDef>) -> ScanResult {
    let scanner = Scanner::with_rules(rules, ScanOptions::default());
    let result = scanner.scan_paths_keeping(paths, &KindSet::all());
    assert!(result.errors.is_empty(), "{:?}", result.errors);
    result
}

/// The subject a finding on a binding's `subjects[i]` is about, as
/// `Kind name` or `ServiceAccount namespace/name`.
pub fn subject_of(finding: &Finding, policy: &Policy<'_>) -> Option<String> {
    let index: usize = finding
        .path
        .as_deref()?
        .strip_prefix("subjects[")?
        .strip_suffix(']')?
        .parse()
        .ok()?;
    let object = finding.object.as_ref()?;
    let binding = policy.bindings().iter().find(|b| {
        !b.origin.builtin
            && **b.origin.object.file() == *finding.file
            && b.kind.as_str() == object.kind
            && Some(b.name) == object.name.as_deref()
            && b.namespace == object.namespace.as_deref()
    })?;
    let subject = binding.subjects.iter().find(|s| s.index == index)?;
    let resolved = subject.resolve(binding);
    Some(match (resolved.kind, resolved.namespace) {
        (SubjectKind::ServiceAccount, Some(ns)) => format!("ServiceAccount {ns}/{}", resolved.name),
        (kind, _) => format!("{} {}", kind.as_str(), resolved.name),
    })
}

/// The subjects of the findings of `rule`, sorted and without repeats.
pub fn subjects_of_rule(result: &ScanResult, rule: &str) -> Vec<String> {
    let policy = Policy::new(&result.inventory);
    let mut subjects: Vec<String> = result
        .report
        .findings
        .iter()
        .filter(|f| f.rule == rule)
        .filter_map(|f| subject_of(f, &policy))
        .collect();
    subjects.sort();
    subjects.dedup();
    subjects
}

/// The findings of `rule`.
pub fn findings_of<'r>(result: &'r ScanResult, rule: &str) -> Vec<&'r Finding> {
    result
        .report
        .findings
        .iter()
        .filter(|f| f.rule == rule)
        .collect()
}

/// Runs `kubeward rbac ARGS -o json` and returns the exit status and the
/// parsed document.
pub fn rbac_json(args: &[&str]) -> (i32, serde_json::Value) {
    let output = std::process::Command::new(env!("CARGO_BIN_EXE_kubeward"))
        .arg("rbac")
        .args(args)
        .args(["-o", "json"])
        .output()
        .expect("kubeward runs");
    let code = output.status.code().expect("kubeward exited normally");
    let stdout = String::from_utf8(output.stdout).expect("stdout is UTF-8");
    let value = serde_json::from_str(&stdout).unwrap_or_else(|err| {
        panic!(
            "invalid JSON ({err}) from kubeward rbac {args:?}: {stdout}\nstderr: {}",
            String::from_utf8_lossy(&output.stderr)
        )
    });
    (code, value)
}

/// The subjects of a who-can JSON answer, as `Kind name` or
/// `ServiceAccount namespace/name`, each with the namespace its grant is
/// limited to (`None` for cluster-wide).
pub fn who_can_subjects(answer: &serde_json::Value) -> Vec<(String, Option<String>)> {
    answer["grants"]
        .as_array()
        .expect("grants is an array")
        .iter()
        .map(|grant| {
            let subject = &grant["subject"];
            let kind = subject["kind"].as_str().unwrap_or_default();
            let name = subject["name"].as_str().unwrap_or_default();
            let text = match subject["namespace"].as_str() {
                Some(ns) => format!("{kind} {ns}/{name}"),
                None => format!("{kind} {name}"),
            };
            (text, grant["namespace"].as_str().map(str::to_owned))
        })
        .collect()
}

/// `path` as a string for command-line arguments.
pub fn arg(path: &Path) -> &str {
    path.to_str().expect("UTF-8 path")
}
