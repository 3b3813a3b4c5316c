//! The `invalid-field-type` rule: pod template fields whose YAML type is
//! not the Kubernetes API type.

use kubeward_core::ScanOptions;
use kubeward_core::intake::INVALID_FIELD_TYPE;
use kubeward_testutil::check;

/// Builds a Pod whose spec is `spec`, indented by two spaces, starting on
/// line 5.
fn pod(spec: &str) -> String {
    let body: String = spec.lines().flat_map(|line| ["  ", line, "\n"]).collect();
    format!("apiVersion: v1\nkind: Pod\nmetadata: {{name: p}}\nspec:\n{body}")
}

/// (line, column, path) of each finding.
fn findings(yaml: &str) -> Vec<(u32, u32, String)> {
    check(
        "pod.yaml",
        yaml,
        &[&INVALID_FIELD_TYPE],
        ScanOptions::default(),
    )
    .into_iter()
    .map(|f| (f.line, f.column, f.path.unwrap_or_default()))
    .collect()
}

fn at(line: u32, column: u32, path: &str) -> (u32, u32, String) {
    (line, column, path.to_owned())
}

#[test]
fn boolean_written_as_string() {
    let yaml = pod("containers:\n  - name: web\n    securityContext:\n      privileged: \"true\"");
    assert_eq!(
        findings(&yaml),
        vec![at(8, 9, "spec.containers[0].securityContext.privileged")]
    );
}

#[test]
fn list_written_as_string() {
    assert_eq!(
        findings(&pod("containers: web")),
        vec![at(5, 3, "spec.containers")]
    );
}

#[test]
fn mapping_written_as_number() {
    let yaml = pod("securityContext: 5\ncontainers:\n  - name: a\n    securityContext: 5");
    assert_eq!(
        findings(&yaml),
        vec![
            at(5, 3, "spec.securityContext"),
            at(8, 7, "spec.containers[0].securityContext"),
        ]
    );
}

#[test]
fn integer_written_as_string() {
    let yaml = pod("securityContext:\n  runAsUser: \"0\"\n  supplementalGroups: [1, \"2\"]");
    assert_eq!(
        findings(&yaml),
        vec![
            at(6, 5, "spec.securityContext.runAsUser"),
            at(7, 29, "spec.securityContext.supplementalGroups[1]"),
        ]
    );
}

#[test]
fn string_written_as_number_or_boolean() {
    let yaml = pod("containers:\n  - name: 1.0\n    image: nginx\n    imagePullPolicy: yes");
    assert_eq!(
        findings(&yaml),
        vec![
            at(6, 7, "spec.containers[0].name"),
            at(8, 7, "spec.containers[0].imagePullPolicy"),
        ]
    );
}

