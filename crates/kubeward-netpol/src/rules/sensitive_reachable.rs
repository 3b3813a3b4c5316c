use kubeward_core::{Check, Family, Inventory, InventorySink, RuleStatus, Severity, declare_rule};

use crate::Network;
use crate::model::{ClassId, NamespaceScope, Peer};
use crate::ports::{PortRanges, PortSet, Protocol, resolve_all};
use crate::{Analysis, Direction, KINDS, Model};

declare_rule! {
    /// ## What it checks
    ///
    /// Sensitive workloads whose ingress admits pods of every namespace:
    ///
    /// - data stores, recognised by image (`postgres`, `mysql`, `mongo`,
    ///   `redis`, `elasticsearch`, `etcd`, ...) or by a well-known
    ///   container port (5432, 3306, 27017, 6379, 9200, 2379, ...);
    /// - every workload in a sensitive namespace (`kube-system` and the
    ///   namespaces of cluster-wide controllers, configurable as
    ///   `sensitiveNamespaces` in `.kubeward.yaml`), except for DNS (TCP
    ///   and UDP port 53).
    ///
    /// A workload admits every namespace when no NetworkPolicy isolates
    /// it for ingress, or when a rule of one that does has no `from`, or
    /// a peer with an empty `namespaceSelector` and an empty or absent
    /// `podSelector`. The finding names the ports open to every namespace.
    ///
    /// ## Why it matters
    ///
    /// Databases, etcd and control-plane components are where an attacker
    /// who took any pod goes next. If a pod in any namespace (a
    /// development tool, a compromised web frontend) can connect, the
    /// database's password is the only barrier left.
    ///
    /// ## Failing example
    ///
    /// ```yaml
    /// apiVersion: apps/v1
    /// kind: StatefulSet
    /// metadata:
    ///   name: db
    ///   namespace: shop
    /// spec:
    ///   serviceName: db
    ///   selector:
    ///     matchLabels: {app: db}
    ///   template:
    ///     metadata:
    ///       labels: {app: db}
    ///     spec:
    ///       containers:
    ///         - name: postgres
    ///           image: postgres:16
    ///           ports:
    ///             - containerPort: 5432
    /// ```
    ///
    /// ## Fixed example
    ///
    /// ```yaml
    /// apiVersion: apps/v1
    /// kind: StatefulSet
    /// metadata:
    ///   name: db
    ///   namespace: shop
    /// spec:
    ///   serviceName: db
    ///   selector:
    ///     matchLabels: {app: db}
    ///   template:
    ///     metadata:
    ///       labels: {app: db}
    ///     spec:
    ///       containers:
    ///         - name: postgres
    ///           image: postgres:16
    ///           ports:
    ///             - containerPort: 5432
    /// ---
    /// apiVersion: networking.k8s.io/v1
    /// kind: NetworkPolicy
    /// metadata:
    ///   name: db
    ///   namespace: shop
    /// spec:
    ///   podSelector:
    ///     matchLabels: {app: db}
    ///   ingress:
    ///     - from:
    ///         - podSelector:
    ///             matchLabels: {app: api}
    ///       ports:
    ///         - port: 5432
    /// ```
    ///
    /// ## Known limitations
    ///
    /// A peer whose selectors match every namespace without being empty
    /// (such as `DoesNotExist` on a label no namespace has) is not seen as
    /// admitting every namespace. AdminNetworkPolicies are not taken into
    /// account here. Workloads on the host network are skipped.
    ///
    /// ## References
    ///
    /// - CIS Kubernetes Benchmark 5.3.2: ensure that all namespaces have NetworkPolicies defined
    /// - NSA/CISA Kubernetes Hardening Guide, "Network separation and hardening": "Network policies"
    /// - MITRE ATT&CK for Containers, "Lateral Movement"
    pub static RULE = {
        id: "network-sensitive-reachable-from-all-namespaces",
        family: Family::Network,
        severity: Severity::High,
        summary: "Sensitive workload is reachable from every namespace",
        remediation: "Isolate the workload with a NetworkPolicy whose ingress rules allow only the pods and namespaces that use it, on its service ports.",
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
    let analysis = network.analysis();
    let mut dns = PortSet::of(Protocol::Udp, PortRanges::single(53));
    dns.add(&PortSet::of(Protocol::Tcp, PortRanges::single(53)));
    for (id, workload) in model.workloads.iter().enumerate() {
        if model.classes[workload.class].host_network {
            continue;
        }
        let Some(why) = super::sensitive::sensitivity(model, id, config) else {
            continue;
        };
        let mut open = open_to_every_namespace(model, &analysis, workload.class);
        if super::sensitive::only_for_namespace(model, id, config) {
            open = open.difference(&dns);
        }
        if open.is_empty() {
            continue;
        }
        let how = if analysis.is_isolated(workload.class, Direction::Ingress) {
            "a NetworkPolicy rule admits every namespace"
        } else {
            "no NetworkPolicy isolates it for ingress"
        };
        super::report(
            inventory,
            sink,
            &workload.site,
            format!(
                "{} in namespace {} is sensitive ({why}) and pods of every namespace can \
                 connect to it ({open}) because {how}; allow only the clients that need it",
                super::describe_workload(model, id),
                model.namespaces[workload.namespace].name
            ),
        );
    }
}

/// What a pod in any namespace, with any labels, may send to `class`
/// under its NetworkPolicies.
fn open_to_every_namespace(model: &Model, analysis: &Analysis<'_>, class: ClassId) -> PortSet {
    let policies = analysis.selecting(class, Direction::Ingress);
    if policies.is_empty() {
        return PortSet::all();
    }
    let ports = &model.classes[class].ports;
    let mut open = PortSet::none();
    for &id in policies {
        for rule in &model.policies[id].ingress {
            let everyone = match &rule.peers {
                None => true,
                Some(peers) => peers.iter().any(|peer| {
                    matches!(
                        peer,
                        Peer::Pods { namespaces: NamespaceScope::Selector(ns), pods, .. }
                            if ns.is_empty() && pods.is_empty()
                    )
                }),
            };
            if everyone {
                open.add(&resolve_all(rule.ports.as_deref(), ports));
            }
        }
    }
    open
}
