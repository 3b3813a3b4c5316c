//! Dangerous permissions: the grants that let their holder take over
//! workloads, nodes or the whole cluster, and who holds them.
//!
//! Each [`Permission`] is a set of requests. A subject holds the
//! permission when a binding allows it one of them: namespaced resources
//! in the binding's namespace (or everywhere, for a ClusterRoleBinding),
//! cluster-scoped resources only through a ClusterRoleBinding, because a
//! RoleBinding never applies to a request without a namespace.

use std::collections::HashMap;
use std::fmt::Write;

use crate::identity::Identity;
use crate::model::{Binding, PolicyRule, Role, Subject};
use crate::policy::{BindingId, Policy, RoleId, Scope};
use crate::request::{NameQuery, Request};

/// A dangerous permission.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Permission {
    /// Every verb on every resource of every API group: `cluster-admin`,
    /// or `*` on `*` in one namespace.
    FullAccess,
    /// get, list or watch on Secrets.
    ReadSecrets,
    /// Exec into, attach to or port-forward to pods.
    ExecIntoPods,
    /// Create pods, or create or change workloads that create pods, which
    /// can run as any ServiceAccount of their namespace.
    CreateWorkloads,
    /// `escalate` or `bind` on roles: grant rights one does not hold.
    EscalateOrBind,
    /// Act as another user, group or ServiceAccount.
    Impersonate,
    /// Create tokens for ServiceAccounts.
    CreateTokens,
    /// Reach the kubelet API of nodes through `nodes/proxy`, which runs
    /// commands in every pod of the node.
    ProxyToNodes,
    /// Approve certificate signing requests, which can issue client
    /// certificates for any user or group.
    ApproveCertificates,
    /// Change admission webhooks and policies, which see or change every
    /// object written to the cluster.
    WriteAdmissionConfig,
}

/// One request of a permission, and whether only ClusterRoleBindings can
/// grant it.
struct Check {
    verb: &'static str,
    group: &'static str,
    resource: &'static str,
    subresource: &'static str,
    cluster_only: bool,
}

const fn check(verb: &'static str, group: &'static str, resource: &'static str) -> Check {
    Check {
        verb,
        group,
        resource,
        subresource: "",
        cluster_only: false,
    }
}

const fn sub(verb: &'static str, resource: &'static str, subresource: &'static str) -> Check {
    Check {
        verb,
        group: "",
        resource,
        subresource,
        cluster_only: false,
    }
}

const fn cluster(verb: &'static str, group: &'static str, resource: &'static str) -> Check {
    Check {
        verb,
        group,
        resource,
        subresource: "",
        cluster_only: true,
    }
}

const FULL_ACCESS: &[Check] = &[check("*", "*", "*")];

const READ_SECRETS: &[Check] = &[
    check("get", "", "secrets"),
    check("list", "", "secrets"),
    check("watch", "", "secrets"),
];

// Exec and attach use POST (`create`) over SPDY and GET (`get`) over
// WebSockets; API servers before the WebSocket upgrade check authorize
// `get` alone.
const EXEC_INTO_PODS: &[Check] = &[
    sub("create", "pods", "exec"),
    sub("get", "pods", "exec"),
    sub("create", "pods", "attach"),
    sub("get", "pods", "attach"),
    sub("create", "pods", "portforward"),
    sub("get", "pods", "portforward"),
];

const CREATE_WORKLOADS: &[Check] = &[
    check("create", "", "pods"),
    check("create", "apps", "deployments"),
    check("update", "apps", "deployments"),
    check("patch", "apps", "deployments"),
    check("create", "apps", "daemonsets"),
    check("update", "apps", "daemonsets"),
    check("patch", "apps", "daemonsets"),
    check("create", "apps", "statefulsets"),
    check("update", "apps", "statefulsets"),
    check("patch", "apps", "statefulsets"),
    check("create", "apps", "replicasets"),
    check("update", "apps", "replicasets"),
    check("patch", "apps", "replicasets"),
    check("create", "batch", "jobs"),
    check("update", "batch", "jobs"),
    check("patch", "batch", "jobs"),
    check("create", "batch", "cronjobs"),
    check("update", "batch", "cronjobs"),
    check("patch", "batch", "cronjobs"),
    check("create", "", "replicationcontrollers"),
    check("update", "", "replicationcontrollers"),
    check("patch", "", "replicationcontrollers"),
    check("create", "extensions", "deployments"),
    check("create", "extensions", "daemonsets"),
    check("create", "extensions", "replicasets"),
];

