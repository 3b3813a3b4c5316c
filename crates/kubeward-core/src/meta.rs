//! The labels and kubeward annotations of objects, kept after their file
//! was scanned so that exceptions can match findings by label and honour
//! the per-object `kubeward.dev/ignore` annotation.
//!
//! A scan keeps them only for objects that have findings or carry a
//! `kubeward.dev/` annotation, so memory grows with the findings and not
//! with the input.

use std::sync::Arc;

use kubeward_yaml::Pos;

use crate::{Object, ObjectRef};

/// Prefix of the annotations kubeward reads on objects.
pub const ANNOTATION_PREFIX: &str = "kubeward.dev/";

/// An annotation whose key starts with [`ANNOTATION_PREFIX`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct KubewardAnnotation {
    pub key: String,
    /// The value as text; scalars that are not strings in their JSON form.
    pub value: String,
    /// Position of the value.
    pub pos: Pos,
}

/// The metadata of one object that exceptions read.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ObjectMeta {
    /// Path of the file the object was read from.
    pub file: Arc<str>,
    pub reference: ObjectRef,
    /// Line of the object's first field, to tell apart objects of one file
    /// that have the same reference.
    pub line: u32,
    /// `metadata.labels` entries whose value is a scalar, in source order.
    pub labels: Vec<(String, String)>,
    /// `metadata.annotations` entries under [`ANNOTATION_PREFIX`].
    pub annotations: Vec<KubewardAnnotation>,
}

impl ObjectMeta {
    /// Copies the labels and kubeward annotations of `object`.
    pub fn capture(object: &Object<'_, '_>) -> Self {
        let metadata = object.root.get("metadata");
        let mut labels = Vec::new();
        if let Some(map) = metadata.and_then(|m| m.get("labels")) {
            for entry in map.entries() {
                let (Some(key), Some(value)) = (entry.key_str(), entry.value.scalar_text()) else {
                    continue;
                };
                labels.push((key.into_owned(), value.into_owned()));
            }
        }
        let mut annotations = Vec::new();
        if let Some(map) = metadata.and_then(|m| m.get("annotations")) {
            for entry in map.entries() {
                let Some(key) = entry.key_str() else {
                    continue;
                };
                if !key.starts_with(ANNOTATION_PREFIX) {
                    continue;
                }
                let Some(value) = entry.value.scalar_text() else {
                    continue;
                };
                annotations.push(KubewardAnnotation {
                    key: key.into_owned(),
                    value: value.into_owned(),
                    pos: entry.value.pos(),
                });
            }
        }
        ObjectMeta {
            file: object.source.file.clone(),
            reference: object.reference.clone(),
            line: object.root.pos().line,
            labels,
            annotations,
        }
    }

    /// Returns whether `object` has an annotation under [`ANNOTATION_PREFIX`].
    pub fn is_annotated(object: &Object<'_, '_>) -> bool {
        object
            .root
            .path(&["metadata", "annotations"])
            .is_some_and(|map| {
                map.entries().iter().any(|entry| {
                    entry
                        .key_str()
                        .is_some_and(|key| key.starts_with(ANNOTATION_PREFIX))
                })
            })
    }

    /// The value of the annotation `key`, if the object has it.
    pub fn annotation(&self, key: &str) -> Option<&KubewardAnnotation> {
        self.annotations.iter().find(|a| a.key == key)
    }

    /// The value of the label `key`, if the object has it.
    pub fn label(&self, key: &str) -> Option<&str> {
        self.labels
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.as_str())
    }
}
