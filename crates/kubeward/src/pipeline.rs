use std::collections::HashSet;
use std::path::PathBuf;
use std::sync::Arc;

use kubeward_core::{
    Finding, Inventory, KindSet, ObjectMeta, ObjectRef, Profile, Report, RuleDef, ScanOptions,
    ScanPlan, append, check_linked_components, scan_bytes_deferred,
};
use kubeward_intake::{InputPath, IntakeError, collect_inputs, read_input};
use rayon::prelude::*;

/// Runs a fixed set of rules over inputs.
#[derive(Debug, Clone)]
pub struct Scanner {
    rules: Vec<&'static RuleDef>,
    options: ScanOptions,
}

/// Everything one scan produced: the report, the objects kept for
/// cross-object queries, and the paths that could not be read.
#[derive(Debug)]
pub struct ScanResult {
    pub report: Report,
    pub inventory: Inventory,
    pub errors: Vec<IntakeError>,
    /// Labels and kubeward annotations of the objects that have findings
    /// or carry a `kubeward.dev/` annotation, in no particular order.
    pub metadata: Vec<ObjectMeta>,
    /// Directories given as paths in which the walk found no file to read,
    /// in the order given. A directory that could not be listed is in
    /// `errors` instead.
    pub empty_dirs: Vec<PathBuf>,
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
        let result = self.scan_paths_keeping(paths, &KindSet::none());
        (result.report, result.errors)
    }

    /// Scans like [`Scanner::scan_paths`] and also returns the objects of
    /// the kinds in `keep`, besides those the inventory rules read, for
    /// queries such as reachability or who-can.
    pub fn scan_paths_keeping(&self, paths: &[PathBuf], keep: &KindSet) -> ScanResult {
        let mut plan = ScanPlan::new(&self.rules, self.options);
        if keep.keeps_all() {
            plan.keep = KindSet::all();
        } else {
            plan.keep.extend(keep.kinds());
        }
        let (inputs, mut errors, empty_dirs) = collect_each(paths);
        let results: Vec<_> = inputs
            .into_par_iter()
            .map(|input| {
                let file: Arc<str> = Arc::from(input.display());
                read_input(&input).map(|bytes| scan_bytes_deferred(&file, &bytes, &plan))
            })
            .collect();
        let mut report = Report::default();
        let mut stored = Vec::new();
        let mut metadata = Vec::new();
        let mut pending = Vec::new();
        for result in results {
            match result {
                Ok(file) => {
                    report.stats.files += 1;
                    report.stats.documents += file.documents;
                    report.stats.objects += file.objects;
                    append(&mut report.findings, file.findings);
                    append(&mut report.warnings, file.warnings);
                    append(&mut stored, file.stored);
                    append(&mut metadata, file.metadata);
                    append(&mut pending, file.pending);
                }
                Err(err) => errors.push(err),
            }
        }
        // A program and the configuration file it names are in different
        // files, so they are merged and checked once every file is read.
        report
            .findings
            .extend(check_linked_components(pending, &self.rules, self.options));
        let inventory = Inventory::new(stored);
        let inventory_findings = inventory.check(&self.rules, self.options);
        metadata.extend(metadata_of_findings(&inventory, &inventory_findings));
        report.findings.extend(inventory_findings);
        report.stats.unreadable = errors.len();
        report.sort();
        ScanResult {
            report,
            inventory,
            errors,
            metadata,
            empty_dirs,
        }
    }
}

/// Expands each path into its inputs, and also returns the directories
/// among `paths` that hold no file to read.
fn collect_each(paths: &[PathBuf]) -> (Vec<InputPath>, Vec<IntakeError>, Vec<PathBuf>) {
    let mut inputs = Vec::new();
    let mut errors = Vec::new();
    let mut empty_dirs = Vec::new();
    for path in paths {
        let (found, failed) = collect_inputs(std::slice::from_ref(path));
        if found.is_empty() && failed.is_empty() && path.is_dir() {
            empty_dirs.push(path.clone());
        }
        inputs.extend(found);
        errors.extend(failed);
    }
    (inputs, errors, empty_dirs)
}

/// Captures the metadata of the kept objects that `findings` are about.
fn metadata_of_findings(inventory: &Inventory, findings: &[Finding]) -> Vec<ObjectMeta> {
    let about: HashSet<(&str, &ObjectRef)> = findings
        .iter()
        .filter_map(|finding| Some((&*finding.file, finding.object.as_deref()?)))
        .collect();
    inventory
        .objects()
        .iter()
        .filter(|stored| about.contains(&(&**stored.file(), &stored.reference)))
        .map(|stored| stored.with_object(ObjectMeta::capture))
        .collect()
}
