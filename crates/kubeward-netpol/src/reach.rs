//! Reachability queries: can these workloads reach those, on which ports,
//! and which policies and rules decide.

use std::fmt::Write;
use std::net::IpAddr;

use crate::admin::AdminAction;
use crate::analysis::{Analysis, Endpoint, SideTrace};
use crate::connlist::End;
use crate::ip::IpSet;
use crate::model::{Direction, Model, WorkloadId};
use crate::ports::{PortRanges, PortSet, Protocol};
use crate::selector::Selector;

/// What a `--from` or `--to` argument selects.
#[derive(Clone, Debug)]
pub enum Target {
    /// Workloads by kind (optional), namespace (optional) and name.
    Name {
        kind: Option<String>,
        namespace: Option<String>,
        name: String,
    },
    /// Workloads whose pod labels match, in one namespace or all.
    Labels {
        selector: Selector,
        namespace: Option<String>,
    },
    /// One address outside the cluster.
    External(IpAddr),
}

impl Target {
    /// Parses `Kind/namespace/name`, `namespace/name`, a label selector
    /// such as `app=web` (in `namespace`, else in every namespace), an IP
    /// address, or a bare workload name in `namespace`.
    pub fn parse(text: &str, namespace: Option<&str>) -> Result<Target, String> {
        let text = text.trim();
        if let Ok(address) = text.parse::<IpAddr>() {
            return Ok(Target::External(address));
        }
        if let Ok(net) = text.parse::<ipnet::IpNet>() {
            return Err(format!(
                "`{text}` is a CIDR block; an external end is one IP address, such as {}",
                net.network()
            ));
        }
        if text.contains(['=', '!', '(']) || text.contains(" in ") {
            let selector = Selector::parse_query(text)?;
            return Ok(Target::Labels {
                selector,
                namespace: namespace.map(str::to_owned),
            });
        }
        let parts: Vec<&str> = text.split('/').collect();
        match parts.as_slice() {
            [kind, ns, name] if !kind.is_empty() && !ns.is_empty() && !name.is_empty() => {
                Ok(Target::Name {
                    kind: Some((*kind).to_owned()),
                    namespace: Some((*ns).to_owned()),
                    name: (*name).to_owned(),
                })
            }
            [ns, name] if !ns.is_empty() && !name.is_empty() => Ok(Target::Name {
                kind: None,
                namespace: Some((*ns).to_owned()),
                name: (*name).to_owned(),
            }),
            [name] if !name.is_empty() => Ok(Target::Name {
                kind: None,
                namespace: namespace.map(str::to_owned),
                name: (*name).to_owned(),
            }),
            _ => Err(format!(
                "`{text}` is not a valid target: expected Kind/namespace/name, namespace/name, \
                 a label selector such as app=web, or an IP address"
            )),
        }
    }

    /// The ends this target selects.
    pub fn resolve(&self, model: &Model) -> Vec<End> {
        match self {
            Target::External(address) => {
                let net = ipnet::IpNet::from(*address);
                vec![End::External(IpSet::block(&net, &[]))]
            }
            Target::Name {
                kind,
                namespace,
                name,
            } => (0..model.workloads.len())
                .filter(|&w| {
                    let workload = &model.workloads[w];
                    let ns = &model.namespaces[workload.namespace].name;
                    kind.as_ref()
                        .is_none_or(|k| k.eq_ignore_ascii_case(&workload.kind))
                        && namespace.as_ref().is_none_or(|n| n == ns)
                        && (workload.name == *name || workload.pods.iter().any(|p| p == name))
                })
                .map(End::Workload)
                .collect(),
            Target::Labels {
                selector,
                namespace,
            } => (0..model.workloads.len())
                .filter(|&w| {
                    let workload = &model.workloads[w];
                    let class = &model.classes[workload.class];
                    namespace
                        .as_ref()
                        .is_none_or(|n| *n == model.namespaces[workload.namespace].name)
                        && selector.matches(&class.labels)
                })
                .map(End::Workload)
                .collect(),
        }
    }
}

/// A port to ask about: `8080`, `udp/53` or `53/udp`.
pub fn parse_port(text: &str) -> Result<(Protocol, u16), String> {
    let (protocol, number) = match text.split_once('/') {
        Some((a, b)) if a.parse::<u16>().is_ok() => (b, a),
        Some((a, b)) => (a, b),
        None => ("TCP", text),
    };
    let protocol = Protocol::parse(&protocol.to_ascii_uppercase())
        .ok_or_else(|| format!("`{text}`: protocol must be tcp, udp or sctp"))?;
    let number = number
        .parse::<u16>()
        .ok()
        .filter(|&n| n >= 1)
        .ok_or_else(|| format!("`{text}`: the port must be a number from 1 to 65535"))?;
    Ok((protocol, number))
}

/// The answer for one source and destination.
#[derive(Clone, Debug)]
pub struct PairAnswer {
    pub src: End,
    pub dst: End,
    /// The allowed connections, narrowed to the asked port when one was.
    pub allowed: PortSet,
    /// How the source's egress was decided; `None` for an external source.
    pub egress: Option<SideTrace>,
    /// How the destination's ingress was decided; `None` for an external
    /// destination.
    pub ingress: Option<SideTrace>,
}

