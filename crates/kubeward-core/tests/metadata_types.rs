//! Object metadata of the wrong type, on every kind: `invalid-field-type`
//! reports it, and an object without a string name or namespace is not
//! kept for rules that read several objects.

use std::sync::Arc;

use kubeward_core::intake::INVALID_FIELD_TYPE;
use kubeward_core::{KindSet, ScanOptions, ScanPlan, scan_text_with};

/// Plain scalars that YAML 1.1 (go-yaml v2, which kubectl uses) reads as
/// booleans.
const BOOLEAN_WORDS: &[&str] = &["n", "y", "yes", "no", "on", "off", "N", "Yes", "OFF"];

/// `apiVersion`, `kind` and the rest of a minimal object of that kind.
const KINDS: &[(&str, &str, &str)] = &[
    ("v1", "Pod", "spec: {containers: [{name: c, image: x}]}"),
    (
        "v1",
        "PodTemplate",
        "template: {spec: {containers: [{name: c, image: x}]}}",
    ),
    ("v1", "ReplicationController", WORKLOAD),
    ("apps/v1", "Deployment", WORKLOAD),
    ("apps/v1", "ReplicaSet", WORKLOAD),
    ("apps/v1", "StatefulSet", WORKLOAD),
    ("apps/v1", "DaemonSet", WORKLOAD),
    ("extensions/v1beta1", "Deployment", WORKLOAD),
    ("batch/v1", "Job", WORKLOAD),
    (
        "batch/v1",
        "CronJob",
        "spec: {schedule: '* * * * *', jobTemplate: {spec: {template: {spec: {containers: [{name: c, image: x}]}}}}}",
    ),
    ("v1", "Service", "spec: {ports: [{port: 80}]}"),
    ("v1", "ConfigMap", "data: {a: b}"),
    ("v1", "Secret", "stringData: {a: b}"),
    ("v1", "ServiceAccount", ""),
    ("v1", "Namespace", ""),
    ("v1", "PersistentVolumeClaim", "spec: {}"),
    (
        "networking.k8s.io/v1",
        "NetworkPolicy",
        "spec: {podSelector: {}}",
    ),
    ("networking.k8s.io/v1", "Ingress", "spec: {}"),
    (
        "rbac.authorization.k8s.io/v1",
        "Role",
        "rules: [{apiGroups: [''], resources: [pods], verbs: [get]}]",
    ),
    (
        "rbac.authorization.k8s.io/v1",
        "RoleBinding",
        "roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: cluster-admin}\nsubjects: [{kind: User, name: bob}]",
    ),
    ("rbac.authorization.k8s.io/v1", "ClusterRole", "rules: []"),
    (
        "rbac.authorization.k8s.io/v1",
        "ClusterRoleBinding",
        "roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: view}",
    ),
    ("example.com/v1", "Widget", "spec: {size: 1}"),
];

const WORKLOAD: &str = "spec:\n  selector: {matchLabels: {a: b}}\n  template:\n    metadata: {labels: {a: b}}\n    spec: {containers: [{name: c, image: x}]}";

/// Builds an object of `kind` whose metadata, on line 3, is `metadata`
/// in flow style.
fn object(api_version: &str, kind: &str, rest: &str, metadata: &str) -> String {
    format!("apiVersion: {api_version}\nkind: {kind}\nmetadata: {metadata}\n{rest}\n")
}

struct Scanned {
    /// (line, path) of each `invalid-field-type` finding.
    findings: Vec<(u32, String)>,
    /// The messages of those findings, in the same order.
    messages: Vec<String>,
    /// Objects kept when every kind is kept.
    stored: usize,
}

fn scan(yaml: &str) -> Scanned {
    let rules = [&INVALID_FIELD_TYPE];
    let plan = ScanPlan {
        rules: &rules,
        options: ScanOptions::default(),
        keep: KindSet::all(),
    };
    let report = scan_text_with(&Arc::from("input.yaml"), yaml, &plan);
    let mut found: Vec<_> = report
        .findings
        .into_iter()
        .map(|f| ((f.line, f.path.unwrap_or_default()), f.message))
        .collect();
    found.sort();
    let (findings, messages) = found.into_iter().unzip();
    Scanned {
        findings,
        messages,
        stored: report.stored.len(),
    }
}

