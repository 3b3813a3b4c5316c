//! The policy evaluation: which connections are allowed between pod
//! classes and external addresses, and which policies decide.
//!
//! A connection from a pod to a pod needs both the source's egress and
//! the destination's ingress to allow it. Each side is decided tier by
//! tier (see [`crate::admin`]); with only NetworkPolicies that is: a pod
//! that no policy of that direction selects is not isolated and allows
//! everything, and an isolated pod allows the union of what the rules of
//! the policies selecting it allow. Pods on the host network are never
//! isolated and match no pod selector of a peer.

use std::borrow::Cow;
use std::collections::HashMap;
use std::sync::Arc;

use crate::admin::{AdminAction, AdminPeer, AdminPolicy, AdminRule};
use crate::model::{ClassId, Direction, Model, NamespaceId, NamespaceScope, Peer, PolicyId};
use crate::ports::{ContainerPort, PortSet, resolve_all};
use crate::selector::Selector;

/// One end of a connection: a pod class, or one external address (in
/// the ordered address space of [`crate::ip`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Endpoint {
    Class(ClassId),
    /// An address outside the cluster.
    External(u128),
}

/// The model with its selections resolved: which policies select each
/// class, and which classes each peer matches.
#[derive(Debug)]
pub struct Analysis<'m> {
    pub model: &'m Model,
    selections: Cow<'m, Selections>,
}

/// The selectors of a model resolved against its pod classes.
#[derive(Clone, Debug)]
pub struct Selections {
    /// NetworkPolicies with the Ingress type that select each class.
    ingress_policies: Vec<Vec<PolicyId>>,
    /// NetworkPolicies with the Egress type that select each class.
    egress_policies: Vec<Vec<PolicyId>>,
    /// Admin policies (by index in `Model::admin_policies`) whose subject
    /// covers each class.
    admin_subjects: Vec<Vec<usize>>,
    /// The same for `Model::baseline_policies`.
    baseline_subjects: Vec<Vec<usize>>,
    /// For every policy, direction, rule and peer: the classes the peer
    /// matches, sorted. Peers with the same selectors share one list.
    peer_classes: Vec<PolicyPeers>,
}

/// The classes one peer matches, sorted.
type PeerClasses = Arc<[ClassId]>;

/// For one policy, per direction, rule and peer: the classes the peer
/// matches.
type PolicyPeers = [Vec<Vec<PeerClasses>>; 2];

/// A pod peer's identity: the policy's namespace for a peer without
/// `namespaceSelector`, its namespace selector, and its pod selector.
type PeerKey<'a> = (Option<NamespaceId>, Option<&'a Selector>, &'a Selector);

/// One rule that decided part of a connection, for explanations.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Decision {
    /// `NetworkPolicy`, `AdminNetworkPolicy` or `BaselineAdminNetworkPolicy`.
    pub kind: &'static str,
    /// `namespace/name` of a NetworkPolicy, or the name of an admin policy.
    pub policy: String,
    /// Field path of the rule and peer, such as `spec.ingress[1].from[0]`.
    pub rule: String,
    pub action: AdminAction,
    /// The connections this rule decided.
    pub ports: PortSet,
    /// Index in the inventory of the policy object, and its site.
    pub object: usize,
}

/// How one side (the source's egress or the destination's ingress) of a
/// connection was decided.
#[derive(Clone, Debug, Default)]
pub struct SideTrace {
    pub allowed: PortSet,
    /// The NetworkPolicies that isolate the pod in this direction; empty
    /// when none does.
    pub isolating: Vec<PolicyId>,
    /// Whether the pod is on the host network, which no policy isolates.
    pub host_network: bool,
    /// The rules that allowed, denied or passed part of the traffic, in
    /// the order they were evaluated.
    pub decisions: Vec<Decision>,
    /// What no rule decided and was allowed by default: traffic to or
    /// from a pod that no NetworkPolicy isolates.
    pub default_allowed: PortSet,
}

const DIRECTIONS: [Direction; 2] = [Direction::Ingress, Direction::Egress];

fn slot(direction: Direction) -> usize {
    match direction {
        Direction::Ingress => 0,
        Direction::Egress => 1,
    }
}

