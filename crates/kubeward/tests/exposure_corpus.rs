//! The `exposure` family on public input: the Dashboard releases of the
//! corpus, the reported case of a Dashboard behind two Ingresses and its
//! variants, the peer suites' Dashboard fixtures, and a false-positive
//! check over every application of the corpus.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use kubeward::Scanner;
use kubeward_core::{Family, Finding, Profile, Report, ScanOptions};

fn scan(path: &Path) -> Report {
    let scanner = Scanner::new(Profile::All, ScanOptions::default());
    let (report, errors) = scanner.scan_paths(&[path.to_path_buf()]);
    assert!(errors.is_empty(), "{}: {errors:?}", path.display());
    report
}

fn dashboard_dir(test: &str) -> Option<PathBuf> {
    kubeward_testutil::shared_dir(test).map(|d| d.join("corpus/apps/kubernetes-dashboard"))
}

fn is_exposure(finding: &Finding) -> bool {
    kubeward_rules::find(finding.rule).is_some_and(|rule| rule.family == Family::Exposure)
}

/// The exposure findings on objects named `name`.
fn exposure_on<'r>(report: &'r Report, name: &str) -> Vec<&'r Finding> {
    report
        .findings
        .iter()
        .filter(|f| is_exposure(f))
        .filter(|f| f.object.as_ref().and_then(|o| o.name.as_deref()) == Some(name))
        .collect()
}

fn rules(findings: &[&Finding]) -> Vec<&'static str> {
    findings.iter().map(|f| f.rule).collect()
}

#[test]
fn dashboard_ingress_auth_case() {
    let Some(shared) = kubeward_testutil::shared_dir("dashboard_ingress_auth_case") else {
        return;
    };
    let report = scan(&shared.join("cases/023-dashboard-ingress-auth/input"));
    let open = exposure_on(&report, "dashboard-open");
    let open_rules = rules(&open);
    for rule in [
        "admin-ui-exposed",
        "admin-ui-exposed-plain-http",
        "admin-ui-exposed-any-source",
    ] {
        assert!(open_rules.contains(&rule), "{rule} missing: {open_rules:?}");
    }
    for finding in &open {
        assert!(
            finding.message.contains("dashboard-open"),
            "{}",
            finding.message
        );
    }
    let protected = exposure_on(&report, "dashboard-protected");
    for rule in [
        "admin-ui-exposed",
        "admin-ui-exposed-unauthenticated",
        "admin-ui-exposed-plain-http",
        "admin-ui-exposed-any-source",
    ] {
        assert!(
            !rules(&protected).contains(&rule),
            "dashboard-protected reported by {rule}"
        );
    }
}

/// Variants of the reported case written for kubeward: each protection
/// that the case's nginx annotations give, given another way. The objects
/// named `*-open` must be reported by `rule`; those named `*-protected`
/// must not.
#[test]
fn protection_variants() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/exposure");
    let cases = [
        ("traefik-forward-auth.yaml", "admin-ui-exposed"),
        ("oauth2-proxy.yaml", "admin-ui-exposed"),
        ("gateway-tls.yaml", "admin-ui-exposed-plain-http"),
        ("ingress-tls-wildcard.yaml", "admin-ui-exposed-plain-http"),
        ("source-ranges.yaml", "admin-ui-exposed-any-source"),
    ];
    for (file, rule) in cases {
        let report = scan(&dir.join(file));
        let mut by_object: BTreeMap<String, Vec<&str>> = BTreeMap::new();
        for finding in report.findings.iter().filter(|f| is_exposure(f)) {
            let name = finding
                .object
                .as_ref()
                .and_then(|o| o.name.clone())
                .unwrap_or_default();
            by_object.entry(name).or_default().push(finding.rule);
        }
        let open: Vec<&String> = by_object.keys().filter(|k| k.ends_with("-open")).collect();
        assert!(
            !open.is_empty(),
            "{file}: no object named *-open was reported: {by_object:?}"
        );
        for (name, found) in &by_object {
            if name.ends_with("-open") {
                assert!(
                    found.contains(&rule),
                    "{file}: {name} not reported by {rule}: {found:?}"
                );
            }
            if name.ends_with("-protected") {
                assert!(!found.contains(&rule), "{file}: {name} reported by {rule}");
            }
        }
    }
}

