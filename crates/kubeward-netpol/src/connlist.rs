//! The list of every allowed connection between workloads and external
//! address ranges, and its renderings: text, JSON, CSV, DOT and Mermaid.
//!
//! Connections are computed between pod classes and then listed for each
//! pair of workloads of those classes, so the work grows with the number
//! of distinct classes, not with pods squared. Traffic between the pods of
//! one workload is not listed.

use std::collections::BTreeMap;
use std::fmt::Write;

use serde::Serialize;

use crate::analysis::{Analysis, Endpoint};
use crate::ip::IpSet;
use crate::model::{ClassId, Direction, Model, WorkloadId};
use crate::ports::{PortSet, Protocol};

/// One end of a listed connection.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum End {
    Workload(WorkloadId),
    /// Addresses outside the cluster.
    External(IpSet),
}

/// One allowed connection.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Connection {
    pub src: End,
    pub dst: End,
    pub ports: PortSet,
}

/// Every allowed connection, sorted by source and destination name.
#[derive(Clone, Debug, Default)]
pub struct Connlist {
    pub connections: Vec<Connection>,
    /// Namespaces no Namespace object declares; the engine assumed they
    /// have only the `kubernetes.io/metadata.name` label.
    pub undeclared_namespaces: Vec<String>,
}

/// The connections allowed between classes: `(source, destination,
/// ports)`, with the pairs of one class only when it has two workloads
/// or more.
pub fn class_connections(analysis: &Analysis<'_>) -> Vec<(ClassId, ClassId, PortSet)> {
    let model = analysis.model;
    let all: Vec<ClassId> = (0..model.classes.len()).collect();
    // The destinations each source's egress rules could reach, so that
    // pairs neither side's peers match are never evaluated.
    let reachable: Vec<Option<Vec<ClassId>>> = (0..model.classes.len())
        .map(|src| analysis.candidates(Direction::Egress, src))
        .collect();
    let mut out = Vec::new();
    for dst in 0..model.classes.len() {
        let candidates = analysis.candidates(Direction::Ingress, dst);
        for &src in candidates.as_deref().unwrap_or(&all) {
            if src == dst && model.classes[dst].workloads.len() < 2 {
                continue;
            }
            if reachable[src]
                .as_ref()
                .is_some_and(|reach| reach.binary_search(&dst).is_err())
            {
                continue;
            }
            let ports = analysis.allowed(Endpoint::Class(src), Endpoint::Class(dst));
            if !ports.is_empty() {
                out.push((src, dst, ports));
            }
        }
    }
    out
}

/// What `class` allows with external addresses in `direction`: disjoint
/// address sets, each with the connections allowed to (egress) or from
/// (ingress) every address in it.
pub fn external_connections(
    analysis: &Analysis<'_>,
    direction: Direction,
    class: ClassId,
) -> Vec<(IpSet, PortSet)> {
    let mut bounds = vec![0u128, 1u128 << 32];
    for set in analysis.external_sets(direction, class) {
        set.boundaries(&mut bounds);
    }
    bounds.sort_unstable();
    bounds.dedup();
    let mut by_ports: Vec<(PortSet, IpSet)> = Vec::new();
    for (i, &start) in bounds.iter().enumerate() {
        let end = bounds.get(i + 1).map_or(u128::MAX, |next| next - 1);
        let address = Endpoint::External(start);
        let ports = match direction {
            Direction::Ingress => analysis.allowed(address, Endpoint::Class(class)),
            Direction::Egress => analysis.allowed(Endpoint::Class(class), address),
        };
        if ports.is_empty() {
            continue;
        }
        let range = IpSet::from_bounds(start, end);
        match by_ports.iter_mut().find(|(p, _)| *p == ports) {
            Some((_, set)) => *set = set.union(&range),
            None => by_ports.push((ports, range)),
        }
    }
    by_ports
        .into_iter()
        .map(|(ports, set)| (set, ports))
        .collect()
}

/// Lists every allowed connection of the model.
pub fn connlist(analysis: &Analysis<'_>) -> Connlist {
    let model = analysis.model;
    let mut connections = Vec::new();
    for (src, dst, ports) in class_connections(analysis) {
        for &ws in &model.classes[src].workloads {
            for &wd in &model.classes[dst].workloads {
                if ws != wd {
                    connections.push(Connection {
                        src: End::Workload(ws),
                        dst: End::Workload(wd),
                        ports: ports.clone(),
                    });
                }
            }
        }
    }
    for class in 0..model.classes.len() {
        for direction in [Direction::Ingress, Direction::Egress] {
            for (set, ports) in external_connections(analysis, direction, class) {
                for &w in &model.classes[class].workloads {
                    let (src, dst) = match direction {
                        Direction::Ingress => (End::External(set.clone()), End::Workload(w)),
                        Direction::Egress => (End::Workload(w), End::External(set.clone())),
                    };
                    connections.push(Connection {
                        src,
                        dst,
                        ports: ports.clone(),
                    });
                }
            }
        }
    }
    let mut keyed: Vec<(String, String, Connection)> = connections
        .into_iter()
        .map(|c| (end_name(model, &c.src), end_name(model, &c.dst), c))
        .collect();
    keyed.sort_by(|a, b| (&a.0, &a.1).cmp(&(&b.0, &b.1)));
    Connlist {
        connections: keyed.into_iter().map(|(_, _, c)| c).collect(),
        undeclared_namespaces: model
            .undeclared_namespaces()
            .into_iter()
            .map(str::to_owned)
            .collect(),
    }
}

/// The name of an end: `Kind/namespace/name`, or the address ranges.
pub fn end_name(model: &Model, end: &End) -> String {
    match end {
        End::Workload(w) => model.workload_name(*w),
        End::External(set) => set.to_string(),
    }
}

