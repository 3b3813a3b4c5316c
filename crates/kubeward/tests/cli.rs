//! End-to-end tests of the `kubeward` command: exit statuses, flags,
//! standard input, colour and the text output.

mod common;

use common::{kubeward, run};
use predicates::prelude::*;

const PRIVILEGED: &str = "mixed/privileged-pod.yaml";
const SETTINGS: &str = "mixed/settings.yaml";
const CLEAN: &str = "clean/configmap.yaml";

#[test]
fn scan_clean_file_exits_0() {
    kubeward()
        .args(["scan", CLEAN])
        .assert()
        .code(0)
        .stdout("No findings in 1 object, 1 file scanned.\n");
}

#[test]
fn scan_critical_finding_exits_1() {
    kubeward()
        .args(["scan", PRIVILEGED])
        .assert()
        .code(1)
        .stdout(predicate::str::contains("critical[pss-privileged]"));
}

#[test]
fn unreadable_path_exits_2() {
    kubeward()
        .args(["scan", "missing.yaml", PRIVILEGED])
        .assert()
        .code(2)
        .stdout(predicate::str::contains("critical[pss-privileged]"))
        .stdout(predicate::str::contains("error: cannot read"))
        .stdout(predicate::str::contains("--> missing.yaml"));
}

#[test]
fn unreadable_path_json_uses_stderr() {
    kubeward()
        .args(["scan", "-o", "json", "missing.yaml", CLEAN])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("missing.yaml: cannot read"))
        .stdout(predicate::str::contains("\"unreadable\""));
}

#[test]
fn fail_on_sets_threshold() {
    // settings.yaml has a critical (parse-error) and a medium
    // (duplicate-key) finding. A file that cannot be parsed fails even at
    // the strictest threshold, so a broken manifest never passes CI.
    assert_eq!(run(&["scan", "--profile", "pss-baseline", SETTINGS]).0, 1);
    let critical = run(&[
        "scan",
        "--profile",
        "pss-baseline",
        "--fail-on",
        "critical",
        SETTINGS,
    ]);
    assert_eq!(critical.0, 1);
    assert!(critical.1.contains("critical[parse-error]"));
    let medium = run(&[
        "scan",
        "--profile",
        "pss-baseline",
        "--fail-on",
        "MEDIUM",
        SETTINGS,
    ]);
    assert_eq!(medium.0, 1);
}

#[test]
fn fail_on_rejects_unknown_severity() {
    kubeward()
        .args(["scan", "--fail-on", "severe", CLEAN])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("'severe'"))
        .stderr(predicate::str::contains(
            "info, low, medium, high, critical",
        ));
}

#[test]
fn output_rejects_unknown_format() {
    kubeward()
        .args(["scan", "-o", "xml", CLEAN])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("'xml'"))
        .stderr(predicate::str::contains("text, json, sarif"));
}

#[test]
fn profile_rejects_unknown_name() {
    kubeward()
        .args(["scan", "--profile", "strict", CLEAN])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("unknown profile `strict`"))
        .stderr(predicate::str::contains(
            "recommended, pss-baseline, pss-restricted, all",
        ));
}

#[test]
fn pss_version_rejects_bad_value() {
    kubeward()
        .args(["scan", "--pss-version", "1.30", CLEAN])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("`1.30`"))
        .stderr(predicate::str::contains("`latest` or `v1.N`"));
}

#[test]
fn pss_version_accepts_versions() {
    for version in ["latest", "v1.23", "v1.99"] {
        kubeward()
            .args(["scan", "--pss-version", version, CLEAN])
            .assert()
            .code(0);
    }
}

#[test]
fn color_rejects_unknown_value() {
    kubeward()
        .args(["scan", "--color", "sometimes", CLEAN])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("auto, always, never"));
}

#[test]
fn scan_requires_a_path() {
    kubeward().arg("scan").assert().code(2);
}

/// Runs `kubeward rules -o json` with `args` and returns the listed ids.
fn listed_ids(args: &[&str]) -> Vec<String> {
    let (code, out) = run(&[&["rules", "-o", "json"], args].concat());
    assert_eq!(code, 0);
    let list: serde_json::Value = serde_json::from_str(&out).expect("rules JSON parses");
    list["rules"]
        .as_array()
        .expect("rules is an array")
        .iter()
        .filter_map(|rule| rule["id"].as_str().map(str::to_owned))
        .collect()
}

