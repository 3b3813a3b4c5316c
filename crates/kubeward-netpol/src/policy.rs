//! Reading a NetworkPolicy with the API server's defaults and validation.
//!
//! Defaults: `policyTypes` is `[Ingress]`, plus `Egress` when `egress` has
//! at least one rule; a port's `protocol` is TCP. A policy that the API
//! server would reject (an invalid selector, peer, CIDR or port) is left
//! out of the model and recorded as a [`Problem`].

use ipnet::IpNet;
use kubeward_core::StoredObject;
use kubeward_core::yaml::{NodeRef, Pos};

use crate::build::site;
use crate::ip::IpSet;
use crate::model::{
    Direction, Model, NamespaceId, NamespaceScope, NetworkPolicy, Peer, PolicyTypes, Problem, Rule,
};
use crate::ports::{PortSpec, PortValue, Protocol};
use crate::selector::{Selector, SelectorError};

/// Why a policy is invalid.
pub(crate) struct Invalid {
    pub pos: Pos,
    pub path: String,
    pub message: String,
}

pub(crate) fn invalid(pos: Pos, path: impl Into<String>, message: impl Into<String>) -> Invalid {
    Invalid {
        pos,
        path: path.into(),
        message: message.into(),
    }
}

pub(crate) fn selector_error(base: &str, error: SelectorError) -> Invalid {
    let path = if error.field.is_empty() {
        base.to_owned()
    } else {
        format!("{base}.{}", error.field)
    };
    Invalid {
        pos: error.pos,
        path,
        message: error.message,
    }
}

pub(crate) fn read(model: &mut Model, index: usize, object: &StoredObject, namespace: NamespaceId) {
    match parse(object, namespace, index) {
        Ok(policy) => model.policies.push(policy),
        Err(why) => model.problems.push(Problem {
            message: format!(
                "NetworkPolicy {} is invalid, so the API server rejects it and it isolates \
                 nothing: {}: {}",
                object.name().unwrap_or("<unnamed>"),
                why.path,
                why.message
            ),
            site: site(index, why.pos, why.path),
        }),
    }
}

fn parse(
    object: &StoredObject,
    namespace: NamespaceId,
    index: usize,
) -> Result<NetworkPolicy, Invalid> {
    let root = object.root();
    let spec = root.entry("spec");
    let (spec_node, spec_pos) = match spec {
        Some(entry) if entry.value.is_map() => (Some(entry.value), entry.key.pos()),
        Some(entry) => return Err(invalid(entry.key.pos(), "spec", "spec must be a mapping")),
        None => (None, object.pos()),
    };
    let (pod_selector, selector_pos) = match spec_node.and_then(|s| s.entry("podSelector")) {
        Some(entry) => (
            Selector::parse(entry.value).map_err(|e| selector_error("spec.podSelector", e))?,
            entry.key.pos(),
        ),
        None => (Selector::everything(), spec_pos),
    };
    let ingress = rules(spec_node, Direction::Ingress)?;
    let egress = rules(spec_node, Direction::Egress)?;
    let types = policy_types(spec_node, !egress.is_empty())?;
    let path = if spec_node.and_then(|s| s.entry("podSelector")).is_some() {
        "spec.podSelector"
    } else if spec.is_some() {
        "spec"
    } else {
        "kind"
    };
    let mut ignored = Vec::new();
    if types.explicit {
        for (direction, rules, kept) in [
            (Direction::Ingress, &ingress, types.ingress),
            (Direction::Egress, &egress, types.egress),
        ] {
            if !kept && !rules.is_empty() {
                let pos = spec_node
                    .and_then(|s| s.entry(direction.field()))
                    .map_or(spec_pos, |e| e.key.pos());
                ignored.push((direction, pos));
            }
        }
    }
    Ok(NetworkPolicy {
        name: object.name().unwrap_or("<unnamed>").to_owned(),
        namespace,
        pod_selector,
        types,
        ingress,
        egress,
        ignored,
        site: site(index, selector_pos, path),
    })
}

