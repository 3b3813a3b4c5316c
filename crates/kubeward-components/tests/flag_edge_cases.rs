//! Command lines the programs reject or read differently from how they
//! look: flags removed or restricted in a version, words after a boolean
//! flag, single-dash flags, flags after `--`, and list values with spaces.

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

fn pod(image: &str, flags: &[&str]) -> String {
    let mut text = format!(
        "\
apiVersion: v1
kind: Pod
metadata:
  name: kube-apiserver
  namespace: kube-system
spec:
  containers:
  - name: kube-apiserver
    image: registry.k8s.io/kube-apiserver:{image}
    command:
    - kube-apiserver
"
    );
    for flag in flags {
        text.push_str("    - \"");
        text.push_str(flag);
        text.push_str("\"\n");
    }
    text
}

fn messages<'f>(findings: &'f [Finding], rule: &str) -> Vec<&'f str> {
    findings
        .iter()
        .filter(|f| f.rule == rule)
        .map(|f| f.message.as_str())
        .collect()
}

#[test]
fn insecure_port_from_1_24_is_an_unknown_flag() {
    let findings = check("pod.yaml", &pod("v1.31.0", &["--insecure-port=8080"]));
    let found = messages(&findings, "api-server-insecure-port");
    assert_eq!(found.len(), 1, "{findings:#?}");
    assert!(found[0].contains("does not start"), "{}", found[0]);
    assert!(
        found[0].contains("unknown flag: --insecure-port"),
        "{}",
        found[0]
    );
    assert!(!found[0].contains("serves the API"), "{}", found[0]);

    let findings = check("pod.yaml", &pod("v1.31.0", &["--insecure-port=0"]));
    let found = messages(&findings, "api-server-insecure-port");
    assert_eq!(found.len(), 1, "{findings:#?}");
    assert!(found[0].contains("unknown flag"), "{}", found[0]);
}

#[test]
fn insecure_port_from_1_20_accepts_only_zero() {
    let findings = check("pod.yaml", &pod("v1.22.3", &["--insecure-port=8080"]));
    let found = messages(&findings, "api-server-insecure-port");
    assert_eq!(found.len(), 1, "{findings:#?}");
    assert!(
        found[0].contains("invalid port value 8080: only zero is allowed"),
        "{}",
        found[0]
    );
    let findings = check("pod.yaml", &pod("v1.22.3", &["--insecure-port=0"]));
    assert!(messages(&findings, "api-server-insecure-port").is_empty());
}

#[test]
fn insecure_port_before_1_20_is_served() {
    let findings = check("pod.yaml", &pod("v1.19.16", &["--insecure-port=8080"]));
    let found = messages(&findings, "api-server-insecure-port");
    assert_eq!(found.len(), 1, "{findings:#?}");
    assert!(found[0].contains("serves the API"), "{}", found[0]);
}

fn rejected(findings: &[Finding]) -> Vec<&str> {
    messages(findings, "component-input-rejected")
}

const HARDENED: &[&str] = &[
    "--authorization-mode=Node,RBAC",
    "--client-ca-file=/ca.crt",
    "--etcd-servers=https://127.0.0.1:2379",
];

fn hardened_with(extra: &[&str]) -> String {
    let mut flags: Vec<&str> = extra.to_vec();
    flags.extend_from_slice(HARDENED);
    pod("v1.31.0", &flags)
}

#[test]
fn word_after_boolean_flag_is_an_argument() {
    let findings = check("pod.yaml", &hardened_with(&["--anonymous-auth", "false"]));
    let found = rejected(&findings);
    assert_eq!(found.len(), 1, "{findings:#?}");
    assert!(
        found[0].contains("`--anonymous-auth false`"),
        "{}",
        found[0]
    );
    assert!(
        found[0].contains("does not take any arguments"),
        "{}",
        found[0]
    );
    assert!(
        found[0].contains("write `--anonymous-auth=false`"),
        "{}",
        found[0]
    );
    // The flag itself is true, as pflag reads it.
    assert!(
        findings
            .iter()
            .any(|f| f.rule == "api-server-anonymous-auth"),
        "{findings:#?}"
    );
}

#[test]
fn single_dash_and_double_dash_are_reported() {
    let findings = check("pod.yaml", &hardened_with(&["-anonymous-auth=false"]));
    let found = rejected(&findings);
    assert_eq!(found.len(), 1, "{findings:#?}");
    assert!(found[0].contains("one dash"), "{}", found[0]);

    let mut flags: Vec<&str> = HARDENED.to_vec();
    flags.extend(["--", "--anonymous-auth=false"]);
    let findings = check("pod.yaml", &pod("v1.31.0", &flags));
    let found = rejected(&findings);
    assert_eq!(found.len(), 1, "{findings:#?}");
    assert!(found[0].contains("`--` ends the flags"), "{}", found[0]);
}

#[test]
fn well_formed_flags_are_not_reported() {
    let findings = check("pod.yaml", &hardened_with(&["--anonymous-auth=false", ""]));
    assert!(rejected(&findings).is_empty(), "{findings:#?}");
}

#[test]
fn admission_plugin_list_with_spaces_is_rejected() {
    let findings = check(
        "pod.yaml",
        &hardened_with(&[
            "--enable-admission-plugins",
            "NodeRestriction, AlwaysPullImages",
        ]),
    );
    let found = rejected(&findings);
    assert_eq!(found.len(), 1, "{findings:#?}");
    assert!(found[0].contains("\" AlwaysPullImages\""), "{}", found[0]);
    assert!(
        found[0].contains("--enable-admission-plugins=NodeRestriction,AlwaysPullImages"),
        "{}",
        found[0]
    );
}

#[test]
fn etcd_stops_reading_flags_at_a_stray_word() {
    let line = "etcd\0--client-cert-auth\0false\0--cert-file=/a.crt\0--key-file=/a.key";
    let findings = check("etcd.cmdline", line);
    let found = rejected(&findings);
    assert_eq!(found.len(), 1, "{findings:#?}");
    assert!(
        found[0].contains("the 2 flags after it are not read"),
        "{}",
        found[0]
    );
    assert!(
        found[0].contains("'false' is not a valid flag"),
        "{}",
        found[0]
    );
    // The certificate flags after the stray word do not apply.
    assert!(
        findings.iter().any(|f| f.rule == "etcd-client-tls"),
        "{findings:#?}"
    );
}

#[test]
fn kubelet_config_fields_of_the_wrong_type() {
    let config = "\
apiVersion: kubelet.config.k8s.io/v1beta1
kind: KubeletConfiguration
readOnlyPort: \"ten\"
authorization: Webhook
";
    let findings = check("kubelet.yaml", config);
    let port = messages(&findings, "kubelet-read-only-port");
    assert_eq!(port.len(), 1, "{findings:#?}");
    assert!(port[0].contains("is not a port number"), "{}", port[0]);
    assert!(!port[0].contains("serves pods"), "{}", port[0]);
    let found = rejected(&findings);
    assert_eq!(found.len(), 1, "{findings:#?}");
    assert!(
        found[0].contains("`authorization: Webhook` is a string, not a mapping"),
        "{}",
        found[0]
    );
}
