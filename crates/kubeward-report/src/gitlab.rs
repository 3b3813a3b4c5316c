//! The GitLab code quality report (`artifacts:reports:codequality`): a
//! JSON array with one Code Climate issue per finding, which GitLab shows
//! in merge requests and on the changed lines of their diffs.
//!
//! Each element satisfies GitLab's `codeclimate.json` schema, which
//! requires `description`, `fingerprint`, `severity` and `location`;
//! `check_name` and `location.lines.begin` are set too. GitLab shows only
//! the first issue of a repeated fingerprint, and kubeward's fingerprints
//! are distinct within a report. Severities map
//! one to one onto GitLab's scale: info, low → minor, medium → major,
//! high → critical, critical → blocker.
//!
//! Warnings and unreadable inputs are not code quality issues and are not
//! listed; the other outputs show them.

use kubeward_core::{Finding, Severity};
use serde::Serialize;

use crate::ScanOutput;
use crate::json::to_pretty_json;

#[derive(Serialize)]
struct Issue<'a> {
    #[serde(rename = "type")]
    kind: &'static str,
    check_name: &'a str,
    description: String,
    categories: [&'static str; 1],
    severity: &'static str,
    fingerprint: &'a str,
    location: Location<'a>,
}

#[derive(Serialize)]
struct Location<'a> {
    path: &'a str,
    lines: Lines,
}

#[derive(Serialize)]
struct Lines {
    begin: u32,
}

/// Renders the findings as a GitLab code quality report.
pub fn render(scan: &ScanOutput<'_>) -> String {
    let fingerprints = scan.fingerprints();
    let issues: Vec<Issue<'_>> = scan
        .report
        .findings
        .iter()
        .zip(fingerprints.iter())
        .map(|(finding, fingerprint)| issue(finding, fingerprint))
        .collect();
    to_pretty_json(&issues)
}

fn issue<'a>(finding: &'a Finding, fingerprint: &'a str) -> Issue<'a> {
    let mut description = format!("[{}] {}", finding.rule, finding.message);
    if let Some(object) = &finding.object {
        description.push_str(" (");
        description.push_str(&object.display_name());
        description.push(')');
    }
    Issue {
        kind: "issue",
        check_name: finding.rule,
        description,
        categories: ["Security"],
        severity: severity(finding.severity),
        fingerprint,
        location: Location {
            path: path(&finding.file),
            lines: Lines {
                begin: finding.line,
            },
        },
    }
}

/// GitLab's name of a severity.
pub fn severity(severity: Severity) -> &'static str {
    match severity {
        Severity::Info => "info",
        Severity::Low => "minor",
        Severity::Medium => "major",
        Severity::High => "critical",
        Severity::Critical => "blocker",
    }
}

/// The path as GitLab matches it against the repository: relative, without
/// a leading `./`.
fn path(file: &str) -> &str {
    file.strip_prefix("./").unwrap_or(file)
}
