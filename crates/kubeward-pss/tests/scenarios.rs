//! End-to-end cases over whole objects, run with every rule of the family
//! at the latest policy version. Assertions name the rule, the object and
//! the container or field, not how many findings there are in total.

use kubeward_core::{ContainerKind, Finding, ScanOptions};

fn scan(yaml: &str) -> Vec<Finding> {
    kubeward_testutil::check(
        "scenario.yaml",
        yaml,
        kubeward_pss::RULES,
        ScanOptions::default(),
    )
}

fn object_name(finding: &Finding) -> &str {
    finding
        .object
        .as_ref()
        .and_then(|o| o.name.as_deref())
        .unwrap_or("")
}

/// Findings of `rule` on object `name`.
fn of<'f>(findings: &'f [Finding], rule: &str, name: &str) -> Vec<&'f Finding> {
    findings
        .iter()
        .filter(|f| f.rule == rule && object_name(f) == name)
        .collect()
}

fn paths(findings: &[&Finding]) -> Vec<String> {
    findings
        .iter()
        .map(|f| f.path.clone().unwrap_or_default())
        .collect()
}

fn container_of(finding: &Finding) -> Option<(&str, ContainerKind)> {
    finding
        .container
        .as_ref()
        .map(|c| (c.name.as_str(), c.kind))
}

const DEBUG_POD: &str = r#"
apiVersion: v1
kind: Pod
metadata:
  name: web
  namespace: team-a
spec:
  securityContext:
    runAsNonRoot: true
    seccompProfile:
      type: RuntimeDefault
  containers:
    - name: app
      image: registry.example.com/app:1.4
      securityContext:
        allowPrivilegeEscalation: false
        capabilities:
          drop: ["ALL"]
  ephemeralContainers:
    - name: debugger
      image: busybox:1.36
      securityContext:
        privileged: true
        runAsNonRoot: false
        runAsUser: 0
"#;

#[test]
fn ephemeral_debugger_reported_alone() {
    let findings = scan(DEBUG_POD);

    let privileged = of(&findings, "pss-privileged", "web");
    assert_eq!(
        paths(&privileged),
        ["spec.ephemeralContainers[0].securityContext.privileged"]
    );
    let object = privileged[0]
        .object
        .as_ref()
        .expect("finding names its object");
    assert_eq!(object.namespace.as_deref(), Some("team-a"));
    assert_eq!(object.kind, "Pod");
    assert!(
        privileged[0]
            .message
            .contains("ephemeral container \"debugger\""),
        "{}",
        privileged[0].message
    );

    for rule in ["pss-privileged", "pss-run-as-non-root", "pss-run-as-user"] {
        let found = of(&findings, rule, "web");
        assert!(!found.is_empty(), "{rule} reports the debugger");
        for finding in found {
            assert_eq!(
                container_of(finding),
                Some(("debugger", ContainerKind::Ephemeral)),
                "{rule} at {:?}",
                finding.path
            );
        }
    }
    assert_eq!(
        paths(&of(&findings, "pss-run-as-non-root", "web")),
        ["spec.ephemeralContainers[0].securityContext.runAsNonRoot"]
    );
    assert_eq!(
        paths(&of(&findings, "pss-run-as-user", "web")),
        ["spec.ephemeralContainers[0].securityContext.runAsUser"]
    );

    let about_app: Vec<&Finding> = findings
        .iter()
        .filter(|f| container_of(f).is_some_and(|(name, _)| name == "app"))
        .filter(|f| {
            matches!(
                f.rule,
                "pss-privileged" | "pss-run-as-non-root" | "pss-run-as-user"
            )
        })
        .collect();
    assert!(about_app.is_empty(), "nothing about app: {about_app:?}");
}

const SECCOMP_PODS: &str = r"
apiVersion: v1
kind: Pod
metadata:
  name: app-unset
spec:
  securityContext: {}
  initContainers:
    - name: init
      image: busybox:1.36
      securityContext:
        seccompProfile:
          type: RuntimeDefault
  containers:
    - name: sidecar
      image: busybox:1.36
      securityContext:
        seccompProfile:
          type: RuntimeDefault
    - name: app
      image: registry.example.com/app:1.4
---
apiVersion: v1
kind: Pod
metadata:
  name: pod-level-only
