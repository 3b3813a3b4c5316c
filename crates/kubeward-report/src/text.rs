//! The text output, for people.
//!
//! Findings are grouped by file, then by object. Each finding is a code
//! frame like rustc's (drawn by `annotate-snippets`): severity, rule id and
//! message, `file:line:column`, the offending source line with a marker
//! under the field and the field path as its label, then the fix. Warnings
//! and unreadable inputs follow, and a summary ends the output, so that it
//! is the last thing on screen however many findings scrolled past.
//!
//! With nothing to report, the output is the summary line alone. The quiet
//! form prints one line per finding and per unreadable input, and nothing
//! else.

use std::io;
use std::ops::Range;

use annotate_snippets::renderer;
use annotate_snippets::{AnnotationKind, Group, Level, Origin, Renderer, Snippet};
use anstyle::Style;
use kubeward_config::SuppressionSource;
use kubeward_core::{Finding, ObjectRef, Report, Severity};

use crate::{ScanOutput, printable};

/// Maximum length, in characters, of a source line quoted in a code frame.
/// Longer lines, such as minified JSON on one line, get the location only:
/// quoting them makes the output unreadable and costs time per finding.
const MAX_QUOTED_LINE: usize = 1_000;

/// How many rules the summary names in its per-rule counts.
const SUMMARY_RULES: usize = 10;

/// Settings of the text output.
#[derive(Clone, Copy, Debug, Default)]
pub struct TextOptions {
    /// Style the output with ANSI escape sequences.
    pub color: bool,
    /// Print one line per finding and per unreadable input, and nothing
    /// else: no source lines, warnings or summary.
    pub quiet: bool,
}

/// Renders the scan for a terminal or a log.
pub fn render(scan: &ScanOutput<'_>, options: TextOptions) -> String {
    let mut out = Vec::new();
    write(scan, options, &mut out).expect("writing to memory cannot fail");
    String::from_utf8(out).expect("the text output is UTF-8")
}

/// Writes the scan for a terminal or a log to `out`, one finding at a
/// time.
///
/// # Errors
///
/// Returns the error of the first write to `out` that fails.
pub fn write(
    scan: &ScanOutput<'_>,
    options: TextOptions,
    out: &mut dyn io::Write,
) -> io::Result<()> {
    if options.quiet {
        return quiet(out, scan, options.color);
    }
    let renderer = if options.color {
        Renderer::styled()
    } else {
        Renderer::plain()
    };
    let headings = Headings::new(options.color);
    findings(out, scan.report, &renderer, &headings)?;
    input_problems(out, scan, &renderer)?;
    summary(out, scan, &headings)
}

/// Writes the findings as code frames under a heading for each file and
/// each object.
fn findings(
    out: &mut dyn io::Write,
    report: &Report,
    renderer: &Renderer,
    headings: &Headings,
) -> io::Result<()> {
    let mut current: Option<(&str, Option<&ObjectRef>)> = None;
    for finding in &report.findings {
        let object = finding.object.as_deref();
        if current.is_none_or(|(file, _)| file != &*finding.file) {
            writeln!(out, "{}", headings.file(&finding.file))?;
            current = None;
        }
        if current.is_none_or(|(_, shown)| shown != object) {
            writeln!(out, "{}\n", headings.object(object))?;
        }
        current = Some((&finding.file, object));
        push_block(out, renderer, &finding_group(finding))?;
        out.write_all(b"\n")?;
    }
    Ok(())
}

/// Writes the warnings, then the inputs that could not be read.
fn input_problems(
    out: &mut dyn io::Write,
    scan: &ScanOutput<'_>,
    renderer: &Renderer,
) -> io::Result<()> {
    for warning in &scan.report.warnings {
        let mut origin = Origin::path(printable(&warning.file));
        if let Some(line) = warning.line {
            origin = origin.line(line as usize);
        }
        let group = Level::WARNING
            .primary_title(warning.message.as_str())
            .element(origin);
        push_block(out, renderer, &[group])?;
        out.write_all(b"\n")?;
    }
    for input in scan.unreadable {
        let group = Level::ERROR
            .primary_title(input.message.as_str())
            .element(Origin::path(printable(&input.path)));
        push_block(out, renderer, &[group])?;
        out.write_all(b"\n")?;
    }
    Ok(())
}

