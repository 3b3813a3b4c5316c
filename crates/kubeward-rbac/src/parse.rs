//! Reading Roles, ClusterRoles, RoleBindings and ClusterRoleBindings from
//! their trees, with the checks the API server's validation makes
//! (`pkg/apis/rbac/validation/validation.go`). An object with any problem
//! is rejected by the API server as a whole, and [`crate::Policy`] leaves
//! it out.
//!
//! Defaults are applied as the API server applies them: an empty
//! `roleRef.apiGroup` means `rbac.authorization.k8s.io`, and so does an
//! empty `apiGroup` of a User or Group subject.

use kubeward_core::yaml::{NodeRef, Pos};

use crate::model::{
    Aggregation, Binding, BindingKind, DEFAULT_NAMESPACE, LabelSelector, Operator, Origin,
    PolicyRule, Problem, RBAC_GROUP, Requirement, Role, RoleKind, RoleRef, Subject, SubjectKind,
};

type Node<'i> = NodeRef<'i, 'static>;

/// The RBAC kind of an object, if it is one: `(group, kind)` must be the
/// RBAC API group (any version) and one of its four kinds.
pub fn rbac_kind(api_version: &str, kind: &str) -> Option<RbacKind> {
    let group = api_version.rsplit_once('/').map_or("", |(group, _)| group);
    if group != RBAC_GROUP {
        return None;
    }
    match kind {
        "Role" => Some(RbacKind::Role(RoleKind::Role)),
        "ClusterRole" => Some(RbacKind::Role(RoleKind::ClusterRole)),
        "RoleBinding" => Some(RbacKind::Binding(BindingKind::RoleBinding)),
        "ClusterRoleBinding" => Some(RbacKind::Binding(BindingKind::ClusterRoleBinding)),
        _ => None,
    }
}

/// A role kind or a binding kind.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RbacKind {
    Role(RoleKind),
    Binding(BindingKind),
}

/// Collects problems with their field paths.
struct Reader<'p> {
    problems: &'p mut Vec<Problem>,
}

impl Reader<'_> {
    fn problem(&mut self, pos: Pos, path: impl Into<String>, message: impl Into<String>) {
        self.problems.push(Problem {
            pos,
            path: path.into(),
            message: message.into(),
        });
    }

    /// A string field; a value of another type is a problem.
    fn string<'i>(&mut self, map: Node<'i>, key: &str, path: &str) -> Option<&'i str> {
        let entry = map.entry(key)?;
        if let Some(text) = entry.value.as_str() {
            return Some(text);
        }
        self.problem(
            entry.value.pos(),
            join(path, key),
            format!(
                "`{key}` must be a string, not a {}",
                entry.value.type_name()
            ),
        );
        None
    }

    /// A list of strings; absent or null is empty. A value that is not a
    /// sequence, and items that are not strings, are problems and left out.
    fn strings<'i>(&mut self, map: Node<'i>, key: &str, path: &str) -> Vec<&'i str> {
        let Some(entry) = map.entry(key) else {
            return Vec::new();
        };
        if !entry.value.is_seq() {
            self.problem(
                entry.value.pos(),
                join(path, key),
                format!(
                    "`{key}` must be a list of strings, not a {}",
                    entry.value.type_name()
                ),
            );
            return Vec::new();
        }
        let mut out = Vec::with_capacity(entry.value.len());
        for (index, item) in entry.value.items().enumerate() {
            match item.as_str() {
                Some(text) => out.push(text),
                None => self.problem(
                    item.pos(),
                    format!("{}[{index}]", join(path, key)),
                    format!(
                        "items of `{key}` must be strings, not a {}",
                        item.type_name()
                    ),
                ),
            }
        }
        out
    }

    /// A sequence field: its items, or nothing (with a problem when the
    /// value is not a sequence).
    fn sequence<'i>(&mut self, map: Node<'i>, key: &str) -> Vec<Node<'i>> {
        let Some(entry) = map.entry(key) else {
            return Vec::new();
        };
        if entry.value.is_seq() {
            return entry.value.items().collect();
        }
        self.problem(
            entry.value.pos(),
            key,
            format!("`{key}` must be a list, not a {}", entry.value.type_name()),
        );
        Vec::new()
    }

    /// `metadata.name`, with a problem when it is missing.
    fn name<'i>(&mut self, origin: Origin<'i>) -> Option<&'i str> {
        let root = origin.object.root();
        let metadata = root.get("metadata").filter(NodeRef::is_map);
        let name = metadata.and_then(|m| self.string(m, "name", "metadata"));
        if name.is_none_or(str::is_empty) {
            self.problem(
                origin.object.pos(),
                "metadata.name",
                "metadata.name is missing, so no binding can refer to this object",
            );
            return None;
        }
        name
    }

    /// `metadata.labels` entries with string values.
    fn labels<'i>(&mut self, root: Node<'i>) -> Vec<(&'i str, &'i str)> {
        let Some(labels) = root.path(&["metadata", "labels"]) else {
            return Vec::new();
        };
        let mut out = Vec::new();
        for entry in labels.entries() {
            let Some(key) = entry.key.as_str() else {
                continue;
            };
            match entry.value.as_str() {
                Some(value) => out.push((key, value)),
                None => self.problem(
                    entry.value.pos(),
                    format!("metadata.labels.{key}"),
                    format!(
                        "label values must be strings, not a {}; quote the value",
                        entry.value.type_name()
                    ),
                ),
            }
        }
        out
    }
}

