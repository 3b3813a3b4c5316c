//! A second parse with `libyaml-safer` for documents `saphyr-parser`
//! rejects.
//!
//! go-yaml v2, which `kubectl` uses, is a port of libyaml and accepts some
//! input that a strict YAML 1.2 parser does not: a flow sequence whose
//! closing bracket sits at its key's indentation, or a multi-line quoted
//! scalar indented less than its key. Real manifests rely on this. When
//! `saphyr-parser` fails, the chunk is parsed again with `libyaml-safer`, a
//! Rust port of libyaml, so kubeward accepts what `kubectl` accepts.

use std::borrow::Cow;
use std::collections::HashMap;

use libyaml_safer::{EventData, MappingStyle, Mark, Parser, SequenceStyle};
use saphyr_parser::{Event, ScalarStyle, Tag};

use crate::build::Builder;
use crate::node::Pos;
use crate::parse::{ParseError, ParsedChunk};
use crate::split::Chunk;

const CORE_TAG_PREFIX: &str = "tag:yaml.org,2002:";

/// Deepest nesting of flow collections (`[...]`, `{...}`) read here, the
/// same limit `saphyr-parser` has. libyaml checks every open flow level for
/// each token it scans, so deeper nesting would cost quadratic time.
///
/// NOTE: go-yaml v2 accepts flow nesting up to 10,000 levels; kubeward
/// reports a parse error past 255, a depth no real manifest reaches.
pub(crate) const MAX_FLOW_DEPTH: usize = 255;

