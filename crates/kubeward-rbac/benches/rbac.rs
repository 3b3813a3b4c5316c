//! The RBAC engine on a synthetic cluster: 10,000 Roles and ClusterRoles
//! and 10,000 RoleBindings and ClusterRoleBindings over 200 namespaces, on
//! top of the built-in policy, and 2,000 Deployments. Prints the time of
//! building the policy, of `who-can` for every verb and every built-in
//! resource, and of the `rbac` rule family over the same objects: the best
//! and the median of several runs.
//!
//! Run with `cargo bench -p kubeward-rbac --bench rbac`.

use std::fmt::Write;
use std::sync::Arc;
use std::time::{Duration, Instant};

use kubeward_core::{Inventory, KindSet, ScanOptions, ScanPlan, scan_bytes_with};
use kubeward_rbac::resources::RESOURCES;
use kubeward_rbac::{NameQuery, Policy, RULES, Request, Scope};

const NAMESPACES: usize = 200;
/// Roles and RoleBindings per namespace.
const ROLES_PER_NAMESPACE: usize = 45;
/// ClusterRoles and ClusterRoleBindings: 10,000 of each kind in all.
const CLUSTER_ROLES: usize = 10_000 - NAMESPACES * ROLES_PER_NAMESPACE;
/// Deployments per namespace, each running as one of the ServiceAccounts
/// the bindings name, for the rules about workloads and their tokens.
const DEPLOYMENTS_PER_NAMESPACE: usize = 10;
const RUNS: usize = 5;

const VERBS: &[&str] = &[
    "get",
    "list",
    "watch",
    "create",
    "update",
    "patch",
    "delete",
    "deletecollection",
    "escalate",
    "bind",
    "impersonate",
    "approve",
];

/// Subresources asked about besides each resource itself.
const SUBRESOURCES: &[(&str, &str, &str)] = &[
    ("", "pods", "exec"),
    ("", "pods", "attach"),
    ("", "pods", "portforward"),
    ("", "pods", "log"),
    ("", "nodes", "proxy"),
    ("", "serviceaccounts", "token"),
    ("apps", "deployments", "scale"),
    (
        "certificates.k8s.io",
        "certificatesigningrequests",
        "approval",
    ),
];

/// The rules of the generated roles, in turn: ordinary application
/// rights, and now and then a dangerous or odd one.
const RULE_SETS: &[&str] = &[
    "  - apiGroups: [\"\"]\n    resources: [configmaps, services, endpoints]\n    verbs: [get, \
     list, watch]\n  - apiGroups: [apps]\n    resources: [deployments, replicasets]\n    verbs: \
     [get, list, watch, update, patch]\n",
    "  - apiGroups: [\"\"]\n    resources: [pods, pods/log]\n    verbs: [get, list]\n  - \
     apiGroups: [batch]\n    resources: [jobs, cronjobs]\n    verbs: [get, list, create, \
     delete]\n",
    "  - apiGroups: [\"\"]\n    resources: [secrets]\n    resourceNames: [app-config, \
     tls-cert]\n    verbs: [get]\n  - apiGroups: [networking.k8s.io]\n    resources: \
     [ingresses]\n    verbs: ['*']\n",
    "  - apiGroups: [\"\"]\n    resources: ['*/exec', pods/portforward]\n    verbs: [create, \
     get]\n",
    "  - apiGroups: [\"\"]\n    resources: [secrets, serviceaccounts/token]\n    verbs: [get, \
     list, create]\n",
    "  - apiGroups: [monitoring.coreos.com]\n    resources: ['*']\n    verbs: [get, list, watch]\n",
    "  - apiGroups: [apps]\n    resources: ['*/scale', '*/*']\n    verbs: [update]\n",
];