/// Namespace of a namespaced object: `metadata.namespace`, or `default`.
fn namespace_of(root: Node<'_>) -> &str {
    root.path(&["metadata", "namespace"])
        .and_then(|n| n.as_str())
        .filter(|ns| !ns.is_empty())
        .unwrap_or(DEFAULT_NAMESPACE)
}

fn join(path: &str, key: &str) -> String {
    if path.is_empty() {
        key.to_owned()
    } else {
        format!("{path}.{key}")
    }
}

/// Reads a Role or ClusterRole, adding what the API server would reject to
/// `problems`. Returns `None` only for a role without a name.
pub fn read_role<'i>(
    kind: RoleKind,
    origin: Origin<'i>,
    problems: &mut Vec<Problem>,
) -> Option<Role<'i>> {
    let mut reader = Reader { problems };
    let root = origin.object.root();
    let name = reader.name(origin)?;
    let namespace = match kind {
        RoleKind::Role => Some(namespace_of(root)),
        RoleKind::ClusterRole => None,
    };
    let labels = reader.labels(root);
    let mut rules = Vec::new();
    for (index, node) in reader.sequence(root, "rules").into_iter().enumerate() {
        if let Some(rule) = read_rule(&mut reader, kind, index, node) {
            rules.push(rule);
        }
    }
    let aggregation = match kind {
        RoleKind::ClusterRole => read_aggregation(&mut reader, root),
        RoleKind::Role => None,
    };
    Some(Role {
        kind,
        namespace,
        name,
        labels,
        rules,
        aggregation,
        origin,
    })
}

fn read_rule<'i>(
    reader: &mut Reader<'_>,
    kind: RoleKind,
    index: usize,
    node: Node<'i>,
) -> Option<PolicyRule<'i>> {
    let path = format!("rules[{index}]");
    if !node.is_map() {
        reader.problem(
            node.pos(),
            &path,
            format!("a rule must be a mapping, not a {}", node.type_name()),
        );
        return None;
    }
    let rule = PolicyRule {
        index,
        node,
        verbs: reader.strings(node, "verbs", &path),
        api_groups: reader.strings(node, "apiGroups", &path),
        resources: reader.strings(node, "resources", &path),
        resource_names: reader.strings(node, "resourceNames", &path),
        non_resource_urls: reader.strings(node, "nonResourceURLs", &path),
    };
    validate_rule(reader, kind, &rule, &path);
    Some(rule)
}

/// The checks of the API server's policy rule validation.
fn validate_rule(reader: &mut Reader<'_>, kind: RoleKind, rule: &PolicyRule<'_>, path: &str) {
    let pos = rule.node.pos();
    if rule.verbs.is_empty() {
        reader.problem(pos, join(path, "verbs"), "the rule has no verbs");
    }
    if !rule.non_resource_urls.is_empty() {
        if kind == RoleKind::Role {
            reader.problem(
                pos,
                join(path, "nonResourceURLs"),
                "a Role cannot grant non-resource URLs; use a ClusterRole bound by a \
                 ClusterRoleBinding",
            );
        }
        let mixed = !rule.api_groups.is_empty()
            || !rule.resources.is_empty()
            || !rule.resource_names.is_empty();
        if mixed {
            reader.problem(
                pos,
                join(path, "nonResourceURLs"),
                "a rule cannot grant both resources and non-resource URLs; split it in two",
            );
        }
        return;
    }
    if rule.api_groups.is_empty() {
        reader.problem(
            pos,
            join(path, "apiGroups"),
            "the rule has no apiGroups; use [\"\"] for the core group",
        );
    }
    if rule.resources.is_empty() {
        reader.problem(pos, join(path, "resources"), "the rule has no resources");
    }
}

