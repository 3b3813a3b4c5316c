//! The JSON output, schema version 1.
//!
//! `docs/json-output.md` describes every field and
//! `docs/schema/kubeward-report-v1.schema.json` is its JSON Schema. The
//! structs below are the format itself: they are written out field by
//! field, so a change to the core model cannot change the output unnoticed.

use std::io;

use kubeward_config::{BaselineSummary, Suppressed};
use kubeward_core::{ContainerKind, Finding, Severity, Warning};
use serde::Serialize;
use serde::ser::{SerializeSeq, Serializer};

use crate::{ScanOutput, Unreadable};

/// Version of the JSON output's schema. It changes only when a field is
/// removed or changes meaning; new fields may appear within a version.
pub const SCHEMA_VERSION: &str = "1";

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Document<'a> {
    schema_version: &'static str,
    tool: Tool,
    findings: LazyFindings<'a>,
    warnings: Vec<JsonWarning<'a>>,
    unreadable: Vec<JsonUnreadable<'a>>,
    stats: Stats,
    severity_counts: SeverityCounts,
    suppressed: Vec<JsonSuppressed<'a>>,
    baseline: Option<JsonBaseline<'a>>,
}

/// The findings of the report, each converted while it is written, so the
/// output never holds a second copy of every finding.
struct LazyFindings<'a> {
    findings: &'a [Finding],
    fingerprints: &'a [String],
}

impl Serialize for LazyFindings<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut seq = serializer.serialize_seq(Some(self.findings.len()))?;
        for (item, fingerprint) in self.findings.iter().zip(self.fingerprints) {
            seq.serialize_element(&finding(item, fingerprint))?;
        }
        seq.end()
    }
}

#[derive(Serialize)]
pub(crate) struct Tool {
    pub(crate) name: &'static str,
    pub(crate) version: &'static str,
}

pub(crate) const TOOL: Tool = Tool {
    name: "kubeward",
    version: env!("CARGO_PKG_VERSION"),
};

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct JsonFinding<'a> {
    rule: &'a str,
    severity: Severity,
    message: &'a str,
    file: &'a str,
    line: u32,
    column: u32,
    object: Option<JsonObject<'a>>,
    path: Option<&'a str>,
    container: Option<JsonContainer<'a>>,
    pss: Option<JsonPss>,
    remediation: &'a str,
    fingerprint: &'a str,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct JsonSuppressed<'a> {
    finding: JsonFinding<'a>,
    suppressed_by: JsonSuppression<'a>,
}

#[derive(Serialize)]
struct JsonSuppression<'a> {
    source: &'static str,
    file: &'a str,
    line: u32,
    reason: &'a str,
    owner: Option<&'a str>,
    expires: Option<&'a str>,
}

#[derive(Serialize)]
struct JsonBaseline<'a> {
    file: &'a str,
    known: usize,
    absent: usize,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct JsonObject<'a> {
    api_version: &'a str,
    kind: &'a str,
    namespace: Option<&'a str>,
    name: Option<&'a str>,
}

#[derive(Serialize)]
struct JsonContainer<'a> {
    name: &'a str,
    kind: &'static str,
}

#[derive(Serialize)]
struct JsonPss {
    level: &'static str,
    control: &'static str,
}

#[derive(Serialize)]
struct JsonWarning<'a> {
    file: &'a str,
    line: Option<u32>,
    message: &'a str,
}

#[derive(Serialize)]
struct JsonUnreadable<'a> {
    path: &'a str,
    message: &'a str,
}

#[derive(Serialize)]
struct Stats {
    files: usize,
    documents: usize,
    objects: usize,
    unreadable: usize,
}

#[derive(Serialize)]
struct SeverityCounts {
    critical: usize,
    high: usize,
    medium: usize,
    low: usize,
    info: usize,
}

/// Renders the scan as one JSON document, ending with a line break.
pub fn render(scan: &ScanOutput<'_>) -> String {
    let mut out = Vec::new();
    write(scan, &mut out).expect("writing to memory cannot fail");
    String::from_utf8(out).expect("serde_json writes UTF-8")
}

