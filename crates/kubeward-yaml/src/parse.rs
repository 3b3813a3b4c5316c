//! Parsing one chunk: `saphyr-parser` first, then `libyaml-safer` for what
//! it rejects, with error positions kept inside the chunk.

use std::borrow::Cow;
use std::fmt;

use saphyr_parser::{Event, Parser, ScalarStyle};

use crate::build::Builder;
use crate::node::{Document, Pos};
use crate::split::Chunk;

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
    parse_document_at(chunk, 1)
}

/// Parses every document of `chunk` as [`parse_document`] does, for a
/// chunk whose text starts at column `first_col` of its first line. Nodes
/// and errors on that line get columns counted from the start of the line
/// in the file, not of the chunk.
pub fn parse_document_at(chunk: Chunk<'_>, first_col: u32) -> ParsedChunk<'_> {
    let first_col = first_col.max(1);
    let mut parsed = parse_with_fallback(chunk, first_col);
    if let Some(error) = &mut parsed.error {
        error.pos = clamp_to_chunk(chunk, first_col, error.pos);
    }
    parsed
}

/// Moves a position that lies past the end of `chunk` or past the end of
/// its line back to the last character before that end. Parsers report
/// some errors at end of input on the line after the last, and
/// `saphyr-parser` 0.3 counts bytes, not characters, in some error columns.
fn clamp_to_chunk(chunk: Chunk<'_>, first_col: u32, pos: Pos) -> Pos {
    let index = pos.line.saturating_sub(chunk.first_line) as usize;
    let mut lines = chunk.text.split('\n');
    let (line, text) = if let Some(text) = lines.nth(index) {
        (pos.line, text)
    } else {
        let count = chunk.text.split('\n').count();
        let last = chunk.text.rsplit('\n').next().unwrap_or("");
        let offset = u32::try_from(count - 1).unwrap_or(u32::MAX);
        (chunk.first_line.saturating_add(offset), last)
    };
    let width = text.strip_suffix('\r').unwrap_or(text).chars().count();
    let mut max_col = u32::try_from(width).unwrap_or(u32::MAX).saturating_add(1);
    if line == chunk.first_line {
        max_col = max_col.saturating_add(first_col - 1);
    }
    let col = if line == pos.line {
        pos.col.min(max_col)
    } else {
        max_col
    };
    Pos { line, col }
}

/// Parses `chunk` with `saphyr-parser`, and with `libyaml-safer` when
/// that fails, as [`parse_document`] describes.
fn parse_with_fallback(chunk: Chunk<'_>, first_col: u32) -> ParsedChunk<'_> {
    let (strict, rejected_by_builder) = parse_saphyr(chunk, first_col);
    let Some(strict_error) = strict.error else {
        return strict;
    };

    if rejected_by_builder {
        // Depth, alias and size limits do not depend on the parser, so
        // libyaml would stop at the same place.
        return ParsedChunk {
            documents: strict.documents,
            error: Some(strict_error),
        };
    }
    // Only one set of trees is kept alive at a time, so a large document
    // never costs twice its tree.
    let strict_count = strict.documents.len();
    drop(strict.documents);
    let lenient = crate::compat::parse_libyaml(chunk, first_col);
    if lenient.error.is_none() || lenient.documents.len() > strict_count {
        return lenient;
    }

    // When both fail, saphyr's error is kept: it names what it was
    // scanning and where that started, where libyaml often gives only the
    // place it gave up.
    if strict_count == 0 {
        return ParsedChunk {
            documents: Vec::new(),
            error: Some(strict_error),
        };
    }
    drop(lenient);
    parse_saphyr(chunk, first_col).0
}

/// Parses `chunk` with `saphyr-parser`. The flag is true when the tree
/// builder, not the parser, stopped the parse.
fn parse_saphyr(chunk: Chunk<'_>, first_col: u32) -> (ParsedChunk<'_>, bool) {
    let mut builder = Builder::new(chunk.first_line, first_col, chunk.text.len());
    let mut parser = Parser::new_from_str(chunk.text);
    let mut source = SourceText::new(chunk.text);
    let mut out = ParsedChunk::default();
    while let Some(next) = parser.next_event() {
        match next {
            Ok((event, span)) => {
                let pos = builder.pos(span.start);
                let event = match event {
                    Event::Scalar(text, style, anchor, tag) => {
                        let text = source.borrow(text, style, span.start.index());
                        Event::Scalar(text, style, anchor, tag)
                    }
                    other => other,
                };
                match builder.on_event(event, pos) {
                    Ok(Some(document)) => out.documents.push(document),
                    Ok(None) => {}
                    Err(error) => {
                        out.error = Some(error);
                        return (out, true);
                    }
                }
            }
            Err(error) => {
                // saphyr-parser keeps the flow level in a `u8` and names
                // its overflow vaguely.
                let message = match error.info() {
                    "recursion limit exceeded" => format!(
                        "flow collections nested deeper than {} levels",
                        crate::compat::MAX_FLOW_DEPTH
                    ),
                    info => info.to_owned(),
                };
                out.error = Some(ParseError {
                    pos: builder.pos(*error.marker()),
                    message,
                });
                break;
            }
        }
    }
    (out, false)
}

/// The chunk text, to replace the scalars `saphyr-parser` copies with
/// slices of the input.
///
/// `saphyr-parser` 0.3 returns every scalar as an owned `String`, most with
/// a buffer ten times the text, which made a tree cost several times its
/// input. A plain or quoted scalar whose text appears unchanged in the
/// input is kept as a borrowed slice instead. Other scalars are shrunk to
/// fit.
struct SourceText<'a> {
    text: &'a str,
    ascii: bool,
    /// Character index and byte offset of the last scalar start, since
    /// `saphyr-parser` marks positions in characters.
    cursor: (usize, usize),
}

impl<'a> SourceText<'a> {
    fn new(text: &'a str) -> Self {
        SourceText {
            text,
            ascii: text.is_ascii(),
            cursor: (0, 0),
        }
    }

    fn borrow(&mut self, text: Cow<'a, str>, style: ScalarStyle, start: usize) -> Cow<'a, str> {
        let Cow::Owned(mut owned) = text else {
            return text;
        };
        let quote = match style {
            ScalarStyle::Plain => 0,
            ScalarStyle::SingleQuoted | ScalarStyle::DoubleQuoted => 1,
            _ => {
                owned.shrink_to_fit();
                return Cow::Owned(owned);
            }
        };
        let slice = self
            .byte_offset(start)
            .and_then(|offset| self.text.get(offset + quote..offset + quote + owned.len()));
        match slice {
            Some(slice) if slice == owned => Cow::Borrowed(slice),
            _ => {
                owned.shrink_to_fit();
                Cow::Owned(owned)
            }
        }
    }

    /// Converts a character index to a byte offset. A cursor moves forward
    /// from the last call, so that a pass over the chunk stays linear.
    fn byte_offset(&mut self, index: usize) -> Option<usize> {
        if self.ascii {
            return Some(index);
        }
        if index < self.cursor.0 {
            self.cursor = (0, 0);
        }
        let (chars, bytes) = self.cursor;
        let skipped = self.text.get(bytes..)?.char_indices().nth(index - chars);
        let offset = match skipped {
            Some((offset, _)) => bytes + offset,
            None if index - chars == self.text[bytes..].chars().count() => self.text.len(),
            None => return None,
        };
        self.cursor = (index, offset);
        Some(offset)
    }
}
