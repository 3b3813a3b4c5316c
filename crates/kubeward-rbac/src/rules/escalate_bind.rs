use kubeward_core::{Check, Family, Inventory, InventorySink, RuleStatus, Severity, declare_rule};

use super::common::{BINDING_KINDS, any_grant, report_permission};
use super::shared::{Collector, replay};
use crate::permission::Permission;

declare_rule! {
    /// ## What it checks
    ///
    /// Every subject that may `escalate` or `bind` Roles or ClusterRoles
    /// (`*` in `verbs` included). `escalate` on ClusterRoles counts only
    /// through a ClusterRoleBinding, because ClusterRoles are created and
    /// changed without a namespace; `escalate` on Roles, and `bind`, count
    /// in the namespace of a RoleBinding too, where they allow granting
    /// ClusterRoles with RoleBindings. Subjects that `rbac-cluster-admin`
    /// reports, and the control plane, are left out.
    ///
    /// ## Why it matters
    ///
    /// The API server refuses to let a user create a role with rights the
    /// user does not hold, or bind a role the user could not create. The
    /// `escalate` and `bind` verbs switch these checks off: with them, a
    /// subject writes itself a role with every right, or binds
    /// `cluster-admin` to itself.
    ///
    /// ## Failing example
    ///
    /// ```yaml
    /// apiVersion: rbac.authorization.k8s.io/v1
    /// kind: ClusterRole
    /// metadata:
    ///   name: role-manager
    /// rules:
    ///   - apiGroups: [rbac.authorization.k8s.io]
    ///     resources: [clusterroles, clusterrolebindings]
    ///     verbs: [create, update, bind, escalate]
    /// ---
    /// apiVersion: rbac.authorization.k8s.io/v1
    /// kind: ClusterRoleBinding
    /// metadata:
    ///   name: role-manager
    /// roleRef:
    ///   apiGroup: rbac.authorization.k8s.io
    ///   kind: ClusterRole
    ///   name: role-manager
    /// subjects:
    ///   - kind: ServiceAccount
    ///     name: operator
    ///     namespace: platform
    /// ```
    ///
    /// ## Fixed example
    ///
    /// ```yaml
    /// apiVersion: rbac.authorization.k8s.io/v1
    /// kind: ClusterRole
    /// metadata:
    ///   name: role-manager
    /// rules:
    ///   - apiGroups: [rbac.authorization.k8s.io]
    ///     resources: [clusterroles, clusterrolebindings]
    ///     verbs: [get, list, watch]
    /// ---
    /// apiVersion: rbac.authorization.k8s.io/v1
    /// kind: ClusterRoleBinding
    /// metadata:
    ///   name: role-manager
    /// roleRef:
    ///   apiGroup: rbac.authorization.k8s.io
    ///   kind: ClusterRole
    ///   name: role-manager
    /// subjects:
    ///   - kind: ServiceAccount
    ///     name: operator
    ///     namespace: platform
    /// ```
    ///
    /// ## Known limitations
    ///
    /// `bind` limited by `resourceNames` to harmless roles is safe, and is
    /// reported with those names for review. `bind` alone needs the right
    /// to create bindings too, which this rule does not require.
    ///
    /// ## References
    ///
    /// - CIS Kubernetes Benchmark 5.1.8: limit use of the bind, impersonate and escalate permissions
    /// - Kubernetes documentation, "Using RBAC Authorization": privilege escalation prevention and bootstrapping
    /// - kubescape rule `rule-can-bind-escalate`
    pub static RULE = {
        id: "rbac-escalate-bind",
        family: Family::Rbac,
        severity: Severity::Critical,
        summary: "Subject may escalate or bind roles",
        remediation: "Remove the escalate and bind verbs (and * in verbs) on roles and clusterroles, or limit bind with resourceNames to the roles the subject may hand out.",
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
        Permission::EscalateOrBind,
        any_grant,
        false,
        "with escalate, or bind on a role with more rights than its own, the subject can grant \
         itself those rights; remove escalate and bind, or limit bind with resourceNames to the \
         roles it may hand out",
    );
}
