//! Label selectors, read and matched as `k8s.io/apimachinery`'s
//! `LabelSelectorAsSelector` does.
//!
//! - An empty selector (`{}`, no `matchLabels` and no `matchExpressions`)
//!   matches every object. An absent selector is the caller's business:
//!   NetworkPolicy reads an absent `spec.podSelector` as empty, and an
//!   absent peer selector as "not this kind of peer".
//! - `matchLabels` entries and `matchExpressions` requirements are ANDed.
//! - `In` and `NotIn` need at least one value; `Exists` and
//!   `DoesNotExist` take none. `NotIn` also matches objects without the
//!   key. An unknown operator, an invalid label key or an invalid value
//!   makes the whole selector invalid, as the API server rejects it.

use std::collections::BTreeMap;
use std::fmt;

use kubeward_core::yaml::{NodeRef, Pos};

/// Labels of a pod or namespace.
pub type Labels = BTreeMap<String, String>;

/// A parsed label selector.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash)]
pub struct Selector {
    requirements: Vec<Requirement>,
}

/// One requirement of a selector.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Requirement {
    pub key: String,
    pub operator: Operator,
}

/// A requirement's operator and values. `matchLabels` entries become `In`
/// with one value.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Operator {
    In(Vec<String>),
    NotIn(Vec<String>),
    Exists,
    DoesNotExist,
}

/// Why a selector is invalid, and where.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SelectorError {
    pub pos: Pos,
    /// Field path below the selector, such as `matchExpressions[0].operator`.
    pub field: String,
    pub message: String,
}

/// Why a label value that is not a string is rejected, with what YAML
/// read it as.
fn not_a_string(node: NodeRef<'_, '_>) -> String {
    let text = node.scalar_text().unwrap_or_default();
    match node.type_name() {
        "boolean" => format!(
            "the value was read as a boolean ({text}): YAML reads unquoted y, n, yes, no, on, \
             off, true and false as booleans; quote it to make it a string"
        ),
        "integer" | "number" => {
            format!("the value was read as a number ({text}); quote it to make it a string")
        }
        other => format!("the value must be a string, not a {other}"),
    }
}

impl Selector {
    /// The selector that matches everything.
    pub fn everything() -> Self {
        Selector::default()
    }

    /// A selector from its requirements, ANDed.
    pub fn from_requirements(requirements: Vec<Requirement>) -> Self {
        Selector { requirements }
    }

    /// Parses `kubectl`'s `-l` syntax: comma-separated `key=value`,
    /// `key==value`, `key!=value`, `key in (a,b)`, `key notin (a,b)`,
    /// `key` and `!key`.
    pub fn parse_query(text: &str) -> Result<Self, String> {
        let mut requirements = Vec::new();
        for term in split_terms(text) {
            let term = term.trim();
            if term.is_empty() {
                return Err(format!("empty requirement in label selector `{text}`"));
            }
            requirements.push(parse_term(term)?);
        }
        for r in &requirements {
            check_key(&r.key)?;
            if let Operator::In(values) | Operator::NotIn(values) = &r.operator {
                for value in values {
                    check_value(value)?;
                }
            }
        }
        Ok(Selector { requirements })
    }