#[test]
fn rules_profile_filters_list() {
    let all = listed_ids(&[]);
    let baseline = listed_ids(&["--profile", "pss-baseline"]);

    assert!(baseline.iter().any(|id| id == "pss-privileged"));
    assert!(baseline.len() < all.len());
    assert!(baseline.iter().all(|id| all.contains(id)));
}

#[test]
fn scan_profile_selects_rules() {
    let baseline = listed_ids(&["--profile", "pss-baseline"]);
    let args = [
        "scan",
        "--profile",
        "pss-baseline",
        "-o",
        "json",
        PRIVILEGED,
    ];
    let (code, json) = run(&args);
    assert_eq!(code, 1);

    let report: serde_json::Value = serde_json::from_str(&json).expect("report JSON parses");
    let found = report["findings"].as_array().expect("findings is an array");
    assert!(!found.is_empty());
    for finding in found {
        let rule = finding["rule"].as_str().unwrap_or_default();
        assert!(
            baseline.iter().any(|id| id == rule),
            "{rule} is not in pss-baseline"
        );
    }
}

#[test]
fn scan_reads_stdin() {
    let pod = std::fs::read_to_string(common::fixtures_dir().join(PRIVILEGED))
        .expect("fixture is readable");
    kubeward()
        .args(["scan", "-q", "-"])
        .write_stdin(pod)
        .assert()
        .code(1)
        .stdout(predicate::str::contains("-:12:9: critical[pss-privileged]"));
}

#[test]
fn scan_reads_json_stream_from_stdin() {
    // `kubectl get pods -o json | jq -c '.items[]'` output: one object per
    // line, with no `---` between them.
    let pod = |name: &str| {
        format!(
            "{{\"apiVersion\":\"v1\",\"kind\":\"Pod\",\"metadata\":{{\"name\":\"{name}\"}},\
             \"spec\":{{\"containers\":[{{\"name\":\"c\",\
             \"securityContext\":{{\"privileged\":true}}}}]}}}}\n"
        )
    };
    let (code, out) = kubeward()
        .args(["scan", "-q", "--profile", "pss-baseline", "-"])
        .write_stdin(format!("{}{}", pod("a"), pod("b")))
        .output()
        .map(|o| (o.status.code(), String::from_utf8(o.stdout).expect("UTF-8")))
        .expect("kubeward runs");
    assert_eq!(code, Some(1), "{out}");
    assert!(!out.contains("parse-error"), "{out}");
    assert!(out.contains("-:1:110: critical[pss-privileged]"), "{out}");
    assert!(out.contains("-:2:110: critical[pss-privileged]"), "{out}");
}

#[test]
fn quiet_prints_only_findings() {
    let (code, out) = run(&[
        "scan",
        "-q",
        "--profile",
        "pss-baseline",
        SETTINGS,
        "mixed/release notes.yaml",
    ]);
    assert_eq!(code, 1);
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(lines.len(), 2, "{out}");
    assert!(lines[0].starts_with("mixed/settings.yaml:8:3: medium[duplicate-key]: "));
    assert!(lines[1].starts_with("mixed/settings.yaml:"));
    assert!(lines[1].contains(": critical[parse-error]: invalid YAML"));
}

#[test]
fn quiet_prints_nothing_when_clean() {
    kubeward()
        .args(["scan", "-q", CLEAN])
        .assert()
        .code(0)
        .stdout("");
}

#[test]
fn color_always_styles_text() {
    kubeward()
        .args(["scan", "--color", "always", PRIVILEGED])
        .env("NO_COLOR", "1")
        .assert()
        .stdout(predicate::str::contains("\u{1b}["));
}

#[test]
fn color_auto_is_off_when_not_a_terminal() {
    kubeward()
        .args(["scan", PRIVILEGED])
        .assert()
        .stdout(predicate::str::contains("\u{1b}[").not());
}

