//! The text output: findings grouped by file and object.

use std::fmt::Write;

use kubeward_core::{Report, Severity};

/// Renders the report for a terminal or a log.
pub fn render(report: &Report) -> String {
    let mut out = String::new();
    let mut current_file: Option<&str> = None;
    for finding in &report.findings {
        if current_file != Some(&finding.file) {
            current_file = Some(&finding.file);
            let _ = writeln!(out, "{}", finding.file);
        }
        let object = finding
            .object
            .as_ref()
            .map(kubeward_core::ObjectRef::display_name)
            .unwrap_or_default();
        let _ = writeln!(
            out,
            "  {}:{} {} [{}] {} {}",
            finding.line, finding.column, finding.severity, finding.rule, object, finding.message
        );
    }
    for warning in &report.warnings {
        let _ = writeln!(out, "warning: {}: {}", warning.file, warning.message);
    }
    let counts = report.counts();
    let summary: Vec<String> = Severity::ALL
        .iter()
        .rev()
        .map(|s| format!("{} {}", counts[*s as usize], s))
        .collect();
    let _ = writeln!(
        out,
        "{} findings: {}",
        report.findings.len(),
        summary.join(", ")
    );
    out
}