    /// A selector from `matchLabels`-style pairs.
    pub fn from_labels<'k>(labels: impl IntoIterator<Item = (&'k str, &'k str)>) -> Self {
        Selector {
            requirements: labels
                .into_iter()
                .map(|(k, v)| Requirement {
                    key: k.to_owned(),
                    operator: Operator::In(vec![v.to_owned()]),
                })
                .collect(),
        }
    }

    /// Reads a `LabelSelector` mapping. A node that is not a mapping is
    /// an error, as are the invalid requirements the module docs list.
    pub fn parse(node: NodeRef<'_, '_>) -> Result<Self, SelectorError> {
        if !node.is_map() {
            return Err(SelectorError {
                pos: node.pos(),
                field: String::new(),
                message: format!(
                    "a label selector must be a mapping, not a {}",
                    node.type_name()
                ),
            });
        }
        let mut requirements = Vec::new();
        if let Some(entry) = node.entry("matchLabels") {
            if !entry.value.is_map() {
                return Err(error(entry.key.pos(), "matchLabels", "must be a mapping"));
            }
            for label in entry.value.entries() {
                let key = label.key_str().unwrap_or_default().into_owned();
                let field = format!("matchLabels.{key}");
                check_key(&key).map_err(|m| error(label.key.pos(), &field, &m))?;
                let Some(value) = label
                    .value
                    .as_str()
                    .map(str::to_owned)
                    .or_else(|| label.value.is_null().then(String::new))
                else {
                    return Err(error(label.value.pos(), &field, &not_a_string(label.value)));
                };
                check_value(&value).map_err(|m| error(label.value.pos(), &field, &m))?;
                requirements.push(Requirement {
                    key,
                    operator: Operator::In(vec![value]),
                });
            }
        }
        if let Some(entry) = node.entry("matchExpressions") {
            if !entry.value.is_seq() {
                return Err(error(entry.key.pos(), "matchExpressions", "must be a list"));
            }
            for (index, expression) in entry.value.items().enumerate() {
                requirements.push(parse_expression(expression, index)?);
            }
        }
        Ok(Selector { requirements })
    }

    /// Whether the selector matches everything.
    pub fn is_empty(&self) -> bool {
        self.requirements.is_empty()
    }

    pub fn requirements(&self) -> &[Requirement] {
        &self.requirements
    }

    /// Whether an object with `labels` is selected.
    pub fn matches(&self, labels: &Labels) -> bool {
        self.requirements.iter().all(|r| r.matches(labels))
    }
}

impl Requirement {
    pub fn matches(&self, labels: &Labels) -> bool {
        let value = labels.get(&self.key);
        match &self.operator {
            Operator::In(values) => value.is_some_and(|v| values.contains(v)),
            Operator::NotIn(values) => value.is_none_or(|v| !values.contains(v)),
            Operator::Exists => value.is_some(),
            Operator::DoesNotExist => value.is_none(),
        }
    }
}

impl fmt::Display for Selector {
    /// Writes the selector in `kubectl`'s `-l` syntax: `app=web,tier in
    /// (a,b),!legacy`; an empty selector is `{}` (everything).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.requirements.is_empty() {
            return f.write_str("{}");
        }
        for (i, r) in self.requirements.iter().enumerate() {
            if i > 0 {
                f.write_str(",")?;
            }
            match &r.operator {
                Operator::In(values) if values.len() == 1 => write!(f, "{}={}", r.key, values[0])?,
                Operator::In(values) => write!(f, "{} in ({})", r.key, values.join(","))?,
                Operator::NotIn(values) => write!(f, "{} notin ({})", r.key, values.join(","))?,
                Operator::Exists => write!(f, "{}", r.key)?,
                Operator::DoesNotExist => write!(f, "!{}", r.key)?,
            }
        }
        Ok(())
    }
}

/// Splits a `-l` selector at the commas outside parentheses.
fn split_terms(text: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let (mut depth, mut start) = (0i32, 0);
    for (i, c) in text.char_indices() {
        match c {
            '(' => depth += 1,
            ')' => depth -= 1,
            ',' if depth == 0 => {
                out.push(&text[start..i]);
                start = i + 1;
            }
            _ => {}
        }
    }
    out.push(&text[start..]);
    out
}

