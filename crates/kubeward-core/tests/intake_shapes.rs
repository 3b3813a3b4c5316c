//! Every shape of input a scan reads: streams, lists, anchors, encodings,
//! line endings and YAML 1.1 typing, checked through the objects counted
//! and the position of the findings on named fields.

mod common;

use common::{of_rule, positions, scan, scan_raw};

const PRIVILEGED: &str = "pss-privileged";
const INVALID_TYPE: &str = "invalid-field-type";
const PARSE_ERROR: &str = "parse-error";

#[test]
fn multi_document_stream() {
    let text = "\
apiVersion: v1
kind: Service
metadata: {name: web}
---
apiVersion: v1
kind: Pod
metadata: {name: a}
spec:
  containers:
    - name: a
      securityContext:
        privileged: true
...
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: b}
spec:
  template:
    spec:
      initContainers:
        - name: init
          securityContext: {privileged: true}
";
    let report = scan("stream.yaml", text);
    assert_eq!(report.objects, 3);
    assert_eq!(report.documents, 3);
    assert!(report.warnings.is_empty(), "{:?}", report.warnings);
    assert_eq!(positions(&report, PRIVILEGED), vec![(12, 9), (23, 29)]);
    let paths: Vec<_> = of_rule(&report, PRIVILEGED)
        .map(|f| f.path.clone().unwrap_or_default())
        .collect();
    assert!(paths.contains(&"spec.containers[0].securityContext.privileged".to_owned()));
    assert!(
        paths.contains(&"spec.template.spec.initContainers[0].securityContext.privileged".into())
    );
}

#[test]
fn empty_and_comment_documents() {
    let text = "---\n---\n# only a comment\n---\n...\n---\nnull\n---\n~\n---\n\
                apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\n---\n";
    let report = scan("empty.yaml", text);
    assert_eq!(report.objects, 1);
    assert_eq!(report.documents, 1);
    assert!(report.warnings.is_empty(), "{:?}", report.warnings);
    assert!(report.findings.is_empty(), "{:?}", report.findings);
}

#[test]
fn list_items_are_objects() {
    let text = "\
apiVersion: v1
kind: List
metadata: {}
items:
  - apiVersion: v1
    kind: Pod
    metadata: {name: calm}
    spec:
      containers: [{name: c, image: busybox}]
  - apiVersion: v1
    kind: Pod
    metadata:
      name: loud
      namespace: team
    spec:
      containers:
        - name: c
          securityContext: {privileged: true}
  - not an object
";
    let report = scan("list.yaml", text);
    assert_eq!(report.objects, 2);
    assert_eq!(positions(&report, PRIVILEGED), vec![(18, 29)]);
    let finding = of_rule(&report, PRIVILEGED).next().expect("finding");
    let object = finding.object.as_ref().expect("object");
    assert_eq!(object.kind, "Pod");
    assert_eq!(object.name.as_deref(), Some("loud"));
    assert_eq!(object.namespace.as_deref(), Some("team"));
    assert_eq!(report.warnings.len(), 1);
    assert_eq!(report.warnings[0].line, Some(19));
}

#[test]
fn typed_lists_in_json() {
    let text = "{\n\t\"apiVersion\": \"apps/v1\",\n\t\"kind\": \"DeploymentList\",\n\t\"items\": [\n\
                \t\t{\n\t\t\t\"apiVersion\": \"apps/v1\",\n\t\t\t\"kind\": \"Deployment\",\n\
                \t\t\t\"metadata\": {\"name\": \"d\"},\n\t\t\t\"spec\": {\"template\": {\"spec\": {\n\
                \t\t\t\t\"containers\": [{\"name\": \"c\", \"securityContext\": {\"privileged\": true}}]\n\
                \t\t\t}}}\n\t\t}\n\t]\n}\n";
    let report = scan("list.json", text);
    assert_eq!(report.objects, 1);
    assert!(of_rule(&report, PARSE_ERROR).next().is_none());
    // Line 10 is `\t\t\t\t"containers": [{"name": "c", "securityContext": {"privileged": true}}]`.
    assert_eq!(positions(&report, PRIVILEGED), vec![(10, 54)]);
}

#[test]
fn pod_list_in_yaml() {
    let text = "\
apiVersion: v1
kind: PodList
items:
- apiVersion: v1
  kind: Pod
  metadata: {name: p}
  spec:
    hostNetwork: \"true\"
    containers: [{name: c}]
";
    let report = scan("podlist.yaml", text);
    assert_eq!(report.objects, 1);
    assert_eq!(positions(&report, INVALID_TYPE), vec![(8, 5)]);
}

