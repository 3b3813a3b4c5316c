//! NetworkPolicy cases distilled from public bug reports of other
//! scanners: the connections the engine allows and the `network`
//! findings the scan reports. Findings are matched on rule and object,
//! never on total counts, because other rules may rightly fire on the
//! same input.

use std::net::Ipv4Addr;
use std::path::PathBuf;
use std::sync::Arc;

use kubeward::Scanner;
use kubeward_core::{Finding, Inventory, KindSet, Profile, ScanOptions, ScanPlan, scan_bytes_with};
use kubeward_netpol::ports::{PortRanges, PortSet, Protocol};
use kubeward_netpol::{Analysis, Direction, Endpoint, Model};

fn case_input(test: &str, case: &str) -> Option<PathBuf> {
    kubeward_testutil::shared_dir(test).map(|dir| dir.join("cases").join(case).join("input"))
}

/// Scans `path` with every rule, keeping the objects the network model
/// reads.
fn scan(path: PathBuf) -> (Vec<Finding>, Inventory) {
    let scanner = Scanner::new(Profile::All, ScanOptions::default());
    let mut keep = KindSet::none();
    keep.extend(kubeward_netpol::KINDS.iter().copied());
    let result = scanner.scan_paths_keeping(&[path], &keep);
    assert!(result.errors.is_empty(), "{:?}", result.errors);
    (result.report.findings, result.inventory)
}

/// Keeps every object of a YAML text, for reachability only.
fn inventory_of(text: &str) -> Inventory {
    let plan = ScanPlan {
        rules: &[],
        options: ScanOptions::default(),
        keep: KindSet::all(),
    };
    let file: Arc<str> = Arc::from("variant.yaml");
    Inventory::new(scan_bytes_with(&file, text.as_bytes(), &plan).stored)
}

/// Returns the findings of `rule` on the object named `name`.
fn network_findings<'f>(findings: &'f [Finding], rule: &str, name: &str) -> Vec<&'f Finding> {
    findings
        .iter()
        .filter(|f| f.rule == rule)
        .filter(|f| f.object.as_ref().and_then(|o| o.name.as_deref()) == Some(name))
        .collect()
}

/// Finds the pod class of the workload `namespace/name`.
fn class(model: &Model, namespace: &str, name: &str) -> Endpoint {
    let workload = model
        .workloads
        .iter()
        .find(|w| w.name == name && model.namespaces[w.namespace].name == namespace)
        .unwrap_or_else(|| panic!("no workload {namespace}/{name}"));
    Endpoint::Class(workload.class)
}

fn address(text: &str) -> Endpoint {
    let address: Ipv4Addr = text.parse().expect("test address");
    Endpoint::External(u128::from(u32::from(address)))
}

fn tcp(port: u16) -> PortSet {
    PortSet::of(Protocol::Tcp, PortRanges::single(port))
}

