//! Every rule's documentation: its sections and examples, and the
//! generated pages in `docs/rules/`.
//!
//! To refresh the pages after changing a rule, run
//! `UPDATE_DOCS=1 cargo test -p kubeward --test rule_docs`, or
//! `cargo run -p kubeward -- docs --out docs/rules`.

use std::collections::BTreeSet;
use std::fs;
use std::path::PathBuf;

use std::sync::OnceLock;

use kubeward_core::{Check, RuleConfig, RuleDef, ScanOptions};
use kubeward_report::docs::{GENERATED_MARKER, SECTIONS, first_yaml_block, pages};

const REFRESH: &str = "UPDATE_DOCS=1 cargo test -p kubeward --test rule_docs";

fn rules() -> Vec<&'static RuleDef> {
    kubeward_rules::all().collect()
}

fn docs_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../docs/rules")
}

fn is_kebab_case(id: &str) -> bool {
    !id.is_empty()
        && id.split('-').all(|word| {
            !word.is_empty()
                && word
                    .bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit())
        })
}

#[test]
fn rule_ids_are_unique() {
    let mut seen = BTreeSet::new();
    for rule in rules() {
        assert!(
            seen.insert(rule.id),
            "rule id `{}` is declared twice",
            rule.id
        );
    }
}

#[test]
fn rule_ids_are_kebab_case() {
    for rule in rules() {
        assert!(
            is_kebab_case(rule.id),
            "rule id `{}` is not kebab-case",
            rule.id
        );
    }
}

#[test]
fn rule_summary_and_remediation_are_set() {
    for rule in rules() {
        assert!(
            !rule.summary.trim().is_empty(),
            "{}: empty summary",
            rule.id
        );
        assert!(
            !rule.remediation.trim().is_empty(),
            "{}: empty remediation",
            rule.id
        );
    }
}

/// Other sections, such as "Options", may appear between the required ones.
#[test]
fn rule_docs_have_every_section_in_order() {
    for rule in rules() {
        let docs = rule.docs();
        let required: Vec<&str> = docs
            .lines()
            .filter_map(|line| line.strip_prefix("## "))
            .map(str::trim)
            .filter(|heading| SECTIONS.contains(heading))
            .collect();
        assert_eq!(
            required, SECTIONS,
            "{}: sections of the doc comment",
            rule.id
        );
        for heading in SECTIONS {
            let text = rule.section(heading).unwrap_or_default();
            assert!(
                !text.is_empty(),
                "{}: section `{heading}` is empty",
                rule.id
            );
        }
    }
}

/// Runs `rule` on the first YAML block of a section and returns the
/// findings.
fn findings_of(rule: &'static RuleDef, heading: &str) -> Vec<kubeward_core::Finding> {
    let section = rule.section(heading).unwrap_or_default();
    let Some(yaml) = first_yaml_block(&section) else {
        panic!("{}: section `{heading}` has no ```yaml block", rule.id);
    };
    // The scan makes pipeline findings (parse-error, duplicate-key)
    // whatever rules it runs, so passing the rule alone works for every
    // kind of check.
    let file = format!(
        "{}-{}.yaml",
        rule.id,
        heading.to_lowercase().replace(' ', "-")
    );
    kubeward_testutil::check(&file, yaml, &[rule], example_options())
}

/// The settings the documentation examples are written for: rules with
/// options say in their docs which values their examples assume.
fn example_options() -> ScanOptions {
    static OPTIONS: OnceLock<ScanOptions> = OnceLock::new();
    *OPTIONS.get_or_init(|| {
        ScanOptions::default().with_config(RuleConfig {
            allowed_registries: vec!["registry.example.com".to_owned()],
            ..RuleConfig::default()
        })
    })
}

#[test]
fn failing_examples_fail() {
    for rule in rules() {
        let findings = findings_of(rule, "Failing example");
        assert!(
            findings.iter().any(|finding| finding.rule == rule.id),
            "{}: the failing example produces no {} finding (findings: {:?})",
            rule.id,
            rule.id,
            findings
                .iter()
                .map(|finding| finding.rule)
                .collect::<Vec<_>>(),
        );
    }
}

#[test]
fn fixed_examples_pass() {
    for rule in rules() {
        let findings = findings_of(rule, "Fixed example");
        let own: Vec<&str> = findings
            .iter()
            .filter(|finding| finding.rule == rule.id)
            .map(|finding| finding.message.as_str())
            .collect();
        assert!(
            own.is_empty(),
            "{}: the fixed example fails: {own:?}",
            rule.id
        );
        let parse_errors = findings
            .iter()
            .filter(|finding| finding.rule == "parse-error")
            .count();
        assert_eq!(
            parse_errors, 0,
            "{}: the fixed example does not parse",
            rule.id
        );
    }
}

#[test]
fn pipeline_rules_are_the_intake_rules() {
    let pipeline: Vec<&str> = rules()
        .into_iter()
        .filter(|rule| matches!(rule.check, Check::Pipeline))
        .map(|rule| rule.id)
        .collect();
    for id in ["parse-error", "duplicate-key"] {
        assert!(
            pipeline.contains(&id),
            "{id} is not a pipeline rule: {pipeline:?}"
        );
    }
}

#[test]
fn generated_docs_are_current() {
    let dir = docs_dir();
    let expected = pages(&rules());
    if std::env::var_os("UPDATE_DOCS").is_some_and(|value| value != "0") {
        write_pages(&dir, &expected);
        return;
    }
    let mut problems = Vec::new();
    for page in &expected {
        let path = dir.join(&page.file_name);
        match fs::read_to_string(&path) {
            Ok(text) if text == page.text => {}
            Ok(_) => problems.push(format!("{} is stale", page.file_name)),
            Err(_) => problems.push(format!("{} is missing", page.file_name)),
        }
    }
    for name in generated_files(&dir) {
        if !expected.iter().any(|page| page.file_name == name) {
            problems.push(format!("{name} documents a rule that no longer exists"));
        }
    }
    assert!(
        problems.is_empty(),
        "docs/rules is out of date:\n  {}\nRefresh it with `{REFRESH}`.",
        problems.join("\n  "),
    );
}

/// Lists the names of the generated pages in `dir`.
fn generated_files(dir: &PathBuf) -> Vec<String> {
    let Ok(entries) = fs::read_dir(dir) else {
        return Vec::new();
    };
    entries
        .filter_map(Result::ok)
        .filter(|entry| {
            fs::read_to_string(entry.path()).is_ok_and(|text| text.starts_with(GENERATED_MARKER))
        })
        .filter_map(|entry| entry.file_name().into_string().ok())
        .collect()
}

fn write_pages(dir: &PathBuf, pages: &[kubeward_report::docs::Page]) {
    fs::create_dir_all(dir).expect("docs/rules can be created");
    for name in generated_files(dir) {
        if !pages.iter().any(|page| page.file_name == name) {
            fs::remove_file(dir.join(&name)).expect("stale page can be deleted");
        }
    }
    for page in pages {
        fs::write(dir.join(&page.file_name), &page.text).expect("page can be written");
    }
    eprintln!("wrote {} pages to {}", pages.len(), dir.display());
}
