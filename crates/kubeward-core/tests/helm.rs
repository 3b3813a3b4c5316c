//! Output of `helm template`: a leading `---`, empty documents, documents
//! that hold only a `# Source:` comment, and a trailing `---`.

mod common;

use common::{fixture, of_rule, positions, scan};

#[test]
fn helm_template_output() {
    let report = scan("rendered.yaml", &fixture("helm-template.yaml"));
    assert_eq!(report.objects, 1);
    assert_eq!(report.documents, 1);
    assert_eq!(positions(&report, "pss-privileged"), vec![(26, 13)]);
    // Other Pod Security Standards rules report the missing restricted
    // settings; the intake rules report nothing.
    for rule in ["parse-error", "duplicate-key", "invalid-field-type"] {
        assert_eq!(of_rule(&report, rule).count(), 0, "{rule}");
    }
    assert!(report.warnings.is_empty(), "{:?}", report.warnings);
    let finding = of_rule(&report, "pss-privileged").next().expect("finding");
    let object = finding.object.as_ref().expect("object");
    assert_eq!(
        (object.kind.as_str(), object.name.as_deref()),
        ("Deployment", Some("web"))
    );
    assert_eq!(
        finding.path.as_deref(),
        Some("spec.template.spec.containers[0].securityContext.privileged")
    );
    assert_eq!(
        finding.source_line.as_deref(),
        Some("            privileged: true")
    );
}

#[test]
fn comment_only_file_warns_once() {
    let report = scan("values.yaml", &fixture("comments-only.yaml"));
    assert_eq!(report.objects, 0);
    assert!(report.findings.is_empty(), "{:?}", report.findings);
    assert_eq!(report.warnings.len(), 1, "{:?}", report.warnings);
    assert_eq!(report.warnings[0].line, None);
    assert!(
        report.warnings[0].message.contains("no Kubernetes objects"),
        "{}",
        report.warnings[0].message
    );
}

#[test]
fn empty_file_warns_once() {
    let report = scan("empty.yaml", "");
    assert!(report.findings.is_empty());
    assert_eq!(report.warnings.len(), 1);
}
