use kubeward_core::{Check, Family, Inventory, InventorySink, RuleStatus, Severity, declare_rule};

use super::common::BINDING_KINDS;
use super::shared::{Collector, replay};
use crate::model::{PolicyRule, Role};

declare_rule! {
    /// ## What it checks
    ///
    /// Every entry of a role rule's `resources` whose subresource part is
    /// `*`, such as `pods/*` or `*/*`. The RBAC authorizer treats `*` as a
    /// wildcard only as a whole entry, or as the resource part of
    /// `*/SUBRESOURCE` (`*/scale` is every resource's `scale`). In
    /// `pods/*` and `*/*` the `*` is a literal subresource name, which no
    /// API serves, so the entry grants nothing.
    ///
    /// Also every `*` in a rule's `resourceNames`: names are compared
    /// literally, so `resourceNames: ["*"]` limits the rule to an object
    /// named `*` rather than allowing every name.
    ///
    /// ## Why it matters
    ///
    /// The role does not do what its author meant. When the intent was
    /// "all of pods' subresources" the workload that needs them fails; when
    /// someone later "fixes" it to `*`, the role suddenly grants every
    /// resource. Reviewers and other scanners also misread such entries
    /// as broad grants.
    ///
    /// ## Failing example
    ///
    /// ```yaml
    /// apiVersion: rbac.authorization.k8s.io/v1
    /// kind: ClusterRole
    /// metadata:
    ///   name: pod-debugger
    /// rules:
    ///   - apiGroups: [""]
    ///     resources: ["pods/*"]
    ///     verbs: [get, create]
    /// ```
    ///
    /// ## Fixed example
    ///
    /// ```yaml
    /// apiVersion: rbac.authorization.k8s.io/v1
    /// kind: ClusterRole
    /// metadata:
    ///   name: pod-debugger
    /// rules:
    ///   - apiGroups: [""]
    ///     resources: [pods/log, pods/ephemeralcontainers]
    ///     verbs: [get, create]
    /// ```
    ///
    /// ## Known limitations
    ///
    /// Other entries that match nothing, such as misspelled resources or
    /// verbs, are not reported: kubeward does not know every resource a
    /// cluster serves.
    ///
    /// ## References
    ///
    /// - Kubernetes documentation, "Using RBAC Authorization": referring to resources
    /// - Kubernetes source, `pkg/apis/rbac/v1/evaluation_helpers.go`, `ResourceMatches`
    pub static RULE = {
        id: "rbac-ineffective-resource",
        family: Family::Rbac,
        severity: Severity::Low,
        summary: "Role rule uses `*` where RBAC reads it literally, so it matches nothing",
        remediation: "Name the subresources the role needs (pods/exec, pods/log), or write * alone for every resource; to allow every object name, remove resourceNames.",
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
    for role in policy.roles() {
        for rule in &role.rules {
            check_names(role, rule, sink);
            let Some(list) = rule.node.get("resources") else {
                continue;
            };
            for (index, item) in list.items().enumerate() {
                let Some(resource) = item.as_str() else {
                    continue;
                };
                let Some((base, "*")) = resource.split_once('/') else {
                    continue;
                };
                let meant = if base == "*" {
                    "every resource, write `*`".to_owned()
                } else {
                    format!("every subresource of {base}, list them, such as `{base}/status`")
                };
                let message = format!(
                    "{} rules[{}]: resource `{resource}` matches only a subresource named `*`, \
                     which no API serves, so it grants nothing; for {meant}",
                    role.describe(),
                    rule.index
                );
                let path = format!("rules[{}].resources[{index}]", rule.index);
                sink.report(role.origin.object, item.pos(), path, message);
            }
        }
    }
}

fn check_names(role: &Role<'_>, policy_rule: &PolicyRule<'_>, sink: &mut Collector<'_, '_>) {
    let Some(list) = policy_rule.node.get("resourceNames") else {
        return;
    };
    for (index, item) in list.items().enumerate() {
        if item.as_str() != Some("*") {
            continue;
        }
        let message = format!(
            "{} rules[{}]: resourceNames entry `*` matches only an object named `*`, because \
             names are compared literally; for every object, remove resourceNames",
            role.describe(),
            policy_rule.index
        );
        let path = format!("rules[{}].resourceNames[{index}]", policy_rule.index);
        sink.report(role.origin.object, item.pos(), path, message);
    }
}
