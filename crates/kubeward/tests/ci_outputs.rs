//! The CI outputs against their formats. xmllint validates JUnit XML
//! against both common JUnit schemas, and `jsonschema` the GitLab code
//! quality report against GitLab's own schema and the JSON output, with
//! suppressed findings and a baseline, against its published schema.
//! GitHub workflow commands are parsed as the runner parses them. The
//! fingerprints of JSON, SARIF and GitLab output must agree.

mod support;

use std::collections::BTreeSet;
use std::path::Path;

use serde_json::Value;
use support::{Run, TempDir, kubeward_in, run};

const REPORT_SCHEMA: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../../docs/schema/kubeward-report-v1.schema.json"
);
const AGENT: &str = include_str!("fixtures/ci/deploy/agent.yaml");
const WEB: &str = include_str!("fixtures/ci/deploy/web.yaml");

/// A manifest set with findings of every severity, a suppressed finding, a
/// duplicate key whose message holds a line break, a file name with the
/// characters workflow commands escape, and a file with no objects.
fn project() -> TempDir {
    let dir = TempDir::new("ci-outputs");
    dir.write("deploy/agent.yaml", AGENT);
    dir.write("deploy/web.yaml", WEB);
    dir.write(
        "deploy/odd,name:100%.yaml",
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: odd\ndata:\n  \"a\\nb\": x\n  \"a\\nb\": y\n",
    );
    dir.write("deploy/notes.yaml", "just: notes\n");
    dir
}

fn scan(dir: &TempDir, format: &str) -> Run {
    run(kubeward_in(dir.path()).args(["scan", "--profile", "all", "deploy", "-o", format]))
}

fn read_json(path: &Path) -> Value {
    let text = std::fs::read_to_string(path)
        .unwrap_or_else(|err| panic!("cannot read {}: {err}", path.display()));
    serde_json::from_str(&text)
        .unwrap_or_else(|err| panic!("{} is not JSON: {err}", path.display()))
}

/// Validates `xml` against the XSD `schema` with xmllint, returning its
/// complaints.
fn xmllint(xmllint: &Path, schema: &Path, xml: &str, dir: &TempDir) -> Result<(), String> {
    let file = dir.write("report.xml", xml);
    let output = std::process::Command::new(xmllint)
        .arg("--noout")
        .arg("--schema")
        .arg(schema)
        .arg(&file)
        .output()
        .expect("xmllint runs");
    if output.status.success() {
        Ok(())
    } else {
        Err(String::from_utf8_lossy(&output.stderr).into_owned())
    }
}

#[test]
fn junit_validates_against_both_schemas() {
    let Some(shared) = kubeward_testutil::shared_dir("junit_validates_against_both_schemas") else {
        return;
    };
    let Some(program) =
        kubeward_testutil::require_program("junit_validates_against_both_schemas", "xmllint")
    else {
        return;
    };
    let dir = project();
    let out = scan(&dir, "junit");
    assert_eq!(out.code, 1);
    for schema in ["JUnit.xsd", "junit-10.xsd"] {
        let checked = xmllint(
            &program,
            &shared.join("schemas").join(schema),
            &out.stdout,
            &dir,
        );
        assert!(checked.is_ok(), "{schema}: {checked:?}\n{}", out.stdout);
    }
}

#[test]
fn junit_schemas_reject_broken_reports() {
    let Some(shared) = kubeward_testutil::shared_dir("junit_schemas_reject_broken_reports") else {
        return;
    };
    let Some(program) =
        kubeward_testutil::require_program("junit_schemas_reject_broken_reports", "xmllint")
    else {
        return;
    };
    let dir = project();
    let out = scan(&dir, "junit");
    let strict = shared.join("schemas/JUnit.xsd");
    let no_hostname = out.stdout.replacen(" hostname=", " host=", 1);
    assert!(xmllint(&program, &strict, &no_hostname, &dir).is_err());
    let zoned = out.stdout.replacen("\" hostname=", "+00:00\" hostname=", 1);
    assert!(xmllint(&program, &strict, &zoned, &dir).is_err());
    let lenient = shared.join("schemas/junit-10.xsd");
    let counted = out
        .stdout
        .replacen("<testsuites>", "<testsuites skipped=\"0\">", 1);
    assert!(xmllint(&program, &lenient, &counted, &dir).is_err());
}

