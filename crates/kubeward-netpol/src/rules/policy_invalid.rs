use kubeward_core::{Check, Family, Inventory, InventorySink, RuleStatus, Severity, declare_rule};

use crate::KINDS;
use crate::Network;

declare_rule! {
    /// ## What it checks
    ///
    /// NetworkPolicies, AdminNetworkPolicies and
    /// BaselineAdminNetworkPolicies that the API server would reject:
    ///
    /// - label selectors with an invalid key or value, an unknown
    ///   operator, `In`/`NotIn` without values or `Exists`/`DoesNotExist`
    ///   with values;
    /// - peers with none of `podSelector`, `namespaceSelector` and
    ///   `ipBlock`, or with `ipBlock` and a selector;
    /// - `ipBlock` with an invalid `cidr`, or an `except` block that is
    ///   not a strict subset of it;
    /// - ports with a protocol other than TCP, UDP and SCTP, a number
    ///   outside 1 to 65535, an invalid port name, or an `endPort` below
    ///   `port` or without a numeric `port`;
    /// - `policyTypes` other than `Ingress` and `Egress`.
    ///
    /// ## Why it matters
    ///
    /// `kubectl apply` fails on such a policy, so it never takes effect,
    /// and pipelines that ignore the error leave the pods it was meant to
    /// protect open. kubeward leaves it out of every network analysis.
    ///
    /// ## Failing example
    ///
    /// ```yaml
    /// apiVersion: networking.k8s.io/v1
    /// kind: NetworkPolicy
    /// metadata:
    ///   name: db
    ///   namespace: shop
    /// spec:
    ///   podSelector:
    ///     matchExpressions:
    ///       - key: app
    ///         operator: in
    ///         values: [db]
    ///   policyTypes: [Ingress]
    /// ```
    ///
    /// ## Fixed example
    ///
    /// ```yaml
    /// apiVersion: networking.k8s.io/v1
    /// kind: NetworkPolicy
    /// metadata:
    ///   name: db
    ///   namespace: shop
    /// spec:
    ///   podSelector:
    ///     matchExpressions:
    ///       - key: app
    ///         operator: In
    ///         values: [db]
    ///   policyTypes: [Ingress]
    /// ```
    ///
    /// ## Known limitations
    ///
    /// Only the checks listed above are made; other validation of the API
    /// server, such as object name syntax, is not repeated here.
    ///
    /// ## References
    ///
    /// - Kubernetes API reference, NetworkPolicy v1 (`networking.k8s.io`)
    /// - Kubernetes documentation, "Labels and Selectors": "Syntax and character set"
    /// - Kubernetes Network Policy API, AdminNetworkPolicy v1alpha1
    pub static RULE = {
        id: "network-policy-invalid",
        family: Family::Network,
        severity: Severity::High,
        summary: "Network policy is invalid and never takes effect",
        remediation: "Fix the field the finding names so the API server accepts the policy.",
        pss: None,
        recommended: true,
        status: RuleStatus::Stable,
        check: Check::Inventory { kinds: KINDS, check },
    };
}

fn check(inventory: &Inventory, sink: &mut InventorySink<'_>) {
    let network = Network::of(inventory);
    let model = &network.model;
    for problem in &model.problems {
        super::report(inventory, sink, &problem.site, problem.message.clone());
    }
}
