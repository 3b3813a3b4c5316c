//! `network` findings on named public manifests and NetworkPolicies,
//! through the same scanner the CLI uses. Each test scans the files that
//! are deployed together, as one cluster, and matches findings on rule,
//! file, line and field path.

use std::path::PathBuf;

use kubeward::Scanner;
use kubeward_core::{Finding, Profile, ScanOptions};

fn corpus(test: &str) -> Option<PathBuf> {
    kubeward_testutil::shared_dir(test).map(|dir| dir.join("corpus"))
}

/// Scans `paths` together and returns the `network` findings.
fn scan(paths: &[PathBuf]) -> Vec<Finding> {
    let scanner = Scanner::new(Profile::All, ScanOptions::default());
    let (report, errors) = scanner.scan_paths(paths);
    assert!(errors.is_empty(), "{errors:?}");
    report
        .findings
        .into_iter()
        .filter(|f| f.rule.starts_with("network-"))
        .collect()
}

fn list(findings: &[Finding]) -> Vec<String> {
    findings
        .iter()
        .map(|f| format!("{} {}:{} {:?}", f.rule, f.file, f.line, f.path))
        .collect()
}

/// Asserts a finding of `rule` in the file ending with `file`, at `line`
/// on field `path`.
fn assert_finding(findings: &[Finding], rule: &str, file: &str, line: u32, path: &str) {
    let found = findings.iter().any(|f| {
        f.rule == rule
            && f.file.ends_with(file)
            && f.line == line
            && f.path.as_deref() == Some(path)
    });
    assert!(
        found,
        "no {rule} at {file}:{line} on {path}; findings: {:#?}",
        list(findings)
    );
}

/// Returns the findings of `rule` on the object named `name`.
fn on<'f>(findings: &'f [Finding], rule: &str, name: &str) -> Vec<&'f Finding> {
    findings
        .iter()
        .filter(|f| f.rule == rule)
        .filter(|f| f.object.as_ref().and_then(|o| o.name.as_deref()) == Some(name))
        .collect()
}

#[test]
fn recipes_allow_all_ingress() {
    let Some(corpus) = corpus("recipes_allow_all_ingress") else {
        return;
    };
    let dir = corpus.join("network/ahmetb-recipes");
    let findings = scan(&[dir]);
    let rule = "network-ingress-from-anywhere";
    assert_finding(
        &findings,
        rule,
        "02a-allow-all-traffic-to-an-application.yaml",
        11,
        "spec.ingress[0]",
    );
    assert_finding(
        &findings,
        rule,
        "08-allow-external-traffic.yaml",
        10,
        "spec.ingress[0]",
    );
    // Namespace-wide and pod-specific deny policies open nothing.
    for file in [
        "01-deny-all-traffic-to-an-application.yaml",
        "03-deny-all-non-whitelisted-traffic-in-the-namespace.yaml",
        "11-deny-egress-traffic-from-an-application.yaml",
    ] {
        assert!(
            !findings.iter().any(|f| f.file.ends_with(file)),
            "{file}: {:#?}",
            list(&findings)
        );
    }
}

#[test]
fn kubernetes_docs_allow_all_policies() {
    let Some(corpus) = corpus("kubernetes_docs_allow_all_policies") else {
        return;
    };
    let dir = corpus.join("network/kubernetes.github.io/content/en/examples/service/networking");
    let findings = scan(&[dir]);
    assert_finding(
        &findings,
        "network-egress-to-internet",
        "network-policy-allow-all-egress.yaml",
        9,
        "spec.egress[0]",
    );
    assert_finding(
        &findings,
        "network-ingress-from-anywhere",
        "network-policy-allow-all-ingress.yaml",
        9,
        "spec.ingress[0]",
    );
    for file in [
        "network-policy-default-deny-all.yaml",
        "network-policy-default-deny-egress.yaml",
        "network-policy-default-deny-ingress.yaml",
    ] {
        assert!(
            !findings.iter().any(|f| f.file.ends_with(file)),
            "{file}: {:#?}",
            list(&findings)
        );
    }
}

#[test]
fn training_solution_crosses_environments() {
    let Some(corpus) = corpus("training_solution_crosses_environments") else {
        return;
    };
    let dir = corpus.join("network/austintalbot-cks-at/lfs260/LFS260/SOLUTIONS/s_06");
    let findings = scan(&[dir]);
    let pods = "netpods.yaml";
    // dev-ns and prod-b have no policy at all; prod-a denies by default.
    assert_finding(
        &findings,
        "network-cross-environment",
        pods,
        7,
        "metadata.labels",
    );
    assert_finding(
        &findings,
        "network-cross-environment",
        pods,
        38,
        "metadata.labels",
    );
    for name in ["devapp", "backend"] {
        assert_eq!(
            on(&findings, "network-workload-not-selected", name).len(),
            1,
            "{name}"
        );
        assert_eq!(
            on(&findings, "network-no-default-deny-ingress", name).len(),
            1,
            "{name}"
        );
    }
    assert!(on(&findings, "network-workload-not-selected", "frontend").is_empty());
    assert!(on(&findings, "network-cross-environment", "frontend").is_empty());
    assert_finding(
        &findings,
        "network-ingress-from-anywhere",
        "allowinternet.yaml",
        12,
        "spec.ingress[0]",
    );
}