fn parse_term(term: &str) -> Result<Requirement, String> {
    let requirement = |key: &str, operator| Requirement {
        key: key.trim().to_owned(),
        operator,
    };
    if let Some(key) = term.strip_prefix('!') {
        return Ok(requirement(key, Operator::DoesNotExist));
    }
    for (separator, negate) in [("!=", true), ("==", false), ("=", false)] {
        if let Some((key, value)) = term.split_once(separator) {
            let values = vec![value.trim().to_owned()];
            let operator = if negate {
                Operator::NotIn(values)
            } else {
                Operator::In(values)
            };
            return Ok(requirement(key, operator));
        }
    }
    for (word, negate) in [(" notin ", true), (" in ", false)] {
        if let Some((key, set)) = term.split_once(word) {
            let set = set.trim();
            let Some(inner) = set.strip_prefix('(').and_then(|s| s.strip_suffix(')')) else {
                return Err(format!(
                    "`{term}`: the values must be in parentheses, as in `key in (a,b)`"
                ));
            };
            let values: Vec<String> = inner.split(',').map(|v| v.trim().to_owned()).collect();
            let operator = if negate {
                Operator::NotIn(values)
            } else {
                Operator::In(values)
            };
            return Ok(requirement(key, operator));
        }
    }
    Ok(requirement(term, Operator::Exists))
}

fn parse_expression(node: NodeRef<'_, '_>, index: usize) -> Result<Requirement, SelectorError> {
    let base = format!("matchExpressions[{index}]");
    if !node.is_map() {
        return Err(error(node.pos(), &base, "must be a mapping"));
    }
    let Some(key) = node.get_str("key") else {
        return Err(error(node.pos(), &format!("{base}.key"), "is required"));
    };
    check_key(key).map_err(|m| error(node.pos(), &format!("{base}.key"), &m))?;
    let op_field = format!("{base}.operator");
    let Some(operator) = node.entry("operator") else {
        return Err(error(node.pos(), &op_field, "is required"));
    };
    let values_entry = node.entry("values");
    let values_pos = values_entry.map_or(operator.key.pos(), |e| e.key.pos());
    let values_field = format!("{base}.values");
    let mut values = Vec::new();
    if let Some(entry) = values_entry {
        if !entry.value.is_seq() {
            return Err(error(values_pos, &values_field, "must be a list"));
        }
        for item in entry.value.items() {
            let Some(value) = item.as_str() else {
                return Err(error(item.pos(), &values_field, &not_a_string(item)));
            };
            check_value(value).map_err(|m| error(item.pos(), &values_field, &m))?;
            values.push(value.to_owned());
        }
    }
    let operator = match operator.value.as_str() {
        Some("In" | "NotIn") if values.is_empty() => {
            return Err(error(
                values_pos,
                &values_field,
                "must be non-empty when operator is In or NotIn",
            ));
        }
        Some("In") => Operator::In(values),
        Some("NotIn") => Operator::NotIn(values),
        Some("Exists" | "DoesNotExist") if !values.is_empty() => {
            return Err(error(
                values_pos,
                &values_field,
                "must be empty when operator is Exists or DoesNotExist",
            ));
        }
        Some("Exists") => Operator::Exists,
        Some("DoesNotExist") => Operator::DoesNotExist,
        other => {
            return Err(error(
                operator.value.pos(),
                &op_field,
                &format!(
                    "`{}` is not a valid operator: expected In, NotIn, Exists or DoesNotExist",
                    other.unwrap_or("")
                ),
            ));
        }
    };
    Ok(Requirement {
        key: key.to_owned(),
        operator,
    })
}

fn error(pos: Pos, field: &str, message: &str) -> SelectorError {
    SelectorError {
        pos,
        field: field.to_owned(),
        message: message.to_owned(),
    }
}

/// Checks a label key: an optional DNS subdomain prefix and `/`, then a
/// name of at most 63 characters of alphanumerics, `-`, `_` and `.`,
/// starting and ending with an alphanumeric.
fn check_key(key: &str) -> Result<(), String> {
    let (prefix, name) = match key.rsplit_once('/') {
        Some((prefix, name)) => (Some(prefix), name),
        None => (None, key),
    };
    if let Some(prefix) = prefix {
        let valid = !prefix.is_empty()
            && prefix.len() <= 253
            && prefix.split('.').all(|part| {
                !part.is_empty()
                    && part
                        .bytes()
                        .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
                    && !part.starts_with('-')
                    && !part.ends_with('-')
            });
        if !valid {
            return Err(format!(
                "label key `{key}` has an invalid prefix: it must be a lowercase DNS subdomain"
            ));
        }
    }
    if name.is_empty() {
        return Err(format!("label key `{key}` has an empty name"));
    }
    check_name(name).map_err(|why| format!("label key `{key}` is invalid: {why}"))
}

