//! Exceptions of `.kubeward.yaml` and the `kubeward.dev/ignore` annotation,
//! end to end: each path an exception can take (matched, expired, unused,
//! annotation allowed, annotation forbidden), the configuration's other
//! settings, and the errors of a bad configuration file.

mod support;

use serde_json::Value;
use support::{Run, TempDir, kubeward_in, run};

const AGENT: &str = include_str!("fixtures/ci/deploy/agent.yaml");
const WEB: &str = include_str!("fixtures/ci/deploy/web.yaml");

/// A project with the two fixture manifests and `config` as its
/// `.kubeward.yaml`.
fn project(config: &str) -> TempDir {
    let dir = TempDir::new("exceptions");
    dir.write("deploy/agent.yaml", AGENT);
    dir.write("deploy/web.yaml", WEB);
    dir.write(".kubeward.yaml", config);
    dir
}

/// Scans `deploy` in `dir` as JSON with today's date set to `today`.
fn scan(dir: &TempDir, today: &str) -> Run {
    run(kubeward_in(dir.path())
        .args(["scan", "deploy", "-o", "json"])
        .env("KUBEWARD_TODAY", today))
}

/// The `pss-privileged` findings of a list, as `Kind/namespace/name`.
fn privileged(list: &Value, finding_of: fn(&Value) -> &Value) -> Vec<String> {
    let mut names: Vec<String> = list
        .as_array()
        .expect("a JSON array")
        .iter()
        .map(finding_of)
        .filter(|finding| finding["rule"] == "pss-privileged")
        .map(|finding| {
            let object = &finding["object"];
            format!(
                "{}/{}/{}",
                object["kind"].as_str().unwrap_or_default(),
                object["namespace"].as_str().unwrap_or_default(),
                object["name"].as_str().unwrap_or_default()
            )
        })
        .collect();
    names.sort();
    names
}

fn reported(report: &Value) -> Vec<String> {
    privileged(&report["findings"], |finding| finding)
}

fn suppressed(report: &Value) -> Vec<String> {
    privileged(&report["suppressed"], |entry| &entry["finding"])
}

fn warnings(report: &Value) -> Vec<(String, u64, String)> {
    report["warnings"]
        .as_array()
        .expect("warnings is an array")
        .iter()
        .map(|warning| {
            (
                warning["file"].as_str().unwrap_or_default().to_owned(),
                warning["line"].as_u64().unwrap_or_default(),
                warning["message"].as_str().unwrap_or_default().to_owned(),
            )
        })
        .collect()
}

const AGENT_EXCEPTION: &str = "\
exceptions:
  - rules: [pss-privileged]
    match:
      namespace: kube-system
      kind: DaemonSet
      labels:
        team: platform
    reason: The node agent reads every container's memory.
    owner: platform-team
    expires: 2027-01-01
";

#[test]
fn matched_exception_suppresses_finding() {
    let dir = project(AGENT_EXCEPTION);
    let report = scan(&dir, "2026-06-01").json();
    assert_eq!(
        suppressed(&report),
        ["DaemonSet/kube-system/node-agent", "Deployment/shop/web"]
    );
    assert_eq!(reported(&report), Vec::<String>::new());
    let entry = report["suppressed"]
        .as_array()
        .and_then(|all| {
            all.iter()
                .find(|e| e["finding"]["object"]["name"] == "node-agent")
        })
        .expect("the agent's finding is suppressed");
    let by = &entry["suppressedBy"];
    assert_eq!(by["source"], "exception");
    assert_eq!(by["file"], ".kubeward.yaml");
    assert_eq!(by["line"], 2);
    assert_eq!(by["owner"], "platform-team");
    assert_eq!(by["expires"], "2027-01-01");
    assert_eq!(
        by["reason"],
        "The node agent reads every container's memory."
    );
    assert!(entry["finding"]["fingerprint"].is_string());
    assert!(warnings(&report).is_empty(), "{:?}", warnings(&report));
}

