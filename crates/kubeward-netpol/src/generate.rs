//! Writing NetworkPolicies: a default deny per namespace, plus allow
//! policies that keep the traffic the input intends.
//!
//! The intended traffic comes from one of two sources:
//!
//! - [`Intent::Services`]: each Service with a selector, and the workloads
//!   that name it (as `name`, `name.namespace`, `name.namespace.svc` or
//!   the full cluster domain name) in an environment variable, command or
//!   argument, reach the Service's pods on its target ports. Services of
//!   type LoadBalancer or NodePort are also reachable from anywhere, and
//!   the backends of an Ingress from every pod of every namespace, since
//!   the ingress controller's namespace is not in the input.
//! - [`Intent::Connlist`]: every connection the current policies allow
//!   between workloads and to or from external ranges, as it is today.
//!
//! Every generated namespace also allows DNS to `kube-system` pods
//! labelled `k8s-app: kube-dns` (CoreDNS and kube-dns use that label).

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write;

use crate::analysis::Analysis;
use crate::connlist::{self, End};
use crate::model::{ClassId, Model, NAMESPACE_NAME_LABEL, NamespaceId};
use crate::ports::{PortSet, PortValue, Protocol};
use crate::selector::Labels;

/// Where the intended traffic comes from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Intent {
    Services,
    Connlist,
}

/// Pod labels that controllers add per revision; a policy that selected
/// on them would stop matching after the next rollout.
const VOLATILE_LABELS: &[&str] = &[
    "pod-template-hash",
    "controller-revision-hash",
    "pod-template-generation",
    "statefulset.kubernetes.io/pod-name",
    "batch.kubernetes.io/controller-uid",
    "controller-uid",
    "batch.kubernetes.io/job-name",
    "job-name",
];

/// One port of an allow rule.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
enum PortEntry {
    Number(Protocol, u16, Option<u16>),
    Named(Protocol, String),
}

/// The peers and ports of one allow rule; `None` ports allow every port.
#[derive(Clone, Debug, Default)]
struct Allow {
    /// Pod peers: (namespace, pod labels).
    pods: BTreeSet<(NamespaceId, Vec<(String, String)>)>,
    /// ipBlock peers.
    blocks: BTreeSet<String>,
    /// A peer for every pod of every namespace: where the ingress
    /// controller runs is not in the input.
    every_namespace: bool,
    ports: Option<BTreeSet<PortEntry>>,
}

/// Rules of one generated policy, keyed by the selected pods.
type Policies = BTreeMap<(NamespaceId, Vec<(String, String)>), Vec<Allow>>;

/// Writes the policies as a YAML stream.
pub fn generate(analysis: &Analysis<'_>, intent: Intent) -> String {
    let model = analysis.model;
    let mut ingress: Policies = BTreeMap::new();
    let mut egress: Policies = BTreeMap::new();
    match intent {
        Intent::Services => from_services(model, &mut ingress, &mut egress),
        Intent::Connlist => from_connlist(analysis, &mut ingress, &mut egress),
    }
    let mut namespaces: BTreeSet<&str> = BTreeSet::new();
    for class in &model.classes {
        if !class.host_network {
            namespaces.insert(&model.namespaces[class.namespace].name);
        }
    }
    let mut out = String::new();
    for namespace in &namespaces {
        write_default_deny(&mut out, namespace);
        write_dns(&mut out, namespace);
    }
    for ((namespace, labels), allows) in &ingress {
        write_policy(&mut out, model, *namespace, labels, allows, true);
    }
    for ((namespace, labels), allows) in &egress {
        write_policy(&mut out, model, *namespace, labels, allows, false);
    }
    out
}

fn stable_labels(labels: &Labels) -> Vec<(String, String)> {
    labels
        .iter()
        .filter(|(k, _)| !VOLATILE_LABELS.contains(&k.as_str()))
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect()
}

fn class_key(model: &Model, class: ClassId) -> (NamespaceId, Vec<(String, String)>) {
    let c = &model.classes[class];
    (c.namespace, stable_labels(&c.labels))
}