// Binding a role is checked in the binding's namespace, so a RoleBinding
// can allow binding ClusterRoles there; creating or changing a ClusterRole
// is checked cluster-wide.
const ESCALATE_OR_BIND: &[Check] = &[
    check("escalate", "rbac.authorization.k8s.io", "roles"),
    cluster("escalate", "rbac.authorization.k8s.io", "clusterroles"),
    check("bind", "rbac.authorization.k8s.io", "roles"),
    check("bind", "rbac.authorization.k8s.io", "clusterroles"),
];

// Impersonating a ServiceAccount is checked in its namespace; users,
// groups, UIDs and extra fields cluster-wide.
const IMPERSONATE: &[Check] = &[
    cluster("impersonate", "", "users"),
    cluster("impersonate", "", "groups"),
    check("impersonate", "", "serviceaccounts"),
    cluster("impersonate", "authentication.k8s.io", "uids"),
    cluster("impersonate", "authentication.k8s.io", "userextras"),
];

const CREATE_TOKENS: &[Check] = &[sub("create", "serviceaccounts", "token")];

// The kubelet authorizes its API with `nodes/proxy`: GET as `get`, POST
// (exec, run, attach) as `create`.
const PROXY_TO_NODES: &[Check] = &[
    Check {
        verb: "get",
        group: "",
        resource: "nodes",
        subresource: "proxy",
        cluster_only: true,
    },
    Check {
        verb: "create",
        group: "",
        resource: "nodes",
        subresource: "proxy",
        cluster_only: true,
    },
];

// Approval needs both: `update` on the approval subresource and `approve`
// on the signer (checked separately, see `needs_signer_approval`).
const APPROVE_CERTIFICATES: &[Check] = &[
    Check {
        verb: "update",
        group: "certificates.k8s.io",
        resource: "certificatesigningrequests",
        subresource: "approval",
        cluster_only: true,
    },
    Check {
        verb: "patch",
        group: "certificates.k8s.io",
        resource: "certificatesigningrequests",
        subresource: "approval",
        cluster_only: true,
    },
];

const ADMISSION_RESOURCES: [&str; 6] = [
    "mutatingwebhookconfigurations",
    "validatingwebhookconfigurations",
    "mutatingadmissionpolicies",
    "mutatingadmissionpolicybindings",
    "validatingadmissionpolicies",
    "validatingadmissionpolicybindings",
];

// Deleting a validating webhook or policy, or a policy's binding, turns
// off what it enforces, so delete and deletecollection count as writes.
const ADMISSION_VERBS: [&str; 5] = ["create", "update", "patch", "delete", "deletecollection"];

const ADMISSION_CHECK_COUNT: usize = ADMISSION_RESOURCES.len() * ADMISSION_VERBS.len();

const fn admission_checks() -> [Check; ADMISSION_CHECK_COUNT] {
    const UNSET: Check = cluster("", "", "");
    let mut checks = [UNSET; ADMISSION_CHECK_COUNT];
    let mut index = 0;
    while index < ADMISSION_CHECK_COUNT {
        checks[index] = cluster(
            ADMISSION_VERBS[index % ADMISSION_VERBS.len()],
            "admissionregistration.k8s.io",
            ADMISSION_RESOURCES[index / ADMISSION_VERBS.len()],
        );
        index += 1;
    }
    checks
}

const WRITE_ADMISSION_CONFIG: &[Check] = &admission_checks();

impl Permission {
    pub const ALL: [Permission; 10] = [
        Permission::FullAccess,
        Permission::ReadSecrets,
        Permission::ExecIntoPods,
        Permission::CreateWorkloads,
        Permission::EscalateOrBind,
        Permission::Impersonate,
        Permission::CreateTokens,
        Permission::ProxyToNodes,
        Permission::ApproveCertificates,
        Permission::WriteAdmissionConfig,
    ];

