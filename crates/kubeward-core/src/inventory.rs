//! Objects kept after their file was scanned, for rules and queries that
//! read several objects at once: which pods a NetworkPolicy selects, which
//! subjects a RoleBinding grants, which Service exposes a Deployment.
//!
//! Only the kinds some analysis asks for are kept ([`KindSet`]), each as a
//! compact copy of its own tree and the text of its own lines, so memory
//! grows with the objects that matter and not with the whole input. A
//! Secret is kept without `data` and `stringData`, so no Secret value is
//! ever held past its file's scan.

use std::any::Any;
use std::collections::BTreeSet;
use std::sync::{Arc, Mutex, PoisonError};

use kubeward_yaml::{Document, NodeRef, Pos};

use crate::{Finding, Object, ObjectRef, RuleDef, ScanOptions, Sink, Source};

/// Root keys never copied: the values of Secrets.
const SECRET_VALUE_KEYS: &[&str] = &["data", "stringData"];

/// The kinds of objects a scan keeps, by `kind` (any API group).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct KindSet {
    all: bool,
    kinds: BTreeSet<String>,
}

impl KindSet {
    /// Keeps nothing.
    pub fn none() -> Self {
        KindSet::default()
    }

    /// Keeps every object.
    pub fn all() -> Self {
        KindSet {
            all: true,
            kinds: BTreeSet::new(),
        }
    }

    /// The kinds that the inventory rules among `rules` read.
    pub fn for_rules(rules: &[&'static RuleDef]) -> Self {
        let mut set = KindSet::none();
        for rule in rules {
            if let crate::Check::Inventory { kinds, .. } = rule.check {
                set.extend(kinds.iter().copied());
            }
        }
        set
    }

    /// Adds kinds; `*` means every kind.
    pub fn extend<'k>(&mut self, kinds: impl IntoIterator<Item = &'k str>) {
        for kind in kinds {
            if kind == "*" {
                self.all = true;
            } else {
                self.kinds.insert(kind.to_owned());
            }
        }
    }

    /// The kinds named one by one, without the `*` of [`KindSet::all`].
    pub fn kinds(&self) -> impl Iterator<Item = &str> {
        self.kinds.iter().map(String::as_str)
    }

    /// Whether every kind is kept.
    pub fn keeps_all(&self) -> bool {
        self.all
    }

    pub fn contains(&self, kind: &str) -> bool {
        self.all || self.kinds.contains(kind)
    }

    pub fn is_empty(&self) -> bool {
        !self.all && self.kinds.is_empty()
    }
}

/// One object kept for cross-object analysis: its tree (with every
/// position) and the source lines it spans.
#[derive(Debug)]
pub struct StoredObject {
    pub reference: ObjectRef,
    file: Arc<str>,
    /// The object's lines, from `first_line` on, joined with `\n`.
    text: String,
    first_line: u32,
    /// The line of the object's last node.
    last_line: u32,
    document: Document<'static>,
}

impl StoredObject {
    /// Copies `object` out of its document. Secrets lose their values.
    pub fn capture(object: &Object<'_, '_>) -> Self {
        let is_secret = object.kind() == "Secret" && object.api_group().is_empty();
        let skip: &[&str] = if is_secret { SECRET_VALUE_KEYS } else { &[] };
        let document = object.root.document().extract(object.root.id(), skip);
        let (first_line, last_line) = document
            .line_range()
            .unwrap_or((object.root.pos().line, object.root.pos().line));
        // A Secret's lines are not kept at all: its values may sit between
        // any two kept lines, and findings never quote a Secret anyway.
        let text = if is_secret {
            String::new()
        } else {
            let lines = object.source.lines_text(first_line, last_line);
            lines.unwrap_or_default().to_owned()
        };
        StoredObject {
            reference: object.reference.clone(),
            file: object.source.file.clone(),
            text,
            first_line,
            last_line,
            document,
        }
    }

    /// Empties the kept lines that lie in `hidden` (sorted, inclusive
    /// line ranges), so that findings on this object cannot quote them.
    pub(crate) fn hide_lines(&mut self, hidden: &[(u32, u32)]) {
        let overlaps = hidden
            .iter()
            .any(|&(first, last)| first <= self.last_line && last >= self.first_line);
        if !overlaps {
            return;
        }
        let mut lines: Vec<&str> = self.text.split('\n').collect();
        let mut changed = false;
        for (line, text) in (self.first_line..).zip(lines.iter_mut()) {
            if !text.is_empty() && crate::redact::is_hidden(hidden, line) {
                *text = "";
                changed = true;
            }
        }
        if changed {
            self.text = lines.join("\n");
        }
    }

    /// Path of the file the object was read from.
    pub fn file(&self) -> &Arc<str> {
        &self.file
    }

