//! Every file of the control-plane corpus (static pod manifests, kubeadm
//! and kind configurations, systemd units, EncryptionConfigurations, audit
//! policies, component configs) is read and checked, with the known
//! weaknesses of named files found and none reported on hardened ones.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use kubeward_core::{Finding, Profile, RuleDef, ScanOptions, ScanPlan, scan_bytes_with};

/// What a scan found in one corpus file.
struct Scanned {
    components: usize,
    kinds: Vec<String>,
    findings: Vec<Finding>,
}

fn all_files(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_owned()];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).expect("corpus dir").flatten() {
            let path = entry.path();
            if path.is_dir() {
                stack.push(path);
            } else {
                out.push(path);
            }
        }
    }
    out.sort();
    out
}

fn scan(path: &Path, rules: &[&'static RuleDef]) -> Scanned {
    let bytes = std::fs::read(path).expect("corpus file");
    let file: Arc<str> = Arc::from(path.display().to_string());
    let mut plan = ScanPlan::new(rules, ScanOptions::default());
    plan.keep = kubeward_core::KindSet::all();
    let report = scan_bytes_with(&file, &bytes, &plan);
    let kinds = report
        .stored
        .iter()
        .map(|object| object.reference.kind.clone())
        .collect();
    Scanned {
        components: report.components,
        kinds,
        findings: report.findings,
    }
}

/// Kinds of configuration objects the component, encryption and audit
/// rules read.
const CONFIG_KINDS: [&str; 12] = [
    "EncryptionConfiguration",
    "EncryptionConfig",
    "Policy",
    "AdmissionConfiguration",
    "Configuration",
    "KubeSchedulerConfiguration",
    "KubeletConfiguration",
    "KubeProxyConfiguration",
    "ClusterConfiguration",
    "InitConfiguration",
    "JoinConfiguration",
    "Cluster",
];

/// Corpus files that configure no control-plane program, with why.
const NOT_COMPONENTS: [(&str, &str); 9] = [
    ("containerd.service", "a container runtime's unit"),
    ("crio.service", "a container runtime's unit"),
    (
        "haproxy.yaml",
        "a load balancer Pod, checked by the pod rules",
    ),
    (
        "keepalived.yaml",
        "a virtual IP Pod, checked by the pod rules",
    ),
    (
        "kube-apiserver-to-kubelet.yaml",
        "RBAC objects, checked by the rbac rules",
    ),
    (
        "invalid-apiversion.yaml",
        "invalid input of kind's decoder tests",
    ),
    ("invalid-kind.yaml", "invalid input of kind's decoder tests"),
    ("invalid-yaml.yaml", "invalid input of kind's decoder tests"),
    (
        "invalid-bogus-field.yaml",
        "invalid input of kind's decoder tests",
    ),
];

fn corpus_rules() -> Vec<&'static RuleDef> {
    kubeward_rules::all()
        .filter(|rule| rule.in_profile(Profile::All))
        .collect()
}

fn scan_named(corpus: &Path, relative: &str) -> Scanned {
    scan(&corpus.join(relative), &corpus_rules())
}

fn rules_of(scanned: &Scanned) -> Vec<&'static str> {
    let mut ids: Vec<&str> = scanned.findings.iter().map(|f| f.rule).collect();
    ids.sort_unstable();
    ids.dedup();
    ids
}

#[test]
fn every_corpus_file_is_recognised() {
    let Some(shared) = kubeward_testutil::shared_dir("every_corpus_file_is_recognised") else {
        return;
    };
    let corpus = shared.join("corpus/control-plane");
    let rules = corpus_rules();
    let files = all_files(&corpus);
    assert!(files.len() >= 140, "only {} files", files.len());
    let mut unrecognised = Vec::new();
    let mut components = 0;
    for path in &files {
        let scanned = scan(path, &rules);
        components += scanned.components;
        let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("");
        let recognised = scanned.components > 0
            || scanned
                .kinds
                .iter()
                .any(|kind| CONFIG_KINDS.contains(&kind.as_str()))
            || NOT_COMPONENTS.iter().any(|(file, _)| *file == name);
        if !recognised {
            unrecognised.push(format!("{}: kinds {:?}", path.display(), scanned.kinds));
        }
    }
    assert!(unrecognised.is_empty(), "{}", unrecognised.join("\n"));
    assert!(components >= 125, "only {components} components read");
}

