//! Turning file bytes into text.
//!
//! YAML streams may be UTF-8, UTF-16 or UTF-32; `kubectl` accepts UTF-8 and
//! UTF-16 with a byte order mark. A leading UTF-8 byte order mark is
//! dropped. Bytes that are not valid UTF-8 are replaced by U+FFFD and the
//! first such place is reported, so the rest of the file is still read.

use std::borrow::Cow;

/// Where the bytes stopped being valid text.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DecodeProblem {
    /// 1-based line of the first invalid byte.
    pub line: u32,
    /// 1-based column, in characters, of the first invalid byte.
    pub col: u32,
    pub message: String,
}

/// Decoded text and the first encoding problem, if any.
#[derive(Debug)]
pub struct Decoded<'b> {
    pub text: Cow<'b, str>,
    pub problem: Option<DecodeProblem>,
}

/// Decodes file bytes to text.
pub fn decode(bytes: &[u8]) -> Decoded<'_> {
    if let Some(rest) = bytes.strip_prefix(b"\xEF\xBB\xBF") {
        return decode_utf8(rest);
    }
    if let Some(rest) = bytes.strip_prefix(b"\xFF\xFE") {
        return decode_utf16(rest, u16::from_le_bytes);
    }
    if let Some(rest) = bytes.strip_prefix(b"\xFE\xFF") {
        return decode_utf16(rest, u16::from_be_bytes);
    }
    decode_utf8(bytes)
}

fn decode_utf8(bytes: &[u8]) -> Decoded<'_> {
    match std::str::from_utf8(bytes) {
        Ok(text) => Decoded {
            text: Cow::Borrowed(text),
            problem: None,
        },
        Err(err) => {
            let valid = &bytes[..err.valid_up_to()];
            let (line, col) = position_after(std::str::from_utf8(valid).unwrap_or_default());
            Decoded {
                text: String::from_utf8_lossy(bytes),
                problem: Some(DecodeProblem {
                    line,
                    col,
                    message: format!(
                        "invalid UTF-8 at byte offset {}; invalid bytes were read as U+FFFD",
                        err.valid_up_to()
                    ),
                }),
            }
        }
    }
}

fn decode_utf16(bytes: &[u8], unit: fn([u8; 2]) -> u16) -> Decoded<'static> {
    let units = bytes.chunks_exact(2).map(|pair| unit([pair[0], pair[1]]));
    let mut text = String::with_capacity(bytes.len() / 2);
    let mut problem = None;
    for decoded in char::decode_utf16(units) {
        match decoded {
            Ok(c) => text.push(c),
            Err(err) => {
                if problem.is_none() {
                    let (line, col) = position_after(&text);
                    problem = Some(DecodeProblem {
                        line,
                        col,
                        message: format!(
                            "invalid UTF-16: unpaired surrogate {:#06x}; read as U+FFFD",
                            err.unpaired_surrogate()
                        ),
                    });
                }
                text.push(char::REPLACEMENT_CHARACTER);
            }
        }
    }
    if bytes.len() % 2 == 1 && problem.is_none() {
        let (line, col) = position_after(&text);
        problem = Some(DecodeProblem {
            line,
            col,
            message: "invalid UTF-16: odd number of bytes; the last byte was ignored".into(),
        });
    }
    Decoded {
        text: Cow::Owned(text),
        problem,
    }
}

/// Replaces each carriage return that is not followed by a line feed with
/// a line feed.
///
/// YAML (and so both parsers) reads a lone CR as a line break, as old Mac
/// files use it. kubeward counts lines by LF when it cuts documents and
/// quotes lines, so lone CRs are turned into LFs first, which keeps every
/// line number in agreement. Scalar values do not change: YAML reads any
/// line break inside a scalar as a LF. Byte offsets do not change either.
pub fn normalize_line_breaks(text: &str) -> Cow<'_, str> {
    let bytes = text.as_bytes();
    let is_lone_cr = |i: usize| bytes[i] == b'\r' && bytes.get(i + 1) != Some(&b'\n');
    if !text.match_indices('\r').any(|(i, _)| is_lone_cr(i)) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len());
    let mut start = 0;
    for (i, _) in text.match_indices('\r') {
        if is_lone_cr(i) {
            out.push_str(&text[start..i]);
            out.push('\n');
            start = i + 1;
        }
    }
    out.push_str(&text[start..]);
    Cow::Owned(out)
}

/// The line and column just after `text`.
/// The line and column just after `text`, counting line breaks as
/// [`normalize_line_breaks`] does. A CR at the very end counts as a line
/// break: what follows it is not a LF of the text.
fn position_after(text: &str) -> (u32, u32) {
    let normalized = normalize_line_breaks(text);
    let line = normalized.matches('\n').count() + 1;
    let last_line = normalized.rsplit('\n').next().unwrap_or("");
    let col = last_line.chars().count() + 1;
    (
        u32::try_from(line).unwrap_or(u32::MAX),
        u32::try_from(col).unwrap_or(u32::MAX),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strips_utf8_bom() {
        let decoded = decode(b"\xEF\xBB\xBFa: 1\n");
        assert_eq!(decoded.text, "a: 1\n");
        assert!(decoded.problem.is_none());
    }

    #[test]
    fn reads_utf16_with_bom() {
        let mut bytes = vec![0xFF, 0xFE];
        for unit in "kind: Pod\n".encode_utf16() {
            bytes.extend_from_slice(&unit.to_le_bytes());
        }
        let decoded = decode(&bytes);
        assert_eq!(decoded.text, "kind: Pod\n");
        assert!(decoded.problem.is_none());
    }

    #[test]
    fn lone_carriage_returns_become_line_feeds() {
        assert_eq!(
            normalize_line_breaks("a: 1\rb: 2\r\nc: 3\r"),
            "a: 1\nb: 2\r\nc: 3\n"
        );
        assert!(matches!(
            normalize_line_breaks("a\r\nb\n"),
            Cow::Borrowed(_)
        ));
    }

    #[test]
    fn invalid_utf8_position_counts_lone_carriage_returns() {
        let decoded = decode(b"a: 1\rb: x\xFFy\n");
        let problem = decoded.problem.expect("a problem");
        assert_eq!((problem.line, problem.col), (2, 5));
    }

    #[test]
    fn reports_invalid_utf8_position() {
        let decoded = decode(b"a: 1\nb: x\xFFy\n");
        let problem = decoded.problem.expect("a problem");
        assert_eq!((problem.line, problem.col), (2, 5));
        assert_eq!(decoded.text, "a: 1\nb: x\u{FFFD}y\n");
    }
}
