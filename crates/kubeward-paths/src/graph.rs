//! The graph: nodes, edges with their reasons, and adding them without
//! duplicates.

use std::collections::HashMap;

use kubeward_core::yaml::Pos;
use kubeward_rbac::Permission;

/// Index of a node in [`Graph::nodes`].
pub type NodeId = usize;
/// Index of an edge in [`Graph::edges`].
pub type EdgeId = usize;

/// An attacker's goal; the variants are ordered most severe first.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Target {
    /// Every verb on every resource: the whole cluster.
    ClusterAdmin,
    /// etcd's data, which contains every object of the cluster, unencrypted
    /// unless encryption at rest is on.
    Etcd,
    /// Every Secret of every namespace.
    AllSecrets,
    /// The node a pod runs on, as root.
    Node,
}

impl Target {
    /// Short name for text and graph labels.
    pub fn name(self) -> &'static str {
        match self {
            Target::ClusterAdmin => "cluster-admin",
            Target::Etcd => "etcd",
            Target::AllSecrets => "all Secrets",
            Target::Node => "node",
        }
    }

    /// Stable id for JSON.
    pub fn id(self) -> &'static str {
        match self {
            Target::ClusterAdmin => "cluster-admin",
            Target::Etcd => "etcd",
            Target::AllSecrets => "all-secrets",
            Target::Node => "node",
        }
    }
}

/// A state the attacker can be in.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Node {
    /// A way in from outside the cluster, such as "NodePort Service
    /// kube-system/kubernetes-dashboard port 80".
    Entry(String),
    /// One compromised pod anywhere in the cluster.
    AnyPod,
    /// Requests to the API server without credentials.
    Anonymous,
    /// Network access to the pods of a workload ("Deployment ns/name").
    Reach(String),
    /// Code execution in the pods of a workload.
    Code(String),
    /// The rights of an identity: "ServiceAccount ns/name" or
    /// "user system:anonymous".
    Identity(String),
    /// A dangerous permission, in one namespace or cluster-wide (`None`).
    Grant(Permission, Option<String>),
    Target(Target),
}

impl Node {
    /// Describes the node in a phrase for text output.
    pub fn describe(&self) -> String {
        match self {
            Node::Entry(label) => label.clone(),
            Node::AnyPod => "any pod (one compromised pod anywhere in the cluster)".to_owned(),
            Node::Anonymous => "anonymous requests to the API server".to_owned(),
            Node::Reach(workload) => format!("network access to {workload}"),
            Node::Code(workload) => format!("code execution in {workload}"),
            Node::Identity(name) => format!("the rights of {name}"),
            Node::Grant(permission, scope) => match scope {
                Some(namespace) => {
                    format!("{} in namespace {namespace}", permission.description())
                }
                None => format!("{} cluster-wide", permission.description()),
            },
            Node::Target(target) => format!("target: {}", target.name()),
        }
    }

    /// Returns a short label for graph output.
    pub fn short(&self) -> String {
        match self {
            Node::Entry(label) => label.clone(),
            Node::AnyPod => "any pod".to_owned(),
            Node::Anonymous => "anonymous".to_owned(),
            Node::Reach(workload) => format!("reach {workload}"),
            Node::Code(workload) => format!("code in {workload}"),
            Node::Identity(name) => name.clone(),
            Node::Grant(permission, scope) => match scope {
                Some(namespace) => format!("{} in {namespace}", short_permission(*permission)),
                None => format!("{} cluster-wide", short_permission(*permission)),
            },
            Node::Target(target) => target.name().to_owned(),
        }
    }

    /// Stable kind name for JSON.
    pub fn kind(&self) -> &'static str {
        match self {
            Node::Entry(_) => "entry",
            Node::AnyPod => "any-pod",
            Node::Anonymous => "anonymous",
            Node::Reach(_) => "reach",
            Node::Code(_) => "code",
            Node::Identity(_) => "identity",
            Node::Grant(..) => "permission",
            Node::Target(_) => "target",
        }
    }

    /// Returns whether paths start at this node.
    pub fn is_entry(&self) -> bool {
        matches!(self, Node::Entry(_) | Node::AnyPod | Node::Anonymous)
    }
}

/// The place of an edge's reason: a field of an object of the input.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Site {
    /// Index of the object in the scan's inventory.
    pub object: usize,
    pub file: String,
    pub pos: Pos,
    /// Field path, such as `spec.template.spec.serviceAccountName`.
    pub path: String,
}

/// One step an attacker can take.
#[derive(Clone, Debug)]
pub struct Edge {
    pub from: NodeId,
    pub to: NodeId,
    /// The reason the step is possible, as a sentence fragment.
    pub reason: String,
    /// The object and field behind the step, when the input has one.
    pub site: Option<Site>,
    /// The kubeward rule whose finding describes the same weakness.
    pub rule: Option<&'static str>,
    /// Whether the step needs a flaw in an application (code execution
    /// through an exposed app), rather than only the configuration.
    pub exploit: bool,
}

/// Entry points, workloads, identities, permissions and targets, and the
/// steps between them.
#[derive(Debug, Default)]
pub struct Graph {
    pub nodes: Vec<Node>,
    pub edges: Vec<Edge>,
    /// Outgoing edges per node.
    pub(crate) out: Vec<Vec<EdgeId>>,
    index: HashMap<Node, NodeId>,
}

impl Graph {
    /// Returns the id of `node`, adding it when new.
    pub(crate) fn node(&mut self, node: Node) -> NodeId {
        if let Some(&id) = self.index.get(&node) {
            return id;
        }
        let id = self.nodes.len();
        self.nodes.push(node.clone());
        self.out.push(Vec::new());
        self.index.insert(node, id);
        id
    }

    /// Returns the id of `node`, when the graph has it.
    pub fn find(&self, node: &Node) -> Option<NodeId> {
        self.index.get(node).copied()
    }

    /// Adds an edge, unless one between the same nodes exists already:
    /// the first reason found is kept.
    pub(crate) fn edge(&mut self, edge: Edge) {
        if self.out[edge.from]
            .iter()
            .any(|&e| self.edges[e].to == edge.to)
        {
            return;
        }
        self.out[edge.from].push(self.edges.len());
        self.edges.push(edge);
    }

    /// Returns the edges leaving `node`.
    pub fn outgoing(&self, node: NodeId) -> impl Iterator<Item = &Edge> {
        self.out[node].iter().map(|&e| &self.edges[e])
    }
}

/// Names a permission in a few words, for chains and graph labels.
fn short_permission(permission: Permission) -> &'static str {
    match permission {
        Permission::FullAccess => "full access",
        Permission::ReadSecrets => "read Secrets",
        Permission::ExecIntoPods => "exec into pods",
        Permission::CreateWorkloads => "create pods",
        Permission::EscalateOrBind => "escalate or bind roles",
        Permission::Impersonate => "impersonate",
        Permission::CreateTokens => "create tokens",
        Permission::ProxyToNodes => "nodes/proxy",
        Permission::ApproveCertificates => "approve certificates",
        Permission::WriteAdmissionConfig => "write admission webhooks",
    }
}