fn role(out: &mut String, kind: &str, namespace: Option<&str>, name: &str, index: usize) {
    let _ = write!(
        out,
        "---\napiVersion: rbac.authorization.k8s.io/v1\nkind: {kind}\nmetadata:\n  name: {name}\n"
    );
    if let Some(ns) = namespace {
        let _ = writeln!(out, "  namespace: {ns}");
    }
    let aggregated = namespace.is_none() && index % 50 == 0;
    if namespace.is_none() {
        let _ = writeln!(
            out,
            "  labels:\n    example.com/aggregate-to-ops: \"{}\"",
            index % 7 == 0
        );
    }
    if aggregated {
        out.push_str(
            "aggregationRule:\n  clusterRoleSelectors:\n  - matchLabels:\n      \
             example.com/aggregate-to-ops: \"true\"\nrules: []\n",
        );
        return;
    }
    out.push_str("rules:\n");
    out.push_str(RULE_SETS[index % RULE_SETS.len()]);
    if index % 97 == 0 {
        out.push_str("  - apiGroups: ['*']\n    resources: ['*']\n    verbs: ['*']\n");
    }
}

fn binding(
    out: &mut String,
    kind: &str,
    namespace: Option<&str>,
    name: &str,
    role_kind: &str,
    role: &str,
    index: usize,
) {
    let _ = write!(
        out,
        "---\napiVersion: rbac.authorization.k8s.io/v1\nkind: {kind}\nmetadata:\n  name: \
         {name}\n"
    );
    if let Some(ns) = namespace {
        let _ = writeln!(out, "  namespace: {ns}");
    }
    let sa_namespace =
        namespace.map_or_else(|| format!("ns-{:03}", index % NAMESPACES), str::to_owned);
    let _ = write!(
        out,
        "roleRef:\n  apiGroup: rbac.authorization.k8s.io\n  kind: {role_kind}\n  name: \
         {role}\nsubjects:\n  - kind: ServiceAccount\n    name: app-{}\n    namespace: \
         {sa_namespace}\n",
        index % 20
    );
    if index % 3 == 0 {
        let _ = write!(
            out,
            "  - kind: User\n    apiGroup: rbac.authorization.k8s.io\n    name: \
             user-{}@example.com\n",
            index % 500
        );
    }
    if index % 5 == 0 {
        let _ = write!(
            out,
            "  - kind: Group\n    apiGroup: rbac.authorization.k8s.io\n    name: team-{}\n",
            index % 40
        );
    }
}

fn deployment(out: &mut String, namespace: &str, index: usize) {
    let _ = write!(
        out,
        "---\napiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: app-{index}\n  \
         namespace: {namespace}\nspec:\n  selector:\n    matchLabels: {{app: app-{index}}}\n  \
         template:\n    metadata:\n      labels: {{app: app-{index}}}\n    spec:\n      \
         serviceAccountName: app-{}\n      containers:\n      - name: main\n        image: \
         registry.example.com/app:1.0\n",
        index * 2
    );
}

