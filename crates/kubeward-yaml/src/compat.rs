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

use libyaml_safer::{EventData, Mark, Parser};
use saphyr_parser::{Event, ScalarStyle, Tag};

use crate::build::{Builder, ParseError, ParsedChunk};
use crate::node::Pos;
use crate::split::Chunk;

const CORE_TAG_PREFIX: &str = "tag:yaml.org,2002:";

/// Parses `chunk` with libyaml's rules. Scalars are copied, as libyaml
/// events own their text.
pub(crate) fn parse_libyaml(chunk: Chunk<'_>) -> ParsedChunk<'static> {
    let mut input = chunk.text.as_bytes();
    let mut parser = Parser::new();
    parser.set_input_string(&mut input);
    let mut builder = Builder::new(chunk.first_line);
    let mut anchors: HashMap<String, usize> = HashMap::new();
    let mut out = ParsedChunk::default();
    loop {
        let event = match parser.parse() {
            Ok(event) => event,
            Err(err) => {
                let mark = err.problem_mark().unwrap_or_default();
                out.error = Some(ParseError {
                    pos: position(&builder, mark),
                    message: err.problem().to_owned(),
                });
                break;
            }
        };
        let pos = position(&builder, event.start_mark);
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

fn position(builder: &Builder<'_>, mark: Mark) -> Pos {
    let line = u32::try_from(mark.line + 1).unwrap_or(u32::MAX);
    let col = u32::try_from(mark.column + 1).unwrap_or(u32::MAX);
    builder.offset(Pos { line, col })
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
