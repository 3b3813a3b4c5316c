//! The rule list that `kubeward rules` prints, as a table or as JSON.

use comfy_table::presets::NOTHING;
use comfy_table::{Cell, Table};
use kubeward_core::{Profile, RuleDef};
use serde::Serialize;

use crate::json::{SCHEMA_VERSION, to_pretty_json};

/// Lists the names of the profiles that run `rule`, in the order of
/// [`Profile::NAMES`].
pub fn profiles(rule: &RuleDef) -> Vec<&'static str> {
    Profile::NAMES
        .into_iter()
        .filter(|name| {
            name.parse::<Profile>()
                .is_ok_and(|profile| rule.in_profile(profile))
        })
        .collect()
}

/// Renders one line per rule under a header: id, family, severity, Pod
/// Security Standards level, profiles and summary. The profiles column
/// lists the same names as the JSON `profiles` field, so every row ends
/// with `all`. Columns are separated by spaces, so the output reads well
/// in a terminal and splits with `awk`.
pub fn table(rules: &[&RuleDef]) -> String {
    let mut table = Table::new();
    table.load_preset(NOTHING);
    table.set_header(["ID", "FAMILY", "SEVERITY", "PSS", "PROFILES", "SUMMARY"]);
    for rule in rules {
        let level = rule.pss.map_or("-", |pss| pss.level.as_str());
        table.add_row([
            Cell::new(rule.id),
            Cell::new(rule.family),
            Cell::new(rule.severity),
            Cell::new(level),
            Cell::new(profiles(rule).join(",")),
            Cell::new(rule.summary),
        ]);
    }
    let mut out = String::new();
    for line in table.lines() {
        // The NOTHING preset pads every cell, including the first and last,
        // with one space.
        out.push_str(line.trim());
        out.push('\n');
    }
    out
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct RuleList<'a> {
    schema_version: &'static str,
    rules: Vec<JsonRule<'a>>,
}

#[derive(Serialize)]
struct JsonRule<'a> {
    id: &'a str,
    family: &'a str,
    severity: &'a str,
    status: kubeward_core::RuleStatus,
    summary: &'a str,
    remediation: &'a str,
    pss: Option<JsonPss>,
    profiles: Vec<&'static str>,
}

#[derive(Serialize)]
struct JsonPss {
    level: &'static str,
    control: &'static str,
}

/// Renders the rules as one JSON document: `{"schemaVersion", "rules"}`,
/// described in `docs/json-output.md`.
pub fn json(rules: &[&RuleDef]) -> String {
    let list = RuleList {
        schema_version: SCHEMA_VERSION,
        rules: rules
            .iter()
            .map(|rule| JsonRule {
                id: rule.id,
                family: rule.family.as_str(),
                severity: rule.severity.as_str(),
                status: rule.status,
                summary: rule.summary,
                remediation: rule.remediation,
                pss: rule.pss.map(|pss| JsonPss {
                    level: pss.level.as_str(),
                    control: pss.control,
                }),
                profiles: profiles(rule),
            })
            .collect(),
    };
    to_pretty_json(&list)
}
