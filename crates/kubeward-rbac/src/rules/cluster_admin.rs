use kubeward_core::{Check, Family, Inventory, InventorySink, RuleStatus, Severity, declare_rule};

use super::common::{BINDING_KINDS, any_grant, report_permission};
use super::shared::{Collector, replay};
use crate::permission::Permission;

declare_rule! {
    /// ## What it checks
    ///
    /// Every subject of a RoleBinding or ClusterRoleBinding whose role has a
    /// rule with `*` in `verbs`, `apiGroups` and `resources`: the
    /// `cluster-admin` ClusterRole, or any role written like it. Through a
    /// ClusterRoleBinding the subject may do everything in the cluster;
    /// through a RoleBinding, everything in the binding's namespace,
    /// granting roles and reading Secrets included.
    ///
    /// Roles are resolved as the API server resolves them: `cluster-admin`
    /// and the other built-in roles of a kubeadm cluster are known without
    /// the cluster, and aggregated ClusterRoles get the rules of the roles
    /// they select. The subjects that a kubeadm cluster itself binds to
    /// powerful roles (`system:masters`, `kubeadm:cluster-admins`, the
    /// controller manager and its controllers' ServiceAccounts) are the
    /// control plane and are not reported.
    ///
    /// ## Why it matters
    ///
    /// A subject with every right is the cluster's owner: whoever gets its
    /// credentials (a ServiceAccount token read from a compromised pod, a
    /// leaked kubeconfig) can read every Secret, run privileged pods on
    /// every node and hide their tracks. Management interfaces and CI
    /// systems bound to `cluster-admin` are how clusters are most often
    /// taken over.
    ///
    /// ## Failing example
    ///
    /// ```yaml
    /// apiVersion: v1
    /// kind: ServiceAccount
    /// metadata:
    ///   name: deployer
    ///   namespace: ci
    /// ---
    /// apiVersion: rbac.authorization.k8s.io/v1
    /// kind: ClusterRoleBinding
    /// metadata:
    ///   name: deployer
    /// roleRef:
    ///   apiGroup: rbac.authorization.k8s.io
    ///   kind: ClusterRole
    ///   name: cluster-admin
    /// subjects:
    ///   - kind: ServiceAccount
    ///     name: deployer
    ///     namespace: ci
    /// ```
    ///
    /// ## Fixed example
    ///
    /// ```yaml
    /// apiVersion: rbac.authorization.k8s.io/v1
    /// kind: Role
    /// metadata:
    ///   name: deployer
    ///   namespace: shop
    /// rules:
    ///   - apiGroups: [apps]
    ///     resources: [deployments]
    ///     verbs: [get, list, patch]
    /// ---
    /// apiVersion: rbac.authorization.k8s.io/v1
    /// kind: RoleBinding
    /// metadata:
    ///   name: deployer
    ///   namespace: shop
    /// roleRef:
    ///   apiGroup: rbac.authorization.k8s.io
    ///   kind: Role
    ///   name: deployer
    /// subjects:
    ///   - kind: ServiceAccount
    ///     name: deployer
    ///     namespace: ci
    /// ```
    ///
    /// ## Known limitations
    ///
    /// A role that lists every verb, group and resource by name instead of
    /// `*` is not recognised as full access; the other `rbac` rules report
    /// its dangerous parts. Bindings made in the cluster and not in the
    /// scanned manifests are not seen. A ClusterRole of the same name as a
    /// built-in one replaces it, as applying it to a cluster would.
    ///
    /// ## References
    ///
    /// - CIS Kubernetes Benchmark 5.1.1: ensure that the cluster-admin role is only used where required
    /// - CIS Kubernetes Benchmark 5.1.3: minimize wildcard use in Roles and ClusterRoles
    /// - NSA/CISA Kubernetes Hardening Guide, "Authentication and authorization": role-based access control
    /// - kube-linter `cluster-admin-role-binding`; kubescape C-0035 "Administrative Roles"
    pub static RULE = {
        id: "rbac-cluster-admin",
        family: Family::Rbac,
        severity: Severity::Critical,
        summary: "Subject may do everything (cluster-admin or `*` on `*`)",
        remediation: "Bind a role that grants only the verbs and resources the subject needs, in the namespaces it works in.",
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
        Permission::FullAccess,
        any_grant,
        false,
        "bind a role with only the rights the subject needs",
    );
}
