//! The JUnit XML output, for the test report views of CI services
//! (GitLab's `artifacts:reports:junit`, Jenkins, Azure Pipelines).
//!
//! Each rule that ran is a `testsuite`. A rule without findings has one
//! passing `testcase`; otherwise each finding is a failed `testcase`, and
//! each finding an exception suppressed is a skipped one. Unreadable
//! inputs are errored test cases of a last suite, `inputs`, whose
//! `system-out` lists the warnings.
//!
//! The document is valid against both common JUnit schemas: the strict
//! Apache Ant schema (`JUnit.xsd` of windyroad/JUnit-Schema), which
//! requires `package`, `id`, `timestamp` without a time zone and
//! `hostname` on every suite and allows no attributes on `testsuites`, and
//! the lenient schema the Jenkins xUnit plugin validates with
//! (`junit-10.xsd`). quick-junit always writes attributes on `testsuites`
//! that both reject, so this module writes the XML with quick-xml.
//!
//! kubeward does not time rules one by one: every `time` is `0`.

use std::collections::HashMap;
use std::fmt::Write as _;
use std::io;

use kubeward_config::{Suppressed, SuppressionSource};
use kubeward_core::{Finding, RuleDef, Warning};
use quick_xml::Writer;
use quick_xml::events::{BytesDecl, BytesText, Event};

use crate::sarif::described_rules;
use crate::{ScanOutput, Unreadable};

/// Where and when the report was made, as the strict schema requires.
#[derive(Clone, Debug)]
pub struct JunitOptions {
    /// UTC time of the scan as `YYYY-MM-DDTHH:MM:SS`, without a time zone.
    pub timestamp: String,
    /// The host the scan ran on; `localhost` when it is not known.
    pub hostname: String,
}

/// Renders the scan as a JUnit XML document, ending with a line break.
pub fn render(scan: &ScanOutput<'_>, options: &JunitOptions) -> String {
    let mut writer = Writer::new_with_indent(Vec::new(), b' ', 2);
    // Writing to a Vec cannot fail.
    write_document(&mut writer, scan, options).expect("writing XML to memory does not fail");
    let mut out = String::from_utf8(writer.into_inner()).expect("the writer writes UTF-8");
    out.push('\n');
    out
}

fn write_document(
    writer: &mut Writer<Vec<u8>>,
    scan: &ScanOutput<'_>,
    options: &JunitOptions,
) -> io::Result<()> {
    writer.write_event(Event::Decl(BytesDecl::new("1.0", Some("UTF-8"), None)))?;
    let rules = described_rules(scan);
    let mut findings: HashMap<&str, Vec<&Finding>> = HashMap::new();
    for finding in &scan.report.findings {
        findings.entry(finding.rule).or_default().push(finding);
    }
    let mut suppressed: HashMap<&str, Vec<&Suppressed>> = HashMap::new();
    for entry in &scan.triage.suppressed {
        suppressed
            .entry(entry.finding.rule)
            .or_default()
            .push(entry);
    }
    writer
        .create_element("testsuites")
        .write_inner_content(|writer| {
            let mut id = 0;
            for rule in &rules {
                let suite = RuleSuite {
                    rule,
                    findings: findings.get(rule.id).map_or(&[], Vec::as_slice),
                    suppressed: suppressed.get(rule.id).map_or(&[], Vec::as_slice),
                };
                suite.write(writer, id, options)?;
                id += 1;
            }
            let warnings = &scan.report.warnings;
            if !warnings.is_empty() || !scan.unreadable.is_empty() {
                write_inputs_suite(writer, id, options, warnings, scan.unreadable)?;
            }
            Ok(())
        })?;
    Ok(())
}