fn from_services(model: &Model, ingress: &mut Policies, egress: &mut Policies) {
    for service in &model.services {
        let backends: Vec<ClassId> = model
            .classes_in(service.namespace)
            .iter()
            .copied()
            .filter(|&c| {
                let class = &model.classes[c];
                !class.host_network
                    && service
                        .selector
                        .iter()
                        .all(|(k, v)| class.labels.get(k) == Some(v))
            })
            .collect();
        if backends.is_empty() {
            continue;
        }
        let ports: BTreeSet<PortEntry> = service
            .ports
            .iter()
            .map(|p| match &p.target {
                PortValue::Named(name) => PortEntry::Named(p.protocol, name.clone()),
                PortValue::Number { port, .. } => PortEntry::Number(p.protocol, *port, None),
                PortValue::Any => PortEntry::Number(p.protocol, p.port, None),
            })
            .collect();
        let ports = (!ports.is_empty()).then_some(ports);
        let clients = clients_of(model, service.namespace, &service.name);
        for &backend in &backends {
            let key = (
                model.classes[backend].namespace,
                service
                    .selector
                    .iter()
                    .map(|(k, v)| (k.clone(), v.clone()))
                    .collect(),
            );
            let mut allow = Allow {
                ports: ports.clone(),
                ..Allow::default()
            };
            for &client in &clients {
                allow.pods.insert(class_key(model, client));
                let mut out = Allow {
                    ports: ports.clone(),
                    ..Allow::default()
                };
                out.pods.insert(key.clone());
                egress
                    .entry(class_key(model, client))
                    .or_default()
                    .push(out);
            }
            if service.external {
                allow.blocks.insert("0.0.0.0/0".to_owned());
            }
            allow.every_namespace = service.ingress_backend;
            if !allow.pods.is_empty() || !allow.blocks.is_empty() || allow.every_namespace {
                ingress.entry(key).or_default().push(allow);
            }
        }
    }
}

/// The classes whose workloads name the Service in their configuration.
fn clients_of(model: &Model, namespace: NamespaceId, service: &str) -> Vec<ClassId> {
    let ns = &model.namespaces[namespace].name;
    let qualified = [
        format!("{service}.{ns}"),
        format!("{service}.{ns}.svc"),
        format!("{service}.{ns}.svc.cluster.local"),
    ];
    let mut out = BTreeSet::new();
    for workload in &model.workloads {
        let same_namespace = workload.namespace == namespace;
        let names = workload.references.iter().any(|text| {
            hosts(text).any(|host| {
                (same_namespace && host == service) || qualified.iter().any(|q| q == host)
            })
        });
        if names && !model.classes[workload.class].host_network {
            out.insert(workload.class);
        }
    }
    out.into_iter().collect()
}

/// The host-name-like tokens of a text: runs of letters, digits, `-` and
/// `.`, without a trailing dot.
fn hosts(text: &str) -> impl Iterator<Item = &str> {
    text.split(|c: char| !(c.is_ascii_alphanumeric() || c == '-' || c == '.'))
        .map(|t| t.trim_end_matches('.'))
        .filter(|t| !t.is_empty())
}

