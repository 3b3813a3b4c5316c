//! The attack graph on small inputs: which paths exist, which steps they
//! take and which settings break them.

use std::sync::Arc;

use kubeward_core::yaml::Pos;
use kubeward_core::{Inventory, KindSet, ScanOptions, ScanPlan, scan_text_with};
use kubeward_paths::{ExternalEntry, Graph, Node, OpenUi, Path, Site, Target, build, render};

fn inventory(text: &str) -> Inventory {
    let plan = ScanPlan {
        rules: &[],
        options: ScanOptions::default(),
        keep: KindSet::all(),
    };
    let file: Arc<str> = Arc::from("input.yaml");
    Inventory::new(scan_text_with(&file, text, &plan).stored)
}

/// The index of the object of `kind` named `name`.
fn object(inventory: &Inventory, kind: &str, name: &str) -> usize {
    inventory
        .objects()
        .iter()
        .position(|o| o.kind() == kind && o.name() == Some(name))
        .unwrap_or_else(|| panic!("{kind} {name} is in the input"))
}

fn site(object: usize) -> Site {
    Site {
        object,
        file: "input.yaml".to_owned(),
        pos: Pos { line: 1, col: 1 },
        path: "spec".to_owned(),
    }
}

fn graph(inventory: &Inventory, entries: Vec<ExternalEntry>, open_uis: Vec<OpenUi>) -> Graph {
    let policy = kubeward_rbac::Policy::new(inventory);
    let model = kubeward_netpol::Model::build(inventory);
    let network = kubeward_netpol::Analysis::new(&model);
    build(&kubeward_paths::Inputs {
        inventory,
        policy: &policy,
        network: &network,
        entries,
        open_uis,
    })
}

/// The chain of every path, as `kubeward paths` prints it on one line.
fn chains(graph: &Graph, paths: &[Path]) -> Vec<String> {
    paths.iter().map(|p| render::chain(graph, p)).collect()
}

const DASHBOARD: &str = "
apiVersion: v1
kind: ServiceAccount
metadata: {name: dash, namespace: ui}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata: {name: dash}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: cluster-admin}
subjects: [{kind: ServiceAccount, name: dash, namespace: ui}]
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: dash, namespace: ui}
spec:
  selector: {matchLabels: {app: dash}}
  template:
    metadata: {labels: {app: dash}}
    spec:
      serviceAccountName: dash
      automountServiceAccountToken: false
      containers: [{name: dash, image: dash:1}]
";

fn open_ui(inventory: &Inventory) -> OpenUi {
    let dash = object(inventory, "Deployment", "dash");
    OpenUi {
        workload: dash,
        reason: "the UI has no login".to_owned(),
        site: site(dash),
        rule: "dashboard-no-login",
    }
}

#[test]
fn open_ui_reached_by_any_pod() {
    let inventory = inventory(DASHBOARD);
    let ui = open_ui(&inventory);
    let graph = graph(&inventory, Vec::new(), vec![ui]);
    let paths = graph.paths();
    let chains = chains(&graph, &paths);
    assert_eq!(
        chains,
        [
            "any pod -> reach Deployment ui/dash -> ServiceAccount ui/dash -> full access \
             cluster-wide -> cluster-admin"
        ]
    );
    assert!(!paths[0].exploit);
    let first = &graph.edges[paths[0].steps[0]];
    assert!(
        first.reason.contains("no NetworkPolicy"),
        "{}",
        first.reason
    );
    assert_eq!(first.rule, Some("network-workload-not-selected"));
}

#[test]
fn default_deny_isolates_open_ui() {
    let text = format!(
        "{DASHBOARD}---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {{name: deny, namespace: ui}}
spec: {{podSelector: {{}}, policyTypes: [Ingress]}}
"
    );
    let inventory = inventory(&text);
    let ui = open_ui(&inventory);
    let graph = graph(&inventory, Vec::new(), vec![ui]);
    assert!(
        graph.paths().is_empty(),
        "{:?}",
        chains(&graph, &graph.paths())
    );
}

