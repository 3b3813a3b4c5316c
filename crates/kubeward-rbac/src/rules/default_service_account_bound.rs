use std::fmt::Write;

use kubeward_core::{Check, Family, Inventory, InventorySink, RuleStatus, Severity, declare_rule};

use super::common::{BINDING_KINDS, scope_text};
use super::shared::{Collector, replay};
use crate::model::SubjectKind;

declare_rule! {
    /// ## What it checks
    ///
    /// Every RoleBinding or ClusterRoleBinding of the input with a
    /// ServiceAccount subject named `default`, whatever the bound role
    /// grants today. The message names the role and the dangerous rights it
    /// grants, if any.
    ///
    /// ## Why it matters
    ///
    /// Every namespace has a ServiceAccount `default`, and every pod that
    /// names no ServiceAccount runs as it, including pods created later by
    /// people who never saw the binding. Rights given to `default` are
    /// therefore given to every such pod and to whoever may create pods in
    /// the namespace. A kubeadm cluster binds no role to any `default`
    /// account.
    ///
    /// ## Failing example
    ///
    /// ```yaml
    /// apiVersion: rbac.authorization.k8s.io/v1
    /// kind: RoleBinding
    /// metadata:
    ///   name: app-reader
    ///   namespace: shop
    /// roleRef:
    ///   apiGroup: rbac.authorization.k8s.io
    ///   kind: ClusterRole
    ///   name: view
    /// subjects:
    ///   - kind: ServiceAccount
    ///     name: default
    ///     namespace: shop
    /// ```
    ///
    /// ## Fixed example
    ///
    /// ```yaml
    /// apiVersion: v1
    /// kind: ServiceAccount
    /// metadata:
    ///   name: catalog
    ///   namespace: shop
    /// ---
    /// apiVersion: rbac.authorization.k8s.io/v1
    /// kind: RoleBinding
    /// metadata:
    ///   name: app-reader
    ///   namespace: shop
    /// roleRef:
    ///   apiGroup: rbac.authorization.k8s.io
    ///   kind: ClusterRole
    ///   name: view
    /// subjects:
    ///   - kind: ServiceAccount
    ///     name: catalog
    ///     namespace: shop
    /// ```
    ///
    /// ## Known limitations
    ///
    /// The `kubernetes.io/bootstrapping: rbac-defaults` label does not
    /// exempt a binding: any manifest can carry it, and the built-in policy
    /// has no such binding. Rights the `default` account gets through
    /// groups such as `system:serviceaccounts` are reported by the rules of
    /// those rights, not here.
    ///
    /// ## References
    ///
    /// - CIS Kubernetes Benchmark 5.1.5: ensure that default service accounts are not actively used
    /// - kubescape rule `ensure-default-service-accounts-has-only-default-roles`
    pub static RULE = {
        id: "rbac-default-service-account-bound",
        family: Family::Rbac,
        severity: Severity::Medium,
        summary: "Binding grants rights to a namespace's default ServiceAccount",
        remediation: "Create a ServiceAccount for the workload that needs the rights, bind the role to it, and set serviceAccountName in that workload.",
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
    let policy = sink.policy();
    let grants: Vec<_> = sink.all_grants().collect();
    for (id, binding) in policy.bindings().iter().enumerate() {
        if binding.origin.builtin {
            continue;
        }
        for subject in &binding.subjects {
            if subject.kind != SubjectKind::ServiceAccount || subject.name != "default" {
                continue;
            }
            let role = binding.role_ref.as_ref().map_or_else(
                || "no role".to_owned(),
                |r| format!("{} {}", r.kind, r.name),
            );
            let mut message = format!(
                "{} binds {role} to {} {}, the account of every pod that names no \
                 ServiceAccount",
                binding.describe(),
                subject.resolve(binding),
                scope_text(binding, false)
            );
            let dangerous: Vec<String> = grants
                .iter()
                .filter(|g| g.binding_id == id && g.subject.index == subject.index)
                .map(|g| format!("{} ({})", g.permission.description(), g.rules_text()))
                .collect();
            if !dangerous.is_empty() {
                let _ = write!(message, "; with it they can {}", dangerous.join("; "));
            }
            message.push_str("; bind the role to a dedicated ServiceAccount instead");
            sink.report(
                binding.origin.object,
                subject.pos(),
                format!("subjects[{}]", subject.index),
                message,
            );
        }
    }
}
