//! Checking the text of one file: decode, cut into documents, parse, find
//! objects, run rules.
//!
//! Documents are parsed and checked in parallel and independently, so a
//! syntax error loses only its own document and a large file does not hold
//! all its trees at once.

use std::collections::{HashSet, VecDeque};
use std::fmt::Write as _;
use std::sync::Arc;

use kubeward_yaml::{self as yaml, Document, NodeId, NodeRef, Pos};
use rayon::prelude::*;

use crate::component::{Component, ComponentReader, check_component, reader_of};
use crate::intake::{DUPLICATE_KEY, PARSE_ERROR};
use crate::redact;
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
    /// Components left unchecked for a step across files, by
    /// [`scan_bytes_deferred`]: programs that name a configuration file
    /// not read with them, and configuration files read on their own.
    pub pending: Vec<Component>,
}

impl FileReport {
    fn merge(&mut self, other: FileReport) {
        append(&mut self.findings, other.findings);
        append(&mut self.warnings, other.warnings);
        self.documents += other.documents;
        self.objects += other.objects;
        append(&mut self.stored, other.stored);
        self.components += other.components;
        append(&mut self.metadata, other.metadata);
        append(&mut self.pending, other.pending);
    }
}

/// Appends `from` to `into`, taking `from`'s buffer when `into` is empty,
/// so that merging the reports of a file's documents copies no finding
/// more often than needed.
pub fn append<T>(into: &mut Vec<T>, from: Vec<T>) {
    if into.is_empty() {
        *into = from;
    } else {
        into.extend(from);
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
    scan_decoded(file, bytes, plan, false)
}

/// Checks the bytes of one file as `plan` says, except the components
/// whose settings depend on another file: a program that names its
/// configuration file, and a configuration file read on its own. Those go
/// to [`FileReport::pending`] for
/// [`check_linked_components`](crate::check_linked_components), which
/// merges each program with the scanned file it names.
pub fn scan_bytes_deferred(file: &Arc<str>, bytes: &[u8], plan: &ScanPlan<'_>) -> FileReport {
    scan_decoded(file, bytes, plan, true)
}

fn scan_decoded(file: &Arc<str>, bytes: &[u8], plan: &ScanPlan<'_>, defer: bool) -> FileReport {
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
    scan_into(file, &decoded.text, plan, report, defer)
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
    scan_into(file, text, plan, FileReport::default(), false)
}

/// Scans `text` and adds its findings and warnings to `report`, which may
/// already contain the file's encoding problem. A file with no objects and
/// no parse error gets one warning about that.
fn scan_into(
    file: &Arc<str>,
    text: &str,
    plan: &ScanPlan<'_>,
    mut report: FileReport,
    defer: bool,
) -> FileReport {
    let text = yaml::normalize_line_breaks(text);
    let components = reader_of(plan.rules);
    if let Some(read) = components.and_then(|reader| (reader.from_text)(file, &text)) {
        // A systemd unit, a saved command line or another file that is not
        // YAML: its components are checked and YAML parsing is skipped.
        report.components += read.components.len();
        for component in read.components {
            if defer && waits_for_other_files(&component) {
                report.pending.push(component);
            } else {
                check_component(&component, plan.rules, plan.options, &mut report.findings);
            }
        }
        report.warnings.extend(read.warnings);
        return report;
    }
    let scanner = TextScanner {
        rules: plan.rules,
        options: plan.options,
        keep: &plan.keep,
        components,
        defer,
    };
    report.merge(
        yaml::split_stream(&text)
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
    /// Whether components that depend on another file wait in
    /// [`FileReport::pending`].
    defer: bool,
}

/// Whether a component's settings depend on a file other than its own: a
/// program that names an unread configuration file, or a configuration
/// file that a scanned program may name.
fn waits_for_other_files(component: &Component) -> bool {
    component.config_file.is_some() || component.config_only
}

impl TextScanner<'_> {
    fn check_components(&self, components: Vec<Component>, out: &mut FileReport) {
        for component in components {
            out.components += 1;
            if self.defer && waits_for_other_files(&component) {
                out.pending.push(component);
            } else {
                check_component(&component, self.rules, self.options, &mut out.findings);
            }
        }
    }

    fn scan_chunk(&self, file: &Arc<str>, piece: yaml::StreamChunk<'_>) -> FileReport {
        let chunk = piece.chunk;
        let parsed = yaml::parse_document_at(chunk, piece.first_col);
        let source = Source::new(file.clone(), chunk.text, chunk.first_line);
        let mut report = FileReport::default();
        for document in &parsed.documents {
            self.scan_document(&source, document, &mut report);
        }
        hide_secret_lines(&source, &parsed.documents, &mut report);
        if piece.first_col > 1 {
            // The chunk starts in the middle of its first line, so a column
            // counted from the start of the line does not index its text.
            // The start of the line belongs to another document, whose
            // secret lines this chunk cannot screen. So findings on that
            // line quote nothing.
            // NOTE: objects kept for inventory rules keep the partial line,
            // so their findings on it quote it without its start, and text
            // output then shows a column past the end of the quote.
            for finding in &mut report.findings {
                if finding.line == chunk.first_line {
                    finding.source_line = None;
                }
            }
        }
        if let Some(error) = parsed.error {
            report.findings.push(pipeline_finding(
                &PARSE_ERROR,
                file,
                error.pos,
                syntax_error_message(chunk.text, &error.message),
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
                self.check_components(components, out);
                report_duplicates(document, &[], None, self.options, source, out);
                return;
            }
            out.warnings.push(not_an_object(source, root, "document"));
            report_duplicates(document, &[], None, self.options, source, out);
            return;
        };
        if !object.is_list() && !has_null_items(&object) {
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
        // An object whose name or namespace is not a string is reported by
        // `invalid-field-type` and kept from cross-object rules, which would
        // otherwise read it as unnamed or in `default`.
        if self.keep.contains(object.kind()) && object.has_valid_identity() {
            out.stored.push(StoredObject::capture(object));
        }
        let pod = PodSpec::of(object);
        let findings_before = out.findings.len();
        let pending_before = out.pending.len();
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
            self.check_components(components, out);
        }
        let deferred = out.pending.len() > pending_before;
        if out.findings.len() > findings_before || deferred || ObjectMeta::is_annotated(object) {
            out.metadata.push(ObjectMeta::capture(object));
        }
    }
}

/// Drops the quoted source lines that may show a secret value from the
/// findings of `documents`, and masks URL passwords in the quoted lines
/// that stay. Kept objects empty their hidden lines, and rules over kept
/// objects screen their quotes in the same way. The documents are searched
/// only when a finding quotes a line or an object is kept, so a scan
/// without findings pays nothing for it.
fn hide_secret_lines(source: &Source<'_>, documents: &[Document<'_>], report: &mut FileReport) {
    let quotes = report.findings.iter().any(|f| f.source_line.is_some());
    if !quotes && report.stored.is_empty() {
        return;
    }
    let hidden = redact::secret_lines(documents, source);
    for finding in &mut report.findings {
        redact::screen_quote(finding, &hidden);
    }
    for stored in &mut report.stored {
        stored.hide_lines(&hidden);
    }
}

/// Reads the items of a list as objects, in document order, with a
/// warning for each item that is not one.
///
/// Lists inside the list are flattened, as `kubectl` flattens them
/// (cli-runtime's `FlattenListVisitor`): their items are objects and the
/// nested lists themselves are not. Only the outer list gives kind-less
/// items its item kind, because apimachinery decodes the items of a nested
/// list as plain objects. The walk uses a queue, not recursion, so lists
/// nested thousands deep cost no stack.
fn list_items<'d, 'a>(
    source: &'d Source<'a>,
    list: &Object<'d, 'a>,
    out: &mut FileReport,
) -> Vec<Object<'d, 'a>> {
    let mut objects = Vec::new();
    // Aliases can name one item several times; it is one object, checked
    // once, so its findings are not repeated.
    let mut seen = HashSet::new();
    let mut lists = VecDeque::from([(list.clone(), true)]);
    while let Some((current, is_outer)) = lists.pop_front() {
        let items = current
            .root
            .get("items")
            .into_iter()
            .flat_map(|i| i.items());
        for (index, item) in items.enumerate() {
            let target = item.alias_target().unwrap_or(item);
            if !seen.insert(target.id()) {
                continue;
            }
            let object = Object::new(source, item)
                .or_else(|| is_outer.then(|| typed_list_item(source, &current, item))?);
            match object {
                Some(object) if object.is_list() => lists.push_back((object, false)),
                Some(object) => objects.push(object),
                None => out.warnings.push(not_an_object(
                    source,
                    item,
                    &format!("item {index} of the list"),
                )),
            }
        }
    }
    objects.sort_by_key(|object| object.root.id());
    objects
}

/// Returns whether `object` has an `items` key set to null, which
/// apimachinery's unstructured decoder reads as a list without items.
fn has_null_items(object: &Object<'_, '_>) -> bool {
    object
        .root
        .raw_entries()
        .any(|entry| entry.key.as_str() == Some("items") && entry.value.is_null())
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
    Some(Object::with_reference(
        source,
        item,
        crate::ObjectRef {
            api_version: list.reference.api_version.clone(),
            kind: kind.to_owned(),
            namespace: text("namespace"),
            name: text("name").or_else(|| text("generateName")),
        },
    ))
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
        let root = owner.map(|object| object.root).or_else(|| document.root());
        let path = root.map_or_else(
            || duplicate.key.clone(),
            |root| field_path(root, duplicate.node),
        );
        let message = format!(
            "key `{path}` is set more than once in the same mapping; the last value is used"
        );
        if let Some(object) = owner {
            Sink::new(&DUPLICATE_KEY, object, options, &mut out.findings).report(
                duplicate.pos,
                path,
                message,
            );
        } else {
            let mut finding =
                pipeline_finding(&DUPLICATE_KEY, &source.file, duplicate.pos, message);
            finding.path = Some(path);
            out.findings.push(finding);
        }
    }
}

