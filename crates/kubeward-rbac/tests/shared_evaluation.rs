//! The rules of the family share one evaluation per inventory and rule
//! configuration: a rule reports the same findings whether it runs alone
//! or with the others, and a second configuration gets its own findings.

use std::sync::Arc;

use kubeward_core::{
    Finding, Inventory, KindSet, RuleConfig, ScanOptions, ScanPlan, scan_text_with,
};

const INPUT: &str = r"
apiVersion: rbac.authorization.k8s.io/v1
kind: Role
metadata: {name: secret-reader, namespace: payments}
rules:
  - apiGroups: ['']
    resources: [secrets]
    verbs: [get]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: {name: reader, namespace: payments}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: Role, name: secret-reader}
subjects:
  - {kind: ServiceAccount, name: billing, namespace: payments}
";

fn inventory() -> Inventory {
    let plan = ScanPlan {
        rules: &[],
        options: ScanOptions::default(),
        keep: KindSet::all(),
    };
    let file: Arc<str> = Arc::from("rbac.yaml");
    Inventory::new(scan_text_with(&file, INPUT, &plan).stored)
}

fn of_rule<'f>(findings: &'f [Finding], rule: &str) -> Vec<&'f Finding> {
    findings.iter().filter(|f| f.rule == rule).collect()
}

#[test]
fn findings_follow_rule_config() {
    let inventory = inventory();
    let default = inventory.check(kubeward_rbac::RULES, ScanOptions::default());
    assert!(of_rule(&default, "rbac-secrets-read").is_empty());

    let config: &'static RuleConfig = Box::leak(Box::new(RuleConfig {
        sensitive_namespaces: Some(vec!["payments".to_owned()]),
        ..RuleConfig::default()
    }));
    let options = ScanOptions {
        config,
        ..ScanOptions::default()
    };
    let custom = inventory.check(kubeward_rbac::RULES, options);
    let secrets = of_rule(&custom, "rbac-secrets-read");
    assert_eq!(secrets.len(), 1);
    assert!(
        secrets[0]
            .message
            .starts_with("ServiceAccount payments/billing can get secrets"),
        "{}",
        secrets[0].message
    );
}

#[test]
fn rule_alone_matches_family() {
    let family = inventory().check(kubeward_rbac::RULES, ScanOptions::default());
    for rule in kubeward_rbac::RULES {
        let alone = inventory().check(&[*rule], ScanOptions::default());
        let in_family: Vec<&str> = of_rule(&family, rule.id)
            .iter()
            .map(|f| f.message.as_str())
            .collect();
        let by_itself: Vec<&str> = alone.iter().map(|f| f.message.as_str()).collect();
        assert_eq!(in_family, by_itself, "{}", rule.id);
    }
}
