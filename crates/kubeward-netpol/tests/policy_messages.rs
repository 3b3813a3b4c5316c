//! Reports on policies that do not do what they read as: rule sections
//! that `policyTypes` leaves out and label values YAML reads as booleans;
//! and the addresses generated for external Services.

use std::sync::Arc;

use kubeward_core::{Inventory, KindSet, ScanOptions, ScanPlan, scan_bytes_with};
use kubeward_netpol::generate::{Intent, generate};
use kubeward_netpol::{Analysis, Model, RULES};

fn inventory(text: &str) -> Inventory {
    let plan = ScanPlan {
        rules: &[],
        options: ScanOptions::default(),
        keep: KindSet::all(),
    };
    let name: Arc<str> = Arc::from("input.yaml");
    Inventory::new(scan_bytes_with(&name, text.as_bytes(), &plan).stored)
}

const EGRESS_TYPED_WITH_INGRESS: &str = "\
apiVersion: apps/v1
kind: Deployment
metadata: {name: a, namespace: ns1}
spec:
  selector: {matchLabels: {app: a}}
  template:
    metadata: {labels: {app: a}}
    spec:
      containers: [{name: c, image: x, ports: [{containerPort: 80}]}]
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: a-egress-typed, namespace: ns1}
spec:
  podSelector: {matchLabels: {app: a}}
  policyTypes: [Egress]
  ingress:
  - from: [{podSelector: {matchLabels: {app: nothing}}}]
  egress:
  - to: [{podSelector: {matchLabels: {app: a}}}]
";

#[test]
fn policy_types_egress_ignores_ingress_section() {
    let inventory = inventory(EGRESS_TYPED_WITH_INGRESS);
    let findings = inventory.check(RULES, ScanOptions::default());
    let ignored: Vec<_> = findings
        .iter()
        .filter(|f| f.message.contains("is ignored"))
        .collect();
    assert_eq!(ignored.len(), 1, "{findings:#?}");
    let finding = ignored[0];
    assert_eq!(finding.rule, "network-policy-selects-nothing");
    assert_eq!(finding.path.as_deref(), Some("spec.ingress"));
    assert_eq!(finding.line, 17, "{finding:?}");
    assert!(
        finding
            .message
            .contains("policyTypes lists Egress only, so the policy neither isolates ingress"),
        "{}",
        finding.message
    );
    // The ignored section's peers get no advice of their own.
    assert!(
        !findings
            .iter()
            .any(|f| f.path.as_deref() == Some("spec.ingress[0].from[0].podSelector")),
        "{findings:#?}"
    );
    let model = Model::build(&inventory);
    assert_eq!(model.ignored_sections().len(), 1);
}

#[test]
fn defaulted_policy_types_ignore_nothing() {
    let text = EGRESS_TYPED_WITH_INGRESS.replace("  policyTypes: [Egress]\n", "");
    let model = Model::build(&inventory(&text));
    assert!(model.ignored_sections().is_empty());
}

#[test]
fn boolean_label_values_are_named_with_their_path() {
    let text = "\
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: p, namespace: ns}
spec:
  podSelector: {matchLabels: {x: y}}
";
    let model = Model::build(&inventory(text));
    assert_eq!(model.problems.len(), 1);
    let problem = &model.problems[0];
    assert_eq!(problem.site.path, "spec.podSelector.matchLabels.x");
    assert!(
        problem
            .message
            .contains("spec.podSelector.matchLabels.x: the value was read as a boolean (true)"),
        "{}",
        problem.message
    );
    assert!(problem.message.contains("quote it"), "{}", problem.message);
}

#[test]
fn node_port_services_are_open_to_both_families() {
    let text = "\
apiVersion: apps/v1
kind: Deployment
metadata: {name: web, namespace: shop}
spec:
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      containers: [{name: c, image: x, ports: [{containerPort: 8080}]}]
---
apiVersion: v1
kind: Service
metadata: {name: web, namespace: shop}
spec:
  type: NodePort
  selector: {app: web}
  ports: [{port: 80, targetPort: 8080}]
";
    let inventory = inventory(text);
    let model = Model::build(&inventory);
    let policies = generate(&Analysis::new(&model), Intent::Services);
    assert!(policies.contains("cidr: 0.0.0.0/0"), "{policies}");
    assert!(policies.contains("cidr: ::/0"), "{policies}");
}
