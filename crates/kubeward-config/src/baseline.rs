//! Baselines: the fingerprints of the findings a team accepted on one day,
//! so that later scans report and fail only on new findings.
//!
//! A baseline is a JSON document:
//!
//! ```json
//! {
//!   "kubewardBaseline": "1",
//!   "findings": [
//!     { "fingerprint": "…", "rule": "pss-privileged", "file": "deploy/web.yaml",
//!       "object": "Deployment/web/api", "path": "spec.template.spec…" }
//!   ]
//! }
//! ```
//!
//! Only `fingerprint` is compared. The other fields are there for people
//! reviewing a change to the baseline in version control.

use std::collections::HashMap;

use kubeward_core::Finding;
use serde::{Deserialize, Serialize};

/// Version of the baseline format, written as `kubewardBaseline`.
pub const BASELINE_VERSION: &str = "1";

/// A baseline file's content.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Baseline {
    pub kubeward_baseline: String,
    pub findings: Vec<BaselineEntry>,
}

/// One recorded finding.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct BaselineEntry {
    pub fingerprint: String,
    pub rule: String,
    pub file: String,
    /// `Kind/namespace/name`, or `null` for findings outside any object.
    pub object: Option<String>,
    pub path: Option<String>,
}

/// A baseline file that cannot be used.
#[derive(Debug, thiserror::Error)]
pub enum BaselineError {
    /// The text is not JSON of the baseline's shape.
    #[error("{file}:{line}:{column}: invalid baseline: {message}")]
    Invalid {
        file: String,
        line: usize,
        column: usize,
        message: String,
    },
    /// The file was written by a newer kubeward.
    #[error("{file}: baseline version `{version}` is not supported; expected `{BASELINE_VERSION}`")]
    Version { file: String, version: String },
}

/// Findings split by a baseline.
#[derive(Debug, Default)]
pub struct BaselineSplit {
    /// Findings the baseline does not list, with their fingerprints.
    pub new: Vec<(Finding, String)>,
    /// Number of findings the baseline lists.
    pub known: usize,
    /// Number of baseline entries that no finding matched.
    pub absent: usize,
}

impl Baseline {
    /// Records `findings`, whose fingerprints are `fingerprints`, sorted by
    /// file and fingerprint so that the file changes little between runs.
    pub fn record(findings: &[Finding], fingerprints: &[String]) -> Self {
        let mut entries: Vec<BaselineEntry> = findings
            .iter()
            .zip(fingerprints)
            .map(|(finding, fingerprint)| BaselineEntry {
                fingerprint: fingerprint.clone(),
                rule: finding.rule.to_owned(),
                file: finding.file.to_string(),
                object: finding
                    .object
                    .as_deref()
                    .map(kubeward_core::ObjectRef::display_name),
                path: finding.path.clone(),
            })
            .collect();
        entries.sort_by(|a, b| (&a.file, &a.fingerprint).cmp(&(&b.file, &b.fingerprint)));
        Baseline {
            kubeward_baseline: BASELINE_VERSION.to_owned(),
            findings: entries,
        }
    }

    /// Parses a baseline file's text.
    pub fn parse(file: &str, text: &str) -> Result<Self, BaselineError> {
        let baseline: Baseline = serde_json::from_str(text).map_err(|err| {
            // serde_json ends its message with the position, which the
            // error shows in front, and counts the column before the first
            // character of a line as 0.
            let message = err.to_string();
            let position = format!(" at line {} column {}", err.line(), err.column());
            BaselineError::Invalid {
                file: file.to_owned(),
                line: err.line(),
                column: err.column().max(1),
                message: message
                    .strip_suffix(&position)
                    .unwrap_or(&message)
                    .to_owned(),
            }
        })?;
        if baseline.kubeward_baseline != BASELINE_VERSION {
            return Err(BaselineError::Version {
                file: file.to_owned(),
                version: baseline.kubeward_baseline,
            });
        }
        Ok(baseline)
    }

    /// The baseline as indented JSON with a final line break.
    pub fn to_json(&self) -> String {
        // Only strings and lists: serialization cannot fail.
        let mut out = serde_json::to_string_pretty(self).expect("a baseline serializes to JSON");
        out.push('\n');
        out
    }

    /// Splits findings into those the baseline lists and new ones. Each
    /// entry matches one finding.
    pub fn split(&self, findings: Vec<Finding>, fingerprints: Vec<String>) -> BaselineSplit {
        let mut remaining: HashMap<&str, usize> = HashMap::new();
        for entry in &self.findings {
            *remaining.entry(entry.fingerprint.as_str()).or_default() += 1;
        }
        let mut split = BaselineSplit::default();
        for (finding, fingerprint) in findings.into_iter().zip(fingerprints) {
            match remaining.get_mut(fingerprint.as_str()) {
                Some(count) if *count > 0 => {
                    *count -= 1;
                    split.known += 1;
                }
                _ => split.new.push((finding, fingerprint)),
            }
        }
        split.absent = remaining.values().sum();
        split
    }
}

#[cfg(test)]
mod tests {
    use super::{Baseline, BaselineError};

    #[test]
    fn invalid_baseline_position_is_one_based() {
        let error = Baseline::parse("b.json", "{\"kubeward_baseline\": \"1\",\n").unwrap_err();
        let BaselineError::Invalid {
            line,
            column,
            message,
            ..
        } = &error
        else {
            panic!("expected an invalid baseline, got {error:?}");
        };
        assert_eq!((*line, *column), (2, 1));
        assert!(!message.contains("at line"), "{message}");
    }
}
