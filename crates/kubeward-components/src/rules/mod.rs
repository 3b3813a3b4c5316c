//! The component rule families. Each rule lives in its own file with its
//! documentation; [`RULES`] lists them all.

mod api_server;
mod audit;
pub mod common;
mod controller_manager;
mod encryption;
mod etcd;
mod intake;
mod kube_proxy;
mod kubelet;
mod node_files;
mod scheduler;

use kubeward_core::RuleDef;

/// Every rule of this crate, by family.
pub static RULES: &[&[&RuleDef]] = &[
    api_server::RULES,
    controller_manager::RULES,
    scheduler::RULES,
    etcd::RULES,
    kubelet::RULES,
    kube_proxy::RULES,
    encryption::RULES,
    audit::RULES,
    node_files::RULES,
    intake::RULES,
];

/// Every rule of this crate, family by family.
pub fn all() -> impl Iterator<Item = &'static RuleDef> {
    RULES.iter().flat_map(|family| family.iter().copied())
}