#[test]
fn aliases_share_their_anchor_position() {
    let text = "\
apiVersion: v1
kind: Pod
metadata: {name: p}
spec:
  containers:
    - &main
      name: main
      securityContext:
        privileged: true
    - *main
";
    let report = scan("alias.yaml", text);
    assert_eq!(positions(&report, PRIVILEGED), vec![(9, 9), (9, 9)]);
    let paths: Vec<_> = of_rule(&report, PRIVILEGED)
        .filter_map(|f| f.path.clone())
        .collect();
    assert_eq!(
        paths,
        vec![
            "spec.containers[0].securityContext.privileged",
            "spec.containers[1].securityContext.privileged"
        ]
    );
}

#[test]
fn merge_keys_follow_go_yaml_v2() {
    let text = "\
defaults: &defaults
  image: nginx
  securityContext:
    privileged: true
apiVersion: v1
kind: Pod
metadata: {name: p}
spec:
  containers:
    - name: overridden
      <<: *defaults
      securityContext: {privileged: false}
    - securityContext: {privileged: false}
      <<: *defaults
      name: merged-last
";
    let report = scan("merge.yaml", text);
    // The second container's merge comes after its own securityContext,
    // so go-yaml v2 lets the merged one win.
    assert_eq!(positions(&report, PRIVILEGED), vec![(4, 5)]);
    let finding = of_rule(&report, PRIVILEGED).next().expect("finding");
    assert_eq!(
        finding.container.as_ref().map(|c| c.name.as_str()),
        Some("merged-last")
    );
}

#[test]
fn invalid_merge_is_a_parse_error() {
    let text = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  <<: 5\n  name: c\n";
    let report = scan("merge.yaml", text);
    assert_eq!(positions(&report, PARSE_ERROR), vec![(4, 3)]);
    assert_eq!(report.objects, 1);
}

#[test]
fn byte_order_mark_is_not_a_column() {
    let text =
        "\u{FEFF}apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  hostPID: \"yes\"\n";
    let report = scan_raw("bom.yaml", text.as_bytes());
    assert_eq!(report.objects, 1);
    assert_eq!(positions(&report, INVALID_TYPE), vec![(5, 3)]);
    let first = "apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec: {hostPID: \"yes\"}\n";
    let report = scan_raw("bom.yaml", format!("\u{FEFF}{first}").as_bytes());
    assert_eq!(positions(&report, INVALID_TYPE), vec![(4, 8)]);
}

#[test]
fn crlf_line_endings() {
    let text = "apiVersion: v1\r\nkind: Pod\r\nmetadata:\r\n  name: p\r\nspec:\r\n  containers:\r\n  \
                - name: c\r\n    securityContext:\r\n      privileged: true\r\n---\r\nkind: Pod\r\n";
    let report = scan("crlf.yaml", text);
    assert_eq!(positions(&report, PRIVILEGED), vec![(9, 7)]);
    let finding = of_rule(&report, PRIVILEGED).next().expect("finding");
    assert_eq!(
        finding.source_line.as_deref(),
        Some("      privileged: true")
    );
    assert_eq!(report.warnings.len(), 1, "{:?}", report.warnings);
    assert_eq!(report.warnings[0].line, Some(11));
}

#[test]
fn lone_carriage_returns_break_lines() {
    let text = "apiVersion: v1\rkind: Pod\rmetadata: {name: p}\rspec:\r  hostIPC: \"no\"\r";
    let report = scan("cr.yaml", text);
    assert_eq!(positions(&report, INVALID_TYPE), vec![(5, 3)]);
    let finding = of_rule(&report, INVALID_TYPE).next().expect("finding");
    assert_eq!(finding.source_line.as_deref(), Some("  hostIPC: \"no\""));
}

#[test]
fn json_indented_with_tabs() {
    let text = "{\n\t\"apiVersion\": \"v1\",\n\t\"kind\": \"Pod\",\n\t\"metadata\": {\"name\": \"p\"},\n\
                \t\"spec\": {\n\t\t\"hostNetwork\": \"false\"\n\t}\n}\n";
    let report = scan("tabs.json", text);
    assert_eq!(report.objects, 1);
    assert_eq!(positions(&report, INVALID_TYPE), vec![(6, 3)]);
}

/// Formats a privileged Pod named `name` as `kubectl get -o json` prints
/// it, in 15 lines, with `"privileged"` on line 11 at column 29.
fn pretty_pod(name: &str) -> String {
    format!(
        "{{\n  \"apiVersion\": \"v1\",\n  \"kind\": \"Pod\",\n  \"metadata\": {{\n    \
         \"name\": \"{name}\"\n  }},\n  \"spec\": {{\n    \"containers\": [\n      {{\n        \
         \"name\": \"c\",\n        \"securityContext\": {{\"privileged\": true}}\n      }}\n    \
         ]\n  }}\n}}\n"
    )
}

