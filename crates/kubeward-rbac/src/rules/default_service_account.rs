use kubeward_core::{Check, Family, Inventory, InventorySink, RuleStatus, Severity, declare_rule};

use super::common::WORKLOAD_KINDS;
use super::shared::{Collector, replay};
use crate::workload::workloads;

declare_rule! {
    /// ## What it checks
    ///
    /// Every pod spec (of a Pod, Deployment, StatefulSet, DaemonSet,
    /// ReplicaSet, Job, CronJob, ReplicationController or PodTemplate) that
    /// runs as the ServiceAccount `default`, because it sets
    /// `serviceAccountName: default` or sets no account at all, and whose
    /// pods get the account's token: `automountServiceAccountToken` is not
    /// false on the pod spec, nor on the `default` ServiceAccount when the
    /// input contains it.
    ///
    /// ## Why it matters
    ///
    /// All pods of a namespace that name no account share `default` and its
    /// token. Whatever rights anyone grants to `default` later, every such
    /// pod gets them, and an attacker in one of them can act as all of
    /// them. A dedicated account per workload keeps rights, audit log
    /// entries and token revocation separate.
    ///
    /// ## Failing example
    ///
    /// ```yaml
    /// apiVersion: apps/v1
    /// kind: Deployment
    /// metadata:
    ///   name: catalog
    ///   namespace: shop
    /// spec:
    ///   selector:
    ///     matchLabels: {app: catalog}
    ///   template:
    ///     metadata:
    ///       labels: {app: catalog}
    ///     spec:
    ///       containers:
    ///         - name: catalog
    ///           image: registry.example.com/catalog:1.4.2
    /// ```
    ///
    /// ## Fixed example
    ///
    /// ```yaml
    /// apiVersion: apps/v1
    /// kind: Deployment
    /// metadata:
    ///   name: catalog
    ///   namespace: shop
    /// spec:
    ///   selector:
    ///     matchLabels: {app: catalog}
    ///   template:
    ///     metadata:
    ///       labels: {app: catalog}
    ///     spec:
    ///       serviceAccountName: catalog
    ///       containers:
    ///         - name: catalog
    ///           image: registry.example.com/catalog:1.4.2
    /// ```
    ///
    /// ## Known limitations
    ///
    /// Most applications never call the API server, and running them as
    /// `default` with no rights is harmless; that is why the rule is not in
    /// the `recommended` profile. `rbac-default-service-account-bound`
    /// reports rights given to `default`, and `rbac-workload-token-rights`
    /// workloads whose token has dangerous rights.
    ///
    /// ## References
    ///
    /// - CIS Kubernetes Benchmark 5.1.5: ensure that default service accounts are not actively used
    /// - kube-linter `default-service-account`
    pub static RULE = {
        id: "rbac-default-service-account",
        family: Family::Rbac,
        severity: Severity::Low,
        summary: "Workload runs as the default ServiceAccount with its token mounted",
        remediation: "Create a ServiceAccount for the workload and set serviceAccountName, or set automountServiceAccountToken: false if it never calls the API server.",
        pss: None,
        recommended: false,
        status: RuleStatus::Stable,
        check: Check::Inventory { kinds: WORKLOAD_KINDS, check },
    };
}

fn check(inventory: &Inventory, sink: &mut InventorySink<'_>) {
    replay(inventory, sink, &RULE);
}

pub(super) fn collect(inventory: &Inventory, sink: &mut Collector<'_, '_>) {
    for workload in workloads(inventory) {
        if workload.service_account != "default" || !workload.token.is_mounted() {
            continue;
        }
        let field = workload.account_field();
        let how = if workload.service_account_field.is_some() {
            "names the ServiceAccount default"
        } else {
            "names no ServiceAccount, so it runs as default"
        };
        let reason = match &workload.token {
            crate::workload::TokenMount::Mounted(reason) => reason.describe(),
            crate::workload::TokenMount::NotMounted(_) => String::new(),
        };
        let message = format!(
            "the pod spec {how} in namespace {} and gets its token ({reason}); create a \
             ServiceAccount for this workload and set serviceAccountName",
            workload.namespace
        );
        sink.report(workload.object, field.pos, field.path.clone(), message);
    }
}
