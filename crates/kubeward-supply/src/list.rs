//! The images of a set of manifests: every `image` of every container of
//! every pod spec owner, grouped by reference, with where each is used.

use std::collections::BTreeMap;

use kubeward_core::image::{ImageRef, Pin};
use kubeward_core::{ContainerKind, Inventory, ObjectRef, PodSpec};
use serde::Serialize;

/// The kinds whose objects carry containers, for the scan to keep.
pub const IMAGE_OWNER_KINDS: [&str; 9] = [
    "Pod",
    "PodTemplate",
    "ReplicationController",
    "Deployment",
    "ReplicaSet",
    "StatefulSet",
    "DaemonSet",
    "Job",
    "CronJob",
];

/// One container that uses an image.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ImageUse {
    pub file: String,
    pub line: u32,
    pub column: u32,
    pub object: ObjectRef,
    pub container: String,
    pub container_kind: ContainerKind,
    /// Field path of the `image`, such as
    /// `spec.template.spec.containers[0].image`.
    pub path: String,
}

impl ImageUse {
    /// `file:line Kind/namespace/name container`, for tables.
    pub fn describe(&self) -> String {
        format!(
            "{}:{} {} {}",
            self.file,
            self.line,
            self.object.display_name(),
            self.container
        )
    }
}

/// An image reference as written, what it names, and where it is used.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ImageEntry {
    /// The reference as written in the manifests.
    pub image: String,
    /// `registry/repository`, normalised as the kubelet does; `None` for
    /// an invalid reference.
    pub name: Option<String>,
    pub registry: Option<String>,
    pub repository: Option<String>,
    pub tag: Option<String>,
    pub digest: Option<String>,
    /// `digest`, `tag` or `latest`; `None` for an invalid reference.
    pub pin: Option<&'static str>,
    /// Why the reference is invalid.
    pub error: Option<String>,
    pub used_by: Vec<ImageUse>,
}

impl ImageEntry {
    fn new(image: &str) -> Self {
        let mut entry = ImageEntry {
            image: kubeward_core::image::mask_credentials(image)
                .unwrap_or_else(|| image.to_owned()),
            name: None,
            registry: None,
            repository: None,
            tag: None,
            digest: None,
            pin: None,
            error: None,
            used_by: Vec::new(),
        };
        match ImageRef::parse(image) {
            Ok(reference) => {
                entry.name = Some(reference.normalized_name());
                entry.registry = Some(reference.registry().to_owned());
                entry.repository = Some(reference.repository());
                entry.tag = reference.tag.map(str::to_owned);
                entry.digest = reference.digest.map(str::to_owned);
                entry.pin = Some(reference.pin().as_str());
            }
            Err(error) => entry.error = Some(error.to_string()),
        }
        entry
    }

    /// Whether the reference is pinned to a digest.
    pub fn is_pinned(&self) -> bool {
        self.pin == Some(Pin::Digest.as_str())
    }
}

/// Collects the images of the inventory's pod spec owners, sorted by
/// reference, each with its uses in file and line order.
pub fn collect(inventory: &Inventory) -> Vec<ImageEntry> {
    let mut images: BTreeMap<String, ImageEntry> = BTreeMap::new();
    for stored in inventory.of_kind(&IMAGE_OWNER_KINDS) {
        stored.with_object(|object| {
            let Some(pod) = PodSpec::of(object) else {
                return;
            };
            for container in pod.containers() {
                let Some(entry) = container.node.entry("image") else {
                    continue;
                };
                let Some(image) = entry.value.as_str() else {
                    continue;
                };
                let pos = entry.key.pos();
                images
                    .entry(image.to_owned())
                    .or_insert_with(|| ImageEntry::new(image))
                    .used_by
                    .push(ImageUse {
                        file: object.source.file.to_string(),
                        line: pos.line,
                        column: pos.col,
                        object: object.reference.clone(),
                        container: container.name().to_owned(),
                        container_kind: container.kind,
                        path: container.path("image"),
                    });
            }
        });
    }
    images.into_values().collect()
}

/// Entries for images given by reference rather than found in manifests.
pub fn from_references(references: &[String]) -> Vec<ImageEntry> {
    let mut entries: Vec<ImageEntry> = references.iter().map(|r| ImageEntry::new(r)).collect();
    entries.sort_by(|a, b| a.image.cmp(&b.image));
    entries.dedup_by(|a, b| a.image == b.image);
    entries
}

/// Adds entries, merging the uses of references already present.
pub fn merge(into: &mut Vec<ImageEntry>, more: Vec<ImageEntry>) {
    for entry in more {
        if let Some(existing) = into.iter_mut().find(|e| e.image == entry.image) {
            existing.used_by.extend(entry.used_by);
        } else {
            into.push(entry);
        }
    }
    into.sort_by(|a, b| a.image.cmp(&b.image));
}
