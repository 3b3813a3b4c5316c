use std::borrow::Cow;
use std::collections::{HashMap, hash_map};
use std::fmt;

use crate::arena::Arena;

/// A position in the source: 1-based line and 1-based column, counted in
/// characters.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Pos {
    pub line: u32,
    pub col: u32,
}

impl fmt::Display for Pos {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}", self.line, self.col)
    }
}

/// Index of a node in its [`Document`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct NodeId(pub(crate) u32);

/// A node's value. Collections refer to a range of the document's link table.
#[derive(Clone, Debug, PartialEq)]
pub enum Value<'a> {
    Null,
    Bool(bool),
    Int(i64),
    Float(f64),
    Str(Cow<'a, str>),
    /// `len` children starting at `start` in the link table.
    Seq {
        start: u32,
        len: u32,
    },
    /// `len` key-value pairs starting at `start` in the link table, stored as
    /// key, value, key, value.
    Map {
        start: u32,
        len: u32,
    },
    /// An alias, pointing at the anchored node it names.
    Alias(NodeId),
}

/// One node: its value and where it starts in the source.
#[derive(Clone, Debug)]
pub struct Node<'a> {
    pub value: Value<'a>,
    pub pos: Pos,
}

/// A key written more than once in one mapping, at its second or later
/// occurrence.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DuplicateKey {
    pub pos: Pos,
    /// The key as text.
    pub key: String,
    /// The key's node, to find which part of the document it is in.
    pub node: NodeId,
}

/// One parsed YAML document: an arena of nodes plus the problems found while
/// building it that did not stop the parse.
///
/// Nodes are stored in document order, each collection before its
/// children, so the nodes of a subtree have consecutive ids.
#[derive(Debug, Default)]
pub struct Document<'a> {
    pub(crate) nodes: Arena<Node<'a>>,
    pub(crate) links: Vec<NodeId>,
    pub(crate) root: Option<NodeId>,
    pub(crate) duplicate_keys: Vec<DuplicateKey>,
    /// Merge keys whose value is not a mapping or a sequence of mappings.
    pub(crate) invalid_merges: Vec<Pos>,
    /// Mapping keys that are merge keys (a plain `<<`, or one tagged
    /// `!!merge`), in increasing order. A quoted `"<<"` is an ordinary key
    /// and is not listed.
    pub(crate) merge_keys: Vec<NodeId>,
    /// Position of the document's first line (the `---` marker if any).
    pub start: Pos,
}

/// Most alias hops followed when resolving a node; anchors cannot form
/// longer chains in valid input, so this only stops malformed trees.
const MAX_ALIAS_HOPS: usize = 64;

/// Most merge sources (`<<`) visited during one lookup or one listing of
/// entries. Merged mappings can merge others in turn, and through aliases
/// the same mapping can be reached many times, so without a bound a small
/// document could cost exponential time.
const MAX_MERGE_SOURCES: usize = 256;

impl<'a> Document<'a> {
    /// The root node, or `None` for an empty document (one holding only
    /// comments, or a bare `null`).
    pub fn root(&self) -> Option<NodeRef<'_, 'a>> {
        let root = NodeRef {
            doc: self,
            id: self.root?,
        };
        if root.is_null() { None } else { Some(root) }
    }

    /// Keys that appear more than once in one mapping, at their second and
    /// later occurrences. The last occurrence wins, as in `kubectl`.
    pub fn duplicate_keys(&self) -> &[DuplicateKey] {
        &self.duplicate_keys
    }

    /// Positions of merge keys (`<<`) whose value is not a mapping, an
    /// alias of one, or a sequence of those. go-yaml v2 fails to decode
    /// such a document; kubeward ignores the merge and reads the rest.
    pub fn invalid_merges(&self) -> &[Pos] {
        &self.invalid_merges
    }

    pub(crate) fn is_merge_key(&self, id: NodeId) -> bool {
        self.merge_keys.binary_search(&id).is_ok()
    }

    /// Number of nodes in the arena.
    pub fn node_count(&self) -> usize {
        self.nodes.len()
    }

    fn node(&self, id: NodeId) -> &Node<'a> {
        &self.nodes[id.0 as usize]
    }
}

/// A borrowed view of one node, through which a document is read.
#[derive(Clone, Copy)]
pub struct NodeRef<'d, 'a> {
    pub(crate) doc: &'d Document<'a>,
    pub(crate) id: NodeId,
}

impl fmt::Debug for NodeRef<'_, '_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("NodeRef")
            .field("pos", &self.pos())
            .field("value", self.value())
            .finish()
    }
}

