//! CIS benchmark test items, evaluated over what a node shows: a process's
//! command line, its config file, its environment, or the output of `stat`.
//!
//! This is the evaluation model of the CIS Kubernetes Benchmark as its
//! common tooling (kube-bench) writes it: a check has test items combined
//! with `and` (the default) or `or`, and each item names a `flag`, a config
//! `path` such as `{.authentication.anonymous.enabled}`, or an `env`
//! variable, says whether it must be `set`, and may `compare` the value
//! with an operator. kubeward reads the command line with its own flag
//! parser and the config with its own YAML and JSON reader, so a benchmark
//! check and a kubeward rule agree on what is in force.
//!
//! Where an item names several sources, the command line wins over the
//! config file, which wins over the environment, as the components merge
//! them.

use std::sync::Arc;

use kubeward_core::yaml::{self, NodeRef, Pos};
use kubeward_core::{ComponentKind, Location};

use crate::flags::{Arg, Arity, identify_program, parse_flags, split_words};
use crate::spec::{self, Kind};

/// A comparison operator.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Op {
    /// Equal; values that both read as booleans compare as booleans.
    Eq,
    NotEq,
    /// Numeric comparisons; values that are not integers fail.
    Gt,
    Gte,
    Lt,
    Lte,
    /// The value contains the text.
    Has,
    NotHave,
    /// The value matches a regular expression (RE2 syntax).
    Regex,
    /// Every comma-separated element of the value is one of the text's
    /// comma-separated elements.
    ValidElements,
    /// Octal file modes: the value grants no permission the text does not.
    Bitmask,
    /// An operator name no benchmark defines; it always fails.
    Unknown(String),
}

impl Op {
    pub fn parse(name: &str) -> Op {
        match name {
            "eq" => Op::Eq,
            "noteq" => Op::NotEq,
            "gt" => Op::Gt,
            "gte" => Op::Gte,
            "lt" => Op::Lt,
            "lte" => Op::Lte,
            "has" => Op::Has,
            "nothave" => Op::NotHave,
            "regex" => Op::Regex,
            "valid_elements" => Op::ValidElements,
            "bitmask" => Op::Bitmask,
            other => Op::Unknown(other.to_owned()),
        }
    }
}

/// Compares an observed value with an expected one. Returns whether the
/// comparison holds, or why it cannot be made.
pub fn compare(op: &Op, observed: &str, expected: &str) -> Result<bool, String> {
    match op {
        Op::Eq => Ok(equal(observed, expected)),
        Op::NotEq => Ok(!equal(observed, expected)),
        Op::Gt | Op::Gte | Op::Lt | Op::Lte => {
            let (Ok(a), Ok(b)) = (
                observed.trim().parse::<i64>(),
                expected.trim().parse::<i64>(),
            ) else {
                return Err(format!("not integers: `{observed}` and `{expected}`"));
            };
            Ok(match op {
                Op::Gt => a > b,
                Op::Gte => a >= b,
                Op::Lt => a < b,
                _ => a <= b,
            })
        }
        Op::Has => Ok(observed.contains(expected)),
        Op::NotHave => Ok(!observed.contains(expected)),
        Op::Regex => regex::Regex::new(expected)
            .map(|re| re.is_match(observed))
            .map_err(|err| format!("invalid regular expression `{expected}`: {err}")),
        Op::ValidElements => {
            let allowed: Vec<&str> = expected.split(',').map(str::trim).collect();
            Ok(observed
                .split(',')
                .map(str::trim)
                .all(|element| allowed.contains(&element)))
        }
        Op::Bitmask => {
            let (Ok(mode), Ok(max)) = (
                u32::from_str_radix(observed.trim(), 8),
                u32::from_str_radix(expected.trim(), 8),
            ) else {
                return Err(format!(
                    "not octal file modes: `{observed}` and `{expected}`"
                ));
            };
            Ok(mode & !max == 0)
        }
        Op::Unknown(name) => Err(format!("unknown operator `{name}`")),
    }
}

fn equal(observed: &str, expected: &str) -> bool {
    let as_bool = |text: &str| match text.to_ascii_lowercase().as_str() {
        "true" => Some(true),
        "false" => Some(false),
        _ => None,
    };
    match (as_bool(observed), as_bool(expected)) {
        (Some(a), Some(b)) => a == b,
        _ => observed == expected,
    }
}

