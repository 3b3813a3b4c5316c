//! The JSON output, schema version 1.

use kubeward_core::{Finding, Report, ScanStats, Warning};
use serde::Serialize;

/// Version of the JSON output's schema. It changes only when a field is
/// removed or changes meaning; new fields may appear within a version.
pub const SCHEMA_VERSION: &str = "1";

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Document<'r> {
    schema_version: &'static str,
    tool: Tool,
    findings: &'r [Finding],
    warnings: &'r [Warning],
    stats: ScanStats,
}

#[derive(Serialize)]
struct Tool {
    name: &'static str,
    version: &'static str,
}

/// Renders the report as one JSON document.
pub fn render(report: &Report) -> String {
    let document = Document {
        schema_version: SCHEMA_VERSION,
        tool: Tool {
            name: "kubeward",
            version: env!("CARGO_PKG_VERSION"),
        },
        findings: &report.findings,
        warnings: &report.warnings,
        stats: report.stats,
    };
    let mut out = serde_json::to_string_pretty(&document).expect("report serializes to JSON");
    out.push('\n');
    out
}
