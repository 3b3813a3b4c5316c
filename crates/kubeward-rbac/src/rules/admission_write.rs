use kubeward_core::{Check, Family, Inventory, InventorySink, RuleStatus, Severity, declare_rule};

use super::common::{BINDING_KINDS, any_grant, report_permission};
use super::shared::{Collector, replay};
use crate::permission::Permission;

declare_rule! {
    /// ## What it checks
    ///
    /// Every subject that may create, update, patch, delete or
    /// delete collections of admission
    /// webhook configurations (`mutatingwebhookconfigurations`,
    /// `validatingwebhookconfigurations`) or admission policies and their
    /// bindings (`mutatingadmissionpolicies`,
    /// `validatingadmissionpolicies` and their `...bindings`) in
    /// `admissionregistration.k8s.io`. These objects have no namespace,
    /// so only ClusterRoleBindings grant this. Subjects that
    /// `rbac-cluster-admin` reports, and the control plane, are left out.
    ///
    /// ## Why it matters
    ///
    /// A mutating webhook receives every object it selects, Secrets
    /// included, and may change it: add a container to every pod, or a
    /// subject to every RoleBinding. Deleting a validating webhook or
    /// policy switches off whatever it enforced.
    ///
    /// ## Failing example
    ///
    /// ```yaml
    /// apiVersion: rbac.authorization.k8s.io/v1
    /// kind: ClusterRole
    /// metadata:
    ///   name: webhook-manager
    /// rules:
    ///   - apiGroups: [admissionregistration.k8s.io]
    ///     resources: [mutatingwebhookconfigurations]
    ///     verbs: [get, create, update]
    /// ---
    /// apiVersion: rbac.authorization.k8s.io/v1
    /// kind: ClusterRoleBinding
    /// metadata:
    ///   name: webhook-manager
    /// roleRef:
    ///   apiGroup: rbac.authorization.k8s.io
    ///   kind: ClusterRole
    ///   name: webhook-manager
    /// subjects:
    ///   - kind: ServiceAccount
    ///     name: injector
    ///     namespace: mesh
    /// ```
    ///
    /// ## Fixed example
    ///
    /// ```yaml
    /// apiVersion: rbac.authorization.k8s.io/v1
    /// kind: ClusterRole
    /// metadata:
    ///   name: webhook-manager
    /// rules:
    ///   - apiGroups: [admissionregistration.k8s.io]
    ///     resources: [mutatingwebhookconfigurations]
    ///     resourceNames: [mesh-injector]
    ///     verbs: [get]
    /// ---
    /// apiVersion: rbac.authorization.k8s.io/v1
    /// kind: ClusterRoleBinding
    /// metadata:
    ///   name: webhook-manager
    /// roleRef:
    ///   apiGroup: rbac.authorization.k8s.io
    ///   kind: ClusterRole
    ///   name: webhook-manager
    /// subjects:
    ///   - kind: ServiceAccount
    ///     name: injector
    ///     namespace: mesh
    /// ```
    ///
    /// ## Known limitations
    ///
    /// Controllers that keep their own webhook's CA bundle current need
    /// `update` on it; limited by `resourceNames` to their own
    /// configuration, the grant is reported with that name for review.
    ///
    /// ## References
    ///
    /// - Kubernetes documentation, "Role Based Access Control Good Practices": escalation paths
    /// - kubescape rule `rule-can-modify-admission-webhooks`
    pub static RULE = {
        id: "rbac-admission-write",
        family: Family::Rbac,
        severity: Severity::High,
        summary: "Subject may change admission webhooks or policies",
        remediation: "Remove write verbs on admissionregistration.k8s.io resources, or limit them with resourceNames to the subject's own configuration.",
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
        Permission::WriteAdmissionConfig,
        any_grant,
        true,
        "admission webhooks see and change every object they select; remove write access",
    );
}