#[test]
fn junit_counts_match_findings() {
    let dir = project();
    let report = scan(&dir, "json").json();
    let xml = scan(&dir, "junit").stdout;
    let sum = |attribute: &str| -> usize {
        let needle = format!(" {attribute}=\"");
        xml.lines()
            .filter(|line| line.trim_start().starts_with("<testsuite "))
            .filter_map(|line| {
                let start = line.find(&needle)? + needle.len();
                line[start..].split('"').next()?.parse::<usize>().ok()
            })
            .sum()
    };
    let findings = report["findings"].as_array().map_or(0, Vec::len);
    let suppressed = report["suppressed"].as_array().map_or(0, Vec::len);
    assert_eq!(sum("failures"), findings);
    assert_eq!(sum("skipped"), suppressed);
    assert_eq!(suppressed, 1);
    assert!(xml.contains(
        "<skipped message=\"suppressed by the annotation at deploy/web.yaml:9: the debug sidecar"
    ));
    assert!(
        xml.contains("name=\"inputs\""),
        "the warning about notes.yaml has a suite"
    );
}

#[test]
fn gitlab_report_matches_gitlab_schema() {
    let Some(shared) = kubeward_testutil::shared_dir("gitlab_report_matches_gitlab_schema") else {
        return;
    };
    let schema = read_json(&shared.join("schemas/codeclimate.json"));
    let validator = jsonschema::validator_for(&schema).expect("GitLab's schema compiles");
    let dir = project();
    let out = scan(&dir, "gitlab");
    assert_eq!(out.code, 1);
    let issues = out.json();
    let issues = issues.as_array().expect("the report is an array");
    assert!(!issues.is_empty());
    for issue in issues {
        let errors: Vec<String> = validator
            .iter_errors(issue)
            .map(|e| e.to_string())
            .collect();
        assert!(errors.is_empty(), "{errors:?} in {issue}");
        assert!(
            issue["location"]["lines"]["begin"]
                .as_u64()
                .is_some_and(|line| line >= 1)
        );
        let severity = issue["severity"].as_str().unwrap_or_default();
        assert!(
            ["info", "minor", "major", "critical", "blocker"].contains(&severity),
            "{severity}"
        );
    }
    let mut broken = issues[0].clone();
    broken
        .as_object_mut()
        .map(|issue| issue.remove("fingerprint"));
    assert!(
        !validator.is_valid(&broken),
        "an issue without fingerprint passes"
    );
}

#[test]
fn fingerprints_agree_across_outputs() {
    let dir = project();
    let report = scan(&dir, "json").json();
    let from_json: Vec<String> = report["findings"]
        .as_array()
        .expect("findings is an array")
        .iter()
        .map(|f| f["fingerprint"].as_str().unwrap_or_default().to_owned())
        .collect();
    let unique: BTreeSet<&String> = from_json.iter().collect();
    assert_eq!(unique.len(), from_json.len(), "fingerprints are distinct");
    let sarif = scan(&dir, "sarif").json();
    let from_sarif: Vec<String> = sarif["runs"][0]["results"]
        .as_array()
        .expect("results is an array")
        .iter()
        .map(|r| {
            r["partialFingerprints"]["kubeward/v1"]
                .as_str()
                .unwrap_or_default()
                .to_owned()
        })
        .collect();
    assert_eq!(from_sarif, from_json);
    let gitlab = scan(&dir, "gitlab").json();
    let from_gitlab: Vec<String> = gitlab
        .as_array()
        .expect("the report is an array")
        .iter()
        .map(|i| i["fingerprint"].as_str().unwrap_or_default().to_owned())
        .collect();
    assert_eq!(from_gitlab, from_json);
}

