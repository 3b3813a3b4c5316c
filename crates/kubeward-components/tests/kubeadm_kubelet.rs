//! The kubelet that kubeadm starts from an `InitConfiguration` or a
//! `JoinConfiguration`, given directly or as a kind `Cluster`'s
//! `kubeadmConfigPatches`: its `nodeRegistration.kubeletExtraArgs` are
//! checked as kubelet flags, each finding at the argument that sets it.

use kubeward_core::{Finding, RuleDef, ScanOptions};

fn rules() -> Vec<&'static RuleDef> {
    kubeward_components::RULES
        .iter()
        .flat_map(|family| family.iter().copied())
        .collect()
}

fn check(yaml: &str) -> Vec<Finding> {
    kubeward_testutil::check("config.yaml", yaml, &rules(), ScanOptions::default())
}

fn one<'f>(findings: &'f [Finding], rule: &str) -> &'f Finding {
    let matching: Vec<&Finding> = findings.iter().filter(|f| f.rule == rule).collect();
    assert_eq!(matching.len(), 1, "{rule}: {findings:#?}");
    matching[0]
}

const MAP_FORM: &str = "\
apiVersion: kubeadm.k8s.io/v1beta3
kind: JoinConfiguration
nodeRegistration:
  kubeletExtraArgs:
    node-ip: 10.0.0.3
    authorization-mode: AlwaysAllow
    read-only-port: \"10255\"
";

#[test]
fn join_map_form_flags() {
    let findings = check(MAP_FORM);
    let authorization = one(&findings, "kubelet-authorization-mode");
    assert_eq!(authorization.line, 6);
    assert_eq!(authorization.column, 5);
    assert_eq!(
        authorization.path.as_deref(),
        Some("nodeRegistration.kubeletExtraArgs.authorization-mode")
    );
    assert!(authorization.message.contains("AlwaysAllow"));
    let port = one(&findings, "kubelet-read-only-port");
    assert_eq!(port.line, 7);
    assert!(port.message.contains("10255"));
}

#[test]
fn settings_of_config_file_stay_unknown() {
    // kubeadm writes the config file from a KubeletConfiguration or the
    // cluster's kubelet-config ConfigMap, neither of which this object
    // shows: nothing is reported as unset.
    let findings = check(MAP_FORM);
    for rule in [
        "kubelet-protect-kernel-defaults",
        "kubelet-anonymous-auth",
        "kubelet-tls-cipher-suites",
    ] {
        assert!(
            findings.iter().all(|f| f.rule != rule),
            "{rule}: {findings:#?}"
        );
    }
    let undetermined = one(&findings, "setting-undetermined");
    assert!(
        undetermined
            .message
            .contains("/var/lib/kubelet/config.yaml"),
        "{}",
        undetermined.message
    );
}

#[test]
fn init_list_form_flags() {
    let yaml = "\
apiVersion: kubeadm.k8s.io/v1beta4
kind: InitConfiguration
nodeRegistration:
  name: cp-1
  kubeletExtraArgs:
    - name: anonymous-auth
      value: \"true\"
    - name: protect-kernel-defaults
      value: \"false\"
    - name: protect-kernel-defaults
      value: \"true\"
";
    let findings = check(yaml);
    let anonymous = one(&findings, "kubelet-anonymous-auth");
    assert_eq!(anonymous.line, 6);
    assert_eq!(
        anonymous.path.as_deref(),
        Some("nodeRegistration.kubeletExtraArgs[0]")
    );
    // A repeated name is passed each time, and the last value wins.
    assert!(
        findings
            .iter()
            .all(|f| f.rule != "kubelet-protect-kernel-defaults"),
        "{findings:#?}"
    );
    // kubeadm passes --hostname-override=cp-1 when cp-1 is not the
    // node's hostname, which the configuration does not show.
    assert!(
        findings
            .iter()
            .all(|f| f.rule != "kubelet-hostname-override"),
        "{findings:#?}"
    );
}

