//! `generate --from connlist` keeps every connection as it is: applying
//! the generated policies next to the input leaves the connection list
//! unchanged, so no pod gains or loses traffic.
//!
//! NetworkPolicy ports name TCP, UDP and SCTP only, so a connection that
//! allows other protocols on some ports cannot keep them; the lists are
//! compared without the "other protocols" part of such port sets.

use std::collections::BTreeMap;
use std::fmt::Write;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use kubeward_core::{Inventory, KindSet, ScanOptions, ScanPlan, StoredObject, scan_bytes_with};
use kubeward_netpol::connlist::{End, connlist, end_name};
use kubeward_netpol::generate::{Intent, generate};
use kubeward_netpol::ip::IpSet;
use kubeward_netpol::ports::{PortSet, Protocol};
use kubeward_netpol::{Analysis, Model};

fn plan() -> ScanPlan<'static> {
    ScanPlan {
        rules: &[],
        options: ScanOptions::default(),
        keep: KindSet::all(),
    }
}

fn scan(name: &str, bytes: &[u8]) -> Vec<StoredObject> {
    let name: Arc<str> = Arc::from(name);
    scan_bytes_with(&name, bytes, &plan()).stored
}

fn objects(dir: &Path) -> Vec<StoredObject> {
    let (inputs, _) = kubeward_intake::collect_inputs(&[dir.to_path_buf()]);
    let mut stored = Vec::new();
    for file in inputs {
        if let Ok(bytes) = kubeward_intake::read_input(&file) {
            stored.extend(scan(&file.display(), &bytes));
        }
    }
    stored
}

/// The connection list, with each workload's external ranges that allow
/// the same ports merged into one set.
fn listed(objects: Vec<StoredObject>) -> String {
    let inventory = Inventory::new(objects);
    let model = Model::build(&inventory);
    let list = connlist(&Analysis::new(&model));
    let mut lines: BTreeMap<(String, String, String), Option<IpSet>> = BTreeMap::new();
    for connection in &list.connections {
        let ports = if connection.ports.is_all() {
            connection.ports.clone()
        } else {
            three_protocols(&connection.ports)
        };
        let (key, set) = match (&connection.src, &connection.dst) {
            (End::External(set), dst) => (
                (
                    "external".to_owned(),
                    end_name(&model, dst),
                    ports.to_string(),
                ),
                Some(set),
            ),
            (src, End::External(set)) => (
                (
                    end_name(&model, src),
                    "external".to_owned(),
                    ports.to_string(),
                ),
                Some(set),
            ),
            (src, dst) => (
                (
                    end_name(&model, src),
                    end_name(&model, dst),
                    ports.to_string(),
                ),
                None,
            ),
        };
        let entry = lines.entry(key).or_default();
        if let Some(set) = set {
            *entry = Some(entry.as_ref().map_or_else(|| set.clone(), |e| e.union(set)));
        }
    }
    let mut out = String::new();
    for ((src, dst, ports), set) in lines {
        let set = set.map(|s| s.to_string()).unwrap_or_default();
        let _ = writeln!(out, "{src} => {dst} {set}: {ports}");
    }
    out
}

fn three_protocols(ports: &PortSet) -> PortSet {
    let mut out = PortSet::none();
    for protocol in Protocol::ALL {
        out.add(&PortSet::of(protocol, ports.ports(protocol).clone()));
    }
    out
}

/// The connection lists before and after, and the generated policies.
fn round_trip(input: &dyn Fn() -> Vec<StoredObject>) -> (String, String, String) {
    let before = listed(input());
    let inventory = Inventory::new(input());
    let model = Model::build(&inventory);
    let policies = generate(&Analysis::new(&model), Intent::Connlist);
    let mut all = input();
    let generated = scan("generated.yaml", policies.as_bytes());
    all.extend(generated);
    (before, listed(all), policies)
}