#[test]
fn policy_types_default_from_sections() {
    let Some(input) = case_input(
        "policy_types_default_from_sections",
        "010-netpol-policytypes-default",
    ) else {
        return;
    };
    let (findings, inventory) = scan(input);
    let model = Model::build(&inventory);
    assert!(model.problems.is_empty(), "{:?}", model.problems);
    let analysis = Analysis::new(&model);
    let web = class(&model, "team-a", "web");
    let worker = class(&model, "team-a", "worker");
    let frontend = class(&model, "team-a", "frontend");
    let Endpoint::Class(web_class) = web else {
        unreachable!()
    };
    let Endpoint::Class(worker_class) = worker else {
        unreachable!()
    };

    // web-ingress has only an ingress section: Ingress only.
    assert!(analysis.is_isolated(web_class, Direction::Ingress));
    assert!(!analysis.is_isolated(web_class, Direction::Egress));
    assert_eq!(analysis.allowed(frontend, web), tcp(8080));
    assert!(analysis.allowed(worker, web).is_empty());
    assert!(analysis.allowed(address("203.0.113.7"), web).is_empty());
    assert!(analysis.allowed(web, address("203.0.113.7")).is_all());

    // worker-egress has an egress section: Ingress and Egress, and the
    // Ingress side has no rules, so it admits nothing.
    assert!(analysis.is_isolated(worker_class, Direction::Ingress));
    assert!(analysis.is_isolated(worker_class, Direction::Egress));
    assert!(analysis.allowed(frontend, worker).is_empty());
    assert!(
        !analysis
            .allowed(frontend, worker)
            .contains(Protocol::Tcp, 9000)
    );
    assert_eq!(analysis.allowed(worker, address("192.0.2.10")), tcp(443));
    assert!(analysis.allowed(worker, address("198.51.100.1")).is_empty());
    assert!(analysis.allowed(worker, frontend).is_empty());

    // frontend: no policy selects it.
    assert!(analysis.allowed(frontend, address("203.0.113.7")).is_all());
    assert!(analysis.allowed(address("203.0.113.7"), frontend).is_all());

    let not_selected = "network-workload-not-selected";
    assert_eq!(
        network_findings(&findings, not_selected, "frontend").len(),
        1
    );
    assert!(network_findings(&findings, not_selected, "web").is_empty());
    assert!(network_findings(&findings, not_selected, "worker").is_empty());

    // worker's only egress rule is TCP 443 to 192.0.2.0/24: DNS is cut.
    let dns = "network-egress-blocks-dns";
    assert_eq!(network_findings(&findings, dns, "worker").len(), 1);
    assert!(network_findings(&findings, dns, "web").is_empty());
    assert!(network_findings(&findings, dns, "frontend").is_empty());
}

const POLICY_TYPES_PODS: &str = "
apiVersion: v1
kind: Pod
metadata: {name: client, namespace: ns, labels: {app: client}}
spec:
  containers: [{name: c, image: registry.example.com/c:1}]
---
apiVersion: v1
kind: Pod
metadata: {name: server, namespace: ns, labels: {app: server}}
spec:
  containers: [{name: s, image: registry.example.com/s:1, ports: [{containerPort: 80}]}]
";

/// Returns whether a policy with `spec` isolates `server` for ingress and
/// for egress.
fn isolation(spec: &str) -> (bool, bool) {
    let text = format!(
        "{POLICY_TYPES_PODS}---\napiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\n\
         metadata: {{name: p, namespace: ns}}\nspec:\n  podSelector: {{matchLabels: {{app: server}}}}\n{spec}"
    );
    let inventory = inventory_of(&text);
    let model = Model::build(&inventory);
    assert!(model.problems.is_empty(), "{spec}: {:?}", model.problems);
    let analysis = Analysis::new(&model);
    let Endpoint::Class(server) = class(&model, "ns", "server") else {
        unreachable!()
    };
    (
        analysis.is_isolated(server, Direction::Ingress),
        analysis.is_isolated(server, Direction::Egress),
    )
}

#[test]
fn policy_types_defaulting_variants() {
    let cases = [
        ("", (true, false)),
        ("  ingress: [{}]\n", (true, false)),
        ("  egress: [{}]\n", (true, true)),
        // An empty list adds no Egress type: the defaulting counts rules.
        ("  egress: []\n", (true, false)),
        ("  policyTypes: []\n  egress: [{}]\n", (true, true)),
        ("  policyTypes: [Egress]\n  ingress: [{}]\n", (false, true)),
        ("  policyTypes: [Ingress]\n  egress: [{}]\n", (true, false)),
        ("  policyTypes: [Ingress, Egress]\n", (true, true)),
    ];
    for (spec, expected) in cases {
        assert_eq!(isolation(spec), expected, "spec:\n{spec}");
    }
}

#[test]
fn explicit_egress_type_ignores_ingress_rules() {
    let text = format!(
        "{POLICY_TYPES_PODS}---\napiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\n\
         metadata: {{name: p, namespace: ns}}\nspec:\n  podSelector: {{}}\n  \
         policyTypes: [Egress]\n  ingress: [{{}}]\n"
    );
    let inventory = inventory_of(&text);
    let model = Model::build(&inventory);
    let analysis = Analysis::new(&model);
    let client = class(&model, "ns", "client");
    let server = class(&model, "ns", "server");
    assert!(analysis.allowed(client, server).is_empty());
    assert!(analysis.allowed(address("203.0.113.7"), server).is_all());
}

