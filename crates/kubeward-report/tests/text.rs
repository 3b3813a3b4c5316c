//! The text renderer on hand-made reports, independent of which rules
//! exist.

use std::sync::Arc;

use kubeward_core::{
    ContainerInfo, ContainerKind, Finding, ObjectRef, Report, ScanStats, Severity, Warning,
};
use kubeward_report::text::{TextOptions, render};
use kubeward_report::{ScanOutput, Unreadable};

const PLAIN: TextOptions = TextOptions {
    color: false,
    quiet: false,
};

fn object(kind: &str, namespace: Option<&str>, name: &str) -> Arc<ObjectRef> {
    Arc::new(ObjectRef {
        api_version: "v1".to_owned(),
        kind: kind.to_owned(),
        namespace: namespace.map(str::to_owned),
        name: Some(name.to_owned()),
    })
}

fn finding(file: &str, line: u32, column: u32, severity: Severity) -> Finding {
    Finding {
        rule: "test-rule",
        severity,
        message: "something is wrong".to_owned(),
        file: Arc::from(file),
        line,
        column,
        object: Some(object("Pod", Some("shop"), "web")),
        path: Some("spec.containers[0].securityContext.privileged".to_owned()),
        container: Some(ContainerInfo {
            name: "web".to_owned(),
            kind: ContainerKind::Regular,
        }),
        pss: None,
        remediation: "Fix it.",
        source_line: Some("        privileged: true".to_owned()),
    }
}

fn report(findings: Vec<Finding>) -> Report {
    Report {
        findings,
        warnings: Vec::new(),
        stats: ScanStats {
            files: 2,
            documents: 3,
            objects: 3,
            unreadable: 0,
        },
    }
}

fn text(report: &Report, unreadable: &[Unreadable], options: TextOptions) -> String {
    let scan = ScanOutput::new(report, &[], unreadable);
    render(&scan, options)
}

#[test]
fn groups_by_file_then_object() {
    let mut second_object = finding("a.yaml", 20, 9, Severity::High);
    second_object.object = Some(object("Namespace", None, "shop"));
    let report = report(vec![
        finding("a.yaml", 10, 9, Severity::Critical),
        finding("a.yaml", 12, 9, Severity::Medium),
        second_object,
        finding("b.yaml", 3, 9, Severity::Low),
    ]);
    let out = text(&report, &[], PLAIN);
    insta::assert_snapshot!(out);
    assert_eq!(
        out.matches("\na.yaml\n").count() + usize::from(out.starts_with("a.yaml\n")),
        1
    );
    assert_eq!(out.matches("  Pod shop/web\n").count(), 2, "once per file");
    assert_eq!(out.matches("  Namespace shop\n").count(), 1);
}

#[test]
fn findings_without_source_line_show_location_only() {
    let mut secret = finding("secret.yaml", 7, 3, Severity::High);
    secret.object = Some(object("Secret", Some("shop"), "db"));
    secret.source_line = None;
    let out = text(&report(vec![secret]), &[], PLAIN);
    assert!(out.contains("--> secret.yaml:7:3"), "{out}");
    assert!(out.contains("= field: spec.containers[0]"), "{out}");
    assert!(!out.contains(" | "), "no code frame: {out}");
}

#[test]
fn long_lines_are_not_quoted() {
    let mut minified = finding("min.json", 1, 5_001, Severity::High);
    let line = format!(
        "{}\"privileged\": true{}",
        "x".repeat(5_000),
        "y".repeat(5_000)
    );
    minified.source_line = Some(line);
    let out = text(&report(vec![minified]), &[], PLAIN);
    assert!(out.contains("--> min.json:1:5001"), "{out}");
    assert!(!out.contains("xxxxxxxxxx"), "the line is quoted");
}

#[test]
fn control_characters_in_names_are_replaced() {
    let mut hostile = finding("evil\u{1b}[2J.yaml", 1, 1, Severity::High);
    hostile.object = Some(object("Pod", Some("shop"), "web\u{1b}]8;;x\u{7}"));
    hostile.message = "bad \u{1b}[31m value".to_owned();
    let out = text(&report(vec![hostile]), &[], PLAIN);
    assert!(!out.contains('\u{1b}'), "{out:?}");
    assert!(!out.contains('\u{7}'), "{out:?}");
}

#[test]
fn colour_only_when_enabled() {
    let report = report(vec![finding("a.yaml", 10, 9, Severity::Critical)]);
    let plain = text(&report, &[], PLAIN);
    let coloured = text(
        &report,
        &[],
        TextOptions {
            color: true,
            quiet: false,
        },
    );
    assert!(!plain.contains('\u{1b}'));
    assert!(coloured.contains("\u{1b}["));
}

#[test]
fn nothing_to_report_is_one_line() {
    let out = text(&report(Vec::new()), &[], PLAIN);
    assert_eq!(out, "No findings in 3 objects, 2 files scanned.\n");
}

#[test]
fn warnings_and_unreadable_inputs_are_listed() {
    let mut report = report(Vec::new());
    report.warnings.push(Warning {
        file: Arc::from("notes.yaml"),
        line: Some(4),
        message: "document is not a Kubernetes object".to_owned(),
    });
    let unreadable = [Unreadable {
        path: "gone.yaml".to_owned(),
        message: "cannot read: No such file or directory".to_owned(),
    }];
    let out = text(&report, &unreadable, PLAIN);
    insta::assert_snapshot!(out);
}

#[test]
fn summary_counts_severities_and_rules() {
    let mut other_rule = finding("a.yaml", 11, 9, Severity::High);
    other_rule.rule = "other-rule";
    let report = report(vec![
        finding("a.yaml", 10, 9, Severity::Critical),
        other_rule,
        finding("a.yaml", 12, 9, Severity::Critical),
    ]);
    let out = text(&report, &[], PLAIN);
    assert!(
        out.contains("3 findings (2 critical, 1 high) in 1 of 3 objects, 2 files scanned.\n"),
        "{out}"
    );
    assert!(
        out.contains("By rule: test-rule 2, other-rule 1.\n"),
        "{out}"
    );
}

#[test]
fn quiet_prints_one_line_per_finding() {
    let report = report(vec![
        finding("a.yaml", 10, 9, Severity::Critical),
        finding("b.yaml", 3, 1, Severity::Info),
    ]);
    let unreadable = [Unreadable {
        path: "gone.yaml".to_owned(),
        message: "cannot read: No such file or directory".to_owned(),
    }];
    let quiet = TextOptions {
        color: false,
        quiet: true,
    };
    let out = text(&report, &unreadable, quiet);
    assert_eq!(
        out,
        "a.yaml:10:9: critical[test-rule]: something is wrong\n\
         b.yaml:3:1: info[test-rule]: something is wrong\n\
         gone.yaml: error: cannot read: No such file or directory\n"
    );
    assert_eq!(text(&self::report(Vec::new()), &[], quiet), "");
}
