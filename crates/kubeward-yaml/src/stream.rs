//! Cutting a file into chunks the way `kubectl` reads it.
//!
//! `kubectl` reads manifests through apimachinery's `YAMLOrJSONDecoder`
//! (`k8s.io/apimachinery/pkg/util/yaml/decoder.go`). When the first
//! character that is not whitespace is `{`, it reads the input as a stream
//! of JSON values one after another, with nothing but whitespace between
//! them, as `jq -c` writes them. Otherwise it reads a YAML stream, cut at
//! `---` lines. [`split_stream`] does the same: each JSON value becomes a
//! chunk of its own, so the values after the first parse as documents of
//! their own. JSON is YAML's flow style, so the chunks are parsed as any
//! other.

use serde::de::IgnoredAny;

use crate::split::{Chunk, split_documents};

/// A chunk and the column at which its text starts on its first line.
///
/// The column is 1 except for a JSON value that starts on the line where
/// the previous one ends, as in `}{`. [`parse_document_at`] takes it, so
/// the nodes on that line get the columns they have in the file.
///
/// [`parse_document_at`]: crate::parse_document_at
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct StreamChunk<'a> {
    pub chunk: Chunk<'a>,
    /// 1-based column, in characters, of the chunk's first character.
    pub first_col: u32,
}

/// Cuts `text` into chunks as `kubectl` reads it.
///
/// Text whose first character other than JSON whitespace is `{` is read as
/// a stream of JSON values and cut at the start of each value. Text after
/// the last complete value that is not JSON (a broken value, a `---` line)
/// is cut as YAML by [`split_documents`], so a syntax error in it is
/// reported at its own line. A single JSON value with nothing after it, and
/// any other text, are cut by [`split_documents`] alone, so only text that
/// starts with `{` is read as JSON at all.
pub fn split_stream(text: &str) -> Vec<StreamChunk<'_>> {
    let json = if starts_like_json(text) {
        json_values(text)
    } else {
        JsonValues::default()
    };
    let is_stream = json.starts.len() > 1 || (json.starts.len() == 1 && json.rest.is_some());
    if !is_stream {
        return at_line_starts(split_documents(text));
    }
    let mut chunks = Vec::with_capacity(json.starts.len() + 1);
    let mut lines = LineCounter::new(text);
    let ends = json.starts.iter().skip(1).copied().chain(json.rest);
    for (index, (&start, end)) in json.starts.iter().zip(ends.chain([text.len()])).enumerate() {
        // The first chunk keeps the whitespace before the first value, so
        // it starts at line 1, column 1.
        let start = if index == 0 { 0 } else { start };
        let (first_line, first_col) = lines.position(start);
        chunks.push(StreamChunk {
            chunk: Chunk {
                text: &text[start..end],
                first_line,
            },
            first_col,
        });
    }
    if let Some(rest) = json.rest {
        // NOTE: `kubectl` rejects anything after the values that is not
        // JSON. Read as YAML, such text is reported only when it is not
        // valid YAML or contains no Kubernetes object.
        let (line, col) = lines.position(rest);
        for (index, mut chunk) in split_documents(&text[rest..]).into_iter().enumerate() {
            chunk.first_line = chunk.first_line.saturating_add(line - 1);
            let first_col = if index == 0 { col } else { 1 };
            chunks.push(StreamChunk { chunk, first_col });
        }
    }
    chunks
}

/// Returns whether the first character of `text` other than JSON
/// whitespace is `{`, the test apimachinery's `GuessJSONStream` makes.
/// YAML files fail it at their first character, so they cost nothing more.
fn starts_like_json(text: &str) -> bool {
    text.trim_start_matches(is_json_whitespace).starts_with('{')
}

fn is_json_whitespace(c: char) -> bool {
    matches!(c, ' ' | '\t' | '\n' | '\r')
}

/// Byte offsets of the complete JSON values at the start of a text, and of
/// the text after them that is not a JSON value, if there is any.
#[derive(Debug, Default)]
struct JsonValues {
    starts: Vec<usize>,
    rest: Option<usize>,
}

/// Finds where the JSON values of `text` start. The values are skimmed,
/// not built, and each is checked by `serde_json` with its default
/// nesting limit of 128, so a deeper value counts as not JSON.
fn json_values(text: &str) -> JsonValues {
    let mut stream = serde_json::Deserializer::from_str(text).into_iter::<IgnoredAny>();
    let mut values = JsonValues::default();
    let mut next = skip_whitespace(text, 0);
    while next < text.len() {
        match stream.next() {
            Some(Ok(IgnoredAny)) => {
                values.starts.push(next);
                next = skip_whitespace(text, stream.byte_offset());
            }
            Some(Err(_)) => {
                values.rest = Some(next);
                break;
            }
            None => break,
        }
    }
    values
}

fn skip_whitespace(text: &str, from: usize) -> usize {
    text[from..]
        .find(|c| !is_json_whitespace(c))
        .map_or(text.len(), |offset| from + offset)
}

