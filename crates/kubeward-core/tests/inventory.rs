//! Objects kept for rules that read several objects at once.

use std::sync::Arc;

use kubeward_yaml::Pos;

use kubeward_core::{
    Check, Family, Inventory, InventorySink, RuleDef, RuleStatus, ScanOptions, ScanPlan, Severity,
    scan_text_with,
};

/// Reports every ConfigMap that has a Secret of the same name in the same
/// namespace, on the ConfigMap's `name`.
static SHADOWED: RuleDef = RuleDef {
    id: "test-shadowed-config",
    family: Family::Intake,
    severity: Severity::Low,
    summary: "ConfigMap shares its name with a Secret",
    remediation: "Rename one of them.",
    pss: None,
    recommended: false,
    status: RuleStatus::Preview,
    check: Check::Inventory {
        kinds: &["ConfigMap", "Secret"],
        check: shadowed,
    },
    raw_docs: "",
};

fn shadowed(inventory: &Inventory, sink: &mut InventorySink<'_>) {
    for config in inventory.of_kind(&["ConfigMap"]) {
        let twin = inventory
            .of_kind(&["Secret"])
            .any(|s| s.name() == config.name() && s.namespace() == config.namespace());
        if twin {
            let pos = config
                .root()
                .path(&["metadata"])
                .and_then(|m| m.entry("name"))
                .map_or(config.pos(), |e| e.key.pos());
            sink.report(config, pos, "metadata.name", "a Secret has the same name");
        }
    }
}

const INPUT: &str = "\
apiVersion: v1
kind: Secret
stringData:
  password: hunter2
metadata:
  name: app
  namespace: shop
---
apiVersion: v1
kind: ConfigMap
metadata:
  name: app
  namespace: shop
---
apiVersion: v1
kind: ConfigMap
metadata:
  name: other
  namespace: shop
";

#[test]
fn inventory_rule_reports_on_stored_object() {
    let rules: [&'static RuleDef; 1] = [&SHADOWED];
    let file: Arc<str> = Arc::from("input.yaml");
    let report = scan_text_with(&file, INPUT, &ScanPlan::new(&rules, ScanOptions::default()));
    assert_eq!(report.stored.len(), 3);
    let inventory = Inventory::new(report.stored);
    let findings = inventory.check(&rules, ScanOptions::default());
    assert_eq!(findings.len(), 1, "{findings:?}");
    let finding = &findings[0];
    assert_eq!((finding.line, finding.column), (12, 3));
    assert_eq!(finding.source_line.as_deref(), Some("  name: app"));
    assert_eq!(
        finding.object.as_ref().and_then(|o| o.name.as_deref()),
        Some("app")
    );
}

#[test]
fn stored_secrets_have_no_values() {
    let rules: [&'static RuleDef; 1] = [&SHADOWED];
    let file: Arc<str> = Arc::from("input.yaml");
    let report = scan_text_with(&file, INPUT, &ScanPlan::new(&rules, ScanOptions::default()));
    let inventory = Inventory::new(report.stored);
    let secret = inventory
        .of_kind(&["Secret"])
        .next()
        .expect("the Secret is kept");
    assert!(secret.root().get("stringData").is_none());
    assert!(secret.root().get("data").is_none());
    let text = secret.with_object(|object| object.source.text.to_owned());
    assert!(!text.contains("hunter2"), "{text}");
}

#[test]
fn nothing_is_kept_without_inventory_rules() {
    let file: Arc<str> = Arc::from("input.yaml");
    let report = scan_text_with(&file, INPUT, &ScanPlan::new(&[], ScanOptions::default()));
    assert!(report.stored.is_empty());
}

/// Reports every line of every kept ConfigMap, as rules reading settings
/// inside block scalars can.
static EVERY_LINE: RuleDef = RuleDef {
    id: "test-every-line",
    family: Family::Intake,
    severity: Severity::Low,
    summary: "Quotes every line of a ConfigMap",
    remediation: "None.",
    pss: None,
    recommended: false,
    status: RuleStatus::Preview,
    check: Check::Inventory {
        kinds: &["ConfigMap"],
        check: every_line,
    },
    raw_docs: "",
};

fn every_line(inventory: &Inventory, sink: &mut InventorySink<'_>) {
    for config in inventory.of_kind(&["ConfigMap"]) {
        let last = config.root().subtree().map(|n| n.pos().line).max();
        for line in config.pos().line..=last.unwrap_or(0) {
            sink.report(config, Pos { line, col: 1 }, "", "quoted");
        }
    }
}

#[test]
fn quotes_of_stored_objects_hide_secrets() {
    let input = "\
apiVersion: v1
kind: ConfigMap
metadata:
  name: app
data:
  password: hunter2
  url: https://hunter2token@git.internal/app
  app.env: |
    LOG_LEVEL=debug
    DB_PASSWORD=hunter2
  mode: fast
  dsn: postgres://bob:hunter2@db.internal/app
";
    let rules: [&'static RuleDef; 1] = [&EVERY_LINE];
    let file: Arc<str> = Arc::from("input.yaml");
    let report = scan_text_with(&file, input, &ScanPlan::new(&rules, ScanOptions::default()));
    let inventory = Inventory::new(report.stored);
    let findings = inventory.check(&rules, ScanOptions::default());
    let quoted = |line: u32| {
        findings
            .iter()
            .find(|f| f.line == line)
            .and_then(|f| f.source_line.clone())
    };
    assert_eq!(quoted(4).as_deref(), Some("  name: app"));
    assert_eq!(quoted(6), None, "a value under a secret-like key");
    assert_eq!(
        quoted(7).as_deref(),
        Some("  url: https://***@git.internal/app")
    );
    assert_eq!(quoted(9).as_deref(), Some("    LOG_LEVEL=debug"));
    assert_eq!(quoted(10), None, "a secret inside a block scalar");
    assert_eq!(quoted(11).as_deref(), Some("  mode: fast"));
    assert_eq!(
        quoted(12).as_deref(),
        Some("  dsn: postgres://bob:***@db.internal/app")
    );
    for finding in &findings {
        let line = finding.source_line.as_deref().unwrap_or("");
        assert!(!line.contains("hunter2"), "line {}: {line}", finding.line);
    }
}
