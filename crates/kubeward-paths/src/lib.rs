//! Attack paths: how an attacker gets from an entry point to control of
//! the cluster, step by step, with the objects behind every step.
//!
//! [`build`] turns a scan's objects, the RBAC model ([`kubeward_rbac`]),
//! the network analysis ([`kubeward_netpol`]) and the exposure of admin
//! interfaces (computed by the `exposure` rule family and passed in as
//! [`ExternalEntry`] and [`OpenUi`]) into a [`Graph`] whose nodes are:
//!
//! - entry points: each way in from outside the cluster, anonymous
//!   requests to the API server, and "any pod", which stands for one
//!   compromised pod anywhere in the cluster;
//! - network access to a workload, and code execution in it;
//! - identities (ServiceAccounts, the anonymous user);
//! - dangerous permissions ([`kubeward_rbac::Permission`]) in a namespace
//!   or cluster-wide;
//! - targets: cluster-admin, every Secret, the node, etcd.
//!
//! Every edge carries the reason it exists and, when an object of the
//! input is behind it, its place. [`Graph::paths`] finds the cheapest path
//! from each entry point to each target it reaches. Edges that need a flaw
//! in an application cost more than edges that need nothing but the
//! configuration. [`render`] prints paths as text, JSON, Graphviz DOT or
//! Mermaid.
//!
//! Nothing here does IO.

mod build;
mod graph;
pub mod render;
mod search;
mod workloads;

pub use build::{ExternalEntry, Inputs, OpenUi, build};
pub use graph::{Edge, EdgeId, Graph, Node, NodeId, Site, Target};
pub use search::{Path, Step};

/// The object kinds the graph reads besides those of the exposure model:
/// workloads, ServiceAccounts and their token Secrets, Namespaces (for
/// their Pod Security admission labels), RBAC objects and NetworkPolicies.
pub const KINDS: &[&str] = &[
    "Pod",
    "PodTemplate",
    "ReplicationController",
    "Deployment",
    "ReplicaSet",
    "StatefulSet",
    "DaemonSet",
    "Job",
    "CronJob",
    "ServiceAccount",
    "Secret",
    "Namespace",
    "Role",
    "ClusterRole",
    "RoleBinding",
    "ClusterRoleBinding",
    "NetworkPolicy",
    "AdminNetworkPolicy",
    "BaselineAdminNetworkPolicy",
    "Service",
];