/// Parses `chunk` with libyaml's rules. Scalars are copied, as libyaml
/// events own their text.
///
/// `libyaml-safer` 0.3 panics on some malformed input instead of returning
/// an error. Chunks that reach its known panic are not given to it, and any
/// other panic is caught and becomes a parse error, so no input stops the
/// scan. The caught panic's message still reaches stderr through the panic
/// hook. `first_col` is the column of the chunk's first character on its
/// line.
pub(crate) fn parse_libyaml(chunk: Chunk<'_>, first_col: u32) -> ParsedChunk<'static> {
    if has_tag_before_comma(chunk.text) {
        return declined(
            chunk,
            first_col,
            "libyaml cannot read a tag followed by `,`",
        );
    }
    guarded(chunk, first_col, parse_unguarded)
}

/// Runs `parse` on `chunk`, turning a panic into a parse error.
fn guarded(
    chunk: Chunk<'_>,
    first_col: u32,
    parse: fn(Chunk<'_>, u32) -> ParsedChunk<'static>,
) -> ParsedChunk<'static> {
    std::panic::catch_unwind(|| parse(chunk, first_col))
        .unwrap_or_else(|_| declined(chunk, first_col, "libyaml failed on this document"))
}

/// Builds the result of a parse that stopped before the first character
/// of `chunk`.
fn declined(chunk: Chunk<'_>, first_col: u32, message: &str) -> ParsedChunk<'static> {
    ParsedChunk {
        documents: Vec::new(),
        error: Some(ParseError {
            pos: Pos {
                line: chunk.first_line,
                col: first_col,
            },
            message: message.to_owned(),
        }),
    }
}

/// Returns whether a `!` is followed by `,` with no whitespace between
/// them. That is a tag right before a flow separator, on which
/// `libyaml-safer` 0.3 panics (`scanner.rs`, "TODO: What is expected here?").
fn has_tag_before_comma(text: &str) -> bool {
    let mut in_tag = false;
    for byte in text.bytes() {
        match byte {
            b'!' => in_tag = true,
            b',' if in_tag => return true,
            b' ' | b'\t' | b'\r' | b'\n' => in_tag = false,
            _ => {}
        }
    }
    false
}

fn parse_unguarded(chunk: Chunk<'_>, first_col: u32) -> ParsedChunk<'static> {
    // `libyaml-safer` 0.3 panics on a block scalar that ends the input
    // without a line break. A final LF moves no position, and such a block
    // scalar then keeps a final line break, as `saphyr-parser` gives it.
    let terminated: Cow<'_, str> = if chunk.text.is_empty() || chunk.text.ends_with('\n') {
        Cow::Borrowed(chunk.text)
    } else {
        Cow::Owned(format!("{}\n", chunk.text))
    };
    let mut input = terminated.as_bytes();
    let mut parser = Parser::new();
    parser.set_input_string(&mut input);

    let mut builder = Builder::new(chunk.first_line, first_col, chunk.text.len());
    let mut positions = Positions::new(chunk.text);
    let mut anchors: HashMap<String, usize> = HashMap::new();
    let mut flow = FlowDepth::default();
    let mut out = ParsedChunk::default();
    loop {
        let event = match parser.parse() {
            Ok(event) => event,
            Err(err) => {
                let mark = err.problem_mark().unwrap_or_default();
                out.error = Some(ParseError {
                    pos: positions.locate(&builder, mark),
                    message: err.problem().to_owned(),
                });
                break;
            }
        };
        let pos = positions.locate(&builder, event.start_mark);
        if !flow.follow(&event.data) {
            out.error = Some(ParseError {
                pos,
                message: format!("flow collections nested deeper than {MAX_FLOW_DEPTH} levels"),
            });
            break;
        }

        let Some(converted) = convert(event.data, &mut anchors) else {
            break;
        };
        match builder.on_event(converted, pos) {
            Ok(Some(document)) => out.documents.push(document),
            Ok(None) => {}
            Err(error) => {
                out.error = Some(error);
                break;
            }
        }
    }
    out
}

/// The flow collections open at a point of the event stream.
#[derive(Default)]
struct FlowDepth {
    /// Whether each open collection is a flow collection, outermost first.
    open: Vec<bool>,
    /// Number of open flow collections.
    depth: usize,
}

impl FlowDepth {
    /// Follows one event. Returns false when it opens a flow collection
    /// deeper than [`MAX_FLOW_DEPTH`].
    fn follow(&mut self, data: &EventData) -> bool {
        let is_flow = match data {
            EventData::SequenceStart { style, .. } => *style == SequenceStyle::Flow,
            EventData::MappingStart { style, .. } => *style == MappingStyle::Flow,
            EventData::SequenceEnd | EventData::MappingEnd => {
                if self.open.pop() == Some(true) {
                    self.depth -= 1;
                }
                return true;
            }
            _ => return true,
        };
        self.open.push(is_flow);
        self.depth += usize::from(is_flow);
        self.depth <= MAX_FLOW_DEPTH
    }
}

/// Turns libyaml marks into positions counted the way the rest of
/// kubeward counts them.
///
/// libyaml follows YAML 1.1, where NEL (U+0085), LINE SEPARATOR (U+2028)
/// and PARAGRAPH SEPARATOR (U+2029) also break lines; kubeward and
/// `saphyr-parser` break lines at LF only. When the text contains any of
/// those characters, positions are recounted from the mark's byte offset,
/// moving a cursor forward so that a pass over the document stays linear.
struct Positions<'t> {
    text: &'t str,
    recount: bool,
    /// Byte offset, 1-based line and column of the cursor.
    cursor: (usize, u32, u32),
}

impl<'t> Positions<'t> {
    fn new(text: &'t str) -> Self {
        Positions {
            text,
            recount: text.contains(['\u{85}', '\u{2028}', '\u{2029}']),
            cursor: (0, 1, 1),
        }
    }

    fn locate(&mut self, builder: &Builder<'_>, mark: Mark) -> Pos {
        if !self.recount {
            let line = u32::try_from(mark.line + 1).unwrap_or(u32::MAX);
            let col = u32::try_from(mark.column + 1).unwrap_or(u32::MAX);
            return builder.offset(Pos { line, col });
        }
        let mut target =
            usize::try_from(mark.index).map_or(self.text.len(), |i| i.min(self.text.len()));
        while !self.text.is_char_boundary(target) {
            target -= 1;
        }
        if target < self.cursor.0 {
            self.cursor = (0, 1, 1);
        }
        let (start, mut line, mut col) = self.cursor;
        for c in self.text[start..target].chars() {
            if c == '\n' {
                line = line.saturating_add(1);
                col = 1;
            } else {
                col = col.saturating_add(1);
            }
        }
        self.cursor = (target, line, col);
        builder.offset(Pos { line, col })
    }
}

/// Converts one libyaml event; `None` at the end of the stream.
fn convert(data: EventData, anchors: &mut HashMap<String, usize>) -> Option<Event<'static>> {
    let mut anchor_id = |anchor: Option<String>| match anchor {
        Some(name) => {
            let next = anchors.len() + 1;
            *anchors.entry(name).or_insert(next)
        }
        None => 0,
    };
    Some(match data {
        EventData::StreamStart { .. } => Event::StreamStart,
        EventData::StreamEnd => return None,
        EventData::DocumentStart { implicit, .. } => Event::DocumentStart(!implicit),
        EventData::DocumentEnd { .. } => Event::DocumentEnd,
        EventData::Alias { anchor } => {
            Event::Alias(anchors.get(&anchor).copied().unwrap_or(usize::MAX))
        }
        EventData::Scalar {
            anchor,
            tag,
            value,
            style,
            ..
        } => {
            let style = match style {
                libyaml_safer::ScalarStyle::SingleQuoted => ScalarStyle::SingleQuoted,
                libyaml_safer::ScalarStyle::DoubleQuoted => ScalarStyle::DoubleQuoted,
                libyaml_safer::ScalarStyle::Literal => ScalarStyle::Literal,
                libyaml_safer::ScalarStyle::Folded => ScalarStyle::Folded,
                _ => ScalarStyle::Plain,
            };
            Event::Scalar(
                Cow::Owned(value),
                style,
                anchor_id(anchor),
                tag.map(core_tag),
            )
        }
        EventData::SequenceStart { anchor, tag, .. } => {
            Event::SequenceStart(anchor_id(anchor), tag.map(core_tag))
        }
        EventData::SequenceEnd => Event::SequenceEnd,
        EventData::MappingStart { anchor, tag, .. } => {
            Event::MappingStart(anchor_id(anchor), tag.map(core_tag))
        }
        EventData::MappingEnd => Event::MappingEnd,
    })
}

