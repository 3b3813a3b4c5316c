use kubeward_core::{Check, Family, Inventory, InventorySink, RuleStatus, Severity, declare_rule};

use super::common::{BINDING_KINDS, any_grant, report_permission};
use super::shared::{Collector, replay};
use crate::permission::Permission;

declare_rule! {
    /// ## What it checks
    ///
    /// Every subject that may `create` on `serviceaccounts/token` (the
    /// TokenRequest API), in a RoleBinding's namespace or, through a
    /// ClusterRoleBinding, in every namespace. Subjects that
    /// `rbac-cluster-admin` reports, and the control plane, are left out.
    ///
    /// ## Why it matters
    ///
    /// A TokenRequest returns a fresh token for any ServiceAccount the
    /// subject may name, with an expiry the subject chooses up to the API
    /// server's maximum. It gives the rights of every ServiceAccount of the
    /// namespace without touching a pod, and the token outlives the
    /// subject's own access.
    ///
    /// ## Failing example
    ///
    /// ```yaml
    /// apiVersion: rbac.authorization.k8s.io/v1
    /// kind: Role
    /// metadata:
    ///   name: token-issuer
    ///   namespace: apps
    /// rules:
    ///   - apiGroups: [""]
    ///     resources: [serviceaccounts/token]
    ///     verbs: [create]
    /// ---
    /// apiVersion: rbac.authorization.k8s.io/v1
    /// kind: RoleBinding
    /// metadata:
    ///   name: token-issuer
    ///   namespace: apps
    /// roleRef:
    ///   apiGroup: rbac.authorization.k8s.io
    ///   kind: Role
    ///   name: token-issuer
    /// subjects:
    ///   - apiGroup: rbac.authorization.k8s.io
    ///     kind: User
    ///     name: jane
    /// ```
    ///
    /// ## Fixed example
    ///
    /// ```yaml
    /// apiVersion: rbac.authorization.k8s.io/v1
    /// kind: Role
    /// metadata:
    ///   name: token-issuer
    ///   namespace: apps
    /// rules:
    ///   - apiGroups: [""]
    ///     resources: [serviceaccounts]
    ///     verbs: [get, list]
    /// ---
    /// apiVersion: rbac.authorization.k8s.io/v1
    /// kind: RoleBinding
    /// metadata:
    ///   name: token-issuer
    ///   namespace: apps
    /// roleRef:
    ///   apiGroup: rbac.authorization.k8s.io
    ///   kind: Role
    ///   name: token-issuer
    /// subjects:
    ///   - apiGroup: rbac.authorization.k8s.io
    ///     kind: User
    ///     name: jane
    /// ```
    ///
    /// ## Known limitations
    ///
    /// A grant limited by `resourceNames` to one ServiceAccount is
    /// reported with that name; it is safe when that account has few
    /// rights. Token issuers such as external secret stores need this
    /// right; suppress their findings with a reason.
    ///
    /// ## References
    ///
    /// - Kubernetes documentation, "Role Based Access Control Good Practices": escalation paths
    /// - kubescape rule `rule-can-create-service-account-token`
    pub static RULE = {
        id: "rbac-token-create",
        family: Family::Rbac,
        severity: Severity::High,
        summary: "Subject may create ServiceAccount tokens",
        remediation: "Remove create on serviceaccounts/token, or limit it with resourceNames to the accounts the subject must issue tokens for.",
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
        Permission::CreateTokens,
        any_grant,
        false,
        "it can mint tokens with the rights of those ServiceAccounts; remove the right",
    );
}