#[test]
fn exception_labels_must_all_match() {
    let config = AGENT_EXCEPTION.replace("team: platform", "team: storage");
    let dir = project(&config);
    let report = scan(&dir, "2026-06-01").json();
    assert_eq!(reported(&report), ["DaemonSet/kube-system/node-agent"]);
    let unused = warnings(&report);
    assert_eq!(unused.len(), 1, "{unused:?}");
    assert!(unused[0].2.contains("matched no finding"), "{unused:?}");
}

#[test]
fn expired_exception_stops_applying() {
    let dir = project(AGENT_EXCEPTION);
    let before = scan(&dir, "2026-12-31").json();
    assert_eq!(reported(&before), Vec::<String>::new());
    let on_the_day = scan(&dir, "2027-01-01");
    assert_eq!(on_the_day.code, 1, "the high finding is back");
    let report = on_the_day.json();
    assert_eq!(reported(&report), ["DaemonSet/kube-system/node-agent"]);
    let expired = warnings(&report);
    assert_eq!(expired.len(), 1, "{expired:?}");
    let (file, line, message) = &expired[0];
    assert_eq!((file.as_str(), *line), (".kubeward.yaml", 2));
    assert!(
        message.contains("exceptions[0] expired on 2027-01-01"),
        "{message}"
    );
}

#[test]
fn unused_exception_is_reported() {
    let config = format!(
        "{AGENT_EXCEPTION}  - rules: [pss-privileged, pss-host-namespaces]
    match:
      name: \"legacy-*\"
    reason: The legacy stack is being rewritten.
    owner: shop-team
"
    );
    let dir = project(&config);
    let report = scan(&dir, "2026-06-01").json();
    let unused = warnings(&report);
    assert_eq!(unused.len(), 1, "{unused:?}");
    let (file, line, message) = &unused[0];
    assert_eq!((file.as_str(), *line), (".kubeward.yaml", 11));
    assert!(
        message.starts_with("exceptions[1] matched no finding"),
        "{message}"
    );
}

#[test]
fn exception_for_rules_not_run_is_not_judged() {
    let config = "\
profile: pss-baseline
exceptions:
  - rules: [missing-cpu-limit]
    reason: Batch jobs size themselves.
    owner: data-team
";
    let dir = project(config);
    let report = scan(&dir, "2026-06-01").json();
    assert!(warnings(&report).is_empty(), "{:?}", warnings(&report));
}

#[test]
fn annotation_suppresses_when_allowed() {
    let dir = project("");
    let report = scan(&dir, "2026-06-01").json();
    assert_eq!(suppressed(&report), ["Deployment/shop/web"]);
    assert_eq!(reported(&report), ["DaemonSet/kube-system/node-agent"]);
    let by = &report["suppressed"][0]["suppressedBy"];
    assert_eq!(by["source"], "annotation");
    assert_eq!(by["file"], "deploy/web.yaml");
    assert_eq!(by["line"], 9);
    assert_eq!(by["owner"], Value::Null);
    assert_eq!(
        by["reason"],
        "the debug sidecar needs ptrace; approved by security"
    );
}

#[test]
fn annotation_is_ignored_when_forbidden() {
    let dir = project("allowAnnotationExceptions: false\n");
    let report = scan(&dir, "2026-06-01").json();
    assert_eq!(suppressed(&report), Vec::<String>::new());
    assert_eq!(
        reported(&report),
        ["DaemonSet/kube-system/node-agent", "Deployment/shop/web"]
    );
    let ignored = warnings(&report);
    assert_eq!(ignored.len(), 1, "{ignored:?}");
    let (file, line, message) = &ignored[0];
    assert_eq!((file.as_str(), *line), ("deploy/web.yaml", 9));
    assert!(
        message.contains("allowAnnotationExceptions: false"),
        "{message}"
    );
}