/// Writes the scan as one JSON document, ending with a line break, to
/// `out` while it is serialized.
///
/// # Errors
///
/// Returns the error of the first write to `out` that fails.
pub fn write(scan: &ScanOutput<'_>, out: &mut dyn io::Write) -> io::Result<()> {
    let report = scan.report;
    let counts = report.counts();
    let count = |severity: Severity| counts[severity as usize];
    let fingerprints = scan.fingerprints();
    let document = Document {
        schema_version: SCHEMA_VERSION,
        tool: TOOL,
        findings: LazyFindings {
            findings: &report.findings,
            fingerprints: &fingerprints,
        },
        warnings: report.warnings.iter().map(warning).collect(),
        unreadable: scan.unreadable.iter().map(unreadable).collect(),
        stats: Stats {
            files: report.stats.files,
            documents: report.stats.documents,
            objects: report.stats.objects,
            unreadable: scan.unreadable.len(),
        },
        severity_counts: SeverityCounts {
            critical: count(Severity::Critical),
            high: count(Severity::High),
            medium: count(Severity::Medium),
            low: count(Severity::Low),
            info: count(Severity::Info),
        },
        suppressed: scan.triage.suppressed.iter().map(suppressed).collect(),
        baseline: scan.triage.baseline.as_ref().map(baseline),
    };
    write_pretty_json(out, &document)
}

/// Writes `value` as indented JSON followed by a line break.
pub(crate) fn write_pretty_json(out: &mut dyn io::Write, value: &impl Serialize) -> io::Result<()> {
    serde_json::to_writer_pretty(&mut *out, value)?;
    out.write_all(b"\n")
}

/// Serializes `value` as indented JSON followed by a line break.
pub(crate) fn to_pretty_json(value: &impl Serialize) -> String {
    // serde_json fails only on non-string map keys and on Serialize impls
    // that return errors, and no output type of this crate has either.
    let mut out = serde_json::to_string_pretty(value).expect("output structs serialize to JSON");
    out.push('\n');
    out
}

/// Returns the JSON output's name of a container list: `init`, `regular`
/// or `ephemeral`.
pub(crate) fn container_kind(kind: ContainerKind) -> &'static str {
    match kind {
        ContainerKind::Init => "init",
        ContainerKind::Regular => "regular",
        ContainerKind::Ephemeral => "ephemeral",
    }
}

fn finding<'a>(finding: &'a Finding, fingerprint: &'a str) -> JsonFinding<'a> {
    JsonFinding {
        rule: finding.rule,
        severity: finding.severity,
        message: &finding.message,
        file: &finding.file,
        line: finding.line,
        column: finding.column,
        object: finding.object.as_ref().map(|object| JsonObject {
            api_version: &object.api_version,
            kind: &object.kind,
            namespace: object.namespace.as_deref(),
            name: object.name.as_deref(),
        }),
        path: finding.path.as_deref(),
        container: finding.container.as_ref().map(|container| JsonContainer {
            name: &container.name,
            kind: container_kind(container.kind),
        }),
        pss: finding.pss.map(|pss| JsonPss {
            level: pss.level.as_str(),
            control: pss.control,
        }),
        remediation: finding.remediation,
        fingerprint,
    }
}

fn suppressed(entry: &Suppressed) -> JsonSuppressed<'_> {
    JsonSuppressed {
        finding: finding(&entry.finding, &entry.fingerprint),
        suppressed_by: JsonSuppression {
            source: entry.by.source.as_str(),
            file: &entry.by.file,
            line: entry.by.line,
            reason: &entry.by.reason,
            owner: entry.by.owner.as_deref(),
            expires: entry.by.expires.as_deref(),
        },
    }
}

fn baseline(summary: &BaselineSummary) -> JsonBaseline<'_> {
    JsonBaseline {
        file: &summary.file,
        known: summary.known,
        absent: summary.absent,
    }
}

fn warning(warning: &Warning) -> JsonWarning<'_> {
    JsonWarning {
        file: &warning.file,
        line: warning.line,
        message: &warning.message,
    }
}

fn unreadable(input: &Unreadable) -> JsonUnreadable<'_> {
    JsonUnreadable {
        path: &input.path,
        message: &input.message,
    }
}