/// Checks a label value: empty, or a name as [`check_key`] describes.
fn check_value(value: &str) -> Result<(), String> {
    if value.is_empty() {
        return Ok(());
    }
    check_name(value).map_err(|why| format!("label value `{value}` is invalid: {why}"))
}

fn check_name(name: &str) -> Result<(), &'static str> {
    if name.len() > 63 {
        return Err("it is longer than 63 characters");
    }
    let bytes = name.as_bytes();
    let inner_ok = bytes
        .iter()
        .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.'));
    let ends_ok = bytes.first().is_some_and(u8::is_ascii_alphanumeric)
        && bytes.last().is_some_and(u8::is_ascii_alphanumeric);
    if inner_ok && ends_ok {
        Ok(())
    } else {
        Err(
            "it must consist of alphanumerics, '-', '_' or '.', and start and end with an alphanumeric",
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn labels(pairs: &[(&str, &str)]) -> Labels {
        pairs
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect()
    }

    fn requirement(key: &str, operator: Operator) -> Selector {
        Selector {
            requirements: vec![Requirement {
                key: key.to_owned(),
                operator,
            }],
        }
    }

    #[test]
    fn empty_matches_everything() {
        assert!(Selector::everything().matches(&labels(&[])));
        assert!(Selector::everything().matches(&labels(&[("a", "b")])));
    }

    #[test]
    fn not_in_matches_missing_key() {
        let s = requirement("env", Operator::NotIn(vec!["prod".into()]));
        assert!(s.matches(&labels(&[])));
        assert!(s.matches(&labels(&[("env", "dev")])));
        assert!(!s.matches(&labels(&[("env", "prod")])));
    }

    #[test]
    fn exists_and_does_not_exist() {
        let exists = requirement("app", Operator::Exists);
        let absent = requirement("app", Operator::DoesNotExist);
        assert!(exists.matches(&labels(&[("app", "")])));
        assert!(!exists.matches(&labels(&[])));
        assert!(absent.matches(&labels(&[])));
        assert!(!absent.matches(&labels(&[("app", "x")])));
    }

    #[test]
    fn label_key_validation() {
        assert!(check_key("app").is_ok());
        assert!(check_key("kubernetes.io/metadata.name").is_ok());
        assert!(check_key("app.kubernetes.io/name").is_ok());
        assert!(check_key("-app").is_err());
        assert!(check_key("/app").is_err());
        assert!(check_key("Example.com/app").is_err());
        assert!(check_key(&"a".repeat(64)).is_err());
        assert!(check_value("").is_ok());
        assert!(check_value("v1.2_3").is_ok());
        assert!(check_value("a b").is_err());
    }

    #[test]
    fn query_syntax() {
        let s = Selector::parse_query("app=web,tier in (a, b),!legacy,env!=prod,zone")
            .expect("valid selector");
        assert!(s.matches(&labels(&[("app", "web"), ("tier", "b"), ("zone", "z")])));
        assert!(!s.matches(&labels(&[
            ("app", "web"),
            ("tier", "b"),
            ("zone", "z"),
            ("env", "prod")
        ])));
        assert!(Selector::parse_query("app in a,b").is_err());
        assert!(Selector::parse_query("bad key=1").is_err());
    }

    #[test]
    fn display_uses_kubectl_syntax() {
        let s = Selector {
            requirements: vec![
                Requirement {
                    key: "app".into(),
                    operator: Operator::In(vec!["web".into()]),
                },
                Requirement {
                    key: "tier".into(),
                    operator: Operator::In(vec!["a".into(), "b".into()]),
                },
                Requirement {
                    key: "legacy".into(),
                    operator: Operator::DoesNotExist,
                },
            ],
        };
        assert_eq!(s.to_string(), "app=web,tier in (a,b),!legacy");
    }
}
