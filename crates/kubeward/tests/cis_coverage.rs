//! Keeps docs/cis-coverage.md current: for each control of the CIS
//! Kubernetes Benchmark v1.12, the kubeward rules whose documentation cites
//! it, or why none does. `UPDATE_DOCS=1` rewrites the page.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::PathBuf;

use kubeward_core::{Family, RuleDef};
use regex::Regex;

/// One control: id, title, and whether the benchmark calls it automated.
struct Control {
    id: String,
    title: String,
    automated: bool,
}

fn controls(tsv: &str) -> Vec<Control> {
    tsv.lines()
        .skip(1)
        .filter_map(|line| {
            let cells: Vec<&str> = line.split('\t').collect();
            (cells.first() == Some(&"cis-1.12")).then(|| Control {
                id: cells[2].to_owned(),
                title: cells[3].to_owned(),
                automated: benchmark_automated(cells[3], cells[4]),
            })
        })
        .collect()
}

/// Whether the CIS benchmark marks a control Automated. The title ends
/// with "(Automated)" or "(Manual)" as the benchmark marks it; the `type`
/// column says whether kube-bench runs an audit command, which it also does
/// for many Manual controls, so it decides only for a title with no mark.
fn benchmark_automated(title: &str, kube_bench_type: &str) -> bool {
    let title = title.trim_end();
    if title.ends_with("(Manual)") {
        false
    } else if title.ends_with("(Automated)") {
        true
    } else {
        kube_bench_type == "automated"
    }
}

/// Returns the control ids a rule's References cite, for v1.12 or with no
/// version. "A to B" covers every id between A and B with the same prefix.
fn cited_by(rule: &RuleDef, known: &[Control]) -> Vec<String> {
    cited_in(rule.raw_docs, known)
}

/// Returns the control ids that References lines in `docs` cite.
fn cited_in(docs: &str, known: &[Control]) -> Vec<String> {
    let reference = Regex::new(r"CIS Kubernetes Benchmark (?:v1\.12 )?(\d[^:(\n]*)").unwrap();
    let id = Regex::new(r"\d+(?:\.\d+)*").unwrap();
    let range = Regex::new(r"(\d+(?:\.\d+)*)\.(\d+) to (\d+(?:\.\d+)*)\.(\d+)").unwrap();
    let mut ids: Vec<String> = Vec::new();
    for line in docs.lines() {
        let Some(found) = reference.captures(line) else {
            continue;
        };
        let text = &found[1];
        ids.extend(id.find_iter(text).map(|m| m.as_str().to_owned()));
        for span in range.captures_iter(text) {
            let (prefix, from, to) = (&span[1], &span[2], &span[4]);
            let (from, to): (u32, u32) = (from.parse().unwrap(), to.parse().unwrap());
            for control in known {
                if let Some(last) = control.id.strip_prefix(&format!("{prefix}.")) {
                    if last.parse::<u32>().is_ok_and(|n| (from..=to).contains(&n)) {
                        ids.push(control.id.clone());
                    }
                }
            }
        }
    }
    // Keep only ids the benchmark defines, which drops those of other
    // versions.
    ids.retain(|id| known.iter().any(|control| control.id == *id));
    ids.sort_by_key(|id| sort_key(id));
    ids.dedup();
    ids
}

fn sort_key(id: &str) -> Vec<u32> {
    id.split('.').filter_map(|part| part.parse().ok()).collect()
}

/// Maps each control id the rules cite to the rules that cite it.
fn cited(known: &[Control]) -> BTreeMap<String, Vec<&'static str>> {
    let mut out: BTreeMap<String, Vec<&'static str>> = BTreeMap::new();
    for rule in kubeward_rules::all() {
        for id in cited_by(rule, known) {
            out.entry(id).or_default().push(rule.id);
        }
    }
    out
}

/// The families that check control-plane and node programs.
const CONTROL_PLANE: [Family; 9] = [
    Family::ApiServer,
    Family::Etcd,
    Family::Encryption,
    Family::Kubelet,
    Family::Audit,
    Family::ControllerManager,
    Family::Scheduler,
    Family::KubeProxy,
    Family::NodeFiles,
];

