//! The SARIF 2.1.0 output, as GitHub code scanning and other SARIF viewers
//! read it.
//!
//! The log has one run. Its driver lists every rule that ran, with the
//! rule's documentation. Each finding is a result that points at its file,
//! line and column, and columns count Unicode code points as kubeward's do.
//! Warnings and unreadable inputs are tool execution notifications.

use std::collections::BTreeMap;
use std::fmt::Write;
use std::io;

use kubeward_config::fingerprint;
use kubeward_core::{Finding, RuleDef, Severity, Warning};
use serde::Serialize;
use serde::ser::{SerializeSeq, Serializer};
use serde_json::json;
use serde_sarif::sarif::{
    ArtifactLocation, Invocation, Location, Message, MultiformatMessageString, Notification,
    PhysicalLocation, PropertyBag, Region, ReportingConfiguration, ReportingDescriptor, Result,
    ResultLevel, Tool, ToolComponent,
};

use crate::docs::{rule_page, rule_url};
use crate::json::{TOOL, container_kind, write_pretty_json};
use crate::rules::profiles;
use crate::{ScanOutput, Unreadable};

/// The `$schema` of the output: the OASIS SARIF 2.1.0 schema, Errata 01.
pub const SCHEMA_URI: &str =
    "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json";

/// The log and run objects. serde-sarif types describe everything inside
/// them, but its `Run` holds every result at once: on a scan with 34,000
/// findings that raised kubeward's peak memory from 82 MB to 305 MB
/// (release build, measured with `/usr/bin/time -f %M`). This run makes
/// each result while it is serialized instead.
#[derive(Serialize)]
struct Log<'a> {
    #[serde(rename = "$schema")]
    schema: &'static str,
    version: &'static str,
    runs: [LazyRun<'a>; 1],
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct LazyRun<'a> {
    tool: Tool,
    invocations: Vec<Invocation>,
    column_kind: &'static str,
    results: LazyResults<'a>,
}

/// The results of a run, each made when it is serialized.
struct LazyResults<'a> {
    findings: &'a [Finding],
    fingerprints: &'a [String],
    rules: &'a [&'static RuleDef],
}

impl Serialize for LazyResults<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> std::result::Result<S::Ok, S::Error> {
        let mut seq = serializer.serialize_seq(Some(self.findings.len()))?;
        for (finding, fingerprint) in self.findings.iter().zip(self.fingerprints) {
            seq.serialize_element(&result(finding, fingerprint, self.rules))?;
        }
        seq.end()
    }
}

/// Renders the scan as one SARIF log with one run, ending with a line
/// break.
pub fn render(scan: &ScanOutput<'_>) -> String {
    let mut out = Vec::new();
    write(scan, &mut out).expect("writing to memory cannot fail");
    String::from_utf8(out).expect("serde_json writes UTF-8")
}

/// Writes the scan as one SARIF log with one run, ending with a line
/// break, to `out` while it is serialized.
///
/// # Errors
///
/// Returns the error of the first write to `out` that fails.
pub fn write(scan: &ScanOutput<'_>, out: &mut dyn io::Write) -> io::Result<()> {
    let rules = described_rules(scan);
    let fingerprints = scan.fingerprints();
    let notifications = scan
        .report
        .warnings
        .iter()
        .map(warning_notification)
        .chain(scan.unreadable.iter().map(unreadable_notification))
        .collect::<Vec<_>>();
    let descriptors: Vec<ReportingDescriptor> = rules.iter().map(|rule| descriptor(rule)).collect();
    let driver = ToolComponent::builder()
        .name(TOOL.name)
        .version(TOOL.version)
        .semantic_version(TOOL.version)
        .information_uri(env!("CARGO_PKG_REPOSITORY"))
        .rules(descriptors)
        .build();
    let invocation = invocation(scan.unreadable, notifications);
    let log = Log {
        schema: SCHEMA_URI,
        version: "2.1.0",
        runs: [LazyRun {
            tool: Tool::builder().driver(driver).build(),
            invocations: vec![invocation],
            column_kind: "unicodeCodePoints",
            results: LazyResults {
                findings: &scan.report.findings,
                fingerprints: &fingerprints,
                rules: &rules,
            },
        }],
    };
    write_pretty_json(out, &log)
}