/// One key-value pair of a mapping, with the key's position.
#[derive(Clone, Copy, Debug)]
pub struct Entry<'d, 'a> {
    pub key: NodeRef<'d, 'a>,
    pub value: NodeRef<'d, 'a>,
}

impl<'d> Entry<'d, '_> {
    /// The key as text, when it is a scalar.
    pub fn key_str(&self) -> Option<Cow<'d, str>> {
        self.key.scalar_text()
    }
}

impl<'d, 'a> NodeRef<'d, 'a> {
    /// The node's id, usable to compare nodes of one document.
    pub fn id(&self) -> NodeId {
        self.id
    }

    /// The document this node belongs to.
    pub fn document(&self) -> &'d Document<'a> {
        self.doc
    }

    /// Where this node starts. For an alias, the position of the alias
    /// itself, not of the anchor.
    pub fn pos(&self) -> Pos {
        self.doc.node(self.id).pos
    }

    /// The node's value, with aliases followed to their anchor.
    pub fn value(&self) -> &'d Value<'a> {
        &self.doc.node(self.resolved_id()).value
    }

    fn resolved_id(&self) -> NodeId {
        let mut id = self.id;
        for _ in 0..MAX_ALIAS_HOPS {
            match self.doc.node(id).value {
                Value::Alias(target) => id = target,
                _ => return id,
            }
        }
        id
    }

    /// Returns whether this node is an alias (`*name`) rather than the node
    /// it refers to. Every other accessor follows aliases.
    pub fn is_alias(&self) -> bool {
        matches!(self.doc.node(self.id).value, Value::Alias(_))
    }

    pub fn is_null(&self) -> bool {
        matches!(self.value(), Value::Null | Value::Alias(_))
    }

    pub fn is_map(&self) -> bool {
        matches!(self.value(), Value::Map { .. })
    }

    pub fn is_seq(&self) -> bool {
        matches!(self.value(), Value::Seq { .. })
    }

