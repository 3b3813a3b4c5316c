//! What the rules of the family share: the kinds they read, where a
//! finding about a grant belongs, and how messages name a grant.

use std::fmt::Write;

use kubeward_core::yaml::Pos;
use kubeward_core::{RuleConfig, StoredObject};

use super::shared::Collector;
use crate::identity::{ANONYMOUS, AUTHENTICATED, UNAUTHENTICATED};
use crate::model::{Binding, SubjectKind, SubjectRef};
use crate::permission::{Permission, PermissionGrant};
use crate::policy::Policy;

/// The kinds the permission rules read.
pub const BINDING_KINDS: &[&str] = crate::RBAC_KINDS;

/// The kinds the workload rules read: RBAC objects, ServiceAccounts and
/// every pod spec owner.
pub const WORKLOAD_KINDS: &[&str] = &[
    "Role",
    "ClusterRole",
    "RoleBinding",
    "ClusterRoleBinding",
    "ServiceAccount",
    "Pod",
    "PodTemplate",
    "ReplicationController",
    "Deployment",
    "ReplicaSet",
    "StatefulSet",
    "DaemonSet",
    "Job",
    "CronJob",
];

/// Where a finding goes: an object of the input, a position and a path.
pub struct Place<'i> {
    pub object: &'i StoredObject,
    pub pos: Pos,
    pub path: String,
}

/// Where a finding about a grant belongs: the binding's subject entry when
/// the binding is in the input; else the granting rule, when its role is;
/// else nowhere, because the whole grant is the built-in policy's.
pub fn place_of<'i>(grant: &PermissionGrant<'_, 'i>) -> Option<Place<'i>> {
    if !grant.binding.origin.builtin {
        return Some(Place {
            object: grant.binding.origin.object,
            pos: grant.subject.pos(),
            path: format!("subjects[{}]", grant.subject.index),
        });
    }
    let allowed = grant
        .allowed
        .iter()
        .find(|a| !a.rule_owner.origin.builtin)?;
    Some(Place {
        object: allowed.rule_owner.origin.object,
        pos: allowed.rule.node.pos(),
        path: format!("rules[{}]", allowed.rule.index),
    })
}

/// Whether a subject is `system:anonymous`, `system:unauthenticated` or
/// `system:authenticated`, which `rbac-anonymous-binding` reports.
pub fn is_anonymous_or_everyone(subject: SubjectRef<'_>) -> bool {
    match subject.kind {
        SubjectKind::User => subject.name == ANONYMOUS,
        SubjectKind::Group => subject.name == UNAUTHENTICATED || subject.name == AUTHENTICATED,
        _ => false,
    }
}

/// "in every namespace", "cluster-wide" or "in namespace N", for a
/// binding's grants of a namespaced (or cluster-scoped) resource.
pub fn scope_text(binding: &Binding<'_>, cluster_scoped: bool) -> String {
    match (binding.namespace, cluster_scoped) {
        (Some(ns), _) => format!("in namespace {ns}"),
        (None, true) => "cluster-wide".to_owned(),
        (None, false) => "in every namespace".to_owned(),
    }
}

/// "ServiceAccount team-b/ci-runner can create pods/exec in namespace
/// team-b: RoleBinding team-b/x binds ClusterRole y rules[0] (file:line)".
pub fn grant_text(grant: &PermissionGrant<'_, '_>, cluster_scoped: bool) -> String {
    let full = grant.permission == Permission::FullAccess;
    let what = if full {
        "do everything (every verb on every resource)".to_owned()
    } else {
        grant.requests_text()
    };
    let mut text = format!(
        "{} can {what} {}",
        grant.subject.resolve(grant.binding),
        scope_text(grant.binding, cluster_scoped || full)
    );
    let _ = write!(
        text,
        ": {} binds {}",
        grant.binding.describe(),
        grant.rules_text()
    );
    text
}

/// Reports every grant of `permission` in the input to a subject that is
/// not the control plane, one finding per binding and subject entry.
/// `keep` filters grants further; `advice` ends each message.
pub fn report_permission(
    sink: &mut Collector<'_, '_>,
    permission: Permission,
    keep: impl Fn(&PermissionGrant<'_, '_>, &RuleConfig) -> bool,
    cluster_scoped: bool,
    advice: &str,
) {
    let policy = sink.policy();
    let config = sink.options().config;
    for grant in sink.grants(permission) {
        let subject = grant.subject.resolve(grant.binding);
        if Policy::is_control_plane(subject) {
            continue;
        }
        // These subjects get one rbac-anonymous-binding finding that
        // names their rights.
        if !grant.binding.origin.builtin && is_anonymous_or_everyone(subject) {
            continue;
        }
        // rbac-cluster-admin reports bindings that grant everything.
        if permission != Permission::FullAccess && policy.grants_full_access(grant.binding_id) {
            continue;
        }
        if !keep(grant, config) {
            continue;
        }
        let Some(place) = place_of(grant) else {
            continue;
        };
        let message = format!("{}; {advice}", grant_text(grant, cluster_scoped));
        sink.report(place.object, place.pos, place.path, message);
    }
}

/// Keeps every grant.
pub fn any_grant(_: &PermissionGrant<'_, '_>, _: &RuleConfig) -> bool {
    true
}