#[test]
fn annotation_problems_are_warnings() {
    let dir = project("");
    let web = WEB.replace(
        "\"pss-privileged: the debug sidecar needs ptrace; approved by security\"",
        "\"pss-privileged,pss-host-namespaces,no-such-rule: debugging\"",
    );
    dir.write("deploy/web.yaml", &web);
    let report = scan(&dir, "2026-06-01").json();
    assert_eq!(suppressed(&report), ["Deployment/shop/web"]);
    let messages: Vec<String> = warnings(&report).into_iter().map(|w| w.2).collect();
    assert_eq!(messages.len(), 2, "{messages:?}");
    assert!(
        messages
            .iter()
            .any(|m| m.contains("unknown rule `no-such-rule`"))
    );
    assert!(
        messages
            .iter()
            .any(|m| m.contains("lists `pss-host-namespaces`"))
    );
}

#[test]
fn config_is_found_in_parent_directories() {
    let dir = project(AGENT_EXCEPTION);
    let nested = dir.path().join("deploy");
    let report = run(kubeward_in(&nested)
        .args(["scan", "agent.yaml", "-o", "json"])
        .env("KUBEWARD_TODAY", "2026-06-01"))
    .json();
    assert_eq!(suppressed(&report), ["DaemonSet/kube-system/node-agent"]);
    assert_eq!(
        report["suppressed"][0]["suppressedBy"]["file"],
        "../.kubeward.yaml"
    );
}

#[test]
fn config_flags_choose_the_file() {
    let dir = project(AGENT_EXCEPTION);
    dir.write("other.yaml", "allowAnnotationExceptions: false\n");
    let explicit = run(kubeward_in(dir.path()).args([
        "scan",
        "deploy",
        "-o",
        "json",
        "--config",
        "other.yaml",
    ]))
    .json();
    assert_eq!(suppressed(&explicit), Vec::<String>::new());
    let none =
        run(kubeward_in(dir.path()).args(["scan", "deploy", "-o", "json", "--no-config"])).json();
    assert_eq!(suppressed(&none), ["Deployment/shop/web"]);
}

#[test]
fn config_selects_rules_and_severities() {
    let config = "\
profile: pss-baseline
rules:
  enable: [missing-cpu-limit]
  disable: [pss-host-namespaces]
severity:
  pss-privileged: low
";
    let dir = project(config);
    let out = scan(&dir, "2026-06-01");
    assert_eq!(out.code, 0, "the privileged findings are low now");
    let report = out.json();
    let findings = report["findings"].as_array().expect("findings is an array");
    let rules: std::collections::BTreeSet<&str> =
        findings.iter().filter_map(|f| f["rule"].as_str()).collect();
    assert!(rules.contains("missing-cpu-limit"), "{rules:?}");
    assert!(rules.contains("pss-privileged"), "{rules:?}");
    assert!(!rules.contains("missing-memory-limit"), "{rules:?}");
    for finding in findings.iter().filter(|f| f["rule"] == "pss-privileged") {
        assert_eq!(finding["severity"], "low");
    }
}

/// The rule ids of a report's findings.
fn rules_found(report: &Value) -> std::collections::BTreeSet<String> {
    report["findings"]
        .as_array()
        .expect("findings is an array")
        .iter()
        .filter_map(|f| f["rule"].as_str().map(str::to_owned))
        .collect()
}

const TEAM_PROFILE: &str = "\
profiles:
  team:
    extends: pss-baseline
    enable: [missing-cpu-limit]
    disable: [pss-host-namespaces]
";

