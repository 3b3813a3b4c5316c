//! Copying one object out of a document, for analyses that keep objects
//! after their file has been scanned.

use std::borrow::Cow;
use std::collections::HashMap;

use crate::arena::Arena;
use crate::node::{Document, Node, NodeId, Value};

impl Document<'_> {
    /// Copies the subtree at `root` into a document that owns its text.
    /// Alias targets outside the subtree are copied too, so the copy reads
    /// the same as the original. Entries of the root mapping whose key is
    /// in `skip` are left out, which keeps values such as a Secret's `data`
    /// out of the copy entirely.
    pub fn extract(&self, root: NodeId, skip: &[&str]) -> Document<'static> {
        // A subtree is the id range from its root to `subtree_end`, so the
        // new id of a node inside it is found by index. Only alias targets
        // outside it need a map.
        let end = crate::NodeRef {
            doc: self,
            id: root,
        }
        .subtree_end();
        let size = end.0.saturating_sub(root.0) as usize;
        let mut out = Document {
            nodes: Arena::with_capacity(size),
            links: Vec::with_capacity(size),
            root: Some(NodeId(0)),
            start: self.start,
            ..Document::default()
        };
        let mut copied = Copied {
            root,
            inside: vec![NOT_COPIED; size],
            outside: HashMap::new(),
        };
        let mut aliases: Vec<(NodeId, NodeId)> = Vec::new();
        // Pre-order walk: (node to copy, link slot that receives its new id).
        let mut stack: Vec<(NodeId, Option<usize>)> = vec![(root, None)];
        while let Some((old, slot)) = stack.pop() {
            let new = if let Some(done) = copied.get(old) {
                done
            } else {
                let new = out.next_id();
                copied.insert(old, new);
                self.copy_node(old, old == root, skip, &mut out, &mut stack, &mut aliases);
                new
            };
            if let Some(slot) = slot {
                out.links[slot] = new;
            }
        }
        for (alias, target) in aliases {
            let target = copied.get(target).unwrap_or(alias);
            out.nodes[alias.0 as usize].value = Value::Alias(target);
        }
        out.merge_keys.sort_unstable();
        out
    }

    fn copy_node(
        &self,
        old: NodeId,
        is_root: bool,
        skip: &[&str],
        out: &mut Document<'static>,
        stack: &mut Vec<(NodeId, Option<usize>)>,
        aliases: &mut Vec<(NodeId, NodeId)>,
    ) {
        let node = &self.nodes[old.0 as usize];
        let new = out.next_id();
        if self.is_merge_key(old) {
            out.merge_keys.push(new);
        }
        let value = match &node.value {
            Value::Null => Value::Null,
            Value::Bool(b) => Value::Bool(*b),
            Value::Int(i) => Value::Int(*i),
            Value::Float(f) => Value::Float(*f),
            Value::Str(s) => Value::Str(Cow::Owned(s.to_string())),
            Value::Alias(target) => {
                aliases.push((new, *target));
                stack.push((*target, None));
                Value::Null
            }
            Value::Seq { start, len } => {
                let children = &self.links[*start as usize..(*start + *len) as usize];
                let new_start = reserve(out, children.len());
                push_children(stack, children.iter().copied(), new_start);
                Value::Seq {
                    start: new_start as u32,
                    len: *len,
                }
            }
            Value::Map { start, len } => {
                let links = &self.links[*start as usize..(*start + 2 * *len) as usize];
                let skips = is_root
                    && !skip.is_empty()
                    && links.iter().step_by(2).any(|&key| self.key_in(key, skip));
                let kept: Cow<'_, [NodeId]> = if skips {
                    let pairs = links
                        .chunks_exact(2)
                        .filter(|pair| !self.key_in(pair[0], skip))
                        .flatten();
                    Cow::Owned(pairs.copied().collect())
                } else {
                    Cow::Borrowed(links)
                };
                let new_start = reserve(out, kept.len());
                push_children(stack, kept.iter().copied(), new_start);
                Value::Map {
                    start: new_start as u32,
                    len: (kept.len() / 2) as u32,
                }
            }
        };
        out.nodes.push(Node {
            value,
            pos: node.pos,
        });
    }

    /// The first and last line on which a node of this document starts.
    pub fn line_range(&self) -> Option<(u32, u32)> {
        (0..self.nodes.len()).map(|i| self.nodes[i].pos.line).fold(
            None,
            |range, line| match range {
                None => Some((line, line)),
                Some((first, last)) => Some((first.min(line), last.max(line))),
            },
        )
    }

    fn key_in(&self, key: NodeId, skip: &[&str]) -> bool {
        matches!(&self.nodes[key.0 as usize].value, Value::Str(s) if skip.contains(&s.as_ref()))
    }

    fn next_id(&self) -> NodeId {
        NodeId(u32::try_from(self.nodes.len()).unwrap_or(u32::MAX))
    }
}