    pub fn as_str(&self) -> Option<&'d str> {
        match self.value() {
            Value::Str(s) => Some(s.as_ref()),
            _ => None,
        }
    }

    pub fn as_bool(&self) -> Option<bool> {
        match self.value() {
            Value::Bool(b) => Some(*b),
            _ => None,
        }
    }

    /// The value as an integer: an integer, or a float without a fraction
    /// that fits in `i64`. Kubernetes reads `runAsUser: 0.0` as `0`: YAML
    /// to JSON conversion writes the float as `0`, and apimachinery's
    /// unstructured converter stores a float with no fraction in an integer
    /// field.
    pub fn as_i64(&self) -> Option<i64> {
        match self.value() {
            Value::Int(i) => Some(*i),
            Value::Float(f) => integral_float(*f),
            _ => None,
        }
    }

    /// The alias's target when this node is an alias (`*name`).
    pub fn alias_target(&self) -> Option<NodeRef<'d, 'a>> {
        match self.doc.node(self.id).value {
            Value::Alias(_) => Some(NodeRef {
                doc: self.doc,
                id: self.resolved_id(),
            }),
            _ => None,
        }
    }

    /// The nodes of this node's subtree in document order, this node
    /// first. Aliases are listed as they are, not followed.
    pub fn subtree(&self) -> impl Iterator<Item = NodeRef<'d, 'a>> + use<'d, 'a> {
        let doc = self.doc;
        (self.id.0..self.subtree_end().0).map(move |id| NodeRef {
            doc,
            id: NodeId(id),
        })
    }

    /// The item of this sequence whose subtree contains `id`, with its
    /// index. Items are in document order, so a binary search finds it.
    pub fn item_containing(&self, id: NodeId) -> Option<(usize, NodeRef<'d, 'a>)> {
        let doc = self.doc;
        let Value::Seq { start, len } = *self.value() else {
            return None;
        };
        let items = &doc.links[start as usize..(start + len) as usize];
        let index = items.partition_point(|&item| item <= id).checked_sub(1)?;
        let item = NodeRef {
            doc,
            id: items[index],
        };
        item.contains(id).then_some((index, item))
    }

    /// The entry written in this mapping whose key or value subtree
    /// contains `id`. Entries are in document order, so a binary search
    /// finds it.
    pub fn entry_containing(&self, id: NodeId) -> Option<Entry<'d, 'a>> {
        let doc = self.doc;
        let Value::Map { start, len } = *self.value() else {
            return None;
        };
        let pairs = &doc.links[start as usize..(start + 2 * len) as usize];
        // Binary search over the keys, which sit at the even positions.
        let (mut low, mut high) = (0, len as usize);
        while low < high {
            let middle = low + (high - low) / 2;
            if pairs[2 * middle] <= id {
                low = middle + 1;
            } else {
                high = middle;
            }
        }
        let index = low.checked_sub(1)?;
        let entry = Entry {
            key: NodeRef {
                doc,
                id: pairs[2 * index],
            },
            value: NodeRef {
                doc,
                id: pairs[2 * index + 1],
            },
        };
        (entry.key.contains(id) || entry.value.contains(id)).then_some(entry)
    }

    /// The first node written after this node's subtree, if any.
    pub fn next_after_subtree(&self) -> Option<NodeRef<'d, 'a>> {
        let id = self.subtree_end();
        ((id.0 as usize) < self.doc.nodes.len()).then_some(NodeRef { doc: self.doc, id })
    }

    /// A scalar as text: strings as they are, other scalars in the form JSON
    /// would print them. Collections return `None`.
    pub fn scalar_text(&self) -> Option<Cow<'d, str>> {
        match self.value() {
            Value::Str(s) => Some(Cow::Borrowed(s.as_ref())),
            Value::Bool(b) => Some(Cow::Borrowed(if *b { "true" } else { "false" })),
            Value::Int(i) => Some(Cow::Owned(i.to_string())),
            Value::Float(f) => Some(Cow::Owned(f.to_string())),
            Value::Null => Some(Cow::Borrowed("null")),
            _ => None,
        }
    }

    /// A short name of the node's type for messages: "string", "mapping", ...
    pub fn type_name(&self) -> &'static str {
        match self.value() {
            Value::Null | Value::Alias(_) => "null",
            Value::Bool(_) => "boolean",
            Value::Int(_) => "integer",
            Value::Float(_) => "number",
            Value::Str(_) => "string",
            Value::Seq { .. } => "sequence",
            Value::Map { .. } => "mapping",
        }
    }

    /// The items of a sequence; empty for any other node.
    pub fn items(
        &self,
    ) -> impl DoubleEndedIterator<Item = NodeRef<'d, 'a>> + ExactSizeIterator + use<'d, 'a> {
        let doc = self.doc;
        let range = match *self.value() {
            Value::Seq { start, len } => start as usize..(start + len) as usize,
            _ => 0..0,
        };
        doc.links[range].iter().map(move |&id| NodeRef { doc, id })
    }

    /// Number of items of a sequence or entries of a mapping.
    pub fn len(&self) -> usize {
        match *self.value() {
            Value::Seq { len, .. } | Value::Map { len, .. } => len as usize,
            _ => 0,
        }
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The entries written in this mapping, in source order, merge keys
    /// (`<<`) included as they are. Empty for any other node.
    pub fn raw_entries(
        &self,
    ) -> impl DoubleEndedIterator<Item = Entry<'d, 'a>> + ExactSizeIterator + use<'d, 'a> {
        let doc = self.doc;
        let range = match *self.value() {
            Value::Map { start, len } => start as usize..(start + 2 * len) as usize,
            _ => 0..0,
        };
        doc.links[range].chunks_exact(2).map(move |pair| Entry {
            key: NodeRef { doc, id: pair[0] },
            value: NodeRef { doc, id: pair[1] },
        })
    }

    /// The entries of this mapping as go-yaml v2 decodes them into a Go
    /// map: in document order, each entry and each merge (`<<`) setting
    /// its keys over those set before it, so the last writer of a key wins.
    /// A key keeps the place of its first occurrence in the result. Empty
    /// for any other node.
    ///
    /// NOTE: this follows go-yaml v2 (`decode.go` as Kubernetes vendors
    /// it), where a later `<<` overwrites a key written earlier in the
    /// mapping. Loaders that let written keys always win read such a
    /// mapping differently.
    pub fn entries(&self) -> Vec<Entry<'d, 'a>> {
        let mut out = Vec::with_capacity(self.len());
        let mut index = HashMap::new();
        let mut budget = MAX_MERGE_SOURCES;
        self.write_entries(&mut out, &mut index, &mut budget);
        out
    }

    /// Looks up `key` in a mapping. Returns the entry whose value is not null;
    /// a key set to `null` counts as absent, as it does for Kubernetes.
    /// Merge keys count as [`entries`](Self::entries) describes.
    pub fn entry(&self, key: &str) -> Option<Entry<'d, 'a>> {
        let mut budget = MAX_MERGE_SOURCES;
        let found = self.find_entry(key, &mut budget)?;
        if found.value.is_null() {
            None
        } else {
            Some(found)
        }
    }

    /// The value of `key` in a mapping, `None` if absent, null, or if this
    /// node is not a mapping.
    pub fn get(&self, key: &str) -> Option<NodeRef<'d, 'a>> {
        self.entry(key).map(|e| e.value)
    }

    /// Follows a path of mapping keys: `node.path(&["spec", "template"])`.
    pub fn path(&self, keys: &[&str]) -> Option<NodeRef<'d, 'a>> {
        let mut node = *self;
        for key in keys {
            node = node.get(key)?;
        }
        Some(node)
    }

    /// The string value of `key`, if present and a string.
    pub fn get_str(&self, key: &str) -> Option<&'d str> {
        self.get(key)?.as_str()
    }

    /// The boolean value of `key`, if present and a boolean.
    pub fn get_bool(&self, key: &str) -> Option<bool> {
        self.get(key)?.as_bool()
    }

    /// Returns whether `other` lies in the subtree written at this node.
    /// Aliases inside the subtree count as nodes of it, but their targets
    /// do not.
    pub fn contains(&self, other: NodeId) -> bool {
        self.id <= other && other < self.subtree_end()
    }

    /// Returns the first id after this node's subtree. Ids are in document
    /// order with every collection before its children, so the subtree
    /// ends after the subtree of its last child.
    pub(crate) fn subtree_end(&self) -> NodeId {
        let doc = self.doc;
        let mut id = self.id;
        loop {
            let last = match doc.node(id).value {
                Value::Seq { start, len } if len > 0 => start + len - 1,
                Value::Map { start, len } if len > 0 => start + 2 * len - 1,
                _ => return NodeId(id.0.saturating_add(1)),
            };
            id = doc.links[last as usize];
        }
    }

    /// Returns whether this node is a key with the text `key`, in the form
    /// [`Entry::key_str`] gives it.
    fn is_key(&self, key: &str) -> bool {
        match self.value() {
            Value::Str(s) => s == key,
            Value::Map { .. } | Value::Seq { .. } => false,
            _ => self.scalar_text().is_some_and(|text| text == key),
        }
    }

    fn write_entries(
        &self,
        out: &mut Vec<Entry<'d, 'a>>,
        index: &mut HashMap<Option<Cow<'d, str>>, usize>,
        budget: &mut usize,
    ) {
        for entry in self.raw_entries() {
            if !entry.key.is_merge_key() {
                match index.entry(entry.key_str()) {
                    hash_map::Entry::Occupied(slot) => out[*slot.get()] = entry,
                    hash_map::Entry::Vacant(slot) => {
                        slot.insert(out.len());
                        out.push(entry);
                    }
                }
                continue;
            }
            // go-yaml writes the mappings of a merge sequence last to
            // first, so that earlier ones win.
            for source in merge_sources(entry.value).into_iter().rev() {
                if *budget == 0 {
                    return;
                }
                *budget -= 1;
                source.write_entries(out, index, budget);
            }
        }
    }

    /// Finds the last writer of `key`, looking backwards through the
    /// mapping and into merged mappings, within `budget` merge sources.
    fn find_entry(&self, key: &str, budget: &mut usize) -> Option<Entry<'d, 'a>> {
        for entry in self.raw_entries().rev() {
            if !entry.key.is_merge_key() {
                if entry.key.is_key(key) {
                    return Some(entry);
                }
                continue;
            }
            for source in merge_sources(entry.value) {
                if *budget == 0 {
                    return None;
                }
                *budget -= 1;
                if let Some(found) = source.find_entry(key, budget) {
                    return Some(found);
                }
            }
        }
        None
    }

    fn is_merge_key(&self) -> bool {
        self.doc.is_merge_key(self.id)
    }
}

/// Returns `f` as an integer when it has no fraction and fits in `i64`.
fn integral_float(f: f64) -> Option<i64> {
    // 2^63 is exact as an f64; every integral float below it and at or
    // above -2^63 converts without loss.
    const LIMIT: f64 = 9_223_372_036_854_775_808.0;
    if !(f.is_finite() && f.fract() == 0.0 && (-LIMIT..LIMIT).contains(&f)) {
        return None;
    }
    #[allow(
        clippy::cast_possible_truncation,
        reason = "the value is integral and within the i64 range"
    )]
    Some(f as i64)
}

/// Lists the mappings a merge key's value names, earliest first: the value
/// itself, or the mappings of a sequence. Other nodes name none.
fn merge_sources<'d, 'a>(value: NodeRef<'d, 'a>) -> Vec<NodeRef<'d, 'a>> {
    match value.value() {
        Value::Map { .. } => vec![value],
        Value::Seq { .. } => value.items().filter(NodeRef::is_map).collect(),
        _ => Vec::new(),
    }
}
