//! Rule settings read from `.kubeward.yaml`: the namespaces the `rbac` and
//! `network` rules treat as sensitive and the namespace labels that name
//! an environment.

mod support;

use std::collections::BTreeSet;

use serde_json::Value;
use support::{TempDir, kubeward_in, run};

/// Two namespaces whose names contain no environment word, labelled
/// `zone: prod` and `zone: dev`, each with one Deployment and no
/// NetworkPolicy, so traffic flows both ways.
const ZONES: &str = "\
apiVersion: v1
kind: Namespace
metadata:
  name: alpha
  labels:
    zone: prod
---
apiVersion: v1
kind: Namespace
metadata:
  name: beta
  labels:
    zone: dev
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: api
  namespace: alpha
spec:
  selector:
    matchLabels: {app: api}
  template:
    metadata:
      labels: {app: api}
    spec:
      containers:
        - name: api
          image: registry.example.com/api:1.0.0
          ports:
            - containerPort: 8080
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: tool
  namespace: beta
spec:
  selector:
    matchLabels: {app: tool}
  template:
    metadata:
      labels: {app: tool}
    spec:
      containers:
        - name: tool
          image: registry.example.com/tool:1.0.0
          ports:
            - containerPort: 9090
";

/// Scans `deploy` in a project whose `.kubeward.yaml` is `config`, and
/// returns the rule ids of the findings with the namespace they name.
fn network_findings(config: &str) -> BTreeSet<(String, String)> {
    let dir = TempDir::new("config-settings");
    dir.write("deploy/zones.yaml", ZONES);
    dir.write(".kubeward.yaml", config);
    let out = run(kubeward_in(dir.path()).args(["scan", "deploy", "-o", "json"]));
    let report: Value = out.json();
    report["findings"]
        .as_array()
        .expect("findings is an array")
        .iter()
        .filter(|f| {
            f["rule"]
                .as_str()
                .is_some_and(|r| r.starts_with("network-"))
        })
        .map(|f| {
            (
                f["rule"].as_str().unwrap_or_default().to_owned(),
                f["object"]["namespace"]
                    .as_str()
                    .unwrap_or_default()
                    .to_owned(),
            )
        })
        .collect()
}

fn has(findings: &BTreeSet<(String, String)>, rule: &str) -> bool {
    findings.iter().any(|(id, _)| id == rule)
}

#[test]
fn environment_label_keys_come_from_the_config() {
    let default = network_findings("profile: recommended\n");
    assert!(
        !has(&default, "network-cross-environment"),
        "`zone` is not a default environment label: {default:?}"
    );
    let zoned = network_findings("environmentLabelKeys: [zone]\n");
    assert!(
        has(&zoned, "network-cross-environment"),
        "`zone` names the environments now: {zoned:?}"
    );
}

#[test]
fn sensitive_namespaces_come_from_the_config() {
    let rule = "network-sensitive-reachable-from-all-namespaces";
    let default = network_findings("profile: recommended\n");
    assert!(!has(&default, rule), "{default:?}");
    let sensitive = network_findings("sensitiveNamespaces: [alpha]\n");
    assert!(
        sensitive.contains(&(rule.to_owned(), "alpha".to_owned())),
        "every workload of `alpha` is sensitive now: {sensitive:?}"
    );
}

#[test]
fn settings_must_be_lists_of_names() {
    let dir = TempDir::new("config-settings-bad");
    dir.write("deploy/zones.yaml", ZONES);
    dir.write(".kubeward.yaml", "sensitiveNamespaces: kube-system\n");
    let out = run(kubeward_in(dir.path()).args(["scan", "deploy"]));
    assert_eq!(out.code, 2, "{}", out.stderr);
    assert!(
        out.stderr.contains(".kubeward.yaml") && out.stderr.contains("sensitiveNamespaces"),
        "{}",
        out.stderr
    );
}