/// Returns the field path from `root` to the mapping key `key`, such as
/// `spec.template.spec.containers[0].image`. Each step finds the one entry
/// or item whose subtree contains the key by binary search, so a mapping
/// with many duplicate keys costs no quadratic time.
fn field_path(root: NodeRef<'_, '_>, key: NodeId) -> String {
    let mut path = String::new();
    let mut node = root;
    loop {
        if node.is_seq() {
            let Some((index, item)) = node.item_containing(key) else {
                break;
            };
            let _ = write!(path, "[{index}]");
            node = item;
            continue;
        }
        let Some(entry) = node.entry_containing(key) else {
            break;
        };
        if !path.is_empty() {
            path.push('.');
        }
        path.push_str(&entry.key_str().unwrap_or_default());
        if entry.key.contains(key) {
            break;
        }
        node = entry.value;
    }
    path
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

/// Builds the message of a YAML syntax error in `text`. Text containing
/// `{{` is most likely an unrendered Helm or Go template, which is not
/// YAML until rendered, so the message then names the command that
/// renders it.
fn syntax_error_message(text: &str, error: &str) -> String {
    let mut message = format!("invalid YAML: {error}");
    if text.contains("{{") {
        message.push_str(
            "; the document contains `{{`, so it looks like an unrendered Helm or Go \
             template: render it first, as in `helm template CHART | kubeward scan -`",
        );
    }
    message
}