impl Selections {
    /// Resolves every selector of `model` once.
    pub fn new<'a>(model: &'a Model) -> Self {
        let classes = model.classes.len();
        let mut ingress_policies = vec![Vec::new(); classes];
        let mut egress_policies = vec![Vec::new(); classes];
        for (id, policy) in model.policies.iter().enumerate() {
            for &class in model.classes_in(policy.namespace) {
                let c = &model.classes[class];
                if c.host_network || !policy.pod_selector.matches(&c.labels) {
                    continue;
                }
                if policy.types.ingress {
                    ingress_policies[class].push(id);
                }
                if policy.types.egress {
                    egress_policies[class].push(id);
                }
            }
        }

        let subjects = |policies: &[AdminPolicy]| -> Vec<Vec<usize>> {
            (0..classes)
                .map(|class| {
                    policies
                        .iter()
                        .enumerate()
                        .filter(|(_, p)| model.admin_pods_match(&p.subject, class))
                        .map(|(i, _)| i)
                        .collect()
                })
                .collect()
        };
        let admin_subjects = subjects(&model.admin_policies);
        let baseline_subjects = subjects(&model.baseline_policies);

        // Policies in many namespaces often repeat a peer, such as "the
        // monitoring namespace": each distinct peer is resolved once.
        let mut resolved: HashMap<PeerKey<'a>, PeerClasses> = HashMap::new();
        let mut resolve = |peer: &'a Peer, policy_namespace: NamespaceId| -> PeerClasses {
            let Peer::Pods {
                namespaces, pods, ..
            } = peer
            else {
                return Arc::from([]);
            };
            let key = match namespaces {
                NamespaceScope::Own => (Some(policy_namespace), None, pods),
                NamespaceScope::Selector(selector) => (None, Some(selector), pods),
            };
            resolved
                .entry(key)
                .or_insert_with(|| Arc::from(matched_classes(model, peer, policy_namespace)))
                .clone()
        };
        let peer_classes = model
            .policies
            .iter()
            .map(|policy| {
                DIRECTIONS.map(|direction| {
                    let rules = match direction {
                        Direction::Ingress => &policy.ingress,
                        Direction::Egress => &policy.egress,
                    };
                    rules
                        .iter()
                        .map(|rule| {
                            rule.peers
                                .iter()
                                .flatten()
                                .map(|peer| resolve(peer, policy.namespace))
                                .collect()
                        })
                        .collect()
                })
            })
            .collect();
        Selections {
            ingress_policies,
            egress_policies,
            admin_subjects,
            baseline_subjects,
            peer_classes,
        }
    }
}

impl<'m> Analysis<'m> {
    /// Resolves every selector of the model once.
    pub fn new(model: &'m Model) -> Self {
        Analysis {
            model,
            selections: Cow::Owned(Selections::new(model)),
        }
    }

    /// Builds the analysis of `model` from selections that
    /// [`Selections::new`] resolved for the same model.
    pub fn with(model: &'m Model, selections: &'m Selections) -> Self {
        Analysis {
            model,
            selections: Cow::Borrowed(selections),
        }
    }

    /// The NetworkPolicies that select `class` for `direction`.
    pub fn selecting(&self, class: ClassId, direction: Direction) -> &[PolicyId] {
        match direction {
            Direction::Ingress => &self.selections.ingress_policies[class],
            Direction::Egress => &self.selections.egress_policies[class],
        }
    }

    /// Whether NetworkPolicies isolate `class` in `direction`.
    pub fn is_isolated(&self, class: ClassId, direction: Direction) -> bool {
        !self.selecting(class, direction).is_empty()
    }

    /// The admin policies whose subject covers `class`.
    pub fn admin_policies_of(&self, class: ClassId) -> &[usize] {
        &self.selections.admin_subjects[class]
    }

    /// The baseline policies whose subject covers `class`.
    pub fn baseline_policies_of(&self, class: ClassId) -> &[usize] {
        &self.selections.baseline_subjects[class]
    }

    /// Whether any policy of any tier applies to `class`.
    pub fn is_selected(&self, class: ClassId) -> bool {
        self.is_isolated(class, Direction::Ingress)
            || self.is_isolated(class, Direction::Egress)
            || !self.selections.admin_subjects[class].is_empty()
            || !self.selections.baseline_subjects[class].is_empty()
    }

    /// The classes a peer of a NetworkPolicy rule matches, sorted.
    pub fn peer_classes(
        &self,
        policy: PolicyId,
        direction: Direction,
        rule: usize,
        peer: usize,
    ) -> &[ClassId] {
        &self.selections.peer_classes[policy][slot(direction)][rule][peer]
    }

