//! `reach` queries: a workload with itself, host-network sources and the
//! targets it accepts.

use std::sync::Arc;

use kubeward_core::{Inventory, KindSet, ScanOptions, ScanPlan, scan_bytes_with};
use kubeward_netpol::reach::{Target, reach, render_text};
use kubeward_netpol::{Analysis, Model};

fn inventory(text: &str) -> Inventory {
    let plan = ScanPlan {
        rules: &[],
        options: ScanOptions::default(),
        keep: KindSet::all(),
    };
    let name: Arc<str> = Arc::from("input.yaml");
    Inventory::new(scan_bytes_with(&name, text.as_bytes(), &plan).stored)
}

/// Answers `reach --from FROM --to TO` as the text and whether any pair
/// is allowed.
fn ask(text: &str, from: &str, to: &str) -> (String, bool) {
    let inventory = inventory(text);
    let model = Model::build(&inventory);
    let sources = Target::parse(from, None).expect("source").resolve(&model);
    let destinations = Target::parse(to, None)
        .expect("destination")
        .resolve(&model);
    assert!(!sources.is_empty(), "{from} selects nothing");
    assert!(!destinations.is_empty(), "{to} selects nothing");
    let analysis = Analysis::new(&model);
    let answers = reach(&analysis, &sources, &destinations, None);
    let allowed = answers.iter().any(|a| !a.allowed.is_empty());
    (render_text(&model, &answers, None), allowed)
}

const ONE_WORKLOAD: &str = "\
apiVersion: apps/v1
kind: Deployment
metadata: {name: api, namespace: tools}
spec:
  replicas: 2
  selector: {matchLabels: {app: api}}
  template:
    metadata: {labels: {app: api}}
    spec:
      containers: [{name: c, image: x, ports: [{containerPort: 80}]}]
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: db, namespace: tools}
spec:
  selector: {matchLabels: {app: db}}
  template:
    metadata: {labels: {app: db}}
    spec:
      containers: [{name: c, image: x}]
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: db, namespace: tools}
spec:
  podSelector: {matchLabels: {app: db}}
  policyTypes: [Ingress]
";

#[test]
fn pods_of_one_workload_reach_each_other() {
    let (text, allowed) = ask(ONE_WORKLOAD, "tools/api", "tools/api");
    assert!(allowed, "{text}");
    assert!(
        text.contains(
            "Deployment/tools/api => Deployment/tools/api (between its own pods) : allowed"
        ),
        "{text}"
    );
    let (text, allowed) = ask(ONE_WORKLOAD, "tools/db", "tools/db");
    assert!(!allowed, "{text}");
    assert!(text.contains("denied"), "{text}");
}

/// A host-network agent and a pod whose policies allow every address,
/// and one whose block leaves a range out.
const HOST_NETWORK: &str = "\
apiVersion: apps/v1
kind: DaemonSet
metadata: {name: agent, namespace: mon}
spec:
  selector: {matchLabels: {app: agent}}
  template:
    metadata: {labels: {app: agent}}
    spec:
      hostNetwork: true
      containers: [{name: c, image: x}]
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: api, namespace: app}
spec:
  selector: {matchLabels: {app: api}}
  template:
    metadata: {labels: {app: api}}
    spec:
      containers: [{name: c, image: x, ports: [{containerPort: 80}]}]
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: narrow, namespace: app}
spec:
  selector: {matchLabels: {app: narrow}}
  template:
    metadata: {labels: {app: narrow}}
    spec:
      containers: [{name: c, image: x, ports: [{containerPort: 80}]}]
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: api, namespace: app}
spec:
  podSelector: {matchLabels: {app: api}}
  ingress:
  - from: [{ipBlock: {cidr: 0.0.0.0/0}}]
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: narrow, namespace: app}
spec:
  podSelector: {matchLabels: {app: narrow}}
  ingress:
  - from:
    - ipBlock: {cidr: 0.0.0.0/0, except: [10.0.0.0/8]}
    - namespaceSelector: {}
";

#[test]
fn host_network_sources_match_blocks_of_every_address() {
    let (text, allowed) = ask(HOST_NETWORK, "mon/agent", "app/api");
    assert!(allowed, "{text}");
    assert!(
        text.contains("allowed by NetworkPolicy app/api spec.ingress[0]"),
        "{text}"
    );
    // The node's address may be in the excepted range, and namespace
    // selectors never match host-network pods.
    let (text, allowed) = ask(HOST_NETWORK, "mon/agent", "app/narrow");
    assert!(!allowed, "{text}");
}

#[test]
fn cidr_targets_are_refused_with_a_reason() {
    let error = Target::parse("10.0.0.0/8", None).expect_err("a CIDR is not a target");
    assert!(error.contains("CIDR block"), "{error}");
    assert!(
        error.contains("one IP address, such as 10.0.0.0"),
        "{error}"
    );
    assert!(Target::parse("10.0.0.1", None).is_ok());
}
