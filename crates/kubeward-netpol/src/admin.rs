//! AdminNetworkPolicy and BaselineAdminNetworkPolicy
//! (`policy.networking.k8s.io/v1alpha1`), the cluster-wide tiers around
//! NetworkPolicy.
//!
//! Traffic is decided tier by tier, port by port:
//!
//! 1. AdminNetworkPolicies, lowest `priority` first, each rule in order:
//!    the first rule whose peers and ports match decides. `Allow` and
//!    `Deny` are final; `Pass` skips the remaining admin tier.
//! 2. NetworkPolicies: when any selects the pod for that direction, they
//!    decide what they allow and deny the rest.
//! 3. The BaselineAdminNetworkPolicy, rules in order, `Allow` or `Deny`.
//! 4. Whatever is left is allowed.

use kubeward_core::StoredObject;
use kubeward_core::yaml::NodeRef;

use crate::build::{namespace_of, site};
use crate::ip::IpSet;
use crate::model::{Direction, Model, Problem, Site};
use crate::policy::{Invalid, invalid, parse_cidr, port_number, protocol, selector_error};
use crate::ports::{PortSpec, PortValue, Protocol};
use crate::selector::Selector;

/// What an admin rule does with the traffic it matches.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AdminAction {
    Allow,
    Deny,
    /// Leave the decision to NetworkPolicies and the baseline.
    Pass,
}

/// The pods an admin policy applies to, or a pod peer of a rule.
#[derive(Clone, Debug)]
pub enum AdminPods {
    /// `namespaces`: every pod of the matching namespaces.
    Namespaces(Selector),
    /// `pods`: pods matching `podSelector` in namespaces matching
    /// `namespaceSelector`.
    Pods {
        namespaces: Selector,
        pods: Selector,
    },
}

/// One entry of an admin rule's `from` or `to`.
#[derive(Clone, Debug)]
pub enum AdminPeer {
    Pods(AdminPods),
    /// `networks`: CIDR blocks outside the cluster (egress only).
    Networks(IpSet),
    /// `nodes`: the cluster's nodes, which kubeward does not model, so
    /// the peer matches nothing.
    Nodes,
}

/// One ingress or egress rule of an admin policy.
#[derive(Clone, Debug)]
pub struct AdminRule {
    pub index: usize,
    pub name: String,
    pub action: AdminAction,
    pub peers: Vec<AdminPeer>,
    /// `None` when `ports` is absent: every port of every protocol.
    pub ports: Option<Vec<PortSpec>>,
}

/// An AdminNetworkPolicy or the BaselineAdminNetworkPolicy.
#[derive(Clone, Debug)]
pub struct AdminPolicy {
    pub name: String,
    /// Whether this is the BaselineAdminNetworkPolicy.
    pub baseline: bool,
    /// Lower numbers win; the baseline has none and uses 0.
    pub priority: i64,
    pub subject: AdminPods,
    pub ingress: Vec<AdminRule>,
    pub egress: Vec<AdminRule>,
    pub site: Site,
}

impl AdminPolicy {
    pub fn kind(&self) -> &'static str {
        if self.baseline {
            "BaselineAdminNetworkPolicy"
        } else {
            "AdminNetworkPolicy"
        }
    }

    pub fn rules(&self, direction: Direction) -> &[AdminRule] {
        match direction {
            Direction::Ingress => &self.ingress,
            Direction::Egress => &self.egress,
        }
    }
}

pub(crate) fn read(model: &mut Model, index: usize, object: &StoredObject, baseline: bool) {
    // Admin policies are cluster-scoped; referencing the namespace keeps
    // the namespace list complete for objects written with one.
    if object.namespace().is_some() {
        namespace_of(model, object);
    }
    match parse(object, index, baseline) {
        Ok(policy) if baseline => model.baseline_policies.push(policy),
        Ok(policy) => model.admin_policies.push(policy),
        Err(why) => model.problems.push(Problem {
            site: site(index, why.pos, why.path),
            message: format!(
                "{} {} is invalid, so the API server rejects it: {}",
                object.kind(),
                object.name().unwrap_or("<unnamed>"),
                why.message
            ),
        }),
    }
}

