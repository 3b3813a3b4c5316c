use std::fmt::Write;

use kubeward_core::{Check, Family, Inventory, InventorySink, RuleStatus, Severity, declare_rule};

use super::common::{BINDING_KINDS, is_anonymous_or_everyone, scope_text};
use super::shared::{Collector, replay};
use crate::bootstrap;
use crate::identity::AUTHENTICATED;
use crate::model::{Binding, Subject};
use crate::permission::Permission;
use crate::policy::{BindingId, Policy};

declare_rule! {
    /// ## What it checks
    ///
    /// Every RoleBinding or ClusterRoleBinding with the subject User
    /// `system:anonymous`, Group `system:unauthenticated` or Group
    /// `system:authenticated`, except the bindings a kubeadm cluster
    /// creates itself with the same name, role and subject (such as
    /// `system:public-info-viewer`, which lets anyone read `/version` and
    /// `/healthz`, or kubeadm's `kubeadm:bootstrap-signer-clusterinfo`).
    /// The message names the bound role and the dangerous rights it
    /// grants.
    ///
    /// ## Why it matters
    ///
    /// `system:anonymous` and `system:unauthenticated` are every request
    /// that reaches the API server without credentials, from anywhere the
    /// API server is reachable. `system:authenticated` is every user and
    /// every ServiceAccount of every namespace, so one compromised pod
    /// holds the grant. Bindings to these subjects are how read-only
    /// "convenience" access turns into a cluster takeover.
    ///
    /// ## Failing example
    ///
    /// ```yaml
    /// apiVersion: rbac.authorization.k8s.io/v1
    /// kind: ClusterRoleBinding
    /// metadata:
    ///   name: everyone-can-view
    /// roleRef:
    ///   apiGroup: rbac.authorization.k8s.io
    ///   kind: ClusterRole
    ///   name: view
    /// subjects:
    ///   - apiGroup: rbac.authorization.k8s.io
    ///     kind: Group
    ///     name: system:authenticated
    /// ```
    ///
    /// ## Fixed example
    ///
    /// ```yaml
    /// apiVersion: rbac.authorization.k8s.io/v1
    /// kind: ClusterRoleBinding
    /// metadata:
    ///   name: developers-can-view
    /// roleRef:
    ///   apiGroup: rbac.authorization.k8s.io
    ///   kind: ClusterRole
    ///   name: view
    /// subjects:
    ///   - apiGroup: rbac.authorization.k8s.io
    ///     kind: Group
    ///     name: developers
    /// ```
    ///
    /// ## Known limitations
    ///
    /// Whether anonymous requests reach RBAC at all depends on the API
    /// server's `--anonymous-auth` flag, which the `api-server` rules
    /// check. A binding to a role that is not in the input is reported
    /// without its rights.
    ///
    /// ## References
    ///
    /// - CIS Kubernetes Benchmark 5.1.1 and 1.2.1 (anonymous requests)
    /// - NSA/CISA Kubernetes Hardening Guide, "Authentication and authorization": anonymous requests
    /// - kubescape rules `anonymous-access-enabled` and `system-authenticated-allowed-to-take-over-cluster`
    pub static RULE = {
        id: "rbac-anonymous-binding",
        family: Family::Rbac,
        severity: Severity::Critical,
        summary: "Binding grants rights to anonymous or all authenticated users",
        remediation: "Bind the role to the users, groups or ServiceAccounts that need it instead of system:anonymous, system:unauthenticated or system:authenticated.",
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
    let builtin = Policy::from_objects(bootstrap::inventory().objects(), false);
    for (id, binding) in policy.bindings().iter().enumerate() {
        if binding.origin.builtin {
            continue;
        }
        for subject in &binding.subjects {
            if !is_anonymous_or_everyone(subject.resolve(binding)) {
                continue;
            }
            if is_builtin_binding(&builtin, binding, subject) {
                continue;
            }
            let message = message(sink, id, binding, subject);
            sink.report(
                binding.origin.object,
                subject.pos(),
                format!("subjects[{}]", subject.index),
                message,
            );
        }
    }
}

/// Whether the built-in policy has a binding of the same kind, namespace,
/// name and role with this subject.
fn is_builtin_binding(builtin: &Policy<'_>, binding: &Binding<'_>, subject: &Subject<'_>) -> bool {
    let Some(role_ref) = &binding.role_ref else {
        return false;
    };
    builtin.bindings().iter().any(|b| {
        b.kind == binding.kind
            && b.namespace == binding.namespace
            && b.name == binding.name
            && b.role_ref
                .as_ref()
                .is_some_and(|r| r.kind == role_ref.kind && r.name == role_ref.name)
            && b.subjects
                .iter()
                .any(|s| s.kind == subject.kind && s.name == subject.name)
    })
}

fn message(
    sink: &Collector<'_, '_>,
    id: BindingId,
    binding: &Binding<'_>,
    subject: &Subject<'_>,
) -> String {
    let who = if subject.name == AUTHENTICATED {
        "every authenticated user and every ServiceAccount"
    } else {
        "every request without credentials"
    };
    let role = binding.role_ref.as_ref().map_or_else(
        || "no role".to_owned(),
        |r| format!("{} {}", r.kind, r.name),
    );
    let mut text = format!(
        "{} binds {role} to {} ({who}) {}",
        binding.describe(),
        subject.resolve(binding),
        scope_text(binding, false)
    );
    let policy = sink.policy();
    if policy.role_of(id).is_none() {
        let _ = write!(
            text,
            "; {role} is not in the input, so its rights are unknown"
        );
    } else {
        let dangerous: Vec<String> = Permission::ALL
            .into_iter()
            .filter_map(|p| {
                sink.grants(p)
                    .iter()
                    .find(|g| g.binding_id == id && g.subject.index == subject.index)
            })
            .map(|g| format!("{} ({})", g.permission.description(), g.rules_text()))
            .collect();
        if !dangerous.is_empty() {
            let _ = write!(text, ", which lets them {}", dangerous.join("; "));
        }
    }
    text.push_str("; bind it to the subjects that need it instead");
    text
}