/// The attributes every suite has, in the order the strict schema lists
/// them.
fn suite_attributes(
    name: &str,
    package: &str,
    id: usize,
    options: &JunitOptions,
    counts: [usize; 4],
) -> Vec<(String, String)> {
    let [tests, failures, errors, skipped] = counts;
    [
        ("name", xml_text(name)),
        ("package", xml_text(package)),
        ("id", id.to_string()),
        ("timestamp", options.timestamp.clone()),
        ("hostname", xml_text(&options.hostname)),
        ("tests", tests.to_string()),
        ("failures", failures.to_string()),
        ("errors", errors.to_string()),
        ("skipped", skipped.to_string()),
        ("time", "0".to_owned()),
    ]
    .into_iter()
    .map(|(key, value)| (key.to_owned(), value))
    .collect()
}

/// One rule's suite.
struct RuleSuite<'a> {
    rule: &'static RuleDef,
    findings: &'a [&'a Finding],
    suppressed: &'a [&'a Suppressed],
}

impl RuleSuite<'_> {
    fn write(
        &self,
        writer: &mut Writer<Vec<u8>>,
        id: usize,
        options: &JunitOptions,
    ) -> io::Result<()> {
        let rule = self.rule;
        let cases = self.findings.len() + self.suppressed.len();
        let counts = [cases.max(1), self.findings.len(), 0, self.suppressed.len()];
        let package = format!("kubeward.{}", rule.family);
        let attributes = suite_attributes(rule.id, &package, id, options, counts);
        let classname = format!("kubeward.{}", rule.id);
        writer
            .create_element("testsuite")
            .with_attributes(attributes.iter().map(|(k, v)| (k.as_str(), v.as_str())))
            .write_inner_content(|writer| {
                write_properties(writer, rule)?;
                if cases == 0 {
                    test_case(writer, "no findings", &classname).write_empty()?;
                }
                for finding in self.findings {
                    write_failure(writer, &classname, finding)?;
                }
                for entry in self.suppressed {
                    write_skipped(writer, &classname, entry)?;
                }
                write_output(writer, "system-out", "")?;
                write_output(writer, "system-err", "")
            })?;
        Ok(())
    }
}

fn write_properties(writer: &mut Writer<Vec<u8>>, rule: &RuleDef) -> io::Result<()> {
    let properties = [
        ("family", rule.family.as_str()),
        ("severity", rule.severity.as_str()),
        ("summary", rule.summary),
        ("remediation", rule.remediation),
    ];
    writer
        .create_element("properties")
        .write_inner_content(|writer| {
            for (name, value) in properties {
                writer
                    .create_element("property")
                    .with_attributes([("name", name), ("value", &xml_text(value))])
                    .write_empty()?;
            }
            Ok(())
        })?;
    Ok(())
}

fn test_case<'w>(
    writer: &'w mut Writer<Vec<u8>>,
    name: &str,
    classname: &str,
) -> quick_xml::writer::ElementWriter<'w, Vec<u8>> {
    writer.create_element("testcase").with_attributes([
        ("name", xml_text(name).as_str()),
        ("classname", classname),
        ("time", "0"),
    ])
}

fn write_failure(
    writer: &mut Writer<Vec<u8>>,
    classname: &str,
    finding: &Finding,
) -> io::Result<()> {
    let details = finding_details(finding);
    test_case(writer, &case_name(finding), classname).write_inner_content(|writer| {
        writer
            .create_element("failure")
            .with_attributes([
                ("message", xml_text(&finding.message).as_str()),
                ("type", finding.severity.as_str()),
            ])
            .write_text_content(BytesText::new(&xml_text(&details)))?;
        Ok(())
    })?;
    Ok(())
}

fn write_skipped(
    writer: &mut Writer<Vec<u8>>,
    classname: &str,
    entry: &Suppressed,
) -> io::Result<()> {
    let by = &entry.by;
    let mut message = match by.source {
        SuppressionSource::Exception => {
            format!("suppressed by the exception at {}:{}", by.file, by.line)
        }
        SuppressionSource::Annotation => {
            format!("suppressed by the annotation at {}:{}", by.file, by.line)
        }
    };
    message.push_str(": ");
    message.push_str(&by.reason);
    if let Some(owner) = &by.owner {
        let _ = write!(message, " (owner: {owner})");
    }
    test_case(writer, &case_name(&entry.finding), classname).write_inner_content(|writer| {
        writer
            .create_element("skipped")
            .with_attribute(("message", xml_text(&message).as_str()))
            .write_empty()?;
        Ok(())
    })?;
    Ok(())
}