spec:
  securityContext:
    seccompProfile:
      type: RuntimeDefault
  initContainers:
    - name: init
      image: busybox:1.36
  containers:
    - name: app
      image: registry.example.com/app:1.4
---
apiVersion: v1
kind: Pod
metadata:
  name: legacy-override
spec:
  securityContext:
    seccompProfile:
      type: RuntimeDefault
  containers:
    - name: app
      image: registry.example.com/app:1.4
    - name: legacy
      image: registry.example.com/legacy:0.9
      securityContext:
        seccompProfile:
          type: Unconfined
";

#[test]
fn seccomp_container_falls_back_to_pod() {
    let findings = scan(SECCOMP_PODS);

    let restricted = of(&findings, "pss-seccomp-restricted", "app-unset");
    assert_eq!(
        paths(&restricted),
        ["spec.containers[1].securityContext.seccompProfile.type"]
    );
    assert_eq!(
        container_of(restricted[0]),
        Some(("app", ContainerKind::Regular))
    );
    assert!(of(&findings, "pss-seccomp", "app-unset").is_empty());

    for rule in ["pss-seccomp", "pss-seccomp-restricted"] {
        assert!(
            of(&findings, rule, "pod-level-only").is_empty(),
            "{rule} accepts the pod-level profile for every container"
        );
    }

    let legacy = "spec.containers[1].securityContext.seccompProfile.type";
    for rule in ["pss-seccomp", "pss-seccomp-restricted"] {
        let found = of(&findings, rule, "legacy-override");
        assert_eq!(paths(&found), [legacy], "{rule}");
        assert_eq!(
            container_of(found[0]),
            Some(("legacy", ContainerKind::Regular))
        );
        assert!(
            found[0].message.contains("Unconfined"),
            "{}",
            found[0].message
        );
    }
}

fn drop_pod(name: &str, drop: &str) -> String {
    format!(
        r#"
apiVersion: v1
kind: Pod
metadata:
  name: {name}
spec:
  securityContext:
    runAsNonRoot: true
    seccompProfile:
      type: RuntimeDefault
  containers:
    - name: app
      image: registry.example.com/app:1.4
      securityContext:
        allowPrivilegeEscalation: false
        capabilities:
          drop: ["{drop}"]
          add: ["NET_BIND_SERVICE"]
"#
    )
}

#[test]
fn drop_all_requires_uppercase() {
    let upper = scan(&drop_pod("upper", "ALL"));
    assert!(upper.is_empty(), "drop ALL passes every rule: {upper:?}");

    for (name, spelling) in [("lower", "all"), ("mixed", "All")] {
        let findings = scan(&drop_pod(name, spelling));
        let found = of(&findings, "pss-capabilities-restricted", name);
        assert_eq!(
            paths(&found),
            ["spec.containers[0].securityContext.capabilities.drop"],
            "drop {spelling}"
        );
        let message = &found[0].message;
        assert!(message.contains(&format!("\"{spelling}\"")), "{message}");
        assert!(message.contains("\"ALL\""), "{message}");
        assert!(message.contains("uppercase"), "{message}");
    }
}

const ADD_DEPLOYMENT: &str = r#"
apiVersion: apps/v1
kind: Deployment
metadata:
  name: tools
spec:
  selector:
    matchLabels:
      app: tools
  template:
    metadata:
      labels:
        app: tools
    spec:
      securityContext:
        runAsNonRoot: true
        seccompProfile:
          type: RuntimeDefault
      containers:
        - name: upper
          image: registry.example.com/tools:1
          securityContext:
            capabilities:
              add: ["SYS_ADMIN"]
        - name: lower
          image: registry.example.com/tools:1
          securityContext:
            capabilities:
              add: ["sys_admin"]
        - name: mixed
          image: registry.example.com/tools:1
          securityContext:
            capabilities:
              add: ["Sys_Admin"]
        - name: prefixed
          image: registry.example.com/tools:1
          securityContext:
            capabilities:
              add: ["CAP_SYS_ADMIN"]
        - name: all
          image: registry.example.com/tools:1
          securityContext:
            capabilities:
              add: ["ALL"]
        - name: hardened
          image: registry.example.com/tools:1
          securityContext:
            allowPrivilegeEscalation: false
            capabilities:
              drop: ["ALL"]
              add: ["NET_BIND_SERVICE"]
