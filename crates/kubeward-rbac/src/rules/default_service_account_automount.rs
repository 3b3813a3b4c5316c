use kubeward_core::{Check, Family, Inventory, InventorySink, RuleStatus, Severity, declare_rule};

use super::shared::{Collector, replay};
use crate::workload::namespace_of;

declare_rule! {
    /// ## What it checks
    ///
    /// Every ServiceAccount named `default` that does not set
    /// `automountServiceAccountToken: false`: the field is absent, `true`,
    /// or not a boolean.
    ///
    /// ## Why it matters
    ///
    /// With the field unset or true, every pod of the namespace that names
    /// no ServiceAccount and does not opt out itself gets a token of
    /// `default`. Turning the default off on the account means only pods
    /// that ask for a token get one.
    ///
    /// ## Failing example
    ///
    /// ```yaml
    /// apiVersion: v1
    /// kind: ServiceAccount
    /// metadata:
    ///   name: default
    ///   namespace: shop
    /// ```
    ///
    /// ## Fixed example
    ///
    /// ```yaml
    /// apiVersion: v1
    /// kind: ServiceAccount
    /// metadata:
    ///   name: default
    ///   namespace: shop
    /// automountServiceAccountToken: false
    /// ```
    ///
    /// ## Known limitations
    ///
    /// Kubernetes creates the `default` account of each namespace itself;
    /// this rule sees only those written in the input. A pod spec that sets
    /// `automountServiceAccountToken: true` still gets a token.
    ///
    /// ## References
    ///
    /// - CIS Kubernetes Benchmark 5.1.5: ensure that default service accounts are not actively used
    /// - kubescape rule `automount-default-service-account`
    pub static RULE = {
        id: "rbac-default-service-account-automount",
        family: Family::Rbac,
        severity: Severity::Low,
        summary: "Default ServiceAccount mounts its token into pods",
        remediation: "Set automountServiceAccountToken: false on the default ServiceAccount, and in the pod specs of workloads that never call the API server.",
        pss: None,
        recommended: false,
        status: RuleStatus::Stable,
        check: Check::Inventory { kinds: &["ServiceAccount"], check },
    };
}

fn check(inventory: &Inventory, sink: &mut InventorySink<'_>) {
    replay(inventory, sink, &RULE);
}

pub(super) fn collect(inventory: &Inventory, sink: &mut Collector<'_, '_>) {
    let key = "automountServiceAccountToken";
    for account in inventory.of_kind(&["ServiceAccount"]) {
        if account.reference.api_version != "v1" || account.name() != Some("default") {
            continue;
        }
        let entry = account.root().entry(key);
        if entry.and_then(|e| e.value.as_bool()) == Some(false) {
            continue;
        }
        let pos = entry.map_or_else(|| account.pos(), |e| e.key.pos());
        let message = format!(
            "the default ServiceAccount of namespace {} does not set {key}: false, so every \
             pod that names no account gets its token; set it to false",
            namespace_of(account)
        );
        sink.report(account, pos, key, message);
    }
}
