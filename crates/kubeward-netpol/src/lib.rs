//! kubeward's network engine: the exact semantics of
//! `networking.k8s.io/v1` NetworkPolicy, with AdminNetworkPolicy and
//! BaselineAdminNetworkPolicy (`policy.networking.k8s.io/v1alpha1`) around
//! it, evaluated over the objects a scan kept. No IO.
//!
//! - [`Model::build`] reads namespaces, workloads (pod spec owners, and
//!   Pods grouped by their controller) and policies from an
//!   [`Inventory`](kubeward_core::Inventory). Pods that no policy can tell
//!   apart share a [`PodClass`].
//! - [`Analysis`] resolves every selector once and answers: is a class
//!   isolated ([`Analysis::is_isolated`]), which policies select it
//!   ([`Analysis::selecting`]), which connections are allowed from one
//!   endpoint to another ([`Analysis::allowed`]) and which rules decided
//!   ([`Analysis::trace`]).
//! - [`connlist`] lists every allowed connection; [`reach`] answers one
//!   query with its explanation; [`generate`] writes policies that keep
//!   today's intended traffic.
//! - [`rules`] is the `network` rule family.

pub mod admin;
mod analysis;
mod build;
pub mod connlist;
pub mod generate;
pub mod ip;
mod model;
mod policy;
pub mod ports;
pub mod reach;
pub mod rules;
pub mod selector;

pub use analysis::{Analysis, Decision, Endpoint, Network, Selections, SideTrace};
pub use build::KINDS;
pub use model::{
    ClassId, DEFAULT_NAMESPACE, Direction, Model, NAMESPACE_NAME_LABEL, Namespace, NamespaceId,
    NamespaceScope, NetworkPolicy, Owner, Peer, PodClass, PolicyId, PolicyTypes, Problem, Rule,
    Service, ServicePort, Site, Workload, WorkloadId,
};
pub use rules::RULES;
