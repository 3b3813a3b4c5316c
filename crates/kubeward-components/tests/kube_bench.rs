//! The evaluator cases of kube-bench, the common runner of the CIS
//! Kubernetes Benchmark, passed through kubeward's flag parser, config
//! reader and compare operators: each case gives a check's test items, what
//! a node showed (command line, config file, environment) and the expected
//! verdict.

use std::path::Path;

use kubeward_components::evaluate::{BinOp, Observed, Op, TestItem, compare, evaluate};
use kubeward_yaml::NodeRef;

/// A check of the control file: its test items and how they combine.
struct Check {
    id: String,
    items: Vec<TestItem>,
    bin_op: BinOp,
}

/// Reads every check of a kube-bench control file. `user` replaces
/// `$user`, as kube-bench's own tests do before parsing.
fn read_checks(text: &str, user: &str) -> Vec<Check> {
    let text = text.replace("$user", user);
    let chunks = kubeward_yaml::split_documents(&text);
    let mut checks = Vec::new();
    for chunk in chunks {
        let parsed = kubeward_yaml::parse_document(chunk);
        assert!(parsed.error.is_none(), "{:?}", parsed.error);
        for document in &parsed.documents {
            let Some(root) = document.root() else {
                continue;
            };
            let Some(groups) = root.get("groups") else {
                continue;
            };
            for group in groups.items() {
                for check in group.get("checks").iter().flat_map(NodeRef::items) {
                    checks.push(read_check(check));
                }
            }
        }
    }
    checks
}

fn text(node: Option<NodeRef<'_, '_>>) -> Option<String> {
    node.and_then(|n| n.scalar_text())
        .map(std::borrow::Cow::into_owned)
}

fn read_check(check: NodeRef<'_, '_>) -> Check {
    let id = text(check.get("id")).expect("check id");
    let tests = check.get("tests");
    let bin_op = match text(tests.and_then(|t| t.get("bin_op"))).as_deref() {
        Some("or") => BinOp::Or,
        _ => BinOp::And,
    };
    let items = tests
        .and_then(|t| t.get("test_items"))
        .iter()
        .flat_map(NodeRef::items)
        .map(|item| TestItem {
            flag: text(item.get("flag")),
            path: text(item.get("path")),
            env: text(item.get("env")),
            set: item.get_bool("set").unwrap_or(false),
            compare: item.get("compare").map(|compare| {
                (
                    Op::parse(&text(compare.get("op")).unwrap_or_default()),
                    text(compare.get("value")).unwrap_or_default(),
                )
            }),
        })
        .collect();
    Check { id, items, bin_op }
}

/// The rows of a TSV file after its header, with `\n` in cells turned into
/// line breaks.
fn rows(path: &Path) -> Vec<Vec<String>> {
    let text = std::fs::read_to_string(path).expect("TSV file");
    text.lines()
        .skip(1)
        .filter(|line| !line.trim().is_empty())
        .map(|line| {
            line.split('\t')
                .map(|cell| cell.replace("\\n", "\n"))
                .collect()
        })
        .collect()
}

fn cell(row: &[String], index: usize) -> &str {
    row.get(index).map_or("", String::as_str)
}

#[test]
fn audit_cases_match_kube_bench() {
    let Some(shared) = kubeward_testutil::shared_dir("audit_cases_match_kube_bench") else {
        return;
    };
    let suite = shared.join("peer-suites/kube-bench");
    let data = std::fs::read_to_string(suite.join("fixtures/check/data")).expect("check data");
    let checks = read_checks(&data, "kube-bench-user");
    let cases = rows(&suite.join("expected/audit-cases.tsv"));
    assert!(cases.len() >= 40, "only {} cases read", cases.len());
    let mut failures = Vec::new();
    for row in &cases {
        let (case, id) = (cell(row, 0), cell(row, 1));
        let check = checks
            .iter()
            .find(|c| c.id == id)
            .unwrap_or_else(|| panic!("case {case}: no check {id} in the control file"));
        let some = |text: &str| (!text.is_empty()).then_some(text.to_owned());
        let (output, config, env) = (some(cell(row, 3)), some(cell(row, 4)), some(cell(row, 5)));
        let observed = Observed {
            output: output.as_deref(),
            config: config.as_deref(),
            env: env.as_deref(),
        };
        let (pass, results) = evaluate(&check.items, check.bin_op, observed);
        let expected = cell(row, 6) == "pass";
        if pass != expected {
            failures.push(format!(
                "case {case} (check {id}, {}): expected {}, got {}: {results:?}",
                cell(row, 2),
                cell(row, 6),
                if pass { "pass" } else { "fail" }
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn compare_operators_match_kube_bench() {
    let Some(shared) = kubeward_testutil::shared_dir("compare_operators_match_kube_bench") else {
        return;
    };
    let cases = rows(&shared.join("peer-suites/kube-bench/expected/compare-ops.tsv"));
    assert!(cases.len() >= 60, "only {} cases read", cases.len());
    let mut failures = Vec::new();
    for row in &cases {
        let op = Op::parse(cell(row, 1));
        let pass = compare(&op, cell(row, 2), cell(row, 3)).unwrap_or(false);
        let expected = cell(row, 5) == "pass";
        if pass != expected {
            failures.push(format!(
                "case {} ({}): expected {}",
                cell(row, 0),
                cell(row, 7),
                cell(row, 5)
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