#[test]
fn hostname_override_argument_reported() {
    let yaml = "\
apiVersion: kubeadm.k8s.io/v1beta3
kind: InitConfiguration
nodeRegistration:
  kubeletExtraArgs:
    hostname-override: node-a
";
    let findings = check(yaml);
    let hostname = one(&findings, "kubelet-hostname-override");
    assert_eq!(hostname.line, 5);
}

#[test]
fn hardened_arguments_pass() {
    let yaml = "\
apiVersion: kubeadm.k8s.io/v1beta3
kind: JoinConfiguration
nodeRegistration:
  kubeletExtraArgs:
    authorization-mode: Webhook
    anonymous-auth: \"false\"
    read-only-port: \"0\"
";
    let findings = check(yaml);
    let kubelet: Vec<&Finding> = findings
        .iter()
        .filter(|f| f.rule.starts_with("kubelet-"))
        .collect();
    assert!(kubelet.is_empty(), "{kubelet:#?}");
}

#[test]
fn kind_node_patch_flags() {
    let yaml = "\
kind: Cluster
apiVersion: kind.x-k8s.io/v1alpha4
kubeadmConfigPatches:
  - |
    kind: InitConfiguration
    nodeRegistration:
      kubeletExtraArgs:
        read-only-port: \"10255\"
nodes:
  - role: control-plane
  - role: worker
    kubeadmConfigPatches:
      - |
        apiVersion: kubeadm.k8s.io/v1beta3
        kind: JoinConfiguration
        nodeRegistration:
          kubeletExtraArgs:
            authorization-mode: AlwaysAllow
";
    let findings = check(yaml);
    let authorization = one(&findings, "kubelet-authorization-mode");
    assert_eq!(authorization.line, 18);
    assert_eq!(authorization.column, 13);
    assert_eq!(
        authorization.path.as_deref(),
        Some(
            "nodes[1].kubeadmConfigPatches[0].nodeRegistration.kubeletExtraArgs.authorization-mode"
        )
    );
    let port = one(&findings, "kubelet-read-only-port");
    assert_eq!(port.line, 8);
    assert_eq!(port.column, 9);
}

#[test]
fn corpus_kubelet_extra_args() {
    let Some(shared) = kubeward_testutil::shared_dir("corpus_kubelet_extra_args") else {
        return;
    };
    let corpus = shared.join("corpus/control-plane");
    let read =
        |relative: &str| std::fs::read_to_string(corpus.join(relative)).expect("corpus file");
    // kind's decoder test data: a worker's JoinConfiguration patch sets the
    // kubelet's authorization mode to AlwaysAllow.
    let kind = read(
        "kind-cluster-configs/pkg/internal/apis/config/encoding/testdata/v1alpha4/\
         valid-kind-workers-patches.yaml",
    );
    let findings = check(&kind);
    let authorization = one(&findings, "kubelet-authorization-mode");
    assert_eq!(authorization.line, 18);
    assert_eq!(authorization.column, 9);

    // The kubeadm documentation's examples set only the node IP and the
    // volume plugin directory: one kubelet each, and no kubelet weakness.
    for file in [
        "kubernetes-website-docs/dual-stack-support.yaml",
        "kubernetes-website-docs/dual-stack-support-2.yaml",
        "kubernetes-website-docs/troubleshooting-kubeadm.yaml",
    ] {
        let findings = check(&read(file));
        let kubelet: Vec<&Finding> = findings
            .iter()
            .filter(|f| f.rule.starts_with("kubelet-"))
            .collect();
        assert!(kubelet.is_empty(), "{file}: {kubelet:#?}");
        let undetermined = one(&findings, "setting-undetermined");
        assert!(
            undetermined.path.as_deref() == Some("nodeRegistration.kubeletExtraArgs"),
            "{file}: {undetermined:#?}"
        );
    }
}