fn from_connlist(analysis: &Analysis<'_>, ingress: &mut Policies, egress: &mut Policies) {
    let model = analysis.model;
    for (src, dst, ports) in connlist::class_connections(analysis) {
        if src == dst || model.classes[src].host_network || model.classes[dst].host_network {
            continue;
        }
        let ports = port_entries(&ports);
        let mut allow_in = Allow {
            ports: ports.clone(),
            ..Allow::default()
        };
        allow_in.pods.insert(class_key(model, src));
        ingress
            .entry(class_key(model, dst))
            .or_default()
            .push(allow_in);
        let mut allow_out = Allow {
            ports,
            ..Allow::default()
        };
        allow_out.pods.insert(class_key(model, dst));
        egress
            .entry(class_key(model, src))
            .or_default()
            .push(allow_out);
    }
    let list = connlist::connlist(analysis);
    for connection in &list.connections {
        let (workload, set, is_ingress) = match (&connection.src, &connection.dst) {
            (End::External(set), End::Workload(w)) => (*w, set, true),
            (End::Workload(w), End::External(set)) => (*w, set, false),
            _ => continue,
        };
        let class = model.workloads[workload].class;
        if model.classes[class].host_network {
            continue;
        }
        let mut allow = Allow {
            ports: port_entries(&connection.ports),
            ..Allow::default()
        };
        for range in set.by_family() {
            allow.blocks.extend(cidrs_of(&range.to_string()));
        }
        let target = if is_ingress {
            &mut *ingress
        } else {
            &mut *egress
        };
        let entry = target.entry(class_key(model, class)).or_default();
        if !entry
            .iter()
            .any(|a| a.blocks == allow.blocks && a.ports == allow.ports)
        {
            entry.push(allow);
        }
    }
}

/// A range printed as `a-b` becomes the CIDR blocks that cover it.
fn cidrs_of(text: &str) -> Vec<String> {
    let Some((start, end)) = text.split_once('-') else {
        return vec![text.to_owned()];
    };
    let (Ok(start), Ok(end)) = (
        start.parse::<std::net::IpAddr>(),
        end.parse::<std::net::IpAddr>(),
    ) else {
        return vec![text.to_owned()];
    };
    match (start, end) {
        (std::net::IpAddr::V4(a), std::net::IpAddr::V4(b)) => ipnet::Ipv4Subnets::new(a, b, 0)
            .map(|n| n.to_string())
            .collect(),
        (std::net::IpAddr::V6(a), std::net::IpAddr::V6(b)) => ipnet::Ipv6Subnets::new(a, b, 0)
            .map(|n| n.to_string())
            .collect(),
        _ => vec![text.to_owned()],
    }
}

/// The ports of a connection as policy port entries; `None` for every
/// connection. Protocols other than TCP, UDP and SCTP cannot be named in
/// a port, so a set with them but not every port keeps only its ports.
fn port_entries(ports: &PortSet) -> Option<BTreeSet<PortEntry>> {
    if ports.is_all() {
        return None;
    }
    let mut out = BTreeSet::new();
    for protocol in Protocol::ALL {
        for &(a, b) in ports.ports(protocol).ranges() {
            let end = (b > a).then_some(b);
            out.insert(PortEntry::Number(protocol, a, end));
        }
    }
    Some(out)
}

fn write_default_deny(out: &mut String, namespace: &str) {
    let _ = write!(
        out,
        "---\n# Denies all ingress and egress of every pod in {namespace}; the allow\n\
         # policies below open what the workloads need.\n\
         apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata:\n  name: default-deny\n  \
         namespace: {namespace}\nspec:\n  podSelector: {{}}\n  policyTypes:\n    - Ingress\n    - Egress\n"
    );
}

fn write_dns(out: &mut String, namespace: &str) {
    let _ = write!(
        out,
        "---\napiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata:\n  name: allow-dns\n  \
         namespace: {namespace}\nspec:\n  podSelector: {{}}\n  policyTypes:\n    - Egress\n  egress:\n    \
         - to:\n        - namespaceSelector:\n            matchLabels:\n              \
         {NAMESPACE_NAME_LABEL}: kube-system\n          podSelector:\n            matchLabels:\n              \
         k8s-app: kube-dns\n      ports:\n        - protocol: UDP\n          port: 53\n        \
         - protocol: TCP\n          port: 53\n"
    );
}

