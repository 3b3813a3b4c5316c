//! Building [`Document`] trees from `saphyr-parser` events.

use std::borrow::Cow;
use std::collections::{HashMap, HashSet};

use saphyr_parser::{Event, Marker, ScalarStyle, Tag};

use crate::arena::Arena;
use crate::node::{Document, DuplicateKey, Node, NodeId, Pos, Value};
use crate::parse::ParseError;
use crate::scalar::{resolve_plain, resolve_tagged};

/// Deepest nesting of collections accepted in one document. go-yaml v2
/// (v2.4.0, `max_flow_level` and `max_indents`), which Kubernetes uses,
/// stops at the same depth.
pub const MAX_DEPTH: usize = 10_000;

/// Bytes of typical manifest text per node, measured on Deployments as
/// `kubectl` prints them (about 9.5); a lower guess wastes little.
const BYTES_PER_NODE: usize = 12;

/// Upper bound on the nodes reserved before parsing, so that a document
/// made of one huge scalar does not reserve memory it never uses.
const MAX_NODE_ESTIMATE: usize = 4096;

/// Mappings with at most this many entries are checked for duplicate keys
/// by comparing every pair, which is faster than hashing for small sizes.
const PAIRWISE_DUPLICATE_CHECK: usize = 8;

/// A collection still being built.
struct Frame {
    node: NodeId,
    is_map: bool,
    /// Index in `pending` of this collection's first child.
    first_child: usize,
    /// Whether an anchor names this collection, so aliases need its size.
    anchored: bool,
    /// Nodes a decoder visits for the children so far, aliases expanded.
    expanded_children: u64,
}

/// Counts of nodes a decoder visits, to apply go-yaml v2's limit on
/// aliasing (`allowedAliasRatio` in its `decode.go`, v2.4.0), which stops
/// alias bombs in `kubectl`.
///
/// NOTE: go-yaml counts its own decode calls, which skip merge keys and
/// the sequence around merged mappings. These counts include them, so a
/// document at the very edge of the limit may be judged differently.
#[derive(Default)]
struct AliasBudget {
    /// Nodes visited so far in document order, aliases expanded.
    visited: u64,
    /// The part of `visited` reached through aliases.
    through_aliases: u64,
}

impl AliasBudget {
    /// Below 400,000 visited nodes, 99% may come through aliases; above
    /// 4,000,000 only 10%; in between the share falls linearly.
    fn allowed_share(&self) -> f64 {
        const LOW: u64 = 400_000;
        const HIGH: u64 = 4_000_000;
        match self.visited {
            v if v <= LOW => 0.99,
            v if v >= HIGH => 0.10,
            #[allow(clippy::cast_precision_loss, reason = "v is below 4,000,000")]
            v => 0.99 - 0.89 * ((v - LOW) as f64 / (HIGH - LOW) as f64),
        }
    }

    #[allow(clippy::cast_precision_loss, reason = "a ratio needs no exact counts")]
    fn is_exceeded(&self) -> bool {
        self.through_aliases > 100
            && self.visited > 1000
            && self.through_aliases as f64 / self.visited as f64 > self.allowed_share()
    }
}

/// Turns parser events into [`Document`]s. Both parsers feed it, the
/// libyaml one through events converted to `saphyr-parser`'s type.
pub(crate) struct Builder<'a> {
    /// Nodes reserved for each document up front, to save reallocations.
    node_estimate: usize,
    line_offset: u32,
    /// Columns before the chunk's text on its first line, when the chunk
    /// starts in the middle of a line.
    first_line_col_offset: u32,
    doc: Document<'a>,
    /// Open collections, outermost first. Their node ids increase from
    /// bottom to top, because a child is created after its parent.
    stack: Vec<Frame>,
    /// Children of the open collections, in order, not yet linked.
    pending: Vec<NodeId>,
    anchors: HashMap<usize, NodeId>,
    /// Nodes a decoder visits for each anchored collection, aliases in it
    /// expanded. Anchored scalars count one and are not stored.
    expanded_sizes: HashMap<NodeId, u64>,
    aliasing: AliasBudget,
}