    fn checks(self) -> &'static [Check] {
        match self {
            Permission::FullAccess => FULL_ACCESS,
            Permission::ReadSecrets => READ_SECRETS,
            Permission::ExecIntoPods => EXEC_INTO_PODS,
            Permission::CreateWorkloads => CREATE_WORKLOADS,
            Permission::EscalateOrBind => ESCALATE_OR_BIND,
            Permission::Impersonate => IMPERSONATE,
            Permission::CreateTokens => CREATE_TOKENS,
            Permission::ProxyToNodes => PROXY_TO_NODES,
            Permission::ApproveCertificates => APPROVE_CERTIFICATES,
            Permission::WriteAdmissionConfig => WRITE_ADMISSION_CONFIG,
        }
    }

    /// What the permission lets its holder do, as a verb phrase.
    pub fn description(self) -> &'static str {
        match self {
            Permission::FullAccess => "do everything (every verb on every resource)",
            Permission::ReadSecrets => "read Secrets",
            Permission::ExecIntoPods => "run commands in pods or connect to them",
            Permission::CreateWorkloads => {
                "create pods or workloads, which can run as any ServiceAccount of the namespace"
            }
            Permission::EscalateOrBind => "grant roles with rights it does not hold",
            Permission::Impersonate => "act as other users, groups or ServiceAccounts",
            Permission::CreateTokens => "create tokens for ServiceAccounts",
            Permission::ProxyToNodes => "call the kubelet API of every node",
            Permission::ApproveCertificates => "approve certificate signing requests",
            Permission::WriteAdmissionConfig => "change admission webhooks and policies",
        }
    }
}

/// A subject entry that holds a permission through one binding.
#[derive(Clone, Debug)]
pub struct PermissionGrant<'p, 'i> {
    pub permission: Permission,
    pub binding_id: BindingId,
    pub binding: &'p Binding<'i>,
    pub subject: &'p Subject<'i>,
    pub role: &'p Role<'i>,
    /// The requests of the permission the binding allows, each with the
    /// rule that allows it and the role that contains that rule.
    pub allowed: Vec<AllowedRequest<'p, 'i>>,
}

/// One allowed request of a [`PermissionGrant`].
#[derive(Clone, Copy, Debug)]
pub struct AllowedRequest<'p, 'i> {
    pub request: Request<'static>,
    pub rule: &'p PolicyRule<'i>,
    pub rule_owner: &'p Role<'i>,
}

impl PermissionGrant<'_, '_> {
    /// The allowed requests, grouped by resource and by the objects they
    /// are limited to: `get, list, watch secrets; create pods/exec (only
    /// the objects named web)`.
    pub fn requests_text(&self) -> String {
        let mut groups: Vec<(String, Option<String>, Vec<&str>)> = Vec::new();
        for allowed in &self.allowed {
            let target = allowed.request.target_text();
            let limit = allowed.rule.names_limit();
            let verb = allowed.request.verb;
            match groups
                .iter_mut()
                .find(|(t, l, _)| *t == target && *l == limit)
            {
                Some((_, _, verbs)) => verbs.push(verb),
                None => groups.push((target, limit, vec![verb])),
            }
        }
        let mut out = String::new();
        for (index, (resource, limit, verbs)) in groups.iter().enumerate() {
            if index > 0 {
                out.push_str("; ");
            }
            let _ = write!(out, "{} {resource}", verbs.join(", "));
            if let Some(limit) = limit {
                let _ = write!(out, " ({limit})");
            }
        }
        out
    }

    /// The distinct rules that allow the requests, described.
    pub fn rules_text(&self) -> String {
        let mut seen: Vec<*const PolicyRule<'_>> = Vec::new();
        let mut parts = Vec::new();
        for allowed in &self.allowed {
            let pointer: *const PolicyRule<'_> = allowed.rule;
            if seen.contains(&pointer) {
                continue;
            }
            seen.push(pointer);
            parts.push(crate::policy::describe_rule(
                self.role,
                allowed.rule_owner,
                allowed.rule,
            ));
        }
        parts.join("; ")
    }