fn parse(object: &StoredObject, index: usize, baseline: bool) -> Result<AdminPolicy, Invalid> {
    let root = object.root();
    let Some(spec) = root.entry("spec").filter(|e| e.value.is_map()) else {
        return Err(invalid(
            object.pos(),
            "spec",
            "spec is required and must be a mapping",
        ));
    };
    let priority = if baseline {
        0
    } else {
        let entry = spec.value.entry("priority");
        match entry.and_then(|e| e.value.as_i64()) {
            Some(p) if (0..=1000).contains(&p) => p,
            _ => {
                return Err(invalid(
                    entry.map_or(spec.key.pos(), |e| e.key.pos()),
                    "spec.priority",
                    "priority is required and must be an integer from 0 to 1000",
                ));
            }
        }
    };
    let Some(subject) = spec.value.entry("subject") else {
        return Err(invalid(
            spec.key.pos(),
            "spec.subject",
            "subject is required",
        ));
    };
    let subject_pods = pods_peer(subject.value, "spec.subject")?.ok_or_else(|| {
        invalid(
            subject.key.pos(),
            "spec.subject",
            "subject must have namespaces or pods",
        )
    })?;
    Ok(AdminPolicy {
        name: object.name().unwrap_or("<unnamed>").to_owned(),
        baseline,
        priority,
        subject: subject_pods,
        ingress: rules(spec.value, Direction::Ingress, baseline)?,
        egress: rules(spec.value, Direction::Egress, baseline)?,
        site: site(index, subject.key.pos(), "spec.subject"),
    })
}

fn rules(
    spec: NodeRef<'_, '_>,
    direction: Direction,
    baseline: bool,
) -> Result<Vec<AdminRule>, Invalid> {
    let field = direction.field();
    let mut out = Vec::new();
    for (index, node) in spec
        .get(field)
        .into_iter()
        .flat_map(|r| r.items())
        .enumerate()
    {
        let base = format!("spec.{field}[{index}]");
        if !node.is_map() {
            return Err(invalid(node.pos(), base, "a rule must be a mapping"));
        }
        let action = match node.get_str("action") {
            Some("Allow") => AdminAction::Allow,
            Some("Deny") => AdminAction::Deny,
            Some("Pass") if !baseline => AdminAction::Pass,
            other => {
                return Err(invalid(
                    node.pos(),
                    format!("{base}.action"),
                    format!(
                        "action `{}` is not valid: expected {}",
                        other.unwrap_or(""),
                        if baseline {
                            "Allow or Deny"
                        } else {
                            "Allow, Deny or Pass"
                        }
                    ),
                ));
            }
        };
        let peers_field = direction.peers_field();
        let mut peers = Vec::new();
        for (i, peer) in node
            .get(peers_field)
            .into_iter()
            .flat_map(|p| p.items())
            .enumerate()
        {
            peers.push(admin_peer(peer, &format!("{base}.{peers_field}[{i}]"))?);
        }
        if peers.is_empty() {
            return Err(invalid(
                node.pos(),
                format!("{base}.{peers_field}"),
                format!("{peers_field} must list at least one peer"),
            ));
        }
        out.push(AdminRule {
            index,
            name: node.get_str("name").unwrap_or("").to_owned(),
            action,
            peers,
            ports: admin_ports(node, &base)?,
        });
    }
    Ok(out)
}

