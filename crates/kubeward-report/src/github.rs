//! GitHub Actions workflow commands: one `::error`, `::warning` or
//! `::notice` line per finding, which GitHub shows as an annotation on the
//! file and line of a pull request.
//!
//! Critical and high findings are errors, medium ones warnings, low and
//! info ones notices. Input warnings are warnings and unreadable inputs
//! errors. A last plain line counts the findings.
//!
//! Values are escaped as the runner unescapes them (`@actions/core`'s
//! `command.ts`): in the message `%`, CR and LF become `%25`, `%0D` and
//! `%0A`; in properties such as `file` and `title`, `:` and `,` also
//! become `%3A` and `%2C`. No value can therefore end the line or start
//! another command. GitHub resolves `file` against the repository root,
//! so scan with paths relative to it.

use std::fmt::Write;

use kubeward_core::{Finding, Severity};

use crate::ScanOutput;

/// Renders the scan as workflow commands, one per line.
pub fn render(scan: &ScanOutput<'_>) -> String {
    let mut out = String::new();
    for finding in &scan.report.findings {
        finding_command(&mut out, finding);
    }
    for warning in &scan.report.warnings {
        let mut properties = vec![("file", warning.file.to_string())];
        if let Some(line) = warning.line {
            properties.push(("line", line.to_string()));
        }
        properties.push(("title", "kubeward input warning".to_owned()));
        command(&mut out, "warning", &properties, &warning.message);
    }
    for input in scan.unreadable {
        let properties = [
            ("file", input.path.clone()),
            ("title", "kubeward could not read this input".to_owned()),
        ];
        command(&mut out, "error", &properties, &input.message);
    }
    let _ = writeln!(
        out,
        "kubeward: {} {}, {} suppressed, {} warnings, {} unreadable inputs",
        scan.report.findings.len(),
        if scan.report.findings.len() == 1 {
            "finding"
        } else {
            "findings"
        },
        scan.triage.suppressed.len(),
        scan.report.warnings.len(),
        scan.unreadable.len(),
    );
    out
}

fn finding_command(out: &mut String, finding: &Finding) {
    let name = match finding.severity {
        Severity::Critical | Severity::High => "error",
        Severity::Medium => "warning",
        Severity::Low | Severity::Info => "notice",
    };
    let properties = [
        ("file", finding.file.to_string()),
        ("line", finding.line.to_string()),
        ("col", finding.column.to_string()),
        (
            "title",
            format!("kubeward {} [{}]", finding.severity, finding.rule),
        ),
    ];
    let mut message = finding.message.clone();
    if let Some(object) = &finding.object {
        let _ = write!(message, "\nObject: {}", object.display_name());
    }
    if let Some(path) = &finding.path {
        let _ = write!(message, "\nField: {path}");
    }
    let _ = write!(message, "\nFix: {}", finding.remediation);
    command(out, name, &properties, &message);
}

/// Writes `::name key=value,...::message` and a line break.
fn command(out: &mut String, name: &str, properties: &[(&str, String)], message: &str) {
    out.push_str("::");
    out.push_str(name);
    for (index, (key, value)) in properties.iter().enumerate() {
        out.push(if index == 0 { ' ' } else { ',' });
        out.push_str(key);
        out.push('=');
        out.push_str(&escape_property(value));
    }
    out.push_str("::");
    out.push_str(&escape_data(message));
    out.push('\n');
}

/// Escapes a command's message.
pub fn escape_data(text: &str) -> String {
    text.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

/// Escapes a command property's value.
pub fn escape_property(text: &str) -> String {
    escape_data(text).replace(':', "%3A").replace(',', "%2C")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn data_escapes_percent_first() {
        assert_eq!(escape_data("100%\r\nnext"), "100%25%0D%0Anext");
        assert_eq!(escape_data("a: b, c"), "a: b, c");
    }

    #[test]
    fn properties_escape_separators() {
        assert_eq!(escape_property("dir,a:b.yaml"), "dir%2Ca%3Ab.yaml");
        assert_eq!(escape_property("%0A"), "%250A");
    }
}