const UNLABELLED_NEXT_TO_ISOLATED: &str = "\
apiVersion: v1
kind: Pod
metadata: {name: bare, namespace: q}
spec:
  containers: [{name: c, image: \"x:1\"}]
---
apiVersion: v1
kind: Pod
metadata: {name: secure, namespace: q, labels: {app: secure}}
spec:
  containers: [{name: c, image: \"x:1\", ports: [{containerPort: 443}]}]
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: secure, namespace: q}
spec:
  podSelector: {matchLabels: {app: secure}}
  policyTypes: [Ingress, Egress]
  ingress:
  - from: [{podSelector: {matchLabels: {app: secure}}}]
";

#[test]
fn unlabelled_pods_do_not_open_isolated_neighbours() {
    let (before, after, policies) =
        round_trip(&|| scan("nolab.yaml", UNLABELLED_NEXT_TO_ISOLATED.as_bytes()));
    assert_eq!(before, after, "{policies}");
    assert!(policies.contains("operator: DoesNotExist"), "{policies}");
}

/// Two pods share `app: web` and one of them also has `tier: edge`; only
/// that one is open.
const SHARED_LABELS: &str = "\
apiVersion: v1
kind: Pod
metadata: {name: web, namespace: s, labels: {app: web}}
spec:
  containers: [{name: c, image: \"x:1\"}]
---
apiVersion: v1
kind: Pod
metadata: {name: edge, namespace: s, labels: {app: web, tier: edge}}
spec:
  containers: [{name: c, image: \"x:1\"}]
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: closed, namespace: s}
spec:
  podSelector: {}
  policyTypes: [Ingress, Egress]
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: edge, namespace: s}
spec:
  podSelector: {matchLabels: {tier: edge}}
  ingress: [{}]
  egress: [{}]
";

#[test]
fn shared_labels_do_not_open_the_narrower_pod() {
    let (before, after, policies) = round_trip(&|| scan("shared.yaml", SHARED_LABELS.as_bytes()));
    assert_eq!(before, after, "{policies}");
}

fn check_dirs(dirs: &[PathBuf]) {
    let mut failures = Vec::new();
    for dir in dirs {
        let (before, after, policies) = round_trip(&|| objects(dir));
        if before != after {
            failures.push(format!(
                "{}:\n--- before\n{before}--- after\n{after}--- generated\n{policies}",
                dir.display()
            ));
        }
    }
    println!("{} inputs checked", dirs.len());
    assert!(
        failures.is_empty(),
        "{} of {} inputs changed:\n{}",
        failures.len(),
        dirs.len(),
        failures.join("\n")
    );
}

fn subdirs(dir: &Path) -> Vec<PathBuf> {
    let mut out: Vec<PathBuf> = std::fs::read_dir(dir)
        .map(|entries| {
            entries
                .filter_map(Result::ok)
                .map(|e| e.path())
                .filter(|p| p.is_dir())
                .collect()
        })
        .unwrap_or_default();
    out.sort();
    out
}

#[test]
fn peer_suite_inputs_keep_their_connections() {
    let Some(shared) = kubeward_testutil::shared_dir("generate round trip on peer suites") else {
        return;
    };
    let suite = shared.join("peer-suites/netpol-analyzer");
    let text = std::fs::read_to_string(suite.join("CASES.json")).expect("CASES.json is readable");
    let doc: serde_json::Value = serde_json::from_str(&text).expect("CASES.json is JSON");
    let mut dirs: Vec<PathBuf> = doc["cases"]
        .as_array()
        .expect("cases is a list")
        .iter()
        .filter(|c| c["mode"] == "connlist" && c["multiple_networks_enabled"] != true)
        .filter_map(|c| c["input_dir"].as_str().map(|d| suite.join(d)))
        .collect();
    dirs.sort();
    dirs.dedup();
    check_dirs(&dirs);
}

#[test]
fn corpus_inputs_keep_their_connections() {
    let Some(shared) = kubeward_testutil::shared_dir("generate round trip on the corpus") else {
        return;
    };
    check_dirs(&subdirs(&shared.join("corpus/network")));
}

/// Two Pods with the same labels whose named port `http` is 80 on one and
/// 8080 on the other: a policy allowing `http` lets in different ports.
const SAME_LABELS_DIFFERENT_PORTS: &str = "\
apiVersion: v1
kind: Pod
metadata: {name: web-a, namespace: w, labels: {app: web}}
spec:
  containers: [{name: c, image: \"x:1\", ports: [{name: http, containerPort: 80}]}]
---
apiVersion: v1
kind: Pod
metadata: {name: web-b, namespace: w, labels: {app: web}}
spec:
  containers: [{name: c, image: \"x:1\", ports: [{name: http, containerPort: 8080}]}]
---
apiVersion: v1
kind: Pod
metadata: {name: client, namespace: w, labels: {app: client}}
spec:
  containers: [{name: c, image: \"x:1\"}]
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: web, namespace: w}
spec:
  podSelector: {matchLabels: {app: web}}
  policyTypes: [Ingress, Egress]
  ingress:
  - from: [{podSelector: {matchLabels: {app: client}}}]
    ports: [{port: http}]
";

#[test]
fn pods_no_selector_tells_apart_get_no_policy() {
    let (before, after, policies) =
        round_trip(&|| scan("ports.yaml", SAME_LABELS_DIFFERENT_PORTS.as_bytes()));
    assert!(
        policies.contains("# No policy is generated for Pod/w/web-a, Pod/w/web-b"),
        "{policies}"
    );
    assert!(!policies.contains("allow-ingress-web"), "{policies}");
    // Nothing is widened: every connection after was there before.
    let before: Vec<&str> = before.lines().collect();
    for line in after.lines() {
        assert!(before.contains(&line), "{line} is new:\n{policies}");
    }
}
