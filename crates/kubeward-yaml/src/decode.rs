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

/// The line and column just after `text`.
fn position_after(text: &str) -> (u32, u32) {
    let line = text.bytes().filter(|&b| b == b'\n').count() + 1;
    let last_line = text.rsplit('\n').next().unwrap_or("");
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
    fn reports_invalid_utf8_position() {
        let decoded = decode(b"a: 1\nb: x\xFFy\n");
        let problem = decoded.problem.expect("a problem");
        assert_eq!((problem.line, problem.col), (2, 5));
        assert_eq!(decoded.text, "a: 1\nb: x\u{FFFD}y\n");
    }
}