fn at_line_starts(chunks: Vec<Chunk<'_>>) -> Vec<StreamChunk<'_>> {
    chunks
        .into_iter()
        .map(|chunk| StreamChunk {
            chunk,
            first_col: 1,
        })
        .collect()
}

/// Turns increasing byte offsets into 1-based lines and columns, reading
/// the text once.
struct LineCounter<'a> {
    text: &'a str,
    offset: usize,
    line: u32,
    /// Characters from the start of the line to `offset`.
    col: usize,
}

impl<'a> LineCounter<'a> {
    fn new(text: &'a str) -> Self {
        LineCounter {
            text,
            offset: 0,
            line: 1,
            col: 0,
        }
    }

    /// Returns the line and column, in characters, of byte `offset`, which
    /// is not before the offset of the previous call. Each byte is read
    /// once over all calls, so many values on one line cost no more than
    /// one value per line.
    fn position(&mut self, offset: usize) -> (u32, u32) {
        let passed = &self.text[self.offset..offset];
        match passed.rfind('\n') {
            Some(last_break) => {
                let breaks = passed.bytes().filter(|&b| b == b'\n').count();
                let breaks = u32::try_from(breaks).unwrap_or(u32::MAX);
                self.line = self.line.saturating_add(breaks);
                self.col = passed[last_break + 1..].chars().count();
            }
            None => self.col += passed.chars().count(),
        }
        self.offset = offset;
        (
            self.line,
            u32::try_from(self.col).unwrap_or(u32::MAX - 1) + 1,
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pieces(input: &str) -> Vec<(&str, u32, u32)> {
        split_stream(input)
            .into_iter()
            .map(|c| (c.chunk.text, c.chunk.first_line, c.first_col))
            .collect()
    }

    #[test]
    fn cuts_json_values_one_per_line() {
        let input = "{\"a\":1}\n{\"b\":2}\n{\"c\":3}\n";
        assert_eq!(
            pieces(input),
            vec![
                ("{\"a\":1}\n", 1, 1),
                ("{\"b\":2}\n", 2, 1),
                ("{\"c\":3}\n", 3, 1)
            ]
        );
    }

    #[test]
    fn cuts_pretty_printed_values() {
        let input = "\n  {\n  \"a\": 1\n}\n{\n  \"b\": [\n    2\n  ]\n}\n";
        assert_eq!(
            pieces(input),
            vec![
                ("\n  {\n  \"a\": 1\n}\n", 1, 1),
                ("{\n  \"b\": [\n    2\n  ]\n}\n", 5, 1)
            ]
        );
    }

    #[test]
    fn value_in_mid_line_gets_its_column() {
        let input = "{\"a\":1}{\"b\":2} {\"ü\":3}\n";
        assert_eq!(
            pieces(input),
            vec![
                ("{\"a\":1}", 1, 1),
                ("{\"b\":2} ", 1, 8),
                ("{\"ü\":3}\n", 1, 16)
            ]
        );
    }

    #[test]
    fn single_json_value_is_cut_as_yaml() {
        let input = "{\"a\": 1}\n";
        assert_eq!(pieces(input), vec![(input, 1, 1)]);
        let with_marker = "{\"a\": 1}\n---\n{\"b\": 2}\n";
        assert_eq!(
            pieces(with_marker),
            vec![("{\"a\": 1}\n", 1, 1), ("---\n{\"b\": 2}\n", 2, 1)]
        );
    }

    #[test]
    fn yaml_is_not_read_as_json() {
        let input = "a: 1\n{\"b\": 2}\n";
        assert_eq!(pieces(input), vec![(input, 1, 1)]);
        let flow = "{a: 1}\n{b: 2}\n";
        assert_eq!(pieces(flow), vec![(flow, 1, 1)]);
    }

    #[test]
    fn broken_value_is_cut_as_yaml() {
        let input = "{\"a\":1}\n{\"b\":2}\n  {\"c\":\n---\n{\"d\":4}\n";
        assert_eq!(
            pieces(input),
            vec![
                ("{\"a\":1}\n", 1, 1),
                ("{\"b\":2}\n  ", 2, 1),
                ("{\"c\":\n", 3, 3),
                ("---\n{\"d\":4}\n", 4, 1)
            ]
        );
    }

    #[test]
    fn text_after_one_value_is_cut_as_yaml() {
        let input = "{\"a\":1}\n  {\"b\": ]\n";
        assert_eq!(
            pieces(input),
            vec![("{\"a\":1}\n  ", 1, 1), ("{\"b\": ]\n", 2, 3)]
        );
    }

    #[test]
    fn values_other_than_objects_are_kept() {
        let input = "{}\n[1]\n\"x\"\n";
        assert_eq!(
            pieces(input),
            vec![("{}\n", 1, 1), ("[1]\n", 2, 1), ("\"x\"\n", 3, 1)]
        );
    }
}
