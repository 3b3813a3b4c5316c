//! Input built to break a scanner: alias bombs, deep nesting, broken
//! encodings, huge files, scalars and mappings, and values of the wrong
//! shape. Each must end in findings or warnings, never in a panic, a hang
//! or memory beyond a small multiple of the input.

mod common;

use std::fmt::Write as _;
use std::path::Path;

use common::{TempDir, of_rule, positions, scan, scan_raw};

const PRIVILEGED_POD: &str = "\
apiVersion: v1
kind: Pod
metadata: {name: p}
spec:
  containers:
    - name: c
      securityContext: {privileged: true}
";

fn error_messages(report: &kubeward_core::FileReport) -> Vec<String> {
    of_rule(report, "parse-error")
        .map(|f| f.message.clone())
        .collect()
}

#[test]
fn billion_laughs() {
    let mut text = String::from("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: lol}\ndata:\n");
    text.push_str("  a: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n");
    let names = ["a", "b", "c", "d", "e", "f", "g", "h", "i"];
    for pair in names.windows(2) {
        let refs = vec![format!("*{}", pair[0]); 9].join(", ");
        writeln!(text, "  {}: &{} [{refs}]", pair[1], pair[1]).expect("write");
    }
    text.push_str("---\n");
    text.push_str(PRIVILEGED_POD);
    let report = scan("lol.yaml", &text);
    let errors = error_messages(&report);
    assert_eq!(errors.len(), 1, "{errors:?}");
    assert!(errors[0].contains("excessive aliasing"), "{}", errors[0]);
    assert_eq!(report.objects, 1, "the next document is still scanned");
    assert_eq!(positions(&report, "pss-privileged").len(), 1);
}

#[test]
fn container_alias_bomb() {
    // Containers that alias lists of containers, nine times over: the tree
    // is small, but a walk that expanded aliases would visit 9^6 nodes.
    let mut text = String::from("x0: &x0 [{name: c, securityContext: {privileged: true}}]\n");
    for level in 1..=6 {
        let refs = vec![format!("*x{}", level - 1); 9].join(", ");
        writeln!(text, "x{level}: &x{level} [{refs}]").expect("write");
    }
    text.push_str("apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  containers: *x6\n");
    let report = scan("bomb.yaml", &text);
    let errors = error_messages(&report);
    assert!(
        errors.iter().any(|e| e.contains("excessive aliasing")),
        "{errors:?}"
    );
}

#[test]
fn merge_key_bomb() {
    let mut text = String::from("m0: &m0 {a: 1, b: 2}\n");
    for level in 1..=30 {
        let prev = level - 1;
        writeln!(
            text,
            "m{level}: &m{level} {{<<: [*m{prev}, *m{prev}, *m{prev}]}}"
        )
        .expect("write");
    }
    let report = scan("merge-bomb.yaml", &text);
    assert!(
        error_messages(&report)
            .iter()
            .any(|e| e.contains("excessive aliasing"))
    );
}

#[test]
fn aliases_within_the_limit_are_read() {
    let mut text = String::from(
        PRIVILEGED_POD
            .replace("    - name: c", "    - &c\n      name: c")
            .as_str(),
    );
    text.push_str(&"    - *c\n".repeat(300));
    let report = scan("aliases.yaml", &text);
    assert!(error_messages(&report).is_empty());
    assert_eq!(positions(&report, "pss-privileged").len(), 301);
}

#[test]
fn flow_nesting_100000_deep() {
    for (open, close) in [("[", "]"), ("{a: ", "}")] {
        let mut text = format!("{}{}\n", open.repeat(100_000), close.repeat(100_000));
        text.push_str("---\n");
        text.push_str(PRIVILEGED_POD);
        let report = scan("deep.json", &text);
        let errors = positions(&report, "parse-error");
        assert_eq!(errors.len(), 1, "{open}");
        assert_eq!(errors[0].0, 1);
        assert!(error_messages(&report)[0].contains("nested deeper than 255"));
        assert_eq!(report.objects, 1, "{open}");
    }
}

