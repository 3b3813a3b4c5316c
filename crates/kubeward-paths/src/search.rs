//! Finding the cheapest path from every entry point to every target.

use std::cmp::Reverse;
use std::collections::BinaryHeap;

use crate::graph::{EdgeId, Graph, Node, NodeId, Target};

/// Cost of a step that needs only the configuration.
const STEP_COST: u32 = 1;
/// Cost of a step that needs a flaw in an application: a path through
/// one is taken only when no path of fewer than this many plain steps
/// exists.
const EXPLOIT_COST: u32 = 10;

/// One step of a path: the edge taken.
pub type Step = EdgeId;

/// A way from an entry point to a target.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Path {
    pub entry: NodeId,
    pub target: Target,
    pub steps: Vec<Step>,
    /// Whether a step needs a flaw in an application.
    pub exploit: bool,
}

impl Graph {
    /// The cheapest path from each entry point to each target it reaches,
    /// ranked: most severe target first, then paths that need no
    /// application flaw, then shorter paths. Cluster-admin includes every
    /// other target, so an entry point that reaches it gets no other path
    /// unless that path needs no application flaw and the one to
    /// cluster-admin does.
    pub fn paths(&self) -> Vec<Path> {
        let mut out = Vec::new();
        for (entry, node) in self.nodes.iter().enumerate() {
            if node.is_entry() {
                out.extend(subsume(self.paths_from(entry)));
            }
        }
        out.sort_by(|a, b| {
            (a.target, a.exploit, a.steps.len())
                .cmp(&(b.target, b.exploit, b.steps.len()))
                .then_with(|| {
                    self.nodes[a.entry]
                        .short()
                        .cmp(&self.nodes[b.entry].short())
                })
        });
        out
    }

    /// Dijkstra's shortest paths from `entry`, one per target reached.
    fn paths_from(&self, entry: NodeId) -> Vec<Path> {
        let mut cost = vec![u32::MAX; self.nodes.len()];
        let mut via: Vec<Option<EdgeId>> = vec![None; self.nodes.len()];
        let mut queue = BinaryHeap::new();
        cost[entry] = 0;
        queue.push(Reverse((0, entry)));
        while let Some(Reverse((c, node))) = queue.pop() {
            if c > cost[node] {
                continue;
            }
            // A path ends at its target; entry points are never passed
            // through.
            if matches!(self.nodes[node], Node::Target(_))
                || (node != entry && self.nodes[node].is_entry())
            {
                continue;
            }
            for &e in &self.out[node] {
                let edge = &self.edges[e];
                let step = if edge.exploit {
                    EXPLOIT_COST
                } else {
                    STEP_COST
                };
                let next = c + step;
                if next < cost[edge.to] {
                    cost[edge.to] = next;
                    via[edge.to] = Some(e);
                    queue.push(Reverse((next, edge.to)));
                }
            }
        }
        let mut out = Vec::new();
        for (node, kind) in self.nodes.iter().enumerate() {
            let Node::Target(target) = kind else {
                continue;
            };
            if cost[node] == u32::MAX {
                continue;
            }
            let mut steps = Vec::new();
            let mut at = node;
            while let Some(e) = via[at] {
                steps.push(e);
                at = self.edges[e].from;
            }
            steps.reverse();
            let exploit = steps.iter().any(|&e| self.edges[e].exploit);
            out.push(Path {
                entry,
                target: *target,
                steps,
                exploit,
            });
        }
        out
    }
}

/// Drops the paths of one entry point that its path to cluster-admin
/// makes redundant.
fn subsume(mut paths: Vec<Path>) -> Vec<Path> {
    let admin = paths
        .iter()
        .find(|p| p.target == Target::ClusterAdmin)
        .map(|p| p.exploit);
    if let Some(admin_exploit) = admin {
        paths.retain(|p| p.target == Target::ClusterAdmin || (admin_exploit && !p.exploit));
    }
    paths
}
