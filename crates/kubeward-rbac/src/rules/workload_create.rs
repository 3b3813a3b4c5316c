use kubeward_core::{Check, Family, Inventory, InventorySink, RuleStatus, Severity, declare_rule};

use super::common::{BINDING_KINDS, any_grant, report_permission};
use super::shared::{Collector, replay};
use crate::permission::Permission;

declare_rule! {
    /// ## What it checks
    ///
    /// Every subject that may create pods, or create, update or patch an
    /// object that makes pods from a template: Deployments, DaemonSets,
    /// StatefulSets, ReplicaSets, Jobs, CronJobs and
    /// ReplicationControllers (in the `apps`, `batch`, `extensions` and
    /// core groups). Through a RoleBinding this holds in the binding's
    /// namespace, through a ClusterRoleBinding in every namespace. Subjects
    /// that `rbac-cluster-admin` reports, and the control plane, are left
    /// out.
    ///
    /// ## Why it matters
    ///
    /// A pod runs as any ServiceAccount of its namespace that its author
    /// names in `serviceAccountName`, mounts any Secret and ConfigMap of
    /// the namespace, and (unless admission forbids it) runs privileged on
    /// a node with its host paths. Creating or changing a workload is
    /// therefore the union of the rights of every ServiceAccount in the
    /// namespace, and often the node. The Kubernetes documentation lists
    /// it among the escalation paths of RBAC.
    ///
    /// ## Failing example
    ///
    /// ```yaml
    /// apiVersion: rbac.authorization.k8s.io/v1
    /// kind: Role
    /// metadata:
    ///   name: pod-starter
    ///   namespace: shop
    /// rules:
    ///   - apiGroups: [""]
    ///     resources: [pods]
    ///     verbs: [create]
    /// ---
    /// apiVersion: rbac.authorization.k8s.io/v1
    /// kind: RoleBinding
    /// metadata:
    ///   name: release-bot
    ///   namespace: shop
    /// roleRef:
    ///   apiGroup: rbac.authorization.k8s.io
    ///   kind: Role
    ///   name: pod-starter
    /// subjects:
    ///   - kind: ServiceAccount
    ///     name: release-bot
    ///     namespace: shop
    /// ```
    ///
    /// ## Fixed example
    ///
    /// ```yaml
    /// apiVersion: rbac.authorization.k8s.io/v1
    /// kind: Role
    /// metadata:
    ///   name: pod-starter
    ///   namespace: shop
    /// rules:
    ///   - apiGroups: [""]
    ///     resources: [pods]
    ///     verbs: [get, list, watch]
    /// ---
    /// apiVersion: rbac.authorization.k8s.io/v1
    /// kind: RoleBinding
    /// metadata:
    ///   name: release-bot
    ///   namespace: shop
    /// roleRef:
    ///   apiGroup: rbac.authorization.k8s.io
    ///   kind: Role
    ///   name: pod-starter
    /// subjects:
    ///   - kind: ServiceAccount
    ///     name: release-bot
    ///     namespace: shop
    /// ```
    ///
    /// ## Known limitations
    ///
    /// Deploying is the job of CI systems and GitOps controllers, which
    /// this rule reports too; give them a namespace of their own and
    /// suppress the finding with a reason. Workload kinds of custom
    /// resources (operators that create pods) are not known. Admission
    /// policies such as Pod Security admission limit what the pods may
    /// do, but not which ServiceAccount they run as.
    ///
    /// ## References
    ///
    /// - CIS Kubernetes Benchmark 5.1.4: minimize access to create pods
    /// - NSA/CISA Kubernetes Hardening Guide, "Authentication and authorization": role-based access control
    /// - kube-linter `access-to-create-pods`; kubescape rule `rule-can-create-pod`
    pub static RULE = {
        id: "rbac-workload-create",
        family: Family::Rbac,
        severity: Severity::High,
        summary: "Subject may create pods or change workloads",
        remediation: "Grant create, update and patch on pods and workloads only to deployers, in the namespaces they deploy to, and keep powerful ServiceAccounts out of those namespaces.",
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
        Permission::CreateWorkloads,
        any_grant,
        false,
        "its pods can run as any ServiceAccount of the namespace; grant this only to deployers",
    );
}
