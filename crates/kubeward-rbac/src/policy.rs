//! The RBAC model of a scan: every role and binding, the rules each role
//! grants after aggregation, and the queries the authorizer answers.
//!
//! The authorizer's semantics, as `VisitRulesFor` in
//! `pkg/registry/rbac/validation/rule.go` (Kubernetes v1.34) applies them:
//!
//! - ClusterRoleBindings apply to every request;
//! - RoleBindings apply only to requests in their own namespace, so never
//!   to cluster-scoped resources or non-resource URLs (whose requests have
//!   no namespace);
//! - a RoleBinding's `roleRef` names a Role of its own namespace or a
//!   ClusterRole, whose rules then apply in that namespace only; a
//!   ClusterRoleBinding's names a ClusterRole (a Role is never found);
//! - a binding whose role does not exist grants nothing.

use std::collections::HashMap;

use kubeward_core::{Inventory, StoredObject};

use crate::bootstrap;
use crate::identity::Identity;
use crate::model::{Binding, Origin, PolicyRule, Problem, Role, Subject, SubjectRef};
use crate::parse::{RbacKind, rbac_kind, read_binding, read_role};
use crate::request::{Request, Target, may_allow_verb, verb_bits};

/// Index of a role in [`Policy::roles`].
pub type RoleId = usize;
/// Index of a binding in [`Policy::bindings`].
pub type BindingId = usize;

/// One rule a role grants: the role that contains it (another role for
/// aggregated rules) and its index in that role's `rules` list as read.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RuleRef {
    pub role: RoleId,
    /// Index in the owning role's [`Role::rules`] vector.
    pub rule: usize,
}

/// Which requests a query is about.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Scope<'a> {
    /// Requests without a namespace: cluster-scoped resources, non-resource
    /// URLs, and namespaced resources across all namespaces at once. Only
    /// ClusterRoleBindings apply.
    Cluster,
    /// Requests in one namespace: ClusterRoleBindings and the namespace's
    /// RoleBindings apply.
    Namespace(&'a str),
    /// Requests in any namespace or none: every binding applies, each in
    /// its own scope ([`Grant::namespace`]).
    Anywhere,
}

/// How a subject is allowed a request: the binding, the subject entry
/// that names it, the bound role and the rule that matches.
#[derive(Clone, Copy, Debug)]
pub struct Grant<'p, 'i> {
    pub binding: &'p Binding<'i>,
    pub subject: &'p Subject<'i>,
    /// The role the binding refers to.
    pub role: &'p Role<'i>,
    /// The matching rule.
    pub rule: &'p PolicyRule<'i>,
    /// The role that contains `rule`: `role` itself, or for an aggregated
    /// ClusterRole the role its rule was aggregated from.
    pub rule_owner: &'p Role<'i>,
}

impl<'i> Grant<'_, 'i> {
    /// The namespace the grant is limited to, `None` for a grant in every
    /// namespace and cluster-wide (a ClusterRoleBinding).
    pub fn namespace(&self) -> Option<&'i str> {
        self.binding.namespace
    }

    /// The subject, with a ServiceAccount's namespace resolved.
    pub fn subject_ref(&self) -> SubjectRef<'i> {
        self.subject.resolve(self.binding)
    }

    /// Whether binding and rule both come from the built-in policy.
    pub fn is_builtin(&self) -> bool {
        self.binding.origin.builtin && self.rule_owner.origin.builtin
    }

    /// "ClusterRole read-core rules[0] (rbac.yaml:22)", with "aggregated
    /// into ClusterRole X" when the rule comes from another role.
    pub fn describe_rule(&self) -> String {
        describe_rule(self.role, self.rule_owner, self.rule)
    }

    /// "ClusterRoleBinding read-core-auditors binds ClusterRole read-core
    /// rules[0] (rbac.yaml:22)".
    pub fn describe(&self) -> String {
        format!("{} binds {}", self.binding.describe(), self.describe_rule())
    }
}