fn policy_types(spec: Option<NodeRef<'_, '_>>, has_egress: bool) -> Result<PolicyTypes, Invalid> {
    let Some(entry) = spec.and_then(|s| s.entry("policyTypes")) else {
        return Ok(PolicyTypes {
            ingress: true,
            egress: has_egress,
            explicit: false,
        });
    };
    if !entry.value.is_seq() {
        return Err(invalid(
            entry.key.pos(),
            "spec.policyTypes",
            "policyTypes must be a list",
        ));
    }
    if entry.value.is_empty() {
        return Ok(PolicyTypes {
            ingress: true,
            egress: has_egress,
            explicit: false,
        });
    }
    let mut types = PolicyTypes {
        explicit: true,
        ..PolicyTypes::default()
    };
    for (i, item) in entry.value.items().enumerate() {
        match item.as_str() {
            Some("Ingress") => types.ingress = true,
            Some("Egress") => types.egress = true,
            _ => {
                return Err(invalid(
                    item.pos(),
                    format!("spec.policyTypes[{i}]"),
                    format!(
                        "policy type `{}` is not valid: expected Ingress or Egress",
                        item.scalar_text().unwrap_or_default()
                    ),
                ));
            }
        }
    }
    Ok(types)
}

fn rules(spec: Option<NodeRef<'_, '_>>, direction: Direction) -> Result<Vec<Rule>, Invalid> {
    let field = direction.field();
    let Some(entry) = spec.and_then(|s| s.entry(field)) else {
        return Ok(Vec::new());
    };
    if !entry.value.is_seq() {
        return Err(invalid(
            entry.key.pos(),
            format!("spec.{field}"),
            format!("{field} must be a list of rules"),
        ));
    }
    let mut out = Vec::new();
    for (index, node) in entry.value.items().enumerate() {
        let base = format!("spec.{field}[{index}]");
        if node.is_null() {
            // `- ` with nothing after it is an empty rule, as in JSON `{}`.
            out.push(Rule {
                index,
                peers: None,
                ports: None,
                port_positions: Vec::new(),
                pos: node.pos(),
            });
            continue;
        }
        if !node.is_map() {
            return Err(invalid(node.pos(), base, "a rule must be a mapping"));
        }
        let (ports, port_positions) = ports(node, &base)?;
        out.push(Rule {
            index,
            peers: peers(node, direction, &base)?,
            ports,
            port_positions,
            pos: node.pos(),
        });
    }
    Ok(out)
}

fn peers(
    rule: NodeRef<'_, '_>,
    direction: Direction,
    base: &str,
) -> Result<Option<Vec<Peer>>, Invalid> {
    let field = direction.peers_field();
    let Some(entry) = rule.entry(field) else {
        return Ok(None);
    };
    if !entry.value.is_seq() {
        return Err(invalid(
            entry.key.pos(),
            format!("{base}.{field}"),
            format!("{field} must be a list of peers"),
        ));
    }
    if entry.value.is_empty() {
        return Ok(None);
    }
    let mut out = Vec::new();
    for (index, node) in entry.value.items().enumerate() {
        out.push(peer(node, &format!("{base}.{field}[{index}]"))?);
    }
    Ok(Some(out))
}