    /// The connections allowed from `src` to `dst`. Two external
    /// addresses are never connected through the cluster.
    pub fn allowed(&self, src: Endpoint, dst: Endpoint) -> PortSet {
        match (src, dst) {
            (Endpoint::Class(s), Endpoint::Class(d)) => {
                let egress = self.side(Direction::Egress, s, dst, None);
                if egress.is_empty() {
                    return egress;
                }
                egress.intersection(&self.side(Direction::Ingress, d, src, None))
            }
            (Endpoint::External(_), Endpoint::Class(d)) => {
                self.side(Direction::Ingress, d, src, None)
            }
            (Endpoint::Class(s), Endpoint::External(_)) => {
                self.side(Direction::Egress, s, dst, None)
            }
            (Endpoint::External(_), Endpoint::External(_)) => PortSet::none(),
        }
    }

    /// Decides one side and records how.
    pub fn trace(&self, direction: Direction, subject: ClassId, peer: Endpoint) -> SideTrace {
        let mut trace = SideTrace::default();
        trace.allowed = self.side(direction, subject, peer, Some(&mut trace));
        trace
    }

    /// What `subject` allows in `direction` with `peer`: its ingress from
    /// the peer, or its egress to it.
    pub(crate) fn side(
        &self,
        direction: Direction,
        subject: ClassId,
        peer: Endpoint,
        mut trace: Option<&mut SideTrace>,
    ) -> PortSet {
        let class = &self.model.classes[subject];
        if class.host_network {
            if let Some(trace) = trace {
                trace.host_network = true;
                trace.default_allowed = PortSet::all();
            }
            return PortSet::all();
        }
        let dst_ports: &[ContainerPort] = match (direction, peer) {
            (Direction::Ingress, _) => &class.ports,
            (Direction::Egress, Endpoint::Class(d)) => &self.model.classes[d].ports,
            (Direction::Egress, Endpoint::External(_)) => &[],
        };
        let admin = &self.selections.admin_subjects[subject];
        let baseline = &self.selections.baseline_subjects[subject];
        if admin.is_empty() && baseline.is_empty() && trace.is_none() {
            return self
                .network_policies(direction, subject, peer, dst_ports, None)
                .unwrap_or_else(PortSet::all);
        }
        let mut allowed = PortSet::none();
        let mut undecided = PortSet::all();
        let mut passed = PortSet::none();
        for &index in admin {
            let policy = &self.model.admin_policies[index];
            for rule in policy.rules(direction) {
                if undecided.is_empty() || !self.admin_rule_matches(rule, peer) {
                    continue;
                }
                let ports = resolve_all(rule.ports.as_deref(), dst_ports).intersection(&undecided);
                if ports.is_empty() {
                    continue;
                }
                undecided = undecided.difference(&ports);
                match rule.action {
                    AdminAction::Allow => allowed.add(&ports),
                    AdminAction::Pass => passed.add(&ports),
                    AdminAction::Deny => {}
                }
                if let Some(trace) = trace.as_deref_mut() {
                    trace
                        .decisions
                        .push(admin_decision(policy, direction, rule, ports));
                }
            }
        }
        let mut rest = undecided.union(&passed);
        if rest.is_empty() {
            return allowed;
        }
        let np = self.network_policies(direction, subject, peer, dst_ports, trace.as_deref_mut());
        if let Some(np_allowed) = np {
            allowed.add(&rest.intersection(&np_allowed));
            return allowed;
        }
        for &index in baseline {
            let policy = &self.model.baseline_policies[index];
            for rule in policy.rules(direction) {
                if rest.is_empty() || !self.admin_rule_matches(rule, peer) {
                    continue;
                }
                let ports = resolve_all(rule.ports.as_deref(), dst_ports).intersection(&rest);
                if ports.is_empty() {
                    continue;
                }
                rest = rest.difference(&ports);
                if rule.action == AdminAction::Allow {
                    allowed.add(&ports);
                }
                if let Some(trace) = trace.as_deref_mut() {
                    trace
                        .decisions
                        .push(admin_decision(policy, direction, rule, ports));
                }
            }
        }
        if let Some(trace) = trace {
            trace.default_allowed = rest.clone();
        }
        allowed.add(&rest);
        allowed
    }

