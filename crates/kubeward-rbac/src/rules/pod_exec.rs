use kubeward_core::{Check, Family, Inventory, InventorySink, RuleStatus, Severity, declare_rule};

use super::common::{BINDING_KINDS, any_grant, report_permission};
use super::shared::{Collector, replay};
use crate::permission::Permission;

declare_rule! {
    /// ## What it checks
    ///
    /// Every subject that may exec into, attach to or port-forward to
    /// pods: `create` or `get` on `pods/exec`, `pods/attach` or
    /// `pods/portforward`, in one namespace through a RoleBinding or in
    /// every namespace through a ClusterRoleBinding. `*/exec` and `*`
    /// match these subresources; `pods/*` does not.
    ///
    /// Both verbs count: clients that speak SPDY, like kubectl before
    /// v1.30, send POST, which is authorized as `create`, and WebSocket
    /// clients send GET, which API servers before the WebSocket upgrade
    /// check (kube-apiserver v1.35) authorize as `get` alone. Subjects that
    /// `rbac-cluster-admin` reports, and the control plane, are left out.
    ///
    /// ## Why it matters
    ///
    /// A shell in a pod is that pod: its ServiceAccount token, its mounted
    /// Secrets, its network position and, for a privileged pod, its node.
    /// Port-forwarding reaches services that listen only inside the pod.
    /// Whoever may exec into every pod of a namespace holds the rights of
    /// every ServiceAccount used there.
    ///
    /// ## Failing example
    ///
    /// ```yaml
    /// apiVersion: rbac.authorization.k8s.io/v1
    /// kind: ClusterRole
    /// metadata:
    ///   name: exec-anything
    /// rules:
    ///   - apiGroups: [""]
    ///     resources: ["*/exec"]
    ///     verbs: [create, get]
    /// ---
    /// apiVersion: rbac.authorization.k8s.io/v1
    /// kind: RoleBinding
    /// metadata:
    ///   name: exec-anything-ci
    ///   namespace: team-b
    /// roleRef:
    ///   apiGroup: rbac.authorization.k8s.io
    ///   kind: ClusterRole
    ///   name: exec-anything
    /// subjects:
    ///   - kind: ServiceAccount
    ///     name: ci-runner
    ///     namespace: team-b
    /// ```
    ///
    /// ## Fixed example
    ///
    /// ```yaml
    /// apiVersion: rbac.authorization.k8s.io/v1
    /// kind: ClusterRole
    /// metadata:
    ///   name: read-logs
    /// rules:
    ///   - apiGroups: [""]
    ///     resources: [pods, pods/log]
    ///     verbs: [get, list]
    /// ---
    /// apiVersion: rbac.authorization.k8s.io/v1
    /// kind: RoleBinding
    /// metadata:
    ///   name: read-logs-ci
    ///   namespace: team-b
    /// roleRef:
    ///   apiGroup: rbac.authorization.k8s.io
    ///   kind: ClusterRole
    ///   name: read-logs
    /// subjects:
    ///   - kind: ServiceAccount
    ///     name: ci-runner
    ///     namespace: team-b
    /// ```
    ///
    /// ## Known limitations
    ///
    /// Debugging with ephemeral containers (`pods/ephemeralcontainers`)
    /// and the kubelet API (`nodes/proxy`, see `rbac-nodes-proxy`) reach
    /// pods too and are not part of this rule. A grant limited by
    /// `resourceNames` to named pods is reported with those names.
    ///
    /// ## References
    ///
    /// - NSA/CISA Kubernetes Hardening Guide, "Authentication and authorization": role-based access control
    /// - kubescape C-0002 "Exec into container", C-0063 "Portforwarding privileges"
    /// - Kubernetes documentation, "Role Based Access Control Good Practices": escalation paths
    pub static RULE = {
        id: "rbac-pod-exec",
        family: Family::Rbac,
        severity: Severity::High,
        summary: "Subject may exec into, attach to or port-forward to pods",
        remediation: "Remove create and get on pods/exec, pods/attach and pods/portforward, or grant them only for break-glass access in the namespaces that need it.",
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
        Permission::ExecIntoPods,
        any_grant,
        false,
        "remove exec, attach and port-forward rights unless the subject is meant to have shell access",
    );
}
