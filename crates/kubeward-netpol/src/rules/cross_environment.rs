use std::collections::BTreeMap;

use kubeward_core::{Check, Family, Inventory, InventorySink, RuleStatus, Severity, declare_rule};

use crate::Network;
use crate::admin::AdminAction;
use crate::analysis::Endpoint;
use crate::connlist::class_connections;
use crate::{Direction, KINDS};

declare_rule! {
    /// ## What it checks
    ///
    /// Connections that the policies allow from a workload in one
    /// environment to a workload in another. A namespace's environment
    /// comes from the first of its labels `environment`, `env`, `stage`,
    /// `tier` and `app.kubernetes.io/environment` (configurable as
    /// `environmentLabelKeys` in `.kubeward.yaml`) whose value names one.
    /// Without such a label, it comes from a part of the namespace's name:
    /// `prod`, `production`, `prd` and `live` are production; `staging`,
    /// `stage`, `stg`, `preprod` and `uat` are staging; `dev`,
    /// `development` and `develop` are development; `test`, `testing` and
    /// `qa` are test. Namespaces without an environment are not compared.
    ///
    /// One finding per destination workload and source environment, on
    /// the destination, naming the source namespaces, the ports and what
    /// allows the traffic.
    ///
    /// ## Why it matters
    ///
    /// Development and test workloads run unreviewed code, debug tools and
    /// weaker credentials. When they can reach production, a compromise of
    /// the least protected environment becomes a compromise of production
    /// data.
    ///
    /// ## Failing example
    ///
    /// ```yaml
    /// apiVersion: v1
    /// kind: Namespace
    /// metadata:
    ///   name: shop-dev
    /// ---
    /// apiVersion: v1
    /// kind: Namespace
    /// metadata:
    ///   name: shop-prod
    /// ---
    /// apiVersion: apps/v1
    /// kind: Deployment
    /// metadata:
    ///   name: web
    ///   namespace: shop-dev
    /// spec:
    ///   selector:
    ///     matchLabels: {app: web}
    ///   template:
    ///     metadata:
    ///       labels: {app: web}
    ///     spec:
    ///       containers:
    ///         - name: web
    ///           image: registry.example.com/web:1.0.0
    /// ---
    /// apiVersion: apps/v1
    /// kind: Deployment
    /// metadata:
    ///   name: api
    ///   namespace: shop-prod
    /// spec:
    ///   selector:
    ///     matchLabels: {app: api}
    ///   template:
    ///     metadata:
    ///       labels: {app: api}
    ///     spec:
    ///       containers:
    ///         - name: api
    ///           image: registry.example.com/api:1.0.0
    /// ```
    ///
    /// ## Fixed example
    ///
    /// ```yaml
    /// apiVersion: v1
    /// kind: Namespace
    /// metadata:
    ///   name: shop-dev
    /// ---
    /// apiVersion: v1
    /// kind: Namespace
    /// metadata:
    ///   name: shop-prod
    /// ---
    /// apiVersion: apps/v1
    /// kind: Deployment
    /// metadata:
    ///   name: web
    ///   namespace: shop-dev
    /// spec:
    ///   selector:
    ///     matchLabels: {app: web}
    ///   template:
    ///     metadata:
    ///       labels: {app: web}
    ///     spec:
    ///       containers:
    ///         - name: web
    ///           image: registry.example.com/web:1.0.0
    /// ---
    /// apiVersion: apps/v1
    /// kind: Deployment
    /// metadata:
    ///   name: api
    ///   namespace: shop-prod
    /// spec:
    ///   selector:
    ///     matchLabels: {app: api}
    ///   template:
    ///     metadata:
    ///       labels: {app: api}
    ///     spec:
    ///       containers:
    ///         - name: api
    ///           image: registry.example.com/api:1.0.0
    /// ---
    /// apiVersion: networking.k8s.io/v1
    /// kind: NetworkPolicy
    /// metadata:
    ///   name: same-namespace-only
    ///   namespace: shop-prod
    /// spec:
    ///   podSelector: {}
    ///   ingress:
    ///     - from:
    ///         - podSelector: {}
    /// ---
    /// apiVersion: networking.k8s.io/v1
    /// kind: NetworkPolicy
    /// metadata:
    ///   name: same-namespace-only
    ///   namespace: shop-dev
    /// spec:
    ///   podSelector: {}
    ///   ingress:
    ///     - from:
    ///         - podSelector: {}
    /// ```
    ///
    /// ## Known limitations
    ///
    /// Only workloads in the input are compared, and environments are
    /// recognised only by the words above. Traffic through Services of
    /// type ExternalName, gateways or the internet is not followed.
    ///
    /// ## References
    ///
    /// - NSA/CISA Kubernetes Hardening Guide, "Network separation and hardening"
    /// - CIS Kubernetes Benchmark 5.7.1: create administrative boundaries between resources using namespaces
    pub static RULE = {
        id: "network-cross-environment",
        family: Family::Network,
        severity: Severity::High,
        summary: "Traffic is allowed between environments",
        remediation: "Deny ingress from other environments' namespaces: allow only namespaces of the same environment in the destination's NetworkPolicies.",
        pss: None,
        recommended: true,
        status: RuleStatus::Stable,
        check: Check::Inventory { kinds: KINDS, check },
    };
}