#[test]
fn block_sequences_100000_deep() {
    let text = format!("{}x\n---\n{PRIVILEGED_POD}", "- ".repeat(100_000));
    let report = scan("deep.yaml", &text);
    assert_eq!(positions(&report, "parse-error"), vec![(1, 20_001)]);
    assert!(error_messages(&report)[0].contains("nested deeper than 10000"));
    assert_eq!(report.objects, 1);
}

#[test]
fn block_mappings_past_the_depth_limit() {
    // 9,990 sequences on one line, then mappings nested by indentation.
    let mut text = "- ".repeat(9_990);
    text.push_str("k0:\n");
    for level in 1..=20 {
        writeln!(text, "{}k{level}:", " ".repeat(19_980 + level)).expect("write");
    }
    let report = scan("deep.yaml", &text);
    let errors = positions(&report, "parse-error");
    assert_eq!(errors.len(), 1);
    assert_eq!(errors[0].0, 11, "the 10,001st collection opens on line 11");
}

#[test]
fn invalid_utf8_in_the_middle() {
    let mut bytes = PRIVILEGED_POD.as_bytes().to_vec();
    bytes.extend_from_slice(b"---\napiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\n");
    bytes.extend_from_slice(b"data: {k: \"caf\xE9 au lait\"}\n---\n");
    bytes.extend_from_slice(PRIVILEGED_POD.as_bytes());
    let report = scan_raw("latin1.yaml", &bytes);
    assert_eq!(positions(&report, "parse-error"), vec![(12, 15)]);
    assert!(error_messages(&report)[0].contains("invalid UTF-8"));
    assert_eq!(report.objects, 3);
    assert_eq!(
        positions(&report, "pss-privileged"),
        vec![(7, 25), (20, 25)]
    );
}

#[test]
fn broken_utf16() {
    let mut bytes = vec![0xFF, 0xFE];
    let mut push = |text: &str| {
        for unit in text.encode_utf16() {
            bytes.extend_from_slice(&unit.to_le_bytes());
        }
    };
    push("apiVersion: v1\nkind: Pod\nmetadata: {name: \"w");
    push("\"}\n");
    let mut with_surrogate = bytes[..bytes.len() - 6].to_vec();
    with_surrogate.extend_from_slice(&0xD800u16.to_le_bytes());
    with_surrogate.extend_from_slice(&bytes[bytes.len() - 6..]);
    with_surrogate.push(b'x');
    let report = scan_raw("wide.yaml", &with_surrogate);
    assert_eq!(report.objects, 1);
    assert_eq!(positions(&report, "parse-error"), vec![(3, 20)]);
    assert!(error_messages(&report)[0].contains("unpaired surrogate"));
}

/// Builds one Deployment of about 1 KiB. Every 1000th is privileged.
fn deployment(index: usize) -> String {
    let privileged = index % 1000 == 0;
    format!(
        "---\napiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web-{index}\n  \
         namespace: team-{team}\n  labels: {{app: web, tier: frontend, index: \"{index}\"}}\n\
         spec:\n  replicas: 3\n  selector:\n    matchLabels: {{app: web}}\n  template:\n    \
         metadata:\n      labels: {{app: web}}\n      annotations:\n        \
         prometheus.io/scrape: \"true\"\n    spec:\n      serviceAccountName: web\n      \
         automountServiceAccountToken: false\n      securityContext:\n        \
         runAsNonRoot: true\n        runAsUser: 10001\n        seccompProfile: {{type: RuntimeDefault}}\n      \
         containers:\n        - name: web\n          image: registry.example.com/web:1.{index}\n          \
         ports: [{{containerPort: 8080, name: http}}]\n          env:\n            \
         - {{name: MODE, value: production}}\n            - {{name: INDEX, value: \"{index}\"}}\n          \
         resources:\n            requests: {{cpu: 100m, memory: 128Mi}}\n            \
         limits: {{cpu: \"1\", memory: 256Mi}}\n          securityContext:\n            \
         privileged: {privileged}\n            allowPrivilegeEscalation: false\n            \
         readOnlyRootFilesystem: true\n            capabilities: {{drop: [ALL]}}\n          \
         volumeMounts: [{{name: tmp, mountPath: /tmp}}]\n      volumes:\n        \
         - name: tmp\n          emptyDir: {{sizeLimit: 64Mi}}\n",
        team = index % 7,
    )
}