/// Workloads that tell AND from OR apart: `shop/worker` is in a team=shop
/// namespace without app=api, `tools/api` has app=api in another
/// namespace.
const AND_OR_PROBES: &str = "
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: worker, namespace: shop}
spec:
  selector: {matchLabels: {app: worker}}
  template:
    metadata: {labels: {app: worker}}
    spec:
      containers: [{name: worker, image: registry.example.com/shop/worker:1}]
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: api, namespace: tools}
spec:
  selector: {matchLabels: {app: api}}
  template:
    metadata: {labels: {app: api}}
    spec:
      containers: [{name: api, image: registry.example.com/tools/api:1}]
";

/// The peer of `db-from-api-only` written as one entry with two
/// selectors, and its two-entry variant.
const ONE_PEER: &str = "          podSelector:\n            matchLabels: {app: api}";
const TWO_PEERS: &str = "        - podSelector:\n            matchLabels: {app: api}";

#[test]
fn peer_with_two_selectors_is_and() {
    let Some(input) = case_input("peer_with_two_selectors_is_and", "025-netpol-and-vs-or") else {
        return;
    };
    let text = std::fs::read_to_string(input.join("policies.yaml")).expect("case input");
    assert!(text.contains(ONE_PEER), "the case's peer changed");
    let (findings, inventory) = scan(input);
    let model = Model::build(&inventory);
    assert!(model.problems.is_empty(), "{:?}", model.problems);
    let analysis = Analysis::new(&model);
    let api = class(&model, "shop", "api");
    let db = class(&model, "shop", "db");
    let backup = class(&model, "tools", "backup");
    assert_eq!(analysis.allowed(api, db), tcp(5432));
    assert!(!analysis.allowed(api, db).contains(Protocol::Tcp, 80));
    assert!(analysis.allowed(backup, db).is_empty());
    for open in [api, backup] {
        assert!(analysis.allowed(address("203.0.113.7"), open).is_all());
        assert!(analysis.allowed(db, open).is_all());
    }
    for namespace in ["shop", "tools"] {
        assert_eq!(
            network_findings(&findings, "network-no-default-deny-ingress", namespace).len(),
            1,
            "{namespace}"
        );
    }

    // The same peer with probes: only pods matching both selectors pass.
    let model_and = Model::build(&inventory_of(&format!("{text}{AND_OR_PROBES}")));
    let and = Analysis::new(&model_and);
    let db = class(&model_and, "shop", "db");
    assert_eq!(and.allowed(class(&model_and, "shop", "api"), db), tcp(5432));
    assert!(
        and.allowed(class(&model_and, "shop", "worker"), db)
            .is_empty()
    );
    assert!(
        and.allowed(class(&model_and, "tools", "api"), db)
            .is_empty()
    );
    assert!(
        and.allowed(class(&model_and, "tools", "backup"), db)
            .is_empty()
    );

    // Two peers: any pod of a team=shop namespace, or app=api in shop.
    let variant = text.replace(ONE_PEER, TWO_PEERS);
    let model_or = Model::build(&inventory_of(&format!("{variant}{AND_OR_PROBES}")));
    assert!(model_or.problems.is_empty(), "{:?}", model_or.problems);
    let or = Analysis::new(&model_or);
    let db = class(&model_or, "shop", "db");
    assert_eq!(or.allowed(class(&model_or, "shop", "api"), db), tcp(5432));
    assert_eq!(
        or.allowed(class(&model_or, "shop", "worker"), db),
        tcp(5432)
    );
    assert!(or.allowed(class(&model_or, "tools", "api"), db).is_empty());
    assert!(
        or.allowed(class(&model_or, "tools", "backup"), db)
            .is_empty()
    );
}