/// Describes `rule` of `owner` as granted through `role`.
pub fn describe_rule(bound: &Role<'_>, owner: &Role<'_>, rule: &PolicyRule<'_>) -> String {
    let place = owner.origin.describe_place(rule.node.pos());
    if std::ptr::eq(bound, owner) {
        format!("{} rules[{}] ({place})", bound.describe(), rule.index)
    } else {
        format!(
            "{}, which aggregates {} rules[{}] ({place})",
            bound.describe(),
            owner.describe(),
            rule.index
        )
    }
}

/// The resource names a role's rules list, without subresources; `any`
/// when one is `*` or `*/SUBRESOURCE`.
#[derive(Clone, Debug, Default)]
struct RoleResources {
    any: bool,
    ids: Vec<u32>,
}

/// The roles that may allow a request, judged by its resource alone.
#[derive(Clone, Copy, Debug)]
enum ResourceFilter {
    /// Every role: the request is for a non-resource URL.
    Everything,
    /// Roles that name the resource with this id, or every resource.
    Named(u32),
    /// Only roles that name every resource: no rule names the request's.
    OnlyAny,
}

/// The RBAC model of a set of objects.
#[derive(Debug)]
pub struct Policy<'i> {
    roles: Vec<Role<'i>>,
    bindings: Vec<Binding<'i>>,
    /// Problems found reading the input objects (not the built-in ones).
    problems: Vec<(Origin<'i>, Problem)>,
    cluster_roles: HashMap<&'i str, RoleId>,
    namespaced_roles: HashMap<(&'i str, &'i str), RoleId>,
    /// The rules each role grants, by role id.
    effective: Vec<Vec<RuleRef>>,
    /// The verbs of each rule as a bit set ([`crate::request::verb_bits`]),
    /// by role id and rule index.
    rule_verbs: Vec<Vec<u32>>,
    /// An id for every resource name the rules list, for
    /// [`Policy::role_resources`].
    resource_ids: HashMap<&'i str, u32>,
    /// The resources each role's rules name, by role id: a quick test that
    /// a role cannot allow a request.
    role_resources: Vec<RoleResources>,
    /// The role each binding refers to, by binding id.
    binding_roles: Vec<Option<RoleId>>,
    cluster_bindings: Vec<BindingId>,
    namespace_bindings: HashMap<&'i str, Vec<BindingId>>,
}

impl<'i> Policy<'i> {
    /// The policy of a cluster built with kubeadm to which the RBAC
    /// objects of `inventory` were applied.
    pub fn new(inventory: &'i Inventory) -> Self {
        Policy::from_objects(inventory.objects(), true)
    }

    /// The policy of the RBAC objects of `inventory` alone, without the
    /// built-in roles and bindings.
    pub fn without_builtin(inventory: &'i Inventory) -> Self {
        Policy::from_objects(inventory.objects(), false)
    }

    /// The policy of `objects` (other kinds are skipped), on top of the
    /// built-in policy when `builtin` is true.
    pub fn from_objects(
        objects: impl IntoIterator<Item = &'i StoredObject>,
        builtin: bool,
    ) -> Self {
        let mut roles = Vec::new();
        let mut bindings = Vec::new();
        let mut problems = Vec::new();
        if builtin {
            let builtin_objects = bootstrap::inventory().objects();
            read_objects(
                builtin_objects,
                true,
                &mut roles,
                &mut bindings,
                &mut Vec::new(),
            );
        }
        read_objects(objects, false, &mut roles, &mut bindings, &mut problems);
        keep_last(&mut roles, |r| (r.kind, r.namespace, r.name));
        keep_last(&mut bindings, |b| (b.kind, b.namespace, b.name));
        let mut policy = Policy {
            roles,
            bindings,
            problems,
            cluster_roles: HashMap::new(),
            namespaced_roles: HashMap::new(),
            effective: Vec::new(),
            rule_verbs: Vec::new(),
            resource_ids: HashMap::new(),
            role_resources: Vec::new(),
            binding_roles: Vec::new(),
            cluster_bindings: Vec::new(),
            namespace_bindings: HashMap::new(),
        };
        policy.index();
        policy.aggregate();
        policy
    }

