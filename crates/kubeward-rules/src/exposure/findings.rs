//! Shared wording and grouping of the exposure rules' findings.

use std::collections::HashMap;
use std::fmt::Write;

use super::model::{Entry, Exposure, ExposureModel, Field};
use super::workloads::RecognisedUi;

/// Exposures that a finding reports together because they share the field
/// it points at.
pub struct Group<'m> {
    pub entry: usize,
    pub items: Vec<(&'m Exposure, &'m RecognisedUi)>,
}

/// Groups `items` by the object and the field `field` picks from their
/// entry, in first-seen order.
pub fn group<'m>(
    model: &'m ExposureModel<'_>,
    items: impl Iterator<Item = (&'m Exposure, &'m RecognisedUi)>,
    field: for<'a, 'b> fn(&'a Entry<'b>) -> &'a Field,
) -> Vec<Group<'m>> {
    let mut groups: Vec<Group<'m>> = Vec::new();
    let mut index: HashMap<(usize, String), usize> = HashMap::new();
    for (exposure, ui) in items {
        let entry = model.entry(exposure);
        let key = (
            std::ptr::from_ref(entry.object) as usize,
            field(entry).path.clone(),
        );
        if let Some(&g) = index.get(&key) {
            groups[g].items.push((exposure, ui));
        } else {
            index.insert(key, groups.len());
            groups.push(Group {
                entry: exposure.entry,
                items: vec![(exposure, ui)],
            });
        }
    }
    groups
}

/// "the Kubernetes Dashboard v2.7.0 in Deployment ns/name (through
/// Service ns/x)", each distinct target once, joined with "and".
pub fn targets(model: &ExposureModel<'_>, items: &[(&Exposure, &RecognisedUi)]) -> String {
    let mut seen: Vec<String> = Vec::new();
    for (exposure, ui) in items {
        let text = target(model, exposure, ui);
        if !seen.contains(&text) {
            seen.push(text);
        }
    }
    seen.join(" and ")
}

fn target(model: &ExposureModel<'_>, exposure: &Exposure, ui: &RecognisedUi) -> String {
    let version = ui
        .settings
        .version
        .as_ref()
        .map_or_else(String::new, |v| format!(" {v}"));
    let mut text = format!(
        "{}{version} in {}",
        ui.ui.name,
        model.workload(exposure).describe()
    );
    let entry = model.entry(exposure);
    if let Some(service) = exposure.service {
        let service = &model.services[service];
        if !std::ptr::eq(service.object, entry.object) {
            let _ = write!(text, " through {}", service.describe());
        }
    }
    text
}

/// The protections an exposure lacks besides authentication, as a clause
/// such as "no TLS and no source IP allow-list", or `None`.
pub fn other_gaps(model: &ExposureModel<'_>, exposure: &Exposure) -> Option<String> {
    let mut gaps = Vec::new();
    if model.plain_http(exposure).is_some() {
        gaps.push("no TLS");
    }
    let entry = model.entry(exposure);
    if entry
        .protection
        .source
        .as_ref()
        .is_none_or(|s| s.open_to_all)
    {
        gaps.push("no source IP allow-list");
    }
    (!gaps.is_empty()).then(|| gaps.join(" and "))
}

/// Extra facts about the UIs of a group, such as an enabled admin API.
pub fn notes(items: &[(&Exposure, &RecognisedUi)]) -> String {
    let mut notes: Vec<&str> = Vec::new();
    for (_, ui) in items {
        for note in &ui.settings.notes {
            if !notes.contains(&note.as_str()) {
                notes.push(note);
            }
        }
    }
    if notes.is_empty() {
        String::new()
    } else {
        format!(" Also, {}.", notes.join("; "))
    }
}

/// Settings that look protective but are ignored, as a sentence.
pub fn ignored(entry: &Entry<'_>) -> String {
    if entry.protection.ignored.is_empty() {
        String::new()
    } else {
        format!(" Note: {}.", entry.protection.ignored.join("; "))
    }
}