#[test]
fn color_auto_honours_no_color() {
    // CLICOLOR_FORCE turns colour on in `auto` even without a terminal;
    // NO_COLOR wins over it.
    kubeward()
        .args(["scan", PRIVILEGED])
        .env("CLICOLOR_FORCE", "1")
        .assert()
        .stdout(predicate::str::contains("\u{1b}["));
    kubeward()
        .args(["scan", PRIVILEGED])
        .env("CLICOLOR_FORCE", "1")
        .env("NO_COLOR", "1")
        .assert()
        .stdout(predicate::str::contains("\u{1b}[").not());
}

#[test]
fn color_never_beats_clicolor_force() {
    kubeward()
        .args(["scan", "--color", "never", PRIVILEGED])
        .env("CLICOLOR_FORCE", "1")
        .assert()
        .stdout(predicate::str::contains("\u{1b}[").not());
}

#[test]
fn json_and_sarif_are_never_coloured() {
    for format in ["json", "sarif"] {
        kubeward()
            .args(["scan", "--color", "always", "-o", format, PRIVILEGED])
            .assert()
            .code(1)
            .stdout(predicate::str::contains("\u{1b}[").not());
    }
}

#[test]
fn text_output_snapshot() {
    let (code, out) = run(&["scan", "--profile", "pss-baseline", "snapshot/debug.yaml"]);
    assert_eq!(code, 1);
    insta::assert_snapshot!(out);
}

#[test]
fn explain_prints_rule_docs() {
    kubeward()
        .args(["explain", "pss-privileged"])
        .assert()
        .code(0)
        .stdout(predicate::str::starts_with(
            "# pss-privileged: Container runs privileged\n",
        ))
        .stdout(predicate::str::contains("## What it checks"))
        .stdout(predicate::str::contains("## Failing example"));
}

#[test]
fn explain_unknown_rule_suggests_ids() {
    kubeward()
        .args(["explain", "pss-privilegd"])
        .assert()
        .code(2)
        .stdout("")
        .stderr(
            "error: unknown rule `pss-privilegd` (did you mean `pss-privileged`?); \
             run `kubeward rules` to list every rule id\n",
        );
}

#[test]
fn explain_unrelated_id_names_rules_command() {
    kubeward()
        .args(["explain", "zzzzzzzzzzzzzzzzzzzzzzzzzzzz"])
        .assert()
        .code(2)
        .stderr(
            "error: unknown rule `zzzzzzzzzzzzzzzzzzzzzzzzzzzz`; run `kubeward rules` to list \
             every rule id\n",
        );
}

#[test]
fn rules_lists_every_rule() {
    let (code, out) = run(&["rules"]);
    assert_eq!(code, 0);
    let mut lines = out.lines();
    let header = lines.next().unwrap_or_default();
    assert!(header.starts_with("ID"), "{header}");
    assert!(header.contains("PROFILES"), "{header}");
    let listed: Vec<&str> = lines
        .filter_map(|line| line.split_whitespace().next())
        .collect();
    let expected: Vec<&str> = kubeward_rules::all().map(|rule| rule.id).collect();
    assert_eq!(listed, expected);
}

#[test]
fn rules_json_has_metadata() {
    let (code, out) = run(&["rules", "-o", "json"]);
    assert_eq!(code, 0);
    let list: serde_json::Value = serde_json::from_str(&out).expect("rules JSON parses");
    assert_eq!(list["schemaVersion"], "1");
    let privileged = list["rules"]
        .as_array()
        .and_then(|rules| rules.iter().find(|rule| rule["id"] == "pss-privileged"))
        .expect("pss-privileged is listed");
    assert_eq!(privileged["severity"], "critical");
    assert_eq!(privileged["pss"]["level"], "baseline");
    assert_eq!(privileged["family"], "pod-security");
    let profiles = privileged["profiles"]
        .as_array()
        .expect("profiles is an array");
    assert!(profiles.iter().any(|profile| profile == "pss-baseline"));
}

