use std::borrow::Cow;
use std::collections::{HashMap, hash_map};
use std::fmt;

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
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
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

/// One parsed YAML document: an arena of nodes plus the problems found while
/// building it that did not stop the parse.
#[derive(Debug, Default)]
pub struct Document<'a> {
    pub(crate) nodes: Vec<Node<'a>>,
    pub(crate) links: Vec<NodeId>,
    pub(crate) root: Option<NodeId>,
    pub(crate) duplicate_keys: Vec<(Pos, String)>,
    /// Plain `<<` keys, which are merge keys; a quoted `"<<"` is an ordinary
    /// key and is not listed.
    pub(crate) merge_keys: Vec<NodeId>,
    /// Position of the document's first line (the `---` marker if any).
    pub start: Pos,
}

/// Most alias hops followed when resolving a node; anchors cannot form
/// longer chains in valid input, so this only stops malformed trees.
const MAX_ALIAS_HOPS: usize = 64;

/// Most merge sources (`<<`) visited during one key lookup.
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
    pub fn duplicate_keys(&self) -> &[(Pos, String)] {
        &self.duplicate_keys
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
    doc: &'d Document<'a>,
    id: NodeId,
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

    pub fn as_i64(&self) -> Option<i64> {
        match self.value() {
            Value::Int(i) => Some(*i),
            _ => None,
        }
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
    pub fn items(&self) -> impl Iterator<Item = NodeRef<'d, 'a>> + use<'d, 'a> {
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
    pub fn raw_entries(&self) -> impl Iterator<Item = Entry<'d, 'a>> + use<'d, 'a> {
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

    /// The entries of this mapping as a YAML 1.1 loader sees them: merge keys
    /// expanded, and for a key written twice only its last occurrence.
    pub fn entries(&self) -> Vec<Entry<'d, 'a>> {
        let mut out: Vec<Entry<'d, 'a>> = Vec::with_capacity(self.len());
        let mut index: HashMap<Option<Cow<'d, str>>, usize> = HashMap::new();
        let mut merged: Vec<Entry<'d, 'a>> = Vec::new();
        for entry in self.raw_entries() {
            if entry.key.is_merge_key() {
                Self::collect_merged(entry.value, &mut merged, &mut 0);
                continue;
            }
            match index.entry(entry.key_str()) {
                hash_map::Entry::Occupied(slot) => out[*slot.get()] = entry,
                hash_map::Entry::Vacant(slot) => {
                    slot.insert(out.len());
                    out.push(entry);
                }
            }
        }
        for entry in merged {
            if let hash_map::Entry::Vacant(slot) = index.entry(entry.key_str()) {
                slot.insert(out.len());
                out.push(entry);
            }
        }
        out
    }

    /// Looks up `key` in a mapping. Returns the entry whose value is not null;
    /// a key set to `null` counts as absent, as it does for Kubernetes.
    pub fn entry(&self, key: &str) -> Option<Entry<'d, 'a>> {
        let found = self.find_entry(key, &mut 0)?;
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

    fn find_entry(&self, key: &str, budget: &mut usize) -> Option<Entry<'d, 'a>> {
        let mut explicit = None;
        let mut merges = Vec::new();
        for entry in self.raw_entries() {
            if entry.key.is_merge_key() {
                merges.push(entry.value);
            } else if entry.key_str().as_deref() == Some(key) {
                explicit = Some(entry);
            }
        }
        if explicit.is_some() {
            return explicit;
        }
        for source in merges {
            if let Some(found) = Self::find_in_merge_source(source, key, budget) {
                return Some(found);
            }
        }
        None
    }

    fn find_in_merge_source(
        source: NodeRef<'d, 'a>,
        key: &str,
        budget: &mut usize,
    ) -> Option<Entry<'d, 'a>> {
        *budget += 1;
        if *budget > MAX_MERGE_SOURCES {
            return None;
        }
        match source.value() {
            Value::Map { .. } => source.find_entry(key, budget),
            // In a list of merge sources, earlier mappings take precedence.
            Value::Seq { .. } => source
                .items()
                .filter(NodeRef::is_map)
                .find_map(|m| m.find_entry(key, budget)),
            _ => None,
        }
    }

    fn collect_merged(source: NodeRef<'d, 'a>, out: &mut Vec<Entry<'d, 'a>>, budget: &mut usize) {
        *budget += 1;
        if *budget > MAX_MERGE_SOURCES {
            return;
        }
        let maps: Vec<NodeRef<'d, 'a>> = match source.value() {
            Value::Map { .. } => vec![source],
            Value::Seq { .. } => source.items().filter(NodeRef::is_map).collect(),
            _ => Vec::new(),
        };
        // Earlier sources win, so a key already collected is kept; the
        // caller drops collected keys that the mapping itself sets.
        for map in maps {
            out.extend(map.entries());
        }
    }

    fn is_merge_key(&self) -> bool {
        !self.doc.merge_keys.is_empty() && self.doc.merge_keys.contains(&self.id)
    }
}