#[test]
fn dashboard_v1_6_3_plain_http_without_login() {
    let Some(dir) = dashboard_dir("dashboard_v1_6_3_plain_http_without_login") else {
        return;
    };
    let report = scan(&dir.join("v1.6.3/kubernetes-dashboard.yaml"));
    let findings = exposure_on(&report, "kubernetes-dashboard");
    let plain = findings
        .iter()
        .find(|f| f.rule == "dashboard-plain-http")
        .expect("dashboard-plain-http is reported");
    assert!(plain.message.contains("plain HTTP"), "{}", plain.message);
    assert!(
        plain.message.contains("without a login"),
        "{}",
        plain.message
    );
    let no_login = findings
        .iter()
        .find(|f| f.rule == "dashboard-no-login")
        .expect("dashboard-no-login is reported");
    assert!(
        no_login.message.contains("v1.6.3 has no login"),
        "{}",
        no_login.message
    );
    let path = findings
        .iter()
        .find(|f| f.rule == "attack-path")
        .expect("attack-path is reported");
    assert!(
        path.message.contains("any pod -> cluster-admin"),
        "{}",
        path.message
    );
    assert_eq!(path.severity, kubeward_core::Severity::Critical);
}

#[test]
fn dashboard_nodeport_releases_are_exposed() {
    let Some(dir) = dashboard_dir("dashboard_nodeport_releases_are_exposed") else {
        return;
    };
    for file in [
        "v1.4.0/kubernetes-dashboard.yaml",
        "v1.5.1/kubernetes-dashboard.yaml",
    ] {
        let report = scan(&dir.join(file));
        let findings = exposure_on(&report, "kubernetes-dashboard");
        let on_service: Vec<&str> = findings
            .iter()
            .filter(|f| f.object.as_ref().is_some_and(|o| o.kind == "Service"))
            .map(|f| f.rule)
            .collect();
        for rule in [
            "admin-ui-exposed-unauthenticated",
            "admin-ui-exposed-plain-http",
            "admin-ui-exposed-any-source",
        ] {
            assert!(
                on_service.contains(&rule),
                "{file}: {rule} missing: {on_service:?}"
            );
        }
        let unauthenticated = findings
            .iter()
            .find(|f| f.rule == "admin-ui-exposed-unauthenticated")
            .expect("checked above");
        assert!(
            unauthenticated
                .message
                .contains("NodePort Service kube-system/kubernetes-dashboard"),
            "{}",
            unauthenticated.message
        );
    }
}

#[test]
fn dashboard_v2_7_0_recommended_is_not_exposed() {
    let Some(dir) = dashboard_dir("dashboard_v2_7_0_recommended_is_not_exposed") else {
        return;
    };
    let report = scan(&dir.join("v2.7.0/recommended.yaml"));
    let exposure: Vec<(&str, String)> = report
        .findings
        .iter()
        .filter(|f| is_exposure(f))
        .map(|f| (f.rule, f.message.clone()))
        .collect();
    assert!(exposure.is_empty(), "{exposure:#?}");
}