fn peer(node: NodeRef<'_, '_>, base: &str) -> Result<Peer, Invalid> {
    if !node.is_map() {
        return Err(invalid(node.pos(), base, "a peer must be a mapping"));
    }
    let pods = node.entry("podSelector");
    let namespaces = node.entry("namespaceSelector");
    let block = node.entry("ipBlock");
    if let Some(block) = block {
        if pods.is_some() || namespaces.is_some() {
            return Err(invalid(
                block.key.pos(),
                format!("{base}.ipBlock"),
                "a peer with ipBlock may not also have podSelector or namespaceSelector",
            ));
        }
        return ip_block(block.value, block.key.pos(), &format!("{base}.ipBlock"));
    }
    if pods.is_none() && namespaces.is_none() {
        return Err(invalid(
            node.pos(),
            base,
            "a peer must have podSelector, namespaceSelector or ipBlock",
        ));
    }
    let pod_selector = match pods {
        Some(e) => Selector::parse(e.value)
            .map_err(|err| selector_error(&format!("{base}.podSelector"), err))?,
        None => Selector::everything(),
    };
    let scope = match namespaces {
        Some(e) => NamespaceScope::Selector(
            Selector::parse(e.value)
                .map_err(|err| selector_error(&format!("{base}.namespaceSelector"), err))?,
        ),
        None => NamespaceScope::Own,
    };
    Ok(Peer::Pods {
        namespaces: scope,
        pods: pod_selector,
        pos: node.pos(),
    })
}

fn ip_block(node: NodeRef<'_, '_>, key_pos: Pos, base: &str) -> Result<Peer, Invalid> {
    if !node.is_map() {
        return Err(invalid(key_pos, base, "ipBlock must be a mapping"));
    }
    let Some(cidr_node) = node.get("cidr") else {
        return Err(invalid(
            key_pos,
            format!("{base}.cidr"),
            "ipBlock.cidr is required",
        ));
    };
    let cidr_text = cidr_node.scalar_text().unwrap_or_default().into_owned();
    let cidr =
        parse_cidr(&cidr_text).map_err(|m| invalid(cidr_node.pos(), format!("{base}.cidr"), m))?;
    let mut except = Vec::new();
    for (i, item) in node
        .get("except")
        .into_iter()
        .flat_map(|e| e.items())
        .enumerate()
    {
        let text = item.scalar_text().unwrap_or_default().into_owned();
        let path = format!("{base}.except[{i}]");
        let net = parse_cidr(&text).map_err(|m| invalid(item.pos(), path.clone(), m))?;
        if !cidr.contains(&net) || net.prefix_len() <= cidr.prefix_len() {
            return Err(invalid(
                item.pos(),
                path,
                format!("except `{text}` must be a strict subset of cidr `{cidr_text}`"),
            ));
        }
        except.push(net);
    }
    Ok(Peer::IpBlock {
        set: IpSet::block(&cidr, &except),
        cidr: cidr_text,
        pos: key_pos,
    })
}

/// Parses a CIDR as Go's `net.ParseCIDR` does: an address, `/`, a prefix
/// length. Host bits may be set; they are ignored.
pub(crate) fn parse_cidr(text: &str) -> Result<IpNet, String> {
    let net: IpNet = text
        .parse()
        .map_err(|_| format!("`{text}` is not a valid CIDR such as 10.0.0.0/8"))?;
    Ok(net.trunc())
}

/// The rule's ports and where each is; `None` when the rule has none.
type Ports = (Option<Vec<PortSpec>>, Vec<Pos>);

fn ports(rule: NodeRef<'_, '_>, base: &str) -> Result<Ports, Invalid> {
    let Some(entry) = rule.entry("ports") else {
        return Ok((None, Vec::new()));
    };
    if !entry.value.is_seq() {
        return Err(invalid(
            entry.key.pos(),
            format!("{base}.ports"),
            "ports must be a list",
        ));
    }
    if entry.value.is_empty() {
        return Ok((None, Vec::new()));
    }
    let mut out = Vec::new();
    let mut positions = Vec::new();
    for (i, node) in entry.value.items().enumerate() {
        out.push(port(node, &format!("{base}.ports[{i}]"))?);
        positions.push(node.entry("port").map_or(node.pos(), |e| e.key.pos()));
    }
    Ok((Some(out), positions))
}

