//! Baselines on the whole corpus of real manifests, in a temporary copy:
//! a rerun reports no new finding, moving lines and reordering documents
//! create none, and a changed manifest reports exactly the findings of
//! what changed.

mod support;

use serde_json::Value;
use support::{TempDir, copy_tree, kubeward_in, run};

/// A manifest file of the corpus whose lines the tests move.
const MOVED: &str = "corpus/apps/kube-prometheus/main/manifests/nodeExporter-daemonset.yaml";

/// A corpus file of many documents, most of them workloads with findings,
/// whose documents the tests reorder.
const REORDERED: &str = "corpus/apps/microservices-demo/main/release/kubernetes-manifests.yaml";

/// A Deployment appended to a corpus file: privileged, so that it brings
/// findings of its own.
const ADDED: &str = "
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: baseline-probe
  namespace: monitoring
spec:
  selector:
    matchLabels:
      app: baseline-probe
  template:
    metadata:
      labels:
        app: baseline-probe
    spec:
      containers:
        - name: probe
          image: busybox:1.36
          securityContext:
            privileged: true
";

fn scan(dir: &TempDir, extra: &[&str]) -> Value {
    let mut command = kubeward_in(dir.path());
    command
        .args(["scan", "corpus", "--no-config", "-o", "json"])
        .args(extra);
    let out = run(&mut command);
    assert!(out.code < 2, "exit status {}: {}", out.code, out.stderr);
    out.json()
}

fn findings(report: &Value) -> &Vec<Value> {
    report["findings"].as_array().expect("findings is an array")
}

/// The findings of `file` as `(fingerprint, line)`, sorted by fingerprint.
fn finding_places(report: &Value, file: &str) -> Vec<(String, u64)> {
    let mut places: Vec<(String, u64)> = findings(report)
        .iter()
        .filter(|f| f["file"] == file)
        .map(|f| {
            let fingerprint = f["fingerprint"].as_str().unwrap_or_default().to_owned();
            (fingerprint, f["line"].as_u64().unwrap_or_default())
        })
        .collect();
    places.sort();
    places
}

#[test]
fn corpus_baseline_reports_only_new_findings() {
    let Some(shared) = kubeward_testutil::shared_dir("corpus_baseline_reports_only_new_findings")
    else {
        return;
    };
    let dir = TempDir::new("baseline");
    copy_tree(&shared.join("corpus"), &dir.path().join("corpus"));

    let recorded = scan(&dir, &["--write-baseline", "baseline.json"]);
    let total = findings(&recorded).len();
    assert!(total > 1_000, "the corpus has many findings: {total}");
    let baseline: Value =
        serde_json::from_str(&dir.read("baseline.json")).expect("baseline is JSON");
    assert_eq!(baseline["kubewardBaseline"], "1");
    assert_eq!(baseline["findings"].as_array().map(Vec::len), Some(total));

    let rerun = scan(&dir, &["--baseline", "baseline.json"]);
    assert_eq!(findings(&rerun).len(), 0);
    assert_eq!(rerun["baseline"]["known"], total);
    assert_eq!(rerun["baseline"]["absent"], 0);

    // Lines move down: comments and blank lines are added above them.
    let moved = dir.read(MOVED);
    dir.write(MOVED, &format!("# moved down\n\n\n# by the test\n{moved}"));
    let after_move = scan(&dir, &["--baseline", "baseline.json"]);
    assert_eq!(
        findings(&after_move).len(),
        0,
        "{:#}",
        after_move["findings"]
    );

    // Documents swap places: the file's documents in reverse order.
    let before_reorder = finding_places(&scan(&dir, &[]), REORDERED);
    assert!(before_reorder.len() > 10, "{before_reorder:?}");
    let text = dir.read(REORDERED);
    let mut documents: Vec<&str> = text.trim_end().split("\n---\n").collect();
    assert!(documents.len() > 10, "the file has many documents");
    documents.reverse();
    dir.write(REORDERED, &format!("{}\n", documents.join("\n---\n")));
    let after_reorder = finding_places(&scan(&dir, &[]), REORDERED);
    assert_eq!(after_reorder.len(), before_reorder.len());
    assert_ne!(after_reorder, before_reorder, "the findings moved");
    let reordered = scan(&dir, &["--baseline", "baseline.json"]);
    assert_eq!(findings(&reordered).len(), 0, "{:#}", reordered["findings"]);
    assert_eq!(reordered["baseline"]["known"], total);

    let changed = dir.read(MOVED);
    dir.write(MOVED, &format!("{changed}{ADDED}"));
    let plain = scan(&dir, &[]);
    let expected: Vec<&Value> = findings(&plain)
        .iter()
        .filter(|f| f["object"]["name"] == "baseline-probe")
        .collect();
    assert!(
        expected.iter().any(|f| f["rule"] == "pss-privileged"),
        "the added Deployment has findings"
    );
    let after_change = scan(&dir, &["--baseline", "baseline.json"]);
    let new: Vec<&Value> = findings(&after_change).iter().collect();
    assert_eq!(
        new, expected,
        "exactly the added Deployment's findings are new"
    );
    assert_eq!(after_change["baseline"]["known"], total);
}