#[test]
fn policy_allowing_every_namespace_does_not_isolate() {
    let text = format!(
        "{DASHBOARD}---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {{name: all, namespace: ui}}
spec:
  podSelector: {{}}
  ingress: [{{from: [{{namespaceSelector: {{}}}}]}}]
"
    );
    let inventory = inventory(&text);
    let ui = open_ui(&inventory);
    let graph = graph(&inventory, Vec::new(), vec![ui]);
    let paths = graph.paths();
    assert_eq!(paths.len(), 1);
    let first = &graph.edges[paths[0].steps[0]];
    assert!(first.reason.contains("ui/all"), "{}", first.reason);
    assert!(first.site.is_some());
}

#[test]
fn anonymous_binding_to_cluster_admin() {
    let inventory = inventory(
        "
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata: {name: oops}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: cluster-admin}
subjects: [{kind: Group, name: 'system:unauthenticated', apiGroup: rbac.authorization.k8s.io}]
",
    );
    let graph = graph(&inventory, Vec::new(), Vec::new());
    let paths = graph.paths();
    assert_eq!(
        chains(&graph, &paths),
        ["anonymous -> user system:anonymous -> full access cluster-wide -> cluster-admin"]
    );
    let grant = &graph.edges[paths[0].steps[1]];
    assert!(
        grant.reason.contains("ClusterRoleBinding oops"),
        "{}",
        grant.reason
    );
    assert_eq!(grant.rule, Some("rbac-cluster-admin"));
}

const DEPLOYER: &str = "
apiVersion: rbac.authorization.k8s.io/v1
kind: Role
metadata: {name: deployer, namespace: app}
rules: [{apiGroups: [''], resources: [pods], verbs: [create]}]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: {name: deployer, namespace: app}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: Role, name: deployer}
subjects: [{kind: ServiceAccount, name: web, namespace: app}]
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: web, namespace: app}
spec:
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      serviceAccountName: web
      containers: [{name: web, image: web:1}]
";

fn web_entry(inventory: &Inventory) -> ExternalEntry {
    let web = object(inventory, "Deployment", "web");
    ExternalEntry {
        label: "LoadBalancer Service app/web port 80".to_owned(),
        site: site(web),
        workload: web,
        reason: "the load balancer forwards to Deployment app/web".to_owned(),
        rule: "external-entry-point",
    }
}

#[test]
fn exposed_app_creating_pods_reaches_node() {
    let inventory = inventory(DEPLOYER);
    let entry = web_entry(&inventory);
    let graph = graph(&inventory, vec![entry], Vec::new());
    let paths = graph.paths();
    let to_node: Vec<&Path> = paths.iter().filter(|p| p.target == Target::Node).collect();
    assert_eq!(to_node.len(), 1, "{:?}", chains(&graph, &paths));
    assert!(to_node[0].exploit);
    assert_eq!(
        render::chain(&graph, to_node[0]),
        "LoadBalancer Service app/web port 80 -> code in Deployment app/web -> \
         ServiceAccount app/web -> create pods in app -> node"
    );
}

#[test]
fn pod_security_label_blocks_node() {
    let text = format!(
        "{DEPLOYER}---
apiVersion: v1
kind: Namespace
metadata:
  name: app
  labels: {{pod-security.kubernetes.io/enforce: baseline}}
"
    );
    let inventory = inventory(&text);
    let entry = web_entry(&inventory);
    let graph = graph(&inventory, vec![entry], Vec::new());
    let paths = graph.paths();
    assert!(
        paths.iter().all(|p| p.target != Target::Node),
        "{:?}",
        chains(&graph, &paths)
    );
}

