//! How a scan reads what users write: lines that show secrets are never
//! quoted, integral floats are integers, nested lists are flattened as
//! `kubectl` flattens them, and duplicate keys carry their field path.

mod common;

use std::fmt::Write as _;

use common::{of_rule, positions, scan};

#[test]
fn anchor_used_by_secret_not_quoted() {
    let text = "\
apiVersion: v1
kind: List
items:
  - apiVersion: v1
    kind: Pod
    metadata: {name: p}
    spec:
      containers: [{name: c, image: &pw anchored-hunter2, securityContext: {privileged: true}}]
  - apiVersion: v1
    kind: Secret
    metadata: {name: s}
    stringData: {password: *pw}
";
    let report = scan("alias.yaml", text);
    let on_line: Vec<_> = report.findings.iter().filter(|f| f.line == 8).collect();
    assert!(!on_line.is_empty(), "findings on the container's line");
    for finding in on_line {
        assert_eq!(finding.source_line, None, "{}", finding.rule);
    }
}

#[test]
fn block_scalar_secret_hides_only_its_lines() {
    let text = "\
apiVersion: v1
kind: Pod
metadata: {name: p}
spec:
  containers:
    - name: c
      env:
        - name: TLS_PRIVATE_KEY
          value: |
            -----BEGIN PRIVATE KEY-----
            MIIB
      securityContext:
        privileged: true
";
    let report = scan("env.yaml", text);
    let privileged = of_rule(&report, "pss-privileged").next().expect("finding");
    assert_eq!(privileged.line, 13);
    assert_eq!(
        privileged.source_line.as_deref(),
        Some("        privileged: true"),
        "lines after the value are still quoted"
    );
}

#[test]
fn run_as_user_float_zero_is_root() {
    let text = "\
apiVersion: v1
kind: Pod
metadata: {name: p}
spec:
  securityContext: {runAsUser: 1000.0}
  containers:
    - name: c
      securityContext:
        runAsUser: 0.0
";
    let report = scan("float.yaml", text);
    assert_eq!(positions(&report, "pss-run-as-user"), vec![(9, 9)]);
    assert_eq!(positions(&report, "invalid-field-type"), vec![]);
}

#[test]
fn nested_lists_are_flattened() {
    let text = "\
apiVersion: v1
kind: List
items:
  - apiVersion: v1
    kind: List
    items:
      - apiVersion: v1
        kind: PodList
        items:
          - apiVersion: v1
            kind: Pod
            metadata: {name: inner}
            spec:
              containers:
                - name: c
                  securityContext: {privileged: true}
  - apiVersion: v1
    kind: Pod
    metadata: {name: outer}
    spec:
      containers:
        - name: c
          securityContext: {privileged: true}
";
    let report = scan("nested.yaml", text);
    assert_eq!(report.objects, 2, "lists are not objects, their items are");
    assert_eq!(
        positions(&report, "pss-privileged"),
        vec![(16, 37), (23, 29)]
    );
    let names: Vec<_> = of_rule(&report, "pss-privileged")
        .map(|f| f.object.as_ref().and_then(|o| o.name.clone()))
        .collect();
    assert!(names.contains(&Some("inner".to_owned())));
    assert!(report.warnings.is_empty(), "{:?}", report.warnings);
}

#[test]
fn nested_typed_list_items_need_a_kind() {
    // kubectl sets the kind of kind-less items only for the list it
    // decodes; items of a nested typed list are decoded as they are.
    let text = "\
apiVersion: v1
kind: List
items:
  - apiVersion: v1
    kind: PodList
    items:
      - metadata: {name: bare}
        spec:
          containers: [{name: c, securityContext: {privileged: true}}]
";
    let report = scan("nested-typed.yaml", text);
    assert_eq!(report.objects, 0);
    assert_eq!(report.warnings.len(), 1);
    assert_eq!(report.warnings[0].line, Some(7));
}

#[test]
fn deeply_nested_lists_finish() {
    let depth = 1_000;
    let mut text = String::new();
    for level in 0..depth {
        let indent = "  ".repeat(level);
        let _ = write!(
            text,
            "{indent}- apiVersion: v1\n{indent}  kind: List\n{indent}  items:\n"
        );
    }
    let indent = "  ".repeat(depth);
    let _ = writeln!(text, "{indent}- {{apiVersion: v1, kind: List, items: []}}");
    let text = format!("apiVersion: v1\nkind: List\nitems:\n{text}");
    let report = scan("deep.yaml", &text);
    assert_eq!(report.objects, 0);
}

#[test]
fn duplicate_key_has_field_path() {
    let text = "\
apiVersion: apps/v1
kind: Deployment
metadata: {name: d}
spec:
  template:
    spec:
      containers:
        - name: a
          image: nginx:1
          image: nginx:2
";
    let report = scan("dup.yaml", text);
    let duplicate = of_rule(&report, "duplicate-key").next().expect("finding");
    assert_eq!((duplicate.line, duplicate.column), (10, 11));
    assert_eq!(
        duplicate.path.as_deref(),
        Some("spec.template.spec.containers[0].image")
    );
}

#[test]
fn duplicate_key_path_in_list_item() {
    let text = "\
apiVersion: v1
kind: List
items:
  - apiVersion: v1
    kind: ConfigMap
    metadata: {name: settings, labels: {app: a, app: b}}
";
    let report = scan("dup.yaml", text);
    let duplicate = of_rule(&report, "duplicate-key").next().expect("finding");
    assert_eq!(duplicate.path.as_deref(), Some("metadata.labels.app"));
}

#[test]
fn duplicate_key_outside_objects_has_path() {
    let report = scan("dup.yaml", "a:\n  b: 1\n  b: 2\n");
    let duplicate = of_rule(&report, "duplicate-key").next().expect("finding");
    assert_eq!(duplicate.path.as_deref(), Some("a.b"));
}

#[test]
fn aliased_list_item_checked_once() {
    let text = "\
apiVersion: v1
kind: List
items:
  - &pod {apiVersion: v1, kind: Pod, metadata: {name: a}, spec: {hostPID: true, containers: [{name: c}]}}
  - *pod
";
    let report = scan("alias-items.yaml", text);
    assert_eq!(report.objects, 1);
    assert_eq!(positions(&report, "pss-host-namespaces"), vec![(4, 66)]);
}

#[test]
fn list_with_null_items_is_empty() {
    let report = scan("null-items.yaml", "apiVersion: v1\nkind: List\nitems:\n");
    assert_eq!(report.objects, 0);
    assert_eq!(report.documents, 1);
}