    fn index(&mut self) {
        self.rule_verbs = self
            .roles
            .iter()
            .map(|role| role.rules.iter().map(|r| verb_bits(&r.verbs)).collect())
            .collect();
        for (id, role) in self.roles.iter().enumerate() {
            match role.namespace {
                None => self.cluster_roles.insert(role.name, id),
                Some(ns) => self.namespaced_roles.insert((ns, role.name), id),
            };
        }
        self.binding_roles = self.bindings.iter().map(|b| self.resolve(b)).collect();
        for (id, binding) in self.bindings.iter().enumerate() {
            match binding.namespace {
                None => self.cluster_bindings.push(id),
                Some(ns) => self.namespace_bindings.entry(ns).or_default().push(id),
            }
        }
    }

    /// The role a binding refers to, as `GetRoleReferenceRules` finds it.
    fn resolve(&self, binding: &Binding<'i>) -> Option<RoleId> {
        let role_ref = binding.role_ref.as_ref()?;
        match (role_ref.kind, binding.namespace) {
            ("ClusterRole", _) => self.cluster_roles.get(role_ref.name).copied(),
            ("Role", Some(ns)) => self.namespaced_roles.get(&(ns, role_ref.name)).copied(),
            _ => None,
        }
    }

    /// Fills in the rules of every role, aggregating ClusterRoles as the
    /// aggregation controller does (see [`crate::aggregation`]).
    fn aggregate(&mut self) {
        self.effective = crate::aggregation::effective_rules(&self.roles);
        let mut role_resources = Vec::with_capacity(self.roles.len());
        for effective in &self.effective {
            let mut resources = RoleResources::default();
            for r in effective {
                for entry in &self.roles[r.role].rules[r.rule].resources {
                    let base = entry.split_once('/').map_or(*entry, |(base, _)| base);
                    if base == "*" {
                        resources.any = true;
                        continue;
                    }
                    let next = u32::try_from(self.resource_ids.len()).unwrap_or(u32::MAX);
                    let id = *self.resource_ids.entry(base).or_insert(next);
                    if !resources.ids.contains(&id) {
                        resources.ids.push(id);
                    }
                }
            }
            role_resources.push(resources);
        }
        self.role_resources = role_resources;
    }

    /// Which roles a request can concern, by the resource it names.
    fn resource_filter(&self, request: &Request<'_>) -> ResourceFilter {
        match request.target {
            Target::Resource { resource, .. } => match self.resource_ids.get(resource) {
                Some(&id) => ResourceFilter::Named(id),
                None => ResourceFilter::OnlyAny,
            },
            Target::NonResource { .. } => ResourceFilter::Everything,
        }
    }

    /// Every role, built-in ones included, except those replaced by an
    /// input object of the same kind, namespace and name.
    pub fn roles(&self) -> &[Role<'i>] {
        &self.roles
    }

    /// Every binding, as [`Policy::roles`].
    pub fn bindings(&self) -> &[Binding<'i>] {
        &self.bindings
    }

    /// Problems found while reading the input's RBAC objects, each with the
    /// object it is in. The API server rejects these objects, so the
    /// policy leaves them out: none of them is among [`Policy::roles`] or
    /// [`Policy::bindings`].
    pub fn problems(&self) -> &[(Origin<'i>, Problem)] {
        &self.problems
    }

    /// The ClusterRole named `name`.
    pub fn cluster_role(&self, name: &str) -> Option<&Role<'i>> {
        self.cluster_roles.get(name).map(|&id| &self.roles[id])
    }

