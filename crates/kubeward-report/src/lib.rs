//! Renderers: each formats one scan's [`Report`] and decides nothing.
//!
//! - [`text`]: for people, grouped by file and object, with the offending
//!   source line.
//! - [`json`]: for programs, in a versioned schema
//!   (`docs/schema/kubeward-report-v1.schema.json`).
//! - [`sarif`]: SARIF 2.1.0, for code scanning services.
//! - [`rules`]: the rule list, as a table or JSON.
//! - [`docs`]: the Markdown page of each rule, as `kubeward explain` prints
//!   it and `docs/rules/` stores it.

pub mod docs;
pub mod json;
pub mod rules;
pub mod sarif;
pub mod text;

use kubeward_core::{Report, RuleDef};

/// One scan as the renderers see it: the report and the context it was made
/// in.
#[derive(Clone, Copy, Debug)]
pub struct ScanOutput<'a> {
    pub report: &'a Report,
    /// The rules that ran, in registry order.
    pub rules: &'a [&'static RuleDef],
    /// Inputs that could not be read at all.
    pub unreadable: &'a [Unreadable],
}

/// A path given on the command line, or found below one, that could not be
/// read.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Unreadable {
    /// The path as given, or `-` for stdin.
    pub path: String,
    /// Why reading failed, such as "cannot read: No such file or directory
    /// (os error 2)".
    pub message: String,
}

/// Replaces characters that a terminal would interpret (C0 and C1 controls,
/// DEL and bidirectional overrides) with U+FFFD, so that file names and
/// object names from the input cannot move the cursor or recolour output.
/// `annotate-snippets` does the same to titles and source lines, but not to
/// paths.
pub(crate) fn printable(text: &str) -> std::borrow::Cow<'_, str> {
    let is_unsafe =
        |c: char| c.is_control() || matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}');
    if text.chars().any(is_unsafe) {
        text.chars()
            .map(|c| if is_unsafe(c) { '\u{FFFD}' } else { c })
            .collect::<String>()
            .into()
    } else {
        text.into()
    }
}
