//! Answers to the three questions of `kubeward rbac`: who may make a
//! request, may one subject make it, and what may one subject do. Each
//! answer is a plain value that renders as text or as JSON, and names the
//! binding, role and rule behind every grant with their file and line.

use std::fmt::Write;

use serde::Serialize;

use crate::identity::Identity;
use crate::model::{Binding, Origin, PolicyRule, Role, Subject, SubjectRef};
use crate::permission::{Permission, PermissionGrant};
use crate::policy::{BindingId, Grant, Policy, Scope};
use crate::request::{NameQuery, Request, Target};

/// Version of the JSON documents of this module. It changes only when a
/// field is removed or changes meaning.
pub const JSON_VERSION: u32 = 1;

/// A subject in query results.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct SubjectView {
    pub kind: &'static str,
    pub name: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub namespace: Option<String>,
}

impl SubjectView {
    pub fn new(subject: SubjectRef<'_>) -> Self {
        SubjectView {
            kind: subject.kind.as_str(),
            name: subject.name.to_owned(),
            namespace: subject.namespace.map(str::to_owned),
        }
    }
}

/// A role or binding: kind, namespace, name and where it is defined.
#[derive(Clone, Debug, Serialize)]
pub struct ObjectView {
    pub kind: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub namespace: Option<String>,
    pub name: String,
    /// The file, or `<built-in>/FILE` for the built-in policy.
    pub file: String,
    pub line: u32,
    /// Whether the object is part of the built-in policy of a kubeadm
    /// cluster rather than the input.
    pub builtin: bool,
    /// "ClusterRoleBinding x" or "Role ns/y".
    #[serde(skip)]
    pub text: String,
}

impl ObjectView {
    fn role(role: &Role<'_>) -> Self {
        ObjectView::from_origin(role.kind.as_str(), role.namespace, role.name, role.origin)
            .with_text(role.describe())
    }

    fn binding(binding: &Binding<'_>) -> Self {
        ObjectView::from_origin(
            binding.kind.as_str(),
            binding.namespace,
            binding.name,
            binding.origin,
        )
        .with_text(binding.describe())
    }

    fn from_origin(
        kind: &'static str,
        namespace: Option<&str>,
        name: &str,
        origin: Origin<'_>,
    ) -> Self {
        ObjectView {
            kind,
            namespace: namespace.map(str::to_owned),
            name: name.to_owned(),
            file: origin.object.file().to_string(),
            line: origin.object.pos().line,
            builtin: origin.builtin,
            text: String::new(),
        }
    }

    fn with_text(mut self, text: String) -> Self {
        self.text = text;
        self
    }

    /// `file:line`, or `built-in`.
    fn place(&self) -> String {
        if self.builtin {
            "built-in".to_owned()
        } else {
            format!("{}:{}", self.file, self.line)
        }
    }
}

/// One rule of a role, as written.
#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct RuleView {
    /// The role whose `rules` list contains the rule. For an aggregated
    /// ClusterRole this is the role the rule was aggregated from.
    pub role: ObjectView,
    /// Index in that role's `rules`.
    pub index: usize,
    pub line: u32,
    pub verbs: Vec<String>,
    pub api_groups: Vec<String>,
    pub resources: Vec<String>,
    pub resource_names: Vec<String>,
    #[serde(rename = "nonResourceURLs")]
    pub non_resource_urls: Vec<String>,
    /// The rule in one line, as `kubectl describe` shows it.
    #[serde(skip)]
    pub summary: String,
}

impl RuleView {
    fn new(owner: &Role<'_>, rule: &PolicyRule<'_>) -> Self {
        let strings = |list: &[&str]| list.iter().map(|s| (*s).to_owned()).collect();
        RuleView {
            role: ObjectView::role(owner),
            index: rule.index,
            line: rule.node.pos().line,
            verbs: strings(&rule.verbs),
            api_groups: strings(&rule.api_groups),
            resources: strings(&rule.resources),
            resource_names: strings(&rule.resource_names),
            non_resource_urls: strings(&rule.non_resource_urls),
            summary: rule.summary(),
        }
    }

