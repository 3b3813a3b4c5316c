use std::path::PathBuf;
use std::sync::Arc;

use kubeward_core::{Profile, Report, RuleDef, ScanOptions, scan_bytes};
use kubeward_intake::{IntakeError, collect_inputs, read_input};
use rayon::prelude::*;

/// Runs a fixed set of rules over inputs.
#[derive(Debug, Clone)]
pub struct Scanner {
    rules: Vec<&'static RuleDef>,
    options: ScanOptions,
}

impl Scanner {
    /// A scanner running the rules of `profile`.
    pub fn new(profile: Profile, options: ScanOptions) -> Self {
        let rules = kubeward_rules::all()
            .filter(|rule| rule.in_profile(profile))
            .collect();
        Scanner { rules, options }
    }

    /// A scanner running exactly `rules`.
    pub fn with_rules(rules: Vec<&'static RuleDef>, options: ScanOptions) -> Self {
        Scanner { rules, options }
    }

    pub fn rules(&self) -> &[&'static RuleDef] {
        &self.rules
    }

    /// Scans files, directories and `-` (stdin), reading files in parallel.
    /// Paths that cannot be read are returned as errors; everything else is
    /// in the report.
    pub fn scan_paths(&self, paths: &[PathBuf]) -> (Report, Vec<IntakeError>) {
        let (inputs, mut errors) = collect_inputs(paths);
        let results: Vec<_> = inputs
            .into_par_iter()
            .map(|input| {
                let file: Arc<str> = Arc::from(input.display());
                read_input(&input).map(|bytes| scan_bytes(&file, &bytes, &self.rules, self.options))
            })
            .collect();
        let mut report = Report::default();
        for result in results {
            match result {
                Ok(file) => {
                    report.stats.files += 1;
                    report.stats.documents += file.documents;
                    report.stats.objects += file.objects;
                    report.findings.extend(file.findings);
                    report.warnings.extend(file.warnings);
                }
                Err(err) => errors.push(err),
            }
        }
        report.stats.unreadable = errors.len();
        report.sort();
        (report, errors)
    }
}
