//! The documentation of every `container` rule: all sections are present,
//! and the examples in it behave as documented.

mod common;

use std::collections::BTreeSet;

use kubeward_core::{Family, RuleDef};
use kubeward_rules::container::RULES;

const SECTIONS: [&str; 6] = [
    "What it checks",
    "Why it matters",
    "Failing example",
    "Fixed example",
    "Known limitations",
    "References",
];

/// Extracts the YAML code block of a docs section.
fn yaml_example(rule: &RuleDef, section: &str) -> String {
    let text = rule
        .section(section)
        .unwrap_or_else(|| panic!("{}: no \"{section}\" section", rule.id));
    let start = text
        .find("```yaml\n")
        .unwrap_or_else(|| panic!("{}: \"{section}\" has no yaml block", rule.id))
        + "```yaml\n".len();
    let end = text[start..]
        .find("```")
        .unwrap_or_else(|| panic!("{}: \"{section}\" has an unclosed yaml block", rule.id));
    text[start..start + end].to_owned()
}

#[test]
fn every_section_present() {
    for rule in RULES {
        for section in SECTIONS {
            let text = rule.section(section);
            assert!(
                text.as_deref().is_some_and(|t| !t.is_empty()),
                "{}: section \"{section}\" is missing or empty",
                rule.id
            );
        }
    }
}

#[test]
fn metadata_is_well_formed() {
    for rule in RULES {
        assert_eq!(rule.family, Family::Container, "{}", rule.id);
        assert!(
            rule.id
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-'),
            "{}: ids are kebab-case",
            rule.id
        );
        assert!(!rule.summary.is_empty(), "{}: empty summary", rule.id);
        assert!(
            !rule.summary.contains('\n'),
            "{}: summary is one line",
            rule.id
        );
        assert!(
            !rule.remediation.is_empty(),
            "{}: empty remediation",
            rule.id
        );
        assert!(
            !rule.remediation.contains('\n'),
            "{}: remediation is one line",
            rule.id
        );
        assert!(
            rule.pss.is_none(),
            "{}: container rules are not PSS controls",
            rule.id
        );
    }
}

#[test]
fn rule_ids_are_unique() {
    let mut seen = BTreeSet::new();
    for rule in kubeward_rules::all() {
        assert!(
            seen.insert(rule.id),
            "rule id {} is registered twice",
            rule.id
        );
    }
    for rule in RULES {
        assert!(
            kubeward_rules::find(rule.id).is_some(),
            "{} is not registered",
            rule.id
        );
    }
}

#[test]
fn failing_examples_fail() {
    for rule in RULES {
        let yaml = yaml_example(rule, "Failing example");
        let findings = common::check_one(rule, &yaml);
        assert!(
            findings.iter().any(|f| f.rule == rule.id),
            "{}: the failing example has no finding",
            rule.id
        );
    }
}

#[test]
fn fixed_examples_pass() {
    for rule in RULES {
        let yaml = yaml_example(rule, "Fixed example");
        let findings = common::check_one(rule, &yaml);
        assert!(
            findings.is_empty(),
            "{}: the fixed example has findings: {findings:#?}",
            rule.id
        );
    }
}

#[test]
fn examples_are_valid_objects() {
    for rule in RULES {
        for section in ["Failing example", "Fixed example"] {
            let yaml = yaml_example(rule, section);
            let report = kubeward_core::scan_text(
                &std::sync::Arc::from("example.yaml"),
                &yaml,
                &[],
                kubeward_core::ScanOptions::default(),
            );
            assert_eq!(
                report.objects, 1,
                "{}: {section} is not one object",
                rule.id
            );
            assert!(
                report.findings.is_empty() && report.warnings.is_empty(),
                "{}: {section} does not parse cleanly: {:?} {:?}",
                rule.id,
                report.findings,
                report.warnings
            );
        }
    }
}
