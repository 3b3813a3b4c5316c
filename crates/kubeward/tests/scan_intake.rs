//! What `kubeward scan` reports about its inputs: a directory in which it
//! finds nothing to read, and a file that is an unrendered template.

mod support;

use serde_json::Value;
use support::{TempDir, kubeward_in, run};

const POD: &str = "\
apiVersion: v1
kind: Pod
metadata:
  name: web
spec:
  containers:
    - name: web
      image: registry.example.com/web:1.0
";

/// A Helm template whose `if` action is not YAML.
const TEMPLATE: &str = "\
{{- if .Values.enabled }}
apiVersion: v1
kind: ConfigMap
metadata:
  name: {{ .Release.Name }}
{{- end }}
";

/// Returns the messages of the `parse-error` findings in a JSON report.
fn parse_errors(report: &Value) -> Vec<String> {
    report["findings"]
        .as_array()
        .expect("findings is an array")
        .iter()
        .filter(|finding| finding["rule"] == "parse-error")
        .filter_map(|finding| finding["message"].as_str())
        .map(str::to_owned)
        .collect()
}

#[test]
fn empty_directory_warns() {
    let dir = TempDir::new("scan-empty-dir");
    dir.write("manifests/notes.txt", "not a manifest\n");
    let out = run(kubeward_in(dir.path()).args(["scan", "--no-config", "manifests"]));
    assert_eq!(out.code, 0, "stderr: {}", out.stderr);
    assert!(
        out.stderr
            .contains("warning: no manifest files found in manifests;"),
        "stderr: {}",
        out.stderr
    );
    assert!(
        !out.stdout.contains("warning"),
        "the warning went to standard output: {}",
        out.stdout
    );
}

#[test]
fn warning_names_only_empty_directories() {
    let dir = TempDir::new("scan-mixed-dirs");
    dir.write("full/pod.yaml", POD);
    std::fs::create_dir_all(dir.path().join("empty")).expect("directory can be created");
    let out =
        run(kubeward_in(dir.path()).args(["scan", "--no-config", "-o", "json", "full", "empty"]));
    assert!(
        out.stderr.contains("no manifest files found in empty;"),
        "stderr: {}",
        out.stderr
    );
    assert!(
        !out.stderr.contains("found in full"),
        "stderr: {}",
        out.stderr
    );
    assert_eq!(out.json()["stats"]["files"], 1, "stdout: {}", out.stdout);
}

#[test]
fn directory_with_manifest_has_no_warning() {
    let dir = TempDir::new("scan-full-dir");
    dir.write("manifests/pod.yaml", POD);
    let out = run(kubeward_in(dir.path()).args(["scan", "--no-config", "manifests"]));
    assert!(!out.stderr.contains("warning"), "stderr: {}", out.stderr);
}

#[test]
fn unrendered_template_gets_render_hint() {
    let dir = TempDir::new("scan-template");
    dir.write("configmap.yaml", TEMPLATE);
    let out =
        run(kubeward_in(dir.path()).args(["scan", "--no-config", "-o", "json", "configmap.yaml"]));
    let messages = parse_errors(&out.json());
    assert_eq!(messages.len(), 1, "{messages:?}");
    assert!(messages[0].starts_with("invalid YAML: "), "{messages:?}");
    assert!(
        messages[0].contains("unrendered Helm or Go template"),
        "{messages:?}"
    );
    assert!(
        messages[0].contains("`helm template CHART | kubeward scan -`"),
        "{messages:?}"
    );
}

#[test]
fn template_hint_in_text_output() {
    let dir = TempDir::new("scan-template-text");
    dir.write("configmap.yaml", TEMPLATE);
    let out = run(kubeward_in(dir.path()).args(["scan", "--no-config", "configmap.yaml"]));
    assert_eq!(out.code, 1, "stderr: {}", out.stderr);
    assert!(
        out.stdout.contains("helm template CHART | kubeward scan -"),
        "stdout: {}",
        out.stdout
    );
}

#[test]
fn plain_syntax_error_has_no_template_hint() {
    let dir = TempDir::new("scan-syntax-error");
    dir.write(
        "broken.yaml",
        "apiVersion: v1\nkind: ConfigMap\nmetadata: [name\n",
    );
    let out =
        run(kubeward_in(dir.path()).args(["scan", "--no-config", "-o", "json", "broken.yaml"]));
    let messages = parse_errors(&out.json());
    assert_eq!(messages.len(), 1, "{messages:?}");
    assert!(!messages[0].contains("template"), "{messages:?}");
}
