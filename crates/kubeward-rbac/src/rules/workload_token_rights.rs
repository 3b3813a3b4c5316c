use std::collections::HashMap;

use kubeward_core::{Check, Family, Inventory, InventorySink, RuleStatus, Severity, declare_rule};

use super::common::{WORKLOAD_KINDS, scope_text};
use super::secrets_read::cluster_wide_or_sensitive;
use super::shared::{Collector, replay};
use crate::model::{SubjectKind, SubjectRef};
use crate::permission::Permission;
use crate::policy::Policy;
use crate::workload::{TokenMount, workloads};

declare_rule! {
    /// ## What it checks
    ///
    /// Every pod spec owner whose pods get a ServiceAccount token (see
    /// `rbac-default-service-account` for when they do) while the account
    /// holds a dangerous right through the input's bindings, directly or
    /// through a group such as `system:serviceaccounts`: full access,
    /// reading Secrets cluster-wide or in a sensitive namespace, exec into
    /// pods, creating workloads, escalate or bind, impersonation, creating
    /// tokens, `nodes/proxy`, approving certificates, or changing admission
    /// configuration. The finding is on the workload's `serviceAccountName`
    /// and names each right with the binding and rule that grant it.
    /// Control-plane accounts of kube-system are left out.
    ///
    /// ## Why it matters
    ///
    /// The token is a file in every container of the pod. Anyone who gets
    /// code execution in the workload (a vulnerable dependency, an exposed
    /// admin interface) reads it and calls the API server with the
    /// account's rights. Workloads whose account can do this much are the
    /// step between an exposed application and a taken-over cluster.
    ///
    /// ## Failing example
    ///
    /// ```yaml
    /// apiVersion: v1
    /// kind: ServiceAccount
    /// metadata:
    ///   name: dashboard
    ///   namespace: tools
    /// ---
    /// apiVersion: rbac.authorization.k8s.io/v1
    /// kind: ClusterRoleBinding
    /// metadata:
    ///   name: dashboard
    /// roleRef:
    ///   apiGroup: rbac.authorization.k8s.io
    ///   kind: ClusterRole
    ///   name: cluster-admin
    /// subjects:
    ///   - kind: ServiceAccount
    ///     name: dashboard
    ///     namespace: tools
    /// ---
    /// apiVersion: apps/v1
    /// kind: Deployment
    /// metadata:
    ///   name: dashboard
    ///   namespace: tools
    /// spec:
    ///   selector:
    ///     matchLabels: {app: dashboard}
    ///   template:
    ///     metadata:
    ///       labels: {app: dashboard}
    ///     spec:
    ///       serviceAccountName: dashboard
    ///       containers:
    ///         - name: dashboard
    ///           image: registry.example.com/dashboard:2.7.0
    /// ```
    ///
    /// ## Fixed example
    ///
    /// ```yaml
    /// apiVersion: v1
    /// kind: ServiceAccount
    /// metadata:
    ///   name: dashboard
    ///   namespace: tools
    /// ---
    /// apiVersion: rbac.authorization.k8s.io/v1
    /// kind: ClusterRoleBinding
    /// metadata:
    ///   name: dashboard
    /// roleRef:
    ///   apiGroup: rbac.authorization.k8s.io
    ///   kind: ClusterRole
    ///   name: cluster-admin
    /// subjects:
    ///   - kind: ServiceAccount
    ///     name: dashboard
    ///     namespace: tools
    /// ---
    /// apiVersion: apps/v1
    /// kind: Deployment
    /// metadata:
    ///   name: dashboard
    ///   namespace: tools
    /// spec:
    ///   selector:
    ///     matchLabels: {app: dashboard}
    ///   template:
    ///     metadata:
    ///       labels: {app: dashboard}
    ///     spec:
    ///       serviceAccountName: dashboard
    ///       automountServiceAccountToken: false
    ///       containers:
    ///         - name: dashboard
    ///           image: registry.example.com/dashboard:2.7.0
    /// ```
    ///
    /// ## Known limitations
    ///
    /// kubeward cannot tell which rights a workload needs: controllers and
    /// operators need some of these rights to do their job. For them the
    /// fix is to narrow the role, and the finding shows which grants to
    /// narrow. Rights granted in the cluster and not in the input are not
    /// seen.
    ///
    /// ## References
    ///
    /// - CIS Kubernetes Benchmark 5.1.6: ensure that Service Account Tokens are only mounted where necessary
    /// - NSA/CISA Kubernetes Hardening Guide, "Kubernetes Pod security": protecting Pod service account tokens
    /// - kubescape rules `workload-with-cluster-takeover-roles`, `workload-with-administrative-roles`, `serviceaccount-token-mount`
    pub static RULE = {
        id: "rbac-workload-token-rights",
        family: Family::Rbac,
        severity: Severity::High,
        summary: "Workload mounts a token whose ServiceAccount holds dangerous rights",
        remediation: "Set automountServiceAccountToken: false if the workload does not call the API server; otherwise narrow the account's roles to what it needs.",
        pss: None,
        recommended: true,
        status: RuleStatus::Stable,
        check: Check::Inventory { kinds: WORKLOAD_KINDS, check },
    };
}

