//! Cutting a YAML stream into documents before parsing.
//!
//! A line that starts with `---` or `...` followed by a space, a tab or the
//! end of the line is a document marker wherever it appears, even inside a
//! block scalar or a quoted string: YAML 1.2 forbids such lines inside
//! content (production `c-forbidden`). So the stream can be cut at those
//! lines without parsing it, and each piece parsed on its own. A syntax
//! error then loses only its own document, and pieces of one large file can
//! be parsed in parallel.

/// One piece of a stream: at most one document, with the line it starts on.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Chunk<'a> {
    pub text: &'a str,
    /// 1-based line of `text`'s first line in the whole stream.
    pub first_line: u32,
}

/// Cuts `text` into chunks. Each chunk starts at a `---` line (with any
/// directive lines just above it) or right after a `...` line. Chunks that
/// hold only blank lines and comments are kept; the parser reads them as
/// empty.
pub fn split_documents(text: &str) -> Vec<Chunk<'_>> {
    let mut chunks = Vec::new();
    let mut start = 0usize;
    let mut start_line = 1u32;
    // Directive lines (`%YAML`, `%TAG`) seen since the last content line,
    // as the byte offset and line of the first of them.
    let mut directives: Option<(usize, u32)> = None;
    let mut offset = 0usize;
    let mut line = 1u32;

    for raw in text.split_inclusive('\n') {
        let next_offset = offset + raw.len();
        if is_marker(raw, "---") {
            let (cut, cut_line) = directives.unwrap_or((offset, line));
            if cut > start {
                chunks.push(Chunk {
                    text: &text[start..cut],
                    first_line: start_line,
                });
            }
            start = cut;
            start_line = cut_line;
            directives = None;
        } else if is_marker(raw, "...") {
            chunks.push(Chunk {
                text: &text[start..next_offset],
                first_line: start_line,
            });
            start = next_offset;
            start_line = line + 1;
            directives = None;
        } else if raw.starts_with('%') {
            directives.get_or_insert((offset, line));
        } else if !is_blank_or_comment(raw) {
            directives = None;
        }
        offset = next_offset;
        line = line.saturating_add(1);
    }
    if start < text.len() || chunks.is_empty() {
        chunks.push(Chunk {
            text: &text[start..],
            first_line: start_line,
        });
    }
    chunks
}

fn is_marker(line: &str, marker: &str) -> bool {
    line.strip_prefix(marker)
        .is_some_and(|rest| rest.is_empty() || rest.starts_with([' ', '\t', '\r', '\n']))
}

fn is_blank_or_comment(line: &str) -> bool {
    let trimmed = line.trim_start_matches([' ', '\t']);
    trimmed.is_empty() || trimmed.starts_with(['#', '\r', '\n'])
}

#[cfg(test)]
mod tests {
    use super::*;

    fn texts(input: &str) -> Vec<(&str, u32)> {
        split_documents(input)
            .into_iter()
            .map(|c| (c.text, c.first_line))
            .collect()
    }

    #[test]
    fn cuts_at_start_markers() {
        let input = "a: 1\n---\nb: 2\n--- # c\nc: 3\n";
        assert_eq!(
            texts(input),
            vec![("a: 1\n", 1), ("---\nb: 2\n", 2), ("--- # c\nc: 3\n", 4)]
        );
    }

    #[test]
    fn ignores_marker_lookalikes() {
        let input = "a: |\n  ---\nb: ----\n---x: 1\n";
        assert_eq!(texts(input), vec![(input, 1)]);
    }

    #[test]
    fn keeps_directives_with_their_document() {
        let input = "a: 1\n...\n%YAML 1.2\n---\nb: 2\n";
        assert_eq!(
            texts(input),
            vec![("a: 1\n...\n", 1), ("%YAML 1.2\n---\nb: 2\n", 3)]
        );
    }

    #[test]
    fn handles_crlf_and_empty_input() {
        assert_eq!(texts("a: 1\r\n---\r\nb: 2\r\n").len(), 2);
        assert_eq!(texts(""), vec![("", 1)]);
    }
}