/// One test item of a check.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct TestItem {
    /// A command-line flag (`--anonymous-auth`) or a key of `key=value` or
    /// `key: value` output (`permissions`).
    pub flag: Option<String>,
    /// A config file path such as `{.readOnlyPort}`.
    pub path: Option<String>,
    /// An environment variable.
    pub env: Option<String>,
    /// Whether the value must be present (`true`) or absent (`false`).
    pub set: bool,
    /// The comparison, as operator and expected value.
    pub compare: Option<(Op, String)>,
}

/// How the items of a check combine.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum BinOp {
    #[default]
    And,
    Or,
}

/// What a node showed for a check: a command line or other output, a
/// config file's text, and environment assignments (`NAME=value` lines).
#[derive(Clone, Copy, Debug, Default)]
pub struct Observed<'t> {
    pub output: Option<&'t str>,
    pub config: Option<&'t str>,
    pub env: Option<&'t str>,
}

/// The verdict on one item, with the value found, if any.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ItemResult {
    pub pass: bool,
    pub value: Option<String>,
    /// Why the item could not be compared, such as a value that is not a
    /// number.
    pub problem: Option<String>,
}

/// Evaluates test items over what a node showed, and returns whether the
/// check passes with each item's result.
pub fn evaluate(
    items: &[TestItem],
    bin_op: BinOp,
    observed: Observed<'_>,
) -> (bool, Vec<ItemResult>) {
    let output = observed.output.map(OutputValues::read);
    let config = observed.config.map(ConfigValues::read);
    let results: Vec<ItemResult> = items
        .iter()
        .map(|item| evaluate_item(item, output.as_ref(), config.as_ref(), observed.env))
        .collect();
    let pass = match bin_op {
        BinOp::And => !results.is_empty() && results.iter().all(|r| r.pass),
        BinOp::Or => results.iter().any(|r| r.pass),
    };
    (pass, results)
}

fn evaluate_item(
    item: &TestItem,
    output: Option<&OutputValues>,
    config: Option<&ConfigValues>,
    env: Option<&str>,
) -> ItemResult {
    let from_output = item
        .flag
        .as_deref()
        .and_then(|flag| output.and_then(|o| o.get(flag)));
    let from_config = || {
        item.path
            .as_deref()
            .and_then(|path| config.and_then(|c| c.get(path)))
    };
    let from_env = || item.env.as_deref().and_then(|name| env_value(env, name));
    let value = from_output.or_else(from_config).or_else(from_env);
    let Some(value) = value else {
        return ItemResult {
            pass: !item.set,
            value: None,
            problem: None,
        };
    };
    if !item.set {
        return ItemResult {
            pass: false,
            value: Some(value),
            problem: None,
        };
    }
    match &item.compare {
        None => ItemResult {
            pass: true,
            value: Some(value),
            problem: None,
        },
        Some((op, expected)) => match compare(op, &value, expected) {
            Ok(pass) => ItemResult {
                pass,
                value: Some(value),
                problem: None,
            },
            Err(problem) => ItemResult {
                pass: false,
                value: Some(value),
                problem: Some(problem),
            },
        },
    }
}

fn env_value(env: Option<&str>, name: &str) -> Option<String> {
    env?.lines().rev().find_map(|line| {
        let (key, value) = line.trim().split_once('=')?;
        (key.trim() == name).then(|| value.trim().to_owned())
    })
}

/// The values a command line or other output gives: flags parsed the way
/// the program parses them, and `key=value` or `key: value` pairs.
#[derive(Debug)]
struct OutputValues {
    flags: Vec<(String, String)>,
    words: Vec<String>,
}

