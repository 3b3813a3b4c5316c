//! The example shop is scanned as `examples/README.md` says: each file's
//! mistakes are reported by the rules its table names, with the default
//! profile.

mod common;

use std::collections::BTreeSet;

use common::kubeward;

const EXAMPLES: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../examples");

/// Each file of the table and the rules it names for the default profile.
const TABLE: &[(&str, &[&str])] = &[
    (
        "storefront/deployment.yaml",
        &[
            "image-latest-tag",
            "missing-memory-request",
            "missing-memory-limit",
        ],
    ),
    (
        "orders/deployment.yaml",
        &[
            "secret-in-env-literal",
            "pss-capabilities-baseline",
            "pss-seccomp-restricted",
            "pss-run-as-non-root",
        ],
    ),
    (
        "orders/database.yaml",
        &[
            "image-latest-tag",
            "network-sensitive-reachable-from-all-namespaces",
        ],
    ),
    (
        "jobs/backup.yaml",
        &[
            "pss-privileged",
            "container-runtime-socket",
            "pss-host-namespaces",
            "rbac-workload-token-rights",
        ],
    ),
    (
        "monitoring/node-agent.yaml",
        &[
            "writable-host-path",
            "host-path-sensitive",
            "pss-host-namespaces",
            "pss-capabilities-baseline",
        ],
    ),
    ("platform/rbac.yaml", &["rbac-cluster-admin"]),
];

/// (file relative to `examples/shop`, rule) of every finding of a scan.
fn findings(args: &[&str]) -> (i32, BTreeSet<(String, String)>) {
    let output = kubeward()
        .current_dir(EXAMPLES)
        .args(["scan", "-o", "json"])
        .args(args)
        .arg(".")
        .output()
        .expect("kubeward runs");
    let report: serde_json::Value = serde_json::from_slice(&output.stdout).expect("output is JSON");
    let found = report["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .map(|finding| {
            let file = finding["file"].as_str().expect("file");
            let file = file.trim_start_matches("./").trim_start_matches("shop/");
            let rule = finding["rule"].as_str().expect("rule");
            (file.to_owned(), rule.to_owned())
        })
        .collect();
    (output.status.code().expect("exit status"), found)
}

#[test]
fn readme_table_holds() {
    let (code, found) = findings(&[]);
    assert_eq!(code, 1, "critical and high findings fail the scan");
    for (file, rules) in TABLE {
        for rule in *rules {
            assert!(
                found.contains(&((*file).to_owned(), (*rule).to_owned())),
                "{file}: {rule} is not reported"
            );
        }
    }
}

#[test]
fn nodeport_needs_profile_all() {
    let entry = (
        "orders/database.yaml".to_owned(),
        "external-entry-point".to_owned(),
    );
    let (_, default) = findings(&[]);
    assert!(!default.contains(&entry));
    let (_, all) = findings(&["--profile", "all"]);
    assert!(all.contains(&entry));
}

#[test]
fn secret_reading_role_not_reported() {
    let (_, all) = findings(&["--profile", "all"]);
    assert!(!all.contains(&(
        "platform/rbac.yaml".to_owned(),
        "rbac-secrets-read".to_owned()
    )));
}
