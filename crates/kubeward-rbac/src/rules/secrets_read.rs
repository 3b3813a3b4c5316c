use kubeward_core::{
    Check, Family, Inventory, InventorySink, RuleConfig, RuleStatus, Severity, declare_rule,
};

use super::common::{BINDING_KINDS, report_permission};
use super::shared::{Collector, replay};
use crate::permission::{Permission, PermissionGrant};

declare_rule! {
    /// ## What it checks
    ///
    /// Every subject that may `get`, `list` or `watch` Secrets in every
    /// namespace (through a ClusterRoleBinding) or in a sensitive
    /// namespace (through a RoleBinding there). The sensitive namespaces
    /// are a setting, `sensitiveNamespaces`, by default `kube-system` and
    /// the namespaces of widely used cluster-wide tools that keep
    /// credentials there: `argocd`, `flux-system`, `cert-manager`,
    /// `istio-system`, `kyverno`, `gatekeeper-system`, `tigera-operator`,
    /// `calico-system` and `cattle-system`.
    ///
    /// Matching follows the API server: `resources: ["*"]` includes
    /// Secrets, `apiGroups: ["*"]` includes the core group, while
    /// `secrets/*` or `*/*` grant nothing on Secrets themselves. A grant
    /// limited by `resourceNames` is reported with those names. Subjects
    /// that `rbac-cluster-admin` reports, and the control plane, are left
    /// out.
    ///
    /// ## Why it matters
    ///
    /// Secrets hold ServiceAccount tokens, registry credentials, TLS keys
    /// and database passwords. `list` and `watch` return every Secret's
    /// value, not just names. Reading the Secrets of kube-system yields
    /// tokens of controllers that can do nearly anything, so read access
    /// there is as good as cluster-admin.
    ///
    /// ## Failing example
    ///
    /// ```yaml
    /// apiVersion: rbac.authorization.k8s.io/v1
    /// kind: ClusterRole
    /// metadata:
    ///   name: read-core
    /// rules:
    ///   - apiGroups: [""]
    ///     resources: ["*"]
    ///     verbs: [get, list, watch]
    /// ---
    /// apiVersion: rbac.authorization.k8s.io/v1
    /// kind: ClusterRoleBinding
    /// metadata:
    ///   name: read-core-auditors
    /// roleRef:
    ///   apiGroup: rbac.authorization.k8s.io
    ///   kind: ClusterRole
    ///   name: read-core
    /// subjects:
    ///   - apiGroup: rbac.authorization.k8s.io
    ///     kind: Group
    ///     name: auditors
    /// ```
    ///
    /// ## Fixed example
    ///
    /// ```yaml
    /// apiVersion: rbac.authorization.k8s.io/v1
    /// kind: ClusterRole
    /// metadata:
    ///   name: read-core
    /// rules:
    ///   - apiGroups: [""]
    ///     resources: [pods, services, configmaps, events]
    ///     verbs: [get, list, watch]
    /// ---
    /// apiVersion: rbac.authorization.k8s.io/v1
    /// kind: ClusterRoleBinding
    /// metadata:
    ///   name: read-core-auditors
    /// roleRef:
    ///   apiGroup: rbac.authorization.k8s.io
    ///   kind: ClusterRole
    ///   name: read-core
    /// subjects:
    ///   - apiGroup: rbac.authorization.k8s.io
    ///     kind: Group
    ///     name: auditors
    /// ```
    ///
    /// ## Options
    ///
    /// `sensitiveNamespaces` in `.kubeward.yaml`: the namespaces where read
    /// access to Secrets is reported like cluster-wide access. The list
    /// replaces the default one.
    ///
    /// ## Known limitations
    ///
    /// Reading the Secrets of an ordinary namespace through a RoleBinding
    /// is not reported: it is the normal job of many controllers. Add
    /// such a namespace to `sensitiveNamespaces` to cover it. Rights that
    /// reach Secrets indirectly (creating a pod that mounts one) are the
    /// subject of `rbac-workload-create`.
    ///
    /// ## References
    ///
    /// - CIS Kubernetes Benchmark 5.1.2: minimize access to secrets
    /// - NSA/CISA Kubernetes Hardening Guide, "Authentication and authorization": role-based access control
    /// - kube-linter `access-to-secrets`; kubescape C-0015 "List Kubernetes secrets"
    pub static RULE = {
        id: "rbac-secrets-read",
        family: Family::Rbac,
        severity: Severity::High,
        summary: "Subject may read Secrets cluster-wide or in a sensitive namespace",
        remediation: "Remove get, list and watch on Secrets from the role, or bind it only in the namespaces whose Secrets the subject needs, with resourceNames for the Secrets it reads.",
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
        Permission::ReadSecrets,
        cluster_wide_or_sensitive,
        false,
        "remove read access to Secrets or limit it to the Secrets the subject needs",
    );
}

/// Keeps grants through ClusterRoleBindings and through RoleBindings in
/// sensitive namespaces.
pub(crate) fn cluster_wide_or_sensitive(
    grant: &PermissionGrant<'_, '_>,
    config: &RuleConfig,
) -> bool {
    grant
        .binding
        .namespace
        .is_none_or(|ns| config.is_sensitive_namespace(ns))
}
