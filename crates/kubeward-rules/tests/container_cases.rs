//! Cases of the `container` family that need more than a list of paths:
//! which containers a finding names, severities, messages, positions, and
//! that secret values never reach the output.

mod common;

use std::fmt::Write;

use kubeward_core::{Finding, Severity};
use kubeward_rules::container::RULES;

const CAPABILITY_RULES: [&str; 3] = [
    "capabilities-not-dropped",
    "dangerous-capabilities",
    "capability-spelling",
];

fn container_name(finding: &Finding) -> Option<&str> {
    finding.container.as_ref().map(|c| c.name.as_str())
}

fn is_container_rule(finding: &Finding) -> bool {
    RULES.iter().any(|rule| rule.id == finding.rule)
}

#[test]
fn ephemeral_container_skips_unfixable_rules() {
    let yaml = r#"
apiVersion: v1
kind: Pod
metadata:
  name: hardened
  namespace: shop
spec:
  automountServiceAccountToken: false
  containers:
    - name: app
      image: registry.example.com/shop/app:3.1.4@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef
      ports:
        - containerPort: 8080
          name: http
      resources:
        requests: {cpu: 250m, memory: 256Mi}
        limits: {cpu: "1", memory: 512Mi}
      livenessProbe:
        httpGet: {path: /healthz, port: 8080}
      readinessProbe:
        httpGet: {path: /ready, port: 8080}
      securityContext:
        readOnlyRootFilesystem: true
        allowPrivilegeEscalation: false
        runAsNonRoot: true
        runAsUser: 10001
        runAsGroup: 10001
        capabilities:
          drop: ["ALL"]
  ephemeralContainers:
    - name: debugger
      image: busybox:1.36.1
      securityContext:
        privileged: true
        runAsUser: 0
"#;
    let findings = common::check_all("hardened.yaml", yaml);
    let unfixable = [
        "missing-memory-limit",
        "missing-cpu-limit",
        "missing-memory-request",
        "missing-cpu-request",
        "missing-liveness-probe",
        "missing-readiness-probe",
        "ssh-port",
    ];
    for finding in &findings {
        assert!(
            !(unfixable.contains(&finding.rule) && container_name(finding) == Some("debugger")),
            "unexpected finding for the ephemeral container: {finding:#?}"
        );
    }

    let app: Vec<&Finding> = findings
        .iter()
        .filter(|f| is_container_rule(f) && container_name(f) == Some("app"))
        .collect();
    assert!(
        app.is_empty(),
        "the hardened container has findings: {app:#?}"
    );

    // The ephemeral container is still checked by the rules that apply to it.
    let debugger_rules: Vec<&str> = findings
        .iter()
        .filter(|f| container_name(f) == Some("debugger"))
        .map(|f| f.rule)
        .collect();
    assert!(
        debugger_rules.contains(&"writable-root-filesystem"),
        "{debugger_rules:?}"
    );
    assert!(
        debugger_rules.contains(&"capabilities-not-dropped"),
        "{debugger_rules:?}"
    );
}

#[test]
fn drop_all_spellings() {
    let yaml = r#"
apiVersion: v1
kind: Pod
metadata:
  name: drops
spec:
  containers:
    - name: upper
      image: registry.example.com/app:1.0.0
      securityContext:
        capabilities:
          drop: ["ALL"]
          add: ["NET_BIND_SERVICE"]
    - name: lower
      image: registry.example.com/app:1.0.0
      securityContext:
        capabilities:
          drop: ["all"]
          add: ["NET_BIND_SERVICE"]
    - name: mixed
      image: registry.example.com/app:1.0.0
      securityContext:
        capabilities:
          drop: ["All"]
          add: ["NET_BIND_SERVICE"]
"#;
    let findings = common::check_all("drops.yaml", yaml);

    let not_dropped = common::of_rule(&findings, "capabilities-not-dropped");
    assert!(not_dropped.is_empty(), "{not_dropped:#?}");

    let spelling = common::of_rule(&findings, "capability-spelling");
    let mut named: Vec<(&str, &str)> = spelling
        .iter()
        .map(|f| {
            (
                container_name(f).unwrap_or(""),
                f.path.as_deref().unwrap_or(""),
            )
        })
        .collect();
    named.sort_unstable();
    assert_eq!(
        named,
        [
            (
                "lower",
                "spec.containers[1].securityContext.capabilities.drop[0]"
            ),
            (
                "mixed",
                "spec.containers[2].securityContext.capabilities.drop[0]"
            ),
        ]
    );
    for finding in &spelling {
        assert_eq!(finding.severity, Severity::Info);
        assert!(
            finding.message.contains("write \"ALL\""),
            "{}",
            finding.message
        );
    }

    let upper: Vec<&Finding> = findings
        .iter()
        .filter(|f| CAPABILITY_RULES.contains(&f.rule) && container_name(f) == Some("upper"))
        .collect();
    assert!(upper.is_empty(), "{upper:#?}");
}

