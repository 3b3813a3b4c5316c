//! The network engine on a synthetic cluster: 10,000 Pods in 200
//! namespaces with 2,000 NetworkPolicies. Prints the time of a full
//! connection list (model, analysis and list) and of the `network` rules
//! over the same objects, the best and the median of several runs.
//!
//! Run with `cargo bench -p kubeward-netpol --bench netpol`.

use std::fmt::Write;
use std::sync::Arc;
use std::time::{Duration, Instant};

use kubeward_core::{Inventory, KindSet, ScanOptions, ScanPlan, scan_bytes_with};
use kubeward_netpol::{Analysis, Model, RULES, connlist};

const NAMESPACES: usize = 200;
/// ReplicaSets per namespace, each with `REPLICAS` Pods.
const APPS: usize = 8;
const REPLICAS: usize = 5;
/// Pods without an owner per namespace, each with its own labels.
const SINGLE_PODS: usize = 10;
const RUNS: usize = 5;

fn namespace(out: &mut String, ns: usize) {
    let env = ["prod", "staging", "dev"][ns % 3];
    let _ = write!(
        out,
        "---\napiVersion: v1\nkind: Namespace\nmetadata:\n  name: ns-{ns:03}\n  labels:\n    \
         env: {env}\n    team: team-{}\n",
        ns % 20
    );
}

fn pod(out: &mut String, ns: usize, name: &str, labels: &str, owner: Option<&str>) {
    let _ = write!(
        out,
        "---\napiVersion: v1\nkind: Pod\nmetadata:\n  name: {name}\n  namespace: ns-{ns:03}\n  \
         labels: {{{labels}}}\n"
    );
    if let Some(owner) = owner {
        let _ = write!(
            out,
            "  ownerReferences:\n  - {{apiVersion: apps/v1, kind: ReplicaSet, name: {owner}, \
             uid: u-{ns}-{owner}, controller: true}}\n"
        );
    }
    out.push_str(
        "spec:\n  containers:\n  - name: main\n    image: registry.example.com/app:1.0\n    \
         ports:\n    - {name: http, containerPort: 8080}\n    - {name: metrics, containerPort: \
         9090}\n    - {name: dns, containerPort: 5353, protocol: UDP}\n",
    );
}

/// Ten policies: default deny for ingress (in nine namespaces of ten) and
/// egress (in three of four), and one per application with pod,
/// namespace, combined and `ipBlock` peers, named ports and a port range.
fn policies(out: &mut String, ns: usize) {
    let head = |out: &mut String, name: &str| {
        let _ = write!(
            out,
            "---\napiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata:\n  name: \
             {name}\n  namespace: ns-{ns:03}\nspec:\n"
        );
    };
    head(out, "default-deny-ingress");
    if ns % 10 == 0 {
        out.push_str("  podSelector: {matchLabels: {app: batch}}\n  policyTypes: [Ingress]\n");
    } else {
        out.push_str("  podSelector: {}\n  policyTypes: [Ingress]\n");
    }
    head(out, "default-deny-egress");
    if ns % 4 == 0 {
        out.push_str("  podSelector: {matchLabels: {app: batch}}\n");
    } else {
        out.push_str("  podSelector: {}\n");
    }
    out.push_str(
        "  policyTypes: [Egress]\n  egress:\n  - to:\n    - namespaceSelector: {matchLabels: \
         {kubernetes.io/metadata.name: kube-system}}\n    ports:\n    - {protocol: UDP, port: \
         53}\n    - {protocol: TCP, port: 53}\n",
    );
    for app in 0..APPS {
        head(out, &format!("app-{app}"));
        let previous = (app + APPS - 1) % APPS;
        let next = (app + 1) % APPS;
        let _ = write!(
            out,
            "  podSelector: {{matchLabels: {{app: app-{app}}}}}\n  ingress:\n  - from:\n    - \
             podSelector: {{matchLabels: {{app: app-{previous}}}}}\n    ports:\n    - {{port: \
             http}}\n  - from:\n    - namespaceSelector: {{matchLabels: {{team: team-{}}}}}\n      \
             podSelector: {{matchLabels: {{app: app-{app}}}}}\n    - namespaceSelector: \
             {{matchExpressions: [{{key: env, operator: In, values: [prod, staging]}}]}}\n      \
             podSelector: {{matchLabels: {{app: batch}}}}\n    ports:\n    - {{port: metrics}}\n    \
             - {{port: dns, protocol: UDP}}\n  - from:\n    - ipBlock: {{cidr: 10.0.0.0/8, except: \
             [10.{}.0.0/16]}}\n    ports:\n    - {{port: 8080, endPort: 8090}}\n  egress:\n  - \
             to:\n    - podSelector: {{matchLabels: {{app: app-{next}}}}}\n    ports:\n    - \
             {{port: http}}\n  - to:\n    - ipBlock: {{cidr: 0.0.0.0/0, except: [10.0.0.0/8, \
             192.168.0.0/16]}}\n    ports:\n    - {{port: 443}}\n",
            ns % 20,
            ns % 256
        );
    }
}