/// Writes one line per finding, `file:line:column: severity[rule]:
/// message`, and one per unreadable input, `path: error: message`.
fn quiet(out: &mut dyn io::Write, scan: &ScanOutput<'_>, color: bool) -> io::Result<()> {
    for finding in &scan.report.findings {
        let style = if color {
            severity_style(finding.severity)
        } else {
            Style::new()
        };
        writeln!(
            out,
            "{}:{}:{}: {style}{}[{}]{style:#}: {}",
            printable(&finding.file),
            finding.line,
            finding.column,
            finding.severity,
            finding.rule,
            printable(&finding.message),
        )?;
    }
    for input in scan.unreadable {
        let style = if color {
            renderer::DEFAULT_ERROR_STYLE
        } else {
            Style::new()
        };
        writeln!(
            out,
            "{}: {style}error{style:#}: {}",
            printable(&input.path),
            printable(&input.message),
        )?;
    }
    Ok(())
}

/// Returns the style of a severity's name, the same as in code frames.
fn severity_style(severity: Severity) -> Style {
    match severity {
        Severity::Critical | Severity::High => renderer::DEFAULT_ERROR_STYLE,
        Severity::Medium => renderer::DEFAULT_WARNING_STYLE,
        Severity::Low => renderer::DEFAULT_NOTE_STYLE,
        Severity::Info => renderer::DEFAULT_INFO_STYLE,
    }
}

/// Styles of the file and object headings.
struct Headings {
    file: Style,
    object: Style,
}

impl Headings {
    fn new(color: bool) -> Self {
        if color {
            Headings {
                file: Style::new().bold().underline(),
                object: Style::new().bold(),
            }
        } else {
            Headings {
                file: Style::new(),
                object: Style::new(),
            }
        }
    }

    fn file(&self, file: &str) -> String {
        let style = self.file;
        format!("{style}{}{style:#}", printable(file))
    }

    /// `Kind namespace/name`, `Kind name` without a namespace, or a note
    /// for findings outside any object, such as parse errors.
    fn object(&self, object: Option<&ObjectRef>) -> String {
        let style = self.object;
        let text = match object {
            Some(object) => {
                let name = object.name.as_deref().unwrap_or("<unnamed>");
                match &object.namespace {
                    Some(namespace) => format!("{} {namespace}/{name}", object.kind),
                    None => format!("{} {name}", object.kind),
                }
            }
            None => "(not in an object)".to_owned(),
        };
        format!("  {style}{}{style:#}", printable(&text))
    }
}

fn push_block(
    out: &mut dyn io::Write,
    renderer: &Renderer,
    groups: &[Group<'_>],
) -> io::Result<()> {
    out.write_all(renderer.render(groups).as_bytes())?;
    out.write_all(b"\n")
}

/// Returns the level a severity is drawn with, named after the severity:
/// critical and high as errors, medium as a warning, low as a note and
/// info as info.
fn level(severity: Severity) -> Level<'static> {
    let base = match severity {
        Severity::Critical | Severity::High => Level::ERROR,
        Severity::Medium => Level::WARNING,
        Severity::Low => Level::NOTE,
        Severity::Info => Level::INFO,
    };
    base.with_name(severity.as_str())
}

