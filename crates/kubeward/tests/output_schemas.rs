//! The JSON output against its published schema and the SARIF output
//! against the official SARIF 2.1.0 schema, on a scan with findings of
//! several severities, a parse error, a warning and an unreadable path.

mod common;

use std::collections::BTreeSet;
use std::path::Path;

use common::run;
use serde_json::Value;

const REPORT_SCHEMA: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../../docs/schema/kubeward-report-v1.schema.json"
);
const JSON_DOCS: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../docs/json-output.md");

/// The scan every test here checks: every rule, so that low and info
/// findings appear next to the critical, high and medium ones.
const SCAN: [&str; 6] = ["scan", "--profile", "all", "mixed", "missing.yaml", "-o"];

fn scan(format: &str) -> Value {
    let mut args = SCAN.to_vec();
    args.push(format);
    let (code, out) = run(&args);
    assert_eq!(code, 2, "an unreadable path makes the exit status 2");
    serde_json::from_str(&out).expect("output is JSON")
}

fn read_json(path: &Path) -> Value {
    let text = std::fs::read_to_string(path)
        .unwrap_or_else(|err| panic!("cannot read {}: {err}", path.display()));
    serde_json::from_str(&text)
        .unwrap_or_else(|err| panic!("{} is not JSON: {err}", path.display()))
}

/// Validates `instance` against `schema` with format checks on, and fails
/// listing every error.
fn assert_valid(schema: &Value, instance: &Value) {
    let validator = jsonschema::options()
        .should_validate_formats(true)
        .build(schema)
        .expect("schema compiles");
    let errors: Vec<String> = validator
        .iter_errors(instance)
        .map(|error| format!("{} at {}", error, error.instance_path))
        .collect();
    assert!(
        errors.is_empty(),
        "{} errors:\n{}",
        errors.len(),
        errors.join("\n")
    );
}

/// Counts the errors `schema` finds in `instance`, with format checks on.
fn error_count(schema: &Value, instance: &Value) -> usize {
    let validator = jsonschema::options()
        .should_validate_formats(true)
        .build(schema)
        .expect("schema compiles");
    validator.iter_errors(instance).count()
}

/// Copies the schema, making it reject properties it does not describe, so
/// that a field added to the output without the schema fails the test.
/// The published schema allows unknown properties, as version 1 may grow.
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
fn report_schema_is_valid() {
    let schema = read_json(Path::new(REPORT_SCHEMA));
    let checked = jsonschema::meta::validate(&schema);
    assert!(checked.is_ok(), "{checked:?}");
}

#[test]
fn json_output_matches_schema() {
    let schema = read_json(Path::new(REPORT_SCHEMA));
    let report = scan("json");
    assert_valid(&closed(&schema), &report);
}

#[test]
fn json_schema_rejects_undocumented_fields() {
    let schema = closed(&read_json(Path::new(REPORT_SCHEMA)));
    let mut report = scan("json");
    report["findings"][0]["extra"] = Value::Bool(true);
    assert_eq!(error_count(&schema, &report), 1);
    let mut report = scan("json");
    report["findings"][0]["severity"] = Value::from("severe");
    assert_eq!(error_count(&schema, &report), 1);
}

#[test]
fn json_fixture_scan_covers_the_cases() {
    let report = scan("json");
    let findings = report["findings"].as_array().expect("findings is an array");
    let severities: BTreeSet<&str> = findings
        .iter()
        .filter_map(|finding| finding["severity"].as_str())
        .collect();
    assert!(severities.len() >= 4, "severities: {severities:?}");
    assert!(
        findings
            .iter()
            .any(|finding| finding["rule"] == "parse-error")
    );
    assert!(findings.iter().any(|finding| finding["object"].is_null()));
    assert!(findings.iter().any(|finding| finding["pss"].is_object()));
    assert!(
        findings
            .iter()
            .any(|finding| finding["container"].is_object())
    );
    assert_eq!(report["warnings"].as_array().map(Vec::len), Some(1));
    assert_eq!(report["unreadable"][0]["path"], "missing.yaml");
    assert_eq!(report["stats"]["unreadable"], 1);
    assert_eq!(report["stats"]["files"], 3);
    let counted: u64 = ["critical", "high", "medium", "low", "info"]
        .iter()
        .filter_map(|severity| report["severityCounts"][severity].as_u64())
        .sum();
    assert_eq!(Some(counted), u64::try_from(findings.len()).ok());
}

#[test]
fn json_docs_describe_every_field() {
    let schema = read_json(Path::new(REPORT_SCHEMA));
    let docs = std::fs::read_to_string(JSON_DOCS).expect("docs/json-output.md is readable");
    let mut names = BTreeSet::new();
    collect_property_names(&schema, &mut names);
    let missing: Vec<&String> = names
        .iter()
        .filter(|name| !docs.contains(&format!("`{name}`")))
        .collect();
    assert!(
        missing.is_empty(),
        "fields missing from json-output.md: {missing:?}"
    );
}

fn collect_property_names(schema: &Value, names: &mut BTreeSet<String>) {
    match schema {
        Value::Object(map) => {
            if let Some(Value::Object(properties)) = map.get("properties") {
                names.extend(properties.keys().cloned());
            }
            for value in map.values() {
                collect_property_names(value, names);
            }
        }
        Value::Array(items) => {
            for item in items {
                collect_property_names(item, names);
            }
        }
        _ => {}
    }
}