/// `src => dst : ports`, one line per connection.
pub fn render_text(model: &Model, list: &Connlist) -> String {
    let mut out = String::new();
    for c in &list.connections {
        let _ = writeln!(
            out,
            "{} => {} : {}",
            end_name(model, &c.src),
            end_name(model, &c.dst),
            c.ports
        );
    }
    out
}

/// `src,dst,ports` with a header line; fields are quoted as RFC 4180 says.
pub fn render_csv(model: &Model, list: &Connlist) -> String {
    let mut out = String::from("src,dst,ports\n");
    for c in &list.connections {
        let _ = writeln!(
            out,
            "{},{},{}",
            csv_field(&end_name(model, &c.src)),
            csv_field(&end_name(model, &c.dst)),
            csv_field(&c.ports.to_string())
        );
    }
    out
}

fn csv_field(text: &str) -> String {
    if text.contains([',', '"', '\n']) {
        format!("\"{}\"", text.replace('"', "\"\""))
    } else {
        text.to_owned()
    }
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct JsonList<'a> {
    /// Namespaces assumed to have only their name label.
    undeclared_namespaces: &'a [String],
    connections: Vec<JsonConnection>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct JsonConnection {
    src: JsonEnd,
    dst: JsonEnd,
    /// The connections as text, such as `TCP 80; UDP 53`, or `all`.
    ports: String,
    /// Port ranges per protocol, each `[first, last]`.
    protocols: BTreeMap<Protocol, Vec<(u16, u16)>>,
    /// Whether protocols other than TCP, UDP and SCTP are allowed.
    other_protocols: bool,
}

#[derive(Serialize)]
#[serde(untagged)]
enum JsonEnd {
    Workload {
        kind: String,
        namespace: String,
        name: String,
    },
    External {
        external: Vec<String>,
    },
}

/// One JSON document: `{"undeclaredNamespaces": [...], "connections": [...]}`.
pub fn render_json(model: &Model, list: &Connlist) -> String {
    let end = |end: &End| match end {
        End::Workload(w) => {
            let workload = &model.workloads[*w];
            JsonEnd::Workload {
                kind: workload.kind.clone(),
                namespace: model.namespaces[workload.namespace].name.clone(),
                name: workload.name.clone(),
            }
        }
        End::External(set) => JsonEnd::External {
            external: set.by_family().iter().map(ToString::to_string).collect(),
        },
    };
    let connections = list
        .connections
        .iter()
        .map(|c| JsonConnection {
            src: end(&c.src),
            dst: end(&c.dst),
            ports: c.ports.to_string(),
            protocols: Protocol::ALL
                .into_iter()
                .filter(|p| !c.ports.ports(*p).is_empty())
                .map(|p| (p, c.ports.ports(p).ranges().to_vec()))
                .collect(),
            other_protocols: c.ports.other_protocols(),
        })
        .collect();
    let doc = JsonList {
        undeclared_namespaces: &list.undeclared_namespaces,
        connections,
    };
    let mut text = serde_json::to_string_pretty(&doc).expect("the connection list serialises");
    text.push('\n');
    text
}

/// Node ids for graph formats: one per distinct end name, in first-use
/// order.
/// Each node is its name and whether it is an external range.
type Graph = (Vec<(String, bool)>, Vec<(usize, usize, String)>);

fn graph_nodes(model: &Model, list: &Connlist) -> Graph {
    let mut names: Vec<(String, bool)> = Vec::new();
    let mut index: BTreeMap<String, usize> = BTreeMap::new();
    let mut id_of = |end: &End| -> usize {
        let name = end_name(model, end);
        if let Some(&id) = index.get(&name) {
            return id;
        }
        names.push((name.clone(), matches!(end, End::External(_))));
        index.insert(name, names.len() - 1);
        names.len() - 1
    };
    let mut edges = Vec::new();
    for c in &list.connections {
        let s = id_of(&c.src);
        let d = id_of(&c.dst);
        edges.push((s, d, c.ports.to_string()));
    }
    (names, edges)
}

/// A Graphviz `digraph`: workloads as boxes, external ranges as ovals.
pub fn render_dot(model: &Model, list: &Connlist) -> String {
    let (names, edges) = graph_nodes(model, list);
    let mut out =
        String::from("digraph connlist {\n  rankdir=LR;\n  node [fontname=\"Helvetica\"];\n");
    for (i, (name, external)) in names.iter().enumerate() {
        let shape = if *external { "oval" } else { "box" };
        let _ = writeln!(
            out,
            "  n{i} [label=\"{}\", shape={shape}];",
            dot_escape(name)
        );
    }
    for (s, d, label) in edges {
        let _ = writeln!(out, "  n{s} -> n{d} [label=\"{}\"];", dot_escape(&label));
    }
    out.push_str("}\n");
    out
}

fn dot_escape(text: &str) -> String {
    text.replace('\\', "\\\\").replace('"', "\\\"")
}

/// A Mermaid `flowchart`.
pub fn render_mermaid(model: &Model, list: &Connlist) -> String {
    let (names, edges) = graph_nodes(model, list);
    let mut out = String::from("flowchart LR\n");
    for (i, (name, external)) in names.iter().enumerate() {
        let (open, close) = if *external { ("([", "])") } else { ("[", "]") };
        let _ = writeln!(out, "  n{i}{open}\"{}\"{close}", mermaid_escape(name));
    }
    for (s, d, label) in edges {
        let _ = writeln!(out, "  n{s} -->|\"{}\"| n{d}", mermaid_escape(&label));
    }
    out
}

fn mermaid_escape(text: &str) -> String {
    text.replace('"', "#quot;")
}
