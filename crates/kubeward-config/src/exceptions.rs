//! Applying exceptions and `kubeward.dev/ignore` annotations to a report.
//!
//! A finding is suppressed by the first configured exception that applies
//! to it, else by its object's annotation when the configuration allows
//! annotations. Problems with exceptions are warnings, not findings: they
//! are about the configuration, and the findings they would have hidden
//! are reported again, so an expired exception fails a pipeline exactly
//! when its findings do.

use std::collections::{HashMap, HashSet};
use std::sync::Arc;

use jiff::civil::Date;
use kubeward_core::{Finding, ObjectMeta, ObjectRef, RuleDef, Warning};

use crate::annotation::{IGNORE_ANNOTATION, IgnoreAnnotation, parse_ignore_annotation};
use crate::{Config, Exception, RuleSelection, Suppressed, Suppression, SuppressionSource};

/// The findings left after exceptions, and what happened to the rest.
#[derive(Debug, Default)]
pub struct ExceptionOutcome {
    pub findings: Vec<Finding>,
    /// The fingerprint of each finding in `findings`.
    pub fingerprints: Vec<String>,
    pub suppressed: Vec<Suppressed>,
    /// Expired and unused exceptions, and annotations that were not applied.
    pub warnings: Vec<Warning>,
}

/// Suppresses the findings that `config`'s exceptions and the objects'
/// annotations cover. `fingerprints` belong to `findings`, in order;
/// `metadata` holds the labels and annotations of the objects; `ran` are
/// the rules this scan ran and `known` every rule. Exceptions expire on
/// `today` when it is their `expires` date or later.
pub fn apply_exceptions(
    config: &Config,
    findings: Vec<Finding>,
    fingerprints: Vec<String>,
    metadata: &[ObjectMeta],
    ran: &[&'static RuleDef],
    known: &[&'static RuleDef],
    today: Date,
) -> ExceptionOutcome {
    let mut outcome = ExceptionOutcome::default();
    let metadata = unique(metadata);
    let index = MetaIndex::new(&metadata);
    let annotations = read_annotations(config, &metadata, known, &mut outcome.warnings);
    let active: Vec<&Exception> = config
        .exceptions
        .iter()
        .filter(|exception| !exception.is_expired(today))
        .collect();
    let mut uses = vec![0usize; config.exceptions.len()];
    let mut annotated_rules_found: HashSet<(usize, &'static str)> = HashSet::new();
    for (finding, fingerprint) in findings.into_iter().zip(fingerprints) {
        let meta = index.find(&finding);
        if let Some(meta) = meta {
            annotated_rules_found.insert((meta.0, finding.rule));
        }
        let meta_ref = meta.map(|(_, meta)| meta);
        let by = if let Some(exception) = active.iter().find(|e| applies(e, &finding, meta_ref)) {
            uses[exception.index] += 1;
            Some(exception_suppression(config, exception))
        } else {
            meta.and_then(|(position, meta)| {
                let (annotation, line) = annotations.get(&position)?;
                annotation
                    .rules
                    .iter()
                    .any(|rule| rule == finding.rule)
                    .then(|| Suppression {
                        source: SuppressionSource::Annotation,
                        file: meta.file.to_string(),
                        line: *line,
                        reason: annotation.reason.clone(),
                        owner: None,
                        expires: None,
                    })
            })
        };
        if let Some(by) = by {
            outcome.suppressed.push(Suppressed {
                finding,
                fingerprint,
                by,
            });
        } else {
            outcome.findings.push(finding);
            outcome.fingerprints.push(fingerprint);
        }
    }
    report_exception_problems(config, &uses, ran, today, &mut outcome.warnings);
    report_unused_annotations(
        &metadata,
        &annotations,
        &annotated_rules_found,
        ran,
        &mut outcome.warnings,
    );
    outcome
}

/// Returns whether `exception` covers `finding`, whose object has `meta`.
fn applies(exception: &Exception, finding: &Finding, meta: Option<&ObjectMeta>) -> bool {
    if !exception.rules.contains(finding.rule) {
        return false;
    }
    if !exception.has_object_criteria() {
        return true;
    }
    let Some(object) = &finding.object else {
        return false;
    };
    let namespace_matches = exception
        .namespace
        .as_ref()
        .is_none_or(|pattern| pattern.matches(object.namespace.as_deref()));
    let name_matches = exception
        .name
        .as_ref()
        .is_none_or(|pattern| pattern.matches(object.name.as_deref()));
    let kind_matches = exception
        .kind
        .as_ref()
        .is_none_or(|kind| *kind == object.kind);
    let labels_match = exception.labels.is_empty()
        || meta.is_some_and(|meta| {
            exception
                .labels
                .iter()
                .all(|(key, value)| meta.label(key) == Some(value.as_str()))
        });
    namespace_matches && name_matches && kind_matches && labels_match
}

fn exception_suppression(config: &Config, exception: &Exception) -> Suppression {
    Suppression {
        source: SuppressionSource::Exception,
        file: config.file.to_string(),
        line: exception.line,
        reason: exception.reason.clone(),
        owner: Some(exception.owner.clone()),
        expires: exception.expires.map(|date| date.to_string()),
    }
}

/// Warns about expired exceptions, and about active ones that suppressed
/// nothing although at least one of their rules ran. An exception whose
/// rules did not run in this scan cannot be judged, so it is not reported.
fn report_exception_problems(
    config: &Config,
    uses: &[usize],
    ran: &[&'static RuleDef],
    today: Date,
    warnings: &mut Vec<Warning>,
) {
    for exception in &config.exceptions {
        let name = format!("exceptions[{}]", exception.index);
        let message =
            if let Some(expires) = exception.expires.filter(|_| exception.is_expired(today)) {
                format!(
                    "{name} expired on {expires} and no longer applies, so the findings it \
                 covered are reported; renew its `expires` date with a reason or remove it"
                )
            } else if uses[exception.index] == 0 && rules_ran(&exception.rules, ran) {
                format!(
                    "{name} matched no finding; correct its `rules` and `match`, or remove it \
                 if the findings were fixed"
                )
            } else {
                continue;
            };
        warnings.push(Warning {
            file: config.file.clone(),
            line: Some(exception.line),
            message,
        });
    }
}

fn rules_ran(rules: &RuleSelection, ran: &[&'static RuleDef]) -> bool {
    match rules {
        RuleSelection::All => !ran.is_empty(),
        RuleSelection::Ids(ids) => ids.iter().any(|id| ran.iter().any(|rule| rule.id == id)),
    }
}

/// Reads the `kubeward.dev/ignore` annotation of each object, keyed by the
/// object's place in `metadata`, with the line of its value. Annotations
/// that cannot be applied become warnings instead.
fn read_annotations(
    config: &Config,
    metadata: &[&ObjectMeta],
    known: &[&'static RuleDef],
    warnings: &mut Vec<Warning>,
) -> HashMap<usize, (IgnoreAnnotation, u32)> {
    let mut out = HashMap::new();
    for (position, meta) in metadata.iter().enumerate() {
        let Some(annotation) = meta.annotation(IGNORE_ANNOTATION) else {
            continue;
        };
        let object = meta.reference.display_name();
        let mut warn = |message: String| {
            warnings.push(Warning {
                file: meta.file.clone(),
                line: Some(annotation.pos.line),
                message,
            });
        };
        if !config.allow_annotation_exceptions {
            warn(format!(
                "{IGNORE_ANNOTATION} on {object} is not applied: {} sets \
                 allowAnnotationExceptions: false; ask its owners for an exception there",
                config.file
            ));
            continue;
        }
        let parsed = match parse_ignore_annotation(&annotation.value) {
            Ok(parsed) => parsed,
            Err(problem) => {
                warn(format!(
                    "{IGNORE_ANNOTATION} on {object} is not applied: {problem}"
                ));
                continue;
            }
        };
        for id in &parsed.rules {
            if !known.iter().any(|rule| rule.id == id) {
                warn(format!(
                    "{IGNORE_ANNOTATION} on {object} names unknown rule `{id}`; \
                     `kubeward rules` lists every rule"
                ));
            }
        }
        out.insert(position, (parsed, annotation.pos.line));
    }
    out
}

/// Warns about rule ids in applied annotations for which the object has
/// no finding, among the rules this scan ran.
fn report_unused_annotations(
    metadata: &[&ObjectMeta],
    annotations: &HashMap<usize, (IgnoreAnnotation, u32)>,
    found: &HashSet<(usize, &'static str)>,
    ran: &[&'static RuleDef],
    warnings: &mut Vec<Warning>,
) {
    let mut positions: Vec<&usize> = annotations.keys().collect();
    positions.sort();
    for &position in positions {
        let (annotation, line) = &annotations[&position];
        let meta = metadata[position];
        for id in &annotation.rules {
            let Some(rule) = ran.iter().find(|rule| rule.id == id) else {
                continue;
            };
            if found.contains(&(position, rule.id)) {
                continue;
            }
            warnings.push(Warning {
                file: meta.file.clone(),
                line: Some(*line),
                message: format!(
                    "{IGNORE_ANNOTATION} on {} lists `{id}`, but the object has no `{id}` \
                     finding; remove it from the annotation",
                    meta.reference.display_name()
                ),
            });
        }
    }
}

/// Finds the metadata of a finding's object by file and reference. When
/// several objects of a file share a reference, the one that starts last
/// at or before the finding's line is taken.
struct MetaIndex<'m> {
    by_object: HashMap<(&'m str, &'m ObjectRef), Vec<(usize, &'m ObjectMeta)>>,
}

impl<'m> MetaIndex<'m> {
    fn new(metadata: &[&'m ObjectMeta]) -> Self {
        let mut by_object: HashMap<_, Vec<_>> = HashMap::new();
        for (position, &meta) in metadata.iter().enumerate() {
            by_object
                .entry((&*meta.file, &meta.reference))
                .or_default()
                .push((position, meta));
        }
        for candidates in by_object.values_mut() {
            candidates.sort_by_key(|(_, meta)| meta.line);
        }
        MetaIndex { by_object }
    }

    fn find(&self, finding: &Finding) -> Option<(usize, &'m ObjectMeta)> {
        let object = finding.object.as_ref()?;
        let file: &Arc<str> = &finding.file;
        let candidates = self.by_object.get(&(&**file, object))?;
        candidates
            .iter()
            .rev()
            .find(|(_, meta)| meta.line <= finding.line)
            .or_else(|| candidates.first())
            .copied()
    }
}

/// The metadata of each object once, in file and line order. An object
/// with findings from both per-object and inventory rules was captured
/// twice.
fn unique(metadata: &[ObjectMeta]) -> Vec<&ObjectMeta> {
    let mut out: Vec<&ObjectMeta> = metadata.iter().collect();
    out.sort_by(|a, b| (&a.file, a.line).cmp(&(&b.file, b.line)));
    out.dedup_by(|a, b| a.file == b.file && a.line == b.line && a.reference == b.reference);
    out
}