    /// `rules[0] (file:line)`, with the role it was aggregated from when
    /// that is not `bound`.
    fn describe(&self, bound: &ObjectView) -> String {
        let place = if self.role.builtin {
            "built-in".to_owned()
        } else {
            format!("{}:{}", self.role.file, self.line)
        };
        if self.role.text == bound.text {
            format!("rules[{}] ({place})", self.index)
        } else {
            format!(
                "rules[{}] of {}, aggregated ({place})",
                self.index, self.role.text
            )
        }
    }
}

/// The binding, bound role and rule that allow one subject a request.
#[derive(Clone, Debug, Serialize)]
pub struct GrantView {
    pub subject: SubjectView,
    /// The namespace the grant is limited to; `null` for a
    /// ClusterRoleBinding, which grants in every namespace and
    /// cluster-wide.
    pub namespace: Option<String>,
    pub binding: ObjectView,
    pub role: ObjectView,
    pub rule: RuleView,
}

impl GrantView {
    pub fn new(grant: &Grant<'_, '_>) -> Self {
        GrantView {
            subject: SubjectView::new(grant.subject_ref()),
            namespace: grant.namespace().map(str::to_owned),
            binding: ObjectView::binding(grant.binding),
            role: ObjectView::role(grant.role),
            rule: RuleView::new(grant.rule_owner, grant.rule),
        }
    }

    /// "cluster-wide" or "in namespace N".
    fn scope_text(&self) -> String {
        match &self.namespace {
            Some(ns) => format!("in namespace {ns}"),
            None => "cluster-wide".to_owned(),
        }
    }

    /// "ClusterRoleBinding b (file:line) binds ClusterRole r rules[0]
    /// (file:line): verbs [...] on [...]".
    fn source_text(&self) -> String {
        format!(
            "{} ({}) binds {} {}: {}",
            self.binding.text,
            self.binding.place(),
            self.role.text,
            self.rule.describe(&self.role),
            self.rule.summary
        )
    }
}

/// A request in query results.
#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct RequestView {
    pub verb: String,
    /// `secrets`, `pods/exec`, `deployments.apps/scale` or `/metrics`.
    pub target: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub api_group: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub resource: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub subresource: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none", rename = "nonResourceURL")]
    pub non_resource_url: Option<String>,
}

impl RequestView {
    pub fn new(request: &Request<'_>) -> Self {
        let mut view = RequestView {
            verb: request.verb.to_owned(),
            target: request.target_text(),
            api_group: None,
            resource: None,
            subresource: None,
            name: None,
            non_resource_url: None,
        };
        match request.target {
            Target::Resource {
                group,
                resource,
                subresource,
                name,
            } => {
                view.api_group = Some(group.to_owned());
                view.resource = Some(resource.to_owned());
                view.subresource = (!subresource.is_empty()).then(|| subresource.to_owned());
                if let NameQuery::Named(name) = name {
                    view.name = Some(name.to_owned());
                }
            }
            Target::NonResource { path } => view.non_resource_url = Some(path.to_owned()),
        }
        view
    }
}

fn scope_namespace(scope: Scope<'_>) -> Option<String> {
    match scope {
        Scope::Namespace(ns) => Some(ns.to_owned()),
        Scope::Cluster | Scope::Anywhere => None,
    }
}

fn scope_text(scope: Scope<'_>) -> String {
    match scope {
        Scope::Cluster => "cluster-wide".to_owned(),
        Scope::Namespace(ns) => format!("in namespace {ns}"),
        Scope::Anywhere => "in any namespace".to_owned(),
    }
}

/// Every subject allowed a request.
#[derive(Clone, Debug, Serialize)]
pub struct WhoCan {
    pub version: u32,
    pub request: RequestView,
    /// The namespace asked about; `null` when the question was about any
    /// namespace or a cluster-scoped request.
    pub namespace: Option<String>,
    #[serde(skip)]
    scope_text: String,
    /// One entry per subject entry of every binding that allows the
    /// request, sorted by subject.
    pub grants: Vec<GrantView>,
}