/// One parsed workflow command.
#[derive(Debug)]
struct WorkflowCommand {
    name: String,
    properties: Vec<(String, String)>,
    message: String,
}

/// Reverses the runner's escaping, failing on a `%` that starts no known
/// escape and on characters that must be escaped but are not.
fn unescape(text: &str, property: bool) -> Result<String, String> {
    let mut out = String::new();
    let mut rest = text;
    while let Some(index) = rest.find(['%', '\r', '\n', ':', ',']) {
        out.push_str(&rest[..index]);
        let tail = &rest[index..];
        let (decoded, length) = match tail.get(..3) {
            Some("%25") => ('%', 3),
            Some("%0D") => ('\r', 3),
            Some("%0A") => ('\n', 3),
            Some("%3A") if property => (':', 3),
            Some("%2C") if property => (',', 3),
            _ if tail.starts_with([':', ',']) && !property => (tail.as_bytes()[0] as char, 1),
            _ => return Err(format!("unescaped character in {text:?}")),
        };
        out.push(decoded);
        rest = &tail[length..];
    }
    out.push_str(rest);
    Ok(out)
}

/// Parses `::name key=value,...::message` as GitHub's runner does.
fn parse_command(line: &str) -> Result<WorkflowCommand, String> {
    let body = line.strip_prefix("::").ok_or("no leading ::")?;
    let (head, message) = body.split_once("::").ok_or("no :: before the message")?;
    let (name, properties) = head.split_once(' ').unwrap_or((head, ""));
    let mut parsed = Vec::new();
    for property in properties.split(',').filter(|p| !p.is_empty()) {
        let (key, value) = property.split_once('=').ok_or("property without =")?;
        parsed.push((key.to_owned(), unescape(value, true)?));
    }
    Ok(WorkflowCommand {
        name: name.to_owned(),
        properties: parsed,
        message: unescape(message, false)?,
    })
}

#[test]
fn github_commands_follow_the_documented_format() {
    let dir = project();
    let report = scan(&dir, "json").json();
    let out = scan(&dir, "github");
    assert_eq!(out.code, 1);
    let lines: Vec<&str> = out.stdout.lines().collect();
    let (summary, commands) = lines.split_last().expect("output is not empty");
    assert!(summary.starts_with("kubeward: "), "{summary}");
    let commands: Vec<WorkflowCommand> = commands
        .iter()
        .map(|line| parse_command(line).unwrap_or_else(|err| panic!("{err}: {line}")))
        .collect();
    let findings = report["findings"].as_array().expect("findings is an array");
    let warnings = report["warnings"].as_array().expect("warnings is an array");
    assert_eq!(commands.len(), findings.len() + warnings.len());
    for (command, finding) in commands.iter().zip(findings) {
        let expected_name = match finding["severity"].as_str() {
            Some("critical" | "high") => "error",
            Some("medium") => "warning",
            _ => "notice",
        };
        assert_eq!(command.name, expected_name);
        let keys: Vec<&str> = command.properties.iter().map(|(k, _)| k.as_str()).collect();
        assert_eq!(keys, ["file", "line", "col", "title"]);
        assert_eq!(
            Some(command.properties[0].1.as_str()),
            finding["file"].as_str()
        );
        assert_eq!(command.properties[1].1, finding["line"].to_string());
        assert_eq!(command.properties[2].1, finding["column"].to_string());
        let message = finding["message"].as_str().unwrap_or_default();
        assert!(command.message.starts_with(message), "{command:?}");
        if finding["rule"] == "pss-privileged" {
            let file = dir.read(&command.properties[0].1);
            let line: usize = command.properties[1].1.parse().expect("line is a number");
            let source = file.lines().nth(line - 1).unwrap_or_default();
            assert!(source.contains("privileged: true"), "{command:?}: {source}");
        }
    }
    let odd = commands
        .iter()
        .find(|c| {
            c.properties
                .iter()
                .any(|(k, v)| k == "file" && v == "deploy/odd,name:100%.yaml")
        })
        .expect("the odd file name survives escaping");
    assert!(odd.message.contains("a\nb"), "{odd:?}");
    assert!(out.stdout.contains("file=deploy/odd%2Cname%3A100%25.yaml"));
}

