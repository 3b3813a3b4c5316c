//! Checking the text of one file: decode, cut into documents, parse, find
//! objects, run rules.
//!
//! Documents are parsed and checked in parallel and independently, so a
//! syntax error loses only its own document and a large file does not hold
//! all its trees at once.

use std::sync::Arc;

use kubeward_yaml::{self as yaml, Document, NodeId, NodeRef, Pos};
use rayon::prelude::*;

use crate::component::{Component, ComponentReader, check_component, reader_of};
use crate::intake::{DUPLICATE_KEY, PARSE_ERROR};
use crate::{
    Check, Finding, KindSet, Object, ObjectMeta, PodSpec, RuleDef, ScanOptions, Sink, Source,
    StoredObject, Warning,
};

/// What checking one file produced.
#[derive(Debug, Default)]
pub struct FileReport {
    pub findings: Vec<Finding>,
    pub warnings: Vec<Warning>,
    /// Non-empty documents read.
    pub documents: usize,
    /// Objects checked: each list item counts, the list itself does not.
    pub objects: usize,
    /// Objects kept for inventory rules, of the kinds the scan asked for.
    pub stored: Vec<StoredObject>,
    /// Control-plane components read and checked, when component rules run.
    pub components: usize,
    /// Labels and kubeward annotations of the objects that have findings
    /// or carry a `kubeward.dev/` annotation, for exceptions.
    pub metadata: Vec<ObjectMeta>,
}

impl FileReport {
    fn merge(&mut self, other: FileReport) {
        self.findings.extend(other.findings);
        self.warnings.extend(other.warnings);
        self.documents += other.documents;
        self.objects += other.objects;
        self.stored.extend(other.stored);
        self.components += other.components;
        self.metadata.extend(other.metadata);
    }
}

/// What a scan of one file runs: rules, options, and the kinds of objects
/// it keeps for rules and queries that read several objects.
#[derive(Clone, Debug)]
pub struct ScanPlan<'r> {
    pub rules: &'r [&'static RuleDef],
    pub options: ScanOptions,
    pub keep: KindSet,
}

impl<'r> ScanPlan<'r> {
    /// A plan that keeps the kinds the inventory rules among `rules` read.
    pub fn new(rules: &'r [&'static RuleDef], options: ScanOptions) -> Self {
        ScanPlan {
            rules,
            options,
            keep: KindSet::for_rules(rules),
        }
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
    scan_bytes_with(file, bytes, &ScanPlan::new(rules, options))
}

/// Checks the bytes of one file as `plan` says, keeping the objects it
/// asks for in [`FileReport::stored`].
pub fn scan_bytes_with(file: &Arc<str>, bytes: &[u8], plan: &ScanPlan<'_>) -> FileReport {
    let decoded = yaml::decode(bytes);
    let mut report = FileReport::default();
    if let Some(problem) = &decoded.problem {
        report.findings.push(pipeline_finding(
            &PARSE_ERROR,
            file,
            Pos {
                line: problem.line,
                col: problem.col,
            },
            problem.message.clone(),
        ));
    }
    scan_into(file, &decoded.text, plan, report)
}

