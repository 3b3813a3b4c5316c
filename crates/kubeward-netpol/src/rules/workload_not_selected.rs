use kubeward_core::{Check, Family, Inventory, InventorySink, RuleStatus, Severity, declare_rule};

use crate::KINDS;
use crate::Network;

declare_rule! {
    /// ## What it checks
    ///
    /// Every workload (pod spec owner, or Pods grouped by their owner)
    /// whose pods no NetworkPolicy selects, for ingress or egress, and no
    /// AdminNetworkPolicy or BaselineAdminNetworkPolicy subject covers. A
    /// policy selects the pods of its namespace that match its
    /// `podSelector`; a policy without `policyTypes` selects for ingress
    /// even when it has only `egress` rules.
    ///
    /// Workloads on the host network are skipped: NetworkPolicy does not
    /// isolate them.
    ///
    /// ## Why it matters
    ///
    /// A pod that no policy selects accepts connections from, and opens
    /// connections to, every pod and address. It is the easiest first hop
    /// and the easiest next hop of an attacker moving through the
    /// cluster.
    ///
    /// ## Failing example
    ///
    /// ```yaml
    /// apiVersion: apps/v1
    /// kind: Deployment
    /// metadata:
    ///   name: web
    ///   namespace: shop
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
    /// ```
    ///
    /// ## Fixed example
    ///
    /// ```yaml
    /// apiVersion: apps/v1
    /// kind: Deployment
    /// metadata:
    ///   name: web
    ///   namespace: shop
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
    /// apiVersion: networking.k8s.io/v1
    /// kind: NetworkPolicy
    /// metadata:
    ///   name: web
    ///   namespace: shop
    /// spec:
    ///   podSelector:
    ///     matchLabels: {app: web}
    ///   ingress:
    ///     - from:
    ///         - podSelector:
    ///             matchLabels: {app: gateway}
    ///       ports:
    ///         - port: 8080
    /// ```
    ///
    /// ## Known limitations
    ///
    /// Only policies in the scanned input count. A workload whose pods
    /// get their labels from somewhere else than the template (a mutating
    /// webhook, for example) is judged by the template's labels.
    ///
    /// ## References
    ///
    /// - CIS Kubernetes Benchmark 5.3.2: ensure that all namespaces have NetworkPolicies defined
    /// - NSA/CISA Kubernetes Hardening Guide, "Network separation and hardening": "Network policies"
    /// - kubescape C-0260 "Missing network policy"; kube-linter `non-isolated-pod`
    pub static RULE = {
        id: "network-workload-not-selected",
        family: Family::Network,
        severity: Severity::Medium,
        summary: "No NetworkPolicy selects the workload's pods",
        remediation: "Select the workload's pods with a NetworkPolicy, or add a default-deny policy to its namespace, and allow only the flows it needs.",
        pss: None,
        recommended: true,
        status: RuleStatus::Stable,
        check: Check::Inventory { kinds: KINDS, check },
    };
}

fn check(inventory: &Inventory, sink: &mut InventorySink<'_>) {
    let network = Network::of(inventory);
    let model = &network.model;
    let analysis = network.analysis();
    for (id, workload) in model.workloads.iter().enumerate() {
        if model.classes[workload.class].host_network || analysis.is_selected(workload.class) {
            continue;
        }
        super::report(
            inventory,
            sink,
            &workload.site,
            format!(
                "no NetworkPolicy selects the pods of {} in namespace {}, so they accept \
                 connections from and connect to every pod and address; select them with a \
                 NetworkPolicy",
                super::describe_workload(model, id),
                model.namespaces[workload.namespace].name
            ),
        );
    }
}
