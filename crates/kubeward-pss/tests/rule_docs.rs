//! Checks the documentation of every rule of the family: all sections are
//! present, the failing example is flagged and the fixed example is not.

use std::collections::HashSet;
use std::sync::Arc;

use kubeward_core::{Family, RuleDef, ScanOptions, scan_text};

const SECTIONS: [&str; 6] = [
    "What it checks",
    "Why it matters",
    "Failing example",
    "Fixed example",
    "Known limitations",
    "References",
];

/// Returns the body of the first ```yaml block of a section.
fn yaml_block(section: &str) -> Option<&str> {
    let start = section.find("```yaml\n")? + "```yaml\n".len();
    let end = section[start..].find("```")?;
    Some(&section[start..start + end])
}

/// What a rule made of one documentation example.
struct ExampleRun {
    /// Objects read from the example.
    objects: usize,
    /// Warnings and findings of other rules, such as parse errors.
    noise: Vec<String>,
    /// Findings of the rule itself.
    findings: Vec<String>,
}

fn run_example(rule: &'static RuleDef, yaml: &str) -> ExampleRun {
    let file: Arc<str> = Arc::from(rule.id);
    let report = scan_text(&file, yaml, &[rule], ScanOptions::default());
    let (own, other): (Vec<_>, Vec<_>) = report.findings.iter().partition(|f| f.rule == rule.id);
    let mut noise: Vec<String> = report.warnings.iter().map(|w| w.message.clone()).collect();
    noise.extend(other.iter().map(|f| format!("{}: {}", f.rule, f.message)));
    ExampleRun {
        objects: report.objects,
        noise,
        findings: own
            .iter()
            .map(|f| format!("{}: {}", f.path.as_deref().unwrap_or("?"), f.message))
            .collect(),
    }
}

fn doc_problems(rule: &'static RuleDef) -> Vec<String> {
    let id = rule.id;
    let mut problems = Vec::new();
    for heading in SECTIONS {
        match rule.section(heading) {
            Some(text) if !text.trim().is_empty() => {}
            _ => problems.push(format!("{id}: section \"{heading}\" is missing or empty")),
        }
    }
    let examples = [("Failing example", true), ("Fixed example", false)];
    for (heading, must_flag) in examples {
        let Some(section) = rule.section(heading) else {
            continue;
        };
        let Some(yaml) = yaml_block(&section) else {
            problems.push(format!("{id}: \"{heading}\" has no yaml code block"));
            continue;
        };
        let run = run_example(rule, yaml);
        if run.objects != 1 {
            problems.push(format!(
                "{id}: \"{heading}\" holds {} objects, expected one",
                run.objects
            ));
        }
        if !run.noise.is_empty() {
            problems.push(format!(
                "{id}: \"{heading}\" does not read cleanly: {:?}",
                run.noise
            ));
        }
        if must_flag && run.findings.is_empty() {
            problems.push(format!("{id}: the failing example produces no finding"));
        }
        if !must_flag && !run.findings.is_empty() {
            problems.push(format!(
                "{id}: the fixed example produces {:?}",
                run.findings
            ));
        }
    }
    if rule.summary.contains('\n') || rule.summary.is_empty() {
        problems.push(format!("{id}: the summary must be one non-empty line"));
    }
    if rule.remediation.contains('\n') || rule.remediation.is_empty() {
        problems.push(format!("{id}: the remediation must be one non-empty line"));
    }
    if rule.family != Family::PodSecurity || rule.pss.is_none() {
        problems.push(format!(
            "{id}: must be a pod-security rule with a PSS control"
        ));
    }
    if !id.starts_with("pss-") {
        problems.push(format!("{id}: ids of the family start with pss-"));
    }
    problems
}

#[test]
fn rule_docs_complete_and_examples_hold() {
    let problems: Vec<String> = kubeward_pss::RULES
        .iter()
        .flat_map(|&rule| doc_problems(rule))
        .collect();
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn rule_ids_unique() {
    let mut seen = HashSet::new();
    for rule in kubeward_pss::RULES {
        assert!(seen.insert(rule.id), "rule id {} is listed twice", rule.id);
    }
    assert_eq!(seen.len(), 19, "the family has one rule per upstream check");
}

#[test]
fn baseline_rules_listed_first() {
    let levels: Vec<_> = kubeward_pss::RULES
        .iter()
        .filter_map(|rule| rule.pss.map(|p| p.level))
        .collect();
    let mut sorted = levels.clone();
    sorted.sort();
    assert_eq!(
        levels, sorted,
        "baseline rules come before restricted rules"
    );
}
