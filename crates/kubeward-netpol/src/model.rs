//! The typed network model: namespaces, pod classes, workloads and
//! policies, built once from the scanned objects ([`Model::build`]).

use std::collections::HashMap;

use kubeward_core::Inventory;
use kubeward_core::yaml::Pos;

use crate::admin::AdminPolicy;
use crate::ip::IpSet;
use crate::ports::{ContainerPort, PortSpec};
use crate::selector::{Labels, Selector};

/// The label the API server sets on every namespace to its own name
/// (Kubernetes 1.21 and later).
pub const NAMESPACE_NAME_LABEL: &str = "kubernetes.io/metadata.name";

/// The namespace of namespaced objects that name none, as `kubectl`
/// applies them with a default context.
pub const DEFAULT_NAMESPACE: &str = "default";

/// Index of a namespace in [`Model::namespaces`].
pub type NamespaceId = usize;
/// Index of a pod class in [`Model::classes`].
pub type ClassId = usize;
/// Index of a workload in [`Model::workloads`].
pub type WorkloadId = usize;
/// Index of a NetworkPolicy in [`Model::policies`].
pub type PolicyId = usize;

/// Where something was read: an object of the inventory, a position and
/// a field path in it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Site {
    /// Index in [`Inventory::objects`].
    pub object: usize,
    pub pos: Pos,
    pub path: String,
}

/// A namespace, declared by a Namespace object or only referenced.
#[derive(Clone, Debug)]
pub struct Namespace {
    pub name: String,
    /// The object's labels plus `kubernetes.io/metadata.name`. A namespace
    /// that no Namespace object declares has only that label.
    pub labels: Labels,
    /// Where the Namespace object is, when the input declares it.
    pub declared: Option<Site>,
}

/// Pods that no policy can tell apart: the same namespace, labels,
/// container ports and host networking. Every pod of a workload is in one
/// class, and the analysis works on classes, never on single pods.
#[derive(Clone, Debug)]
pub struct PodClass {
    pub namespace: NamespaceId,
    pub labels: Labels,
    /// Container ports, sorted, as named ports resolve against them.
    pub ports: Vec<ContainerPort>,
    /// `hostNetwork: true`: the pods use the node's network, which
    /// NetworkPolicy does not isolate.
    pub host_network: bool,
    pub workloads: Vec<WorkloadId>,
}

/// The owner that groups Pods into one workload.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Owner {
    /// The owner reference's `kind`; `None` when it has none.
    pub kind: Option<String>,
    pub name: String,
}

/// Something that runs pods: a pod spec owner (Deployment, StatefulSet,
/// ...), or Pods grouped by the controller that owns them.
#[derive(Clone, Debug)]
pub struct Workload {
    /// `Deployment`, `Pod`, or the owner's kind for grouped Pods.
    pub kind: String,
    pub namespace: NamespaceId,
    pub name: String,
    pub class: ClassId,
    /// The object that declares it (the first Pod of a group), at the
    /// pod labels or the object's kind.
    pub site: Site,
    /// For a Pod, or a group of Pods, the controller that owns it.
    pub owner: Option<Owner>,
    /// The names of the Pods grouped into this workload; empty for pod
    /// spec owners.
    pub pods: Vec<String>,
    /// The images of its containers.
    pub images: Vec<String>,
    /// Environment variable values, commands and arguments of its
    /// containers: where clients name the Services they call.
    pub references: Vec<String>,
}

/// A Service's port, as it forwards to pods.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ServicePort {
    pub port: u16,
    /// `targetPort`: a number or a container port name; `port` when
    /// absent.
    pub target: crate::ports::PortValue,
    pub protocol: crate::ports::Protocol,
}

/// A Service with a selector: the pods it sends traffic to.
#[derive(Clone, Debug)]
pub struct Service {
    pub name: String,
    pub namespace: NamespaceId,
    pub selector: Labels,
    pub ports: Vec<ServicePort>,
    /// `LoadBalancer` or `NodePort`: reachable from outside the cluster.
    pub external: bool,
    /// Named as a backend by an Ingress of its namespace, so the ingress
    /// controller sends it traffic.
    pub ingress_backend: bool,
    pub site: Site,
}

