//! `kubeward scan` merges a program with the configuration file it names
//! when both are scanned: the file's fields over the defaults, the flags
//! over the file, checked once. A configuration file nobody names is still
//! checked on its own, and a named file that is not scanned stays
//! undetermined.

use std::path::Path;

use kubeward::Scanner;
use kubeward_core::{Finding, Profile, ScanOptions};

const KUBELET_CONFIG: &str = "\
apiVersion: kubelet.config.k8s.io/v1beta1
kind: KubeletConfiguration
authentication:
  anonymous:
    enabled: false
  webhook:
    enabled: true
  x509:
    clientCAFile: /etc/kubernetes/pki/ca.crt
authorization:
  mode: Webhook
readOnlyPort: 10255
";

fn write(dir: &Path, name: &str, text: &str) {
    let path = dir.join(name);
    std::fs::create_dir_all(path.parent().expect("a parent")).expect("create dir");
    std::fs::write(path, text).expect("write file");
}

fn scan(dir: &Path) -> Vec<Finding> {
    let scanner = Scanner::new(Profile::All, ScanOptions::default());
    let (report, errors) = scanner.scan_paths(&[dir.to_owned()]);
    assert!(errors.is_empty(), "{errors:?}");
    report.findings
}

fn with_rule<'f>(findings: &'f [Finding], rule: &str) -> Vec<&'f Finding> {
    findings.iter().filter(|f| f.rule == rule).collect()
}

#[test]
fn scan_lets_a_flag_win_over_the_named_file() {
    let dir = tempfile::tempdir().expect("temp dir");
    write(dir.path(), "config.yaml", KUBELET_CONFIG);
    write(
        dir.path(),
        "kubelet.service",
        "[Service]\nExecStart=/usr/bin/kubelet --config=config.yaml --read-only-port=0\n",
    );
    let findings = scan(dir.path());
    assert!(
        with_rule(&findings, "kubelet-read-only-port").is_empty(),
        "{findings:#?}"
    );
    assert!(
        with_rule(&findings, "setting-undetermined").is_empty(),
        "{findings:#?}"
    );
    // The file's fields count: its client CA is set, so no finding asks
    // for one on the unit.
    assert!(
        with_rule(&findings, "kubelet-client-ca").is_empty(),
        "{findings:#?}"
    );
}

#[test]
fn scan_takes_from_the_named_file_what_no_flag_sets() {
    let dir = tempfile::tempdir().expect("temp dir");
    write(dir.path(), "config.yaml", KUBELET_CONFIG);
    write(
        dir.path(),
        "kubelet.service",
        "[Service]\nExecStart=/usr/bin/kubelet --config=config.yaml\n",
    );
    let findings = scan(dir.path());
    let port = with_rule(&findings, "kubelet-read-only-port");
    assert_eq!(port.len(), 1, "{findings:#?}");
    assert!(port[0].file.ends_with("config.yaml"), "{:?}", port[0]);
    assert_eq!(port[0].line, 12);
    assert!(
        with_rule(&findings, "setting-undetermined").is_empty(),
        "{findings:#?}"
    );
}

#[test]
fn scan_matches_an_absolute_path_in_a_copied_tree() {
    let dir = tempfile::tempdir().expect("temp dir");
    write(dir.path(), "var/lib/kubelet/config.yaml", KUBELET_CONFIG);
    write(
        dir.path(),
        "etc/systemd/system/kubelet.service.d/10-kubeadm.conf",
        "[Service]\nExecStart=\nExecStart=/usr/bin/kubelet \
         --config=/var/lib/kubelet/config.yaml --read-only-port=0\n",
    );
    let findings = scan(dir.path());
    assert!(
        with_rule(&findings, "kubelet-read-only-port").is_empty(),
        "{findings:#?}"
    );
    assert!(
        with_rule(&findings, "setting-undetermined").is_empty(),
        "{findings:#?}"
    );
}

#[test]
fn scan_checks_a_config_file_nobody_names_alone() {
    let dir = tempfile::tempdir().expect("temp dir");
    write(dir.path(), "config.yaml", KUBELET_CONFIG);
    write(
        dir.path(),
        "kubelet.service",
        "[Service]\nExecStart=/usr/bin/kubelet --config=other.yaml --read-only-port=0\n",
    );
    let findings = scan(dir.path());
    let port = with_rule(&findings, "kubelet-read-only-port");
    assert_eq!(port.len(), 1, "{findings:#?}");
    assert!(port[0].file.ends_with("config.yaml"), "{:?}", port[0]);
}

#[test]
fn scan_leaves_a_missing_named_file_undetermined() {
    let dir = tempfile::tempdir().expect("temp dir");
    write(
        dir.path(),
        "kubelet.service",
        "[Service]\nExecStart=/usr/bin/kubelet --config=/var/lib/kubelet/config.yaml\n",
    );
    let findings = scan(dir.path());
    let undetermined = with_rule(&findings, "setting-undetermined");
    assert!(!undetermined.is_empty(), "{findings:#?}");
    assert!(
        undetermined
            .iter()
            .any(|f| f.message.contains("/var/lib/kubelet/config.yaml")),
        "{undetermined:#?}"
    );
    assert!(
        with_rule(&findings, "kubelet-read-only-port").is_empty(),
        "{findings:#?}"
    );
}

const SCHEDULER_POD: &str = "\
apiVersion: v1
kind: Pod
metadata:
  name: kube-scheduler
  namespace: kube-system
spec:
  containers:
    - name: kube-scheduler
      image: registry.k8s.io/kube-scheduler:v1.32.0
      command:
        - kube-scheduler
        - --config=/etc/kubernetes/scheduler.yaml
        - --profiling=false
";

const SCHEDULER_CONFIG: &str = "\
apiVersion: kubescheduler.config.k8s.io/v1
kind: KubeSchedulerConfiguration
enableProfiling: true
";

#[test]
fn scan_merges_a_static_pod_with_its_config_file() {
    let dir = tempfile::tempdir().expect("temp dir");
    write(
        dir.path(),
        "etc/kubernetes/scheduler.yaml",
        SCHEDULER_CONFIG,
    );
    write(
        dir.path(),
        "etc/kubernetes/manifests/kube-scheduler.yaml",
        SCHEDULER_POD,
    );
    let findings = scan(dir.path());
    assert!(
        with_rule(&findings, "scheduler-profiling").is_empty(),
        "{findings:#?}"
    );
    assert!(
        with_rule(&findings, "setting-undetermined")
            .iter()
            .all(|f| !f.message.contains("scheduler.yaml")),
        "{findings:#?}"
    );

    // Without the flag, the file's `enableProfiling: true` is reported
    // once, at the file's line.
    write(
        dir.path(),
        "etc/kubernetes/manifests/kube-scheduler.yaml",
        &SCHEDULER_POD.replace("        - --profiling=false\n", ""),
    );
    let findings = scan(dir.path());
    let profiling = with_rule(&findings, "scheduler-profiling");
    assert_eq!(profiling.len(), 1, "{findings:#?}");
    assert!(
        profiling[0].file.ends_with("scheduler.yaml"),
        "{:?}",
        profiling[0]
    );
    assert_eq!(profiling[0].line, 3);
}