fn finding_group(finding: &Finding) -> [Group<'_>; 1] {
    let title = level(finding.severity)
        .primary_title(finding.message.as_str())
        .id(finding.rule);
    let quoted = finding
        .source_line
        .as_deref()
        .filter(|line| line.chars().count() <= MAX_QUOTED_LINE);
    let group = if let Some(line) = quoted {
        title.element(
            Snippet::source(line)
                .line_start(finding.line as usize)
                .path(printable(&finding.file))
                .annotation(
                    AnnotationKind::Primary
                        .span(marker_span(line, finding.column))
                        .label(finding.path.as_deref()),
                ),
        )
    } else {
        let origin = Origin::path(printable(&finding.file))
            .line(finding.line as usize)
            .char_column(finding.column as usize);
        let group = title.element(origin);
        match &finding.path {
            Some(path) => group.element(Level::NOTE.with_name("field").message(path.as_str())),
            None => group,
        }
    };
    [group.element(Level::HELP.with_name("fix").message(finding.remediation))]
}

/// Returns the byte range of `line` to underline for a finding at 1-based
/// character `column`: the YAML token that starts there, or an empty range
/// at the end of the line when the column lies past it.
fn marker_span(line: &str, column: u32) -> Range<usize> {
    let skip = (column as usize).saturating_sub(1);
    let start = line.char_indices().nth(skip).map_or(line.len(), |(i, _)| i);
    start..start + token_len(&line[start..])
}

/// Measures the token at the start of `text`, in bytes. The token is a
/// quoted scalar with its quotes, a single indicator, or a plain scalar that
/// ends at whitespace, a flow indicator or a `:` that ends a mapping key.
fn token_len(text: &str) -> usize {
    let mut chars = text.char_indices();
    let Some((_, first)) = chars.next() else {
        return 0;
    };
    match first {
        '"' | '\'' => {
            let mut escaped = false;
            for (i, c) in chars {
                if c == first && !escaped {
                    return i + 1;
                }
                escaped = first == '"' && c == '\\' && !escaped;
            }
            text.len()
        }
        '-' | '[' | ']' | '{' | '}' | ',' | '?' | '|' | '>' => first.len_utf8(),
        c if c.is_whitespace() => c.len_utf8(),
        _ => {
            let bytes = text.as_bytes();
            for (i, c) in text.char_indices() {
                let ends_key = c == ':' && bytes.get(i + 1).is_none_or(u8::is_ascii_whitespace);
                if c.is_whitespace() || matches!(c, ',' | ']' | '}') || ends_key {
                    return i;
                }
            }
            text.len()
        }
    }
}

/// Writes the summary: one line when there is nothing to report, else the
/// counts by severity and rule, what was scanned, and how many warnings and
/// unreadable inputs there were.
fn summary(out: &mut dyn io::Write, scan: &ScanOutput<'_>, headings: &Headings) -> io::Result<()> {
    let report = scan.report;
    let stats = report.stats;
    let scanned = format!(
        "{}, {} scanned",
        plural(stats.objects, "object"),
        plural(stats.files, "file"),
    );
    let triaged = !scan.triage.suppressed.is_empty() || scan.triage.baseline.is_some();
    if report.findings.is_empty()
        && report.warnings.is_empty()
        && scan.unreadable.is_empty()
        && !triaged
    {
        return writeln!(out, "No findings in {scanned}.");
    }
    let style = headings.object;
    if report.findings.is_empty() {
        writeln!(out, "{style}No findings{style:#} in {scanned}.")?;
    } else {
        writeln!(
            out,
            "{style}{}{style:#} ({}) in {} of {scanned}.",
            plural(report.findings.len(), "finding"),
            severity_counts(report),
            objects_with_findings(report),
        )?;
        writeln!(out, "By rule: {}.", rule_counts(report))?;
    }
    triage_summary(out, scan)?;
    let mut problems = Vec::new();
    if !report.warnings.is_empty() {
        problems.push(plural(report.warnings.len(), "warning"));
    }
    if !scan.unreadable.is_empty() {
        problems.push(format!(
            "{} could not be read",
            plural(scan.unreadable.len(), "input")
        ));
    }
    if !problems.is_empty() {
        writeln!(out, "Also: {}.", problems.join(", "))?;
    }
    Ok(())
}

