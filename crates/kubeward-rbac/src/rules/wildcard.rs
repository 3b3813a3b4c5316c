use kubeward_core::{Check, Family, Inventory, InventorySink, RuleStatus, Severity, declare_rule};

use super::common::BINDING_KINDS;
use super::shared::{Collector, replay};

declare_rule! {
    /// ## What it checks
    ///
    /// Every rule of a Role or ClusterRole in the input that has `*` in
    /// `verbs`, `apiGroups`, `resources` or `nonResourceURLs`. One finding
    /// per rule, on its first `*`, names every field that has one. Only an
    /// entry that is exactly `*` is a wildcard: `*/scale` and `pods/*` are
    /// not (see `rbac-ineffective-resource`).
    ///
    /// ## Why it matters
    ///
    /// A wildcard grants whatever exists now and whatever is added later:
    /// `verbs: ["*"]` includes `escalate`, `bind` and `impersonate`,
    /// `resources: ["*"]` includes Secrets and every custom resource a
    /// future operator installs, and `apiGroups: ["*"]` every API group.
    /// Roles that list what they need keep their meaning as the cluster
    /// grows.
    ///
    /// ## Failing example
    ///
    /// ```yaml
    /// apiVersion: rbac.authorization.k8s.io/v1
    /// kind: Role
    /// metadata:
    ///   name: secret-manager
    ///   namespace: vault
    /// rules:
    ///   - apiGroups: [""]
    ///     resources: [secrets]
    ///     verbs: ["*"]
    /// ```
    ///
    /// ## Fixed example
    ///
    /// ```yaml
    /// apiVersion: rbac.authorization.k8s.io/v1
    /// kind: Role
    /// metadata:
    ///   name: secret-manager
    ///   namespace: vault
    /// rules:
    ///   - apiGroups: [""]
    ///     resources: [secrets]
    ///     verbs: [get, create, update]
    /// ```
    ///
    /// ## Known limitations
    ///
    /// A wildcard in a role nobody binds is reported too. The rules that
    /// report what bound subjects may do (`rbac-cluster-admin`,
    /// `rbac-secrets-read`, ...) weigh the grant; this rule is a style
    /// check and not in the `recommended` profile.
    ///
    /// ## References
    ///
    /// - CIS Kubernetes Benchmark 5.1.3: minimize wildcard use in Roles and ClusterRoles
    /// - kube-linter `wildcard-in-rules`
    pub static RULE = {
        id: "rbac-wildcard",
        family: Family::Rbac,
        severity: Severity::Low,
        summary: "Role rule uses a wildcard",
        remediation: "List the verbs, API groups and resources the role needs instead of *.",
        pss: None,
        recommended: false,
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
            let fields = [
                ("verbs", &rule.verbs),
                ("apiGroups", &rule.api_groups),
                ("resources", &rule.resources),
                ("nonResourceURLs", &rule.non_resource_urls),
            ];
            let with_wildcard: Vec<&str> = fields
                .iter()
                .filter(|(_, values)| values.contains(&"*"))
                .map(|(field, _)| *field)
                .collect();
            let Some(first) = with_wildcard.first() else {
                continue;
            };
            let (pos, index) = wildcard_item(rule.node, first);
            let message = format!(
                "{} rules[{}] uses * in {}; list the values the role needs",
                role.describe(),
                rule.index,
                with_wildcard.join(" and ")
            );
            let path = format!("rules[{}].{first}[{index}]", rule.index);
            sink.report(role.origin.object, pos, path, message);
        }
    }
}

/// Position and index of the first `*` item of `field` in a rule.
fn wildcard_item(
    rule: kubeward_core::yaml::NodeRef<'_, 'static>,
    field: &str,
) -> (kubeward_core::yaml::Pos, usize) {
    rule.get(field)
        .and_then(|list| {
            list.items()
                .enumerate()
                .find(|(_, item)| item.as_str() == Some("*"))
        })
        .map_or((rule.pos(), 0), |(index, item)| (item.pos(), index))
}