fn check(inventory: &Inventory, sink: &mut InventorySink<'_>) {
    let config = sink.options().config;
    let network = Network::of(inventory);
    let model = &network.model;
    let environments: Vec<Option<&'static str>> = (0..model.namespaces.len())
        .map(|ns| super::environment::environment(model, ns, config))
        .collect();
    let mut distinct: Vec<&str> = environments.iter().flatten().copied().collect();
    distinct.sort_unstable();
    distinct.dedup();
    if distinct.len() < 2 {
        return;
    }
    let analysis = network.analysis();
    // (destination class, source environment) → (source namespaces, ports, first source class)
    let mut crossings: BTreeMap<(usize, &str), (Vec<usize>, crate::ports::PortSet, usize)> =
        BTreeMap::new();
    for (src, dst, ports) in class_connections(&analysis) {
        let (s_ns, d_ns) = (model.classes[src].namespace, model.classes[dst].namespace);
        let (Some(s_env), Some(d_env)) = (environments[s_ns], environments[d_ns]) else {
            continue;
        };
        if s_env == d_env {
            continue;
        }
        let entry = crossings
            .entry((dst, s_env))
            .or_insert_with(|| (Vec::new(), crate::ports::PortSet::none(), src));
        if !entry.0.contains(&s_ns) {
            entry.0.push(s_ns);
        }
        entry.1.add(&ports);
    }
    for ((dst, s_env), (namespaces, ports, first_src)) in crossings {
        let d_env = environments[model.classes[dst].namespace].unwrap_or("");
        let names: Vec<&str> = namespaces
            .iter()
            .map(|&ns| model.namespaces[ns].name.as_str())
            .collect();
        let trace = analysis.trace(Direction::Ingress, dst, Endpoint::Class(first_src));
        let because = match trace
            .decisions
            .iter()
            .find(|d| d.action == AdminAction::Allow)
        {
            Some(d) => format!("{} {} {} allows it", d.kind, d.policy, d.rule),
            None => "no NetworkPolicy isolates it for ingress".to_owned(),
        };
        for &workload in &model.classes[dst].workloads {
            super::report(
                inventory,
                sink,
                &model.workloads[workload].site,
                format!(
                    "{} in {d_env} namespace {} accepts connections from {s_env} namespace {} \
                     ({ports}): {because}; allow only namespaces of the same environment",
                    super::describe_workload(model, workload),
                    model.namespaces[model.classes[dst].namespace].name,
                    names.join(", ")
                ),
            );
        }
    }
}
