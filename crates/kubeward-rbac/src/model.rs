//! Roles, bindings and subjects as kubeward reads them from objects, with
//! the tree node of every part so that findings can point at it.
//!
//! Reading is lenient: a part that cannot be read (a subject that is not a
//! mapping, a verb that is not a string) is left out and recorded as a
//! [`Problem`], and the rest of the object is still read, so that every
//! problem is found. The API server rejects such an object as a whole, so
//! [`crate::Policy`] leaves it out, and the `rbac-invalid-object` rule
//! reports every problem.

use std::fmt::{self, Write};

use kubeward_core::StoredObject;
use kubeward_core::yaml::{NodeRef, Pos};

/// Namespace that namespaced objects without `metadata.namespace` are read
/// into: `kubectl apply` puts them in the namespace of the current context,
/// which is `default` unless configured otherwise.
pub const DEFAULT_NAMESPACE: &str = "default";

/// The API group of RBAC objects, and of User and Group subjects.
pub const RBAC_GROUP: &str = "rbac.authorization.k8s.io";

/// Where a role or binding comes from.
#[derive(Clone, Copy, Debug)]
pub struct Origin<'i> {
    pub object: &'i StoredObject,
    /// Whether the object is part of the built-in policy of a kubeadm
    /// cluster that kubeward ships ([`crate::bootstrap`]) rather than the
    /// scanned input.
    pub builtin: bool,
}

impl Origin<'_> {
    /// `file:line` of the object, or `built-in` for the built-in policy.
    pub fn describe_place(&self, pos: Pos) -> String {
        if self.builtin {
            "built-in".to_owned()
        } else {
            format!("{}:{}", self.object.file(), pos.line)
        }
    }
}

/// A problem found while reading an RBAC object: the API server would
/// reject the object.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Problem {
    pub pos: Pos,
    /// Field path, such as `subjects[1].kind`.
    pub path: String,
    pub message: String,
}

/// `Role` or `ClusterRole`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum RoleKind {
    Role,
    ClusterRole,
}

impl RoleKind {
    pub fn as_str(self) -> &'static str {
        match self {
            RoleKind::Role => "Role",
            RoleKind::ClusterRole => "ClusterRole",
        }
    }
}

/// A Role or ClusterRole.
#[derive(Clone, Debug)]
pub struct Role<'i> {
    pub kind: RoleKind,
    /// The namespace of a Role; `None` for a ClusterRole.
    pub namespace: Option<&'i str>,
    pub name: &'i str,
    /// `metadata.labels` with string values, which aggregation selects on.
    pub labels: Vec<(&'i str, &'i str)>,
    /// `rules` as written. For an aggregated ClusterRole these are
    /// replaced by the aggregated rules in a cluster; see
    /// [`crate::Policy::effective_rules`].
    pub rules: Vec<PolicyRule<'i>>,
    pub aggregation: Option<Aggregation<'i>>,
    pub origin: Origin<'i>,
}

impl Role<'_> {
    /// "ClusterRole edit" or "Role team-a/deployer".
    pub fn describe(&self) -> String {
        match self.namespace {
            Some(ns) => format!("{} {ns}/{}", self.kind.as_str(), self.name),
            None => format!("{} {}", self.kind.as_str(), self.name),
        }
    }

    /// Position of the object's `kind`, for findings about the role itself.
    pub fn pos(&self) -> Pos {
        self.origin.object.pos()
    }
}

/// The verbs, API groups, resources, resource names and non-resource
/// URLs of a rule, in that order.
pub type RuleContent<'r, 'i> = (
    &'r [&'i str],
    &'r [&'i str],
    &'r [&'i str],
    &'r [&'i str],
    &'r [&'i str],
);

/// One entry of a role's `rules`.
#[derive(Clone, Debug)]
pub struct PolicyRule<'i> {
    /// Index in the role's `rules`.
    pub index: usize,
    /// The rule's mapping node.
    pub node: NodeRef<'i, 'static>,
    pub verbs: Vec<&'i str>,
    pub api_groups: Vec<&'i str>,
    pub resources: Vec<&'i str>,
    pub resource_names: Vec<&'i str>,
    pub non_resource_urls: Vec<&'i str>,
}