/// Formats the same Pod on one line of 131 characters, as `jq -c` prints
/// it, with `"privileged"` at column 110.
fn compact_pod(name: &str) -> String {
    format!(
        "{{\"apiVersion\":\"v1\",\"kind\":\"Pod\",\"metadata\":{{\"name\":\"{name}\"}},\
         \"spec\":{{\"containers\":[{{\"name\":\"c\",\
         \"securityContext\":{{\"privileged\":true}}}}]}}}}"
    )
}

#[test]
fn json_stream_of_pretty_objects() {
    let text = format!("{}{}", pretty_pod("a"), pretty_pod("b"));
    let report = scan("pods.json", &text);
    assert!(
        of_rule(&report, PARSE_ERROR).next().is_none(),
        "{:?}",
        report.findings
    );
    assert_eq!(report.documents, 2);
    assert_eq!(report.objects, 2);
    assert_eq!(positions(&report, PRIVILEGED), vec![(11, 29), (26, 29)]);
    let names: Vec<_> = of_rule(&report, PRIVILEGED)
        .map(|f| f.object.as_ref().and_then(|o| o.name.clone()))
        .collect();
    assert_eq!(names, vec![Some("a".to_owned()), Some("b".to_owned())]);
    let finding = of_rule(&report, PRIVILEGED).nth(1).expect("finding");
    assert_eq!(
        finding.source_line.as_deref(),
        Some("        \"securityContext\": {\"privileged\": true}")
    );
}

#[test]
fn json_stream_one_object_per_line() {
    // `jq -c '.items[]'` output.
    let text = format!(
        "{}\n{}\n{}\n",
        compact_pod("a"),
        compact_pod("b"),
        compact_pod("c")
    );
    let report = scan("-", &text);
    assert!(
        of_rule(&report, PARSE_ERROR).next().is_none(),
        "{:?}",
        report.findings
    );
    assert_eq!(report.objects, 3);
    assert_eq!(
        positions(&report, PRIVILEGED),
        vec![(1, 110), (2, 110), (3, 110)]
    );
}

#[test]
fn json_stream_on_one_line_keeps_columns() {
    let first = compact_pod("a");
    let text = format!("{first}{}  {}\n", compact_pod("b"), compact_pod("c"));
    let width = u32::try_from(first.len()).expect("short");
    let report = scan("pods.json", &text);
    assert!(
        of_rule(&report, PARSE_ERROR).next().is_none(),
        "{:?}",
        report.findings
    );
    assert_eq!(report.objects, 3);
    assert_eq!(
        positions(&report, PRIVILEGED),
        vec![(1, 110), (1, width + 110), (1, 2 * width + 112)]
    );
    // The line contains three objects, and only the first starts at column
    // 1, so only its finding quotes the line.
    let quoted: Vec<_> = of_rule(&report, PRIVILEGED)
        .map(|f| f.source_line.is_some())
        .collect();
    assert_eq!(quoted, vec![true, false, false]);
}

#[test]
fn broken_json_stream_reports_its_line() {
    // The third value closes its mapping with `]`, on line 4.
    let broken = "{\"apiVersion\": \"v1\",\n  \"kind\": \"Pod\"]\n";
    let text = format!("{}\n{}\n{broken}", compact_pod("a"), compact_pod("b"));
    let report = scan("pods.json", &text);
    assert_eq!(report.objects, 2);
    let errors: Vec<_> = of_rule(&report, PARSE_ERROR).collect();
    assert_eq!(errors.len(), 1, "{errors:?}");
    assert_eq!(errors[0].line, 4, "{errors:?}");
}

#[test]
fn json_stream_after_a_marker_line() {
    let text = format!("{}\n---\n{}\n", compact_pod("a"), compact_pod("b"));
    let report = scan("pods.json", &text);
    assert!(
        of_rule(&report, PARSE_ERROR).next().is_none(),
        "{:?}",
        report.findings
    );
    assert_eq!(positions(&report, PRIVILEGED), vec![(1, 110), (3, 110)]);
}

