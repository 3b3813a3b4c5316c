use std::path::PathBuf;
use std::sync::Arc;

use kubeward_core::yaml::{self, Document, NodeRef};
use kubeward_core::{
    Check, Finding, Object, PodSpec, Profile, Report, RuleDef, ScanOptions, Sink, Source, Warning,
};
use kubeward_intake::{InputPath, IntakeError, collect_inputs, decode, read_input};
use kubeward_rules::intake::{DUPLICATE_KEY, PARSE_ERROR};
use rayon::prelude::*;

/// Runs a fixed set of rules over inputs.
#[derive(Debug, Clone)]
pub struct Scanner {
    rules: Vec<&'static RuleDef>,
    options: ScanOptions,
}

/// What scanning one file produced.
#[derive(Debug, Default)]
pub struct FileReport {
    pub findings: Vec<Finding>,
    pub warnings: Vec<Warning>,
    pub documents: usize,
    pub objects: usize,
}

impl FileReport {
    fn merge(&mut self, other: FileReport) {
        self.findings.extend(other.findings);
        self.warnings.extend(other.warnings);
        self.documents += other.documents;
        self.objects += other.objects;
    }
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

    /// Scans files, directories and `-` (stdin). Paths that cannot be read
    /// are returned as errors; everything else is in the report.
    pub fn scan_paths(&self, paths: &[PathBuf]) -> (Report, Vec<IntakeError>) {
        let (inputs, mut errors) = collect_inputs(paths);
        let results: Vec<(InputPath, Result<FileReport, IntakeError>)> = inputs
            .into_par_iter()
            .map(|input| {
                let result = read_input(&input)
                    .map(|bytes| self.scan_bytes(Arc::from(input.display()), &bytes));
                (input, result)
            })
            .collect();
        let mut report = Report::default();
        for (_, result) in results {
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

    /// Scans the bytes of one file.
    pub fn scan_bytes(&self, file: Arc<str>, bytes: &[u8]) -> FileReport {
        let decoded = decode(bytes);
        let mut report = FileReport::default();
        if let Some(problem) = &decoded.problem {
            report.findings.push(pipeline_finding(
                &PARSE_ERROR,
                &file,
                problem.line,
                problem.col,
                problem.message.clone(),
            ));
        }
        report.merge(self.scan_text(&file, &decoded.text));
        report
    }

    /// Scans the text of one file.
    pub fn scan_text(&self, file: &Arc<str>, text: &str) -> FileReport {
        let chunks = yaml::split_documents(text);
        let mut report = chunks
            .into_par_iter()
            .map(|chunk| self.scan_chunk(file, chunk))
            .reduce(FileReport::default, |mut a, b| {
                a.merge(b);
                a
            });
        let has_errors = report.findings.iter().any(|f| f.rule == PARSE_ERROR.id);
        if report.objects == 0 && report.warnings.is_empty() && !has_errors {
            report.warnings.push(Warning {
                file: file.clone(),
                line: None,
                message: "no Kubernetes objects found in this file".into(),
            });
        }
        report
    }

    fn scan_chunk(&self, file: &Arc<str>, chunk: yaml::Chunk<'_>) -> FileReport {
        let parsed = yaml::parse_document(chunk);
        let source = Source {
            file: file.clone(),
            text: chunk.text,
            first_line: chunk.first_line,
        };
        let mut report = FileReport::default();
        for document in &parsed.documents {
            self.scan_document(&source, document, &mut report);
        }
        if let Some(error) = parsed.error {
            report.findings.push(pipeline_finding(
                &PARSE_ERROR,
                file,
                error.pos.line,
                error.pos.col,
                format!("invalid YAML: {}", error.message),
            ));
        }
        report
    }

    fn scan_document(&self, source: &Source<'_>, document: &Document<'_>, out: &mut FileReport) {
        let Some(root) = document.root() else {
            return;
        };
        out.documents += 1;
        let Some(object) = Object::new(source, root) else {
            out.warnings.push(not_an_object(source, root, "document"));
            return;
        };
        for (pos, key) in document.duplicate_keys() {
            Sink::new(&DUPLICATE_KEY, &object, self.options, &mut out.findings).report(
                *pos,
                key.clone(),
                format!(
                    "key `{key}` is set more than once in the same mapping; the last value is used"
                ),
            );
        }
        if object.is_list() {
            let items = object.root.get("items").into_iter().flat_map(|i| i.items());
            for (index, item) in items.enumerate() {
                match Object::new(source, item) {
                    Some(item) => self.check_object(&item, out),
                    None => out.warnings.push(not_an_object(
                        source,
                        item,
                        &format!("item {index} of the list"),
                    )),
                }
            }
        } else {
            self.check_object(&object, out);
        }
    }

    fn check_object(&self, object: &Object<'_, '_>, out: &mut FileReport) {
        out.objects += 1;
        let pod = PodSpec::of(object);
        for &rule in &self.rules {
            let mut sink = Sink::new(rule, object, self.options, &mut out.findings);
            match (rule.check, &pod) {
                (Check::PodSpec(check), Some(pod)) => check(pod, &mut sink),
                (Check::Object(check), _) => check(object, &mut sink),
                _ => {}
            }
        }
    }
}

fn not_an_object(source: &Source<'_>, node: NodeRef<'_, '_>, what: &str) -> Warning {
    let reason = if node.is_map() {
        match (node.get("apiVersion"), node.get("kind")) {
            (None, None) => "it has no apiVersion and no kind".to_owned(),
            (None, _) => "it has no apiVersion".to_owned(),
            (_, None) => "it has no kind".to_owned(),
            _ => "its apiVersion and kind must be strings".to_owned(),
        }
    } else {
        format!("it is a {}, not a mapping", node.type_name())
    };
    Warning {
        file: source.file.clone(),
        line: Some(node.pos().line),
        message: format!("{what} is not a Kubernetes object, so it was not checked: {reason}"),
    }
}

fn pipeline_finding(
    rule: &'static RuleDef,
    file: &Arc<str>,
    line: u32,
    col: u32,
    message: String,
) -> Finding {
    Finding {
        rule: rule.id,
        severity: rule.severity,
        message,
        file: file.clone(),
        line,
        column: col,
        object: None,
        path: None,
        container: None,
        pss: None,
        remediation: rule.remediation,
        source_line: None,
    }
}