impl WhoCan {
    /// Asks `policy` who may make `request` in `scope`. Rules limited to
    /// named objects count when the request names one of them, or names
    /// no object and is made with [`NameQuery::Any`].
    pub fn ask(policy: &Policy<'_>, request: &Request<'_>, scope: Scope<'_>) -> Self {
        let mut grants: Vec<GrantView> = policy
            .who_can(request, scope)
            .iter()
            .map(GrantView::new)
            .collect();
        grants.sort_by(|a, b| {
            let key = |g: &GrantView| {
                (
                    g.subject.kind,
                    g.subject.namespace.clone(),
                    g.subject.name.clone(),
                    g.binding.text.clone(),
                )
            };
            key(a).cmp(&key(b))
        });
        let scope = match request.target {
            Target::NonResource { .. } => Scope::Cluster,
            Target::Resource { .. } => scope,
        };
        WhoCan {
            version: JSON_VERSION,
            request: RequestView::new(request),
            namespace: scope_namespace(scope),
            scope_text: scope_text(scope),
            grants,
        }
    }

    /// One line per grant: subject, scope, and the binding and rule.
    pub fn render_text(&self) -> String {
        let mut out = String::new();
        let _ = writeln!(
            out,
            "Who can {} {}:",
            request_text(&self.request),
            self.scope_text
        );
        if self.grants.is_empty() {
            out.push_str("  nobody\n");
            return out;
        }
        let subjects: Vec<String> = self.grants.iter().map(subject_text).collect();
        let width = subjects.iter().map(String::len).max().unwrap_or(0);
        for (grant, subject) in self.grants.iter().zip(&subjects) {
            let _ = writeln!(
                out,
                "  {subject:width$}  {}: {}",
                grant.scope_text(),
                grant.source_text()
            );
        }
        let _ = writeln!(
            out,
            "{} grant(s) to {} subject(s).",
            self.grants.len(),
            distinct_subjects(&self.grants)
        );
        out
    }

    pub fn render_json(&self) -> String {
        to_json(self)
    }
}

fn subject_text(grant: &GrantView) -> String {
    match &grant.subject.namespace {
        Some(ns) => format!("{} {ns}/{}", grant.subject.kind, grant.subject.name),
        None => format!("{} {}", grant.subject.kind, grant.subject.name),
    }
}

fn distinct_subjects(grants: &[GrantView]) -> usize {
    let mut subjects: Vec<&SubjectView> = grants.iter().map(|g| &g.subject).collect();
    subjects.dedup();
    subjects.len()
}

fn request_text(request: &RequestView) -> String {
    let mut text = format!("{} {}", request.verb, request.target);
    if let Some(name) = &request.name {
        let _ = write!(text, " named {name}");
    }
    text
}

/// A user name and its groups in query results.
#[derive(Clone, Debug, Serialize)]
pub struct IdentityView {
    pub user: String,
    pub groups: Vec<String>,
}

impl IdentityView {
    pub fn new(identity: &Identity) -> Self {
        IdentityView {
            user: identity.name.clone(),
            groups: identity.groups.clone(),
        }
    }

    fn text(&self) -> String {
        if self.user.is_empty() {
            format!("a member of [{}]", self.groups.join(", "))
        } else {
            format!("user {} in groups [{}]", self.user, self.groups.join(", "))
        }
    }
}

/// Whether one identity may make a request, and the grant that allows it.
#[derive(Clone, Debug, Serialize)]
pub struct CanI {
    pub version: u32,
    pub identity: IdentityView,
    pub request: RequestView,
    /// The namespace of the request; `null` for a request without one.
    pub namespace: Option<String>,
    pub allowed: bool,
    /// The first grant that allows the request, as the authorizer finds
    /// it; `null` when RBAC denies it.
    pub grant: Option<GrantView>,
}