/// Size of the large-file test, in MB. `KUBEWARD_LARGE_FILE_MB` lowers it
/// for quick runs of unoptimised builds.
fn large_file_megabytes() -> usize {
    std::env::var("KUBEWARD_LARGE_FILE_MB")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(200)
}

#[test]
fn file_of_200_megabytes() {
    let target = large_file_megabytes() * 1_000_000;
    let dir = TempDir::new("large-file");
    let path = dir.path().join("large.yaml");
    let mut text = String::with_capacity(target + 2048);
    let mut count = 0;
    while text.len() < target {
        text.push_str(&deployment(count));
        count += 1;
    }
    std::fs::write(&path, &text).expect("write the large file");
    drop(text);

    let bytes = std::fs::read(&path).expect("read the large file");
    assert!(bytes.len() >= target);
    let report = scan_raw(&path.display().to_string(), &bytes);
    assert_eq!(report.objects, count);
    assert_eq!(report.documents, count);
    assert!(
        error_messages(&report).is_empty(),
        "{:?}",
        error_messages(&report)
    );
    let privileged = positions(&report, "pss-privileged");
    assert_eq!(privileged.len(), count.div_ceil(1000));
    assert!(report.findings.iter().all(|f| f.rule == "pss-privileged"));
}

#[test]
fn scalars_of_50_megabytes() {
    let size = 50_000_000;
    let header = "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: big}\ndata:\n";
    let plain = format!("{header}  big: {}\n", "x".repeat(size));
    let quoted = format!("{header}  big: \"{}\"\n", "y".repeat(size));
    let literal = format!(
        "{header}  big: |\n{}",
        "    line of text\n".repeat(size / 17)
    );
    for text in [plain, quoted, literal] {
        let report = scan("big.yaml", &text);
        assert_eq!(report.objects, 1);
        assert!(report.findings.is_empty());
    }

    let digits = format!(
        "apiVersion: v1\nkind: Pod\nmetadata: {{name: p}}\nspec:\n  securityContext:\n    \
         runAsUser: {}\n",
        "9".repeat(size)
    );
    let report = scan("digits.yaml", &digits);
    // Beyond f64, go-yaml keeps the digits as a string.
    assert_eq!(positions(&report, "invalid-field-type"), vec![(6, 5)]);

    let message = &of_rule(&report, "invalid-field-type")
        .next()
        .expect("finding")
        .message;
    assert!(
        message.len() < 400,
        "the value is cut in messages: {} bytes",
        message.len()
    );
}

#[test]
fn mapping_with_200000_keys() {
    let mut text = String::from("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: wide}\ndata:\n");
    for i in 0..200_000 {
        writeln!(text, "  key{i}: value{i}").expect("write");
    }
    let report = scan("wide.yaml", &text);
    assert_eq!(report.objects, 1);
    assert!(report.findings.is_empty());

    let mut pod = String::from("apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n");
    for i in 0..200_000 {
        writeln!(pod, "  field{i}: {i}").expect("write");
    }
    pod.push_str(
        "  hostNetwork: \"true\"\n  containers: [{name: c, securityContext: {privileged: true}}]\n",
    );
    let report = scan("wide-pod.yaml", &pod);
    assert_eq!(positions(&report, "invalid-field-type"), vec![(200_005, 3)]);
    assert_eq!(positions(&report, "pss-privileged").len(), 1);
}

#[test]
fn one_key_repeated_100000_times() {
    let mut text = String::from("apiVersion: v1\nkind: Secret\nmetadata: {name: s}\ndata:\n");
    text.push_str(&"  k: dg==\n".repeat(100_000));
    let report = scan("repeated.yaml", &text);
    assert_eq!(of_rule(&report, "duplicate-key").count(), 99_999);
    assert!(report.findings.iter().all(|f| f.source_line.is_none()));
}

