//! Tables and JSON documents for `kubeward images` and
//! `kubeward images verify`.

use std::borrow::Cow;
use std::fmt::Write;

use comfy_table::Table;
use comfy_table::presets::NOTHING;
use serde::Serialize;

use crate::list::{ImageEntry, ImageUse};
use crate::verify::Verdict;

/// Version of the JSON documents below; it changes when a field changes
/// meaning or disappears.
pub const SCHEMA_VERSION: &str = "1";
/// Hexadecimal digits of a digest shown in tables.
const SHORT_DIGEST_HEX: usize = 12;

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Document<'a, T> {
    schema_version: &'static str,
    images: &'a [T],
}

/// The image list as JSON.
pub fn images_json(entries: &[ImageEntry]) -> String {
    to_json(&Document {
        schema_version: SCHEMA_VERSION,
        images: entries,
    })
}

/// The verdicts as JSON.
pub fn verdicts_json(verdicts: &[Verdict]) -> String {
    to_json(&Document {
        schema_version: SCHEMA_VERSION,
        images: verdicts,
    })
}

fn to_json(value: &impl Serialize) -> String {
    let mut out = serde_json::to_string_pretty(value).expect("image documents serialise");
    out.push('\n');
    out
}

/// One line per use of each image: the reference, how it is pinned, its
/// registry, tag and digest, and the container that uses it.
pub fn images_table(entries: &[ImageEntry]) -> String {
    let mut table = Table::new();
    table.load_preset(NOTHING);
    table.set_header(["IMAGE", "PIN", "REGISTRY", "TAG", "DIGEST", "USED BY"]);
    for entry in entries {
        let pin = entry.pin.unwrap_or("invalid");
        let registry = entry.registry.as_deref().unwrap_or("-");
        let tag = entry.tag.as_deref().unwrap_or("-");
        let digest = entry
            .digest
            .as_deref()
            .map_or(Cow::Borrowed("-"), short_digest);
        let uses: Vec<String> = if entry.used_by.is_empty() {
            vec!["-".to_owned()]
        } else {
            entry.used_by.iter().map(ImageUse::describe).collect()
        };
        for use_ in uses {
            table.add_row([
                printable(&entry.image).into_owned(),
                pin.to_owned(),
                printable(registry).into_owned(),
                printable(tag).into_owned(),
                digest.to_string(),
                printable(&use_).into_owned(),
            ]);
        }
    }
    let mut out = trimmed_lines(&table);
    let pinned = entries.iter().filter(|entry| entry.is_pinned()).count();
    let invalid = entries.iter().filter(|entry| entry.error.is_some()).count();
    let _ = writeln!(
        out,
        "\n{} images, {pinned} pinned to a digest, {invalid} invalid",
        entries.len()
    );
    for entry in entries {
        if let Some(error) = &entry.error {
            let _ = writeln!(out, "{}: {error}", printable(&entry.image));
        }
    }
    out
}

/// One line per image with its digest, signature status, SBOM formats and
/// provenance, then the notes of each image that has any.
pub fn verdicts_table(verdicts: &[Verdict]) -> String {
    let mut table = Table::new();
    table.load_preset(NOTHING);
    table.set_header(["IMAGE", "DIGEST", "SIGNATURE", "SBOM", "PROVENANCE"]);
    for verdict in verdicts {
        let digest = verdict
            .digest
            .as_deref()
            .map_or(Cow::Borrowed("-"), short_digest);
        let sbom = if verdict.sbom.is_empty() {
            "none".to_owned()
        } else {
            let formats: Vec<&str> = verdict.sbom.iter().map(|format| format.as_str()).collect();
            formats.join(",")
        };
        table.add_row([
            printable(&verdict.image).into_owned(),
            digest.into_owned(),
            verdict.signature.as_str().to_owned(),
            sbom,
            if verdict.provenance { "slsa" } else { "none" }.to_owned(),
        ]);
    }
    let mut out = trimmed_lines(&table);
    for verdict in verdicts {
        if verdict.error.is_none() && verdict.notes.is_empty() {
            continue;
        }
        let _ = writeln!(out, "\n{}:", printable(&verdict.image));
        for line in verdict.error.iter().chain(&verdict.notes) {
            let _ = writeln!(out, "  {}", printable(line));
        }
    }
    let passed = verdicts.iter().filter(|verdict| verdict.passes()).count();
    let _ = writeln!(
        out,
        "\n{passed} of {} images signed by the key with an SBOM attestation",
        verdicts.len()
    );
    out
}

/// `sha256:0123456789ab…`
fn short_digest(digest: &str) -> Cow<'_, str> {
    match digest.split_once(':') {
        Some((algorithm, hex)) if hex.len() > SHORT_DIGEST_HEX => Cow::Owned(format!(
            "{algorithm}:{}…",
            hex.get(..SHORT_DIGEST_HEX).unwrap_or(hex)
        )),
        _ => Cow::Borrowed(digest),
    }
}

fn trimmed_lines(table: &Table) -> String {
    let mut out = String::new();
    for line in table.lines() {
        // The NOTHING preset pads every cell, the first and last included.
        out.push_str(line.trim());
        out.push('\n');
    }
    out
}

/// Replaces characters a terminal would interpret (controls and
/// bidirectional overrides) with U+FFFD, so that references and file names
/// from the input cannot rewrite the screen.
fn printable(text: &str) -> Cow<'_, str> {
    let is_unsafe =
        |c: char| c.is_control() || matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}');
    if text.chars().any(is_unsafe) {
        Cow::Owned(
            text.chars()
                .map(|c| if is_unsafe(c) { '\u{FFFD}' } else { c })
                .collect(),
        )
    } else {
        Cow::Borrowed(text)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn digests_shortened() {
        let digest = format!("sha256:{}", "a".repeat(64));
        assert_eq!(short_digest(&digest), "sha256:aaaaaaaaaaaa…");
        assert_eq!(short_digest("sha256:abc"), "sha256:abc");
    }

    #[test]
    fn control_characters_replaced() {
        assert_eq!(printable("app\u{1b}[2J"), "app\u{FFFD}[2J");
        assert_eq!(printable("plain"), "plain");
    }
}