#[test]
fn config_defines_profiles() {
    let dir = project(&format!("profile: team\n{TEAM_PROFILE}"));
    let rules = rules_found(&scan(&dir, "2026-06-01").json());
    assert!(rules.contains("missing-cpu-limit"), "{rules:?}");
    assert!(rules.contains("pss-privileged"), "{rules:?}");
    assert!(!rules.contains("missing-memory-limit"), "{rules:?}");

    let all =
        run(kubeward_in(dir.path()).args(["scan", "deploy", "--profile", "all", "-o", "json"]));
    let rules = rules_found(&all.json());
    assert!(
        rules.contains("missing-memory-limit"),
        "the command line wins: {rules:?}"
    );
}

#[test]
fn command_line_names_a_config_profile() {
    let dir = project(TEAM_PROFILE);
    let default = rules_found(&scan(&dir, "2026-06-01").json());
    let recommended = run(kubeward_in(dir.path()).args([
        "scan",
        "deploy",
        "--profile",
        "recommended",
        "-o",
        "json",
    ]));
    assert_eq!(
        default,
        rules_found(&recommended.json()),
        "defining a profile does not select it"
    );
    let team =
        run(kubeward_in(dir.path()).args(["scan", "deploy", "--profile", "team", "-o", "json"]));
    assert_eq!(team.code, 1, "{}", team.stderr);
    let rules = rules_found(&team.json());
    assert!(rules.contains("missing-cpu-limit"), "{rules:?}");
    assert!(!rules.contains("missing-memory-limit"), "{rules:?}");

    let unknown = run(kubeward_in(dir.path()).args(["scan", "deploy", "--profile", "tema"]));
    assert_eq!(unknown.code, 2);
    assert!(
        unknown.stderr.contains(
            "unknown profile `tema`: expected one of recommended, pss-baseline, pss-restricted, all, team"
        ),
        "{}",
        unknown.stderr
    );
}

#[test]
fn exception_matches_name_and_namespace_globs() {
    let config = "\
exceptions:
  - rules: [pss-privileged]
    match:
      namespace: \"kube-*\"
      name: \"node-?gent\"
    reason: The node agent reads every container's memory.
    owner: platform-team
  - rules: [pss-privileged]
    match:
      name: \"web-*\"
    reason: No object is named like this.
    owner: shop-team
";
    let dir = project(&format!("allowAnnotationExceptions: false\n{config}"));
    let report = scan(&dir, "2026-06-01").json();
    assert_eq!(suppressed(&report), ["DaemonSet/kube-system/node-agent"]);
    assert_eq!(reported(&report), ["Deployment/shop/web"]);
    let messages: Vec<String> = warnings(&report).into_iter().map(|w| w.2).collect();
    assert!(
        messages
            .iter()
            .any(|m| m.starts_with("exceptions[1] matched no finding")),
        "{messages:?}"
    );
}

#[test]
fn bad_config_is_a_usage_error() {
    let cases = [
        (
            "exceptions:\n  - rules: [pss-privileged]\n    owner: me\n",
            ".kubeward.yaml:2:5: exceptions[0].reason: missing",
        ),
        (
            "exceptions:\n  - rules: [pss-privilegd]\n    reason: r\n    owner: me\n",
            ".kubeward.yaml:2:13: exceptions[0].rules[0]: unknown rule `pss-privilegd`; did you mean `pss-privileged`?",
        ),
        (
            "exceptions:\n  - rules: ['*']\n    reason: r\n    owner: me\n    expires: 2026-13-01\n",
            ".kubeward.yaml:5:14: exceptions[0].expires: invalid date `2026-13-01`",
        ),
        (
            "profil: all\n",
            ".kubeward.yaml:1:1: profil: unknown field; did you mean `profile`?",
        ),
        (
            "profile: strict\n",
            ".kubeward.yaml:1:10: profile: unknown profile `strict`: expected one of recommended,",
        ),
        (
            "profiles: all\n",
            ".kubeward.yaml:1:11: profiles: expected a mapping of profile name to profile",
        ),
        (
            "profiles:\n  all:\n    extends: recommended\n",
            ".kubeward.yaml:2:3: profiles.all: `all` is a built-in profile",
        ),
        (
            "profiles:\n  team:\n    enable: [supply-chain]\n",
            ".kubeward.yaml:3:5: profiles.team.extends: missing",
        ),
        (
            "profiles:\n  team:\n    extends: recommended\n    disable: [no-such-rule]\n",
            ".kubeward.yaml:4:15: profiles.team.disable[0]: unknown rule `no-such-rule`",
        ),
        (
            "allowAnnotationExceptions: nope\n",
            ".kubeward.yaml:1:28: allowAnnotationExceptions: expected true or false",
        ),
        ("rules: [a\n", ".kubeward.yaml:"),
    ];
    for (config, expected) in cases {
        let dir = project(config);
        let out = scan(&dir, "2026-06-01");
        assert_eq!(out.code, 2, "{config}");
        assert!(out.stdout.is_empty(), "{config}: nothing is rendered");
        assert!(out.stderr.contains(expected), "{config}: {}", out.stderr);
    }
}