#[test]
fn baseline_exit_status_follows_new_findings() {
    let dir = TempDir::new("baseline-status");
    dir.write(
        "corpus/pod.yaml",
        &ADDED.replace("name: baseline-probe", "name: first"),
    );
    let out = run(kubeward_in(dir.path()).args([
        "scan",
        "corpus",
        "--no-config",
        "--write-baseline",
        "b.json",
    ]));
    assert_eq!(out.code, 0, "writing a baseline accepts today's findings");
    let out = run(kubeward_in(dir.path()).args([
        "scan",
        "corpus",
        "--no-config",
        "--baseline",
        "b.json",
    ]));
    assert_eq!(out.code, 0, "{}", out.stdout);
    assert!(
        out.stdout.contains("already recorded and left out"),
        "{}",
        out.stdout
    );
    dir.write(
        "corpus/second.yaml",
        &ADDED.replace("name: baseline-probe", "name: second"),
    );
    let out = run(kubeward_in(dir.path()).args([
        "scan",
        "corpus",
        "--no-config",
        "--baseline",
        "b.json",
    ]));
    assert_eq!(out.code, 1, "the new privileged Deployment fails the scan");
}

#[test]
fn bad_baseline_is_a_usage_error() {
    let dir = TempDir::new("baseline-bad");
    dir.write("corpus/pod.yaml", ADDED);
    dir.write(
        "b.json",
        "{\"kubewardBaseline\": \"1\",\n \"findings\": [}\n",
    );
    let out = run(kubeward_in(dir.path()).args(["scan", "corpus", "--baseline", "b.json"]));
    assert_eq!(out.code, 2);
    assert!(out.stderr.contains("b.json:2:"), "{}", out.stderr);
    let out = run(kubeward_in(dir.path()).args(["scan", "corpus", "--baseline", "missing.json"]));
    assert_eq!(out.code, 2);
    assert!(
        out.stderr.contains("cannot read baseline missing.json"),
        "{}",
        out.stderr
    );
}

#[test]
fn unreadable_input_leaves_the_baseline_unwritten() {
    let dir = TempDir::new("baseline-incomplete");
    dir.write("corpus/pod.yaml", ADDED);
    let kept = "{\"kubewardBaseline\": \"1\", \"findings\": []}\n";
    dir.write("b.json", kept);
    let out = run(kubeward_in(dir.path()).args([
        "scan",
        "corpus",
        "missing",
        "--no-config",
        "--write-baseline",
        "b.json",
    ]));
    assert_eq!(out.code, 2, "{}", out.stderr);
    assert!(
        out.stderr
            .contains("error: baseline b.json was not written: 1 input could not be read"),
        "{}",
        out.stderr
    );
    assert_eq!(dir.read("b.json"), kept, "the old baseline is kept");
    let out = run(kubeward_in(dir.path()).args([
        "scan",
        "missing",
        "--no-config",
        "--write-baseline",
        "new.json",
    ]));
    assert_eq!(out.code, 2, "{}", out.stderr);
    assert!(
        !dir.path().join("new.json").exists(),
        "no baseline is created from an incomplete scan"
    );
    let out = run(kubeward_in(dir.path()).args([
        "scan",
        "corpus",
        "--no-config",
        "--write-baseline",
        "b.json",
    ]));
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert_ne!(
        dir.read("b.json"),
        kept,
        "a complete scan writes the baseline"
    );
}
