//! End-to-end tests of `kubeward paths`: the Dashboard releases of the
//! corpus, every output format, exit statuses and unreadable input.

mod common;

use std::path::PathBuf;

use common::kubeward;

fn dashboard(test: &str, file: &str) -> Option<PathBuf> {
    kubeward_testutil::shared_dir(test)
        .map(|d| d.join("corpus/apps/kubernetes-dashboard").join(file))
}

/// Runs `kubeward paths` with `args` and returns the exit status and
/// standard output.
fn paths(args: &[&str]) -> (i32, String) {
    let output = kubeward()
        .arg("paths")
        .args(args)
        .output()
        .expect("kubeward runs");
    let stdout = String::from_utf8(output.stdout).expect("stdout is UTF-8");
    (output.status.code().expect("exited normally"), stdout)
}

#[test]
fn dashboard_v1_6_3_any_pod_to_cluster_admin() {
    let Some(file) = dashboard(
        "dashboard_v1_6_3_any_pod_to_cluster_admin",
        "v1.6.3/kubernetes-dashboard.yaml",
    ) else {
        return;
    };
    let (code, stdout) = paths(&[file.to_str().expect("UTF-8 path")]);
    assert_eq!(code, 1, "{stdout}");
    assert!(
        stdout.starts_with("1. any pod -> cluster-admin in 4 steps\n"),
        "{stdout}"
    );
    for step in [
        "-> network access to Deployment kube-system/kubernetes-dashboard",
        "because no NetworkPolicy in namespace kube-system isolates its pods for ingress",
        "[network-workload-not-selected]",
        "-> the rights of ServiceAccount kube-system/kubernetes-dashboard",
        "Dashboard v1.6.3 has no login",
        "[dashboard-no-login]",
        "because ClusterRoleBinding kubernetes-dashboard grants",
        "ClusterRole cluster-admin",
        "[rbac-cluster-admin]",
        "-> target: cluster-admin",
    ] {
        assert!(stdout.contains(step), "missing {step:?} in\n{stdout}");
    }
}

#[test]
fn dashboard_v1_6_3_json() {
    let Some(file) = dashboard("dashboard_v1_6_3_json", "v1.6.3/kubernetes-dashboard.yaml") else {
        return;
    };
    let (code, stdout) = paths(&["-o", "json", file.to_str().expect("UTF-8 path")]);
    assert_eq!(code, 1);
    let json: serde_json::Value = serde_json::from_str(&stdout).expect("valid JSON");
    assert_eq!(json["version"], 1);
    let path = &json["paths"][0];
    assert_eq!(path["rank"], 1);
    assert_eq!(path["entry"]["kind"], "any-pod");
    assert_eq!(path["target"], "cluster-admin");
    assert_eq!(path["exploit"], false);
    let steps = path["steps"].as_array().expect("steps is an array");
    let rules: Vec<&str> = steps.iter().filter_map(|s| s["rule"].as_str()).collect();
    assert_eq!(
        rules,
        [
            "network-workload-not-selected",
            "dashboard-no-login",
            "rbac-cluster-admin"
        ]
    );
    let binding = &steps[2]["location"];
    assert!(
        binding["file"]
            .as_str()
            .is_some_and(|f| f.ends_with("v1.6.3/kubernetes-dashboard.yaml")),
        "{binding}"
    );
    assert_eq!(binding["path"], "subjects");
    assert!(binding["line"].as_u64().is_some_and(|l| l > 0));
}

#[test]
fn dashboard_v1_6_3_dot_and_mermaid() {
    let Some(file) = dashboard(
        "dashboard_v1_6_3_dot_and_mermaid",
        "v1.6.3/kubernetes-dashboard.yaml",
    ) else {
        return;
    };
    let file = file.to_str().expect("UTF-8 path");
    let (_, dot) = paths(&["-o", "dot", file]);
    assert!(dot.starts_with("digraph attack_paths {\n"), "{dot}");
    assert!(dot.contains("label=\"any pod\", shape=ellipse"), "{dot}");
    assert!(
        dot.contains("label=\"cluster-admin\", shape=doubleoctagon"),
        "{dot}"
    );
    assert!(dot.contains("[label=\"dashboard-no-login\"]"), "{dot}");
    assert!(dot.trim_end().ends_with('}'), "{dot}");
    let (_, mermaid) = paths(&["-o", "mermaid", file]);
    assert!(mermaid.starts_with("flowchart LR\n"), "{mermaid}");
    assert!(mermaid.contains("|\"rbac-cluster-admin\"|"), "{mermaid}");
    assert_eq!(mermaid.matches("-->").count(), 4, "{mermaid}");
}