#[test]
fn privileged_pod_reaches_node_and_etcd() {
    let inventory = inventory(
        "
apiVersion: v1
kind: Pod
metadata: {name: debug, namespace: ops}
spec:
  automountServiceAccountToken: false
  containers:
    - name: shell
      image: busybox:1
      securityContext: {privileged: true}
  volumes:
    - name: etcd
      hostPath: {path: /var/lib/etcd}
",
    );
    let debug = object(&inventory, "Pod", "debug");
    let entry = ExternalEntry {
        label: "hostPort 22 of Pod ops/debug".to_owned(),
        site: site(debug),
        workload: debug,
        reason: "the node forwards port 22".to_owned(),
        rule: "external-entry-point",
    };
    let graph = graph(&inventory, vec![entry], Vec::new());
    let paths = graph.paths();
    let targets: Vec<Target> = paths.iter().map(|p| p.target).collect();
    assert_eq!(targets, [Target::Etcd, Target::Node]);
    let node = graph.edges[paths[1].steps[1]].clone();
    assert_eq!(node.rule, Some("pss-privileged"));
    assert_eq!(
        node.site.map(|s| s.path),
        Some("spec.containers[0].securityContext.privileged".to_owned())
    );
}

#[test]
fn token_secret_read_leads_to_account() {
    let inventory = inventory(
        "
apiVersion: v1
kind: Secret
metadata:
  name: admin-token
  namespace: tools
  annotations: {kubernetes.io/service-account.name: admin}
type: kubernetes.io/service-account-token
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata: {name: admin}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: cluster-admin}
subjects: [{kind: ServiceAccount, name: admin, namespace: tools}]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: {name: reader, namespace: tools}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: view-secrets}
subjects: [{kind: Group, name: 'system:unauthenticated', apiGroup: rbac.authorization.k8s.io}]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: {name: view-secrets}
rules: [{apiGroups: [''], resources: [secrets], verbs: [get, list]}]
",
    );
    let graph = graph(&inventory, Vec::new(), Vec::new());
    let paths = graph.paths();
    let chains = chains(&graph, &paths);
    assert!(
        chains.contains(
            &"anonymous -> user system:anonymous -> read Secrets in tools -> ServiceAccount \
              tools/admin -> full access cluster-wide -> cluster-admin"
                .to_owned()
        ),
        "{chains:?}"
    );
}

#[test]
fn renderers_name_every_step() {
    let inventory = inventory(DASHBOARD);
    let ui = open_ui(&inventory);
    let graph = graph(&inventory, Vec::new(), vec![ui]);
    let paths = graph.paths();
    let text = render::text(&graph, &paths);
    assert!(
        text.contains("1. any pod -> cluster-admin in 4 steps"),
        "{text}"
    );
    assert!(text.contains("because the UI has no login"), "{text}");
    assert!(text.contains("[dashboard-no-login]"), "{text}");
    let json: serde_json::Value =
        serde_json::from_str(&render::json(&graph, &paths)).expect("valid JSON");
    assert_eq!(json["paths"][0]["target"], "cluster-admin");
    assert_eq!(json["paths"][0]["steps"].as_array().map(Vec::len), Some(4));
    assert_eq!(json["paths"][0]["steps"][1]["rule"], "dashboard-no-login");
    let dot = render::dot(&graph, &paths);
    assert!(dot.starts_with("digraph attack_paths {"), "{dot}");
    assert_eq!(dot.matches(" -> n").count(), 4, "{dot}");
    let mermaid = render::mermaid(&graph, &paths);
    assert!(mermaid.starts_with("flowchart LR\n"), "{mermaid}");
    assert_eq!(mermaid.matches("-->").count(), 4, "{mermaid}");
    assert!(graph.find(&Node::AnyPod).is_some());
}

#[test]
fn empty_input_has_no_paths() {
    let inventory = inventory("");
    let graph = graph(&inventory, Vec::new(), Vec::new());
    assert!(graph.paths().is_empty());
    assert!(render::text(&graph, &[]).starts_with("no attack path"));
}