#[test]
fn sarif_output_matches_official_schema() {
    let Some(shared) = kubeward_testutil::shared_dir("sarif_output_matches_official_schema") else {
        return;
    };
    let schema = read_json(&shared.join("schemas/sarif-schema-2.1.0.json"));
    let log = scan("sarif");
    assert_valid(&schema, &log);
}

#[test]
fn sarif_schema_rejects_broken_logs() {
    let Some(shared) = kubeward_testutil::shared_dir("sarif_schema_rejects_broken_logs") else {
        return;
    };
    let schema = read_json(&shared.join("schemas/sarif-schema-2.1.0.json"));
    let mut log = scan("sarif");
    log["runs"][0]["results"][0]["level"] = Value::from("fatal");
    assert!(error_count(&schema, &log) > 0, "an unknown level passes");
    let mut log = scan("sarif");
    log["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["region"]["startLine"] =
        Value::from(0);
    assert!(error_count(&schema, &log) > 0, "line 0 passes");
}

#[test]
fn sarif_results_point_at_findings() {
    let report = scan("json");
    let log = scan("sarif");
    let run = &log["runs"][0];
    assert_eq!(run["columnKind"], "unicodeCodePoints");
    let rules = run["tool"]["driver"]["rules"]
        .as_array()
        .expect("rules is an array");
    let results = run["results"].as_array().expect("results is an array");
    let findings = report["findings"].as_array().expect("findings is an array");
    assert_eq!(results.len(), findings.len());
    for (result, finding) in results.iter().zip(findings) {
        let index = result["ruleIndex"]
            .as_u64()
            .expect("every result has a ruleIndex");
        let rule = usize::try_from(index).ok().and_then(|i| rules.get(i));
        assert_eq!(rule.map(|rule| &rule["id"]), Some(&result["ruleId"]));
        assert_eq!(result["ruleId"], finding["rule"]);
        let region = &result["locations"][0]["physicalLocation"]["region"];
        assert_eq!(region["startLine"], finding["line"]);
        assert_eq!(region["startColumn"], finding["column"]);
        let expected_level = match finding["severity"].as_str() {
            Some("critical" | "high") => "error",
            Some("medium") => "warning",
            _ => "note",
        };
        assert_eq!(result["level"], expected_level);
    }
}

#[test]
fn sarif_rules_carry_documentation() {
    let log = scan("sarif");
    let driver = &log["runs"][0]["tool"]["driver"];
    assert_eq!(driver["name"], "kubeward");
    assert!(driver["informationUri"].is_string());
    let rules = driver["rules"].as_array().expect("rules is an array");
    assert_eq!(rules.len(), kubeward_rules::all().count());
    for rule in rules {
        let id = rule["id"].as_str().unwrap_or_default();
        assert!(rule["shortDescription"]["text"].is_string(), "{id}");
        assert!(rule["fullDescription"]["text"].is_string(), "{id}");
        let markdown = rule["help"]["markdown"].as_str().unwrap_or_default();
        assert!(markdown.contains("## Failing example"), "{id}");
        assert!(rule["help"]["text"].is_string(), "{id}");
        assert!(rule["defaultConfiguration"]["level"].is_string(), "{id}");
        let properties = &rule["properties"];
        assert!(properties["family"].is_string(), "{id}");
        assert!(
            properties["tags"]
                .as_array()
                .is_some_and(|tags| !tags.is_empty()),
            "{id}"
        );
        if properties["severity"] != "info" {
            let score = properties["security-severity"].as_str().unwrap_or_default();
            assert!(
                score.parse::<f64>().is_ok(),
                "{id}: security-severity {score:?}"
            );
        }
        if properties["family"] == "pod-security" {
            assert!(properties["pss-level"].is_string(), "{id}");
            assert!(properties["pss-control"].is_string(), "{id}");
        }
    }
}

#[test]
fn sarif_notifications_list_warnings_and_unreadable_inputs() {
    let log = scan("sarif");
    let notifications = log["runs"][0]["invocations"][0]["toolExecutionNotifications"]
        .as_array()
        .expect("notifications is an array");
    let uri = |n: &Value| {
        n["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
            .as_str()
            .map(str::to_owned)
    };
    let warning = notifications
        .iter()
        .find(|n| n["level"] == "warning")
        .expect("the warning is a notification");
    assert_eq!(uri(warning).as_deref(), Some("mixed/release%20notes.yaml"));
    let error = notifications
        .iter()
        .find(|n| n["level"] == "error")
        .expect("the unreadable path is a notification");
    assert_eq!(uri(error).as_deref(), Some("missing.yaml"));
}

#[test]
fn sarif_run_fails_when_an_input_is_unreadable() {
    let log = scan("sarif");
    let invocation = &log["runs"][0]["invocations"][0];
    assert_eq!(invocation["executionSuccessful"], false);
    assert_eq!(invocation["exitCode"], 2);
    let description = invocation["exitCodeDescription"]
        .as_str()
        .expect("the invocation says why it failed");
    assert!(
        description.starts_with("1 input could not be read"),
        "{description}"
    );
    assert!(
        description.contains("missing.yaml: cannot read"),
        "{description}"
    );
}

#[test]
fn sarif_run_succeeds_when_every_input_is_read() {
    let (code, out) = run(&["scan", "-o", "sarif", "mixed"]);
    assert_eq!(code, 1);
    let log: Value = serde_json::from_str(&out).expect("output is JSON");
    let invocation = &log["runs"][0]["invocations"][0];
    assert_eq!(invocation["executionSuccessful"], true);
    assert!(invocation.get("exitCodeDescription").is_none());
}