/// The run's invocation. An input that could not be read makes the run
/// unsuccessful, with exit code 2 as the CLI returns it: its findings do
/// not cover that input. The description names every such input, and each
/// also has an error notification.
fn invocation(unreadable: &[Unreadable], notifications: Vec<Notification>) -> Invocation {
    let mut invocation = Invocation::builder()
        .execution_successful(unreadable.is_empty())
        .tool_execution_notifications(notifications)
        .build();
    if !unreadable.is_empty() {
        let inputs: Vec<String> = unreadable
            .iter()
            .map(|input| format!("{}: {}", input.path, input.message))
            .collect();
        invocation.exit_code = Some(2);
        let (count, pronoun) = match inputs.len() {
            1 => ("1 input".to_owned(), "it"),
            n => (format!("{n} inputs"), "them"),
        };
        invocation.exit_code_description = Some(format!(
            "{count} could not be read, so the results do not cover {pronoun}: {}",
            inputs.join("; ")
        ));
    }
    invocation
}

/// Lists the rules of the driver: those that ran, then any intake rule that
/// made a finding without being in that list, because the scan makes
/// `parse-error` and `duplicate-key` findings whatever the profile.
pub(crate) fn described_rules(scan: &ScanOutput<'_>) -> Vec<&'static RuleDef> {
    let mut rules = scan.rules.to_vec();
    for finding in &scan.report.findings {
        if rules.iter().any(|rule| rule.id == finding.rule) {
            continue;
        }
        let intake = kubeward_core::intake::RULES.iter().copied();
        if let Some(rule) = intake.into_iter().find(|rule| rule.id == finding.rule) {
            rules.push(rule);
        }
    }
    rules
}

/// Returns the SARIF level of a severity: `error` for critical and high,
/// `warning` for medium, `note` for low and info.
pub fn level(severity: Severity) -> ResultLevel {
    match severity {
        Severity::Critical | Severity::High => ResultLevel::Error,
        Severity::Medium => ResultLevel::Warning,
        Severity::Low | Severity::Info => ResultLevel::Note,
    }
}

fn level_name(severity: Severity) -> &'static str {
    match level(severity) {
        ResultLevel::Error => "error",
        ResultLevel::Warning => "warning",
        ResultLevel::Note => "note",
        ResultLevel::None => "none",
    }
}

/// Returns the `security-severity` score GitHub code scanning ranks alerts
/// by. Its "SARIF support for code scanning" page reads scores over 9.0 as
/// critical, 7.0 to 8.9 as high, 4.0 to 6.9 as medium and lower ones as low.
/// Info findings get no score, so GitHub shows them by their SARIF level,
/// `note`.
fn security_severity(severity: Severity) -> Option<&'static str> {
    match severity {
        Severity::Critical => Some("9.5"),
        Severity::High => Some("8.0"),
        Severity::Medium => Some("5.5"),
        Severity::Low => Some("2.0"),
        Severity::Info => None,
    }
}

fn descriptor(rule: &RuleDef) -> ReportingDescriptor {
    let what = rule
        .section("What it checks")
        .unwrap_or_else(|| rule.summary.to_owned());
    let page = rule_page(rule);
    let mut properties = BTreeMap::new();
    properties.insert("family".to_owned(), json!(rule.family.as_str()));
    properties.insert("severity".to_owned(), json!(rule.severity.as_str()));
    if let Some(score) = security_severity(rule.severity) {
        properties.insert("security-severity".to_owned(), json!(score));
    }
    properties.insert("profiles".to_owned(), json!(profiles(rule)));
    let mut tags = vec![
        "security".to_owned(),
        "kubernetes".to_owned(),
        rule.family.as_str().to_owned(),
    ];
    if let Some(pss) = rule.pss {
        properties.insert("pss-level".to_owned(), json!(pss.level.as_str()));
        properties.insert("pss-control".to_owned(), json!(pss.control));
        tags.push(format!("pss-{}", pss.level));
    }
    ReportingDescriptor::builder()
        .id(rule.id)
        .name(pascal_case(rule.id))
        .short_description(
            MultiformatMessageString::builder()
                .text(rule.summary)
                .build(),
        )
        .full_description(
            MultiformatMessageString::builder()
                .text(plain_text(&what))
                .markdown(what)
                .build(),
        )
        .help(
            MultiformatMessageString::builder()
                .text(plain_text(&page))
                .markdown(page)
                .build(),
        )
        .help_uri(rule_url(rule))
        .default_configuration(
            ReportingConfiguration::builder()
                .level(json!(level_name(rule.severity)))
                .build(),
        )
        .properties(
            PropertyBag::builder()
                .tags(tags)
                .additional_properties(properties)
                .build(),
        )
        .build()
}

