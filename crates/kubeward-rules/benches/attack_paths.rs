//! The attack graph on a synthetic cluster of 200 namespaces. Each has
//! 10 Deployments (one an open Dashboard), a Service per Deployment (every
//! other one a NodePort), an Ingress per Deployment and 50 RoleBindings,
//! and every other namespace has a default-deny policy: 2,000 workloads
//! and 10,000 bindings in all. Prints the time of building the graph and
//! finding every path, and of the `attack-path` rule, the best and the
//! median of several runs.
//!
//! Run with `cargo bench -p kubeward-rules --bench attack_paths`.

use std::fmt::Write;
use std::sync::Arc;
use std::time::{Duration, Instant};

use kubeward_core::{Inventory, KindSet, ScanOptions, ScanPlan, scan_bytes_with};
use kubeward_rules::exposure::paths::attack_graph;

const NAMESPACES: usize = 200;
const DEPLOYMENTS: usize = 10;
const BINDINGS: usize = 50;
const RUNS: usize = 5;

fn deployment(out: &mut String, ns: usize, app: usize) {
    let image = if app == 0 {
        "kubernetesui/dashboard:v2.7.0\n          args: [--auto-generate-certificates, \
         --enable-skip-login]"
    } else {
        "registry.example.com/app:1.0"
    };
    let _ = write!(
        out,
        "---\napiVersion: apps/v1\nkind: Deployment\nmetadata: {{name: app-{app}, namespace: \
         ns-{ns}}}\nspec:\n  selector: {{matchLabels: {{app: app-{app}}}}}\n  template:\n    \
         metadata: {{labels: {{app: app-{app}}}}}\n    spec:\n      serviceAccountName: \
         sa-{app}\n      containers:\n        - name: main\n          image: {image}\n          \
         ports: [{{containerPort: 8443}}]\n"
    );
    let kind = if app % 2 == 0 {
        "NodePort"
    } else {
        "ClusterIP"
    };
    let _ = write!(
        out,
        "---\napiVersion: v1\nkind: Service\nmetadata: {{name: app-{app}, namespace: \
         ns-{ns}}}\nspec:\n  type: {kind}\n  selector: {{app: app-{app}}}\n  ports: [{{port: \
         443, targetPort: 8443}}]\n---\napiVersion: networking.k8s.io/v1\nkind: \
         Ingress\nmetadata: {{name: app-{app}, namespace: ns-{ns}}}\nspec:\n  \
         ingressClassName: nginx\n  rules:\n    - host: app-{app}.ns-{ns}.example.com\n      \
         http:\n        paths:\n          - {{path: /, pathType: Prefix, backend: {{service: \
         {{name: app-{app}, port: {{number: 443}}}}}}}}\n"
    );
}

/// Bindings of built-in and local roles to the namespace's accounts. One
/// binding in twenty allows creating pods and one in twenty grants
/// `edit`; the rest grant `view`. One namespace in fifty binds an account
/// to `cluster-admin`.
fn bindings(out: &mut String, ns: usize) {
    let _ = write!(
        out,
        "---\napiVersion: rbac.authorization.k8s.io/v1\nkind: Role\nmetadata: {{name: deployer, \
         namespace: ns-{ns}}}\nrules: [{{apiGroups: [''], resources: [pods], verbs: [create]}}]\n"
    );
    for b in 0..BINDINGS {
        let (kind, role) = match b % 20 {
            0 => ("Role", "deployer"),
            1 => ("ClusterRole", "edit"),
            _ => ("ClusterRole", "view"),
        };
        let account = b % DEPLOYMENTS;
        let _ = write!(
            out,
            "---\napiVersion: rbac.authorization.k8s.io/v1\nkind: RoleBinding\nmetadata: \
             {{name: b-{b}, namespace: ns-{ns}}}\nroleRef: {{apiGroup: \
             rbac.authorization.k8s.io, kind: {kind}, name: {role}}}\nsubjects: [{{kind: \
             ServiceAccount, name: sa-{account}, namespace: ns-{ns}}}]\n"
        );
    }
    if ns % 50 == 0 {
        let _ = write!(
            out,
            "---\napiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRoleBinding\nmetadata: \
             {{name: secrets-{ns}}}\nroleRef: {{apiGroup: rbac.authorization.k8s.io, kind: \
             ClusterRole, name: cluster-admin}}\nsubjects: [{{kind: ServiceAccount, name: sa-3, \
             namespace: ns-{ns}}}]\n"
        );
    }
}

fn cluster() -> String {
    let mut out = String::new();
    for ns in 0..NAMESPACES {
        for app in 0..DEPLOYMENTS {
            deployment(&mut out, ns, app);
        }
        bindings(&mut out, ns);
        if ns % 2 == 0 {
            let _ = write!(
                out,
                "---\napiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {{name: \
                 deny, namespace: ns-{ns}}}\nspec: {{podSelector: {{}}, policyTypes: \
                 [Ingress]}}\n"
            );
        }
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

/// Runs `run` `RUNS` times and returns the best and median time and the
/// last result.
fn time<R>(mut run: impl FnMut() -> R) -> (Duration, Duration, R) {
    let mut times = Vec::with_capacity(RUNS);
    let mut result = None;
    for _ in 0..RUNS {
        let start = Instant::now();
        result = Some(run());
        times.push(start.elapsed());
    }
    times.sort();
    let result = result.expect("RUNS is at least one");
    (times[0], times[RUNS / 2], result)
}

fn ms(duration: Duration) -> String {
    format!("{:.1} ms", duration.as_secs_f64() * 1000.0)
}

fn main() {
    let text = cluster();
    let start = Instant::now();
    let inventory = inventory(&text);
    println!(
        "synthetic cluster: {} objects ({} KB of YAML, read in {})",
        inventory.len(),
        text.len() / 1000,
        ms(start.elapsed())
    );

    let (best, median, (nodes, edges, paths)) = time(|| {
        let graph = attack_graph(&inventory);
        let paths = graph.paths();
        (graph.nodes.len(), graph.edges.len(), paths.len())
    });
    println!(
        "attack graph and paths: best {}, median {} ({nodes} nodes, {edges} edges, {paths} \
         paths)",
        ms(best),
        ms(median)
    );

    let rule = kubeward_rules::find("attack-path").expect("the rule is registered");
    let (best, median, findings) = time(|| inventory.check(&[rule], ScanOptions::default()).len());
    println!(
        "attack-path rule: best {}, median {} ({findings} findings)",
        ms(best),
        ms(median)
    );
}
