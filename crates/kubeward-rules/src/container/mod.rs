//! The `container` family: hardening beyond the Pod Security Standards.
//!
//! The rules check what the `pod-security` family leaves out. They cover
//! read-only root filesystems, resource requests and limits, service
//! account tokens, secrets in environment variables and ConfigMaps, image
//! references and pull policies, sensitive host paths and runtime sockets,
//! capabilities beyond what the standards decide, and probes. Each rule file documents
//! the peer checks it corresponds to in kube-linter and kubescape, and the
//! CIS Kubernetes Benchmark and NSA/CISA guide sections it implements.
//! CIS section numbers change between benchmark versions, so check them
//! against the version being audited.

use kubeward_core::RuleDef;

mod capability;
mod host_path;
mod probes;
mod resources;
mod secret;
mod workload;

mod apparmor_annotation_deprecated;
mod capabilities_not_dropped;
mod capability_spelling;
mod container_runtime_socket;
mod dangerous_capabilities;
mod default_namespace;
mod host_path_sensitive;
mod image_latest_tag;
mod image_pull_policy;
mod missing_cpu_limit;
mod missing_cpu_request;
mod missing_liveness_probe;
mod missing_memory_limit;
mod missing_memory_request;
mod missing_readiness_probe;
mod run_as_root_group;
mod secret_in_configmap;
mod secret_in_env_literal;
mod secret_in_env_ref;
mod service_account_token_automount;
mod shared_process_namespace;
mod ssh_port;
mod writable_host_path;
mod writable_root_filesystem;

/// Every rule of the family, most severe first within each topic.
pub static RULES: &[&RuleDef] = &[
    &container_runtime_socket::RULE,
    &host_path_sensitive::RULE,
    &writable_host_path::RULE,
    &dangerous_capabilities::RULE,
    &capabilities_not_dropped::RULE,
    &capability_spelling::RULE,
    &secret_in_env_literal::RULE,
    &secret_in_configmap::RULE,
    &secret_in_env_ref::RULE,
    &writable_root_filesystem::RULE,
    &missing_memory_limit::RULE,
    &missing_cpu_limit::RULE,
    &missing_memory_request::RULE,
    &missing_cpu_request::RULE,
    &service_account_token_automount::RULE,
    &image_latest_tag::RULE,
    &image_pull_policy::RULE,
    &default_namespace::RULE,
    &apparmor_annotation_deprecated::RULE,
    &shared_process_namespace::RULE,
    &run_as_root_group::RULE,
    &missing_liveness_probe::RULE,
    &missing_readiness_probe::RULE,
    &ssh_port::RULE,
];