fn core_tag(tag: String) -> Cow<'static, Tag> {
    let (handle, suffix) = match tag.strip_prefix(CORE_TAG_PREFIX) {
        Some(suffix) => (CORE_TAG_PREFIX.to_owned(), suffix.to_owned()),
        None => ("!".to_owned(), tag),
    };
    Cow::Owned(Tag { handle, suffix })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn chunk(text: &str) -> Chunk<'_> {
        Chunk {
            text,
            first_line: 3,
        }
    }

    #[test]
    fn panic_becomes_parse_error() {
        // The panic message still goes to stderr through the panic hook.
        let parsed = guarded(chunk("a: 1\n"), 1, |_, _| panic!("libyaml-safer bug"));
        let error = parsed.error.expect("an error");
        assert_eq!(error.pos, Pos { line: 3, col: 1 });
        assert!(error.message.contains("libyaml failed"));
        assert!(parsed.documents.is_empty());
    }

    #[test]
    fn tag_before_comma_is_declined() {
        assert!(has_tag_before_comma("{!,}"));
        assert!(has_tag_before_comma("[!!str,a]"));
        assert!(!has_tag_before_comma("a: !!str x, y"));
        assert!(!has_tag_before_comma("a: hello!\nb: [1, 2]"));
        let parsed = parse_libyaml(chunk("{!, a}\n"), 1);
        assert!(
            parsed
                .error
                .is_some_and(|e| e.message.contains("tag followed by"))
        );
    }

    #[test]
    fn block_scalar_at_end_without_line_break() {
        let parsed = parse_libyaml(chunk("a: |\n  text"), 1);
        assert!(parsed.error.is_none(), "{:?}", parsed.error);
        let root = parsed.documents[0].root().expect("root");
        assert_eq!(root.get_str("a"), Some("text\n"));
    }

    #[test]
    fn columns_on_first_line_start_at_first_col() {
        let parsed = parse_libyaml(chunk("{\"a\": 1}\n"), 5);
        assert!(parsed.error.is_none(), "{:?}", parsed.error);
        let root = parsed.documents[0].root().expect("root");
        assert_eq!(root.pos(), Pos { line: 3, col: 5 });
        let broken = parse_libyaml(chunk("{\"a\": 1]\n"), 5);
        let error = broken.error.expect("an error");
        assert_eq!(error.pos.line, 3);
        assert!(error.pos.col > 5, "{:?}", error.pos);
    }

    #[test]
    fn escape_at_end_without_line_break() {
        let parsed = parse_libyaml(chunk("a: \"x\\"), 1);
        assert!(parsed.error.is_some());
    }
}