fn read_aggregation<'i>(reader: &mut Reader<'_>, root: Node<'i>) -> Option<Aggregation<'i>> {
    let rule = root.get("aggregationRule")?;
    if !rule.is_map() {
        reader.problem(
            rule.pos(),
            "aggregationRule",
            format!(
                "aggregationRule must be a mapping, not a {}",
                rule.type_name()
            ),
        );
        return None;
    }
    let mut selectors = Vec::new();
    let items = reader.sequence(rule, "clusterRoleSelectors");
    for (index, node) in items.into_iter().enumerate() {
        let path = format!("aggregationRule.clusterRoleSelectors[{index}]");
        selectors.push(read_selector(reader, node, &path));
    }
    Some(Aggregation { selectors })
}

fn read_selector<'i>(reader: &mut Reader<'_>, node: Node<'i>, path: &str) -> LabelSelector<'i> {
    let mut selector = LabelSelector {
        valid: true,
        ..LabelSelector::default()
    };
    if !node.is_map() {
        reader.problem(
            node.pos(),
            path,
            format!("a selector must be a mapping, not a {}", node.type_name()),
        );
        selector.valid = false;
        return selector;
    }
    if let Some(labels) = node.get("matchLabels") {
        for entry in labels.entries() {
            if let (Some(key), Some(value)) = (entry.key.as_str(), entry.value.as_str()) {
                selector.match_labels.push((key, value));
            } else {
                reader.problem(
                    entry.value.pos(),
                    join(path, "matchLabels"),
                    "matchLabels keys and values must be strings; quote the value",
                );
                selector.valid = false;
            }
        }
    }
    let expressions = node
        .get("matchExpressions")
        .into_iter()
        .flat_map(|e| e.items());
    for (index, expr) in expressions.enumerate() {
        let expr_path = format!("{path}.matchExpressions[{index}]");
        match read_requirement(reader, expr, &expr_path) {
            Some(requirement) => selector.match_expressions.push(requirement),
            None => selector.valid = false,
        }
    }
    selector
}

fn read_requirement<'i>(
    reader: &mut Reader<'_>,
    node: Node<'i>,
    path: &str,
) -> Option<Requirement<'i>> {
    let key = reader.string(node, "key", path);
    let operator = reader.string(node, "operator", path);
    let values = reader.strings(node, "values", path);
    let operator = match operator {
        Some("In") => Operator::In,
        Some("NotIn") => Operator::NotIn,
        Some("Exists") => Operator::Exists,
        Some("DoesNotExist") => Operator::DoesNotExist,
        other => {
            reader.problem(
                node.pos(),
                join(path, "operator"),
                format!(
                    "unknown selector operator {:?}; expected In, NotIn, Exists or \
                     DoesNotExist",
                    other.unwrap_or("")
                ),
            );
            return None;
        }
    };
    let needs_values = matches!(operator, Operator::In | Operator::NotIn);
    if needs_values == values.is_empty() {
        reader.problem(
            node.pos(),
            join(path, "values"),
            if needs_values {
                "In and NotIn need at least one value"
            } else {
                "Exists and DoesNotExist take no values"
            },
        );
        return None;
    }
    let Some(key) = key else {
        reader.problem(node.pos(), join(path, "key"), "the expression has no key");
        return None;
    };
    Some(Requirement {
        key,
        operator,
        values,
    })
}

/// Reads a RoleBinding or ClusterRoleBinding, adding what the API server
/// would reject to `problems`. Returns `None` only for a binding without a
/// name.
pub fn read_binding<'i>(
    kind: BindingKind,
    origin: Origin<'i>,
    problems: &mut Vec<Problem>,
) -> Option<Binding<'i>> {
    let mut reader = Reader { problems };
    let root = origin.object.root();
    let name = reader.name(origin)?;
    let namespace = match kind {
        BindingKind::RoleBinding => Some(namespace_of(root)),
        BindingKind::ClusterRoleBinding => None,
    };
    let role_ref = read_role_ref(&mut reader, kind, origin);
    let mut subjects = Vec::new();
    for (index, node) in reader.sequence(root, "subjects").into_iter().enumerate() {
        if let Some(subject) = read_subject(&mut reader, kind, index, node) {
            subjects.push(subject);
        }
    }
    Some(Binding {
        kind,
        namespace,
        name,
        role_ref,
        subjects,
        origin,
    })
}