    /// The NetworkPolicy tier: `None` when no policy isolates `subject`
    /// in `direction`, else what their rules allow.
    fn network_policies(
        &self,
        direction: Direction,
        subject: ClassId,
        peer: Endpoint,
        dst_ports: &[ContainerPort],
        mut trace: Option<&mut SideTrace>,
    ) -> Option<PortSet> {
        let policies = self.selecting(subject, direction);
        if policies.is_empty() {
            if let Some(trace) = trace {
                trace.default_allowed = PortSet::all();
            }
            return None;
        }
        if let Some(trace) = trace.as_deref_mut() {
            trace.isolating = policies.to_vec();
        }
        let mut allowed = PortSet::none();
        for &id in policies {
            let policy = &self.model.policies[id];
            let rules = match direction {
                Direction::Ingress => &policy.ingress,
                Direction::Egress => &policy.egress,
            };
            for rule in rules {
                let Some(peer_index) = self.np_rule_matches(id, direction, rule, peer) else {
                    continue;
                };
                let ports = resolve_all(rule.ports.as_deref(), dst_ports);
                if ports.is_empty() {
                    continue;
                }
                if let Some(trace) = trace.as_deref_mut() {
                    let mut path = format!("spec.{}[{}]", direction.field(), rule.index);
                    if let Some(peer_index) = peer_index {
                        path = format!("{path}.{}[{peer_index}]", direction.peers_field());
                    }
                    trace.decisions.push(Decision {
                        kind: "NetworkPolicy",
                        policy: self.model.policy_name(id),
                        rule: path,
                        action: AdminAction::Allow,
                        ports: ports.clone(),
                        object: policy.site.object,
                    });
                }
                allowed.add(&ports);
            }
        }
        Some(allowed)
    }

    /// Whether a NetworkPolicy rule's peers match `peer`: `Some(None)`
    /// for a rule without peers, `Some(Some(i))` for its first matching
    /// peer, `None` when none matches. The two levels of `Option` keep
    /// "matched without a peer" apart from "did not match".
    #[allow(clippy::option_option)]
    fn np_rule_matches(
        &self,
        policy: PolicyId,
        direction: Direction,
        rule: &crate::model::Rule,
        peer: Endpoint,
    ) -> Option<Option<usize>> {
        let Some(peers) = &rule.peers else {
            return Some(None);
        };
        for (i, p) in peers.iter().enumerate() {
            let matched = match (p, peer) {
                (Peer::Pods { .. }, Endpoint::Class(class)) => self
                    .peer_classes(policy, direction, rule.index, i)
                    .binary_search(&class)
                    .is_ok(),
                (Peer::IpBlock { set, .. }, Endpoint::External(address)) => {
                    set.ranges().iter().any(|r| {
                        let (start, end) = crate::ip::IpSet::range_bounds(*r);
                        start <= address && address <= end
                    })
                }
                // Traffic of a pod on the host network carries its node's
                // address, which the input does not hold: only a block
                // with every address of a family is sure to contain it.
                (Peer::IpBlock { set, .. }, Endpoint::Class(class)) => {
                    self.model.classes[class].host_network && set.covers_a_whole_family()
                }
                (Peer::Pods { .. }, Endpoint::External(_)) => false,
            };
            if matched {
                return Some(Some(i));
            }
        }
        None
    }

    fn admin_rule_matches(&self, rule: &AdminRule, peer: Endpoint) -> bool {
        rule.peers.iter().any(|p| match (p, peer) {
            (AdminPeer::Pods(pods), Endpoint::Class(class)) => {
                self.model.admin_pods_match(pods, class)
            }
            (AdminPeer::Networks(set), Endpoint::External(address)) => {
                set.ranges().iter().any(|r| {
                    let (start, end) = crate::ip::IpSet::range_bounds(*r);
                    start <= address && address <= end
                })
            }
            _ => false,
        })
    }