/// The PROFILES column of the text table lists the profiles that the JSON
/// list gives, `all` included.
#[test]
fn rules_table_profiles_match_json() {
    let (code, text) = run(&["rules"]);
    assert_eq!(code, 0);
    let (code, json) = run(&["rules", "-o", "json"]);
    assert_eq!(code, 0);
    let list: serde_json::Value = serde_json::from_str(&json).expect("rules JSON parses");
    let rules = list["rules"].as_array().expect("rules is an array");
    let rows: Vec<&str> = text.lines().skip(1).collect();
    assert_eq!(rows.len(), rules.len());
    for (row, rule) in rows.iter().zip(rules) {
        // The columns are ID, FAMILY, SEVERITY, PSS, PROFILES and SUMMARY,
        // and only the summary contains spaces.
        let columns: Vec<&str> = row.split_whitespace().collect();
        let expected: Vec<&str> = rule["profiles"]
            .as_array()
            .expect("profiles is an array")
            .iter()
            .filter_map(serde_json::Value::as_str)
            .collect();
        assert_eq!(columns[0], rule["id"], "{row}");
        assert_eq!(columns[4], expected.join(","), "{row}");
    }
    let capabilities = rows
        .iter()
        .find(|row| row.starts_with("dangerous-capabilities "))
        .expect("dangerous-capabilities is listed");
    assert_eq!(capabilities.split_whitespace().nth(4), Some("all"));
}

#[test]
fn rules_rejects_sarif_output() {
    kubeward()
        .args(["rules", "-o", "sarif"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("text, json"));
}

#[test]
fn docs_writes_pages_and_prunes_stale_ones() {
    let dir = std::env::temp_dir().join(format!("kubeward-docs-test-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temporary directory can be created");
    let stale = dir.join("removed-rule.md");
    let foreign = dir.join("notes.md");
    let marker = kubeward_report::docs::GENERATED_MARKER;
    std::fs::write(&stale, format!("{marker}\n\n# removed-rule\n")).expect("stale page is written");
    std::fs::write(&foreign, "# Notes\n").expect("foreign page is written");

    kubeward()
        .args(["docs", "--out"])
        .arg(&dir)
        .assert()
        .code(0);

    let rules: Vec<_> = kubeward_rules::all().collect();
    for page in kubeward_report::docs::pages(&rules) {
        let written = std::fs::read_to_string(dir.join(&page.file_name)).unwrap_or_default();
        assert_eq!(written, page.text, "{}", page.file_name);
    }
    assert!(!stale.exists(), "the stale generated page is deleted");
    assert!(foreign.exists(), "a page the command did not write is kept");
    std::fs::remove_dir_all(&dir).expect("temporary directory can be deleted");
}

/// An unquoted `namespace: n` is a YAML 1.1 boolean, which the API server
/// rejects: the scan reports the field, and no rule that compares objects
/// places the objects in `default`.
#[test]
fn boolean_namespace_is_not_read_as_default() {
    let input = "\
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: {name: rb, namespace: n}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: cluster-admin}
subjects: [{kind: User, name: bob}]
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: web, namespace: n}
spec:
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec: {containers: [{name: c, image: x}]}
";
    let output = kubeward()
        .args(["scan", "--no-config", "--profile", "all", "-o", "json", "-"])
        .write_stdin(input)
        .output()
        .expect("kubeward runs");
    let report: serde_json::Value =
        serde_json::from_slice(&output.stdout).expect("the output is JSON");
    let findings = report["findings"].as_array().expect("findings is a list");
    let namespace_findings: Vec<(&str, &str)> = findings
        .iter()
        .filter(|f| f["path"] == "metadata.namespace")
        .map(|f| {
            (
                f["rule"].as_str().unwrap_or_default(),
                f["object"]["kind"].as_str().unwrap_or_default(),
            )
        })
        .collect();
    assert_eq!(
        namespace_findings,
        [
            ("invalid-field-type", "RoleBinding"),
            ("invalid-field-type", "Deployment")
        ]
    );
    for finding in findings {
        let rule = finding["rule"].as_str().unwrap_or_default();
        assert!(
            !(rule.starts_with("rbac-") || rule.starts_with("network-") || rule == "attack-path"),
            "a cross-object rule read an object without a namespace: {finding}"
        );
        assert_ne!(finding["object"]["namespace"], "default", "{finding}");
    }
}
