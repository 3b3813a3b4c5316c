//! Inputs distilled from public bug reports of other scanners, each checked
//! for what a correct scanner must and must not report. Assertions match on
//! rule, object, container and field path, never on total counts, because
//! other rules may rightly fire on the same input.

use std::path::PathBuf;

use kubeward::Scanner;
use kubeward_core::{ContainerKind, Finding, Profile, Report, ScanOptions};

fn case_input(test: &str, case: &str) -> Option<PathBuf> {
    kubeward_testutil::shared_dir(test).map(|dir| dir.join("cases").join(case).join("input"))
}

fn scan(path: PathBuf) -> Report {
    let scanner = Scanner::new(Profile::All, ScanOptions::default());
    let (report, errors) = scanner.scan_paths(&[path]);
    assert!(errors.is_empty(), "{errors:?}");
    report
}

fn on<'r>(report: &'r Report, object: &str, container: &str) -> Vec<&'r Finding> {
    report
        .findings
        .iter()
        .filter(|f| f.object.as_ref().and_then(|o| o.name.as_deref()) == Some(object))
        .filter(|f| f.container.as_ref().is_some_and(|c| c.name == container))
        .collect()
}

fn has(findings: &[&Finding], rule: &str, path: &str) -> bool {
    findings
        .iter()
        .any(|f| f.rule == rule && f.path.as_deref() == Some(path))
}

fn rules(findings: &[&Finding]) -> Vec<&'static str> {
    findings.iter().map(|f| f.rule).collect()
}

#[test]
fn privileged_ephemeral_container() {
    let Some(input) = case_input(
        "privileged_ephemeral_container",
        "001-ephemeral-container-privileged",
    ) else {
        return;
    };
    let report = scan(input);
    let debugger = on(&report, "api-7d9f", "debugger");
    assert!(
        has(
            &debugger,
            "pss-privileged",
            "spec.ephemeralContainers[0].securityContext.privileged"
        ),
        "{:?}",
        rules(&debugger)
    );
    assert!(has(
        &debugger,
        "pss-run-as-user",
        "spec.ephemeralContainers[0].securityContext.runAsUser"
    ));
    assert!(has(
        &debugger,
        "pss-run-as-non-root",
        "spec.ephemeralContainers[0].securityContext.runAsNonRoot"
    ));
    for finding in &debugger {
        let container = finding
            .container
            .as_ref()
            .expect("container findings name it");
        assert_eq!(container.kind, ContainerKind::Ephemeral, "{}", finding.rule);
        assert!(
            finding.message.contains("ephemeral container \"debugger\""),
            "{}",
            finding.message
        );
    }
    for unfixable in [
        "missing-memory-limit",
        "missing-cpu-limit",
        "missing-memory-request",
        "missing-cpu-request",
        "missing-liveness-probe",
        "missing-readiness-probe",
        "ssh-port",
    ] {
        assert!(
            !rules(&debugger).contains(&unfixable),
            "{unfixable} on an ephemeral container"
        );
    }
    let app = on(&report, "api-7d9f", "app");
    for rule in ["pss-privileged", "pss-run-as-user", "pss-run-as-non-root"] {
        assert!(
            !rules(&app).contains(&rule),
            "{rule} on the hardened container"
        );
    }
}

#[test]
fn seccomp_per_container_with_pod_fallback() {
    let Some(input) = case_input(
        "seccomp_per_container_with_pod_fallback",
        "002-seccomp-pod-vs-container",
    ) else {
        return;
    };
    let report = scan(input);
    let seccomp = |f: &&Finding| f.rule.starts_with("pss-seccomp");
    let app = on(&report, "mesh-partial", "app");
    assert!(has(
        &app,
        "pss-seccomp-restricted",
        "spec.containers[1].securityContext.seccompProfile.type"
    ));
    for container in ["net-init", "proxy"] {
        let found: Vec<_> = on(&report, "mesh-partial", container)
            .into_iter()
            .filter(seccomp)
            .collect();
        assert!(found.is_empty(), "{container}: {:?}", rules(&found));
    }
    for container in ["migrate", "app", "sidecar"] {
        let found: Vec<_> = on(&report, "pod-level-only", container)
            .into_iter()
            .filter(seccomp)
            .collect();
        assert!(
            found.is_empty(),
            "pod-level-only/{container}: {:?}",
            rules(&found)
        );
    }
    let legacy = on(&report, "override-unconfined", "legacy");
    let path = "spec.containers[1].securityContext.seccompProfile.type";
    assert!(has(&legacy, "pss-seccomp", path), "{:?}", rules(&legacy));
    assert!(has(&legacy, "pss-seccomp-restricted", path));
    let found: Vec<_> = on(&report, "override-unconfined", "app")
        .into_iter()
        .filter(seccomp)
        .collect();
    assert!(found.is_empty(), "{:?}", rules(&found));
}