    /// The Role `name` of `namespace`.
    pub fn role(&self, namespace: &str, name: &str) -> Option<&Role<'i>> {
        self.namespaced_roles
            .get(&(namespace, name))
            .map(|&id| &self.roles[id])
    }

    /// The role `binding` (one of [`Policy::bindings`]) refers to, if it
    /// exists.
    pub fn role_of(&self, binding: BindingId) -> Option<&Role<'i>> {
        self.binding_roles
            .get(binding)
            .copied()
            .flatten()
            .map(|id| &self.roles[id])
    }

    /// The rules role `role` grants, each with the role that contains it.
    /// For an aggregated ClusterRole these are the rules of the roles it
    /// selects, not its own `rules`.
    pub fn effective_rules(
        &self,
        role: RoleId,
    ) -> impl Iterator<Item = (&Role<'i>, &PolicyRule<'i>)> {
        self.effective
            .get(role)
            .into_iter()
            .flatten()
            .map(|r| (&self.roles[r.role], &self.roles[r.role].rules[r.rule]))
    }

    /// The id of a role of [`Policy::roles`].
    pub fn role_id(&self, role: &Role<'i>) -> Option<RoleId> {
        let key = (role.kind, role.namespace, role.name);
        match key.1 {
            None => self.cluster_roles.get(key.2).copied(),
            Some(ns) => self.namespaced_roles.get(&(ns, key.2)).copied(),
        }
        .filter(|&id| self.roles[id].kind == key.0)
    }

    /// The bindings that apply to requests in `scope`.
    pub fn bindings_in(&self, scope: Scope<'_>) -> Vec<BindingId> {
        match scope {
            Scope::Cluster => self.cluster_bindings.clone(),
            Scope::Namespace(ns) => {
                let mut ids = self.cluster_bindings.clone();
                ids.extend(self.namespace_bindings.get(ns).into_iter().flatten());
                ids
            }
            Scope::Anywhere => (0..self.bindings.len()).collect(),
        }
    }

    /// The first rule of binding `id`'s role that allows `request`.
    pub fn allowing_rule(
        &self,
        id: BindingId,
        request: &Request<'_>,
    ) -> Option<(&Role<'i>, &Role<'i>, &PolicyRule<'i>)> {
        let role_id = self.binding_roles.get(id).copied().flatten()?;
        let found = self.allowing_rule_of_role(role_id, request, self.resource_filter(request))?;
        let owner = &self.roles[found.role];
        Some((&self.roles[role_id], owner, &owner.rules[found.rule]))
    }

    /// The first rule that role `role_id` grants and that allows
    /// `request`.
    fn allowing_rule_of_role(
        &self,
        role_id: RoleId,
        request: &Request<'_>,
        filter: ResourceFilter,
    ) -> Option<RuleRef> {
        let resources = &self.role_resources[role_id];
        let possible = match filter {
            ResourceFilter::Everything => true,
            ResourceFilter::OnlyAny => resources.any,
            ResourceFilter::Named(id) => resources.any || resources.ids.contains(&id),
        };
        if !possible {
            return None;
        }
        self.effective[role_id].iter().copied().find(|r| {
            may_allow_verb(self.rule_verbs[r.role][r.rule], request.verb)
                && request.allowed_by(&self.roles[r.role].rules[r.rule])
        })
    }

    /// Every subject allowed `request` in `scope`: one grant per subject
    /// entry of every binding whose role allows it, with the first rule
    /// that does. Non-resource URLs are only ever granted cluster-wide.
    pub fn who_can(&self, request: &Request<'_>, scope: Scope<'_>) -> Vec<Grant<'_, 'i>> {
        let scope = match request.target {
            Target::NonResource { .. } => Scope::Cluster,
            Target::Resource { .. } => scope,
        };
        // Many bindings share a role, so each role is matched once.
        let mut decided: Vec<Option<Option<RuleRef>>> = vec![None; self.roles.len()];
        let filter = self.resource_filter(request);
        let mut grants = Vec::new();
        for id in self.bindings_in(scope) {
            let binding = &self.bindings[id];
            if binding.subjects.is_empty() {
                continue;
            }
            let Some(role_id) = self.binding_roles[id] else {
                continue;
            };
            let allowing = *decided[role_id]
                .get_or_insert_with(|| self.allowing_rule_of_role(role_id, request, filter));
            let Some(rule_ref) = allowing else {
                continue;
            };
            let rule_owner = &self.roles[rule_ref.role];
            let rule = &rule_owner.rules[rule_ref.rule];
            for subject in &binding.subjects {
                grants.push(Grant {
                    binding,
                    subject,
                    role: &self.roles[role_id],
                    rule,
                    rule_owner,
                });
            }
        }
        grants
    }

    /// The authorizer's decision: the grant that allows `identity` the
    /// request in `namespace` (`None` for a request without one), or
    /// `None` when RBAC denies it.
    pub fn can(
        &self,
        identity: &Identity,
        request: &Request<'_>,
        namespace: Option<&str>,
    ) -> Option<Grant<'_, 'i>> {
        let scope = match (request.target, namespace) {
            (Target::Resource { .. }, Some(ns)) => Scope::Namespace(ns),
            _ => Scope::Cluster,
        };
        self.bindings_in(scope).into_iter().find_map(|id| {
            let binding = &self.bindings[id];
            let subject = binding
                .subjects
                .iter()
                .find(|s| identity.matches(s, binding))?;
            let (bound_role, rule_owner, rule) = self.allowing_rule(id, request)?;
            Some(Grant {
                binding,
                subject,
                role: bound_role,
                rule,
                rule_owner,
            })
        })
    }

    /// The bindings that apply to `identity` in `scope`, each with the
    /// first subject entry that names it: everything the identity may do
    /// is the rules of their roles.
    pub fn bindings_of(
        &self,
        identity: &Identity,
        scope: Scope<'_>,
    ) -> Vec<(BindingId, &Subject<'i>)> {
        self.bindings_in(scope)
            .into_iter()
            .filter_map(|id| {
                let binding = &self.bindings[id];
                let subject = binding
                    .subjects
                    .iter()
                    .find(|s| identity.matches(s, binding))?;
                Some((id, subject))
            })
            .collect()
    }

    /// The bindings whose subjects include `subject` exactly (same kind,
    /// name and resolved namespace), each with that subject entry.
    pub fn bindings_naming(&self, subject: SubjectRef<'_>) -> Vec<(BindingId, &Subject<'i>)> {
        self.bindings
            .iter()
            .enumerate()
            .filter_map(|(id, binding)| {
                let entry = binding
                    .subjects
                    .iter()
                    .find(|s| s.resolve(binding) == subject)?;
                Some((id, entry))
            })
            .collect()
    }

    /// Whether `subject` is one the built-in bindings name, other than the
    /// broad groups: a control-plane identity (see
    /// [`bootstrap::control_plane_subjects`]).
    pub fn is_control_plane(subject: SubjectRef<'_>) -> bool {
        bootstrap::control_plane_subjects().contains(&(
            subject.kind,
            subject.name.to_owned(),
            subject.namespace.map(str::to_owned),
        ))
    }
}