#[test]
fn yaml_1_1_booleans_and_numbers() {
    let text = "\
apiVersion: v1
kind: Pod
metadata: {name: p}
spec:
  hostNetwork: on
  securityContext:
    runAsUser: 0755
    runAsNonRoot: No
  containers:
    - name: a
      securityContext: {privileged: yes, runAsUser: 1e3}
    - name: b
      securityContext: {privileged: \"yes\", runAsGroup: 0x10}
    - name: \"c\"
      securityContext: {privileged: Y, runAsUser: 1.5}
";
    let report = scan("typing.yaml", text);
    assert_eq!(positions(&report, PRIVILEGED), vec![(11, 25), (15, 25)]);
    // `"yes"` is a string; `1.5` is no integer; `1e3` and `0x10` are.
    assert_eq!(positions(&report, INVALID_TYPE), vec![(13, 25), (15, 40)]);
}

#[test]
fn null_means_absent() {
    let text = "\
apiVersion: v1
kind: Pod
metadata: null
spec:
  hostNetwork: null
  securityContext: ~
  initContainers:
  containers:
    - name: a
      securityContext:
        privileged: null
    - null
  volumes: [null, {name: v, hostPath: null}]
";
    let report = scan("nulls.yaml", text);
    assert_eq!(report.objects, 1);
    // Restricted rules still report the settings a null leaves unset.
    for rule in [PARSE_ERROR, INVALID_TYPE, PRIVILEGED, "duplicate-key"] {
        assert_eq!(of_rule(&report, rule).count(), 0, "{rule}");
    }
}

#[test]
fn documents_that_are_not_objects() {
    let text =
        "- a\n- b\n---\njust text\n---\n42\n---\n{kind: Pod}\n---\n{apiVersion: v1, kind: 5}\n";
    let report = scan("odd.yaml", text);
    assert_eq!(report.objects, 0);
    let lines: Vec<_> = report.warnings.iter().map(|w| w.line).collect();
    assert_eq!(lines, vec![Some(1), Some(4), Some(6), Some(8), Some(10)]);
    assert!(report.warnings[0].message.contains("sequence"));
    assert!(report.warnings[3].message.contains("no apiVersion"));
    assert!(report.warnings[4].message.contains("must be strings"));
}

#[test]
fn duplicate_key_on_list_item() {
    let text = "\
apiVersion: v1
kind: List
items:
  - apiVersion: v1
    kind: ConfigMap
    metadata: {name: settings}
  - apiVersion: v1
    kind: Secret
    metadata: {name: token}
    data:
      password: c2VjcmV0
      password: b3RoZXI=
";
    let report = scan("dup.yaml", text);
    let duplicate = of_rule(&report, "duplicate-key").next().expect("finding");
    assert_eq!((duplicate.line, duplicate.column), (12, 7));
    let object = duplicate.object.as_ref().expect("object");
    assert_eq!(object.kind, "Secret");
    assert_eq!(
        duplicate.source_line, None,
        "a Secret's line must not be quoted"
    );
}

#[test]
fn duplicate_key_outside_objects() {
    let report = scan("dup.yaml", "a: 1\na: 2\n");
    assert_eq!(positions(&report, "duplicate-key"), vec![(2, 1)]);
    let finding = of_rule(&report, "duplicate-key").next().expect("finding");
    assert!(finding.object.is_none());
    assert_eq!(finding.source_line, None);
}

#[test]
fn utf16_with_byte_order_mark() {
    let text = "apiVersion: v1\nkind: Pod\nmetadata: {name: wide}\nspec:\n  containers: web\n";
    for big_endian in [false, true] {
        let mut bytes = if big_endian {
            vec![0xFE, 0xFF]
        } else {
            vec![0xFF, 0xFE]
        };
        for unit in text.encode_utf16() {
            let pair = if big_endian {
                unit.to_be_bytes()
            } else {
                unit.to_le_bytes()
            };
            bytes.extend_from_slice(&pair);
        }
        let report = scan_raw("wide.yaml", &bytes);
        assert_eq!(report.objects, 1, "big endian: {big_endian}");
        assert_eq!(
            positions(&report, INVALID_TYPE),
            vec![(5, 3)],
            "big endian: {big_endian}"
        );
    }
}

#[test]
fn parse_error_keeps_other_documents() {
    let text = "\
apiVersion: v1
kind: Pod
metadata: {name: before}
spec: {containers: [{name: a, securityContext: {privileged: true}}]}
---
apiVersion: v1
kind: ConfigMap
data: {a: \"unterminated}
---
apiVersion: v1
kind: Pod
metadata: {name: after}
spec: {containers: [{name: a, securityContext: {privileged: true}}]}
";
    let report = scan("broken.yaml", text);
    assert_eq!(report.objects, 2);
    assert_eq!(positions(&report, PRIVILEGED), vec![(4, 49), (13, 49)]);
    let errors = positions(&report, PARSE_ERROR);
    assert_eq!(errors.len(), 1);
    assert_eq!(errors[0].0, 8, "{errors:?}");
}

#[test]
fn cron_job_and_pod_template() {
    let text = "\
apiVersion: batch/v1
kind: CronJob
metadata: {name: nightly}
spec:
  jobTemplate:
    spec:
      template:
        spec:
          containers: [{name: c, securityContext: {privileged: true}}]
---
apiVersion: v1
kind: PodTemplate
metadata: {name: t}
template:
  spec:
    ephemeralContainers:
      - name: debug
        securityContext:
          privileged: true
";
    let report = scan("owners.yaml", text);
    assert_eq!(report.objects, 2);
    assert_eq!(positions(&report, PRIVILEGED), vec![(9, 52), (19, 11)]);
}