impl OutputValues {
    fn read(text: &str) -> Self {
        let file: Arc<str> = Arc::from("output");
        let words: Vec<String> = split_words(text).into_iter().map(|(w, _)| w).collect();
        let args: Vec<Arg> = words
            .iter()
            .map(|w| Arg {
                text: w.clone(),
                location: Location::bare(file.clone(), Pos::default(), ""),
            })
            .collect();
        // Find the program among the words (a `ps` line starts with other
        // columns), to parse its flags with their known types.
        let program = (0..args.len())
            .find_map(|i| identify_program(&args[i..]).map(|(kind, skip)| (kind, i + skip)));
        let (kind, start) = match program {
            Some((kind, start)) => (Some(kind), start),
            None => (None, 0),
        };
        let arity = |name: &str| kind.map_or(Arity::Unknown, |kind| spec::arity(kind, name));
        let line = parse_flags(&args[start..], &arity, kind == Some(ComponentKind::Etcd));
        let mut flags: Vec<(String, String)> = Vec::new();
        for flag in line.flags {
            let kind_of = kind.and_then(|k| spec::setting(k, spec::canonical(k, &flag.name)));
            let value = flag.value.unwrap_or_else(|| "true".to_owned());
            let name = format!("--{}", flag.name);
            match (
                kind_of.map(|s| s.kind),
                flags.iter_mut().find(|(n, _)| *n == name),
            ) {
                (Some(Kind::List | Kind::Map), Some((_, existing))) => {
                    existing.push(',');
                    existing.push_str(&value);
                }
                (_, Some((_, existing))) => *existing = value,
                (_, None) => flags.push((name, value)),
            }
        }
        OutputValues { flags, words }
    }

    /// The value of `flag`: a parsed command-line flag for `--name`, else
    /// the value after `key=`, `key:` or `key: `.
    fn get(&self, flag: &str) -> Option<String> {
        if flag.starts_with("--") {
            return self
                .flags
                .iter()
                .find(|(name, _)| name == flag)
                .map(|(_, value)| value.clone());
        }
        let mut found = None;
        for (index, word) in self.words.iter().enumerate() {
            if let Some(value) = word
                .strip_prefix(flag)
                .and_then(|rest| rest.strip_prefix('=').or_else(|| rest.strip_prefix(':')))
            {
                found = if value.is_empty() {
                    self.words.get(index + 1).cloned()
                } else {
                    Some(value.to_owned())
                };
            }
        }
        found
    }
}

/// A config file's tree, read as YAML (which covers JSON).
struct ConfigValues {
    text: String,
}

impl ConfigValues {
    fn read(text: &str) -> Self {
        ConfigValues {
            text: text.to_owned(),
        }
    }

    /// The scalar at a path such as `{.authentication.anonymous.enabled}`.
    /// A path that is not `{.a.b}`, a text that does not parse, or a field
    /// that is absent, null or not a scalar gives `None`.
    fn get(&self, path: &str) -> Option<String> {
        let inner = path.trim().strip_prefix("{.")?.strip_suffix('}')?;
        let keys: Vec<&str> = inner.split('.').collect();
        if keys.iter().any(|k| k.is_empty()) {
            return None;
        }
        let chunks = yaml::split_documents(&self.text);
        let chunk = *chunks.first()?;
        let parsed = yaml::parse_document(chunk);
        if parsed.error.is_some() {
            return None;
        }
        let document = parsed.documents.first()?;
        let root: NodeRef<'_, '_> = document.root()?;
        let node = root.path(&keys)?;
        node.scalar_text().map(std::borrow::Cow::into_owned)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bitmask_allows_fewer_permissions() {
        assert_eq!(compare(&Op::Bitmask, "640", "644"), Ok(true));
        assert_eq!(compare(&Op::Bitmask, "777", "644"), Ok(false));
        assert!(compare(&Op::Bitmask, "x", "644").is_err());
    }

    #[test]
    fn eq_compares_booleans_without_case() {
        assert_eq!(compare(&Op::Eq, "true", "True"), Ok(true));
        assert_eq!(compare(&Op::Eq, "a", "A"), Ok(false));
    }

    #[test]
    fn repeated_flags_last_wins_and_lists_accumulate() {
        let output = OutputValues::read(
            "kube-apiserver --profiling=true --enable-admission-plugins=A \
             --enable-admission-plugins=B --profiling=false",
        );
        assert_eq!(output.get("--profiling").as_deref(), Some("false"));
        assert_eq!(
            output.get("--enable-admission-plugins").as_deref(),
            Some("A,B")
        );
    }
}