"#;

#[test]
fn added_capability_spellings_rejected() {
    let findings = scan(ADD_DEPLOYMENT);
    let baseline = of(&findings, "pss-capabilities-baseline", "tools");
    let spellings = [
        "SYS_ADMIN",
        "sys_admin",
        "Sys_Admin",
        "CAP_SYS_ADMIN",
        "ALL",
    ];
    for (index, spelling) in spellings.iter().enumerate() {
        let path =
            format!("spec.template.spec.containers[{index}].securityContext.capabilities.add[0]");
        let found: Vec<&&Finding> = baseline
            .iter()
            .filter(|f| f.path.as_deref() == Some(path.as_str()))
            .collect();
        assert_eq!(found.len(), 1, "one finding for {spelling} at {path}");
        let message = &found[0].message;
        assert!(message.contains(&format!("\"{spelling}\"")), "{message}");
        assert_eq!(
            container_of(found[0]).map(|(_, kind)| kind),
            Some(ContainerKind::Regular)
        );
    }

    let message_at = |index: usize| {
        let path =
            format!("spec.template.spec.containers[{index}].securityContext.capabilities.add[0]");
        baseline
            .iter()
            .find(|f| f.path.as_deref() == Some(path.as_str()))
            .map(|f| f.message.clone())
            .unwrap_or_default()
    };
    let lower = message_at(1);
    assert!(lower.contains("read it as SYS_ADMIN"), "{lower}");
    let prefixed = message_at(3);
    assert!(prefixed.contains("without the CAP_ prefix"), "{prefixed}");
    let all = message_at(4);
    assert!(all.contains("every capability"), "{all}");
    let hardened: Vec<&Finding> = findings
        .iter()
        .filter(|f| container_of(f).is_some_and(|(name, _)| name == "hardened"))
        .collect();
    assert!(
        hardened.is_empty(),
        "hardened passes baseline and restricted: {hardened:?}"
    );
}

const APPARMOR_PODS: &str = r"
apiVersion: v1
kind: Pod
metadata:
  name: override-localhost
spec:
  securityContext:
    appArmorProfile:
      type: RuntimeDefault
  containers:
    - name: app
      image: registry.example.com/app:1.4
    - name: custom
      image: registry.example.com/custom:2
      securityContext:
        appArmorProfile:
          type: Localhost
          localhostProfile: custom
---
apiVersion: v1
kind: Pod
metadata:
  name: field-unconfined
spec:
  containers:
    - name: app
      image: registry.example.com/app:1.4
      securityContext:
        appArmorProfile:
          type: Unconfined
---
apiVersion: v1
kind: Pod
metadata:
  name: annotation-unconfined
  annotations:
    container.apparmor.security.beta.kubernetes.io/app: unconfined
spec:
  containers:
    - name: app
      image: registry.example.com/app:1.4
";

#[test]
fn apparmor_field_and_annotation() {
    let findings = scan(APPARMOR_PODS);
    assert!(of(&findings, "pss-apparmor", "override-localhost").is_empty());

    let field = of(&findings, "pss-apparmor", "field-unconfined");
    assert_eq!(
        paths(&field),
        ["spec.containers[0].securityContext.appArmorProfile.type"]
    );
    assert_eq!(
        container_of(field[0]),
        Some(("app", ContainerKind::Regular))
    );

    let annotation = of(&findings, "pss-apparmor", "annotation-unconfined");
    assert_eq!(
        paths(&annotation),
        ["metadata.annotations[container.apparmor.security.beta.kubernetes.io/app]"]
    );
    let source = annotation[0].source_line.as_deref().unwrap_or("");
    assert!(
        source.contains("container.apparmor.security.beta.kubernetes.io/app"),
        "the finding points at the annotation key: {source}"
    );
}

#[test]
fn findings_point_at_field() {
    let findings = scan(DEBUG_POD);
    let privileged = of(&findings, "pss-privileged", "web");
    // Line 1 of the text is the empty line after the opening quote.
    assert_eq!(privileged[0].line, 23);
    assert_eq!(privileged[0].column, 9);
    assert_eq!(
        privileged[0].source_line.as_deref().map(str::trim),
        Some("privileged: true")
    );
}