impl CanI {
    /// Asks `policy` whether `identity` may make `request` in `namespace`
    /// (`None` for a request without a namespace).
    pub fn ask(
        policy: &Policy<'_>,
        identity: &Identity,
        request: &Request<'_>,
        namespace: Option<&str>,
    ) -> Self {
        let grant = policy
            .can(identity, request, namespace)
            .map(|g| GrantView::new(&g));
        let namespace = match request.target {
            Target::Resource { .. } => namespace.map(str::to_owned),
            Target::NonResource { .. } => None,
        };
        CanI {
            version: JSON_VERSION,
            identity: IdentityView::new(identity),
            request: RequestView::new(request),
            namespace,
            allowed: grant.is_some(),
            grant,
        }
    }

    /// `yes` or `no`, then the request and the grant that allows it.
    pub fn render_text(&self) -> String {
        let scope = match &self.namespace {
            Some(ns) => format!("in namespace {ns}"),
            None => "cluster-wide".to_owned(),
        };
        let request = request_text(&self.request);
        match &self.grant {
            Some(grant) => format!(
                "yes\n  {} may {request} {scope}: {}\n",
                self.identity.text(),
                grant.source_text()
            ),
            None => format!(
                "no\n  no binding allows {} to {request} {scope}\n",
                self.identity.text()
            ),
        }
    }

    pub fn render_json(&self) -> String {
        to_json(self)
    }
}

/// One binding that applies to a subject, and the rules of its role.
#[derive(Clone, Debug, Serialize)]
pub struct BindingView {
    pub binding: ObjectView,
    /// The subject entry of the binding that names the identity: itself,
    /// or a group it is a member of.
    pub subject: SubjectView,
    /// The namespace the binding's rules hold in; `null` for a
    /// ClusterRoleBinding.
    pub namespace: Option<String>,
    /// The bound role; `null` when it does not exist, and the binding
    /// grants nothing.
    pub role: Option<ObjectView>,
    pub rules: Vec<RuleView>,
}

/// A dangerous permission that one binding grants one subject.
#[derive(Clone, Debug, Serialize)]
pub struct PermissionView {
    /// Stable id, such as `read-secrets`.
    pub permission: &'static str,
    pub description: &'static str,
    pub namespace: Option<String>,
    pub binding: ObjectView,
    /// The allowed requests of the permission, grouped by resource.
    pub requests: String,
    /// The rules that allow them.
    pub rules: String,
}

impl PermissionView {
    fn new(grant: &PermissionGrant<'_, '_>) -> Self {
        PermissionView {
            permission: grant.permission.id(),
            description: grant.permission.description(),
            namespace: grant.binding.namespace.map(str::to_owned),
            binding: ObjectView::binding(grant.binding),
            requests: grant.requests_text(),
            rules: grant.rules_text(),
        }
    }
}

/// Everything one identity may do: the bindings that apply to it with
/// their rules, and the dangerous permissions among them.
#[derive(Clone, Debug, Serialize)]
pub struct Show {
    pub version: u32,
    pub identity: IdentityView,
    /// The namespace asked about; `null` for every namespace.
    pub namespace: Option<String>,
    pub bindings: Vec<BindingView>,
    pub permissions: Vec<PermissionView>,
}

impl Show {
    /// Asks `policy` what `identity` may do in `scope`.
    pub fn ask(policy: &Policy<'_>, identity: &Identity, scope: Scope<'_>) -> Self {
        let bindings = policy
            .bindings_of(identity, scope)
            .into_iter()
            .map(|(id, subject)| binding_view(policy, id, subject))
            .collect();
        let namespace = scope_namespace(scope);
        let permissions = policy
            .permissions_of(identity)
            .iter()
            .filter(|g| match (scope, g.binding.namespace) {
                (Scope::Anywhere, _) | (_, None) => true,
                (Scope::Namespace(ns), Some(bound)) => ns == bound,
                (Scope::Cluster, Some(_)) => false,
            })
            .map(PermissionView::new)
            .collect();
        Show {
            version: JSON_VERSION,
            identity: IdentityView::new(identity),
            namespace,
            bindings,
            permissions,
        }
    }

