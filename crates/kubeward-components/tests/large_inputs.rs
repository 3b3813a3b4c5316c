//! Command lines with hundreds of thousands of arguments: flags repeated
//! many times are read in time proportional to their number, and the
//! result is the one the program computes.

use std::fmt::Write as _;
use std::sync::Arc;

use kubeward_components::build::{build, map_value};
use kubeward_components::source::cmdline::{sources_from_args, split_args};

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

fn has(findings: &[Finding], rule: &str) -> bool {
    findings.iter().any(|f| f.rule == rule)
}

const POD_HEAD: &str = "\
apiVersion: v1
kind: Pod
metadata:
  name: kube-apiserver
  namespace: kube-system
spec:
  containers:
  - name: kube-apiserver
    image: registry.k8s.io/kube-apiserver:v1.31.0
    command:
    - kube-apiserver
";

#[test]
fn static_pod_with_200k_admission_plugin_flags() {
    let mut pod = POD_HEAD.to_owned();
    pod.push_str("    - --enable-admission-plugins=NodeRestriction\n");
    for i in 0..200_000 {
        writeln!(pod, "    - --enable-admission-plugins=Plugin{i}").expect("write");
    }
    pod.push_str("    - --enable-admission-plugins=AlwaysAdmit\n");
    let findings = check("pod.yaml", &pod);
    // Every use adds to the list: the first enables NodeRestriction, the
    // last enables AlwaysAdmit.
    assert!(
        !has(&findings, "api-server-node-restriction"),
        "{findings:#?}"
    );
    let always_admit = findings
        .iter()
        .find(|f| f.rule == "api-server-always-admit")
        .expect("AlwaysAdmit is enabled by the last use");
    assert_eq!(always_admit.line, 200_013);
}

#[test]
fn saved_command_line_with_300k_bare_booleans() {
    let mut line = "kube-apiserver".to_owned();
    for _ in 0..300_000 {
        line.push_str("\0--profiling");
    }
    let findings = check("apiserver.cmdline", &line);
    let profiling = findings
        .iter()
        .find(|f| f.rule == "api-server-profiling")
        .expect("bare --profiling is true");
    // The finding is at the last use: 14 characters of the program name
    // and 299,999 uses of 12 characters each come before it.
    assert_eq!(
        (profiling.line, profiling.column),
        (1, 15 + 299_999 * 12 + 1)
    );

    line.push_str("\0--profiling=false");
    let findings = check("apiserver.cmdline", &line);
    assert!(!has(&findings, "api-server-profiling"), "{findings:#?}");
}

#[test]
fn shell_words_with_300k_flags() {
    let mut line = "kube-apiserver".to_owned();
    for _ in 0..300_000 {
        line.push_str(" --profiling");
    }
    line.push_str(" --profiling=false\n");
    let findings = check("ps.txt", &line);
    assert!(!has(&findings, "api-server-profiling"), "{findings:#?}");
}

#[test]
fn feature_gates_repeated_100k_times() {
    let mut line = "kubelet".to_owned();
    for i in 0..100_000 {
        write!(line, "\0--feature-gates=Gate{i}=true,Shared={}", i % 2 == 0).expect("write");
    }
    let file: Arc<str> = Arc::from("kubelet.cmdline");
    let args = split_args(&file, &line);
    let sources = sources_from_args(&args, "kubelet.cmdline").expect("a kubelet");
    let kubelet = build(sources);
    let gates = kubelet.setting("feature-gates").expect("set");
    // One pair per gate: each use's `Shared` replaces the one before.
    assert_eq!(gates.values.len(), 100_001);
    assert_eq!(map_value(gates, "Gate99999"), Some("true"));
    assert_eq!(map_value(gates, "Shared"), Some("false"));
}

#[test]
fn unit_with_100k_flags_on_one_line() {
    let mut unit = "[Service]\nExecStart=/usr/bin/kube-apiserver".to_owned();
    for _ in 0..100_000 {
        unit.push_str(" --profiling");
    }
    unit.push('\n');
    let findings = check("kube-apiserver.service", &unit);
    let profiling = findings
        .iter()
        .find(|f| f.rule == "api-server-profiling")
        .expect("bare --profiling is true");
    // `ExecStart=/usr/bin/kube-apiserver` takes columns 1 to 33, the first
    // use starts at column 35 after its space, and each use takes 12.
    assert_eq!((profiling.line, profiling.column), (2, 35 + 99_999 * 12));
}