/// Writes how many findings exceptions suppressed and the baseline left
/// out, when there were any.
fn triage_summary(out: &mut dyn io::Write, scan: &ScanOutput<'_>) -> io::Result<()> {
    let suppressed = &scan.triage.suppressed;
    if !suppressed.is_empty() {
        let by_annotation = suppressed
            .iter()
            .filter(|entry| entry.by.source == SuppressionSource::Annotation)
            .count();
        writeln!(
            out,
            "Suppressed: {} ({} by exceptions, {by_annotation} by annotations); \
             `-o json` lists each with its reason.",
            plural(suppressed.len(), "finding"),
            suppressed.len() - by_annotation,
        )?;
    }
    if let Some(baseline) = &scan.triage.baseline {
        writeln!(
            out,
            "Baseline {}: {} already recorded and left out; {} no longer found.",
            printable(&baseline.file),
            plural(baseline.known, "finding"),
            plural(baseline.absent, "recorded finding"),
        )?;
    }
    Ok(())
}

/// "2 critical, 1 medium": the non-zero counts, most severe first.
fn severity_counts(report: &Report) -> String {
    let counts = report.counts();
    Severity::ALL
        .iter()
        .rev()
        .filter(|severity| counts[**severity as usize] > 0)
        .map(|severity| format!("{} {severity}", counts[*severity as usize]))
        .collect::<Vec<_>>()
        .join(", ")
}

/// "pss-privileged 3, parse-error 1": findings per rule, most frequent
/// first, at most [`SUMMARY_RULES`] rules.
fn rule_counts(report: &Report) -> String {
    let mut counts: Vec<(&str, usize)> = Vec::new();
    for finding in &report.findings {
        match counts.iter_mut().find(|(rule, _)| *rule == finding.rule) {
            Some((_, count)) => *count += 1,
            None => counts.push((finding.rule, 1)),
        }
    }
    counts.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(b.0)));
    let mut parts: Vec<String> = counts
        .iter()
        .take(SUMMARY_RULES)
        .map(|(rule, count)| format!("{rule} {count}"))
        .collect();
    if counts.len() > SUMMARY_RULES {
        let more = counts.len() - SUMMARY_RULES;
        let noun = if more == 1 { "rule" } else { "rules" };
        parts.push(format!("and {more} more {noun}"));
    }
    parts.join(", ")
}

/// Number of distinct objects with at least one finding. Findings are
/// sorted by file and position, so one object's findings are adjacent.
fn objects_with_findings(report: &Report) -> usize {
    let mut count = 0;
    let mut previous: Option<(&str, &ObjectRef)> = None;
    for finding in &report.findings {
        let Some(object) = finding.object.as_deref() else {
            continue;
        };
        let key = (&*finding.file, object);
        if previous != Some(key) {
            count += 1;
            previous = Some(key);
        }
    }
    count
}

fn plural(count: usize, noun: &str) -> String {
    if count == 1 {
        format!("1 {noun}")
    } else {
        format!("{count} {noun}s")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn marker_covers_mapping_key() {
        let line = "      privileged: true";
        assert_eq!(&line[marker_span(line, 7)], "privileged");
    }

    #[test]
    fn marker_covers_quoted_key() {
        let line = r#"  "host\"Network": true"#;
        assert_eq!(&line[marker_span(line, 3)], r#""host\"Network""#);
    }

    #[test]
    fn marker_keeps_colons_inside_values() {
        let line = "image: nginx:1.27 # pinned";
        assert_eq!(&line[marker_span(line, 8)], "nginx:1.27");
    }

    #[test]
    fn marker_covers_one_indicator() {
        let line = "  - name: web";
        assert_eq!(&line[marker_span(line, 3)], "-");
    }

    #[test]
    fn marker_past_line_end_is_empty() {
        let line = "abc";
        assert_eq!(marker_span(line, 9), 3..3);
    }

    #[test]
    fn marker_counts_characters_not_bytes() {
        let line = "é: x";
        assert_eq!(&line[marker_span(line, 4)], "x");
    }
}