fn control_plane_rules() -> Vec<&'static RuleDef> {
    kubeward_rules::all()
        .filter(|rule| CONTROL_PLANE.contains(&rule.family) || rule.id == "setting-undetermined")
        .collect()
}

/// Builds the README's table of control-plane rules and the controls they
/// check.
fn readme_table(known: &[Control]) -> String {
    let mut table = String::from("| rule | CIS v1.12 | checks |\n|---|---|---|\n");
    for rule in control_plane_rules() {
        let ids = cited_by(rule, known);
        let cis = if ids.is_empty() {
            "not in v1.12".to_owned()
        } else {
            compress(&ids)
        };
        writeln!(table, "| `{}` | {cis} | {} |", rule.id, rule.summary).unwrap();
    }
    table
}

/// Ids joined with commas, runs of consecutive last numbers as `A to B`.
fn compress(ids: &[String]) -> String {
    let mut parts: Vec<String> = Vec::new();
    let mut run: Vec<&String> = Vec::new();
    let flush = |run: &mut Vec<&String>, parts: &mut Vec<String>| {
        match run.len() {
            0 => {}
            1 | 2 => parts.extend(run.iter().map(|id| (*id).clone())),
            _ => parts.push(format!("{} to {}", run[0], run[run.len() - 1])),
        }
        run.clear();
    };
    for id in ids {
        let continues = run.last().is_some_and(|last| {
            let (a, b) = (sort_key(last), sort_key(id));
            a.len() == b.len()
                && a[..a.len() - 1] == b[..b.len() - 1]
                && a[a.len() - 1] + 1 == b[b.len() - 1]
        });
        if !continues {
            flush(&mut run, &mut parts);
        }
        run.push(id);
    }
    flush(&mut run, &mut parts);
    parts.join(", ")
}

/// Why no rule checks a control, where there is more to say than that the
/// benchmark calls it manual.
const UNCHECKED: &[(&str, &str)] = &[
    (
        "1.2.20",
        "the benchmark sets no value; the right timeout depends on the cluster",
    ),
    (
        "3.1.1",
        "how people authenticate is not written in any file kubeward reads",
    ),
    (
        "3.1.2",
        "how people authenticate is not written in any file kubeward reads",
    ),
    (
        "3.1.3",
        "how people authenticate is not written in any file kubeward reads",
    ),
    (
        "4.2.8",
        "the benchmark sets no value; the right event rate depends on the cluster",
    ),
    (
        "5.1.7",
        "membership of system:masters is in client certificates, not in objects",
    ),
    (
        "5.3.1",
        "which CNI plugin runs, and what it supports, is not in the manifests",
    ),
    (
        "5.4.2",
        "choosing an external secret store is a design decision",
    ),
    (
        "5.6.1",
        "which namespaces a team needs is a design decision",
    ),
];

fn render(controls: &[Control]) -> String {
    let cited = cited(controls);
    let mut page = String::from(
        "# CIS Kubernetes Benchmark v1.12 coverage\n\n\
         Each control of the benchmark, the kubeward rules that check it, or why no rule\n\
         does. Generated from the References section of every rule by\n\
         `crates/kubeward/tests/cis_coverage.rs` (`UPDATE_DOCS=1` rewrites it).\n\n\
         Manual controls need a person's judgement or facts kubeward cannot read (who\n\
         may log in to a node, what a policy should allow); `kubeward node` and\n\
         `kubeward scan` report the related settings where a rule exists.\n\n\
         | id | control | type | kubeward rules |\n|---|---|---|---|\n",
    );
    let (mut checked, mut automated_open) = (0, Vec::new());
    for control in controls {
        let cell = if let Some(rules) = cited.get(&control.id) {
            checked += 1;
            let links: Vec<String> = rules
                .iter()
                .map(|id| format!("[`{id}`](rules/{id}.md)"))
                .collect();
            links.join(", ")
        } else {
            if control.automated {
                automated_open.push(control.id.clone());
            }
            let reason = UNCHECKED.iter().find(|(id, _)| *id == control.id).map_or(
                "manual in the benchmark: needs a person's judgement",
                |(_, why)| why,
            );
            format!("none: {reason}")
        };
        let kind = if control.automated {
            "automated"
        } else {
            "manual"
        };
        let title = control.title.replace('|', "\\|");
        writeln!(page, "| {} | {title} | {kind} | {cell} |", control.id).unwrap();
    }
    write!(
        page,
        "\n{checked} of {} controls have a rule; automated controls without one: {}.\n",
        controls.len(),
        if automated_open.is_empty() {
            "none".to_owned()
        } else {
            automated_open.join(", ")
        }
    )
    .unwrap();
    page
}

