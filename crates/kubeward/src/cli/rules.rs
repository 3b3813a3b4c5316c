//! `kubeward rules` and `kubeward explain`.

use std::process::ExitCode;

use kubeward_core::{Profile, RuleDef};
use kubeward_report::{docs, rules};

use super::output::print;
use super::{ExplainArgs, ListFormat, RulesArgs};

/// How many ids an unknown-rule error suggests at most.
const MAX_SUGGESTIONS: usize = 3;

/// Prints the rules, all of them or those of one profile.
pub fn list(args: &RulesArgs) -> anyhow::Result<ExitCode> {
    let profile = args.profile.map(Profile::from);
    let selected: Vec<&RuleDef> = kubeward_rules::all()
        .filter(|rule| profile.is_none_or(|profile| rule.in_profile(profile)))
        .collect();
    let rendered = match args.output {
        ListFormat::Text => rules::table(&selected),
        ListFormat::Json => rules::json(&selected),
    };
    print(&rendered, false)?;
    Ok(ExitCode::SUCCESS)
}

/// Prints one rule's manual, or fails naming the closest ids.
pub fn explain(args: &ExplainArgs) -> anyhow::Result<ExitCode> {
    let Some(rule) = kubeward_rules::find(&args.rule) else {
        let ids: Vec<&str> = kubeward_rules::all().map(|rule| rule.id).collect();
        let suggestions = nearest_ids(&args.rule, &ids);
        let hint = if suggestions.is_empty() {
            String::new()
        } else {
            let quoted: Vec<String> = suggestions.iter().map(|id| format!("`{id}`")).collect();
            format!(" (did you mean {}?)", quoted.join(" or "))
        };
        anyhow::bail!(
            "unknown rule `{}`{hint}; run `kubeward rules` to list every rule id",
            args.rule
        );
    };
    print(&docs::rule_page(rule), false)?;
    Ok(ExitCode::SUCCESS)
}

/// The ids closest to `query`, best first: those within a few edits of it,
/// and those that contain it or that it contains (so `privileged` finds
/// `pss-privileged`).
fn nearest_ids<'a>(query: &str, ids: &[&'a str]) -> Vec<&'a str> {
    let query = query.trim().to_ascii_lowercase();
    if query.is_empty() {
        return Vec::new();
    }
    let max_edits = (query.chars().count() / 3).max(2);
    let mut scored: Vec<(usize, &str)> = ids
        .iter()
        .filter_map(|&id| {
            let edits = strsim::damerau_levenshtein(&query, id);
            let related = id.contains(&query) || query.contains(id);
            (edits <= max_edits || related).then_some((edits, id))
        })
        .collect();
    scored.sort_unstable();
    scored
        .into_iter()
        .take(MAX_SUGGESTIONS)
        .map(|(_, id)| id)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::nearest_ids;

    const IDS: [&str; 4] = [
        "pss-privileged",
        "pss-host-ports",
        "parse-error",
        "duplicate-key",
    ];

    #[test]
    fn suggests_ids_with_typos() {
        assert_eq!(nearest_ids("pss-privilegd", &IDS), ["pss-privileged"]);
    }

    #[test]
    fn suggests_ids_containing_query() {
        assert_eq!(nearest_ids("privileged", &IDS), ["pss-privileged"]);
    }

    #[test]
    fn ignores_case() {
        assert_eq!(nearest_ids("Parse-Error", &IDS), ["parse-error"]);
    }

    #[test]
    fn suggests_nothing_for_unrelated_query() {
        assert!(nearest_ids("rbac-wildcard", &IDS).is_empty());
    }
}