#[test]
fn drop_all_spellings() {
    let Some(input) = case_input("drop_all_spellings", "005-drop-all-lowercase") else {
        return;
    };
    let report = scan(input);
    let upper = on(&report, "caps-spelling", "upper");
    let capability_rules = [
        "capabilities-not-dropped",
        "pss-capabilities-restricted",
        "capability-spelling",
        "dangerous-capabilities",
        "pss-capabilities-baseline",
    ];
    for rule in capability_rules {
        assert!(!rules(&upper).contains(&rule), "{rule} on drop [ALL]");
    }
    for container in ["lower", "mixed"] {
        let found = on(&report, "caps-spelling", container);
        assert!(
            !rules(&found).contains(&"capabilities-not-dropped"),
            "{container}: runtimes drop all"
        );
        assert!(
            rules(&found).contains(&"capability-spelling"),
            "{container}"
        );
        let restricted = found
            .iter()
            .find(|f| f.rule == "pss-capabilities-restricted")
            .unwrap_or_else(|| panic!("{container}: restricted Capabilities must fail"));
        assert!(restricted.message.contains("ALL"), "{}", restricted.message);
        assert!(
            !rules(&found).contains(&"dangerous-capabilities"),
            "NET_BIND_SERVICE is allowed"
        );
    }
}

#[test]
fn added_capability_spellings() {
    let Some(input) = case_input("added_capability_spellings", "006-capability-add-spellings")
    else {
        return;
    };
    let report = scan(input);
    for (index, (container, spelling)) in [
        ("canonical", "SYS_ADMIN"),
        ("lower", "sys_admin"),
        ("mixed", "Sys_Admin"),
        ("prefixed", "CAP_SYS_ADMIN"),
        ("everything", "ALL"),
    ]
    .into_iter()
    .enumerate()
    {
        let found = on(&report, "cap-variants", container);
        let path =
            format!("spec.template.spec.containers[{index}].securityContext.capabilities.add[0]");
        for rule in ["dangerous-capabilities", "pss-capabilities-baseline"] {
            let finding = found
                .iter()
                .find(|f| f.rule == rule && f.path.as_deref() == Some(path.as_str()))
                .unwrap_or_else(|| panic!("{container}: no {rule} at {path}: {:?}", rules(&found)));
            assert!(finding.message.contains(spelling), "{}", finding.message);
        }
    }
    let prefixed = on(&report, "cap-variants", "prefixed");
    let note = prefixed
        .iter()
        .find(|f| f.rule == "capability-spelling")
        .expect("a note on the CAP_ prefix");
    assert!(note.message.contains("CAP_CAP_"), "{}", note.message);
    let benign = on(&report, "cap-variants", "benign");
    for rule in [
        "dangerous-capabilities",
        "pss-capabilities-baseline",
        "pss-capabilities-restricted",
        "capabilities-not-dropped",
    ] {
        assert!(
            !rules(&benign).contains(&rule),
            "{rule} on the benign container"
        );
    }
}

#[test]
fn empty_documents_in_rendered_output() {
    let Some(input) = case_input(
        "empty_documents_in_rendered_output",
        "008-empty-yaml-documents",
    ) else {
        return;
    };
    let report = scan(input.join("rendered.yaml"));
    assert_eq!(report.stats.objects, 1);
    assert!(report.warnings.is_empty(), "{:?}", report.warnings);
    assert!(!report.findings.iter().any(|f| f.rule == "parse-error"));
    let web = on(&report, "web", "web");
    let privileged = web
        .iter()
        .find(|f| f.rule == "pss-privileged")
        .expect("the privileged container is reported");
    assert_eq!(privileged.line, 26);

    let report = scan(input.join("only-comments.yaml"));
    assert!(report.findings.is_empty(), "{:?}", report.findings);
    assert_eq!(report.warnings.len(), 1, "{:?}", report.warnings);
    assert!(report.warnings[0].message.contains("no Kubernetes objects"));
}

#[test]
fn apparmor_field_and_annotation() {
    let Some(input) = case_input(
        "apparmor_field_and_annotation",
        "015-apparmor-field-and-annotation",
    ) else {
        return;
    };
    let report = scan(input);
    let field = on(&report, "apparmor-unconfined-field", "app");
    assert!(has(
        &field,
        "pss-apparmor",
        "spec.containers[0].securityContext.appArmorProfile.type"
    ));
    let annotation = on(&report, "apparmor-unconfined-annotation", "app");
    assert!(
        rules(&annotation).contains(&"pss-apparmor"),
        "{:?}",
        rules(&annotation)
    );
    assert!(rules(&annotation).contains(&"apparmor-annotation-deprecated"));
    for container in ["app", "tool"] {
        let found = on(&report, "apparmor-field", container);
        assert!(
            !found.iter().any(|f| f.rule.contains("apparmor")),
            "{container}: {:?}",
            rules(&found)
        );
    }
}
