//! The rules' doc comments are Markdown that survives rendering: code
//! spans stay on one line (a span broken by wrapping reads as
//! "`api-` `server-...`"), and table rows stay one row per line.

use kubeward_core::RuleDef;

fn rules() -> Vec<&'static RuleDef> {
    kubeward_components::RULES
        .iter()
        .flat_map(|family| family.iter().copied())
        .collect()
}

/// The lines of `docs` outside fenced code blocks.
fn prose_lines(docs: &str) -> Vec<&str> {
    let mut fenced = false;
    docs.lines()
        .filter(|line| {
            if line.trim_start().starts_with("```") {
                fenced = !fenced;
                return false;
            }
            !fenced
        })
        .collect()
}

#[test]
fn code_spans_stay_on_one_line() {
    let mut broken = Vec::new();
    for rule in rules() {
        for line in prose_lines(&rule.docs()) {
            if line.matches('`').count() % 2 == 1 {
                broken.push(format!("{}: {line}", rule.id));
            }
        }
    }
    assert!(
        broken.is_empty(),
        "code spans split across lines:\n{}",
        broken.join("\n")
    );
}

#[test]
fn tables_keep_one_row_per_line() {
    let mut broken = Vec::new();
    for rule in rules() {
        let docs = rule.docs();
        let lines = prose_lines(&docs);
        for (index, line) in lines.iter().enumerate() {
            let trimmed = line.trim();
            let is_row = trimmed.starts_with('|');
            // A row starts and ends with a pipe; the separator row holds
            // only dashes, colons and pipes.
            let bad_row = is_row && !trimmed.ends_with('|');
            let bad_separator = trimmed.contains("|---")
                && !trimmed.chars().all(|c| matches!(c, '|' | '-' | ':' | ' '));
            // A row that continues on the next line was wrapped.
            let wrapped = is_row
                && lines
                    .get(index + 1)
                    .is_some_and(|next| !next.trim().is_empty() && !next.trim().starts_with('|'));
            if bad_row || bad_separator || wrapped {
                broken.push(format!("{}: {line}", rule.id));
            }
        }
    }
    assert!(broken.is_empty(), "tables reflowed:\n{}", broken.join("\n"));
}