    /// Whether every allowing rule limits the grant to named objects.
    pub fn only_named_objects(&self) -> bool {
        self.allowed
            .iter()
            .all(|a| !a.rule.resource_names.is_empty())
    }
}

impl<'i> Policy<'i> {
    /// Every subject entry that holds `permission`, one grant per binding
    /// and subject entry.
    pub fn permission_grants(&self, permission: Permission) -> Vec<PermissionGrant<'_, 'i>> {
        let mut grants = Vec::new();
        // Many bindings share a role, so each role is matched once for
        // RoleBindings and once for ClusterRoleBindings.
        let mut decided: HashMap<(RoleId, bool), Vec<AllowedRequest<'_, 'i>>> = HashMap::new();
        for id in self.bindings_in(Scope::Anywhere) {
            let binding = &self.bindings()[id];
            if binding.subjects.is_empty() {
                continue;
            }
            let Some(role) = self.role_of(id) else {
                continue;
            };
            let Some(role_id) = self.role_id(role) else {
                continue;
            };
            let allowed = decided
                .entry((role_id, binding.namespace.is_some()))
                .or_insert_with(|| self.allowed_requests(id, permission))
                .clone();
            if allowed.is_empty() {
                continue;
            }
            for subject in &binding.subjects {
                grants.push(PermissionGrant {
                    permission,
                    binding_id: id,
                    binding,
                    subject,
                    role,
                    allowed: allowed.clone(),
                });
            }
        }
        if permission == Permission::ApproveCertificates {
            grants.retain(|grant| self.can_approve_for_signers(grant));
        }
        grants
    }

    /// The requests of `permission` that binding `id` allows.
    fn allowed_requests(
        &self,
        id: BindingId,
        permission: Permission,
    ) -> Vec<AllowedRequest<'_, 'i>> {
        let namespaced = self.bindings()[id].namespace.is_some();
        let mut allowed = Vec::new();
        for check in permission.checks() {
            if check.cluster_only && namespaced {
                continue;
            }
            let request =
                Request::resource(check.verb, check.group, check.resource, check.subresource)
                    .with_name(NameQuery::Any);
            if let Some((_, rule_owner, rule)) = self.allowing_rule(id, &request) {
                allowed.push(AllowedRequest {
                    request,
                    rule,
                    rule_owner,
                });
            }
        }
        allowed
    }

    /// Whether the subject of a grant of `update` on the approval
    /// subresource may also `approve` for some signer, which approval
    /// needs too. A Group subject is checked as a member of only that
    /// group.
    fn can_approve_for_signers(&self, grant: &PermissionGrant<'_, 'i>) -> bool {
        let request = Request::resource("approve", "certificates.k8s.io", "signers", "")
            .with_name(NameQuery::Any);
        let identity = identity_of(grant.subject, grant.binding);
        self.can(&identity, &request, None).is_some()
    }

    /// The grants of every permission to `identity`.
    pub fn permissions_of(&self, identity: &Identity) -> Vec<PermissionGrant<'_, 'i>> {
        let mut out = Vec::new();
        for permission in Permission::ALL {
            out.extend(
                self.permission_grants(permission)
                    .into_iter()
                    .filter(|g| identity.matches(g.subject, g.binding)),
            );
        }
        out
    }

    /// Whether binding `id` grants every verb on every resource.
    pub fn grants_full_access(&self, id: BindingId) -> bool {
        !self.allowed_requests(id, Permission::FullAccess).is_empty()
    }
}

/// The identity a subject entry stands for: a User or ServiceAccount as
/// itself, a Group as a user in only that group.
pub fn identity_of(subject: &Subject<'_>, binding: &Binding<'_>) -> Identity {
    use crate::model::SubjectKind;
    match subject.kind {
        SubjectKind::ServiceAccount => match subject.service_account_namespace(binding) {
            Some(ns) => Identity::service_account(ns, subject.name),
            None => Identity::user("", []),
        },
        SubjectKind::User => Identity::user(subject.name, []),
        SubjectKind::Group => Identity {
            name: String::new(),
            groups: vec![subject.name.to_owned()],
        },
        SubjectKind::Other => Identity {
            name: String::new(),
            groups: Vec::new(),
        },
    }
}