#[test]
fn github_command_parser_rejects_raw_separators() {
    assert!(parse_command("::error file=a,b:c.yaml::m").is_err());
    assert!(parse_command("::error file=a.yaml::50%").is_err());
    assert!(parse_command("::error file=a.yaml::ok: fine, really").is_ok());
}

/// Copies `schema`, making it reject properties it does not describe, so
/// that a field the output has and the schema lacks fails the test. The
/// published schema allows unknown properties, as version 1 may grow.
fn closed(schema: &Value) -> Value {
    match schema {
        Value::Object(map) => {
            let mut map: serde_json::Map<String, Value> = map
                .iter()
                .map(|(key, value)| (key.clone(), closed(value)))
                .collect();
            if map.contains_key("properties") {
                map.insert("additionalProperties".to_owned(), Value::Bool(false));
            }
            Value::Object(map)
        }
        Value::Array(items) => Value::Array(items.iter().map(closed).collect()),
        other => other.clone(),
    }
}

#[test]
fn json_with_triage_matches_schema() {
    let dir = project();
    dir.write(
        ".kubeward.yaml",
        "exceptions:\n  - rules: [pss-privileged]\n    match: { kind: DaemonSet }\n    \
         reason: The node agent inspects containers.\n    owner: platform-team\n    \
         expires: 2099-01-01\n",
    );
    let recorded =
        run(kubeward_in(dir.path()).args(["scan", "deploy", "--write-baseline", "b.json"]));
    assert_eq!(recorded.code, 0, "{}", recorded.stderr);
    std::fs::remove_file(dir.path().join("deploy/odd,name:100%.yaml")).expect("file is removed");
    dir.write("deploy/new.yaml", &AGENT.replace("node-agent", "new-agent"));
    let out = run(kubeward_in(dir.path()).args([
        "scan",
        "deploy",
        "--profile",
        "all",
        "--baseline",
        "b.json",
        "-o",
        "json",
    ]));
    let report = out.json();

    let sources: BTreeSet<&str> = report["suppressed"]
        .as_array()
        .expect("suppressed is an array")
        .iter()
        .filter_map(|entry| entry["suppressedBy"]["source"].as_str())
        .collect();
    assert_eq!(sources, BTreeSet::from(["annotation", "exception"]));
    let findings = report["findings"].as_array().expect("findings is an array");
    assert!(!findings.is_empty(), "the new agent's findings are new");
    assert!(
        findings
            .iter()
            .all(|f| f["file"] == "deploy/new.yaml" || f["rule"] != "pss-privileged")
    );
    assert_eq!(report["baseline"]["file"], "b.json");
    assert!(
        report["baseline"]["known"].as_u64() > Some(0),
        "{}",
        report["baseline"]
    );
    assert!(
        report["baseline"]["absent"].as_u64() > Some(0),
        "{}",
        report["baseline"]
    );

    let schema = read_json(Path::new(REPORT_SCHEMA));
    let validator = jsonschema::options()
        .should_validate_formats(true)
        .build(&closed(&schema))
        .expect("the report schema compiles");
    let errors: Vec<String> = validator
        .iter_errors(&report)
        .map(|error| format!("{error} at {}", error.instance_path))
        .collect();
    assert!(errors.is_empty(), "{errors:#?}");
    let mut broken = report.clone();
    broken["suppressed"][0]["suppressedBy"]["source"] = Value::from("comment");
    assert!(!validator.is_valid(&broken), "an unknown source passes");
}
