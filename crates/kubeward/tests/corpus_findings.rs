//! Known findings on named real manifests, and their absence on hardened
//! ones, through the same scanner the CLI uses.

use std::path::{Path, PathBuf};

use kubeward::Scanner;
use kubeward_core::{Finding, Profile, ScanOptions};

fn corpus(test: &str) -> Option<PathBuf> {
    kubeward_testutil::shared_dir(test).map(|dir| dir.join("corpus"))
}

fn scan(file: &Path) -> Vec<Finding> {
    let scanner = Scanner::new(Profile::All, ScanOptions::default());
    let (report, errors) = scanner.scan_paths(&[file.to_path_buf()]);
    assert!(errors.is_empty(), "{}: {errors:?}", file.display());
    report.findings
}

/// Asserts that a finding of `rule` exists at `line` with field `path`.
fn assert_finding(findings: &[Finding], rule: &str, line: u32, path: &str) {
    let found = findings
        .iter()
        .any(|f| f.rule == rule && f.line == line && f.path.as_deref() == Some(path));
    let same_rule: Vec<String> = findings
        .iter()
        .filter(|f| f.rule == rule)
        .map(|f| format!("{}:{} {:?}", f.line, f.column, f.path))
        .collect();
    assert!(
        found,
        "no {rule} at line {line} on {path}; {rule} findings: {same_rule:?}"
    );
}

#[test]
fn node_exporter_host_namespaces_and_root_mount() {
    let Some(corpus) = corpus("node_exporter_host_namespaces_and_root_mount") else {
        return;
    };
    let file = corpus.join("apps/kube-prometheus/main/manifests/nodeExporter-daemonset.yaml");
    let findings = scan(&file);
    assert_finding(
        &findings,
        "pss-host-namespaces",
        100,
        "spec.template.spec.hostNetwork",
    );
    assert_finding(
        &findings,
        "pss-host-namespaces",
        101,
        "spec.template.spec.hostPID",
    );
    assert_finding(
        &findings,
        "pss-capabilities-baseline",
        54,
        "spec.template.spec.containers[0].securityContext.capabilities.add[0]",
    );
    // The second volume mounts the host's `/`, which contains the runtime socket.
    assert_finding(
        &findings,
        "container-runtime-socket",
        117,
        "spec.template.spec.volumes[1].hostPath.path",
    );
    assert!(
        !findings.iter().any(|f| f.rule == "pss-privileged"),
        "node-exporter is not privileged"
    );
}

#[test]
fn calico_node_privileged_containers() {
    let Some(corpus) = corpus("calico_node_privileged_containers") else {
        return;
    };
    let findings = scan(&corpus.join("apps/calico/calico.yaml"));
    for (line, path) in [
        (
            12560,
            "spec.template.spec.initContainers[0].securityContext.privileged",
        ),
        (
            12709,
            "spec.template.spec.containers[0].securityContext.privileged",
        ),
    ] {
        assert_finding(&findings, "pss-privileged", line, path);
    }
}

#[test]
fn grafana_admin_password_literal_is_named_not_printed() {
    let Some(corpus) = corpus("grafana_admin_password_literal_is_named_not_printed") else {
        return;
    };
    let findings = scan(&corpus.join("apps/istio-samples/addons/grafana.yaml"));
    assert_finding(
        &findings,
        "secret-in-env-literal",
        200,
        "spec.template.spec.containers[0].env[8].value",
    );
    let finding = findings
        .iter()
        .find(|f| f.rule == "secret-in-env-literal" && f.line == 200)
        .expect("the finding asserted above");
    assert!(
        finding.message.contains("GF_SECURITY_ADMIN_PASSWORD"),
        "{}",
        finding.message
    );
    assert!(
        !finding.message.contains("\"admin\""),
        "{}",
        finding.message
    );
    let quoted = finding.source_line.as_deref().unwrap_or("");
    assert!(
        !quoted.contains("value"),
        "the quoted line shows the value: {quoted}"
    );
}

#[test]
fn cilium_unconfined_apparmor_and_seccomp() {
    let Some(corpus) = corpus("cilium_unconfined_apparmor_and_seccomp") else {
        return;
    };
    let findings = scan(&corpus.join("apps/kubespray-plain/tests/files/custom_cni/cilium.yaml"));
    assert_finding(
        &findings,
        "pss-apparmor",
        835,
        "spec.template.spec.securityContext.appArmorProfile.type",
    );
    assert_finding(
        &findings,
        "pss-seccomp",
        837,
        "spec.template.spec.securityContext.seccompProfile.type",
    );
}

#[test]
fn boolean_env_value_is_invalid_field_type() {
    let Some(corpus) = corpus("boolean_env_value_is_invalid_field_type") else {
        return;
    };
    let file = corpus.join(
        "apps/ingress-nginx/main-docs-examples/examples/auth/oauth-external-auth/vouch-proxy.yaml",
    );
    let findings = scan(&file);
    assert_finding(
        &findings,
        "invalid-field-type",
        21,
        "spec.template.spec.containers[0].env[0].value",
    );
}

#[test]
fn mysql_root_password_literal() {
    let Some(corpus) = corpus("mysql_root_password_literal") else {
        return;
    };
    let file =
        corpus.join("apps/kubernetes-website-examples/application/mysql/mysql-deployment.yaml");
    assert_finding(
        &scan(&file),
        "secret-in-env-literal",
        32,
        "spec.template.spec.containers[0].env[0].value",
    );
}

#[test]
fn hardened_manifests_pass_baseline() {
    let Some(corpus) = corpus("hardened_manifests_pass_baseline") else {
        return;
    };
    for file in [
        "apps/kubernetes-dashboard/v2.7.0/recommended.yaml",
        "apps/argo-cd/main/install.yaml",
        "apps/microservices-demo/main/release/kubernetes-manifests.yaml",
    ] {
        let scanner = Scanner::new(Profile::PssBaseline, ScanOptions::default());
        let (report, errors) = scanner.scan_paths(&[corpus.join(file)]);
        assert!(errors.is_empty(), "{file}: {errors:?}");
        let rules: Vec<&str> = report.findings.iter().map(|f| f.rule).collect();
        assert!(
            rules.is_empty(),
            "{file}: unexpected baseline findings {rules:?}"
        );
        assert!(
            report.stats.objects > 10,
            "{file}: only {} objects read",
            report.stats.objects
        );
    }
}
