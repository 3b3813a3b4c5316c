//! Typing of plain scalars as go-yaml v2 types them.
//!
//! `sigs.k8s.io/yaml`, which `kubectl` and the API server use, converts YAML
//! to JSON through go-yaml v2, whose resolver follows YAML 1.1: `yes`, `on`,
//! `y` are `true`; `no`, `off`, `n` are `false`; a leading `0` makes an octal
//! integer; underscores inside numbers are ignored. Timestamps stay strings.

use std::borrow::Cow;

use crate::Value;

/// Types one plain (unquoted) scalar.
pub fn resolve_plain(text: Cow<'_, str>) -> Value<'_> {
    match text.as_ref() {
        "" | "~" | "null" | "Null" | "NULL" => return Value::Null,
        "y" | "Y" | "yes" | "Yes" | "YES" | "true" | "True" | "TRUE" | "on" | "On" | "ON" => {
            return Value::Bool(true);
        }
        "n" | "N" | "no" | "No" | "NO" | "false" | "False" | "FALSE" | "off" | "Off" | "OFF" => {
            return Value::Bool(false);
        }
        ".nan" | ".NaN" | ".NAN" => return Value::Float(f64::NAN),
        ".inf" | ".Inf" | ".INF" | "+.inf" | "+.Inf" | "+.INF" => {
            return Value::Float(f64::INFINITY);
        }
        "-.inf" | "-.Inf" | "-.INF" => return Value::Float(f64::NEG_INFINITY),
        _ => {}
    }
    let first = text.as_bytes()[0];
    if first.is_ascii_digit() || matches!(first, b'+' | b'-' | b'.') {
        if let Some(number) = resolve_number(&text) {
            return number;
        }
    }
    Value::Str(text)
}

fn resolve_number(text: &str) -> Option<Value<'static>> {
    let plain: Cow<'_, str> = if text.contains('_') {
        Cow::Owned(text.replace('_', ""))
    } else {
        Cow::Borrowed(text)
    };
    if let Some(int) = parse_go_int(&plain) {
        return Some(int);
    }
    if is_yaml_float(&plain) {
        return plain.parse::<f64>().ok().map(Value::Float);
    }
    None
}

/// Parses an integer the way Go's `strconv.ParseInt(s, 0, 64)` does, with an
/// unsigned fallback that becomes a float, as go-yaml keeps `uint64` values
/// that do not fit `int64`.
fn parse_go_int(text: &str) -> Option<Value<'static>> {
    let (negative, digits) = match text.as_bytes().first()? {
        b'-' => (true, &text[1..]),
        b'+' => (false, &text[1..]),
        _ => (false, text),
    };
    if digits.is_empty() {
        return None;
    }
    let (radix, body) = if let Some(rest) = strip_prefix_ci(digits, "0x") {
        (16, rest)
    } else if let Some(rest) = strip_prefix_ci(digits, "0b") {
        (2, rest)
    } else if let Some(rest) = strip_prefix_ci(digits, "0o") {
        (8, rest)
    } else if digits.len() > 1 && digits.starts_with('0') {
        (8, &digits[1..])
    } else {
        (10, digits)
    };
    if body.is_empty() || !body.chars().all(|c| c.is_digit(radix)) {
        return None;
    }
    let magnitude = u128::from_str_radix(body, radix).ok()?;
    let value = if negative {
        -i128::try_from(magnitude).ok()?
    } else {
        i128::try_from(magnitude).ok()?
    };
    if let Ok(int) = i64::try_from(value) {
        return Some(Value::Int(int));
    }
    if !negative && u64::try_from(value).is_ok() {
        #[allow(
            clippy::cast_precision_loss,
            reason = "uint64 beyond i64 is rare and only compared"
        )]
        return Some(Value::Float(magnitude as f64));
    }
    None
}

fn strip_prefix_ci<'t>(text: &'t str, prefix: &str) -> Option<&'t str> {
    let head = text.get(..prefix.len())?;
    head.eq_ignore_ascii_case(prefix)
        .then(|| &text[prefix.len()..])
}

/// `^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$`, the float form
/// go-yaml v2 accepts.
fn is_yaml_float(text: &str) -> bool {
    let bytes = text.as_bytes();
    let mut i = usize::from(matches!(bytes.first(), Some(b'+' | b'-')));
    let digits = |i: &mut usize| {
        let start = *i;
        while *i < bytes.len() && bytes[*i].is_ascii_digit() {
            *i += 1;
        }
        *i - start
    };
    if bytes.get(i) == Some(&b'.') {
        i += 1;
        if digits(&mut i) == 0 {
            return false;
        }
    } else {
        if digits(&mut i) == 0 {
            return false;
        }
        if bytes.get(i) == Some(&b'.') {
            i += 1;
            digits(&mut i);
        }
    }
    if matches!(bytes.get(i), Some(b'e' | b'E')) {
        i += 1;
        if matches!(bytes.get(i), Some(b'+' | b'-')) {
            i += 1;
        }
        if digits(&mut i) == 0 {
            return false;
        }
    }
    i == bytes.len()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn resolve(text: &str) -> Value<'_> {
        resolve_plain(Cow::Borrowed(text))
    }

    #[test]
    fn yaml_1_1_booleans() {
        for text in ["yes", "Yes", "on", "ON", "y", "true", "True"] {
            assert_eq!(resolve(text), Value::Bool(true), "{text}");
        }
        for text in ["no", "off", "N", "false", "FALSE"] {
            assert_eq!(resolve(text), Value::Bool(false), "{text}");
        }
        assert_eq!(resolve("yEs"), Value::Str("yEs".into()));
    }

    #[test]
    fn nulls() {
        for text in ["", "~", "null", "Null", "NULL"] {
            assert_eq!(resolve(text), Value::Null, "{text:?}");
        }
        assert_eq!(resolve("nULL"), Value::Str("nULL".into()));
    }

    #[test]
    fn integers_in_go_syntax() {
        assert_eq!(resolve("0"), Value::Int(0));
        assert_eq!(resolve("-12"), Value::Int(-12));
        assert_eq!(resolve("+7"), Value::Int(7));
        assert_eq!(resolve("0755"), Value::Int(0o755));
        assert_eq!(resolve("0o17"), Value::Int(0o17));
        assert_eq!(resolve("0x1F"), Value::Int(31));
        assert_eq!(resolve("0b101"), Value::Int(5));
        assert_eq!(resolve("1_000"), Value::Int(1000));
        assert_eq!(resolve("09"), Value::Float(9.0));
    }

    #[test]
    fn floats_and_strings() {
        assert_eq!(resolve("1.5"), Value::Float(1.5));
        assert_eq!(resolve(".5"), Value::Float(0.5));
        assert_eq!(resolve("1e3"), Value::Float(1000.0));
        assert_eq!(resolve("1.2.3"), Value::Str("1.2.3".into()));
        assert_eq!(resolve("="), Value::Str("=".into()));
        assert_eq!(resolve("-"), Value::Str("-".into()));
        assert_eq!(resolve("2001-12-14"), Value::Str("2001-12-14".into()));
        assert!(matches!(resolve(".inf"), Value::Float(f) if f.is_infinite()));
    }
}
