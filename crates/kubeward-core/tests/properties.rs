//! Property tests of the whole scan: arbitrary bytes and manifest-like
//! text never panic, and every finding points inside the input.

mod common;

use kubeward_core::yaml::{decode, normalize_line_breaks};
use proptest::prelude::*;

/// Lines from manifests, mixed with arbitrary printable text.
fn manifest_lines() -> impl Strategy<Value = Vec<u8>> {
    let line = prop_oneof![
        Just("---".to_owned()),
        Just("apiVersion: v1".to_owned()),
        Just("kind: Pod".to_owned()),
        Just("kind: List".to_owned()),
        Just("items:".to_owned()),
        Just("- apiVersion: apps/v1".to_owned()),
        Just("  kind: Deployment".to_owned()),
        Just("spec:".to_owned()),
        Just("  template: {spec: {containers: [{name: a}]}}".to_owned()),
        Just("  containers:".to_owned()),
        Just("    - name: c".to_owned()),
        Just("      securityContext: {privileged: \"true\", runAsUser: 0}".to_owned()),
        Just("      <<: *a".to_owned()),
        Just("  hostNetwork: &a yes".to_owned()),
        Just("  k: |".to_owned()),
        Just("# comment".to_owned()),
        "[ -~]{0,20}",
    ];
    let ending = prop_oneof![Just("\n"), Just("\r\n"), Just("\r")];
    prop::collection::vec((line, ending), 0..30).prop_map(|lines| {
        lines
            .into_iter()
            .flat_map(|(l, e)| (l + e).into_bytes())
            .collect()
    })
}

fn assert_findings_inside(bytes: &[u8]) -> Result<(), TestCaseError> {
    let report = common::scan_raw("p.yaml", bytes);
    let decoded = decode(bytes).text;
    let text = normalize_line_breaks(&decoded);
    let lines: Vec<&str> = text.split('\n').collect();
    for finding in &report.findings {
        prop_assert!(finding.line >= 1 && finding.column >= 1, "{:?}", finding);
        let line = lines.get(finding.line as usize - 1);
        prop_assert!(line.is_some(), "line beyond the input: {:?}", finding);
        let width = line.map_or(0, |l| l.chars().count());
        prop_assert!(finding.column as usize <= width + 1, "{:?}", finding);
        if let Some(quoted) = &finding.source_line {
            prop_assert_eq!(
                Some(quoted.as_str()),
                line.map(|l| l.trim_end_matches('\r'))
            );
        }
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn arbitrary_bytes_scan(bytes in prop::collection::vec(any::<u8>(), 0..400)) {
        assert_findings_inside(&bytes)?;
    }

    #[test]
    fn manifest_like_text_scans(bytes in manifest_lines()) {
        assert_findings_inside(&bytes)?;
    }
}

/// A List holding a Secret whose value is `value` and a privileged Pod, in
/// the layout the flags pick: each item in block or flow style, the whole
/// list as one line of JSON, and either item first.
fn secret_beside_pod(value: &str, field: &str, flags: [bool; 4]) -> String {
    let [secret_flow, pod_flow, json, secret_first] = flags;
    if json {
        let secret = format!(
            r#"{{"apiVersion":"v1","kind":"Secret","metadata":{{"name":"s"}},"{field}":{{"k":"{value}"}}}}"#
        );
        let pod = r#"{"apiVersion":"v1","kind":"Pod","metadata":{"name":"p"},"spec":{"containers":[{"name":"c","securityContext":{"privileged":true}}]}}"#;
        let items = if secret_first {
            format!("{secret},{pod}")
        } else {
            format!("{pod},{secret}")
        };
        return format!(r#"{{"apiVersion":"v1","kind":"List","items":[{items}]}}"#);
    }
    let secret = if secret_flow {
        format!(
            "  - {{apiVersion: v1, kind: Secret, metadata: {{name: s}}, {field}: {{k: {value}}}}}\n"
        )
    } else {
        format!(
            "  - apiVersion: v1\n    kind: Secret\n    metadata: {{name: s}}\n    {field}:\n      k: {value}\n"
        )
    };
    let pod = if pod_flow {
        "  - {apiVersion: v1, kind: Pod, metadata: {name: p}, spec: {containers: [{name: c, securityContext: {privileged: true}}]}}\n".to_owned()
    } else {
        "  - apiVersion: v1\n    kind: Pod\n    metadata: {name: p}\n    spec:\n      containers:\n        - {name: c, securityContext: {privileged: true}}\n".to_owned()
    };
    let items = if secret_first {
        secret + &pod
    } else {
        pod + &secret
    };
    format!("apiVersion: v1\nkind: List\nitems:\n{items}")
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(128))]

    #[test]
    fn secret_values_never_quoted(
        value in "zz[a-zA-Z0-9]{10,20}",
        string_data in any::<bool>(),
        flags in any::<[bool; 4]>(),
    ) {
        let field = if string_data { "stringData" } else { "data" };
        let text = secret_beside_pod(&value, field, flags);
        let report = common::scan("list.yaml", &text);
        prop_assert!(
            report.findings.iter().any(|f| f.rule == "pss-privileged"),
            "the Pod is checked:\n{}", text
        );
        for finding in &report.findings {
            let quoted = finding.source_line.as_deref().unwrap_or("");
            prop_assert!(!quoted.contains(&value), "{} quotes the value:\n{}", finding.rule, text);
        }
    }
}
