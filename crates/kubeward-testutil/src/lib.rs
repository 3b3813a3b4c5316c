//! Helpers for kubeward's tests.
//!
//! Some tests read public manifests and other projects' fixtures from a
//! folder beside the repository, `../shared` (or `$KUBEWARD_SHARED_DIR`).
//! Outside the development workspace that folder does not exist, so such
//! tests skip with a printed reason; with `KUBEWARD_REQUIRE_SHARED=1`, as CI
//! sets it, a missing folder fails the test instead.
//!
//! Tests that run real components (etcd, an OCI registry, openssl) find
//! them with [`require_program`], which skips the same way unless
//! `KUBEWARD_REQUIRE_SERVICES=1`.

use std::path::PathBuf;
use std::sync::Arc;

use kubeward_core::{Finding, Inventory, RuleDef, ScanOptions, ScanPlan, scan_text_with};

/// The shared test material, or `None` after printing why the calling test
/// skips. Panics when the folder is missing and `KUBEWARD_REQUIRE_SHARED` is
/// set.
pub fn shared_dir(test: &str) -> Option<PathBuf> {
    let dir = std::env::var_os("KUBEWARD_SHARED_DIR").map_or_else(
        || PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/../../../shared")),
        PathBuf::from,
    );
    if dir.is_dir() {
        return Some(dir);
    }
    let required = std::env::var_os("KUBEWARD_REQUIRE_SHARED").is_some_and(|v| v != "0");
    assert!(
        !required,
        "{test}: shared test material not found at {} and KUBEWARD_REQUIRE_SHARED is set",
        dir.display()
    );
    eprintln!(
        "skipping {test}: shared test material not found at {} (set KUBEWARD_SHARED_DIR)",
        dir.display()
    );
    None
}

/// Runs `rules` over YAML text as a scan of a file named `file` would,
/// inventory rules included, and returns the findings sorted by position.
pub fn check(
    file: &str,
    yaml: &str,
    rules: &[&'static RuleDef],
    options: ScanOptions,
) -> Vec<Finding> {
    let file: Arc<str> = Arc::from(file);
    let report = scan_text_with(&file, yaml, &ScanPlan::new(rules, options));
    let mut findings = report.findings;
    findings.extend(Inventory::new(report.stored).check(rules, options));
    findings.sort_by(|a, b| a.sort_key().cmp(&b.sort_key()));
    findings
}

/// The path of a program that a test runs as a real component (such as
/// `etcd` or `openssl`), or `None` after printing why the calling test
/// skips. Looks in `PATH` and in `/usr/sbin` and `/usr/bin`. Panics when the
/// program is missing and `KUBEWARD_REQUIRE_SERVICES` is set, as CI sets it
/// after installing the Debian packages the tests need.
pub fn require_program(test: &str, program: &str) -> Option<PathBuf> {
    let path_dirs = std::env::var_os("PATH")
        .map(|paths| std::env::split_paths(&paths).collect::<Vec<_>>())
        .unwrap_or_default();
    let found = path_dirs
        .into_iter()
        .chain([PathBuf::from("/usr/sbin"), PathBuf::from("/usr/bin")])
        .map(|dir| dir.join(program))
        .find(|candidate| candidate.is_file());
    if found.is_some() {
        return found;
    }
    let required = std::env::var_os("KUBEWARD_REQUIRE_SERVICES").is_some_and(|v| v != "0");
    assert!(
        !required,
        "{test}: program `{program}` not found and KUBEWARD_REQUIRE_SERVICES is set"
    );
    eprintln!("skipping {test}: program `{program}` not found (install its Debian package)");
    None
}