#[test]
fn correct_types_pass() {
    let yaml = pod("\
hostNetwork: false
hostPID: no
terminationGracePeriodSeconds: 30
priority: 1.0e3
securityContext:
  runAsUser: 1000
  runAsNonRoot: true
  fsGroup: 0o2000
  sysctls: [{name: net.core.somaxconn, value: \"1024\"}]
  seccompProfile: {type: RuntimeDefault}
containers:
  - name: web
    image: nginx:1.27
    command: [nginx, -g, daemon off;]
    ports: [{containerPort: 8080, hostPort: 0x1F90, protocol: TCP}]
    env: [{name: A, value: \"1\"}, {name: B, valueFrom: {secretKeyRef: {name: s, key: k}}}]
    resources: {limits: {cpu: 1, memory: 128Mi}, requests: {cpu: 0.5}}
    livenessProbe: {httpGet: {port: http, path: /}, periodSeconds: 10}
    readinessProbe: {tcpSocket: {port: 8080}}
    securityContext:
      capabilities: {drop: [ALL]}
      readOnlyRootFilesystem: true
volumes:
  - name: data
    hostPath: {path: /var/data, type: Directory}");
    assert_eq!(findings(&yaml), vec![]);
}

#[test]
fn null_is_absent() {
    let yaml =
        pod("hostNetwork: null\nsecurityContext: ~\ncontainers:\n  - name: a\n    command: null");
    assert_eq!(findings(&yaml), vec![]);
}

#[test]
fn list_items_are_checked() {
    let yaml = pod("containers: [web, {name: ok}]\nvolumes:\n  - name: v\n    hostPath: /data");
    assert_eq!(
        findings(&yaml),
        vec![
            at(5, 16, "spec.containers[0]"),
            at(8, 7, "spec.volumes[0].hostPath"),
        ]
    );
}

#[test]
fn annotations_must_be_strings() {
    let yaml = "\
apiVersion: apps/v1
kind: Deployment
metadata: {name: d}
spec:
  template:
    metadata:
      annotations:
        container.apparmor.security.beta.kubernetes.io/web: runtime/default
        sidecar.example.com/inject: true
    spec:
      containers: [{name: web}]
";
    let found = findings(yaml);
    assert_eq!(
        found,
        vec![at(
            9,
            9,
            "spec.template.metadata.annotations.sidecar.example.com/inject"
        )]
    );
    let all = check(
        "d.yaml",
        yaml,
        &[&INVALID_FIELD_TYPE],
        ScanOptions::default(),
    );
    assert!(all[0].message.contains(
        "field `spec.template.metadata.annotations.sidecar.example.com/inject` is a boolean,"
    ));
    assert_eq!(all[0].container, None);
    assert!(all[0].message.contains("expects a string"));
    assert!(all[0].message.ends_with("Quote the value."));
}

#[test]
fn probe_ports_take_names_or_numbers() {
    let yaml = pod("containers:\n  - name: a\n    livenessProbe:\n      httpGet: {port: 1.5}");
    assert_eq!(
        findings(&yaml),
        vec![at(8, 19, "spec.containers[0].livenessProbe.httpGet.port")]
    );
}

#[test]
fn merged_fields_are_checked() {
    let yaml = "\
defaults: &defaults
  securityContext: {privileged: \"false\"}
apiVersion: v1
kind: Pod
metadata: {name: p}
spec:
  containers:
    - <<: *defaults
      name: a
";
    assert_eq!(
        findings(yaml),
        vec![at(2, 21, "spec.containers[0].securityContext.privileged")]
    );
}

#[test]
fn every_owner_kind_is_checked() {
    let cron = "\
apiVersion: batch/v1
kind: CronJob
metadata: {name: c}
spec:
  jobTemplate:
    spec:
      template:
        spec:
          hostIPC: \"false\"
";
    assert_eq!(
        findings(cron),
        vec![at(9, 11, "spec.jobTemplate.spec.template.spec.hostIPC")]
    );
}

#[test]
fn message_says_what_to_change() {
    let yaml = pod("containers:\n  - name: a\n    securityContext: {runAsUser: \"1000\"}");
    let all = check(
        "p.yaml",
        &yaml,
        &[&INVALID_FIELD_TYPE],
        ScanOptions::default(),
    );
    assert_eq!(all.len(), 1);
    let message = &all[0].message;
    assert!(
        message.starts_with(
            "field `spec.containers[0].securityContext.runAsUser` of container \"a\" is a string,"
        ),
        "{message}"
    );
    assert!(message.contains("expects an integer"), "{message}");
    assert!(message.ends_with("Remove the quotes."), "{message}");
    let container = all[0]
        .container
        .as_ref()
        .expect("the finding names its container");
    assert_eq!(container.name, "a");
}

#[test]
fn message_never_shows_the_value() {
    let yaml = pod(
        "initContainers:\n  - name: init\n    env:\n      - name: TOKEN\n        \
         value: {nested: s3cr3t-in-a-map}\n    ports: [{containerPort: \"s3cr3t-port\"}]",
    );
    let all = check(
        "p.yaml",
        &yaml,
        &[&INVALID_FIELD_TYPE],
        ScanOptions::default(),
    );
    assert_eq!(all.len(), 2, "{all:#?}");
    for finding in &all {
        assert!(!finding.message.contains("s3cr3t"), "{}", finding.message);
        assert!(
            finding.message.contains("of init container \"init\""),
            "{}",
            finding.message
        );
    }
    assert!(
        all[1]
            .message
            .contains("`spec.initContainers[0].ports[0].containerPort`")
    );
}

#[test]
fn message_suggests_unquoting_only_when_it_helps() {
    let yaml = pod("hostPID: \"maybe\"\nhostIPC: \"no\"");
    let all = check(
        "p.yaml",
        &yaml,
        &[&INVALID_FIELD_TYPE],
        ScanOptions::default(),
    );
    assert_eq!(all.len(), 2);
    assert!(
        !all[0].message.contains("Remove the quotes"),
        "{}",
        all[0].message
    );
    assert!(
        all[1].message.ends_with("Remove the quotes."),
        "{}",
        all[1].message
    );
}

#[test]
fn rule_docs_have_every_section() {
    for section in [
        "What it checks",
        "Why it matters",
        "Failing example",
        "Fixed example",
        "Known limitations",
        "References",
    ] {
        let text = INVALID_FIELD_TYPE.section(section);
        assert!(
            text.is_some_and(|t| !t.is_empty()),
            "missing section {section}"
        );
    }
}

#[test]
fn failing_example_fails_and_fixed_example_passes() {
    let yaml_block = |section: &str| {
        let text = INVALID_FIELD_TYPE.section(section).expect("section");
        let start = text.find("```yaml\n").expect("yaml block") + 8;
        let end = text[start..].find("```").expect("block end") + start;
        text[start..end].to_owned()
    };
    assert_eq!(findings(&yaml_block("Failing example")).len(), 2);
    assert_eq!(findings(&yaml_block("Fixed example")), vec![]);
}