fn read_objects<'i>(
    objects: impl IntoIterator<Item = &'i StoredObject>,
    builtin: bool,
    roles: &mut Vec<Role<'i>>,
    bindings: &mut Vec<Binding<'i>>,
    problems: &mut Vec<(Origin<'i>, Problem)>,
) {
    let mut found = Vec::new();
    for object in objects {
        let Some(kind) = rbac_kind(&object.reference.api_version, object.kind()) else {
            continue;
        };
        let origin = Origin { object, builtin };
        // The API server rejects an object with any problem as a whole, so
        // such an object grants nothing and replaces no earlier one.
        match kind {
            RbacKind::Role(kind) => {
                let role = read_role(kind, origin, &mut found);
                roles.extend(role.filter(|_| found.is_empty()));
            }
            RbacKind::Binding(kind) => {
                let binding = read_binding(kind, origin, &mut found);
                bindings.extend(binding.filter(|_| found.is_empty()));
            }
        }
        problems.extend(found.drain(..).map(|problem| (origin, problem)));
    }
}

/// Keeps only the last item of each key, in order: a later definition of
/// the same object replaces an earlier one, as `kubectl apply` does.
fn keep_last<T, K: std::hash::Hash + Eq>(items: &mut Vec<T>, key: impl Fn(&T) -> K) {
    let mut last = HashMap::with_capacity(items.len());
    for (index, item) in items.iter().enumerate() {
        last.insert(key(item), index);
    }
    if last.len() == items.len() {
        return;
    }
    let mut index = 0;
    items.retain(|item| {
        let keep = last.get(&key(item)) == Some(&index);
        index += 1;
        keep
    });
}
