//! kubeward's RBAC engine: what each subject may do under Kubernetes RBAC,
//! decided as kube-apiserver's RBAC authorizer decides it, with the
//! binding and rule behind every answer; and the `rbac` rule family built
//! on it.
//!
//! # Model
//!
//! [`Policy`] reads the Roles, ClusterRoles, RoleBindings and
//! ClusterRoleBindings of a scan's [`Inventory`](kubeward_core::Inventory)
//! (with the position of every field), on top of the built-in policy of a
//! kubeadm cluster ([`bootstrap`]), so a manifest that binds `cluster-admin`
//! or `edit` is understood without the cluster. Aggregated ClusterRoles get
//! the rules the aggregation controller would give them
//! ([`aggregation`]).
//!
//! # Queries
//!
//! - What may subject S do? [`Policy::bindings_of`] lists the bindings that
//!   apply to an [`Identity`] (user, groups, ServiceAccount with its
//!   implicit groups); [`Policy::effective_rules`] the rules of each
//!   binding's role.
//! - May S do V on R in namespace N? [`Policy::can`] returns the [`Grant`]
//!   that allows it: binding, subject entry, role and rule.
//! - Who may do V on R in N? [`Policy::who_can`] returns every grant.
//! - Who holds a dangerous permission ([`Permission`]: full access, reading
//!   Secrets, exec, creating workloads, escalate/bind, impersonation, token
//!   creation, `nodes/proxy`, certificate approval, admission
//!   configuration)? [`Policy::permission_grants`] and
//!   [`Policy::permissions_of`].
//! - Which ServiceAccount does a workload run as, and is its token mounted?
//!   [`workload::workloads`].
//!
//! Requests ([`Request`]) are matched as the authorizer matches them; see
//! [`request`] for the rules on wildcards and subresources.
//!
//! [`answer`] turns the answers to the questions of `kubeward rbac`
//! (who-can, can-i, show) into text and JSON.
//!
//! Nothing here does IO.

pub mod aggregation;
pub mod answer;
pub mod bootstrap;
mod identity;
mod model;
mod parse;
mod permission;
mod policy;
pub mod query;
pub mod request;
pub mod resources;
pub mod rules;
pub mod workload;

pub use identity::{
    ANONYMOUS, AUTHENTICATED, Identity, SERVICE_ACCOUNTS, UNAUTHENTICATED, is_broad_group,
    service_account_of,
};
pub use model::{
    Aggregation, Binding, BindingKind, DEFAULT_NAMESPACE, LabelSelector, Operator, Origin,
    PolicyRule, Problem, RBAC_GROUP, Requirement, Role, RoleKind, RoleRef, Subject, SubjectKind,
    SubjectRef,
};
pub use parse::{RbacKind, rbac_kind};
pub use permission::{AllowedRequest, Permission, PermissionGrant, identity_of};
pub use policy::{BindingId, Grant, Policy, RoleId, RuleRef, Scope, describe_rule};
pub use request::{NameQuery, Request, Target};
pub use rules::RULES;

/// The kinds of objects the engine reads, for
/// [`KindSet`](kubeward_core::KindSet) and
/// [`Check::Inventory`](kubeward_core::Check::Inventory).
pub const RBAC_KINDS: &[&str] = &["Role", "ClusterRole", "RoleBinding", "ClusterRoleBinding"];
