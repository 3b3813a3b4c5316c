//! Renderers: each formats one scan's [`Report`] and decides nothing.
//!
//! - [`text`]: for people, grouped by file and object, with the offending
//!   source line.
//! - [`json`]: for programs, in a versioned schema
//!   (`docs/schema/kubeward-report-v1.schema.json`).
//! - [`sarif`]: SARIF 2.1.0, for code scanning services.
//! - [`junit`]: JUnit XML, for CI test report views.
//! - [`github`]: GitHub Actions workflow commands, which annotate the
//!   files of a pull request.
//! - [`gitlab`]: a GitLab code quality report.
//! - [`rules`]: the rule list, as a table or JSON.
//! - [`docs`]: the Markdown page of each rule, as `kubeward explain` prints
//!   it and `docs/rules/` stores it.

pub mod docs;
pub mod github;
pub mod gitlab;
pub mod json;
pub mod junit;
pub mod rules;
pub mod sarif;
pub mod text;

use std::borrow::Cow;

use kubeward_config::Triage;
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
    /// What exceptions and a baseline took out of the report, and the
    /// fingerprints of the findings left in it.
    pub triage: &'a Triage,
}

/// A triage that suppressed nothing and recorded no fingerprints.
static NO_TRIAGE: Triage = Triage {
    fingerprints: Vec::new(),
    suppressed: Vec::new(),
    baseline: None,
};

impl<'a> ScanOutput<'a> {
    /// A scan without exceptions or baseline.
    pub fn new(
        report: &'a Report,
        rules: &'a [&'static RuleDef],
        unreadable: &'a [Unreadable],
    ) -> Self {
        ScanOutput {
            report,
            rules,
            unreadable,
            triage: &NO_TRIAGE,
        }
    }

    /// The fingerprint of each finding of the report, in order.
    pub fn fingerprints(&self) -> Cow<'a, [String]> {
        self.triage.fingerprints_of(&self.report.findings)
    }
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