fn write_policy(
    out: &mut String,
    model: &Model,
    namespace: NamespaceId,
    labels: &[(String, String)],
    allows: &[Allow],
    ingress: bool,
) {
    let ns = &model.namespaces[namespace].name;
    let direction = if ingress { "ingress" } else { "egress" };
    let name = policy_name(labels, direction);
    let _ = write!(
        out,
        "---\napiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata:\n  name: {name}\n  \
         namespace: {ns}\nspec:\n  podSelector:\n"
    );
    write_labels(out, "    ", labels);
    let _ = write!(
        out,
        "  policyTypes:\n    - {}\n  {direction}:\n",
        if ingress { "Ingress" } else { "Egress" }
    );
    let peers_field = if ingress { "from" } else { "to" };
    for allow in allows {
        let _ = writeln!(out, "    - {peers_field}:");
        for (peer_ns, peer_labels) in &allow.pods {
            let _ = writeln!(out, "        - namespaceSelector:");
            let _ = writeln!(out, "            matchLabels:");
            let _ = writeln!(
                out,
                "              {NAMESPACE_NAME_LABEL}: {}",
                quote(&model.namespaces[*peer_ns].name)
            );
            let _ = writeln!(out, "          podSelector:");
            write_labels(out, "            ", peer_labels);
        }
        for block in &allow.blocks {
            let _ = writeln!(out, "        - ipBlock:\n            cidr: {block}");
        }
        if allow.every_namespace {
            let _ = writeln!(
                out,
                "        # An Ingress routes to this Service: narrow this peer to the\n        \
                 # namespace and labels of the ingress controller.\n        \
                 - namespaceSelector: {{}}"
            );
        }
        if let Some(ports) = &allow.ports {
            let _ = writeln!(out, "      ports:");
            for port in ports {
                match port {
                    PortEntry::Number(protocol, number, end) => {
                        let _ = writeln!(
                            out,
                            "        - protocol: {protocol}\n          port: {number}"
                        );
                        if let Some(end) = end {
                            let _ = writeln!(out, "          endPort: {end}");
                        }
                    }
                    PortEntry::Named(protocol, name) => {
                        let _ = writeln!(
                            out,
                            "        - protocol: {protocol}\n          port: {}",
                            quote(name)
                        );
                    }
                }
            }
        }
    }
}

fn write_labels(out: &mut String, indent: &str, labels: &[(String, String)]) {
    if labels.is_empty() {
        // An empty selector: every pod of the namespace.
        let _ = writeln!(out, "{indent}matchLabels: {{}}");
        return;
    }
    let _ = writeln!(out, "{indent}matchLabels:");
    for (k, v) in labels {
        let _ = writeln!(out, "{indent}  {k}: {}", quote(v));
    }
}

/// A DNS-label-safe policy name from the selected labels.
fn policy_name(labels: &[(String, String)], direction: &str) -> String {
    let preferred = [
        "app.kubernetes.io/name",
        "app",
        "k8s-app",
        "name",
        "component",
    ];
    let value = preferred
        .iter()
        .find_map(|key| {
            labels
                .iter()
                .find(|(k, _)| k == key)
                .map(|(_, v)| v.as_str())
        })
        .or_else(|| labels.first().map(|(_, v)| v.as_str()))
        .unwrap_or("all-pods");
    let mut name: String = value
        .to_ascii_lowercase()
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '-' })
        .collect();
    name = name.trim_matches('-').to_owned();
    if name.is_empty() {
        "pods".clone_into(&mut name);
    }
    let mut full = format!("allow-{direction}-{name}");
    full.truncate(253);
    full
}

/// A YAML double-quoted scalar, so values such as `true` or `1.0` stay
/// strings.
fn quote(text: &str) -> String {
    serde_json::to_string(text).expect("a string serialises")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hosts_split_addresses() {
        let found: Vec<&str> = hosts("http://cart.shop.svc.cluster.local:7070/x").collect();
        assert!(found.contains(&"cart.shop.svc.cluster.local"));
        let found: Vec<&str> = hosts("redis-cart:6379").collect();
        assert_eq!(found, ["redis-cart", "6379"]);
    }

    #[test]
    fn ranges_become_cidrs() {
        assert_eq!(cidrs_of("10.0.0.0-10.0.0.3"), ["10.0.0.0/30"]);
        assert_eq!(cidrs_of("10.0.0.0/8"), ["10.0.0.0/8"]);
    }
}