fn cluster() -> String {
    let mut out = String::new();
    for ns in 0..NAMESPACES {
        namespace(&mut out, ns);
        for app in 0..APPS {
            for replica in 0..REPLICAS {
                let owner = format!("app-{app}-5d8f");
                let labels = format!("app: app-{app}, pod-template-hash: 5d8f");
                pod(
                    &mut out,
                    ns,
                    &format!("{owner}-{replica}"),
                    &labels,
                    Some(&owner),
                );
            }
        }
        for single in 0..SINGLE_PODS {
            let labels = format!("app: batch, run: r{single}");
            pod(&mut out, ns, &format!("batch-{single}"), &labels, None);
        }
        policies(&mut out, ns);
    }
    out
}

fn inventory(text: &str) -> Inventory {
    let plan = ScanPlan {
        rules: &[],
        options: ScanOptions::default(),
        keep: KindSet::all(),
    };
    let file: Arc<str> = Arc::from("cluster.yaml");
    Inventory::new(scan_bytes_with(&file, text.as_bytes(), &plan).stored)
}

/// Runs `run` `RUNS` times, each on a fresh value from `setup`, which is
/// not timed; returns the best and median time and the last result.
fn time<S, R>(
    mut setup: impl FnMut() -> S,
    mut run: impl FnMut(S) -> R,
) -> (Duration, Duration, R) {
    let mut times = Vec::with_capacity(RUNS);
    let mut result = None;
    for _ in 0..RUNS {
        let input = setup();
        let start = Instant::now();
        result = Some(run(input));
        times.push(start.elapsed());
    }
    times.sort();
    (
        times[0],
        times[RUNS / 2],
        result.expect("RUNS is at least one"),
    )
}

fn ms(duration: Duration) -> String {
    format!("{:.1} ms", duration.as_secs_f64() * 1000.0)
}

fn main() {
    let text = cluster();
    let start = Instant::now();
    let inventory = inventory(&text);
    let read = start.elapsed();
    let model = Model::build(&inventory);
    let pods = inventory
        .objects()
        .iter()
        .filter(|o| o.kind() == "Pod")
        .count();
    assert_eq!(pods, NAMESPACES * (APPS * REPLICAS + SINGLE_PODS));
    assert_eq!(model.policies.len(), NAMESPACES * (APPS + 2));
    println!(
        "synthetic cluster: {pods} pods in {} namespaces, {} NetworkPolicies, {} workloads, {} \
         pod classes ({} KB of YAML, read in {})",
        model.namespaces.len(),
        model.policies.len(),
        model.workloads.len(),
        model.classes.len(),
        text.len() / 1000,
        ms(read)
    );

    let (best, median, list) = time(
        || (),
        |()| {
            let model = Model::build(&inventory);
            let analysis = Analysis::new(&model);
            connlist::connlist(&analysis).connections.len()
        },
    );
    println!(
        "full connlist (model, analysis, list): best {}, median {} ({list} connections)",
        ms(best),
        ms(median)
    );

    // Each run gets a fresh inventory: the rules share one model per
    // inventory, and building it is part of their cost.
    let (best, median, findings) = time(
        || self::inventory(&text),
        |inventory| inventory.check(RULES, ScanOptions::default()).len(),
    );
    println!(
        "network rules ({} rules): best {}, median {} ({findings} findings)",
        RULES.len(),
        ms(best),
        ms(median)
    );
}
