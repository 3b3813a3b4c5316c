use std::sync::{Arc, OnceLock};

use kubeward_yaml::{NodeRef, Pos};

use crate::{MAX_QUOTED_LINE, ObjectRef};

/// The text a document was parsed from, to quote source lines in findings.
#[derive(Clone, Debug)]
pub struct Source<'a> {
    /// Path of the file as given on the command line, or `-` for stdin.
    pub file: Arc<str>,
    /// The part of the file the document was parsed from.
    pub text: &'a str,
    /// 1-based line of `text`'s first line in the file.
    pub first_line: u32,
    /// Byte offset of each line of `text`, built on the first quote so
    /// that many findings in one large document cost one pass.
    line_starts: OnceLock<Vec<usize>>,
}

impl<'a> Source<'a> {
    pub fn new(file: Arc<str>, text: &'a str, first_line: u32) -> Self {
        Source {
            file,
            text,
            first_line,
            line_starts: OnceLock::new(),
        }
    }

    /// Returns the text of a 1-based line of the file for a finding to quote:
    /// `None` when the line is longer than [`MAX_QUOTED_LINE`] bytes or
    /// lies outside this source. The scan drops quotes of lines that may
    /// show a secret value once the document's findings are made.
    pub fn quotable_line(&self, line: u32) -> Option<&'a str> {
        self.line_text(line)
            .filter(|text| text.len() <= MAX_QUOTED_LINE)
    }

    /// The text of a 1-based line of the file, without its line break, if
    /// the line lies in this source.
    pub fn line_text(&self, line: u32) -> Option<&'a str> {
        let text = self.lines_text(line, line)?;
        Some(text.strip_suffix('\r').unwrap_or(text))
    }

    /// Returns the text of the 1-based lines `first` to `last` of the file,
    /// with the line breaks between them as written and without the last
    /// one, or `None` when a line lies outside this source.
    pub fn lines_text(&self, first: u32, last: u32) -> Option<&'a str> {
        let first = first.checked_sub(self.first_line)? as usize;
        let last = last.checked_sub(self.first_line)? as usize;
        let starts = self.line_starts.get_or_init(|| {
            let breaks = self.text.match_indices('\n').map(|(i, _)| i + 1);
            std::iter::once(0).chain(breaks).collect()
        });
        let start = *starts.get(first)?;
        starts.get(last)?;
        let end = starts
            .get(last + 1)
            .map_or(self.text.len(), |next| next - 1);
        self.text.get(start..end.max(start))
    }
}

/// One Kubernetes object: a mapping with `apiVersion` and `kind`.
#[derive(Clone, Debug)]
pub struct Object<'d, 'a> {
    pub source: &'d Source<'a>,
    pub root: NodeRef<'d, 'a>,
    pub reference: ObjectRef,
    /// `reference` as findings share it, made on the first finding.
    shared: OnceLock<Arc<ObjectRef>>,
}

impl<'d, 'a> Object<'d, 'a> {
    /// Reads a node as an object. Returns `None` when the node is not a
    /// mapping with string `apiVersion` and `kind`.
    pub fn new(source: &'d Source<'a>, root: NodeRef<'d, 'a>) -> Option<Self> {
        let api_version = root.get_str("apiVersion")?;
        let kind = root.get_str("kind")?;
        let metadata = root.get("metadata");
        let text = |key: &str| metadata.and_then(|m| m.get_str(key)).map(str::to_owned);
        Some(Object::with_reference(
            source,
            root,
            ObjectRef {
                api_version: api_version.to_owned(),
                kind: kind.to_owned(),
                namespace: text("namespace"),
                name: text("name").or_else(|| text("generateName")),
            },
        ))
    }

    /// Creates an object at `root` that `reference` names.
    pub fn with_reference(
        source: &'d Source<'a>,
        root: NodeRef<'d, 'a>,
        reference: ObjectRef,
    ) -> Self {
        Object {
            source,
            root,
            reference,
            shared: OnceLock::new(),
        }
    }

    /// Returns the object's reference as findings share it: one allocation
    /// per object, however many findings it has.
    pub fn shared_reference(&self) -> Arc<ObjectRef> {
        self.shared
            .get_or_init(|| Arc::new(self.reference.clone()))
            .clone()
    }

    pub fn kind(&self) -> &str {
        &self.reference.kind
    }

    /// The API group: `apps` for `apps/v1`, empty for the core group `v1`.
    pub fn api_group(&self) -> &str {
        match self.reference.api_version.rsplit_once('/') {
            Some((group, _)) => group,
            None => "",
        }
    }

    /// Whether this object is a list whose `items` are objects: a `List`,
    /// a typed list such as `PodList`, or any object with an `items`
    /// sequence, which is how `kubectl` recognizes a list (apimachinery's
    /// unstructured JSON decoder and `Unstructured.IsList`).
    pub fn is_list(&self) -> bool {
        self.root.get("items").is_some_and(|i| i.is_seq())
    }

    /// Whether the object's name and namespace are ones the API server
    /// accepts in type: `metadata`, when set, is a mapping, and its
    /// `name`, `generateName` and `namespace`, when set, are strings. An
    /// unquoted `namespace: n` is a YAML 1.1 boolean, which the API server
    /// rejects. Such an object has no namespace to place it in, so rules
    /// that read several objects must not see it.
    pub fn has_valid_identity(&self) -> bool {
        let Some(metadata) = self.root.get("metadata") else {
            return true;
        };
        if metadata.is_null() {
            return true;
        }
        metadata.is_map()
            && ["name", "generateName", "namespace"].iter().all(|key| {
                metadata
                    .get(key)
                    .is_none_or(|value| value.is_null() || value.as_str().is_some())
            })
    }

    /// `metadata.annotations[key]`, if set to a string.
    pub fn annotation(&self, key: &str) -> Option<&'d str> {
        self.root.path(&["metadata", "annotations"])?.get_str(key)
    }

    /// The position of `kind`, used when a finding has no closer field.
    pub fn pos(&self) -> Pos {
        self.root
            .entry("kind")
            .map_or_else(|| self.root.pos(), |entry| entry.key.pos())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_lines_by_file_number() {
        let source = Source::new(Arc::from("f.yaml"), "a: 1\r\nb: 2\nc: 3", 10);
        assert_eq!(source.line_text(10), Some("a: 1"));
        assert_eq!(source.line_text(12), Some("c: 3"));
        assert_eq!(source.lines_text(10, 11), Some("a: 1\r\nb: 2"));
        assert_eq!(source.lines_text(11, 12), Some("b: 2\nc: 3"));
        assert_eq!(source.line_text(9), None);
        assert_eq!(source.line_text(13), None);
        assert_eq!(source.lines_text(11, 13), None);
    }
}
