//! Lines of a document that show a secret value, which no finding quotes.
//!
//! A Secret's lines are hidden whole: its `data`, its `stringData` and its
//! `last-applied-configuration` annotation all hold its values. So are the
//! lines of literal environment variable values and ConfigMap values that
//! [`crate::secret`] classifies as secrets. Hiding works by line, so a
//! Secret written on one line with other objects (a one-line JSON `List`,
//! flow style) hides that whole line from every finding.

use kubeward_yaml::{Document, NodeRef};

use crate::{Source, secret};

/// Maximum number of alias targets followed from hidden subtrees. Anchors form no
/// cycles and their expansion is already bounded by the parser, so this
/// only caps the work on adversarial input.
const MAX_ALIAS_TARGETS: usize = 10_000;

/// Line ranges (first, last; 1-based, inclusive) of `documents` that may
/// show a secret value, in increasing order and without overlaps.
/// `source` is the text the documents were parsed from.
pub(crate) fn secret_lines(documents: &[Document<'_>], source: &Source<'_>) -> Vec<(u32, u32)> {
    let last_line = source.first_line.saturating_add(line_count(source.text));
    let mut hidden = Hidden {
        ranges: Vec::new(),
        source,
        last_line,
        aliases_followed: 0,
    };
    let nodes = documents
        .iter()
        .filter_map(Document::root)
        .flat_map(|root| root.subtree());
    for node in nodes {
        if node.is_alias() || !node.is_map() {
            continue;
        }
        match node.get_str("kind") {
            Some("Secret") => hidden.hide(node),
            Some("ConfigMap") => hidden.hide_secret_entries(node.get("data")),
            _ => {}
        }
        if let Some(env) = node.get("env") {
            hidden.hide_secret_env(env);
        }
    }
    merge(hidden.ranges)
}

/// Number of line breaks in `text`.
fn line_count(text: &str) -> u32 {
    u32::try_from(text.bytes().filter(|&b| b == b'\n').count()).unwrap_or(u32::MAX)
}

/// Sorts ranges and joins those that overlap or touch.
fn merge(mut ranges: Vec<(u32, u32)>) -> Vec<(u32, u32)> {
    ranges.sort_unstable();
    let mut merged: Vec<(u32, u32)> = Vec::with_capacity(ranges.len());
    for (first, last) in ranges {
        match merged.last_mut() {
            Some(previous) if first <= previous.1.saturating_add(1) => {
                previous.1 = previous.1.max(last);
            }
            _ => merged.push((first, last)),
        }
    }
    merged
}

/// Whether `line` lies in one of `ranges`, as [`secret_lines`] returns them.
pub(crate) fn is_hidden(ranges: &[(u32, u32)], line: u32) -> bool {
    let after = ranges.partition_point(|&(first, _)| first <= line);
    after > 0 && ranges[after - 1].1 >= line
}

struct Hidden<'s, 'a> {
    ranges: Vec<(u32, u32)>,
    source: &'s Source<'a>,
    last_line: u32,
    aliases_followed: usize,
}

impl Hidden<'_, '_> {
    /// Hides the lines of the ConfigMap `data` entries whose values look
    /// like secrets.
    fn hide_secret_entries(&mut self, data: Option<NodeRef<'_, '_>>) {
        for entry in data.iter().flat_map(NodeRef::entries) {
            let key = entry.key_str();
            let is_secret = secret::literal_text(entry.value)
                .is_some_and(|value| secret::classify(key.as_deref(), &value).is_some());
            if is_secret {
                self.hide(entry.value);
            }
        }
    }

    /// Hides the lines of the `env` entries whose literal values look like
    /// secrets.
    fn hide_secret_env(&mut self, env: NodeRef<'_, '_>) {
        for item in env.items() {
            let Some(value) = item.get("value") else {
                continue;
            };
            let is_secret = secret::literal_text(value)
                .is_some_and(|text| secret::classify(item.get_str("name"), &text).is_some());
            if is_secret {
                self.hide(value);
            }
        }
    }

    /// Hides the lines `node`'s subtree is written on, and those of the
    /// anchors its aliases name.
    fn hide(&mut self, node: NodeRef<'_, '_>) {
        let mut pending = vec![node];
        while let Some(node) = pending.pop() {
            let first = node.pos().line;
            self.ranges.push((first, self.end_line(node).max(first)));
            for inner in node.subtree() {
                let Some(target) = inner.alias_target() else {
                    continue;
                };
                if self.aliases_followed < MAX_ALIAS_TARGETS {
                    self.aliases_followed += 1;
                    pending.push(target);
                }
            }
        }
    }

    /// Returns the last line `node`'s subtree may be written on. Nodes keep
    /// only where they start, so the subtree ends before the next node: on
    /// the line before it when the next node starts its line (block style),
    /// else on its line, which the subtree's last scalar may share.
    fn end_line(&self, node: NodeRef<'_, '_>) -> u32 {
        let Some(next) = node.next_after_subtree() else {
            return self.last_line;
        };
        let pos = next.pos();
        let starts_line = self.source.line_text(pos.line).is_some_and(|line| {
            line.chars()
                .take(pos.col.saturating_sub(1) as usize)
                .all(|c| c.is_whitespace() || matches!(c, '-' | '?' | ':'))
        });
        if starts_line {
            pos.line.saturating_sub(1)
        } else {
            pos.line
        }
    }
}

/// Returns whether a document parsed from `text` may contain anything
/// [`secret_lines`] hides, by a quick look at the text: a Secret or
/// ConfigMap kind, an `env` key, or an escape sequence that could spell
/// one of them.
pub(crate) fn may_hide(text: &str) -> bool {
    ["Secret", "ConfigMap", "env", "\\"]
        .iter()
        .any(|word| text.contains(word))
}
