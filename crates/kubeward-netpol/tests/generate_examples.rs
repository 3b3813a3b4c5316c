//! `generate` on the bundled example shop: the policies it writes, applied
//! next to the manifests, keep the traffic the manifests declare and deny
//! the rest.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use kubeward_core::{Inventory, KindSet, ScanOptions, ScanPlan, StoredObject, scan_bytes_with};
use kubeward_netpol::generate::{Intent, generate};
use kubeward_netpol::ports::Protocol;
use kubeward_netpol::{Analysis, Direction, Endpoint, Model};

fn examples() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples/shop")
}

fn plan() -> ScanPlan<'static> {
    ScanPlan {
        rules: &[],
        options: ScanOptions::default(),
        keep: KindSet::all(),
    }
}

fn objects(dir: &Path) -> Vec<StoredObject> {
    let (inputs, errors) = kubeward_intake::collect_inputs(&[dir.to_path_buf()]);
    assert!(errors.is_empty(), "{errors:?}");
    let mut stored = Vec::new();
    for file in inputs {
        let bytes = kubeward_intake::read_input(&file).expect("example is readable");
        let name: Arc<str> = Arc::from(file.display());
        stored.extend(scan_bytes_with(&name, &bytes, &plan()).stored);
    }
    stored
}

fn class(model: &Model, namespace: &str, name: &str) -> Endpoint {
    let workload = model
        .workloads
        .iter()
        .find(|w| w.name == name && model.namespaces[w.namespace].name == namespace)
        .unwrap_or_else(|| panic!("no workload {namespace}/{name}"));
    Endpoint::Class(workload.class)
}

fn address(text: &str) -> Endpoint {
    let address: std::net::Ipv4Addr = text.parse().expect("test address");
    Endpoint::External(u128::from(u32::from(address)))
}

#[test]
fn generated_policies_keep_declared_traffic() {
    let inventory = Inventory::new(objects(&examples()));
    let model = Model::build(&inventory);
    let policies = generate(&Analysis::new(&model), Intent::Services);

    let file: Arc<str> = Arc::from("generated.yaml");
    let generated = scan_bytes_with(&file, policies.as_bytes(), &plan());
    assert!(generated.findings.is_empty(), "{:?}", generated.findings);
    let mut all = objects(&examples());
    all.extend(generated.stored);
    let inventory = Inventory::new(all);
    let model = Model::build(&inventory);
    assert!(
        model.problems.is_empty(),
        "{:?}\n{policies}",
        model.problems
    );
    let analysis = Analysis::new(&model);

    let web = class(&model, "storefront", "web");
    let orders = class(&model, "orders", "orders");
    let database = class(&model, "orders", "orders-db");
    let agent = class(&model, "monitoring", "node-agent");

    // orders names orders-db.orders.svc in its environment.
    let to_database = analysis.allowed(orders, database);
    assert!(to_database.contains(Protocol::Tcp, 5432), "{to_database}");
    assert!(!to_database.contains(Protocol::Tcp, 22), "{to_database}");
    // orders-db's Service is a NodePort, reachable from outside.
    assert!(
        analysis
            .allowed(address("203.0.113.7"), database)
            .contains(Protocol::Tcp, 5432)
    );
    // An Ingress routes to web: its ingress admits any pod on the target
    // port only. (The agent's own egress is denied: it calls no Service.)
    let Endpoint::Class(web_class) = web else {
        unreachable!()
    };
    let to_web = analysis.trace(Direction::Ingress, web_class, agent).allowed;
    assert!(to_web.contains(Protocol::Tcp, 8080), "{to_web}\n{policies}");
    assert!(!to_web.contains(Protocol::Tcp, 9090), "{to_web}");
    // Nothing declares these flows.
    assert!(analysis.allowed(web, orders).is_empty());
    assert!(analysis.allowed(web, database).is_empty());
    assert!(analysis.allowed(agent, web).is_empty());
    assert!(analysis.allowed(agent, database).is_empty());
    assert!(analysis.allowed(web, address("203.0.113.7")).is_empty());
}