/// Checks the text of one file with `rules`. Lone carriage returns count
/// as line breaks, as YAML reads them.
pub fn scan_text(
    file: &Arc<str>,
    text: &str,
    rules: &[&'static RuleDef],
    options: ScanOptions,
) -> FileReport {
    scan_text_with(file, text, &ScanPlan::new(rules, options))
}

/// Checks the text of one file as `plan` says.
pub fn scan_text_with(file: &Arc<str>, text: &str, plan: &ScanPlan<'_>) -> FileReport {
    scan_into(file, text, plan, FileReport::default())
}

/// Scans `text` and adds its findings and warnings to `report`, which may
/// already contain the file's encoding problem. A file with no objects and
/// no parse error gets one warning about that.
fn scan_into(
    file: &Arc<str>,
    text: &str,
    plan: &ScanPlan<'_>,
    mut report: FileReport,
) -> FileReport {
    let text = yaml::normalize_line_breaks(text);
    let components = reader_of(plan.rules);
    if let Some(read) = components.and_then(|reader| (reader.from_text)(file, &text)) {
        // A systemd unit, a saved command line or another file that is not
        // YAML: its components are checked and YAML parsing is skipped.
        report.components += read.components.len();
        for component in &read.components {
            check_component(component, plan.rules, plan.options, &mut report.findings);
        }
        report.warnings.extend(read.warnings);
        return report;
    }
    let scanner = TextScanner {
        rules: plan.rules,
        options: plan.options,
        keep: &plan.keep,
        components,
    };
    report.merge(
        yaml::split_documents(&text)
            .into_par_iter()
            .map(|chunk| scanner.scan_chunk(file, chunk))
            .reduce(FileReport::default, |mut a, b| {
                a.merge(b);
                a
            }),
    );
    let has_errors = report.findings.iter().any(|f| f.rule == PARSE_ERROR.id);
    let nothing_read = report.objects == 0 && report.components == 0;
    if nothing_read && report.warnings.is_empty() && !has_errors {
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
    keep: &'r KindSet,
    /// Builds control-plane components, when component rules run.
    components: Option<&'static ComponentReader>,
}

impl TextScanner<'_> {
    fn check_components(&self, components: &[Component], out: &mut FileReport) {
        for component in components {
            out.components += 1;
            check_component(component, self.rules, self.options, &mut out.findings);
        }
    }

    fn scan_chunk(&self, file: &Arc<str>, chunk: yaml::Chunk<'_>) -> FileReport {
        let parsed = yaml::parse_document(chunk);
        let source = Source::new(file.clone(), chunk.text, chunk.first_line);
        let mut report = FileReport::default();
        for document in &parsed.documents {
            self.scan_document(&source, document, &mut report);
        }
        if let Some(error) = parsed.error {
            report.findings.push(pipeline_finding(
                &PARSE_ERROR,
                file,
                error.pos,
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
        for &pos in document.invalid_merges() {
            out.findings.push(pipeline_finding(
                &PARSE_ERROR,
                &source.file,
                pos,
                "invalid merge key: the value of `<<` must be a mapping, an alias of a \
                 mapping, or a sequence of those. kubectl rejects this document, and \
                 kubeward read it without the merge"
                    .into(),
            ));
        }
        let Some(object) = Object::new(source, root) else {
            let components = self
                .components
                .and_then(|reader| (reader.from_document)(source, root));
            if let Some(components) = components {
                self.check_components(&components, out);
                report_duplicates(document, &[], None, self.options, source, out);
                return;
            }
            out.warnings.push(not_an_object(source, root, "document"));
            report_duplicates(document, &[], None, self.options, source, out);
            return;
        };
        if !object.is_list() {
            report_duplicates(document, &[], Some(&object), self.options, source, out);
            self.check_object(&object, out);
            return;
        }
        let items = list_items(source, &object, out);
        report_duplicates(document, &items, Some(&object), self.options, source, out);
        for item in &items {
            self.check_object(item, out);
        }
    }

    fn check_object(&self, object: &Object<'_, '_>, out: &mut FileReport) {
        out.objects += 1;
        if self.keep.contains(object.kind()) {
            out.stored.push(StoredObject::capture(object));
        }
        let pod = PodSpec::of(object);
        let findings_before = out.findings.len();
        for &rule in self.rules {
            let mut sink = Sink::new(rule, object, self.options, &mut out.findings);
            match (rule.check, &pod) {
                (Check::PodSpec(check), Some(pod)) => check(pod, &mut sink),
                (Check::Object(check), _) => check(object, &mut sink),
                _ => {}
            }
        }
        if let Some(reader) = self.components {
            let components = (reader.from_object)(object);
            self.check_components(&components, out);
        }
        if out.findings.len() > findings_before || ObjectMeta::is_annotated(object) {
            out.metadata.push(ObjectMeta::capture(object));
        }
    }
}

/// Reads the items of a list as objects, with a warning for each item
/// that is not one.
fn list_items<'d, 'a>(
    source: &'d Source<'a>,
    list: &Object<'d, 'a>,
    out: &mut FileReport,
) -> Vec<Object<'d, 'a>> {
    let items = list.root.get("items").into_iter().flat_map(|i| i.items());
    let mut objects = Vec::new();
    for (index, item) in items.enumerate() {
        match Object::new(source, item).or_else(|| typed_list_item(source, list, item)) {
            Some(item) => objects.push(item),
            None => out.warnings.push(not_an_object(
                source,
                item,
                &format!("item {index} of the list"),
            )),
        }
    }
    objects
}

/// Reads an item of a typed list (`PodList`, `NamespaceList`) that has
/// neither `apiVersion` nor `kind`, as the API server writes list items:
/// it is of the list's apiVersion and of the kind the list's kind names.
fn typed_list_item<'d, 'a>(
    source: &'d Source<'a>,
    list: &Object<'d, 'a>,
    item: NodeRef<'d, 'a>,
) -> Option<Object<'d, 'a>> {
    let kind = list.kind().strip_suffix("List").filter(|k| !k.is_empty())?;
    if !item.is_map() || item.get("apiVersion").is_some() || item.get("kind").is_some() {
        return None;
    }
    let metadata = item.get("metadata");
    let text = |key: &str| metadata.and_then(|m| m.get_str(key)).map(str::to_owned);
    Some(Object {
        source,
        root: item,
        reference: crate::ObjectRef {
            api_version: list.reference.api_version.clone(),
            kind: kind.to_owned(),
            namespace: text("namespace"),
            name: text("name").or_else(|| text("generateName")),
        },
    })
}

/// Reports the document's duplicate keys, each on the list item that
/// contains it, else on `document_object`, else with no object. A key on
/// its item matters: findings on Secrets never quote the source line.
fn report_duplicates(
    document: &Document<'_>,
    items: &[Object<'_, '_>],
    document_object: Option<&Object<'_, '_>>,
    options: ScanOptions,
    source: &Source<'_>,
    out: &mut FileReport,
) {
    for duplicate in document.duplicate_keys() {
        let owner = item_containing(items, duplicate.node).or(document_object);
        let key = &duplicate.key;
        let message = format!(
            "key `{key}` is set more than once in the same mapping; the last value is used"
        );
        match owner {
            Some(object) => {
                Sink::new(&DUPLICATE_KEY, object, options, &mut out.findings).report(
                    duplicate.pos,
                    key.clone(),
                    message,
                );
            }
            None => out.findings.push(pipeline_finding(
                &DUPLICATE_KEY,
                &source.file,
                duplicate.pos,
                message,
            )),
        }
    }
}

/// Finds the item whose subtree contains `node`. Items are in document
/// order and their subtrees do not overlap, so a binary search finds it.
fn item_containing<'o, 'd, 'a>(
    items: &'o [Object<'d, 'a>],
    node: NodeId,
) -> Option<&'o Object<'d, 'a>> {
    let after = items.partition_point(|item| item.root.id() <= node);
    let candidate = items.get(after.checked_sub(1)?)?;
    candidate.root.contains(node).then_some(candidate)
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

/// Builds a finding that the scan makes itself, outside any object, so it
/// quotes no source line.
fn pipeline_finding(rule: &'static RuleDef, file: &Arc<str>, pos: Pos, message: String) -> Finding {
    Finding {
        rule: rule.id,
        severity: rule.severity,
        message,
        file: file.clone(),
        line: pos.line,
        column: pos.col,
        object: None,
        path: None,
        container: None,
        pss: None,
        remediation: rule.remediation,
        source_line: None,
    }
}