fn cluster() -> String {
    let mut out = String::new();
    for ns in 0..NAMESPACES {
        let namespace = format!("ns-{ns:03}");
        for index in 0..DEPLOYMENTS_PER_NAMESPACE {
            deployment(&mut out, &namespace, index);
        }
        for r in 0..ROLES_PER_NAMESPACE {
            let index = ns * ROLES_PER_NAMESPACE + r;
            let name = format!("role-{r}");
            role(&mut out, "Role", Some(&namespace), &name, index);
            // Most RoleBindings bind the namespace's Roles; every ninth
            // binds a ClusterRole, as RoleBindings often bind `edit` or
            // `view`.
            let (role_kind, role_name) = match index % 9 {
                0 => (
                    "ClusterRole",
                    ["edit", "view", "admin"][index % 3].to_owned(),
                ),
                1 => (
                    "ClusterRole",
                    format!("cluster-role-{}", index % CLUSTER_ROLES),
                ),
                _ => ("Role", name),
            };
            let binding_name = format!("binding-{r}");
            binding(
                &mut out,
                "RoleBinding",
                Some(&namespace),
                &binding_name,
                role_kind,
                &role_name,
                index,
            );
        }
    }
    for index in 0..CLUSTER_ROLES {
        let name = format!("cluster-role-{index}");
        role(&mut out, "ClusterRole", None, &name, index);
        let binding_name = format!("cluster-binding-{index}");
        binding(
            &mut out,
            "ClusterRoleBinding",
            None,
            &binding_name,
            "ClusterRole",
            &name,
            index,
        );
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

/// Every request `who-can` is timed on: each verb on each built-in
/// resource and on the subresources above.
fn requests() -> Vec<Request<'static>> {
    let mut targets: Vec<(&str, &str, &str)> = RESOURCES
        .iter()
        .map(|info| (info.group, info.resource, ""))
        .collect();
    targets.extend_from_slice(SUBRESOURCES);
    let mut requests = Vec::new();
    for verb in VERBS {
        for &(group, resource, subresource) in &targets {
            requests.push(
                Request::resource(verb, group, resource, subresource).with_name(NameQuery::Any),
            );
        }
    }
    requests
}

fn main() {
    let text = cluster();
    let start = Instant::now();
    let inventory = inventory(&text);
    let read = start.elapsed();
    let policy = Policy::new(&inventory);
    let input_roles = policy.roles().iter().filter(|r| !r.origin.builtin).count();
    let input_bindings = policy
        .bindings()
        .iter()
        .filter(|b| !b.origin.builtin)
        .count();
    assert_eq!(input_roles, 10_000);
    assert_eq!(input_bindings, 10_000);
    println!(
        "synthetic cluster: {input_roles} roles and {input_bindings} bindings in {NAMESPACES} \
         namespaces, plus {} built-in roles and {} built-in bindings, and {} Deployments ({:.1} \
         MB of YAML, read in {})",
        policy.roles().len() - input_roles,
        policy.bindings().len() - input_bindings,
        NAMESPACES * DEPLOYMENTS_PER_NAMESPACE,
        f64::from(u32::try_from(text.len()).unwrap_or(u32::MAX)) / 1e6,
        ms(read)
    );

    let (best, median, roles) = time(|| (), |()| Policy::new(&inventory).roles().len());
    println!(
        "policy (read, index, aggregate {roles} roles): best {}, median {}",
        ms(best),
        ms(median)
    );

    let requests = requests();
    let (best, median, grants) = time(
        || (),
        |()| {
            requests
                .iter()
                .map(|request| policy.who_can(request, Scope::Anywhere).len())
                .sum::<usize>()
        },
    );
    println!(
        "who-can, every verb on every resource ({} requests, any namespace): best {}, median {} \
         ({:.3} ms per request, {grants} grants)",
        requests.len(),
        ms(best),
        ms(median),
        median.as_secs_f64() * 1000.0
            / f64::from(u32::try_from(requests.len()).unwrap_or(u32::MAX))
    );

    let namespaced: Vec<Request<'static>> = VERBS
        .iter()
        .map(|verb| Request::resource(verb, "", "secrets", "").with_name(NameQuery::Any))
        .collect();
    let (best, median, grants) = time(
        || (),
        |()| {
            (0..NAMESPACES)
                .map(|ns| {
                    let namespace = format!("ns-{ns:03}");
                    namespaced
                        .iter()
                        .map(|request| policy.who_can(request, Scope::Namespace(&namespace)).len())
                        .sum::<usize>()
                })
                .sum::<usize>()
        },
    );
    println!(
        "who-can -n, every verb on secrets in each of {NAMESPACES} namespaces ({} requests): \
         best {}, median {} ({grants} grants)",
        NAMESPACES * VERBS.len(),
        ms(best),
        ms(median)
    );

    // Each run gets a fresh inventory, so that nothing built for one run
    // is reused by the next.
    let (best, median, findings) = time(
        || self::inventory(&text),
        |inventory| inventory.check(RULES, ScanOptions::default()).len(),
    );
    println!(
        "rbac rules ({} rules): best {}, median {} ({findings} findings)",
        RULES.len(),
        ms(best),
        ms(median)
    );
}