impl<'a> Builder<'a> {
    /// Creates a builder for documents of `text_len` bytes whose text
    /// starts at line `first_line`, column `first_col` of the file.
    pub(crate) fn new(first_line: u32, first_col: u32, text_len: usize) -> Self {
        Builder {
            node_estimate: (text_len / BYTES_PER_NODE).min(MAX_NODE_ESTIMATE),
            line_offset: first_line.saturating_sub(1),
            first_line_col_offset: first_col.saturating_sub(1),
            doc: Document::default(),
            stack: Vec::new(),
            pending: Vec::new(),
            anchors: HashMap::new(),
            expanded_sizes: HashMap::new(),
            aliasing: AliasBudget::default(),
        }
    }

    /// Moves a 1-based position within the chunk to its place in the whole
    /// file.
    pub(crate) fn offset(&self, pos: Pos) -> Pos {
        let col = if pos.line <= 1 {
            pos.col.saturating_add(self.first_line_col_offset)
        } else {
            pos.col
        };
        Pos {
            line: pos.line.saturating_add(self.line_offset),
            col,
        }
    }

    pub(crate) fn pos(&self, marker: Marker) -> Pos {
        let line = u32::try_from(marker.line()).unwrap_or(u32::MAX);
        let col = u32::try_from(marker.col()).unwrap_or(u32::MAX - 1);
        self.offset(Pos {
            line,
            col: col.saturating_add(1),
        })
    }

