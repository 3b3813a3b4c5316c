//! What exceptions and a baseline did to a report, as renderers list it.

use std::borrow::Cow;

use kubeward_core::Finding;

/// Where the decision to suppress a finding was written.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SuppressionSource {
    /// An entry of `exceptions` in the configuration file.
    Exception,
    /// A `kubeward.dev/ignore` annotation on the object.
    Annotation,
}

impl SuppressionSource {
    pub fn as_str(self) -> &'static str {
        match self {
            SuppressionSource::Exception => "exception",
            SuppressionSource::Annotation => "annotation",
        }
    }
}

/// The exception or annotation that suppressed a finding.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Suppression {
    pub source: SuppressionSource,
    /// File of the configuration (for exceptions) or of the object (for
    /// annotations).
    pub file: String,
    /// Line of the exception's entry or of the annotation's value.
    pub line: u32,
    pub reason: String,
    /// Who owns the decision; annotations name no owner.
    pub owner: Option<String>,
    /// The expiry date as written (`YYYY-MM-DD`), if any.
    pub expires: Option<String>,
}

/// A finding that an exception or annotation suppressed.
#[derive(Clone, Debug)]
pub struct Suppressed {
    pub finding: Finding,
    pub fingerprint: String,
    pub by: Suppression,
}

/// How the findings compared with a baseline.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct BaselineSummary {
    /// The baseline file as given on the command line.
    pub file: String,
    /// Findings that the baseline lists, left out of the report.
    pub known: usize,
    /// Baseline entries that no finding of this scan matched: fixed, or
    /// out of this scan's paths or rules.
    pub absent: usize,
}

/// What exceptions and a baseline decided about a scan's findings.
#[derive(Clone, Debug, Default)]
pub struct Triage {
    /// The fingerprint of each finding that the report still lists, in the
    /// report's order. Empty when the scan computed none; renderers then
    /// compute them from the report.
    pub fingerprints: Vec<String>,
    /// Findings taken out of the report by an exception or annotation.
    pub suppressed: Vec<Suppressed>,
    /// The baseline comparison, when a baseline was given.
    pub baseline: Option<BaselineSummary>,
}

impl Triage {
    /// Returns the fingerprints of `findings`: those recorded here when
    /// they are the fingerprints of exactly these findings, else computed.
    pub fn fingerprints_of(&self, findings: &[Finding]) -> Cow<'_, [String]> {
        if self.fingerprints.len() == findings.len() {
            Cow::Borrowed(&self.fingerprints)
        } else {
            Cow::Owned(crate::fingerprint::assign(findings))
        }
    }
}