/// Which directions a NetworkPolicy isolates, after `policyTypes`
/// defaulting.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct PolicyTypes {
    pub ingress: bool,
    pub egress: bool,
    /// Whether `policyTypes` was written, rather than defaulted.
    pub explicit: bool,
}

/// A `networking.k8s.io/v1` NetworkPolicy that the API server would accept.
#[derive(Clone, Debug)]
pub struct NetworkPolicy {
    pub name: String,
    pub namespace: NamespaceId,
    pub pod_selector: Selector,
    pub types: PolicyTypes,
    pub ingress: Vec<Rule>,
    pub egress: Vec<Rule>,
    /// Rule sections with rules that an explicit `policyTypes` leaves
    /// out, so the API server keeps them and nothing enforces them, with
    /// where each section is.
    pub ignored: Vec<(Direction, Pos)>,
    /// The object, at `spec.podSelector` (or `spec`, or `kind`).
    pub site: Site,
}

/// The direction of a rule or a connection's end.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Direction {
    Ingress,
    Egress,
}

impl Direction {
    /// The spec field of the rules: `ingress` or `egress`.
    pub fn field(self) -> &'static str {
        match self {
            Direction::Ingress => "ingress",
            Direction::Egress => "egress",
        }
    }

    /// The peer list of a rule: `from` or `to`.
    pub fn peers_field(self) -> &'static str {
        match self {
            Direction::Ingress => "from",
            Direction::Egress => "to",
        }
    }
}

/// One ingress or egress rule.
#[derive(Clone, Debug)]
pub struct Rule {
    /// Index in the policy's `ingress` or `egress` list.
    pub index: usize,
    /// The peers; `None` when `from`/`to` is absent or empty, which
    /// matches every source or destination.
    pub peers: Option<Vec<Peer>>,
    /// The ports; `None` when `ports` is absent or empty, which allows
    /// every port of every protocol.
    pub ports: Option<Vec<PortSpec>>,
    /// Where each entry of `ports` is, in the same order.
    pub port_positions: Vec<Pos>,
    pub pos: Pos,
}

/// Which namespaces a pod peer covers.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum NamespaceScope {
    /// No `namespaceSelector`: the policy's own namespace.
    Own,
    /// `namespaceSelector`; empty matches every namespace.
    Selector(Selector),
}

/// One entry of a rule's `from` or `to`.
#[derive(Clone, Debug)]
pub enum Peer {
    /// `podSelector` and/or `namespaceSelector` in one entry: pods that
    /// match both.
    Pods {
        namespaces: NamespaceScope,
        /// `podSelector`, or everything when absent.
        pods: Selector,
        pos: Pos,
    },
    /// `ipBlock`: addresses outside the cluster.
    IpBlock { set: IpSet, cidr: String, pos: Pos },
}

/// A problem found while building the model: an object the API server
/// would reject, which the model leaves out.
#[derive(Clone, Debug)]
pub struct Problem {
    pub site: Site,
    pub message: String,
}

/// The network view of the input.
#[derive(Debug, Default)]
pub struct Model {
    pub namespaces: Vec<Namespace>,
    pub classes: Vec<PodClass>,
    pub workloads: Vec<Workload>,
    pub policies: Vec<NetworkPolicy>,
    /// AdminNetworkPolicies, by priority (lowest number first).
    pub admin_policies: Vec<AdminPolicy>,
    /// BaselineAdminNetworkPolicies (there is at most one in a cluster).
    pub baseline_policies: Vec<AdminPolicy>,
    /// Services with a selector.
    pub services: Vec<Service>,
    pub problems: Vec<Problem>,
    /// Policies per namespace.
    pub(crate) policies_by_namespace: Vec<Vec<PolicyId>>,
    /// Classes per namespace.
    pub(crate) classes_by_namespace: Vec<Vec<ClassId>>,
    pub(crate) namespace_index: HashMap<String, NamespaceId>,
}