    /// Adds one event to the document being built, and returns the
    /// document when the event ends it.
    pub(crate) fn on_event(
        &mut self,
        event: Event<'a>,
        pos: Pos,
    ) -> Result<Option<Document<'a>>, ParseError> {
        match event {
            Event::DocumentStart(_) => self.start_document(pos),
            Event::DocumentEnd => return Ok(Some(std::mem::take(&mut self.doc))),
            Event::Scalar(text, style, anchor, tag) => {
                self.push_scalar(text, style, anchor, tag.as_deref(), pos)?;
            }
            Event::Alias(anchor) => self.push_alias(anchor, pos)?,
            Event::SequenceStart(anchor, _) => self.open_collection(false, anchor, pos)?,
            Event::MappingStart(anchor, _) => self.open_collection(true, anchor, pos)?,
            Event::SequenceEnd | Event::MappingEnd => self.close_collection(),
            Event::StreamStart | Event::StreamEnd | Event::Nothing => {}
        }
        Ok(None)
    }

    fn start_document(&mut self, pos: Pos) {
        self.doc = Document {
            start: pos,
            nodes: Arena::with_capacity(self.node_estimate),
            links: Vec::with_capacity(self.node_estimate),
            ..Document::default()
        };
        self.stack.clear();
        self.pending.clear();
        self.anchors.clear();
        self.expanded_sizes.clear();
        // go-yaml counts the document node itself.
        self.aliasing = AliasBudget {
            visited: 1,
            through_aliases: 0,
        };
    }

    fn push_scalar(
        &mut self,
        text: Cow<'a, str>,
        style: ScalarStyle,
        anchor: usize,
        tag: Option<&Tag>,
        pos: Pos,
    ) -> Result<(), ParseError> {
        let is_merge = self.is_key_position() && text == "<<" && is_merge_tag(style, tag);
        let value = scalar_value(text, style, tag);
        let id = self.push_node(value, pos, anchor)?;
        self.count_visits(1);
        if is_merge {
            // Ids only grow, so this list stays sorted.
            self.doc.merge_keys.push(id);
        }
        self.pending.push(id);
        Ok(())
    }

    fn push_alias(&mut self, anchor: usize, pos: Pos) -> Result<(), ParseError> {
        let Some(&target) = self.anchors.get(&anchor) else {
            return Err(ParseError {
                pos,
                message: "alias names an unknown anchor".into(),
            });
        };
        if self.is_open(target) {
            return Err(ParseError {
                pos,
                message: "alias refers to a collection that contains it".into(),
            });
        }
        let id = self.push_node(Value::Alias(target), pos, 0)?;
        self.pending.push(id);

        let size = self.expanded_sizes.get(&target).copied().unwrap_or(1);
        self.count_visits(size.saturating_add(1));
        self.aliasing.through_aliases = self.aliasing.through_aliases.saturating_add(size);
        if self.aliasing.is_exceeded() {
            return Err(ParseError {
                pos,
                message: format!(
                    "document contains excessive aliasing: its aliases expand to {} of the {} \
                     nodes a decoder would visit, more than go-yaml (used by kubectl) allows",
                    self.aliasing.through_aliases, self.aliasing.visited
                ),
            });
        }
        Ok(())
    }

    fn open_collection(&mut self, is_map: bool, anchor: usize, pos: Pos) -> Result<(), ParseError> {
        if self.stack.len() >= MAX_DEPTH {
            return Err(ParseError {
                pos,
                message: format!("collections nested deeper than {MAX_DEPTH} levels"),
            });
        }
        let id = self.push_node(Value::Null, pos, anchor)?;
        self.pending.push(id);
        self.aliasing.visited = self.aliasing.visited.saturating_add(1);
        self.stack.push(Frame {
            node: id,
            is_map,
            first_child: self.pending.len(),
            anchored: anchor != 0,
            expanded_children: 0,
        });
        Ok(())
    }

    /// Adds `count` visited nodes to the document and to the innermost open
    /// collection's expanded size.
    fn count_visits(&mut self, count: u64) {
        self.aliasing.visited = self.aliasing.visited.saturating_add(count);
        if let Some(frame) = self.stack.last_mut() {
            frame.expanded_children = frame.expanded_children.saturating_add(count);
        }
    }

    /// Returns whether the next node is a key of the innermost open mapping.
    fn is_key_position(&self) -> bool {
        self.stack
            .last()
            .is_some_and(|frame| frame.is_map && (self.pending.len() - frame.first_child) % 2 == 0)
    }

    /// Returns whether `id` is a collection still being built. Stack ids
    /// increase, so a binary search finds it.
    fn is_open(&self, id: NodeId) -> bool {
        self.stack
            .binary_search_by_key(&id.0, |frame| frame.node.0)
            .is_ok()
    }

    fn push_node(
        &mut self,
        value: Value<'a>,
        pos: Pos,
        anchor: usize,
    ) -> Result<NodeId, ParseError> {
        let Ok(index) = u32::try_from(self.doc.nodes.len()) else {
            return Err(ParseError {
                pos,
                message: format!("document has more than {} nodes", u32::MAX),
            });
        };
        let id = NodeId(index);
        self.doc.nodes.push(Node { value, pos });
        if anchor != 0 {
            self.anchors.insert(anchor, id);
        }
        if self.stack.is_empty() && self.doc.root.is_none() {
            self.doc.root = Some(id);
        }
        Ok(id)
    }

    fn close_collection(&mut self) {
        let Some(frame) = self.stack.pop() else {
            return;
        };
        // The link table never outgrows the node arena, whose ids fit u32.
        let start = self.doc.links.len() as u32;
        let children = self.pending.len() - frame.first_child;
        self.doc
            .links
            .extend(self.pending.drain(frame.first_child..));
        let value = if frame.is_map {
            let len = children / 2;
            self.record_duplicate_keys(start as usize, len);
            self.check_merge_values(start as usize, len);
            Value::Map {
                start,
                len: len as u32,
            }
        } else {
            Value::Seq {
                start,
                len: children as u32,
            }
        };
        self.doc.nodes[frame.node.0 as usize].value = value;
        let size = frame.expanded_children.saturating_add(1);
        if frame.anchored {
            self.expanded_sizes.insert(frame.node, size);
        }
        if let Some(parent) = self.stack.last_mut() {
            parent.expanded_children = parent.expanded_children.saturating_add(size);
        }
    }

    /// Returns the text a key is compared by: strings as they are, other
    /// scalars as JSON prints them. Merge keys and collection or float keys
    /// are not compared.
    fn comparable_key(&self, id: NodeId) -> Option<Cow<'_, str>> {
        match &self.doc.nodes[id.0 as usize].value {
            Value::Str(_) if self.doc.is_merge_key(id) => None,
            Value::Str(s) => Some(Cow::Borrowed(s.as_ref())),
            Value::Int(i) => Some(Cow::Owned(i.to_string())),
            Value::Bool(b) => Some(Cow::Borrowed(if *b { "true" } else { "false" })),
            _ => None,
        }
    }

    fn record_duplicate_keys(&mut self, start: usize, len: usize) {
        let key_at = |i: usize| self.doc.links[start + 2 * i];
        let mut duplicates = Vec::new();
        if len <= PAIRWISE_DUPLICATE_CHECK {
            for i in 1..len {
                let Some(text) = self.comparable_key(key_at(i)) else {
                    continue;
                };
                if (0..i).any(|j| self.comparable_key(key_at(j)).as_ref() == Some(&text)) {
                    duplicates.push((key_at(i), text.into_owned()));
                }
            }
        } else {
            let mut seen: HashSet<Cow<'_, str>> = HashSet::with_capacity(len);
            for i in 0..len {
                let Some(text) = self.comparable_key(key_at(i)) else {
                    continue;
                };
                if !seen.insert(text.clone()) {
                    duplicates.push((key_at(i), text.into_owned()));
                }
            }
        }
        for (node, key) in duplicates {
            let pos = self.doc.nodes[node.0 as usize].pos;
            self.doc
                .duplicate_keys
                .push(DuplicateKey { pos, key, node });
        }
    }

    /// Records merge keys whose value go-yaml v2 rejects: anything but a
    /// mapping, an alias of one, or a sequence of those.
    fn check_merge_values(&mut self, start: usize, len: usize) {
        if self.doc.merge_keys.is_empty() {
            return;
        }
        for i in 0..len {
            let key = self.doc.links[start + 2 * i];
            let value = self.doc.links[start + 2 * i + 1];
            if self.doc.is_merge_key(key) && !self.is_merge_source(value) {
                let pos = self.doc.nodes[key.0 as usize].pos;
                self.doc.invalid_merges.push(pos);
            }
        }
    }

    fn is_merge_source(&self, id: NodeId) -> bool {
        let is_map = |id: NodeId| match self.doc.nodes[id.0 as usize].value {
            Value::Map { .. } => true,
            Value::Alias(target) => {
                matches!(self.doc.nodes[target.0 as usize].value, Value::Map { .. })
            }
            _ => false,
        };
        match self.doc.nodes[id.0 as usize].value {
            Value::Seq { start, len } => {
                let items = &self.doc.links[start as usize..(start + len) as usize];
                items.iter().all(|&item| is_map(item))
            }
            _ => is_map(id),
        }
    }
}

/// Returns whether a `<<` scalar is a merge key: untagged and plain, or
/// tagged `!!merge`, as go-yaml v2's `isMerge` decides.
fn is_merge_tag(style: ScalarStyle, tag: Option<&Tag>) -> bool {
    match tag {
        None => style == ScalarStyle::Plain,
        Some(tag) => tag.is_yaml_core_schema() && tag.suffix == "merge",
    }
}

fn scalar_value<'a>(text: Cow<'a, str>, style: ScalarStyle, tag: Option<&Tag>) -> Value<'a> {
    match tag {
        Some(tag) => {
            let core = tag.is_yaml_core_schema().then_some(tag.suffix.as_str());
            resolve_tagged(text, core)
        }
        None if style == ScalarStyle::Plain => resolve_plain(text),
        None => Value::Str(text),
    }
}