/// The Dashboard releases whose account has no cluster-wide binding in
/// the manifest, and v2.7.0 with its login and a least-privilege account,
/// have no path.
#[test]
fn dashboard_releases_without_paths() {
    for file in [
        "v1.4.0/kubernetes-dashboard.yaml",
        "v1.5.1/kubernetes-dashboard.yaml",
        "v2.7.0/recommended.yaml",
    ] {
        let Some(path) = dashboard("dashboard_releases_without_paths", file) else {
            return;
        };
        let (code, stdout) = paths(&[path.to_str().expect("UTF-8 path")]);
        assert_eq!(code, 0, "{file}: {stdout}");
        assert!(stdout.starts_with("no attack path"), "{file}: {stdout}");
    }
}

/// A NetworkPolicy that isolates the Dashboard breaks the path from any
/// pod; a NodePort Service in front of it opens one from outside.
#[test]
fn policy_breaks_path_and_node_port_opens_one() {
    let base = "
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata: {name: dashboard}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: cluster-admin}
subjects: [{kind: ServiceAccount, name: dashboard, namespace: ui}]
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: dashboard, namespace: ui}
spec:
  selector: {matchLabels: {app: dashboard}}
  template:
    metadata: {labels: {app: dashboard}}
    spec:
      serviceAccountName: dashboard
      containers:
        - name: dashboard
          image: kubernetesui/dashboard:v2.7.0
          args: [--auto-generate-certificates, --enable-skip-login]
          ports: [{containerPort: 8443}]
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: deny, namespace: ui}
spec: {podSelector: {}, policyTypes: [Ingress]}
";
    let output = kubeward()
        .args(["paths", "-"])
        .write_stdin(base)
        .output()
        .expect("kubeward runs");
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert_eq!(output.status.code(), Some(0), "{stdout}");
    let exposed = format!(
        "{base}---
apiVersion: v1
kind: Service
metadata: {{name: dashboard, namespace: ui}}
spec:
  type: NodePort
  selector: {{app: dashboard}}
  ports: [{{port: 443, targetPort: 8443}}]
"
    );
    let output = kubeward()
        .args(["paths", "-"])
        .write_stdin(exposed)
        .output()
        .expect("kubeward runs");
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert_eq!(output.status.code(), Some(1), "{stdout}");
    assert!(
        stdout
            .starts_with("1. NodePort Service ui/dashboard port 443 -> cluster-admin in 4 steps\n"),
        "{stdout}"
    );
    assert!(stdout.contains("--enable-skip-login"), "{stdout}");
}

#[test]
fn dot_output_renders_with_graphviz() {
    let Some(dot) = kubeward_testutil::require_program("dot_output_renders_with_graphviz", "dot")
    else {
        return;
    };
    let Some(file) = dashboard(
        "dot_output_renders_with_graphviz",
        "v1.6.3/kubernetes-dashboard.yaml",
    ) else {
        return;
    };
    let (_, graph) = paths(&["-o", "dot", file.to_str().expect("UTF-8 path")]);
    let output = std::process::Command::new(dot)
        .arg("-Tsvg")
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .and_then(|mut child| {
            use std::io::Write;
            child
                .stdin
                .take()
                .expect("stdin is piped")
                .write_all(graph.as_bytes())?;
            child.wait_with_output()
        })
        .expect("dot runs");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(output.status.success(), "{stderr}\n{graph}");
    let svg = String::from_utf8_lossy(&output.stdout);
    assert!(svg.contains("<svg"), "{svg}");
    assert!(svg.contains("cluster&#45;admin"), "{svg}");
}

#[test]
fn unreadable_path_exits_2() {
    let (code, _) = paths(&["no/such/file.yaml"]);
    assert_eq!(code, 2);
}

#[test]
fn scan_reports_attack_path() {
    let Some(file) = dashboard(
        "scan_reports_attack_path",
        "v1.6.3/kubernetes-dashboard.yaml",
    ) else {
        return;
    };
    let output = kubeward()
        .args([
            "scan",
            "-o",
            "json",
            "--no-config",
            file.to_str().expect("UTF-8 path"),
        ])
        .output()
        .expect("kubeward runs");
    let json: serde_json::Value = serde_json::from_slice(&output.stdout).expect("valid JSON");
    let findings = json["findings"].as_array().expect("findings is an array");
    let paths: Vec<&serde_json::Value> = findings
        .iter()
        .filter(|f| f["rule"] == "attack-path")
        .collect();
    assert_eq!(paths.len(), 1, "{paths:#?}");
    assert_eq!(paths[0]["severity"], "critical");
    assert_eq!(paths[0]["object"]["kind"], "Deployment");
    assert_eq!(paths[0]["path"], "spec.template.metadata.labels");
}