/// Reads `namespaces` or `pods` of a subject or peer; `None` when the
/// node has neither.
fn pods_peer(node: NodeRef<'_, '_>, base: &str) -> Result<Option<AdminPods>, Invalid> {
    if let Some(entry) = node.entry("namespaces") {
        let selector = Selector::parse(entry.value)
            .map_err(|e| selector_error(&format!("{base}.namespaces"), e))?;
        return Ok(Some(AdminPods::Namespaces(selector)));
    }
    if let Some(entry) = node.entry("pods") {
        // Both selectors are plain structs in the v1alpha1 types, so an
        // absent one decodes as empty and selects everything.
        let namespaces = match entry.value.get("namespaceSelector") {
            Some(n) => Selector::parse(n)
                .map_err(|e| selector_error(&format!("{base}.pods.namespaceSelector"), e))?,
            None => Selector::everything(),
        };
        let pods = match entry.value.get("podSelector") {
            Some(p) => Selector::parse(p)
                .map_err(|e| selector_error(&format!("{base}.pods.podSelector"), e))?,
            None => Selector::everything(),
        };
        return Ok(Some(AdminPods::Pods { namespaces, pods }));
    }
    Ok(None)
}

fn admin_peer(node: NodeRef<'_, '_>, base: &str) -> Result<AdminPeer, Invalid> {
    if let Some(pods) = pods_peer(node, base)? {
        return Ok(AdminPeer::Pods(pods));
    }
    if let Some(entry) = node.entry("networks") {
        let mut set = IpSet::default();
        for (i, item) in entry.value.items().enumerate() {
            let text = item.scalar_text().unwrap_or_default().into_owned();
            let net = parse_cidr(&text)
                .map_err(|m| invalid(item.pos(), format!("{base}.networks[{i}]"), m))?;
            set = set.union(&IpSet::block(&net, &[]));
        }
        return Ok(AdminPeer::Networks(set));
    }
    if node.entry("nodes").is_some() {
        return Ok(AdminPeer::Nodes);
    }
    Err(invalid(
        node.pos(),
        base,
        "a peer must have namespaces, pods, nodes or networks",
    ))
}

fn admin_ports(rule: NodeRef<'_, '_>, base: &str) -> Result<Option<Vec<PortSpec>>, Invalid> {
    let Some(list) = rule.get("ports") else {
        return Ok(None);
    };
    let mut out = Vec::new();
    for (i, node) in list.items().enumerate() {
        let path = format!("{base}.ports[{i}]");
        if let Some(number) = node.get("portNumber") {
            out.push(PortSpec {
                protocol: protocol(number, &format!("{path}.portNumber"))?,
                port: PortValue::Number {
                    port: port_number(
                        number.get("port").unwrap_or(number),
                        &format!("{path}.portNumber.port"),
                    )?,
                    end_port: None,
                },
            });
        } else if let Some(range) = node.get("portRange") {
            let start = port_number(
                range.get("start").unwrap_or(range),
                &format!("{path}.portRange.start"),
            )?;
            let end = port_number(
                range.get("end").unwrap_or(range),
                &format!("{path}.portRange.end"),
            )?;
            if end < start {
                return Err(invalid(
                    range.pos(),
                    format!("{path}.portRange.end"),
                    format!("end {end} must be greater than or equal to start {start}"),
                ));
            }
            out.push(PortSpec {
                protocol: protocol(range, &format!("{path}.portRange"))?,
                port: PortValue::Number {
                    port: start,
                    end_port: Some(end),
                },
            });
        } else if let Some(name) = node.get_str("namedPort") {
            // A named port matches a container port of that name whatever
            // its protocol.
            for protocol in Protocol::ALL {
                out.push(PortSpec {
                    protocol,
                    port: PortValue::Named(name.to_owned()),
                });
            }
        } else {
            return Err(invalid(
                node.pos(),
                path,
                "a port must have portNumber, portRange or namedPort",
            ));
        }
    }
    Ok(Some(out))
}

impl Model {
    /// Whether admin pods (a subject or a pod peer) cover `class`. Pods on
    /// the host network are never covered.
    pub fn admin_pods_match(&self, pods: &AdminPods, class: usize) -> bool {
        let class = &self.classes[class];
        if class.host_network {
            return false;
        }
        let namespace = &self.namespaces[class.namespace].labels;
        match pods {
            AdminPods::Namespaces(selector) => selector.matches(namespace),
            AdminPods::Pods { namespaces, pods } => {
                namespaces.matches(namespace) && pods.matches(&class.labels)
            }
        }
    }
}