#[test]
fn add_spellings_in_deployment() {
    let spellings = [
        "SYS_ADMIN",
        "sys_admin",
        "Sys_Admin",
        "CAP_SYS_ADMIN",
        "ALL",
    ];
    let mut yaml = String::from(
        "apiVersion: apps/v1
kind: Deployment
metadata:
  name: admin
spec:
  selector:
    matchLabels: {app: admin}
  template:
    metadata:
      labels: {app: admin}
    spec:
      containers:
",
    );
    for (index, spelling) in spellings.iter().enumerate() {
        write!(
            yaml,
            "        - name: c{index}
          image: registry.example.com/app:1.0.0
          securityContext:
            capabilities:
              add: [\"{spelling}\"]
"
        )
        .expect("writing to a String cannot fail");
    }
    yaml.push_str(
        "        - name: safe
          image: registry.example.com/app:1.0.0
          securityContext:
            capabilities:
              drop: [\"ALL\"]
              add: [\"NET_BIND_SERVICE\"]
",
    );
    let findings = common::check_all("admin.yaml", &yaml);

    let dangerous = common::of_rule(&findings, "dangerous-capabilities");
    assert_eq!(dangerous.len(), spellings.len(), "{dangerous:#?}");
    for (index, spelling) in spellings.iter().enumerate() {
        let path =
            format!("spec.template.spec.containers[{index}].securityContext.capabilities.add[0]");
        let finding = dangerous
            .iter()
            .find(|f| f.path.as_deref() == Some(path.as_str()))
            .unwrap_or_else(|| panic!("no dangerous-capabilities finding at {path}"));
        assert_eq!(finding.severity, Severity::High);
        assert!(
            finding.message.contains(&format!("\"{spelling}\"")),
            "message does not quote {spelling}: {}",
            finding.message
        );
    }

    let spelling_findings = common::of_rule(&findings, "capability-spelling");
    let mut flagged: Vec<&str> = spelling_findings
        .iter()
        .filter_map(|f| container_name(f))
        .collect();
    flagged.sort_unstable();
    assert_eq!(flagged, ["c1", "c2", "c3"]);
    let cap_prefix = spelling_findings
        .iter()
        .find(|f| container_name(f) == Some("c3"))
        .expect("a finding for CAP_SYS_ADMIN");
    assert!(
        cap_prefix.message.contains("CAP_CAP_SYS_ADMIN"),
        "{}",
        cap_prefix.message
    );

    let safe: Vec<&Finding> = findings
        .iter()
        .filter(|f| CAPABILITY_RULES.contains(&f.rule) && container_name(f) == Some("safe"))
        .collect();
    assert!(safe.is_empty(), "{safe:#?}");
}

#[test]
fn apparmor_annotation_unconfined() {
    let yaml = r"
apiVersion: v1
kind: Pod
metadata:
  name: app
  annotations:
    container.apparmor.security.beta.kubernetes.io/app: unconfined
spec:
  containers:
    - name: app
      image: registry.example.com/app:1.0.0
";
    let findings = common::check_all("apparmor.yaml", yaml);
    let deprecated = common::of_rule(&findings, "apparmor-annotation-deprecated");
    assert_eq!(deprecated.len(), 1, "{deprecated:#?}");
    let finding = deprecated[0];
    assert_eq!(finding.severity, Severity::Info);
    assert_eq!(
        finding.path.as_deref(),
        Some("metadata.annotations[container.apparmor.security.beta.kubernetes.io/app]")
    );
    assert_eq!(finding.line, 7);
    assert!(
        finding.message.contains("{type: Unconfined}"),
        "{}",
        finding.message
    );
    assert!(
        finding.message.contains("container \"app\""),
        "{}",
        finding.message
    );
}

#[test]
fn missing_fields_point_at_name() {
    let yaml = "apiVersion: v1
kind: Pod
metadata:
  name: app
spec:
  containers:
    - image: registry.example.com/app:1.0.0
      name: app
      resources:
        requests: {memory: 64Mi}
";
    let findings = common::check_all("positions.yaml", yaml);
    let writable = common::of_rule(&findings, "writable-root-filesystem");
    assert_eq!(writable.len(), 1);
    assert_eq!((writable[0].line, writable[0].column), (8, 7));
    assert_eq!(writable[0].source_line.as_deref(), Some("      name: app"));

    // The deepest field that exists: `resources`, since `limits` is absent.
    let limit = common::of_rule(&findings, "missing-memory-limit");
    assert_eq!(limit.len(), 1);
    assert_eq!((limit[0].line, limit[0].column), (9, 7));
    assert_eq!(
        limit[0].path.as_deref(),
        Some("spec.containers[0].resources.limits.memory")
    );
}

const SECRET_VALUES: [&str; 7] = [
    "correct-horse-battery-staple",
    "keyboard-cat-flow",
    "AKIAQWERTYUIOPASDFGH",
    "MHcCAQEEIsecretkeymaterial",
    "ghp_0123456789abcdefghijklmnopqrstuvwxyz",
    "hunter2-in-configmap",
    "inline-flow-configmap",
];

#[test]
fn secret_values_never_shown() {
    let yaml = r"
apiVersion: v1
kind: Pod
metadata:
  name: leaky
spec:
  containers:
    - name: app
      image: registry.example.com/app:1.0.0
      env:
        - name: DB_PASSWORD
          value: correct-horse-battery-staple
        - {name: SESSION_SECRET, value: keyboard-cat-flow}
        - name: ID
          value: AKIAQWERTYUIOPASDFGH
        - name: SIGNING_KEY
          value: |
            -----BEGIN EC PRIVATE KEY-----
            MHcCAQEEIsecretkeymaterial
            -----END EC PRIVATE KEY-----
        - value: ghp_0123456789abcdefghijklmnopqrstuvwxyz
---
apiVersion: v1
kind: ConfigMap
metadata:
  name: leaky-config
data:
  db.password: hunter2-in-configmap
---
apiVersion: v1
kind: ConfigMap
metadata:
  name: flow-config
data: {api_token: inline-flow-configmap}
";
    let findings = common::check_all("leaky.yaml", yaml);

    let env = common::of_rule(&findings, "secret-in-env-literal");
    assert_eq!(env.len(), 5, "{env:#?}");
    let config = common::of_rule(&findings, "secret-in-configmap");
    assert_eq!(config.len(), 2, "{config:#?}");

    for finding in &findings {
        for secret in SECRET_VALUES {
            assert!(
                !finding.message.contains(secret),
                "{} message shows a secret: {}",
                finding.rule,
                finding.message
            );
            assert!(
                !finding
                    .source_line
                    .as_deref()
                    .unwrap_or("")
                    .contains(secret),
                "{} source line shows a secret: {:?}",
                finding.rule,
                finding.source_line
            );
        }
    }

    // Block-style entries are located at their name, which is quoted.
    let password = env
        .iter()
        .find(|f| f.path.as_deref() == Some("spec.containers[0].env[0].value"))
        .expect("a finding for DB_PASSWORD");
    assert_eq!(password.line, 11);
    assert_eq!(
        password.source_line.as_deref(),
        Some("        - name: DB_PASSWORD")
    );
    assert!(
        password.message.contains("\"DB_PASSWORD\""),
        "{}",
        password.message
    );
}

#[test]
fn account_written_twice_uses_last() {
    let account = |automount: bool| {
        format!(
            "apiVersion: v1\nkind: ServiceAccount\nmetadata: {{name: twice, namespace: ops}}\n\
             automountServiceAccountToken: {automount}\n---\n"
        )
    };
    let pod = "apiVersion: v1\nkind: Pod\nmetadata: {name: p, namespace: ops}\nspec:\n  \
               serviceAccountName: twice\n  containers: [{name: c, image: nginx}]\n";
    let rule = RULES
        .iter()
        .copied()
        .find(|rule| rule.id == "service-account-token-automount")
        .expect("the rule exists");
    let on_then_off = format!("{}{}{pod}", account(true), account(false));
    assert!(common::check_one(rule, &on_then_off).is_empty());
    let off_then_on = format!("{}{}{pod}", account(false), account(true));
    let findings = common::check_one(rule, &off_then_on);
    assert_eq!(findings.len(), 1, "{findings:#?}");
    assert!(
        findings[0].message.contains("\"twice\""),
        "{}",
        findings[0].message
    );
}