fn read_role_ref<'i>(
    reader: &mut Reader<'_>,
    kind: BindingKind,
    origin: Origin<'i>,
) -> Option<RoleRef<'i>> {
    let root = origin.object.root();
    let Some(entry) = root.entry("roleRef").filter(|e| e.value.is_map()) else {
        reader.problem(
            origin.object.pos(),
            "roleRef",
            "roleRef is missing or not a mapping",
        );
        return None;
    };
    let node = entry.value;
    let role_kind = reader.string(node, "kind", "roleRef").unwrap_or("");
    let name = reader.string(node, "name", "roleRef").unwrap_or("");
    let api_group = reader.string(node, "apiGroup", "roleRef").unwrap_or("");
    let pos = entry.key.pos();
    let allowed: &[&str] = match kind {
        BindingKind::RoleBinding => &["Role", "ClusterRole"],
        BindingKind::ClusterRoleBinding => &["ClusterRole"],
    };
    if !allowed.contains(&role_kind) {
        reader.problem(
            locate(node, "kind"),
            "roleRef.kind",
            format!(
                "a {} cannot refer to kind {role_kind:?}; expected {}",
                kind.as_str(),
                allowed.join(" or ")
            ),
        );
    }
    if name.is_empty() {
        reader.problem(
            locate(node, "name"),
            "roleRef.name",
            "roleRef.name is missing",
        );
    }
    if !api_group.is_empty() && api_group != RBAC_GROUP {
        reader.problem(
            locate(node, "apiGroup"),
            "roleRef.apiGroup",
            format!("roleRef.apiGroup must be {RBAC_GROUP}, not {api_group:?}"),
        );
    }
    Some(RoleRef {
        kind: role_kind,
        name,
        api_group,
        pos,
    })
}

fn read_subject<'i>(
    reader: &mut Reader<'_>,
    binding: BindingKind,
    index: usize,
    node: Node<'i>,
) -> Option<Subject<'i>> {
    let path = format!("subjects[{index}]");
    if !node.is_map() {
        reader.problem(
            node.pos(),
            &path,
            format!("a subject must be a mapping, not a {}", node.type_name()),
        );
        return None;
    }
    let kind_text = reader.string(node, "kind", &path).unwrap_or("");
    let name = reader.string(node, "name", &path).unwrap_or("");
    let namespace = reader.string(node, "namespace", &path);
    let api_group = reader.string(node, "apiGroup", &path).unwrap_or("");
    let kind = SubjectKind::parse(kind_text);
    if name.is_empty() {
        reader.problem(node.pos(), join(&path, "name"), "the subject has no name");
    }
    match kind {
        SubjectKind::ServiceAccount => {
            if !api_group.is_empty() {
                reader.problem(
                    locate(node, "apiGroup"),
                    join(&path, "apiGroup"),
                    format!("a ServiceAccount subject's apiGroup must be empty, not {api_group:?}"),
                );
            }
            let has_namespace = namespace.is_some_and(|ns| !ns.is_empty());
            if binding == BindingKind::ClusterRoleBinding && !has_namespace {
                reader.problem(
                    node.pos(),
                    join(&path, "namespace"),
                    "a ServiceAccount subject of a ClusterRoleBinding needs a namespace",
                );
            }
        }
        SubjectKind::User | SubjectKind::Group => {
            if !api_group.is_empty() && api_group != RBAC_GROUP {
                reader.problem(
                    locate(node, "apiGroup"),
                    join(&path, "apiGroup"),
                    format!(
                        "a {kind_text} subject's apiGroup must be {RBAC_GROUP}, not {api_group:?}"
                    ),
                );
            }
        }
        SubjectKind::Other => reader.problem(
            locate(node, "kind"),
            join(&path, "kind"),
            format!("unknown subject kind {kind_text:?}; expected User, Group or ServiceAccount"),
        ),
    }
    Some(Subject {
        index,
        node,
        kind,
        name,
        namespace,
    })
}

/// Position of `key`'s entry in `node`, or of `node` itself.
fn locate(node: Node<'_>, key: &str) -> Pos {
    node.entry(key).map_or_else(|| node.pos(), |e| e.key.pos())
}