#[test]
fn online_boutique_with_its_policies() {
    let Some(corpus) = corpus("online_boutique_with_its_policies") else {
        return;
    };
    let main = corpus.join("apps/microservices-demo/main");
    let policies = main.join("kustomize/components/network-policies");
    let findings = scan(&[main.join("kubernetes-manifests"), policies]);
    // Every service's policy ends with an egress rule without peers.
    for (file, line) in [
        ("network-policy-adservice.yaml", 35),
        ("network-policy-cartservice.yaml", 38),
        ("network-policy-frontend.yaml", 29),
        ("network-policy-redis.yaml", 35),
    ] {
        assert_finding(
            &findings,
            "network-egress-to-internet",
            file,
            line,
            "spec.egress[0]",
        );
    }
    assert_finding(
        &findings,
        "network-ingress-from-anywhere",
        "network-policy-frontend.yaml",
        27,
        "spec.ingress[0]",
    );
    // The deny-all policy covers the namespace, and each service has a
    // policy whose egress rules include DNS, so none of these fires.
    for rule in [
        "network-no-default-deny-ingress",
        "network-no-default-deny-egress",
        "network-workload-not-selected",
        "network-sensitive-reachable-from-all-namespaces",
        "network-egress-blocks-dns",
    ] {
        assert!(
            !findings.iter().any(|f| f.rule == rule),
            "{rule}: {:#?}",
            list(&findings)
        );
    }
}

#[test]
fn calico_controllers_open_in_kube_system() {
    let Some(corpus) = corpus("calico_controllers_open_in_kube_system") else {
        return;
    };
    let findings = scan(&[corpus.join("apps/calico/calico.yaml")]);
    let path = "spec.template.metadata.labels";
    for rule in [
        "network-sensitive-reachable-from-all-namespaces",
        "network-workload-not-selected",
    ] {
        assert_finding(&findings, rule, "calico.yaml", 12858, path);
    }
    let sensitive = on(
        &findings,
        "network-sensitive-reachable-from-all-namespaces",
        "calico-kube-controllers",
    );
    assert!(
        sensitive[0].message.contains("kube-system"),
        "{}",
        sensitive[0].message
    );
}

#[test]
fn databases_reachable_from_every_namespace() {
    let Some(corpus) = corpus("databases_reachable_from_every_namespace") else {
        return;
    };
    let examples = corpus.join("apps/kubernetes-examples/_archived");
    let findings = scan(&[examples.join("javaee"), examples.join("storage/redis")]);
    let rule = "network-sensitive-reachable-from-all-namespaces";
    assert_finding(
        &findings,
        rule,
        "javaee/mysql-pod.yaml",
        5,
        "metadata.labels",
    );
    assert_finding(
        &findings,
        rule,
        "redis/redis-master.yaml",
        4,
        "metadata.labels",
    );
    // The application server is not a data store.
    assert!(on(&findings, rule, "wildfly-rc").is_empty());
}

#[test]
fn kube_prometheus_policies() {
    let Some(corpus) = corpus("kube_prometheus_policies") else {
        return;
    };
    let findings = scan(&[corpus.join("apps/kube-prometheus/main/manifests")]);
    assert_finding(
        &findings,
        "network-egress-to-internet",
        "prometheus-networkPolicy.yaml",
        14,
        "spec.egress[0]",
    );
    assert_finding(
        &findings,
        "network-ingress-from-anywhere",
        "prometheusAdapter-networkPolicy.yaml",
        15,
        "spec.ingress[0]",
    );
    assert_finding(
        &findings,
        "network-no-default-deny-ingress",
        "setup/namespace.yaml",
        7,
        "metadata.name",
    );
    // node-exporter runs on the host network, which no policy isolates.
    let node_exporter = on(&findings, "network-policy-selects-nothing", "node-exporter");
    assert!(
        node_exporter
            .iter()
            .any(|f| f.path.as_deref() == Some("spec.podSelector")
                && f.message.contains("host network")),
        "{node_exporter:#?}"
    );
}

#[test]
fn argo_cd_server_and_redis() {
    let Some(corpus) = corpus("argo_cd_server_and_redis") else {
        return;
    };
    let findings = scan(&[corpus.join("apps/argo-cd/main/ha/install.yaml")]);
    assert_finding(
        &findings,
        "network-ingress-from-anywhere",
        "ha/install.yaml",
        35775,
        "spec.ingress[0]",
    );
    let redis = on(
        &findings,
        "network-sensitive-reachable-from-all-namespaces",
        "argocd-redis-ha-haproxy",
    );
    assert_eq!(redis.len(), 1, "{:#?}", list(&findings));
    // Only the metrics port is open to every namespace, not Redis itself.
    assert!(
        redis[0].message.contains("can connect to it (TCP 9101)"),
        "{}",
        redis[0].message
    );
}