/// The suite of input problems: an errored case per unreadable input, and
/// the warnings as its standard output.
fn write_inputs_suite(
    writer: &mut Writer<Vec<u8>>,
    id: usize,
    options: &JunitOptions,
    warnings: &[Warning],
    unreadable: &[Unreadable],
) -> io::Result<()> {
    let counts = [unreadable.len().max(1), 0, unreadable.len(), 0];
    let attributes = suite_attributes("inputs", "kubeward", id, options, counts);
    let mut log = String::new();
    for warning in warnings {
        let _ = match warning.line {
            Some(line) => writeln!(log, "{}:{line}: {}", warning.file, warning.message),
            None => writeln!(log, "{}: {}", warning.file, warning.message),
        };
    }
    writer
        .create_element("testsuite")
        .with_attributes(attributes.iter().map(|(k, v)| (k.as_str(), v.as_str())))
        .write_inner_content(|writer| {
            writer
                .create_element("properties")
                .write_inner_content(|_| Ok(()))?;
            if unreadable.is_empty() {
                test_case(writer, "every input was read", "kubeward.inputs").write_empty()?;
            }
            for input in unreadable {
                test_case(writer, &input.path, "kubeward.inputs").write_inner_content(
                    |writer| {
                        writer
                            .create_element("error")
                            .with_attributes([
                                ("message", xml_text(&input.message).as_str()),
                                ("type", "unreadable"),
                            ])
                            .write_empty()?;
                        Ok(())
                    },
                )?;
            }
            write_output(writer, "system-out", &log)?;
            write_output(writer, "system-err", "")
        })?;
    Ok(())
}

fn write_output(writer: &mut Writer<Vec<u8>>, element: &str, text: &str) -> io::Result<()> {
    let element = writer.create_element(element);
    if text.is_empty() {
        element.write_empty()?;
    } else {
        element.write_text_content(BytesText::new(&xml_text(text)))?;
    }
    Ok(())
}

/// `file:line:column Kind namespace/name field.path`: unique within a rule
/// for findings at distinct places, and readable in a test list.
fn case_name(finding: &Finding) -> String {
    let mut name = format!("{}:{}:{}", finding.file, finding.line, finding.column);
    if let Some(object) = &finding.object {
        name.push(' ');
        name.push_str(&object.display_name());
    }
    if let Some(path) = &finding.path {
        name.push(' ');
        name.push_str(path);
    }
    name
}

/// The failure's body: where, what and how to fix it.
fn finding_details(finding: &Finding) -> String {
    let mut text = format!(
        "{}:{}:{}\n{}\n",
        finding.file, finding.line, finding.column, finding.message
    );
    if let Some(object) = &finding.object {
        let _ = writeln!(text, "object: {}", object.display_name());
    }
    if let Some(path) = &finding.path {
        let _ = writeln!(text, "field: {path}");
    }
    let _ = writeln!(text, "fix: {}", finding.remediation);
    text
}

/// Replaces the characters XML 1.0 does not allow, even escaped (control
/// characters other than tab and line breaks, U+FFFE and U+FFFF), with
/// U+FFFD.
fn xml_text(text: &str) -> String {
    text.chars()
        .map(|c| match c {
            '\t' | '\n' | '\r' => c,
            c if (c as u32) < 0x20 || c == '\u{FFFE}' || c == '\u{FFFF}' => '\u{FFFD}',
            c => c,
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn xml_text_replaces_control_characters() {
        assert_eq!(xml_text("a\u{1}b\tc\u{FFFF}"), "a\u{FFFD}b\tc\u{FFFD}");
    }
}
