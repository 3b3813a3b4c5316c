//! Finding messages give values a user can paste: real cipher suite
//! names, the distribution's own option, and no nested parentheses.

use kubeward_core::{Finding, RuleDef, ScanOptions};

fn rules() -> Vec<&'static RuleDef> {
    kubeward_components::RULES
        .iter()
        .flat_map(|family| family.iter().copied())
        .collect()
}

fn check(file: &str, text: &str) -> Vec<Finding> {
    kubeward_testutil::check(file, text, &rules(), ScanOptions::default())
}

fn message<'f>(findings: &'f [Finding], rule: &str) -> &'f str {
    let found: Vec<&Finding> = findings.iter().filter(|f| f.rule == rule).collect();
    assert_eq!(found.len(), 1, "{rule}: {findings:#?}");
    &found[0].message
}

#[test]
fn kubelet_cipher_suites_fix_lists_real_suites() {
    let config = "\
apiVersion: kubelet.config.k8s.io/v1beta1
kind: KubeletConfiguration
readOnlyPort: 0
";
    let findings = check("kubelet.yaml", config);
    let text = message(&findings, "kubelet-tls-cipher-suites");
    assert!(
        text.contains("`tlsCipherSuites: [TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256, "),
        "{text}"
    );
    assert!(
        text.contains("`--tls-cipher-suites=TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256,"),
        "{text}"
    );
    assert!(!text.contains("ECDHE suites with"), "{text}");
}

#[test]
fn k3s_encryption_fix_is_its_own_option() {
    let config = "write-kubeconfig-mode: \"0600\"\nsecrets-encryption: false\n";
    let findings = check("/etc/rancher/k3s/config.yaml", config);
    let text = message(&findings, "encryption-not-configured");
    assert!(text.contains("`secrets-encryption: true`"), "{text}");
    assert!(!text.contains("--encryption-provider-config=/"), "{text}");
}

#[test]
fn default_of_unknown_version_has_no_nested_parentheses() {
    let pod = "\
apiVersion: v1
kind: Pod
metadata:
  name: kube-apiserver
  namespace: kube-system
spec:
  containers:
  - name: kube-apiserver
    image: example.com/kube-apiserver:latest
    command:
    - kube-apiserver
";
    let findings = check("pod.yaml", pod);
    let text = message(&findings, "api-server-authorization-always-allow");
    assert!(
        text.contains("(default of the newest Kubernetes release, as the version is unknown)"),
        "{text}"
    );
    for finding in &findings {
        assert!(
            !finding.message.contains("(default ("),
            "{}",
            finding.message
        );
    }
}
