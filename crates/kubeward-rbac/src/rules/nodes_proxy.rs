use kubeward_core::{Check, Family, Inventory, InventorySink, RuleStatus, Severity, declare_rule};

use super::common::{BINDING_KINDS, any_grant, report_permission};
use super::shared::{Collector, replay};
use crate::permission::Permission;

declare_rule! {
    /// ## What it checks
    ///
    /// Every subject that may `get` or `create` on `nodes/proxy` through a
    /// ClusterRoleBinding. Nodes have no namespace, so a RoleBinding never
    /// grants this. Subjects that `rbac-cluster-admin` reports, and the
    /// control plane (the API server's kubelet client), are left out.
    ///
    /// ## Why it matters
    ///
    /// The kubelet authorizes its own API with `nodes/proxy`: with it, a
    /// subject calls `/exec`, `/run` and `/attach` on the kubelet of any
    /// node and runs commands in every pod there, including the
    /// control-plane pods of a kubeadm node, bypassing the API server's
    /// audit log and admission. Even `get` reads every pod's logs and
    /// environment through the kubelet.
    ///
    /// ## Failing example
    ///
    /// ```yaml
    /// apiVersion: rbac.authorization.k8s.io/v1
    /// kind: ClusterRole
    /// metadata:
    ///   name: node-metrics
    /// rules:
    ///   - apiGroups: [""]
    ///     resources: [nodes, nodes/proxy]
    ///     verbs: [get, list]
    /// ---
    /// apiVersion: rbac.authorization.k8s.io/v1
    /// kind: ClusterRoleBinding
    /// metadata:
    ///   name: node-metrics
    /// roleRef:
    ///   apiGroup: rbac.authorization.k8s.io
    ///   kind: ClusterRole
    ///   name: node-metrics
    /// subjects:
    ///   - kind: ServiceAccount
    ///     name: collector
    ///     namespace: monitoring
    /// ```
    ///
    /// ## Fixed example
    ///
    /// ```yaml
    /// apiVersion: rbac.authorization.k8s.io/v1
    /// kind: ClusterRole
    /// metadata:
    ///   name: node-metrics
    /// rules:
    ///   - apiGroups: [""]
    ///     resources: [nodes, nodes/metrics]
    ///     verbs: [get, list]
    /// ---
    /// apiVersion: rbac.authorization.k8s.io/v1
    /// kind: ClusterRoleBinding
    /// metadata:
    ///   name: node-metrics
    /// roleRef:
    ///   apiGroup: rbac.authorization.k8s.io
    ///   kind: ClusterRole
    ///   name: node-metrics
    /// subjects:
    ///   - kind: ServiceAccount
    ///     name: collector
    ///     namespace: monitoring
    /// ```
    ///
    /// ## Known limitations
    ///
    /// Metrics agents often ask for `nodes/proxy` when `nodes/metrics` and
    /// `nodes/stats` would do; kubeward cannot tell which endpoints a
    /// subject calls. `pods/proxy` and `services/proxy`, which reach only
    /// the HTTP ports of pods, are not reported.
    ///
    /// ## References
    ///
    /// - Kubernetes documentation, "Kubelet authentication/authorization": the subresources of the kubelet API
    /// - Kubernetes documentation, "Role Based Access Control Good Practices": escalation paths
    /// - kubescape rule `rule-can-access-proxy-subresource`
    pub static RULE = {
        id: "rbac-nodes-proxy",
        family: Family::Rbac,
        severity: Severity::High,
        summary: "Subject may call the kubelet API through nodes/proxy",
        remediation: "Replace nodes/proxy with the narrower nodes/metrics, nodes/stats or nodes/log the subject needs.",
        pss: None,
        recommended: true,
        status: RuleStatus::Stable,
        check: Check::Inventory { kinds: BINDING_KINDS, check },
    };
}

fn check(inventory: &Inventory, sink: &mut InventorySink<'_>) {
    replay(inventory, sink, &RULE);
}

pub(super) fn collect(_: &Inventory, sink: &mut Collector<'_, '_>) {
    report_permission(
        sink,
        Permission::ProxyToNodes,
        any_grant,
        true,
        "the kubelet API runs commands in every pod of a node; use nodes/metrics or nodes/stats",
    );
}