/// Marks a node of the subtree that is not copied yet.
const NOT_COPIED: u32 = u32::MAX;

/// The new id of each node copied so far.
struct Copied {
    root: NodeId,
    /// New ids of the subtree's nodes, by id minus the root's.
    inside: Vec<u32>,
    /// New ids of alias targets outside the subtree.
    outside: HashMap<NodeId, NodeId>,
}

impl Copied {
    fn slot(&self, old: NodeId) -> Option<usize> {
        let index = old.0.checked_sub(self.root.0)? as usize;
        (index < self.inside.len()).then_some(index)
    }

    fn get(&self, old: NodeId) -> Option<NodeId> {
        match self.slot(old) {
            Some(index) => Some(self.inside[index])
                .filter(|&id| id != NOT_COPIED)
                .map(NodeId),
            None => self.outside.get(&old).copied(),
        }
    }

    fn insert(&mut self, old: NodeId, new: NodeId) {
        match self.slot(old) {
            Some(index) => self.inside[index] = new.0,
            None => {
                self.outside.insert(old, new);
            }
        }
    }
}

/// Reserves `count` link slots and returns the first.
fn reserve(out: &mut Document<'static>, count: usize) -> usize {
    let start = out.links.len();
    out.links.resize(start + count, NodeId(0));
    start
}

/// Pushes children so that they are popped in order, each with its slot.
fn push_children(
    stack: &mut Vec<(NodeId, Option<usize>)>,
    children: impl DoubleEndedIterator<Item = NodeId> + ExactSizeIterator,
    first_slot: usize,
) {
    for (offset, child) in children.enumerate().rev() {
        stack.push((child, Some(first_slot + offset)));
    }
}

#[cfg(test)]
mod tests {
    use crate::{Chunk, parse_document};

    fn parse(text: &str) -> crate::Document<'_> {
        let mut parsed = parse_document(Chunk {
            text,
            first_line: 1,
        });
        assert!(parsed.error.is_none(), "{:?}", parsed.error);
        parsed.documents.remove(0)
    }

    #[test]
    fn copies_subtree_with_positions() {
        let doc = parse(
            "items:\n  - kind: Pod\n    metadata: {name: a}\n  - kind: Pod\n    metadata: {name: b}\n",
        );
        let second = doc
            .root()
            .unwrap()
            .get("items")
            .unwrap()
            .items()
            .nth(1)
            .unwrap();
        let copy = doc.extract(second.id(), &[]);
        let root = copy.root().unwrap();
        assert_eq!(root.get_str("kind"), Some("Pod"));
        assert_eq!(
            root.path(&["metadata", "name"]).and_then(|n| n.as_str()),
            Some("b")
        );
        assert_eq!(root.entry("kind").unwrap().key.pos().line, 4);
    }

    #[test]
    fn follows_aliases_and_merges() {
        let doc = parse("base: &b {x: 1}\nobj:\n  <<: *b\n  z: *b\n");
        let obj = doc.root().unwrap().get("obj").unwrap();
        let copy = doc.extract(obj.id(), &[]);
        let root = copy.root().unwrap();
        assert_eq!(root.get("x").and_then(|n| n.as_i64()), Some(1));
        assert_eq!(root.path(&["z", "x"]).and_then(|n| n.as_i64()), Some(1));
    }

    #[test]
    fn inner_aliases_share_one_copy() {
        let doc = parse("other: 1\nobj:\n  a: &x [1, 2]\n  b: *x\n  c: *x\n");
        let obj = doc.root().unwrap().get("obj").unwrap();
        let copy = doc.extract(obj.id(), &[]);
        let root = copy.root().unwrap();
        // The mapping, three keys, the sequence, its two items and two aliases.
        assert_eq!(copy.node_count(), 9);
        for key in ["a", "b", "c"] {
            let items: Vec<_> = root
                .get(key)
                .unwrap()
                .items()
                .filter_map(|n| n.as_i64())
                .collect();
            assert_eq!(items, [1, 2], "{key}");
        }
        assert_eq!(
            root.get("c").unwrap().alias_target().map(|n| n.id()),
            root.get("a").map(|n| n.id())
        );
    }

    #[test]
    fn skips_root_keys() {
        let doc = parse("kind: Secret\ndata:\n  password: aHVudGVyMg==\nmetadata: {name: s}\n");
        let copy = doc.extract(doc.root().unwrap().id(), &["data", "stringData"]);
        let root = copy.root().unwrap();
        assert!(root.get("data").is_none());
        assert_eq!(
            root.path(&["metadata", "name"]).and_then(|n| n.as_str()),
            Some("s")
        );
    }
}
