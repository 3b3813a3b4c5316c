use std::sync::Arc;

use serde::Serialize;

use crate::{Finding, Severity};

/// A problem with the input that is not a finding, such as a file that holds
/// no Kubernetes objects.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Warning {
    pub file: Arc<str>,
    pub line: Option<u32>,
    pub message: String,
}

/// Counts of what a scan read.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ScanStats {
    pub files: usize,
    pub documents: usize,
    pub objects: usize,
    /// Files or paths that could not be read at all.
    pub unreadable: usize,
}

/// Everything one scan found, in a stable order.
#[derive(Clone, Debug, Default, Serialize)]
pub struct Report {
    pub findings: Vec<Finding>,
    pub warnings: Vec<Warning>,
    pub stats: ScanStats,
}

impl Report {
    /// Sorts findings by file, position and rule, and warnings by file and
    /// line, so output does not depend on the order files were read in.
    pub fn sort(&mut self) {
        self.findings
            .sort_by(|a, b| a.sort_key().cmp(&b.sort_key()));
        self.warnings
            .sort_by(|a, b| (&a.file, a.line).cmp(&(&b.file, b.line)));
    }

    /// Number of findings of each severity, lowest first.
    pub fn counts(&self) -> [usize; 5] {
        let mut counts = [0; 5];
        for finding in &self.findings {
            counts[finding.severity as usize] += 1;
        }
        counts
    }

    /// Whether any finding is at or above `threshold`.
    pub fn fails(&self, threshold: Severity) -> bool {
        self.findings.iter().any(|f| f.severity >= threshold)
    }
}
