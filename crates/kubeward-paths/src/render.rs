//! Paths as text, JSON, Graphviz DOT and Mermaid.

use std::collections::BTreeSet;
use std::fmt::Write;

use serde_json::{Value, json};

use crate::graph::{Edge, Graph, Node};
use crate::search::Path;

/// Renders each path as a numbered chain, one step per line with its reason, the
/// place behind it and the rule that reports it.
pub fn text(graph: &Graph, paths: &[Path]) -> String {
    if paths.is_empty() {
        return "no attack path from an entry point to cluster-admin, all Secrets, a node or \
                etcd\n"
            .to_owned();
    }
    let mut out = String::new();
    for (rank, path) in paths.iter().enumerate() {
        let _ = writeln!(out, "{}. {}", rank + 1, headline(graph, path));
        let _ = writeln!(out, "   {}", graph.nodes[path.entry].describe());
        for &step in &path.steps {
            let edge = &graph.edges[step];
            let _ = writeln!(out, "   -> {}", graph.nodes[edge.to].describe());
            let _ = writeln!(out, "      because {}", edge.reason);
            if let Some(place) = place(edge) {
                let _ = writeln!(out, "      {place}");
            }
        }
        out.push('\n');
    }
    let _ = writeln!(
        out,
        "{} attack path{}",
        paths.len(),
        if paths.len() == 1 { "" } else { "s" }
    );
    out
}

/// "any pod -> cluster-admin in 3 steps", with "(needs an application
/// flaw)" when a step does.
pub fn headline(graph: &Graph, path: &Path) -> String {
    let steps = path.steps.len();
    format!(
        "{} -> {} in {steps} step{}{}",
        graph.nodes[path.entry].short(),
        path.target.name(),
        if steps == 1 { "" } else { "s" },
        if path.exploit {
            " (needs a flaw in an exposed application)"
        } else {
            ""
        }
    )
}

/// Renders the chain of a path on one line: "any pod -> reach Deployment ns/x ->
/// ServiceAccount ns/x -> ... -> cluster-admin".
pub fn chain(graph: &Graph, path: &Path) -> String {
    let mut parts = vec![graph.nodes[path.entry].short()];
    parts.extend(
        path.steps
            .iter()
            .map(|&s| graph.nodes[graph.edges[s].to].short()),
    );
    parts.join(" -> ")
}

/// `at file:line:column path [rule]`, when the edge has a place or a
/// rule.
fn place(edge: &Edge) -> Option<String> {
    let mut out = String::new();
    if let Some(site) = &edge.site {
        let _ = write!(
            out,
            "at {}:{}:{} {}",
            site.file, site.pos.line, site.pos.col, site.path
        );
    }
    if let Some(rule) = edge.rule {
        if !out.is_empty() {
            out.push(' ');
        }
        let _ = write!(out, "[{rule}]");
    }
    (!out.is_empty()).then_some(out)
}

fn node_json(node: &Node) -> Value {
    json!({ "kind": node.kind(), "label": node.short(), "description": node.describe() })
}

/// Renders one JSON document: `{"version": 1, "paths": [...]}`, each path with
/// its rank, entry, target and steps.
pub fn json(graph: &Graph, paths: &[Path]) -> String {
    let paths: Vec<Value> = paths
        .iter()
        .enumerate()
        .map(|(rank, path)| {
            let steps: Vec<Value> = path
                .steps
                .iter()
                .map(|&s| {
                    let edge = &graph.edges[s];
                    let mut step = json!({
                        "from": node_json(&graph.nodes[edge.from]),
                        "to": node_json(&graph.nodes[edge.to]),
                        "reason": edge.reason,
                        "rule": edge.rule,
                        "exploit": edge.exploit,
                    });
                    if let Some(site) = &edge.site {
                        step["location"] = json!({
                            "file": site.file,
                            "line": site.pos.line,
                            "column": site.pos.col,
                            "path": site.path,
                        });
                    }
                    step
                })
                .collect();
            json!({
                "rank": rank + 1,
                "entry": node_json(&graph.nodes[path.entry]),
                "target": path.target.id(),
                "exploit": path.exploit,
                "steps": steps,
            })
        })
        .collect();
    let mut text = serde_json::to_string_pretty(&json!({ "version": 1, "paths": paths }))
        .expect("JSON values serialise");
    text.push('\n');
    text
}

/// Collects the nodes and edges that some path uses, in a stable order.
fn used(graph: &Graph, paths: &[Path]) -> (BTreeSet<usize>, BTreeSet<usize>) {
    let mut nodes = BTreeSet::new();
    let mut edges = BTreeSet::new();
    for path in paths {
        nodes.insert(path.entry);
        for &step in &path.steps {
            edges.insert(step);
            nodes.insert(graph.edges[step].to);
        }
    }
    (nodes, edges)
}

/// Returns a short edge label: the rule behind the step, or its reason cut short.
fn edge_label(edge: &Edge) -> String {
    if let Some(rule) = edge.rule {
        return rule.to_owned();
    }
    let mut label: String = edge.reason.chars().take(40).collect();
    if edge.reason.chars().count() > 40 {
        label.push_str("...");
    }
    label
}

/// Renders a Graphviz digraph of every node and edge on some path.
pub fn dot(graph: &Graph, paths: &[Path]) -> String {
    let (nodes, edges) = used(graph, paths);
    let mut out = String::from("digraph attack_paths {\n  rankdir=LR;\n  node [shape=box];\n");
    for id in nodes {
        let node = &graph.nodes[id];
        let shape = match node {
            Node::Target(_) => ", shape=doubleoctagon",
            n if n.is_entry() => ", shape=ellipse",
            _ => "",
        };
        let _ = writeln!(
            out,
            "  n{id} [label=\"{}\"{shape}];",
            dot_escape(&node.short())
        );
    }
    for id in edges {
        let edge = &graph.edges[id];
        let style = if edge.exploit { ", style=dashed" } else { "" };
        let _ = writeln!(
            out,
            "  n{} -> n{} [label=\"{}\"{style}];",
            edge.from,
            edge.to,
            dot_escape(&edge_label(edge))
        );
    }
    out.push_str("}\n");
    out
}

fn dot_escape(text: &str) -> String {
    text.replace('\\', "\\\\").replace('"', "\\\"")
}

/// Renders a Mermaid flowchart of every node and edge on some path.
pub fn mermaid(graph: &Graph, paths: &[Path]) -> String {
    let (nodes, edges) = used(graph, paths);
    let mut out = String::from("flowchart LR\n");
    for id in nodes {
        let node = &graph.nodes[id];
        let label = mermaid_escape(&node.short());
        let _ = match node {
            Node::Target(_) => writeln!(out, "  n{id}{{{{\"{label}\"}}}}"),
            n if n.is_entry() => writeln!(out, "  n{id}([\"{label}\"])"),
            _ => writeln!(out, "  n{id}[\"{label}\"]"),
        };
    }
    for id in edges {
        let edge = &graph.edges[id];
        let arrow = if edge.exploit { "-.->" } else { "-->" };
        let _ = writeln!(
            out,
            "  n{} {arrow}|\"{}\"| n{}",
            edge.from,
            mermaid_escape(&edge_label(edge)),
            edge.to
        );
    }
    out
}

/// Mermaid labels in double quotes take `#quot;` for a quote.
fn mermaid_escape(text: &str) -> String {
    text.replace('"', "#quot;")
}