impl<'i> PolicyRule<'i> {
    /// Whether two rules have the same content, as the aggregation
    /// controller compares them (lists in the same order).
    pub fn same_content(&self, other: &PolicyRule<'_>) -> bool {
        self.verbs == other.verbs
            && self.api_groups == other.api_groups
            && self.resources == other.resources
            && self.resource_names == other.resource_names
            && self.non_resource_urls == other.non_resource_urls
    }

    /// The lists that [`PolicyRule::same_content`] compares, as one
    /// hashable value.
    pub fn content(&self) -> RuleContent<'_, 'i> {
        (
            &self.verbs,
            &self.api_groups,
            &self.resources,
            &self.resource_names,
            &self.non_resource_urls,
        )
    }

    /// `only the objects named a, b` for a rule with `resourceNames`: the
    /// one wording of that limit in every answer and finding.
    pub fn names_limit(&self) -> Option<String> {
        (!self.resource_names.is_empty())
            .then(|| format!("only the objects named {}", self.resource_names.join(", ")))
    }

    /// The rule in the compact form of `kubectl describe`:
    /// `verbs [get list] on secrets (core group)`.
    pub fn summary(&self) -> String {
        let verbs = self.verbs.join(" ");
        if !self.non_resource_urls.is_empty() {
            return format!(
                "verbs [{verbs}] on non-resource URLs [{}]",
                self.non_resource_urls.join(" ")
            );
        }
        let groups: Vec<&str> = self
            .api_groups
            .iter()
            .map(|g| if g.is_empty() { "core" } else { g })
            .collect();
        let mut out = format!(
            "verbs [{verbs}] on [{}] in API groups [{}]",
            self.resources.join(" "),
            groups.join(" ")
        );
        if !self.resource_names.is_empty() {
            let _ = write!(out, ", {}", self.names_limit().unwrap_or_default());
        }
        out
    }
}

/// A ClusterRole's `aggregationRule`.
#[derive(Clone, Debug)]
pub struct Aggregation<'i> {
    pub selectors: Vec<LabelSelector<'i>>,
}

/// A label selector of `clusterRoleSelectors`.
#[derive(Clone, Debug, Default)]
pub struct LabelSelector<'i> {
    pub match_labels: Vec<(&'i str, &'i str)>,
    pub match_expressions: Vec<Requirement<'i>>,
    /// False when the selector could not be read; the aggregation
    /// controller then stops and leaves the role's rules unchanged.
    pub valid: bool,
}

/// One `matchExpressions` entry.
#[derive(Clone, Debug)]
pub struct Requirement<'i> {
    pub key: &'i str,
    pub operator: Operator,
    pub values: Vec<&'i str>,
}

/// A label selector operator.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Operator {
    In,
    NotIn,
    Exists,
    DoesNotExist,
}

impl LabelSelector<'_> {
    /// Whether `labels` match: every `matchLabels` pair and every
    /// expression. An empty selector matches every object.
    pub fn matches(&self, labels: &[(&str, &str)]) -> bool {
        let value = |key: &str| labels.iter().find(|(k, _)| *k == key).map(|(_, v)| *v);
        let labels_match = self
            .match_labels
            .iter()
            .all(|(key, expected)| value(key) == Some(*expected));
        labels_match
            && self.match_expressions.iter().all(|req| {
                let found = value(req.key);
                match req.operator {
                    Operator::In => found.is_some_and(|v| req.values.contains(&v)),
                    Operator::NotIn => found.is_none_or(|v| !req.values.contains(&v)),
                    Operator::Exists => found.is_some(),
                    Operator::DoesNotExist => found.is_none(),
                }
            })
    }
}

/// `RoleBinding` or `ClusterRoleBinding`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum BindingKind {
    RoleBinding,
    ClusterRoleBinding,
}

impl BindingKind {
    pub fn as_str(self) -> &'static str {
        match self {
            BindingKind::RoleBinding => "RoleBinding",
            BindingKind::ClusterRoleBinding => "ClusterRoleBinding",
        }
    }
}