    pub fn kind(&self) -> &str {
        &self.reference.kind
    }

    pub fn namespace(&self) -> Option<&str> {
        self.reference.namespace.as_deref()
    }

    pub fn name(&self) -> Option<&str> {
        self.reference.name.as_deref()
    }

    /// The object's root mapping.
    pub fn root(&self) -> NodeRef<'_, 'static> {
        self.document
            .root()
            .expect("a stored object has a mapping root")
    }

    /// Position of the object's `kind`, for findings without a closer field.
    pub fn pos(&self) -> Pos {
        self.root()
            .entry("kind")
            .map_or_else(|| self.root().pos(), |entry| entry.key.pos())
    }

    /// Runs `f` on the object as an [`Object`], the view per-object rules
    /// and [`Sink`] take.
    pub fn with_object<R>(&self, f: impl FnOnce(&Object<'_, '_>) -> R) -> R {
        let source = Source::new(self.file.clone(), &self.text, self.first_line);
        let object = Object::with_reference(&source, self.root(), self.reference.clone());
        f(&object)
    }
}

/// The objects a scan kept, in file and line order.
#[derive(Debug, Default)]
pub struct Inventory {
    objects: Vec<StoredObject>,
    /// Values built from the objects by [`Inventory::derived`], one per
    /// type.
    derived: Mutex<Vec<Arc<dyn Any + Send + Sync>>>,
}

impl Inventory {
    pub fn new(mut objects: Vec<StoredObject>) -> Self {
        objects.sort_by(|a, b| (&a.file, a.first_line).cmp(&(&b.file, b.first_line)));
        Inventory {
            objects,
            derived: Mutex::default(),
        }
    }

    /// Returns the value of type `T` built from this inventory, building
    /// it with `build` on first use, so that the rules reading one model
    /// (the network model, the RBAC model) build it once per scan. The
    /// lock is not held while `build` runs, so `build` may itself call
    /// `derived`; two threads asking at once may both build, and the
    /// first value stored wins.
    pub fn derived<T: Any + Send + Sync>(&self, build: impl FnOnce(&Inventory) -> T) -> Arc<T> {
        let find = |values: &[Arc<dyn Any + Send + Sync>]| {
            values
                .iter()
                .find_map(|value| Arc::clone(value).downcast::<T>().ok())
        };
        let lock = || self.derived.lock().unwrap_or_else(PoisonError::into_inner);
        if let Some(value) = find(&lock()) {
            return value;
        }
        let fresh = Arc::new(build(self));
        let mut values = lock();
        if let Some(value) = find(&values) {
            return value;
        }
        values.push(fresh.clone());
        fresh
    }

    pub fn objects(&self) -> &[StoredObject] {
        &self.objects
    }

    /// The kept objects whose kind is one of `kinds`.
    pub fn of_kind<'i>(&'i self, kinds: &'i [&str]) -> impl Iterator<Item = &'i StoredObject> + 'i {
        self.objects
            .iter()
            .filter(move |o| kinds.contains(&o.kind()))
    }

    pub fn len(&self) -> usize {
        self.objects.len()
    }

    pub fn is_empty(&self) -> bool {
        self.objects.is_empty()
    }

    /// Runs the inventory rules among `rules` and returns their findings.
    pub fn check(&self, rules: &[&'static RuleDef], options: ScanOptions) -> Vec<Finding> {
        let mut findings = Vec::new();
        for &rule in rules {
            if let crate::Check::Inventory { check, .. } = rule.check {
                let mut sink = InventorySink {
                    rule,
                    options,
                    findings: &mut findings,
                };
                check(self, &mut sink);
            }
        }
        findings
    }
}

/// Where an inventory rule puts its findings; each finding names the
/// stored object it is about.
#[derive(Debug)]
pub struct InventorySink<'s> {
    rule: &'static RuleDef,
    options: ScanOptions,
    findings: &'s mut Vec<Finding>,
}

impl InventorySink<'_> {
    pub fn options(&self) -> ScanOptions {
        self.options
    }

    /// Records a finding on `object` at `pos` on the field `path`, and
    /// returns it so the caller can add details.
    pub fn report(
        &mut self,
        object: &StoredObject,
        pos: Pos,
        path: impl Into<String>,
        message: impl Into<String>,
    ) -> &mut Finding {
        let (rule, options) = (self.rule, self.options);
        let findings = &mut *self.findings;
        object.with_object(|view| {
            Sink::new(rule, view, options, findings).report(pos, path, message);
        });
        let finding = self.findings.last_mut().expect("a finding was just pushed");
        // A kept line emptied by `hide_lines` showed a secret; the others are
        // read on their own like every quoted line.
        finding.source_line.take_if(|line| line.is_empty());
        crate::redact::screen_quote(finding, &[]);
        finding
    }
}
