//! Typing of scalars as go-yaml v2 types them.
//!
//! `sigs.k8s.io/yaml`, which `kubectl` and the API server use, converts YAML
//! to JSON through go-yaml v2, whose resolver (`resolve.go`, v2.4.0)
//! follows YAML 1.1: `yes`, `on`, `y` are `true`; `no`, `off`, `n` are
//! `false`; a leading `0` makes an octal integer; underscores inside numbers
//! are ignored. Timestamps stay strings with their text, because go-yaml v2
//! keeps timestamp-like scalars as strings when the target is untyped.

use std::borrow::Cow;

use crate::Value;

/// Types one plain (unquoted, untagged) scalar.
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
    let number = match text.as_bytes()[0] {
        b'.' => resolve_dot_float(&text),
        b'0'..=b'9' | b'+' | b'-' => resolve_number(&text),
        _ => None,
    };
    number.unwrap_or(Value::Str(text))
}

/// Types a scalar that carries an explicit tag, given the tag's suffix
/// after `tag:yaml.org,2002:`, or `None` for a tag outside that namespace.
///
/// go-yaml v2 resolves only untagged scalars and the core tags `str`,
/// `bool`, `int`, `float`, `null` and `timestamp`. Any other tag, such as
/// `!!binary` or an application tag like `!secret`, leaves the text a
/// string. A `!!float` integer becomes a float.
pub fn resolve_tagged<'a>(text: Cow<'a, str>, core_suffix: Option<&str>) -> Value<'a> {
    match core_suffix {
        Some("null") => Value::Null,
        Some("float") => match resolve_plain(text) {
            #[allow(
                clippy::cast_precision_loss,
                reason = "go-yaml converts a !!float integer with the same loss"
            )]
            Value::Int(int) => Value::Float(int as f64),
            other => other,
        },
        Some("bool" | "int" | "timestamp") => resolve_plain(text),
        // NOTE: go-yaml fails to decode a tagged scalar whose text does not
        // resolve to its tag (`!!bool 5`); kubeward keeps the resolved value.
        _ => Value::Str(text),
    }
}

/// The `D`/`S` branch of go-yaml's resolver, for text that starts with a
/// digit or a sign: underscores are dropped, then the text is tried as a Go
/// integer literal, as an unsigned one, and as a YAML float.
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
        return parse_finite_float(&plain);
    }
    None
}

/// The `.` branch of go-yaml's resolver: Go's `strconv.ParseFloat` on the
/// text as written, which accepts underscores only between digits.
fn resolve_dot_float(text: &str) -> Option<Value<'static>> {
    if !text.contains('_') {
        return is_yaml_float(text).then(|| parse_finite_float(text))?;
    }
    if !underscores_between_digits(text) {
        return None;
    }
    let plain = text.replace('_', "");
    is_yaml_float(&plain).then(|| parse_finite_float(&plain))?
}

/// Parses a float that matched the YAML float form. Go's `ParseFloat`
/// returns a range error for values beyond `f64`, and go-yaml then keeps
/// the text as a string, so an infinite result is `None`.
fn parse_finite_float(text: &str) -> Option<Value<'static>> {
    let value = text.parse::<f64>().ok()?;
    value.is_finite().then_some(Value::Float(value))
}

/// Parses an integer the way Go's `strconv.ParseInt(s, 0, 64)` does, then
/// `strconv.ParseUint(s, 0, 64)`, which takes no sign. go-yaml keeps a
/// `uint64` beyond `int64` as an integer; it becomes a float here, the only
/// numeric type left that holds it.
fn parse_go_int(text: &str) -> Option<Value<'static>> {
    let (sign, digits) = match text.as_bytes().first()? {
        b'-' => (Some(b'-'), &text[1..]),
        b'+' => (Some(b'+'), &text[1..]),
        _ => (None, text),
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
    let signed = i128::try_from(magnitude).ok()?;
    let value = if sign == Some(b'-') { -signed } else { signed };
    if let Ok(int) = i64::try_from(value) {
        return Some(Value::Int(int));
    }
    if sign.is_none() && u64::try_from(value).is_ok() {
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

/// Whether every `_` in `text` has an ASCII digit on both sides, the rule
/// Go's number parsers apply to digit separators.
fn underscores_between_digits(text: &str) -> bool {
    let bytes = text.as_bytes();
    bytes.iter().enumerate().all(|(i, &b)| {
        b != b'_'
            || (i > 0
                && bytes[i - 1].is_ascii_digit()
                && bytes.get(i + 1).is_some_and(u8::is_ascii_digit))
    })
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
    fn integers_beyond_int64() {
        assert_eq!(
            resolve("18446744073709551615"),
            Value::Float(18_446_744_073_709_551_615.0)
        );
        assert_eq!(
            resolve("0xFFFFFFFFFFFFFFFF"),
            Value::Float(18_446_744_073_709_551_615.0)
        );
        // ParseUint takes no sign, and the text is no YAML float.
        assert_eq!(
            resolve("+0xFFFFFFFFFFFFFFFF"),
            Value::Str("+0xFFFFFFFFFFFFFFFF".into())
        );
        assert_eq!(
            resolve("0x1FFFFFFFFFFFFFFFF"),
            Value::Str("0x1FFFFFFFFFFFFFFFF".into())
        );
        assert_eq!(resolve("-9223372036854775808"), Value::Int(i64::MIN));
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

    #[test]
    fn float_overflow_stays_text() {
        assert_eq!(resolve("1e400"), Value::Str("1e400".into()));
        assert_eq!(resolve(".5e999"), Value::Str(".5e999".into()));
        assert_eq!(resolve("1e-400"), Value::Float(0.0));
    }

    #[test]
    fn underscores_after_leading_dot() {
        assert_eq!(resolve(".5_5"), Value::Float(0.55));
        assert_eq!(resolve("._5"), Value::Str("._5".into()));
        assert_eq!(resolve(".5_"), Value::Str(".5_".into()));
    }

    #[test]
    fn tagged_scalars() {
        let tagged = |text: &'static str, tag: Option<&str>| resolve_tagged(text.into(), tag);
        assert_eq!(tagged("5", Some("str")), Value::Str("5".into()));
        assert_eq!(tagged("5", Some("int")), Value::Int(5));
        assert_eq!(tagged("5", Some("float")), Value::Float(5.0));
        assert_eq!(tagged("yes", Some("bool")), Value::Bool(true));
        assert_eq!(tagged("x", Some("null")), Value::Null);
        assert_eq!(tagged("aGk=", Some("binary")), Value::Str("aGk=".into()));
        assert_eq!(tagged("true", None), Value::Str("true".into()));
    }
}