#[test]
fn boolean_namespace_on_every_kind() {
    for &(api_version, kind, rest) in KINDS {
        for word in BOOLEAN_WORDS {
            let yaml = object(
                api_version,
                kind,
                rest,
                &format!("{{name: web, namespace: {word}}}"),
            );
            let scanned = scan(&yaml);
            assert_eq!(
                scanned.findings,
                vec![(3, "metadata.namespace".to_owned())],
                "{kind} with namespace: {word}"
            );
            assert_eq!(scanned.stored, 0, "{kind} with namespace: {word} was kept");
            assert!(
                scanned.messages[0].contains("rules that compare objects"),
                "{}",
                scanned.messages[0]
            );
        }
    }
}

#[test]
fn non_string_name_on_every_kind() {
    for &(api_version, kind, rest) in KINDS {
        for (metadata, path) in [
            ("{name: on, namespace: shop}", "metadata.name"),
            ("{name: 12, namespace: shop}", "metadata.name"),
            (
                "{generateName: yes, namespace: shop}",
                "metadata.generateName",
            ),
            ("{name: [a], namespace: shop}", "metadata.name"),
            ("{name: web, namespace: {a: b}}", "metadata.namespace"),
            ("5", "metadata"),
        ] {
            let scanned = scan(&object(api_version, kind, rest, metadata));
            assert_eq!(
                scanned.findings,
                vec![(3, path.to_owned())],
                "{kind} with metadata {metadata}"
            );
            assert_eq!(
                scanned.stored, 0,
                "{kind} with metadata {metadata} was kept"
            );
        }
    }
}

#[test]
fn quoted_words_on_every_kind() {
    for &(api_version, kind, rest) in KINDS {
        for word in BOOLEAN_WORDS {
            let yaml = object(
                api_version,
                kind,
                rest,
                &format!("{{name: \"{word}\", namespace: '{word}', labels: {{a: \"{word}\"}}}}"),
            );
            let scanned = scan(&yaml);
            assert_eq!(scanned.findings, vec![], "{kind} with quoted {word}");
            assert_eq!(scanned.stored, 1, "{kind} with quoted {word} was not kept");
        }
    }
}

#[test]
fn label_values_on_every_kind() {
    for &(api_version, kind, rest) in KINDS {
        let yaml = object(
            api_version,
            kind,
            rest,
            "{name: web, labels: {tier: on, v: 1}, annotations: {a: no}, finalizers: [yes]}",
        );
        let scanned = scan(&yaml);
        assert_eq!(
            scanned.findings,
            vec![
                (3, "metadata.annotations.a".to_owned()),
                (3, "metadata.finalizers[0]".to_owned()),
                (3, "metadata.labels.tier".to_owned()),
                (3, "metadata.labels.v".to_owned()),
            ],
            "{kind}"
        );
        // Labels of the wrong type do not hide where the object lives.
        assert_eq!(scanned.stored, 1, "{kind} was not kept");
    }
}

#[test]
fn missing_or_null_metadata_fields_are_kept() {
    let scanned = scan("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a, namespace: ~}\n");
    assert_eq!((scanned.findings, scanned.stored), (vec![], 1));
    let scanned = scan("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}\n");
    assert_eq!((scanned.findings, scanned.stored), (vec![], 1));
}

#[test]
fn template_metadata_is_still_checked() {
    let yaml = object(
        "apps/v1",
        "Deployment",
        "spec:\n  template:\n    metadata: {labels: {a: yes}}\n    spec: {containers: [{name: c, image: x}]}",
        "{name: web, namespace: shop}",
    );
    let scanned = scan(&yaml);
    assert_eq!(
        scanned.findings,
        vec![(6, "spec.template.metadata.labels.a".to_owned())]
    );
    assert_eq!(scanned.stored, 1);
}