#[test]
fn control_type_follows_the_benchmark_mark() {
    let tsv = "benchmark\tfile\tid\ttext\ttype\n\
               cis-1.12\tmaster\t1.2.1\tEnsure anonymous auth is off (Manual)\tautomated\n\
               cis-1.12\tmaster\t1.2.2\tEnsure a token file is not set (Automated)\tautomated\n\
               cis-1.12\tmaster\t1.2.3\tEnsure something\tmanual\n";
    let controls = controls(tsv);
    let kinds: Vec<(&str, bool)> = controls
        .iter()
        .map(|c| (c.id.as_str(), c.automated))
        .collect();
    assert_eq!(kinds, [("1.2.1", false), ("1.2.2", true), ("1.2.3", false)]);
}

#[test]
fn cis_coverage_page_is_current() {
    let Some(shared) = kubeward_testutil::shared_dir("cis_coverage_page_is_current") else {
        return;
    };
    let tsv = std::fs::read_to_string(shared.join("peer-suites/kube-bench/CONTROLS.tsv"))
        .expect("CONTROLS.tsv");
    let controls = controls(&tsv);
    assert!(controls.len() > 100, "only {} controls", controls.len());
    let page = render(&controls);
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../docs/cis-coverage.md");
    if std::env::var_os("UPDATE_DOCS").is_some() {
        std::fs::write(&path, &page).expect("write docs/cis-coverage.md");
        return;
    }
    let current = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        current == page,
        "docs/cis-coverage.md is stale: run UPDATE_DOCS=1 cargo test -p kubeward --test cis_coverage"
    );
}

const README_START: &str =
    "<!-- control-plane rules: generated by crates/kubeward/tests/cis_coverage.rs -->\n";
const README_END: &str = "<!-- end of control-plane rules -->";

#[test]
fn readme_lists_control_plane_rules() {
    let Some(shared) = kubeward_testutil::shared_dir("readme_lists_control_plane_rules") else {
        return;
    };
    let tsv = std::fs::read_to_string(shared.join("peer-suites/kube-bench/CONTROLS.tsv"))
        .expect("CONTROLS.tsv");
    let table = readme_table(&controls(&tsv));
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../README.md");
    let readme = std::fs::read_to_string(&path).expect("README.md");
    let start = readme
        .find(README_START)
        .expect("README has the control-plane rules marker")
        + README_START.len();
    let end = readme[start..]
        .find(README_END)
        .expect("README has the end marker")
        + start;
    if std::env::var_os("UPDATE_DOCS").is_some() {
        let updated = format!("{}{table}{}", &readme[..start], &readme[end..]);
        std::fs::write(&path, updated).expect("write README.md");
        return;
    }
    assert!(
        readme[start..end] == table,
        "the README's control-plane rules are stale: run UPDATE_DOCS=1 cargo test -p kubeward --test cis_coverage"
    );
}

#[test]
fn explain_shows_cis_ids() {
    let Some(shared) = kubeward_testutil::shared_dir("explain_shows_cis_ids") else {
        return;
    };
    let tsv = std::fs::read_to_string(shared.join("peer-suites/kube-bench/CONTROLS.tsv"))
        .expect("CONTROLS.tsv");
    let known = controls(&tsv);
    for rule in control_plane_rules() {
        let output = std::process::Command::new(env!("CARGO_BIN_EXE_kubeward"))
            .args(["explain", rule.id])
            .output()
            .expect("kubeward runs");
        assert!(output.status.success(), "{}", rule.id);
        let page = String::from_utf8(output.stdout).expect("UTF-8");
        assert!(page.contains("## References"), "{}", rule.id);
        assert_eq!(
            cited_in(&page, &known),
            cited_by(rule, &known),
            "{}",
            rule.id
        );
    }
}