/// A RoleBinding or ClusterRoleBinding.
#[derive(Clone, Debug)]
pub struct Binding<'i> {
    pub kind: BindingKind,
    /// The namespace of a RoleBinding; `None` for a ClusterRoleBinding.
    pub namespace: Option<&'i str>,
    pub name: &'i str,
    pub role_ref: Option<RoleRef<'i>>,
    pub subjects: Vec<Subject<'i>>,
    pub origin: Origin<'i>,
}

impl Binding<'_> {
    /// "ClusterRoleBinding admins" or "RoleBinding team-a/deployers".
    pub fn describe(&self) -> String {
        match self.namespace {
            Some(ns) => format!("{} {ns}/{}", self.kind.as_str(), self.name),
            None => format!("{} {}", self.kind.as_str(), self.name),
        }
    }
}

/// A binding's `roleRef`.
#[derive(Clone, Debug)]
pub struct RoleRef<'i> {
    pub kind: &'i str,
    pub name: &'i str,
    /// `apiGroup` as written, empty when absent (the API server defaults it
    /// to `rbac.authorization.k8s.io`).
    pub api_group: &'i str,
    /// The `roleRef` key's position.
    pub pos: Pos,
}

/// The kind of a subject.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum SubjectKind {
    User,
    Group,
    ServiceAccount,
    /// Any other kind, which the API server rejects and the authorizer
    /// never matches.
    Other,
}

impl SubjectKind {
    pub fn parse(kind: &str) -> SubjectKind {
        match kind {
            "User" => SubjectKind::User,
            "Group" => SubjectKind::Group,
            "ServiceAccount" => SubjectKind::ServiceAccount,
            _ => SubjectKind::Other,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            SubjectKind::User => "User",
            SubjectKind::Group => "Group",
            SubjectKind::ServiceAccount => "ServiceAccount",
            SubjectKind::Other => "unknown kind",
        }
    }
}

/// One entry of a binding's `subjects`.
#[derive(Clone, Debug)]
pub struct Subject<'i> {
    /// Index in the binding's `subjects`.
    pub index: usize,
    /// The subject's mapping node.
    pub node: NodeRef<'i, 'static>,
    pub kind: SubjectKind,
    pub name: &'i str,
    /// `namespace` as written. A ServiceAccount subject of a RoleBinding
    /// without it is in the binding's namespace.
    pub namespace: Option<&'i str>,
}

impl<'i> Subject<'i> {
    /// The namespace of a ServiceAccount subject: its own, else the
    /// RoleBinding's. `None` when neither is set (a ClusterRoleBinding
    /// subject without a namespace, which the API server rejects).
    pub fn service_account_namespace(&self, binding: &Binding<'i>) -> Option<&'i str> {
        self.namespace
            .filter(|ns| !ns.is_empty())
            .or(binding.namespace)
    }

    /// The subject as a [`SubjectRef`], with a ServiceAccount's namespace
    /// resolved against the binding.
    pub fn resolve(&self, binding: &Binding<'i>) -> SubjectRef<'i> {
        SubjectRef {
            kind: self.kind,
            name: self.name,
            namespace: match self.kind {
                SubjectKind::ServiceAccount => self.service_account_namespace(binding),
                _ => None,
            },
        }
    }

    /// Position of the subject entry.
    pub fn pos(&self) -> Pos {
        self.node.pos()
    }
}

/// A subject by kind, name and (for ServiceAccounts) namespace, as
/// messages and who-can answers name it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct SubjectRef<'a> {
    pub kind: SubjectKind,
    pub name: &'a str,
    pub namespace: Option<&'a str>,
}

impl fmt::Display for SubjectRef<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match (self.kind, self.namespace) {
            (SubjectKind::ServiceAccount, Some(ns)) => {
                write!(f, "ServiceAccount {ns}/{}", self.name)
            }
            (SubjectKind::ServiceAccount, None) => {
                write!(f, "ServiceAccount {} (no namespace)", self.name)
            }
            (kind, _) => write!(f, "{} {}", kind.as_str(), self.name),
        }
    }
}
