use std::fmt::Write;

use kubeward_core::{Check, Family, Inventory, InventorySink, RuleStatus, Severity, declare_rule};

use super::shared::{Collector, replay};
use crate::identity::Identity;
use crate::permission::Permission;
use crate::workload::namespace_of;

declare_rule! {
    /// ## What it checks
    ///
    /// Every Secret of type `kubernetes.io/service-account-token`: a
    /// token for the ServiceAccount named in its
    /// `kubernetes.io/service-account.name` annotation, which the token
    /// controller fills in and which never expires. The message names the
    /// account and the dangerous rights the input grants it. The Secret's
    /// data is never read.
    ///
    /// ## Why it matters
    ///
    /// Since Kubernetes v1.24 pods get short-lived tokens that are bound to
    /// the pod and rotated; a token Secret is a credential that lives until
    /// someone deletes the Secret, can be read by anyone who may read
    /// Secrets in the namespace, and is often copied into CI systems and
    /// kubeconfigs where it outlives its purpose.
    ///
    /// ## Failing example
    ///
    /// ```yaml
    /// apiVersion: v1
    /// kind: Secret
    /// metadata:
    ///   name: ci-token
    ///   namespace: ci
    ///   annotations:
    ///     kubernetes.io/service-account.name: deployer
    /// type: kubernetes.io/service-account-token
    /// ```
    ///
    /// ## Fixed example
    ///
    /// ```yaml
    /// apiVersion: v1
    /// kind: ServiceAccount
    /// metadata:
    ///   name: deployer
    ///   namespace: ci
    /// ```
    ///
    /// ## Known limitations
    ///
    /// Tools that cannot request tokens (some CI systems, older
    /// dashboards) need a long-lived token; keep its account's rights
    /// small and suppress the finding with a reason.
    ///
    /// ## References
    ///
    /// - Kubernetes documentation, "Service Accounts": manually create a long-lived API token
    /// - Kubernetes documentation, "Managing Service Accounts": legacy ServiceAccount token cleaner
    /// - NSA/CISA Kubernetes Hardening Guide, "Authentication and authorization": service account tokens
    pub static RULE = {
        id: "rbac-legacy-token-secret",
        family: Family::Rbac,
        severity: Severity::Medium,
        summary: "Secret holds a long-lived ServiceAccount token",
        remediation: "Delete the token Secret and have clients request short-lived tokens (kubectl create token, the TokenRequest API, or projected volumes).",
        pss: None,
        recommended: true,
        status: RuleStatus::Stable,
        check: Check::Inventory {
            kinds: &["Secret", "Role", "ClusterRole", "RoleBinding", "ClusterRoleBinding"],
            check,
        },
    };
}

const ACCOUNT_ANNOTATION: &str = "kubernetes.io/service-account.name";

fn check(inventory: &Inventory, sink: &mut InventorySink<'_>) {
    replay(inventory, sink, &RULE);
}

pub(super) fn collect(inventory: &Inventory, sink: &mut Collector<'_, '_>) {
    let mut policy = None;
    for secret in inventory.of_kind(&["Secret"]) {
        let root = secret.root();
        if secret.reference.api_version != "v1" {
            continue;
        }
        let Some(entry) = root.entry("type") else {
            continue;
        };
        if entry.value.as_str() != Some("kubernetes.io/service-account-token") {
            continue;
        }
        let namespace = namespace_of(secret);
        let account = root
            .path(&["metadata", "annotations"])
            .and_then(|a| a.get_str(ACCOUNT_ANNOTATION));
        let mut message = match account {
            Some(account) => format!(
                "this Secret holds a token of ServiceAccount {namespace}/{account} that never \
                 expires"
            ),
            None => format!(
                "this Secret asks for a ServiceAccount token that never expires, but names no \
                 account in the {ACCOUNT_ANNOTATION} annotation"
            ),
        };
        if let Some(account) = account {
            let policy = policy.get_or_insert_with(|| sink.policy());
            let identity = Identity::service_account(namespace, account);
            let mut rights: Vec<Permission> = policy
                .permissions_of(&identity)
                .into_iter()
                .map(|g| g.permission)
                .collect();
            rights.dedup();
            if !rights.is_empty() {
                let rights: Vec<&str> = rights.into_iter().map(Permission::description).collect();
                let _ = write!(message, ", and the account can {}", rights.join("; "));
            }
        }
        message.push_str("; delete it and request short-lived tokens instead");
        sink.report(secret, entry.key.pos(), "type", message);
    }
}