    /// The classes that `subject` may exchange some traffic with in
    /// `direction` (the sources it admits, or the destinations it may
    /// reach), sorted: `None` when some rule or tier could allow any
    /// class, else the classes its rules' peers match.
    pub(crate) fn candidates(
        &self,
        direction: Direction,
        subject: ClassId,
    ) -> Option<Vec<ClassId>> {
        let class = &self.model.classes[subject];
        let policies = self.selecting(subject, direction);
        if class.host_network
            || policies.is_empty()
            || !self.selections.admin_subjects[subject].is_empty()
            || !self.selections.baseline_subjects[subject].is_empty()
        {
            return None;
        }
        let mut out = Vec::new();
        for &id in policies {
            let policy = &self.model.policies[id];
            let rules = match direction {
                Direction::Ingress => &policy.ingress,
                Direction::Egress => &policy.egress,
            };
            for rule in rules {
                let Some(peers) = &rule.peers else {
                    return None;
                };
                for (i, peer) in peers.iter().enumerate() {
                    out.extend_from_slice(self.peer_classes(id, direction, rule.index, i));
                    if matches!(peer, Peer::IpBlock { set, .. } if set.covers_a_whole_family()) {
                        out.extend(
                            (0..self.model.classes.len())
                                .filter(|&c| self.model.classes[c].host_network),
                        );
                    }
                }
            }
        }
        out.sort_unstable();
        out.dedup();
        Some(out)
    }

    /// Every IP set that can change what `subject` allows with external
    /// addresses in `direction`: its policies' `ipBlock`s and `networks`.
    pub(crate) fn external_sets(
        &self,
        direction: Direction,
        subject: ClassId,
    ) -> Vec<&crate::ip::IpSet> {
        let mut out = Vec::new();
        for &id in self.selecting(subject, direction) {
            let policy = &self.model.policies[id];
            let rules = match direction {
                Direction::Ingress => &policy.ingress,
                Direction::Egress => &policy.egress,
            };
            for peer in rules.iter().flat_map(|r| r.peers.iter().flatten()) {
                if let Peer::IpBlock { set, .. } = peer {
                    out.push(set);
                }
            }
        }
        let admin = self.selections.admin_subjects[subject]
            .iter()
            .map(|&i| &self.model.admin_policies[i])
            .chain(
                self.selections.baseline_subjects[subject]
                    .iter()
                    .map(|&i| &self.model.baseline_policies[i]),
            );
        for policy in admin {
            for rule in policy.rules(direction) {
                for peer in &rule.peers {
                    if let AdminPeer::Networks(set) = peer {
                        out.push(set);
                    }
                }
            }
        }
        out
    }
}

fn admin_decision(
    policy: &AdminPolicy,
    direction: Direction,
    rule: &AdminRule,
    ports: PortSet,
) -> Decision {
    let mut path = format!("spec.{}[{}]", direction.field(), rule.index);
    if !rule.name.is_empty() {
        path = format!("{path} ({})", rule.name);
    }
    Decision {
        kind: policy.kind(),
        policy: policy.name.clone(),
        rule: path,
        action: rule.action,
        ports,
        object: policy.site.object,
    }
}

/// The classes a NetworkPolicy peer matches, sorted.
fn matched_classes(model: &Model, peer: &Peer, policy_namespace: usize) -> Vec<ClassId> {
    let Peer::Pods {
        namespaces, pods, ..
    } = peer
    else {
        return Vec::new();
    };
    let candidates: Vec<usize> = match namespaces {
        crate::model::NamespaceScope::Own => vec![policy_namespace],
        crate::model::NamespaceScope::Selector(_) => (0..model.namespaces.len())
            .filter(|&ns| model.scope_matches(namespaces, policy_namespace, ns))
            .collect(),
    };
    let mut out = Vec::new();
    for namespace in candidates {
        for &class in model.classes_in(namespace) {
            let c = &model.classes[class];
            if !c.host_network && pods.matches(&c.labels) {
                out.push(class);
            }
        }
    }
    out.sort_unstable();
    out
}

/// A model with its selections resolved, built once per inventory and
/// shared by the `network` rules.
#[derive(Debug)]
pub struct Network {
    pub model: Model,
    selections: Selections,
}

impl Network {
    /// Builds the model of `inventory` and resolves its selectors.
    pub fn build(inventory: &kubeward_core::Inventory) -> Self {
        let model = Model::build(inventory);
        let selections = Selections::new(&model);
        Network { model, selections }
    }

    /// The network of `inventory`, built on first use and shared by
    /// every later call with the same inventory.
    pub fn of(inventory: &kubeward_core::Inventory) -> std::sync::Arc<Network> {
        inventory.derived(Network::build)
    }

    pub fn analysis(&self) -> Analysis<'_> {
        Analysis::with(&self.model, &self.selections)
    }
}