fn result(finding: &Finding, fingerprint: &str, rules: &[&'static RuleDef]) -> Result {
    let region = Region::builder()
        .start_line(i64::from(finding.line))
        .start_column(i64::from(finding.column))
        .build();
    let location = physical_location(&finding.file, Some(region));
    let mut properties = BTreeMap::new();
    properties.insert("severity".to_owned(), json!(finding.severity.as_str()));
    if let Some(object) = &finding.object {
        properties.insert(
            "object".to_owned(),
            json!({
                "apiVersion": object.api_version,
                "kind": object.kind,
                "namespace": object.namespace,
                "name": object.name,
            }),
        );
    }
    if let Some(path) = &finding.path {
        properties.insert("path".to_owned(), json!(path));
    }
    if let Some(container) = &finding.container {
        properties.insert(
            "container".to_owned(),
            json!({ "name": container.name, "kind": container_kind(container.kind) }),
        );
    }
    let builder = Result::builder()
        .rule_id(finding.rule)
        .level(level(finding.severity))
        .message(text_message(&format!(
            "{} Fix: {}",
            sentence(&finding.message),
            finding.remediation
        )))
        .locations(vec![location])
        .partial_fingerprints(BTreeMap::from([(
            fingerprint::VERSION.to_owned(),
            fingerprint.to_owned(),
        )]))
        .properties(
            PropertyBag::builder()
                .additional_properties(properties)
                .build(),
        );
    let index = rules.iter().position(|rule| rule.id == finding.rule);
    match index.and_then(|i| i64::try_from(i).ok()) {
        Some(index) => builder.rule_index(index).build(),
        None => builder.build(),
    }
}

fn warning_notification(warning: &Warning) -> Notification {
    let region = warning
        .line
        .map(|line| Region::builder().start_line(i64::from(line)).build());
    Notification::builder()
        .level(json!("warning"))
        .message(text_message(&warning.message))
        .locations(vec![physical_location(&warning.file, region)])
        .build()
}

fn unreadable_notification(input: &Unreadable) -> Notification {
    Notification::builder()
        .level(json!("error"))
        .message(text_message(&format!("{}: {}", input.path, input.message)))
        .locations(vec![physical_location(&input.path, None)])
        .build()
}

fn physical_location(file: &str, region: Option<Region>) -> Location {
    let artifact = ArtifactLocation::builder().uri(file_uri(file)).build();
    let physical = match region {
        Some(region) => PhysicalLocation::builder()
            .artifact_location(artifact)
            .region(region)
            .build(),
        None => PhysicalLocation::builder()
            .artifact_location(artifact)
            .build(),
    };
    Location::builder().physical_location(physical).build()
}

fn text_message(text: &str) -> Message {
    Message::builder().text(text).build()
}

/// Converts a path to the URI SARIF expects. A relative path stays
/// relative, with `/` separators and every byte outside the URI path
/// characters percent-encoded. An absolute path becomes a `file://` URI.
pub fn file_uri(path: &str) -> String {
    let separators_fixed;
    let path = if cfg!(windows) {
        separators_fixed = path.replace('\\', "/");
        separators_fixed.as_str()
    } else {
        path
    };
    let has_drive = path.as_bytes().get(1) == Some(&b':') && path.as_bytes().get(2) == Some(&b'/');
    let mut out = String::with_capacity(path.len());
    if path.starts_with('/') {
        out.push_str("file://");
    } else if cfg!(windows) && has_drive {
        out.push_str("file:///");
    }
    for byte in path.bytes() {
        if is_path_byte(byte) {
            out.push(char::from(byte));
        } else {
            let _ = write!(out, "%{byte:02X}");
        }
    }
    out
}

/// Checks whether a byte may appear as itself in a URI path: RFC 3986 unreserved
/// characters, `/`, and the sub-delimiters and `@` that `pchar` allows. A
/// `:` is encoded, so a relative path such as `a:b.yaml` is not read as a
/// URI with scheme `a`.
fn is_path_byte(byte: u8) -> bool {
    byte.is_ascii_alphanumeric()
        || matches!(
            byte,
            b'-' | b'.'
                | b'_'
                | b'~'
                | b'/'
                | b'!'
                | b'$'
                | b'&'
                | b'\''
                | b'('
                | b')'
                | b'*'
                | b'+'
                | b','
                | b';'
                | b'='
                | b'@'
        )
}

/// `pss-privileged` as `PssPrivileged`: SARIF's rule `name` is an
/// identifier-like name for people.
fn pascal_case(id: &str) -> String {
    id.split('-')
        .map(|word| {
            let mut chars = word.chars();
            chars.next().map_or_else(String::new, |first| {
                first.to_uppercase().chain(chars).collect::<String>()
            })
        })
        .collect()
}

/// Ends the message with a full stop, so that the fix can follow it.
fn sentence(message: &str) -> String {
    let mut text = message.trim_end().to_owned();
    if !text.ends_with(['.', '!', '?']) {
        text.push('.');
    }
    text
}

/// Markdown as plain text: headings lose their `#` marks and code fences
/// are dropped, the rest is kept as written.
fn plain_text(markdown: &str) -> String {
    let mut out = String::with_capacity(markdown.len());
    for line in markdown.lines() {
        if line.starts_with("```") {
            continue;
        }
        let unmarked = line.trim_start_matches('#');
        if unmarked.len() < line.len() {
            out.push_str(unmarked.trim_start());
        } else {
            out.push_str(line);
        }
        out.push('\n');
    }
    out
}

#[cfg(test)]
mod tests {
    use kubeward_core::ScanOptions;
    use serde_json::Value;

    use super::*;

    fn rule_ids(log: &Value) -> Vec<String> {
        log["runs"][0]["tool"]["driver"]["rules"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|rule| rule["id"].as_str().map(str::to_owned))
            .collect()
    }

    #[test]
    fn file_uri_keeps_relative_paths() {
        assert_eq!(file_uri("deploy/web.yaml"), "deploy/web.yaml");
        assert_eq!(file_uri("./web.yaml"), "./web.yaml");
    }

    #[test]
    fn file_uri_encodes_reserved_bytes() {
        assert_eq!(file_uri("my dir/a#1.yaml"), "my%20dir/a%231.yaml");
        assert_eq!(file_uri("a:b.yaml"), "a%3Ab.yaml");
        assert_eq!(file_uri("100%.yaml"), "100%25.yaml");
        assert_eq!(file_uri("été.yaml"), "%C3%A9t%C3%A9.yaml");
    }

    #[test]
    fn file_uri_makes_absolute_paths_file_uris() {
        assert_eq!(file_uri("/srv/k8s/web.yaml"), "file:///srv/k8s/web.yaml");
    }

    #[test]
    fn pascal_case_joins_words() {
        assert_eq!(pascal_case("pss-privileged"), "PssPrivileged");
        assert_eq!(pascal_case("parse-error"), "ParseError");
    }

    #[test]
    fn levels_follow_severity() {
        assert!(matches!(level(Severity::Critical), ResultLevel::Error));
        assert!(matches!(level(Severity::High), ResultLevel::Error));
        assert!(matches!(level(Severity::Medium), ResultLevel::Warning));
        assert!(matches!(level(Severity::Low), ResultLevel::Note));
        assert!(matches!(level(Severity::Info), ResultLevel::Note));
    }

    #[test]
    fn pipeline_rules_are_described() {
        let report = kubeward_core::Report {
            findings: kubeward_testutil::check("a.yaml", "a: [", &[], ScanOptions::default()),
            ..Default::default()
        };
        let scan = ScanOutput::new(&report, &[], &[]);
        let log: Value = serde_json::from_str(&render(&scan)).expect("SARIF output is JSON");
        assert_eq!(rule_ids(&log), ["parse-error"]);
        assert_eq!(log["runs"][0]["results"][0]["ruleIndex"], 0);
    }
}