fn port(node: NodeRef<'_, '_>, base: &str) -> Result<PortSpec, Invalid> {
    if node.is_null() {
        return Ok(PortSpec {
            protocol: Protocol::Tcp,
            port: PortValue::Any,
        });
    }
    if !node.is_map() {
        return Err(invalid(node.pos(), base, "a port must be a mapping"));
    }
    let protocol = protocol(node, base)?;
    let end_port = match node.get("endPort") {
        None => None,
        Some(end) => Some(port_number(end, &format!("{base}.endPort"))?),
    };
    let port = match node.get("port") {
        None if end_port.is_some() => {
            return Err(invalid(
                node.pos(),
                format!("{base}.endPort"),
                "endPort may only be set together with a numeric port",
            ));
        }
        None => PortValue::Any,
        Some(value) => {
            if let Some(name) = value.as_str() {
                check_port_name(name)
                    .map_err(|m| invalid(value.pos(), format!("{base}.port"), m))?;
                if end_port.is_some() {
                    return Err(invalid(
                        value.pos(),
                        format!("{base}.endPort"),
                        "endPort may not be set with a named port",
                    ));
                }
                PortValue::Named(name.to_owned())
            } else {
                let number = port_number(value, &format!("{base}.port"))?;
                if let Some(end) = end_port.filter(|&end| end < number) {
                    return Err(invalid(
                        value.pos(),
                        format!("{base}.endPort"),
                        format!("endPort {end} must be greater than or equal to port {number}"),
                    ));
                }
                PortValue::Number {
                    port: number,
                    end_port,
                }
            }
        }
    };
    Ok(PortSpec { protocol, port })
}

pub(crate) fn protocol(node: NodeRef<'_, '_>, base: &str) -> Result<Protocol, Invalid> {
    match node.get("protocol") {
        None => Ok(Protocol::Tcp),
        Some(value) => value.as_str().and_then(Protocol::parse).ok_or_else(|| {
            invalid(
                value.pos(),
                format!("{base}.protocol"),
                format!(
                    "protocol `{}` is not supported: expected TCP, UDP or SCTP",
                    value.scalar_text().unwrap_or_default()
                ),
            )
        }),
    }
}

pub(crate) fn port_number(node: NodeRef<'_, '_>, path: &str) -> Result<u16, Invalid> {
    node.as_i64()
        .and_then(|n| u16::try_from(n).ok())
        .filter(|&n| n >= 1)
        .ok_or_else(|| {
            invalid(
                node.pos(),
                path,
                format!(
                    "`{}` is not a valid port number: expected 1 to 65535",
                    node.scalar_text().unwrap_or_default()
                ),
            )
        })
}

/// Checks an IANA service name, the form of a named port: at most 15
/// lowercase letters, digits and single inner hyphens, with a letter.
pub(crate) fn check_port_name(name: &str) -> Result<(), String> {
    let valid = !name.is_empty()
        && name.len() <= 15
        && name
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
        && name.bytes().any(|b| b.is_ascii_lowercase())
        && !name.starts_with('-')
        && !name.ends_with('-')
        && !name.contains("--");
    if valid {
        Ok(())
    } else {
        Err(format!(
            "`{name}` is not a valid port name: a named port has at most 15 lowercase \
             letters, digits and single inner hyphens, with at least one letter"
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn port_names() {
        assert!(check_port_name("http").is_ok());
        assert!(check_port_name("metrics-9090").is_ok());
        assert!(check_port_name("8080").is_err());
        assert!(check_port_name("Http").is_err());
        assert!(check_port_name("a--b").is_err());
        assert!(check_port_name("averyveryverylongname").is_err());
    }

    #[test]
    fn cidr_host_bits_are_ignored() {
        let net = parse_cidr("10.1.2.3/8").expect("valid CIDR");
        assert_eq!(net.to_string(), "10.0.0.0/8");
        assert!(parse_cidr("10.0.0.0").is_err());
        assert!(parse_cidr("10.0.0.0/33").is_err());
    }
}
