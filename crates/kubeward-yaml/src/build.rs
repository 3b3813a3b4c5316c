//! Building [`Document`] trees from `saphyr-parser` events.

use std::borrow::Cow;
use std::collections::{HashMap, HashSet};
use std::fmt;

use saphyr_parser::{Event, Marker, Parser, ScalarStyle, Tag};

use crate::node::{Document, Node, NodeId, Pos, Value};
use crate::scalar::resolve_plain;
use crate::split::Chunk;

/// Deepest nesting of collections accepted in one document. go-yaml v2,
/// which Kubernetes uses, stops at the same depth.
pub const MAX_DEPTH: usize = 10_000;

/// A syntax error, with the position it was found at.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ParseError {
    pub pos: Pos,
    pub message: String,
}

impl fmt::Display for ParseError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.pos, self.message)
    }
}

impl std::error::Error for ParseError {}

/// The documents parsed from one chunk, and the error that stopped the parse
/// if there was one. Documents completed before the error are kept.
#[derive(Debug, Default)]
pub struct ParsedChunk<'a> {
    pub documents: Vec<Document<'a>>,
    pub error: Option<ParseError>,
}

/// Parses every document of `chunk`. When `saphyr-parser` rejects the
/// chunk, it is parsed again with libyaml's rules, which `kubectl` follows,
/// and that result is kept if it has no error or gets further.
pub fn parse_document(chunk: Chunk<'_>) -> ParsedChunk<'_> {
    let strict = parse_saphyr(chunk);
    if strict.error.is_none() {
        return strict;
    }
    let lenient = crate::compat::parse_libyaml(chunk);
    // When both fail, saphyr's error is kept: it names what it was
    // scanning and where that started, where libyaml often gives only the
    // place it gave up.
    if lenient.error.is_none() || lenient.documents.len() > strict.documents.len() {
        lenient
    } else {
        strict
    }
}

fn parse_saphyr(chunk: Chunk<'_>) -> ParsedChunk<'_> {
    let mut builder = Builder::new(chunk.first_line);
    let mut parser = Parser::new_from_str(chunk.text);
    let mut out = ParsedChunk::default();
    while let Some(next) = parser.next_event() {
        match next {
            Ok((event, span)) => {
                let pos = builder.pos(span.start);
                match builder.on_event(event, pos) {
                    Ok(Some(document)) => out.documents.push(document),
                    Ok(None) => {}
                    Err(error) => {
                        out.error = Some(error);
                        break;
                    }
                }
            }
            Err(error) => {
                out.error = Some(ParseError {
                    pos: builder.pos(*error.marker()),
                    message: error.info().to_owned(),
                });
                break;
            }
        }
    }
    out
}

struct Frame {
    node: NodeId,
    is_map: bool,
    /// Index in `pending` of this collection's first child.
    first_child: usize,
}

pub(crate) struct Builder<'a> {
    line_offset: u32,
    doc: Document<'a>,
    stack: Vec<Frame>,
    pending: Vec<NodeId>,
    anchors: HashMap<usize, NodeId>,
}

impl<'a> Builder<'a> {
    pub(crate) fn new(first_line: u32) -> Self {
        Builder {
            line_offset: first_line.saturating_sub(1),
            doc: Document::default(),
            stack: Vec::new(),
            pending: Vec::new(),
            anchors: HashMap::new(),
        }
    }

    /// Moves a position within the chunk to its place in the whole file.
    pub(crate) fn offset(&self, pos: Pos) -> Pos {
        Pos {
            line: pos.line.saturating_add(self.line_offset),
            col: pos.col,
        }
    }

    fn pos(&self, marker: Marker) -> Pos {
        let line = u32::try_from(marker.line()).unwrap_or(u32::MAX);
        let col = u32::try_from(marker.col()).unwrap_or(u32::MAX - 1);
        Pos {
            line: line.saturating_add(self.line_offset),
            col: col + 1,
        }
    }

    pub(crate) fn on_event(
        &mut self,
        event: Event<'a>,
        pos: Pos,
    ) -> Result<Option<Document<'a>>, ParseError> {
        match event {
            Event::DocumentStart(_) => {
                self.doc = Document {
                    start: pos,
                    ..Document::default()
                };
                self.anchors.clear();
            }
            Event::DocumentEnd => {
                return Ok(Some(std::mem::take(&mut self.doc)));
            }
            Event::Scalar(text, style, anchor, tag) => {
                let value = scalar_value(text, style, tag.as_deref());
                let is_merge =
                    style == ScalarStyle::Plain && matches!(&value, Value::Str(s) if s == "<<");
                let id = self.push_node(value, pos, anchor);
                if is_merge && self.stack.last().is_some_and(|f| f.is_map) {
                    self.doc.merge_keys.push(id);
                }
                self.pending.push(id);
            }
            Event::Alias(anchor) => {
                let Some(&target) = self.anchors.get(&anchor) else {
                    return Err(ParseError {
                        pos,
                        message: "alias names an unknown anchor".into(),
                    });
                };
                if self.stack.iter().any(|frame| frame.node == target) {
                    return Err(ParseError {
                        pos,
                        message: "alias refers to a collection that contains it".into(),
                    });
                }
                let id = self.push_node(Value::Alias(target), pos, 0);
                self.pending.push(id);
            }
            Event::SequenceStart(anchor, _) | Event::MappingStart(anchor, _) => {
                if self.stack.len() >= MAX_DEPTH {
                    return Err(ParseError {
                        pos,
                        message: format!("collections nested deeper than {MAX_DEPTH} levels"),
                    });
                }
                let is_map = matches!(event, Event::MappingStart(..));
                let id = self.push_node(Value::Null, pos, anchor);
                self.pending.push(id);
                self.stack.push(Frame {
                    node: id,
                    is_map,
                    first_child: self.pending.len(),
                });
            }
            Event::SequenceEnd | Event::MappingEnd => self.close_collection(),
            Event::StreamStart | Event::StreamEnd | Event::Nothing => {}
        }
        Ok(None)
    }

    fn push_node(&mut self, value: Value<'a>, pos: Pos, anchor: usize) -> NodeId {
        let id = NodeId(u32::try_from(self.doc.nodes.len()).unwrap_or(u32::MAX));
        self.doc.nodes.push(Node { value, pos });
        if anchor != 0 {
            self.anchors.insert(anchor, id);
        }
        if self.stack.is_empty() && self.doc.root.is_none() {
            self.doc.root = Some(id);
        }
        id
    }

    fn close_collection(&mut self) {
        let Some(frame) = self.stack.pop() else {
            return;
        };
        let start = u32::try_from(self.doc.links.len()).unwrap_or(u32::MAX);
        let children = self.pending.len() - frame.first_child;
        let children_u32 = u32::try_from(children).unwrap_or(u32::MAX);
        self.doc
            .links
            .extend(self.pending.drain(frame.first_child..));
        let value = if frame.is_map {
            self.record_duplicate_keys(start as usize, children / 2);
            Value::Map {
                start,
                len: children_u32 / 2,
            }
        } else {
            Value::Seq {
                start,
                len: children_u32,
            }
        };
        self.doc.nodes[frame.node.0 as usize].value = value;
    }

    fn record_duplicate_keys(&mut self, start: usize, len: usize) {
        let mut seen: HashSet<Cow<'_, str>> = HashSet::with_capacity(len);
        let mut duplicates = Vec::new();
        for pair in self.doc.links[start..start + 2 * len].chunks_exact(2) {
            let node = &self.doc.nodes[pair[0].0 as usize];
            let key = match &node.value {
                Value::Str(s) if s == "<<" && self.doc.merge_keys.contains(&pair[0]) => continue,
                Value::Str(s) => Cow::Borrowed(s.as_ref()),
                Value::Int(i) => Cow::Owned(i.to_string()),
                Value::Bool(b) => Cow::Owned(b.to_string()),
                _ => continue,
            };
            if !seen.insert(key.clone()) {
                duplicates.push((node.pos, key.into_owned()));
            }
        }
        self.doc.duplicate_keys.extend(duplicates);
    }
}

fn scalar_value<'a>(text: Cow<'a, str>, style: ScalarStyle, tag: Option<&Tag>) -> Value<'a> {
    if let Some(tag) = tag.filter(|t| t.is_yaml_core_schema()) {
        return match tag.suffix.as_str() {
            "str" => Value::Str(text),
            "null" => Value::Null,
            _ => resolve_plain(text),
        };
    }
    match style {
        ScalarStyle::Plain => resolve_plain(text),
        _ => Value::Str(text),
    }
}