/// (file, rules that must report on it).
const WEAK: &[(&str, &[&str])] = &[
    (
        "kubeadm-static-pods/HiulnaraPyvovar-mastering-k8s/etcd.yaml",
        &[
            "etcd-client-tls",
            "etcd-client-cert-auth",
            "etcd-plain-http-listen",
        ],
    ),
    (
        "kubeadm-static-pods/rongfengliang-k8sconfig/etcd.yaml",
        &["etcd-client-tls", "etcd-client-cert-auth"],
    ),
    (
        "kubeadm-static-pods/HiulnaraPyvovar-mastering-k8s/kube-apiserver.yaml",
        &[
            "api-server-anonymous-auth",
            "api-server-authorization-always-allow",
        ],
    ),
    (
        "legacy-static-pods/pires-kubernetes-vagrant-coreos-cluster/master-apiserver.yaml",
        &[
            "api-server-authorization-always-allow",
            "api-server-etcd-plain-http",
        ],
    ),
    (
        "kubernetes-the-hard-way/main/units/etcd.service",
        &["etcd-client-tls", "etcd-client-cert-auth"],
    ),
    (
        "kubernetes-website-docs/encrypt-data.yaml",
        &["encryption-identity-first"],
    ),
    (
        "kind-cluster-configs/pkg/internal/apis/config/encoding/testdata/v1alpha4/valid-kind-workers-patches.yaml",
        &["kubelet-authorization-mode"],
    ),
    (
        "cks-lab-configs/tutugodfrey-cks-prep/policy.yaml",
        &["audit-secrets-logged", "audit-no-catch-all"],
    ),
];

/// (file, rule id prefixes that must not report on it).
const HARDENED: &[(&str, &[&str])] = &[
    ("kubernetes-the-hard-way/1.7.4/etcd.service", &["etcd-"]),
    ("kubernetes-the-hard-way/1.10.2/etcd.service", &["etcd-"]),
    ("kubernetes-the-hard-way/1.15.3/etcd.service", &["etcd-"]),
    ("kubernetes-the-hard-way/1.18.6/etcd.service", &["etcd-"]),
    (
        "kubernetes-the-hard-way/main/configs/kube-proxy-config.yaml",
        &["kube-proxy-"],
    ),
    // Loopback-only plain HTTP is not reachable from the network.
    (
        "kubeadm-static-pods/rongfengliang-k8sconfig/etcd.yaml",
        &["etcd-plain-http-listen"],
    ),
    ("kubernetes-website-docs/audit.yaml", &["audit-"]),
    (
        "cks-lab-configs/austintalbot-cks-at/simple-policy.yaml",
        &["audit-"],
    ),
];

#[test]
fn known_weaknesses_are_found() {
    let Some(shared) = kubeward_testutil::shared_dir("known_weaknesses_are_found") else {
        return;
    };
    let corpus = shared.join("corpus/control-plane");
    for (file, expected) in WEAK {
        let scanned = scan_named(&corpus, file);
        let found = rules_of(&scanned);
        for rule in *expected {
            assert!(found.contains(rule), "{file}: {rule} not in {found:?}");
        }
    }
}

#[test]
fn hardened_files_have_no_findings() {
    let Some(shared) = kubeward_testutil::shared_dir("hardened_files_have_no_findings") else {
        return;
    };
    let corpus = shared.join("corpus/control-plane");
    for (file, prefixes) in HARDENED {
        let scanned = scan_named(&corpus, file);
        assert!(
            scanned.components > 0 || !scanned.kinds.is_empty(),
            "{file}: nothing read"
        );
        for finding in &scanned.findings {
            assert!(
                !prefixes
                    .iter()
                    .any(|prefix| finding.rule.starts_with(prefix)),
                "{file}: {}: {}",
                finding.rule,
                finding.message
            );
        }
    }
}
