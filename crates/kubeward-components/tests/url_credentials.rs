//! URLs with credentials in their userinfo, such as
//! `--etcd-servers=http://admin:PASSWORD@10.0.0.1:2379`: no finding
//! prints the password, in its message, its path or its quoted line.

use kubeward_core::{Finding, RuleDef, ScanOptions};

const PASSWORD: &str = "hunter2x";

fn rules() -> Vec<&'static RuleDef> {
    kubeward_components::RULES
        .iter()
        .flat_map(|family| family.iter().copied())
        .collect()
}

fn check(file: &str, text: &str) -> Vec<Finding> {
    kubeward_testutil::check(file, text, &rules(), ScanOptions::default())
}

fn assert_hidden(findings: &[Finding]) {
    let plain = findings
        .iter()
        .find(|f| f.rule == "api-server-etcd-plain-http")
        .expect("plain HTTP is reported");
    assert!(
        plain.message.contains("http://admin:***@10.0.0.1:2379"),
        "{}",
        plain.message
    );
    for finding in findings {
        let shown = format!(
            "{} {:?} {:?}",
            finding.message, finding.path, finding.source_line
        );
        assert!(!shown.contains(PASSWORD), "{}: {shown}", finding.rule);
    }
}

#[test]
fn static_pod_hides_url_password() {
    let pod = format!(
        "\
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
    - --etcd-servers=http://admin:{PASSWORD}@10.0.0.1:2379
"
    );
    assert_hidden(&check("pod.yaml", &pod));
}

#[test]
fn saved_command_line_hides_url_password() {
    let line = format!("kube-apiserver\0--etcd-servers=http://admin:{PASSWORD}@10.0.0.1:2379\0");
    assert_hidden(&check("apiserver.cmdline", &line));
}

#[test]
fn unit_hides_url_password() {
    let unit = format!(
        "[Service]\nExecStart=/usr/bin/kube-apiserver \\\n  \
         --etcd-servers=http://admin:{PASSWORD}@10.0.0.1:2379\n"
    );
    assert_hidden(&check("kube-apiserver.service", &unit));
}
