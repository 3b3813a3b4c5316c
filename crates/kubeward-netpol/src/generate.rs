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
//!   Each selector matches only the pods it is written for, so applying
//!   the output next to the input leaves the connection list unchanged.
//!
//! DNS to `kube-system` pods labelled `k8s-app: kube-dns` (CoreDNS and
//! kube-dns use that label) is allowed for every pod in services mode,
//! and in connlist mode for the pods whose egress nothing restricts.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write;

use crate::analysis::{Analysis, Endpoint};
use crate::connlist;
use crate::ip::IpSet;
use crate::model::{ClassId, Direction, Model, NAMESPACE_NAME_LABEL, NamespaceId};
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

/// A generated pod selector: `matchLabels`, plus keys that must be
/// absent (`DoesNotExist`) so that pods carrying more labels stay out.
#[derive(Clone, Debug, Default, PartialEq, Eq, PartialOrd, Ord)]
struct PodSel {
    labels: Vec<(String, String)>,
    absent: Vec<String>,
}

impl PodSel {
    fn of_labels(labels: Vec<(String, String)>) -> Self {
        PodSel {
            labels,
            absent: Vec::new(),
        }
    }

    fn matches(&self, labels: &Labels) -> bool {
        self.labels.iter().all(|(k, v)| labels.get(k) == Some(v))
            && self.absent.iter().all(|k| !labels.contains_key(k))
    }
}

/// The pods a generated policy selects, or a peer: a namespace and a
/// pod selector.
type Key = (NamespaceId, PodSel);

/// The peers and ports of one allow rule; `None` ports allow every port.
#[derive(Clone, Debug, Default, PartialEq, Eq, PartialOrd, Ord)]
struct Allow {
    /// Pod peers.
    pods: BTreeSet<Key>,
    /// ipBlock peers.
    blocks: BTreeSet<String>,
    /// A peer for every pod of every namespace: where the ingress
    /// controller runs is not in the input.
    every_namespace: bool,
    /// A peer for the cluster's DNS pods: `k8s-app: kube-dns` in
    /// `kube-system`.
    dns: bool,
    ports: Option<BTreeSet<PortEntry>>,
}

/// Rules of one generated policy, keyed by the selected pods.
type Policies = BTreeMap<Key, Vec<Allow>>;

