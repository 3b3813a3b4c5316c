use kubeward_core::{Check, Family, Inventory, InventorySink, RuleStatus, Severity, declare_rule};

use super::common::{BINDING_KINDS, any_grant, report_permission};
use super::shared::{Collector, replay};
use crate::permission::Permission;

declare_rule! {
    /// ## What it checks
    ///
    /// Every subject that may `impersonate` users, groups, UIDs or extra
    /// user fields (checked without a namespace, so only through a
    /// ClusterRoleBinding), or ServiceAccounts (checked in the account's
    /// namespace, so through a RoleBinding there too). Subjects that
    /// `rbac-cluster-admin` reports, and the control plane, are left out.
    ///
    /// ## Why it matters
    ///
    /// An impersonating client sends `Impersonate-User` and
    /// `Impersonate-Group` headers and is then authorized as that user:
    /// whoever may impersonate the group `system:masters` is
    /// cluster-admin, and whoever may impersonate a namespace's
    /// ServiceAccounts holds their rights.
    ///
    /// ## Failing example
    ///
    /// ```yaml
    /// apiVersion: rbac.authorization.k8s.io/v1
    /// kind: ClusterRole
    /// metadata:
    ///   name: impersonator
    /// rules:
    ///   - apiGroups: [""]
    ///     resources: [users, groups]
    ///     verbs: [impersonate]
    /// ---
    /// apiVersion: rbac.authorization.k8s.io/v1
    /// kind: ClusterRoleBinding
    /// metadata:
    ///   name: support
    /// roleRef:
    ///   apiGroup: rbac.authorization.k8s.io
    ///   kind: ClusterRole
    ///   name: impersonator
    /// subjects:
    ///   - apiGroup: rbac.authorization.k8s.io
    ///     kind: Group
    ///     name: support
    /// ```
    ///
    /// ## Fixed example
    ///
    /// ```yaml
    /// apiVersion: rbac.authorization.k8s.io/v1
    /// kind: ClusterRole
    /// metadata:
    ///   name: impersonator
    /// rules:
    ///   - apiGroups: [""]
    ///     resources: [users]
    ///     verbs: [get]
    /// ---
    /// apiVersion: rbac.authorization.k8s.io/v1
    /// kind: ClusterRoleBinding
    /// metadata:
    ///   name: support
    /// roleRef:
    ///   apiGroup: rbac.authorization.k8s.io
    ///   kind: ClusterRole
    ///   name: impersonator
    /// subjects:
    ///   - apiGroup: rbac.authorization.k8s.io
    ///     kind: Group
    ///     name: support
    /// ```
    ///
    /// ## Known limitations
    ///
    /// Impersonation limited by `resourceNames` to harmless identities is
    /// safe and is reported with those names for review. The built-in
    /// `edit` and `admin` roles allow impersonating the ServiceAccounts of
    /// their namespace, so every binding of them is reported.
    ///
    /// ## References
    ///
    /// - CIS Kubernetes Benchmark 5.1.8: limit use of the bind, impersonate and escalate permissions
    /// - Kubernetes documentation, "Authenticating": user impersonation
    /// - kubescape C-0065 "No impersonation"
    pub static RULE = {
        id: "rbac-impersonate",
        family: Family::Rbac,
        severity: Severity::High,
        summary: "Subject may impersonate users, groups or ServiceAccounts",
        remediation: "Remove the impersonate verb, or limit it with resourceNames to the identities the subject must act as.",
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
        Permission::Impersonate,
        any_grant,
        false,
        "the subject gets the rights of whoever it impersonates; remove impersonate",
    );
}
