//! `etcd-shared-ca`: etcd's `--trusted-ca-file` compared with
//! kube-apiserver's `--client-ca-file` across the objects of one scan.

use std::path::Path;
use std::sync::Arc;

use kubeward_core::{Finding, Inventory, RuleDef, ScanOptions, ScanPlan, scan_text_with};

fn rule() -> &'static RuleDef {
    kubeward_components::RULES
        .iter()
        .flat_map(|family| family.iter().copied())
        .find(|rule| rule.id == "etcd-shared-ca")
        .expect("etcd-shared-ca is registered")
}

/// Scans `(file, text)` pairs as one scan and returns the rule's findings.
fn scan(files: &[(&str, &str)]) -> Vec<Finding> {
    let rules = [rule()];
    let plan = ScanPlan::new(&rules, ScanOptions::default());
    let mut stored = Vec::new();
    for (file, text) in files {
        let file: Arc<str> = Arc::from(*file);
        stored.extend(scan_text_with(&file, text, &plan).stored);
    }
    Inventory::new(stored).check(&rules, ScanOptions::default())
}

fn etcd(trusted_ca: &str) -> String {
    format!(
        "apiVersion: v1
kind: Pod
metadata:
  name: etcd
  namespace: kube-system
spec:
  containers:
    - name: etcd
      image: registry.k8s.io/etcd:3.5.16-0
      command:
        - etcd
        - --client-cert-auth=true
        - --trusted-ca-file={trusted_ca}
"
    )
}

fn api_server(client_ca: &str) -> String {
    format!(
        "apiVersion: v1
kind: Pod
metadata:
  name: kube-apiserver
  namespace: kube-system
spec:
  containers:
    - name: kube-apiserver
      image: registry.k8s.io/kube-apiserver:v1.32.2
      command:
        - kube-apiserver
        - --client-ca-file={client_ca}
"
    )
}

#[test]
fn static_pods_sharing_ca() {
    let findings = scan(&[
        ("manifests/etcd.yaml", &etcd("/etc/kubernetes/pki/ca.crt")),
        (
            "manifests/kube-apiserver.yaml",
            &api_server("/etc/kubernetes/pki/ca.crt"),
        ),
    ]);
    assert_eq!(findings.len(), 1, "{findings:#?}");
    let finding = &findings[0];
    assert_eq!(&*finding.file, "manifests/etcd.yaml");
    assert_eq!(finding.line, 13);
    assert_eq!(finding.column, 11);
    assert_eq!(
        finding.source_line.as_deref(),
        Some("        - --trusted-ca-file=/etc/kubernetes/pki/ca.crt")
    );
    assert!(
        finding.message.contains("manifests/kube-apiserver.yaml:12"),
        "{}",
        finding.message
    );
}

#[test]
fn paths_compared_normalised() {
    let findings = scan(&[
        ("m/etcd.yaml", &etcd("/etc/kubernetes/pki//ca.crt")),
        ("m/api.yaml", &api_server("/etc/kubernetes/./pki/ca.crt")),
    ]);
    assert_eq!(findings.len(), 1, "{findings:#?}");
}

#[test]
fn separate_ca_passes() {
    let findings = scan(&[
        (
            "manifests/etcd.yaml",
            &etcd("/etc/kubernetes/pki/etcd/ca.crt"),
        ),
        (
            "manifests/kube-apiserver.yaml",
            &api_server("/etc/kubernetes/pki/ca.crt"),
        ),
    ]);
    assert!(findings.is_empty(), "{findings:#?}");
}

#[test]
fn other_directory_not_compared() {
    // Manifests of two clusters scanned together are not paired.
    let findings = scan(&[
        ("cluster-a/etcd.yaml", &etcd("/etc/kubernetes/pki/ca.crt")),
        (
            "cluster-b/kube-apiserver.yaml",
            &api_server("/etc/kubernetes/pki/ca.crt"),
        ),
    ]);
    assert!(findings.is_empty(), "{findings:#?}");
}

#[test]
fn etcd_alone_not_reported() {
    let findings = scan(&[("manifests/etcd.yaml", &etcd("/etc/kubernetes/pki/ca.crt"))]);
    assert!(findings.is_empty(), "{findings:#?}");
}

#[test]
fn kubeadm_extra_args_sharing_ca() {
    let config = "\
apiVersion: kubeadm.k8s.io/v1beta4
kind: ClusterConfiguration
kubernetesVersion: v1.32.0
etcd:
  local:
    extraArgs:
      - name: trusted-ca-file
        value: /etc/kubernetes/pki/ca.crt
";
    let findings = scan(&[("kubeadm.yaml", config)]);
    assert_eq!(findings.len(), 1, "{findings:#?}");
    assert_eq!(findings[0].line, 7);
    assert_eq!(findings[0].path.as_deref(), Some("etcd.local.extraArgs[0]"));
}

#[test]
fn kubeadm_defaults_pass() {
    let config = "\
apiVersion: kubeadm.k8s.io/v1beta3
kind: ClusterConfiguration
kubernetesVersion: v1.30.0
";
    let findings = scan(&[("kubeadm.yaml", config)]);
    assert!(findings.is_empty(), "{findings:#?}");
}

#[test]
fn corpus_static_pods_pass() {
    let Some(shared) = kubeward_testutil::shared_dir("corpus_static_pods_pass") else {
        return;
    };
    let corpus = shared.join("corpus/control-plane");
    // kubeadm gives etcd its own CA under pki/etcd.
    for dir in [
        "kubeadm-static-pods/austintalbot-cks-at/manifests",
        "kubeadm-static-pods/devopsyuva-manifests",
        "kubeadm-static-pods/MaxxMoney-kubeadm_etc_kubernetes/manifests",
    ] {
        let texts: Vec<(String, String)> = ["etcd.yaml", "kube-apiserver.yaml"]
            .iter()
            .map(|name| {
                let path = corpus.join(dir).join(name);
                let text = std::fs::read_to_string(&path).expect("corpus file");
                (path.display().to_string(), text)
            })
            .collect();
        let files: Vec<(&str, &str)> = texts
            .iter()
            .map(|(file, text)| (file.as_str(), text.as_str()))
            .collect();
        let findings = scan(&files);
        assert!(findings.is_empty(), "{dir}: {findings:#?}");
        // The same pair with etcd pointed at the API server's client CA.
        let etcd_text = files[0].1.replace(
            "/etc/kubernetes/pki/etcd/ca.crt",
            "/etc/kubernetes/pki/ca.crt",
        );
        let changed = scan(&[(files[0].0, &etcd_text), files[1]]);
        assert_eq!(changed.len(), 1, "{dir}: {changed:#?}");
        assert!(Path::new(&*changed[0].file).ends_with("etcd.yaml"));
    }
}
