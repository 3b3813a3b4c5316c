//! Agreement with the fixtures of the upstream pod-security admission
//! controller: every Pod it allows at a level and version must produce no
//! finding of that level's rules, and every Pod it rejects must produce a
//! finding of the rule that mirrors the check it violates.

use std::fmt::Write as _;
use std::fs;
use std::path::Path;

use kubeward_core::{PssLevel, PssVersion, RuleDef, ScanOptions};

/// The kubeward rule that mirrors each upstream check id.
const RULE_FOR_CHECK: [(&str, &str); 19] = [
    ("privileged", "pss-privileged"),
    ("hostNamespaces", "pss-host-namespaces"),
    ("hostPathVolumes", "pss-host-path-volumes"),
    ("hostPorts", "pss-host-ports"),
    ("hostProbesAndHostLifecycle", "pss-host-probes"),
    ("appArmorProfile", "pss-apparmor"),
    ("seLinuxOptions", "pss-selinux"),
    ("procMount", "pss-proc-mount"),
    ("seccompProfile_baseline", "pss-seccomp"),
    ("sysctls", "pss-sysctls"),
    ("windowsHostProcess", "pss-windows-host-process"),
    ("capabilities_baseline", "pss-capabilities-baseline"),
    ("restrictedVolumes", "pss-volume-types"),
    ("allowPrivilegeEscalation", "pss-privilege-escalation"),
    ("runAsNonRoot", "pss-run-as-non-root"),
    ("runAsUser", "pss-run-as-user"),
    ("seccompProfile_restricted", "pss-seccomp-restricted"),
    ("capabilities_restricted", "pss-capabilities-restricted"),
    ("procMount_restricted", "pss-proc-mount-restricted"),
];

/// One row of the expectations table.
struct Row<'t> {
    fixture: &'t str,
    check_id: &'t str,
    expect_pass: bool,
    level: PssLevel,
    version: PssVersion,
}

fn parse_row(line: &str) -> Result<Row<'_>, String> {
    let fields: Vec<&str> = line.split('\t').collect();
    let [fixture, check_id, expected, note] = fields[..] else {
        return Err(format!(
            "expected 4 tab-separated fields, found {}",
            fields.len()
        ));
    };
    let expect_pass = match expected {
        "pass" => true,
        "fail" => false,
        other => return Err(format!("expected `pass` or `fail`, found `{other}`")),
    };
    let at = note
        .split(';')
        .next()
        .and_then(|first| first.trim().strip_prefix("at="))
        .ok_or_else(|| format!("note does not start with `at=<level>:<version>`: {note}"))?;
    let (level, version) = at
        .split_once(':')
        .ok_or_else(|| format!("invalid `at=` value `{at}`"))?;
    let level = match level {
        "baseline" => PssLevel::Baseline,
        "restricted" => PssLevel::Restricted,
        other => return Err(format!("unknown level `{other}`")),
    };
    let version = version.parse::<PssVersion>().map_err(|e| e.to_string())?;
    Ok(Row {
        fixture,
        check_id,
        expect_pass,
        level,
        version,
    })
}

fn rules_for(level: PssLevel) -> Vec<&'static RuleDef> {
    kubeward_pss::RULES
        .iter()
        .copied()
        .filter(|rule| match level {
            PssLevel::Baseline => rule.pss.is_some_and(|p| p.level == PssLevel::Baseline),
            PssLevel::Restricted => rule.pss.is_some(),
        })
        .collect()
}

/// Evaluates one row and returns why it disagrees, if it does.
fn disagreement(dir: &Path, row: &Row<'_>) -> Option<String> {
    let text = match fs::read_to_string(dir.join(row.fixture)) {
        Ok(text) => text,
        Err(error) => return Some(format!("cannot read the fixture: {error}")),
    };
    let options = ScanOptions {
        pss_version: row.version,
        ..ScanOptions::default()
    };
    let findings = kubeward_testutil::check(row.fixture, &text, &rules_for(row.level), options);
    if row.expect_pass {
        if findings.is_empty() {
            return None;
        }
        let listed: Vec<String> = findings
            .iter()
            .map(|f| format!("{} at {}", f.rule, f.path.as_deref().unwrap_or("?")))
            .collect();
        return Some(format!("allowed upstream, but found {}", listed.join(", ")));
    }
    let Some(&(_, rule)) = RULE_FOR_CHECK.iter().find(|(id, _)| *id == row.check_id) else {
        return Some(format!("no rule mirrors the check id `{}`", row.check_id));
    };
    if findings.iter().any(|f| f.rule == rule) {
        return None;
    }
    let others: Vec<&str> = findings.iter().map(|f| f.rule).collect();
    Some(format!(
        "rejected upstream by {}, but {rule} found nothing (other findings: {})",
        row.check_id,
        if others.is_empty() {
            "none".to_owned()
        } else {
            others.join(", ")
        }
    ))
}

#[test]
fn upstream_fixtures_agree() {
    let Some(shared) = kubeward_testutil::shared_dir("upstream_fixtures_agree") else {
        return;
    };
    let dir = shared.join("peer-suites/pod-security-admission");
    let table = fs::read_to_string(dir.join("EXPECTED.tsv")).expect("EXPECTED.tsv is readable");
    let mut rows = 0;
    let mut failures = Vec::new();
    for (index, line) in table.lines().enumerate().skip(1) {
        if line.trim().is_empty() {
            continue;
        }
        rows += 1;
        let problem = match parse_row(line) {
            Ok(row) => disagreement(&dir, &row).map(|reason| {
                let expected = if row.expect_pass { "pass" } else { "fail" };
                format!(
                    "{} ({expected} at {}:{}): {reason}",
                    row.fixture, row.level, row.version
                )
            }),
            Err(error) => Some(format!("line {}: {error}", index + 1)),
        };
        failures.extend(problem);
    }
    let mut report = String::new();
    for failure in failures.iter().take(50) {
        writeln!(report, "  {failure}").expect("writing to a String cannot fail");
    }
    println!("{} of {rows} fixture rows agree", rows - failures.len());
    assert!(rows > 0, "EXPECTED.tsv has no rows");
    assert!(
        failures.is_empty(),
        "{} of {rows} fixture rows disagree; the first {}:\n{report}",
        failures.len(),
        failures.len().min(50)
    );
}