#[test]
fn many_findings_in_one_document() {
    let mut text =
        String::from("apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  containers:\n");
    for i in 0..50_000 {
        writeln!(
            text,
            "    - {{name: c{i}, securityContext: {{privileged: true}}}}"
        )
        .expect("write");
    }
    let report = scan("many.yaml", &text);
    let findings: Vec<_> = of_rule(&report, "pss-privileged").collect();
    assert_eq!(findings.len(), 50_000);
    let last = findings.iter().max_by_key(|f| f.line).expect("findings");
    assert_eq!(last.line, 50_005);
    assert!(
        last.source_line
            .as_deref()
            .is_some_and(|l| l.contains("c49999"))
    );
}

#[test]
fn ten_thousand_documents() {
    let text = format!("---\n{PRIVILEGED_POD}").repeat(10_000);
    let report = scan("many-docs.yaml", &text);
    assert_eq!(report.objects, 10_000);
    assert_eq!(positions(&report, "pss-privileged").len(), 10_000);
}

#[test]
fn values_of_the_wrong_shape() {
    let cases = [
        ("just a string\n", 0, 1),
        ("- a list\n- of strings\n", 0, 1),
        ("3.14\n", 0, 1),
        ("apiVersion: v1\nkind: Pod\nspec: \"x\"\n", 1, 0),
        ("apiVersion: v1\nkind: Pod\nspec: [1, 2]\n", 1, 0),
        (
            "apiVersion: v1\nkind: Pod\nspec: {containers: null}\n",
            1,
            0,
        ),
        (
            "apiVersion: v1\nkind: Pod\nmetadata: [x]\nspec: {containers: [null, 5, x]}\n",
            1,
            0,
        ),
        (
            "apiVersion: apps/v1\nkind: Deployment\nspec: {template: 5}\n",
            1,
            0,
        ),
        (
            "apiVersion: batch/v1\nkind: CronJob\nspec: {jobTemplate: {spec: null}}\n",
            1,
            0,
        ),
        ("apiVersion: v1\nkind: List\nitems: 5\n", 1, 0),
        (
            "apiVersion: v1\nkind: List\nitems: [[], 1, {kind: x}]\n",
            0,
            3,
        ),
        ("apiVersion: [v1]\nkind: {Pod: 1}\n", 0, 1),
        ("? [complex, key]\n: value\n", 0, 1),
    ];
    for (text, objects, warnings) in cases {
        let report = scan("shape.yaml", text);
        assert_eq!(report.objects, objects, "{text:?}");
        assert_eq!(
            report.warnings.len(),
            warnings,
            "{text:?}: {:?}",
            report.warnings
        );
    }
    let report = scan(
        "shape.yaml",
        "apiVersion: v1\nkind: Pod\nspec: {containers: [null, 5, x]}\n",
    );
    assert_eq!(
        positions(&report, "invalid-field-type"),
        vec![(3, 27), (3, 30)]
    );
}

#[test]
fn fuzz_regressions() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fuzz-regressions");
    let mut checked = 0;
    for entry in std::fs::read_dir(&dir).expect("fuzz regressions") {
        let path = entry.expect("entry").path();
        let bytes = std::fs::read(&path).expect("read");
        let report = scan_raw("fuzz.yaml", &bytes);
        let decoded = kubeward_core::yaml::decode(&bytes).text;
        let text = kubeward_core::yaml::normalize_line_breaks(&decoded);
        let lines: Vec<&str> = text.split('\n').collect();
        for finding in &report.findings {
            let name = path.display();
            let line = lines.get(finding.line as usize - 1);
            assert!(line.is_some(), "{name}: line beyond the input: {finding:?}");
            let width = line.map_or(0, |l| l.chars().count());
            assert!(finding.column as usize <= width + 1, "{name}: {finding:?}");
        }
        checked += 1;
    }
    assert!(checked > 0);
}