#[test]
fn missing_config_file_is_a_usage_error() {
    let dir = project("");
    let out = run(kubeward_in(dir.path()).args(["scan", "deploy", "--config", "missing.yaml"]));
    assert_eq!(out.code, 2);
    assert!(
        out.stderr
            .contains("cannot read configuration file missing.yaml"),
        "{}",
        out.stderr
    );
}

#[test]
fn invalid_today_is_a_usage_error() {
    let dir = project("");
    let out = scan(&dir, "tomorrow");
    assert_eq!(out.code, 2);
    assert!(
        out.stderr.contains("invalid KUBEWARD_TODAY"),
        "{}",
        out.stderr
    );
}

#[test]
fn text_summary_counts_suppressed_findings() {
    let dir = project(AGENT_EXCEPTION);
    let out = run(kubeward_in(dir.path())
        .args(["scan", "deploy"])
        .env("KUBEWARD_TODAY", "2026-06-01"));
    assert!(
        out.stdout
            .contains("Suppressed: 2 findings (1 by exceptions, 1 by annotations)"),
        "{}",
        out.stdout
    );
}

#[test]
fn documented_config_is_valid() {
    let docs = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../../docs/ci.md"))
        .expect("docs/ci.md is readable");
    let example = docs
        .split("```yaml\n")
        .skip(1)
        .filter_map(|block| block.split("```").next())
        .find(|block| block.contains("profiles:") && block.contains("exceptions:"))
        .expect("docs/ci.md shows a configuration file");
    let dir = project(example);
    let out = scan(&dir, "2026-01-01");
    assert_eq!(out.code, 1, "{}", out.stderr);
    let report = out.json();
    assert!(rules_found(&report).contains("missing-cpu-limit"));
    let ignored = warnings(&report);
    assert!(
        ignored
            .iter()
            .any(|w| w.2.contains("allowAnnotationExceptions: false")),
        "{ignored:?}"
    );
}

#[test]
fn config_allow_list_restricts_registries() {
    let dir = project("allowedRegistries: [registry.example.com]\n");
    dir.write(
        "deploy/cache.yaml",
        &AGENT
            .replace("registry.example.com/node-agent:1.4.2", "redis:7.2")
            .replace("node-agent", "cache"),
    );
    let registry_findings = |report: &Value| -> Vec<String> {
        report["findings"]
            .as_array()
            .expect("findings is an array")
            .iter()
            .filter(|f| f["rule"] == "image-registry-not-allowed")
            .map(|f| f["file"].as_str().unwrap_or_default().to_owned())
            .collect()
    };
    let report = scan(&dir, "2026-06-01").json();
    assert_eq!(registry_findings(&report), ["deploy/cache.yaml"]);

    let without =
        run(kubeward_in(dir.path()).args(["scan", "deploy", "--no-config", "-o", "json"]));
    assert_eq!(registry_findings(&without.json()), Vec::<String>::new());
}