/// Answers whether `sources` reach `destinations`, for every pair of
/// ends; a workload paired with itself asks whether its pods reach each
/// other.
pub fn reach(
    analysis: &Analysis<'_>,
    sources: &[End],
    destinations: &[End],
    port: Option<(Protocol, u16)>,
) -> Vec<PairAnswer> {
    let model = analysis.model;
    let mut out = Vec::new();
    for src in sources {
        for dst in destinations {
            if src == dst && matches!(src, End::External(_)) {
                continue;
            }
            let (Some(s), Some(d)) = (endpoint(model, src), endpoint(model, dst)) else {
                continue;
            };
            let egress = match (src, s) {
                (End::Workload(_), Endpoint::Class(class)) => {
                    Some(analysis.trace(Direction::Egress, class, d))
                }
                _ => None,
            };
            let ingress = match (dst, d) {
                (End::Workload(_), Endpoint::Class(class)) => {
                    Some(analysis.trace(Direction::Ingress, class, s))
                }
                _ => None,
            };
            if egress.is_none() && ingress.is_none() {
                continue;
            }
            let mut allowed = match (&egress, &ingress) {
                (Some(e), Some(i)) => e.allowed.intersection(&i.allowed),
                (Some(side), None) | (None, Some(side)) => side.allowed.clone(),
                (None, None) => PortSet::none(),
            };
            if let Some((protocol, number)) = port {
                allowed = allowed.intersection(&PortSet::of(protocol, PortRanges::single(number)));
            }
            out.push(PairAnswer {
                src: src.clone(),
                dst: dst.clone(),
                allowed,
                egress,
                ingress,
            });
        }
    }
    out
}

fn endpoint(model: &Model, end: &End) -> Option<Endpoint> {
    match end {
        End::Workload(w) => Some(Endpoint::Class(model.workloads[*w].class)),
        End::External(set) => {
            let first = set.ranges().first()?;
            Some(Endpoint::External(IpSet::range_bounds(*first).0))
        }
    }
}

/// Renders answers as text: one paragraph per pair with the verdict and
/// the rules that decided each side.
pub fn render_text(model: &Model, answers: &[PairAnswer], port: Option<(Protocol, u16)>) -> String {
    let mut out = String::new();
    for answer in answers {
        let src = crate::connlist::end_name(model, &answer.src);
        let dst = crate::connlist::end_name(model, &answer.dst);
        let verdict = match port {
            Some((protocol, number)) if answer.allowed.is_empty() => {
                format!("{protocol} {number} denied")
            }
            Some((protocol, number)) => format!("{protocol} {number} allowed"),
            None if answer.allowed.is_empty() => "denied".to_owned(),
            None => format!("allowed: {}", answer.allowed),
        };
        if answer.src == answer.dst {
            let _ = writeln!(out, "{src} => {dst} (between its own pods) : {verdict}");
        } else {
            let _ = writeln!(out, "{src} => {dst} : {verdict}");
        }
        if let Some(trace) = &answer.egress {
            explain_side(&mut out, model, trace, Direction::Egress, &src, &dst);
        }
        if let Some(trace) = &answer.ingress {
            explain_side(&mut out, model, trace, Direction::Ingress, &dst, &src);
        }
        out.push('\n');
    }
    out
}

fn explain_side(
    out: &mut String,
    model: &Model,
    trace: &SideTrace,
    direction: Direction,
    subject: &str,
    peer: &str,
) {
    let word = direction.field();
    if trace.host_network {
        let _ = writeln!(
            out,
            "  {word} of {subject}: uses the host network, which NetworkPolicy does not isolate: all allowed"
        );
        return;
    }
    if trace.isolating.is_empty() {
        let _ = writeln!(
            out,
            "  {word} of {subject}: no NetworkPolicy with policy type {} selects it",
            capitalised(word)
        );
    } else {
        let names: Vec<String> = trace
            .isolating
            .iter()
            .map(|&p| model.policy_name(p))
            .collect();
        let _ = writeln!(
            out,
            "  {word} of {subject}: isolated by NetworkPolicy {}",
            names.join(", ")
        );
    }
    for decision in &trace.decisions {
        let verb = match decision.action {
            AdminAction::Allow => "allowed",
            AdminAction::Deny => "denied",
            AdminAction::Pass => "passed to NetworkPolicies",
        };
        let _ = writeln!(
            out,
            "    {verb} by {} {} {}: {}",
            decision.kind, decision.policy, decision.rule, decision.ports
        );
    }
    if !trace.default_allowed.is_empty() {
        let _ = writeln!(
            out,
            "    allowed by default (no policy isolates it): {}",
            trace.default_allowed
        );
    }
    if trace.allowed.is_empty() {
        let other = match direction {
            Direction::Ingress => "from",
            Direction::Egress => "to",
        };
        let _ = writeln!(out, "    no rule allows traffic {other} {peer}");
    }
}

fn capitalised(word: &str) -> String {
    let mut chars = word.chars();
    chars
        .next()
        .map(|c| c.to_ascii_uppercase().to_string() + chars.as_str())
        .unwrap_or_default()
}

/// Workloads that `reach` could not find, for an error message.
pub fn describe_missing(target: &str, model: &Model) -> String {
    let mut names: Vec<String> = (0..model.workloads.len())
        .map(|w: WorkloadId| model.workload_name(w))
        .collect();
    if names.is_empty() {
        return format!("`{target}` selects no workload: the input has no workloads");
    }
    names.sort();
    names.truncate(10);
    format!(
        "`{target}` selects no workload; workloads include: {}",
        names.join(", ")
    )
}