    /// The dangerous permissions first, then every binding with its rules.
    pub fn render_text(&self) -> String {
        let mut out = String::new();
        let _ = write!(out, "{}", capitalize(&self.identity.text()));
        match &self.namespace {
            Some(ns) => {
                let _ = writeln!(out, ", in namespace {ns}");
            }
            None => out.push('\n'),
        }
        if self.bindings.is_empty() {
            out.push_str("\nNo binding applies: RBAC allows nothing.\n");
            return out;
        }
        out.push_str("\nDangerous permissions:\n");
        if self.permissions.is_empty() {
            out.push_str("  none\n");
        }
        for permission in &self.permissions {
            let scope = match &permission.namespace {
                Some(ns) => format!("in namespace {ns}"),
                None => "cluster-wide".to_owned(),
            };
            let _ = writeln!(
                out,
                "  {} {scope}: {} ({} binds {})",
                permission.description,
                permission.requests,
                permission.binding.text,
                permission.rules
            );
        }
        out.push_str("\nBindings:\n");
        for binding in &self.bindings {
            render_binding(&mut out, binding);
        }
        out
    }

    pub fn render_json(&self) -> String {
        to_json(self)
    }
}

fn binding_view(policy: &Policy<'_>, id: BindingId, subject: &Subject<'_>) -> BindingView {
    let binding = &policy.bindings()[id];
    let role = policy.role_of(id);
    let rules = role
        .and_then(|r| policy.role_id(r))
        .map(|role_id| {
            policy
                .effective_rules(role_id)
                .map(|(owner, rule)| RuleView::new(owner, rule))
                .collect()
        })
        .unwrap_or_default();
    BindingView {
        binding: ObjectView::binding(binding),
        subject: SubjectView::new(subject.resolve(binding)),
        namespace: binding.namespace.map(str::to_owned),
        role: role.map(ObjectView::role),
        rules,
    }
}

fn render_binding(out: &mut String, view: &BindingView) {
    let scope = match &view.namespace {
        Some(ns) => format!("in namespace {ns}"),
        None => "cluster-wide".to_owned(),
    };
    let subject = match &view.subject.namespace {
        Some(ns) => format!("{} {ns}/{}", view.subject.kind, view.subject.name),
        None => format!("{} {}", view.subject.kind, view.subject.name),
    };
    let Some(role) = &view.role else {
        let _ = writeln!(
            out,
            "  {} ({}) names {subject}, but its role does not exist: it grants nothing",
            view.binding.text,
            view.binding.place()
        );
        return;
    };
    let _ = writeln!(
        out,
        "  {} ({}) binds {} to {subject}, {scope}:",
        view.binding.text,
        view.binding.place(),
        role.text
    );
    if view.rules.is_empty() {
        out.push_str("    (the role has no rules)\n");
    }
    for rule in &view.rules {
        let _ = writeln!(out, "    {}  {}", rule.summary, rule.describe(role));
    }
}

fn capitalize(text: &str) -> String {
    let mut chars = text.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

fn to_json(value: &impl Serialize) -> String {
    let mut text =
        serde_json::to_string_pretty(value).expect("query results always serialize to JSON");
    text.push('\n');
    text
}

impl Permission {
    /// A stable kebab-case id, as JSON output names the permission.
    pub fn id(self) -> &'static str {
        match self {
            Permission::FullAccess => "full-access",
            Permission::ReadSecrets => "read-secrets",
            Permission::ExecIntoPods => "exec-into-pods",
            Permission::CreateWorkloads => "create-workloads",
            Permission::EscalateOrBind => "escalate-or-bind",
            Permission::Impersonate => "impersonate",
            Permission::CreateTokens => "create-tokens",
            Permission::ProxyToNodes => "proxy-to-nodes",
            Permission::ApproveCertificates => "approve-certificates",
            Permission::WriteAdmissionConfig => "write-admission-config",
        }
    }
}