fn check(inventory: &Inventory, sink: &mut InventorySink<'_>) {
    replay(inventory, sink, &RULE);
}

pub(super) fn collect(inventory: &Inventory, sink: &mut Collector<'_, '_>) {
    let workloads = workloads(inventory);
    if workloads.is_empty() {
        return;
    }
    let policy = sink.policy();
    let config = sink.options().config;
    let grants: Vec<_> = sink
        .all_grants()
        .filter(|g| g.permission != Permission::ReadSecrets || cluster_wide_or_sensitive(g, config))
        // A binding that grants everything is named once, as full access.
        .filter(|g| {
            g.permission == Permission::FullAccess || !policy.grants_full_access(g.binding_id)
        })
        .collect();
    // Grants to ServiceAccount subjects by account, so that each workload
    // looks at its own account's grants and at the User and Group grants.
    let mut by_account: HashMap<(&str, &str), Vec<usize>> = HashMap::new();
    let mut others = Vec::new();
    for (index, grant) in grants.iter().enumerate() {
        let subject = grant.subject.resolve(grant.binding);
        match (subject.kind, subject.namespace) {
            (SubjectKind::ServiceAccount, Some(namespace)) => by_account
                .entry((namespace, subject.name))
                .or_default()
                .push(index),
            // A ServiceAccount subject without a namespace and a subject of
            // an unknown kind match nobody.
            (SubjectKind::ServiceAccount | SubjectKind::Other, _) => {}
            (SubjectKind::User | SubjectKind::Group, _) => others.push(index),
        }
    }
    for workload in &workloads {
        let TokenMount::Mounted(reason) = &workload.token else {
            continue;
        };
        let account = SubjectRef {
            kind: SubjectKind::ServiceAccount,
            name: workload.service_account,
            namespace: Some(workload.namespace),
        };
        if Policy::is_control_plane(account) {
            continue;
        }
        let identity = workload.identity();
        let mut matching = by_account
            .get(&(workload.namespace, workload.service_account))
            .cloned()
            .unwrap_or_default();
        matching.extend(
            others
                .iter()
                .copied()
                .filter(|&i| identity.matches(grants[i].subject, grants[i].binding)),
        );
        matching.sort_unstable();
        let mut rights = Vec::new();
        for grant in matching.iter().map(|&i| grants[i]) {
            let what = if grant.permission == Permission::FullAccess {
                grant.permission.description().to_owned()
            } else {
                grant.requests_text()
            };
            rights.push(format!(
                "{what} {} ({} binds {})",
                scope_text(grant.binding, grant.permission == Permission::FullAccess),
                grant.binding.describe(),
                grant.rules_text()
            ));
        }
        if rights.is_empty() {
            continue;
        }
        let field = workload.account_field();
        let message = format!(
            "the pods run as {account} and get its token ({}); with it, code in any container \
             can {}; set automountServiceAccountToken: false if the workload does not call the \
             API server, or narrow the account's roles",
            reason.describe(),
            rights.join("; ")
        );
        sink.report(workload.object, field.pos, field.path.clone(), message);
    }
}
