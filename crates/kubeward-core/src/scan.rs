//! Checking the text of one file: decode, cut into documents, parse, find
//! objects, run rules.
//!
//! Documents are parsed and checked in parallel and independently, so a
//! syntax error loses only its own document and a large file does not hold
//! all its trees at once.

use std::sync::Arc;

use kubeward_yaml::{self as yaml, Document, NodeRef};
use rayon::prelude::*;

use crate::intake::{DUPLICATE_KEY, PARSE_ERROR};
use crate::{Check, Finding, Object, PodSpec, RuleDef, ScanOptions, Sink, Source, Warning};

/// What checking one file produced.
#[derive(Debug, Default)]
pub struct FileReport {
    pub findings: Vec<Finding>,
    pub warnings: Vec<Warning>,
    /// Non-empty documents read.
    pub documents: usize,
    /// Objects checked, list items included.
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

/// Checks the bytes of one file with `rules`. Encoding problems become
/// `parse-error` findings and the decodable text is still checked.
pub fn scan_bytes(
    file: &Arc<str>,
    bytes: &[u8],
    rules: &[&'static RuleDef],
    options: ScanOptions,
) -> FileReport {
    let decoded = yaml::decode(bytes);
    let mut report = FileReport::default();
    if let Some(problem) = &decoded.problem {
        report.findings.push(pipeline_finding(
            &PARSE_ERROR,
            file,
            problem.line,
            problem.col,
            problem.message.clone(),
        ));
    }
    report.merge(scan_text(file, &decoded.text, rules, options));
    report
}

/// Checks the text of one file with `rules`.
pub fn scan_text(
    file: &Arc<str>,
    text: &str,
    rules: &[&'static RuleDef],
    options: ScanOptions,
) -> FileReport {
    let scanner = TextScanner { rules, options };
    let mut report = yaml::split_documents(text)
        .into_par_iter()
        .map(|chunk| scanner.scan_chunk(file, chunk))
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

struct TextScanner<'r> {
    rules: &'r [&'static RuleDef],
    options: ScanOptions,
}

impl TextScanner<'_> {
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
        for &rule in self.rules {
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
