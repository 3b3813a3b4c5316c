use kubeward_core::{Check, Family, Inventory, InventorySink, RuleStatus, Severity, declare_rule};

use super::common::BINDING_KINDS;
use super::shared::{Collector, replay};

declare_rule! {
    /// ## What it checks
    ///
    /// Roles, ClusterRoles, RoleBindings and ClusterRoleBindings that the
    /// API server rejects, with the reason and the field:
    ///
    /// - `rules`, `subjects` or a rule's lists that are not lists, items
    ///   that are not mappings or strings, label values that are not
    ///   strings;
    /// - a rule without verbs, or a resource rule without `apiGroups` or
    ///   `resources`; `nonResourceURLs` in a Role, or mixed with resources;
    /// - a binding without `roleRef` or `roleRef.name`, a `roleRef.kind`
    ///   other than Role or ClusterRole (ClusterRole only for a
    ///   ClusterRoleBinding), a `roleRef.apiGroup` other than
    ///   `rbac.authorization.k8s.io`;
    /// - a subject without a name, of a kind other than User, Group or
    ///   ServiceAccount, with the wrong `apiGroup`, or a ServiceAccount
    ///   subject of a ClusterRoleBinding without a namespace;
    /// - an `aggregationRule` selector with an unknown operator or wrong
    ///   values, and an object without `metadata.name`.
    ///
    /// ## Why it matters
    ///
    /// `kubectl apply` fails on these objects, so what the manifest says is
    /// not what the cluster has: a binding that was meant to limit access
    /// never exists, or one that was meant to grant it breaks a deployment.
    /// Such an object grants nothing in the cluster, so kubeward leaves it
    /// out too: the other `rbac` rules, `kubeward rbac` and
    /// `kubeward paths` never grant through it, and a binding to a
    /// rejected role grants nothing.
    ///
    /// ## Failing example
    ///
    /// ```yaml
    /// apiVersion: rbac.authorization.k8s.io/v1
    /// kind: ClusterRoleBinding
    /// metadata:
    ///   name: viewers
    /// roleRef:
    ///   apiGroup: rbac.authorization.k8s.io
    ///   kind: Role
    ///   name: viewer
    /// subjects:
    ///   kind: Group
    ///   name: viewers
    /// ```
    ///
    /// ## Fixed example
    ///
    /// ```yaml
    /// apiVersion: rbac.authorization.k8s.io/v1
    /// kind: ClusterRoleBinding
    /// metadata:
    ///   name: viewers
    /// roleRef:
    ///   apiGroup: rbac.authorization.k8s.io
    ///   kind: ClusterRole
    ///   name: view
    /// subjects:
    ///   - apiGroup: rbac.authorization.k8s.io
    ///     kind: Group
    ///     name: viewers
    /// ```
    ///
    /// ## Known limitations
    ///
    /// Only the checks listed above are made; name formats (such as
    /// ServiceAccount names that are not DNS labels) are not checked, so an
    /// object whose only fault is such a name is read as valid and grants
    /// what it says.
    ///
    /// ## References
    ///
    /// - Kubernetes source, `pkg/apis/rbac/validation/validation.go`
    /// - Kubernetes API reference, Role, ClusterRole, RoleBinding and ClusterRoleBinding v1
    pub static RULE = {
        id: "rbac-invalid-object",
        family: Family::Rbac,
        severity: Severity::Medium,
        summary: "RBAC object is invalid and the API server rejects it",
        remediation: "Fix the field the message names so that the object matches the RBAC API.",
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
    let policy = sink.input_policy();
    for (origin, problem) in policy.problems() {
        sink.report(
            origin.object,
            problem.pos,
            problem.path.clone(),
            problem.message.clone(),
        );
    }
}