/// The Dashboard fixtures of kubescape's rule library (control C-0014,
/// "Access Kubernetes dashboard"). kubescape reports workloads that run as
/// the account named `kubernetes-dashboard`, and subjects bound to a role
/// of that name. kubeward agrees on the workloads; it reports bindings by
/// what the role grants, not by its name (docs/exposure.md).
#[test]
fn kubescape_dashboard_fixtures() {
    let Some(shared) = kubeward_testutil::shared_dir("kubescape_dashboard_fixtures") else {
        return;
    };
    let rules_dir = shared.join("peer-suites/kubescape-regolibrary/fixtures/rules");
    let workloads = rules_dir.join("rule-access-dashboard-wl-v1/test");
    for (case, name) in [
        ("cronjob", "hello"),
        ("pod", "frontend"),
        ("workload", "test"),
    ] {
        let report = scan(&workloads.join(case).join("input"));
        let found: Vec<&str> = exposure_on(&report, name).iter().map(|f| f.rule).collect();
        assert!(
            found.contains(&"dashboard-service-account-shared"),
            "{case}: {name} not reported: {found:?}"
        );
    }
    // The subject fixtures bind a role named kubernetes-dashboard. Its
    // name grants nothing: kubeward reports what the rules grant. The
    // ClusterRole of two fixtures allows `*` on pods, which includes
    // create, so the bound subjects may create pods.
    let subjects = rules_dir.join("rule-access-dashboard-subject-v1/test");
    for case in [
        "clusterrole-clusterrolebinding",
        "clusterrole-rolebinding",
        "role-rolebinding",
    ] {
        let report = scan(&subjects.join(case).join("input"));
        let exposure: Vec<&str> = report
            .findings
            .iter()
            .filter(|f| is_exposure(f))
            .map(|f| f.rule)
            .collect();
        assert!(exposure.is_empty(), "{case}: {exposure:?}");
    }
    let report = scan(&subjects.join("clusterrole-clusterrolebinding/input"));
    let create: Vec<&String> = report
        .findings
        .iter()
        .filter(|f| f.rule == "rbac-workload-create")
        .map(|f| &f.message)
        .collect();
    for group in ["Group manager", "Group dev"] {
        assert!(
            create.iter().any(|m| m.contains(group)),
            "{group} not reported by rbac-workload-create: {create:?}"
        );
    }
}

/// kube-linter has no Dashboard check; its `exposed-services` check is the
/// closest, and its fixture is a NodePort Service without ports or
/// selector, which the API server rejects (docs/exposure.md).
#[test]
fn kube_linter_exposed_services_fixture() {
    let Some(shared) = kubeward_testutil::shared_dir("kube_linter_exposed_services_fixture") else {
        return;
    };
    let report =
        scan(&shared.join("peer-suites/kube-linter/fixtures/tests/checks/exposed-services.yml"));
    let entries: Vec<String> = report
        .findings
        .iter()
        .filter(|f| f.rule == "external-entry-point")
        .filter_map(|f| f.object.as_ref().and_then(|o| o.name.clone()))
        .collect();
    assert_eq!(entries, ["app"], "{entries:?}");
    let dont_fire = exposure_on(&report, "dont-fire");
    assert!(dont_fire.is_empty(), "{:?}", rules(&dont_fire));
}

/// Exposure findings on every application of the corpus, checked against
/// a list of the findings reviewed by hand: a new finding (a possible
/// false positive) or a lost one fails the test.
#[test]
fn corpus_exposure_findings_are_reviewed() {
    let Some(shared) = kubeward_testutil::shared_dir("corpus_exposure_findings_are_reviewed")
    else {
        return;
    };
    let apps = shared.join("corpus/apps");
    let reviewed = include_str!("fixtures/exposure/corpus-reviewed.txt");
    let expected: Vec<&str> = reviewed
        .lines()
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .collect();
    let mut actual = Vec::new();
    let mut names: Vec<PathBuf> = std::fs::read_dir(&apps)
        .expect("the corpus is readable")
        .map(|e| e.expect("a directory entry").path())
        .filter(|p| p.is_dir())
        .collect();
    names.sort();
    for app in names {
        let scanner = Scanner::new(Profile::All, ScanOptions::default());
        let (report, _) = scanner.scan_paths(std::slice::from_ref(&app));
        for finding in report.findings.iter().filter(|f| is_exposure(f)) {
            if finding.rule == "external-entry-point" {
                continue;
            }
            let file = finding
                .file
                .strip_prefix(&*apps.to_string_lossy())
                .unwrap_or(&finding.file)
                .trim_start_matches('/');
            let object = finding
                .object
                .as_ref()
                .map(|o| format!("{}/{}", o.kind, o.name.as_deref().unwrap_or("")))
                .unwrap_or_default();
            actual.push(format!(
                "{}\t{file}:{}\t{object}",
                finding.rule, finding.line
            ));
        }
    }
    actual.sort();
    actual.dedup();
    let missing: Vec<&&str> = expected
        .iter()
        .filter(|e| !actual.iter().any(|a| a == **e))
        .collect();
    let new: Vec<&String> = actual
        .iter()
        .filter(|a| !expected.contains(&a.as_str()))
        .collect();
    assert!(
        missing.is_empty() && new.is_empty(),
        "findings lost: {missing:#?}\nfindings not reviewed: {new:#?}"
    );
}
