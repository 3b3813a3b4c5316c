//! Helpers shared by the integration tests: scanning with the intake and
//! Pod Security Standards rules, and picking findings apart.

#![allow(dead_code, reason = "each test binary uses a different subset")]

use std::path::{Path, PathBuf};
use std::sync::Arc;

use kubeward_core::{FileReport, Finding, RuleDef, ScanOptions, intake, scan_bytes, scan_text};

/// Returns the intake rules and the Pod Security Standards rules.
pub fn rules() -> Vec<&'static RuleDef> {
    intake::RULES
        .iter()
        .chain(kubeward_pss::RULES)
        .copied()
        .collect()
}

pub fn scan(file: &str, text: &str) -> FileReport {
    scan_text(&Arc::from(file), text, &rules(), ScanOptions::default())
}

pub fn scan_raw(file: &str, bytes: &[u8]) -> FileReport {
    scan_bytes(&Arc::from(file), bytes, &rules(), ScanOptions::default())
}

/// Findings of one rule, as (line, column) pairs in order.
pub fn positions(report: &FileReport, rule: &str) -> Vec<(u32, u32)> {
    let mut found: Vec<(u32, u32)> = of_rule(report, rule).map(|f| (f.line, f.column)).collect();
    found.sort_unstable();
    found
}

pub fn of_rule<'r>(report: &'r FileReport, rule: &'r str) -> impl Iterator<Item = &'r Finding> {
    report.findings.iter().filter(move |f| f.rule == rule)
}

/// A fixture file under `tests/fixtures`.
pub fn fixture(name: &str) -> String {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(name);
    std::fs::read_to_string(&path)
        .unwrap_or_else(|err| panic!("cannot read fixture {}: {err}", path.display()))
}

/// A directory under the system temporary directory, removed on drop.
pub struct TempDir(PathBuf);

impl TempDir {
    pub fn new(name: &str) -> Self {
        let path = std::env::temp_dir().join(format!("kubeward-{name}-{}", std::process::id()));
        std::fs::create_dir_all(&path).expect("create temporary directory");
        TempDir(path)
    }

    pub fn path(&self) -> &Path {
        &self.0
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}