impl Model {
    /// Builds the model from the kept objects of a scan. Objects the API
    /// server would reject are left out and listed in
    /// [`Model::problems`].
    pub fn build(inventory: &Inventory) -> Model {
        crate::build::build(inventory)
    }

    pub fn namespace(&self, name: &str) -> Option<NamespaceId> {
        self.namespace_index.get(name).copied()
    }

    /// The policies of a namespace.
    pub fn policies_in(&self, namespace: NamespaceId) -> &[PolicyId] {
        self.policies_by_namespace
            .get(namespace)
            .map_or(&[], Vec::as_slice)
    }

    /// The pod classes of a namespace.
    pub fn classes_in(&self, namespace: NamespaceId) -> &[ClassId] {
        self.classes_by_namespace
            .get(namespace)
            .map_or(&[], Vec::as_slice)
    }

    /// The namespaces that no Namespace object declares, by name.
    pub fn undeclared_namespaces(&self) -> Vec<&str> {
        self.namespaces
            .iter()
            .filter(|ns| ns.declared.is_none())
            .map(|ns| ns.name.as_str())
            .collect()
    }

    /// `Kind/namespace/name` of a workload, as `reach` accepts it.
    pub fn workload_name(&self, id: WorkloadId) -> String {
        let w = &self.workloads[id];
        format!(
            "{}/{}/{}",
            w.kind, self.namespaces[w.namespace].name, w.name
        )
    }

    /// One warning for each rule section that `policyTypes` leaves out
    /// ([`NetworkPolicy::ignored`]).
    pub fn ignored_sections(&self) -> Vec<Problem> {
        let mut out = Vec::new();
        for (id, policy) in self.policies.iter().enumerate() {
            for &(direction, pos) in &policy.ignored {
                let field = direction.field();
                let kept = if direction == Direction::Ingress {
                    "Egress"
                } else {
                    "Ingress"
                };
                let name = match direction {
                    Direction::Ingress => "Ingress",
                    Direction::Egress => "Egress",
                };
                out.push(Problem {
                    site: Site {
                        object: policy.site.object,
                        pos,
                        path: format!("spec.{field}"),
                    },
                    message: format!(
                        "spec.{field} of NetworkPolicy {} is ignored: policyTypes lists {kept} \
                         only, so the policy neither isolates {field} nor allows any of it; add \
                         {name} to policyTypes or remove spec.{field}",
                        self.policy_name(id)
                    ),
                });
            }
        }
        out
    }

    /// `namespace/name` of a policy.
    pub fn policy_name(&self, id: PolicyId) -> String {
        let p = &self.policies[id];
        format!("{}/{}", self.namespaces[p.namespace].name, p.name)
    }

    /// Whether a pod peer's namespace part covers `namespace` for a
    /// policy in `policy_namespace`.
    pub fn scope_matches(
        &self,
        scope: &NamespaceScope,
        policy_namespace: NamespaceId,
        namespace: NamespaceId,
    ) -> bool {
        match scope {
            NamespaceScope::Own => namespace == policy_namespace,
            NamespaceScope::Selector(selector) => {
                selector.matches(&self.namespaces[namespace].labels)
            }
        }
    }

    /// Whether a peer matches the pods of `class`. Pods on the host
    /// network match no pod peer: most network plugins cannot tell their
    /// traffic from the node's. They match an `ipBlock` only when it
    /// holds every address of a family, since node addresses are not in
    /// the input.
    pub fn peer_matches_class(
        &self,
        peer: &Peer,
        policy_namespace: NamespaceId,
        class: ClassId,
    ) -> bool {
        let class = &self.classes[class];
        match peer {
            Peer::Pods {
                namespaces, pods, ..
            } => {
                !class.host_network
                    && self.scope_matches(namespaces, policy_namespace, class.namespace)
                    && pods.matches(&class.labels)
            }
            Peer::IpBlock { set, .. } => class.host_network && set.covers_a_whole_family(),
        }
    }
}
