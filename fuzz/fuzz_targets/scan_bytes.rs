//! Scans arbitrary bytes as one manifest file with the intake and Pod
//! Security Standards rules, and checks that every finding points inside
//! the input.
//!
//! kubeward catches panics of its libyaml fallback (`libyaml-safer` 0.3
//! panics on some malformed input) and reports a parse error instead.
//! libFuzzer's panic hook would abort on those caught panics too, so the
//! target replaces it with one that only prints the message. A panic that
//! escapes `scan_bytes` still aborts: libfuzzer-sys catches it at the top.

#![no_main]

use std::sync::{Arc, Once};

use kubeward_core::{RuleDef, ScanOptions, intake, scan_bytes, yaml};
use libfuzzer_sys::fuzz_target;

static PANIC_HOOK: Once = Once::new();

fuzz_target!(|data: &[u8]| {
    PANIC_HOOK.call_once(|| {
        std::panic::set_hook(Box::new(|info| {
            eprintln!("panic (caught or fatal): {info}")
        }));
    });
    let file: Arc<str> = Arc::from("fuzz.yaml");
    let rules: Vec<&'static RuleDef> = intake::RULES
        .iter()
        .chain(kubeward_pss::RULES)
        .copied()
        .collect();
    let report = scan_bytes(&file, data, &rules, ScanOptions::default());

    let decoded = yaml::decode(data).text;
    let text = yaml::normalize_line_breaks(&decoded);
    let lines: Vec<&str> = text.split('\n').collect();
    for finding in &report.findings {
        assert!(finding.line >= 1, "line 0: {finding:?}");
        assert!(finding.column >= 1, "column 0: {finding:?}");
        let line = lines.get(finding.line as usize - 1);
        assert!(line.is_some(), "line beyond the input: {finding:?}");
        let width = line.map_or(0, |l| l.chars().count());
        assert!(
            finding.column as usize <= width + 1,
            "column beyond its line: {finding:?}"
        );
    }
});
