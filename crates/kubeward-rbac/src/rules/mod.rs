//! The `rbac` family: who may do dangerous things under RBAC, and the
//! workloads, bindings and Secrets that hand those rights out.
//!
//! Every rule reads the scan's RBAC objects through the engine
//! ([`crate::Policy`]), on top of the built-in policy of a kubeadm cluster,
//! and names in each finding the subject, the permission, and the binding
//! and rule that grant it. Grants to the control plane that a kubeadm
//! cluster makes itself are not findings.

use kubeward_core::RuleDef;

mod common;
mod shared;

mod admission_write;
mod anonymous_binding;
mod cluster_admin;
mod csr_approve;
mod default_service_account;
mod default_service_account_automount;
mod default_service_account_bound;
mod escalate_bind;
mod impersonate;
mod ineffective_resource;
mod invalid_object;
mod legacy_token_secret;
mod nodes_proxy;
mod pod_exec;
mod secrets_read;
mod token_create;
mod wildcard;
mod workload_create;
mod workload_token_rights;

/// Every rule of the family, most severe first.
pub static RULES: &[&RuleDef] = &[
    &cluster_admin::RULE,
    &anonymous_binding::RULE,
    &escalate_bind::RULE,
    &secrets_read::RULE,
    &pod_exec::RULE,
    &workload_create::RULE,
    &impersonate::RULE,
    &token_create::RULE,
    &nodes_proxy::RULE,
    &csr_approve::RULE,
    &admission_write::RULE,
    &workload_token_rights::RULE,
    &default_service_account_bound::RULE,
    &legacy_token_secret::RULE,
    &invalid_object::RULE,
    &ineffective_resource::RULE,
    &default_service_account::RULE,
    &default_service_account_automount::RULE,
    &wildcard::RULE,
];

/// Every rule of the family with its check, which [`shared`] runs on one
/// model.
static COLLECTORS: &[(&RuleDef, shared::Collect)] = &[
    (&cluster_admin::RULE, cluster_admin::collect),
    (&anonymous_binding::RULE, anonymous_binding::collect),
    (&escalate_bind::RULE, escalate_bind::collect),
    (&secrets_read::RULE, secrets_read::collect),
    (&pod_exec::RULE, pod_exec::collect),
    (&workload_create::RULE, workload_create::collect),
    (&impersonate::RULE, impersonate::collect),
    (&token_create::RULE, token_create::collect),
    (&nodes_proxy::RULE, nodes_proxy::collect),
    (&csr_approve::RULE, csr_approve::collect),
    (&admission_write::RULE, admission_write::collect),
    (&workload_token_rights::RULE, workload_token_rights::collect),
    (
        &default_service_account_bound::RULE,
        default_service_account_bound::collect,
    ),
    (&legacy_token_secret::RULE, legacy_token_secret::collect),
    (&invalid_object::RULE, invalid_object::collect),
    (&ineffective_resource::RULE, ineffective_resource::collect),
    (
        &default_service_account::RULE,
        default_service_account::collect,
    ),
    (
        &default_service_account_automount::RULE,
        default_service_account_automount::collect,
    ),
    (&wildcard::RULE, wildcard::collect),
];