/// Writes the policies as a YAML stream.
pub fn generate(analysis: &Analysis<'_>, intent: Intent) -> String {
    let model = analysis.model;
    let mut ingress: Policies = BTreeMap::new();
    let mut egress: Policies = BTreeMap::new();
    let mut notes = Vec::new();
    match intent {
        Intent::Services => from_services(model, &mut ingress, &mut egress),
        Intent::Connlist => from_connlist(analysis, &mut ingress, &mut egress, &mut notes),
    }
    let mut namespaces: BTreeSet<&str> = BTreeSet::new();
    for class in &model.classes {
        if !class.host_network {
            namespaces.insert(&model.namespaces[class.namespace].name);
        }
    }
    let mut out = String::new();
    for note in &notes {
        out.push_str("---\n");
        for line in note.lines() {
            let _ = writeln!(out, "# {line}");
        }
    }
    for namespace in &namespaces {
        write_default_deny(&mut out, namespace);
        if intent == Intent::Services {
            write_dns(&mut out, namespace);
        }
    }
    let mut names: BTreeSet<(NamespaceId, String)> = BTreeSet::new();
    for (key, allows) in &ingress {
        write_policy(&mut out, model, &mut names, key, allows, true);
    }
    for (key, allows) in &egress {
        write_policy(&mut out, model, &mut names, key, allows, false);
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

fn stable_map(labels: &Labels) -> Labels {
    stable_labels(labels).into_iter().collect()
}

fn class_key(model: &Model, class: ClassId) -> Key {
    let c = &model.classes[class];
    (c.namespace, PodSel::of_labels(stable_labels(&c.labels)))
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
                PodSel::of_labels(
                    service
                        .selector
                        .iter()
                        .map(|(k, v)| (k.clone(), v.clone()))
                        .collect(),
                ),
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
                allow.blocks.insert("::/0".to_owned());
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

/// A set of pods that no generated selector can tell apart: the classes
/// of one namespace with the same stable labels.
struct Group {
    key: Key,
    classes: Vec<ClassId>,
}

/// The classes (not on the host network) grouped by namespace and stable
/// labels, each group with a selector that matches its pods and no other
/// pod of the namespace: classes whose labels include the group's get a
/// `DoesNotExist` on one of their extra keys.
fn groups(model: &Model) -> Vec<Group> {
    let mut by_labels: BTreeMap<(NamespaceId, Labels), Vec<ClassId>> = BTreeMap::new();
    for (id, class) in model.classes.iter().enumerate() {
        if !class.host_network {
            by_labels
                .entry((class.namespace, stable_map(&class.labels)))
                .or_default()
                .push(id);
        }
    }
    by_labels
        .into_iter()
        .map(|((namespace, labels), classes)| {
            let mut selector = PodSel::of_labels(labels.into_iter().collect());
            let mut absent = BTreeSet::new();
            for &other in model.classes_in(namespace) {
                let class = &model.classes[other];
                if class.host_network
                    || classes.contains(&other)
                    || !selector.matches(&class.labels)
                {
                    continue;
                }
                // The other class has every label of the group and more
                // stable ones, since its stable labels differ.
                if let Some((key, _)) = stable_labels(&class.labels)
                    .into_iter()
                    .find(|(k, _)| !selector.labels.iter().any(|(l, _)| l == k))
                {
                    absent.insert(key);
                }
            }
            selector.absent = absent.into_iter().collect();
            Group {
                key: (namespace, selector),
                classes,
            }
        })
        .collect()
}

/// Whether every class of a group is allowed the same traffic, since one
/// selector covers them all.
fn uniform(
    group: &Group,
    classes: usize,
    matrix: &BTreeMap<(ClassId, ClassId), PortSet>,
    externals: &dyn Fn(Direction, ClassId) -> Vec<(IpSet, PortSet)>,
) -> bool {
    let none = PortSet::none();
    let get = |s: ClassId, d: ClassId| matrix.get(&(s, d)).unwrap_or(&none);
    let first = group.classes[0];
    let inner = get(first, first);
    group
        .classes
        .iter()
        .all(|&a| group.classes.iter().all(|&b| get(a, b) == inner))
        && group.classes[1..].iter().all(|&c| {
            [Direction::Ingress, Direction::Egress]
                .iter()
                .all(|&d| externals(d, c) == externals(d, first))
                && (0..classes)
                    .filter(|o| !group.classes.contains(o))
                    .all(|o| get(o, c) == get(o, first) && get(c, o) == get(first, o))
        })
}

/// Adds `pods` or `blocks` with `ports` to the rules of `key`, merging
/// rules with the same ports.
fn add_allow(policies: &mut Policies, key: &Key, ports: Option<BTreeSet<PortEntry>>, peer: Allow) {
    let rules = policies.entry(key.clone()).or_default();
    match rules.iter_mut().find(|a| a.ports == ports && !a.dns) {
        Some(rule) => {
            rule.pods.extend(peer.pods);
            rule.blocks.extend(peer.blocks);
        }
        None => rules.push(Allow { ports, ..peer }),
    }
}

fn from_connlist(
    analysis: &Analysis<'_>,
    ingress: &mut Policies,
    egress: &mut Policies,
    notes: &mut Vec<String>,
) {
    let model = analysis.model;
    let groups = groups(model);
    let mut group_of: BTreeMap<ClassId, usize> = BTreeMap::new();
    for (g, group) in groups.iter().enumerate() {
        for &c in &group.classes {
            group_of.insert(c, g);
        }
    }
    let mut matrix: BTreeMap<(ClassId, ClassId), PortSet> = BTreeMap::new();
    for (src, dst, ports) in connlist::class_connections(analysis) {
        matrix.insert((src, dst), ports);
    }
    // Pods of one class reach each other too, also when one workload
    // holds them all.
    for &c in group_of.keys() {
        let ports = analysis.allowed(Endpoint::Class(c), Endpoint::Class(c));
        if !ports.is_empty() {
            matrix.insert((c, c), ports);
        }
    }
    let externals = |d: Direction, c: ClassId| connlist::external_connections(analysis, d, c);
    let usable: Vec<bool> = groups
        .iter()
        .map(|g| g.classes.len() == 1 || uniform(g, model.classes.len(), &matrix, &externals))
        .collect();
    for (g, group) in groups.iter().enumerate() {
        if !usable[g] {
            let (namespace, selector) = &group.key;
            let names: Vec<String> = group
                .classes
                .iter()
                .flat_map(|&c| model.classes[c].workloads.iter())
                .map(|&w| model.workload_name(w))
                .collect();
            notes.push(format!(
                "No policy is generated for {}: these pods of namespace {} share the\n\
                 labels {} but are allowed different traffic today (their container\n\
                 ports or per-revision labels differ), and no selector can tell them\n\
                 apart. The default deny isolates them; add distinct labels and run\n\
                 generate again.",
                names.join(", "),
                model.namespaces[*namespace].name,
                label_text(&selector.labels),
            ));
        }
    }
    for (&(src, dst), ports) in &matrix {
        let (Some(&gs), Some(&gd)) = (group_of.get(&src), group_of.get(&dst)) else {
            continue;
        };
        if !usable[gs]
            || !usable[gd]
            || groups[gs].classes[0] != src
            || groups[gd].classes[0] != dst
        {
            continue;
        }
        let entries = port_entries(ports);
        let mut from = Allow::default();
        from.pods.insert(groups[gs].key.clone());
        add_allow(ingress, &groups[gd].key, entries.clone(), from);
        let mut to = Allow::default();
        to.pods.insert(groups[gd].key.clone());
        add_allow(egress, &groups[gs].key, entries, to);
    }
    for (g, group) in groups.iter().enumerate() {
        if !usable[g] {
            continue;
        }
        let class = group.classes[0];
        for direction in [Direction::Ingress, Direction::Egress] {
            let target = match direction {
                Direction::Ingress => &mut *ingress,
                Direction::Egress => &mut *egress,
            };
            for (set, ports) in externals(direction, class) {
                let mut peer = Allow::default();
                for range in set.by_family() {
                    peer.blocks.extend(cidrs_of(&range.to_string()));
                }
                add_allow(target, &group.key, port_entries(&ports), peer);
            }
        }
        // Pods whose egress nothing restricts today keep DNS to the
        // cluster's resolver, which is seldom in the input.
        if !analysis.is_isolated(class, Direction::Egress)
            && analysis.admin_policies_of(class).is_empty()
            && analysis.baseline_policies_of(class).is_empty()
        {
            let mut dns = Allow {
                dns: true,
                ..Allow::default()
            };
            let mut ports = BTreeSet::new();
            ports.insert(PortEntry::Number(Protocol::Udp, 53, None));
            ports.insert(PortEntry::Number(Protocol::Tcp, 53, None));
            dns.ports = Some(ports);
            egress.entry(group.key.clone()).or_default().push(dns);
        }
    }
}

fn label_text(labels: &[(String, String)]) -> String {
    if labels.is_empty() {
        return "{}".to_owned();
    }
    let parts: Vec<String> = labels.iter().map(|(k, v)| format!("{k}={v}")).collect();
    parts.join(",")
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
    names: &mut BTreeSet<(NamespaceId, String)>,
    key: &Key,
    allows: &[Allow],
    ingress: bool,
) {
    let (namespace, selector) = key;
    let ns = &model.namespaces[*namespace].name;
    let direction = if ingress { "ingress" } else { "egress" };
    let base = policy_name(selector, direction);
    let mut name = base.clone();
    let mut n = 2;
    while !names.insert((*namespace, name.clone())) {
        name = format!("{base}-{n}");
        n += 1;
    }
    let _ = write!(
        out,
        "---\napiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata:\n  name: {name}\n  \
         namespace: {ns}\nspec:\n  podSelector:\n"
    );
    write_selector(out, "    ", selector);
    let _ = write!(
        out,
        "  policyTypes:\n    - {}\n  {direction}:\n",
        if ingress { "Ingress" } else { "Egress" }
    );
    let peers_field = if ingress { "from" } else { "to" };
    for allow in allows {
        let _ = writeln!(out, "    - {peers_field}:");
        for (peer_ns, peer_selector) in &allow.pods {
            let _ = writeln!(out, "        - namespaceSelector:");
            let _ = writeln!(out, "            matchLabels:");
            let _ = writeln!(
                out,
                "              {NAMESPACE_NAME_LABEL}: {}",
                quote(&model.namespaces[*peer_ns].name)
            );
            let _ = writeln!(out, "          podSelector:");
            write_selector(out, "            ", peer_selector);
        }
        if allow.dns {
            let _ = writeln!(
                out,
                "        - namespaceSelector:\n            matchLabels:\n              \
                 {NAMESPACE_NAME_LABEL}: kube-system\n          podSelector:\n            \
                 matchLabels:\n              k8s-app: kube-dns"
            );
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

fn write_selector(out: &mut String, indent: &str, selector: &PodSel) {
    if selector.labels.is_empty() && selector.absent.is_empty() {
        // An empty selector: every pod of the namespace.
        let _ = writeln!(out, "{indent}matchLabels: {{}}");
        return;
    }
    if !selector.labels.is_empty() {
        let _ = writeln!(out, "{indent}matchLabels:");
        for (k, v) in &selector.labels {
            let _ = writeln!(out, "{indent}  {k}: {}", quote(v));
        }
    }
    if !selector.absent.is_empty() {
        let _ = writeln!(out, "{indent}matchExpressions:");
        for k in &selector.absent {
            let _ = writeln!(
                out,
                "{indent}  - key: {k}\n{indent}    operator: DoesNotExist"
            );
        }
    }
}

/// A DNS-label-safe policy name from the selected labels.
fn policy_name(selector: &PodSel, direction: &str) -> String {
    let labels = &selector.labels;
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
        .unwrap_or(if selector.absent.is_empty() {
            "all-pods"
        } else {
            "unlabelled-pods"
        });
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
