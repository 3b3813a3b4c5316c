//! OCI image layout directories (`oci-layout`, `index.json`,
//! `blobs/<algorithm>/<hex>`) as an image source for sites without
//! registry access.
//!
//! Three ways of laying out signed images are understood:
//!
//! - `cosign save --dir`: one image per layout, whose `index.json` marks
//!   the image, its signatures and its attestations with the annotation
//!   `kind` set to `dev.cosignproject.cosign/image` (or `imageIndex`),
//!   `dev.cosignproject.cosign/sigs` and `dev.cosignproject.cosign/atts`;
//! - a registry mirrored into a layout (`skopeo`, `oras`, `crane`), whose
//!   entries carry `org.opencontainers.image.ref.name` with a tag such as
//!   `sha256-<hex>.sig`, or a whole reference ending in one;
//! - OCI 1.1 referrers (sigstore bundles): manifests listed in the index
//!   whose `subject` is the image.
//!
//! Images are found by digest, or by a `ref.name` equal to the whole
//! reference as written or normalised; a bare tag is not enough, because
//! two repositories may both have `1.0`. Pin images to digests to verify
//! them from a layout.

use std::fs;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use kubeward_core::image::ImageRef;
use serde::Deserialize;

use super::{Descriptor, MAX_BLOB_BYTES, SourceError, parse_manifest, sha256_digest};

/// Annotation that names a layout entry.
const REF_NAME: &str = "org.opencontainers.image.ref.name";
/// Annotation `cosign save` marks its entries with.
const COSIGN_KIND: &str = "kind";
const COSIGN_IMAGE: &str = "dev.cosignproject.cosign/image";
const COSIGN_IMAGE_INDEX: &str = "dev.cosignproject.cosign/imageIndex";
const COSIGN_SIGNATURES: &str = "dev.cosignproject.cosign/sigs";
const COSIGN_ATTESTATIONS: &str = "dev.cosignproject.cosign/atts";
/// Largest `index.json` read.
const MAX_INDEX_BYTES: u64 = 16 * 1024 * 1024;
/// Largest manifest read while looking for referrers; manifests list
/// descriptors only, so real ones are a few kilobytes.
const MAX_REFERRER_MANIFEST_BYTES: u64 = 4 * 1024 * 1024;

/// Why a layout directory cannot be used.
#[derive(Debug, thiserror::Error)]
pub enum LayoutError {
    /// The message includes the IO error, which is therefore not also
    /// given as the error's source: a chain would print it twice.
    #[error("cannot read {path}: {error}")]
    Io {
        path: PathBuf,
        error: std::io::Error,
    },
    #[error("{path} is not an OCI image layout: {message}")]
    Invalid { path: PathBuf, message: String },
}

/// One layout directory and its index.
#[derive(Debug)]
struct Layout {
    dir: PathBuf,
    entries: Vec<Descriptor>,
}

/// Every layout directory given, searched in order.
#[derive(Debug)]
pub struct LayoutSource {
    layouts: Vec<Layout>,
    /// Every index entry that refers to another manifest, with that
    /// manifest's digest, read on the first referrers lookup.
    referrers: OnceLock<Vec<(String, Descriptor)>>,
}

#[derive(Deserialize)]
struct Index {
    #[serde(default)]
    manifests: Vec<Descriptor>,
}

impl LayoutSource {
    /// Opens layout directories. A directory without an `oci-layout` file
    /// is searched one level down for layouts, so a folder of
    /// `cosign save` outputs works as one source.
    pub fn open(dirs: &[PathBuf]) -> Result<Self, LayoutError> {
        let mut layouts = Vec::new();
        for dir in dirs {
            if dir.join("oci-layout").is_file() {
                layouts.push(Layout::open(dir)?);
                continue;
            }
            let children = fs::read_dir(dir).map_err(|error| LayoutError::Io {
                path: dir.clone(),
                error,
            })?;
            let mut found: Vec<PathBuf> = children
                .filter_map(Result::ok)
                .map(|entry| entry.path())
                .filter(|path| path.join("oci-layout").is_file())
                .collect();
            if found.is_empty() {
                return Err(LayoutError::Invalid {
                    path: dir.clone(),
                    message: "no oci-layout file in it or in its subdirectories".to_owned(),
                });
            }
            found.sort();
            for path in found {
                layouts.push(Layout::open(&path)?);
            }
        }
        Ok(LayoutSource {
            layouts,
            referrers: OnceLock::new(),
        })
    }

    pub(super) fn resolve(
        &self,
        image: &ImageRef<'_>,
        reference: &str,
    ) -> Result<String, SourceError> {
        if reference.contains(':') {
            return if self.find_blob(reference).is_some() {
                Ok(reference.to_owned())
            } else {
                Err(SourceError::NotFound(format!(
                    "manifest {reference} not found in the image layouts"
                )))
            };
        }
        let names = reference_names(image, reference);
        self.layouts
            .iter()
            .flat_map(|layout| &layout.entries)
            .find(|entry| {
                entry
                    .annotations
                    .get(REF_NAME)
                    .is_some_and(|name| names.contains(name))
            })
            .map(|entry| entry.digest.clone())
            .ok_or_else(|| {
                SourceError::NotFound(format!(
                    "{} not found in the image layouts (images are found by digest or by \
                     a full org.opencontainers.image.ref.name)",
                    names[0]
                ))
            })
    }

    pub(super) fn manifest(
        &self,
        image: &ImageRef<'_>,
        reference: &str,
    ) -> Result<Option<(Vec<u8>, String)>, SourceError> {
        let digest = if reference.contains(':') {
            Some(reference.to_owned())
        } else {
            self.tagged(image, reference)
        };
        let Some(digest) = digest else {
            return Ok(None);
        };
        let Some(path) = self.find_blob(&digest) else {
            return Ok(None);
        };
        let bytes = read_limited(&path, MAX_BLOB_BYTES)?;
        let actual = sha256_digest(&bytes);
        if actual != digest {
            return Err(SourceError::DigestMismatch {
                expected: digest,
                actual,
            });
        }
        Ok(Some((bytes, digest)))
    }

    pub(super) fn blob(&self, digest: &str) -> Result<Vec<u8>, SourceError> {
        let path = self.find_blob(digest).ok_or_else(|| {
            SourceError::NotFound(format!("blob {digest} not found in the image layouts"))
        })?;
        read_limited(&path, MAX_BLOB_BYTES)
    }

    /// Lists the manifests of the layouts' indexes whose `subject` is the
    /// image with `digest`, as a registry's referrers API does.
    pub(super) fn referrers(&self, digest: &str) -> Vec<Descriptor> {
        self.referrers
            .get_or_init(|| self.read_referrers())
            .iter()
            .filter(|(subject, _)| subject == digest)
            .map(|(_, referrer)| referrer.clone())
            .collect()
    }

    /// Reads every index entry's manifest and keeps those with a `subject`.
    /// Entries that cannot be read are skipped, so the signatures they
    /// might contain are reported as missing, never as valid.
    fn read_referrers(&self) -> Vec<(String, Descriptor)> {
        let mut found = Vec::new();
        for entry in self.layouts.iter().flat_map(|layout| &layout.entries) {
            if entry.size > MAX_REFERRER_MANIFEST_BYTES {
                continue;
            }
            let Some(path) = self.find_blob(&entry.digest) else {
                continue;
            };
            let Ok(bytes) = read_limited(&path, MAX_REFERRER_MANIFEST_BYTES) else {
                continue;
            };
            if sha256_digest(&bytes) != entry.digest {
                continue;
            }
            let Ok(manifest) = parse_manifest(&bytes, &entry.digest) else {
                continue;
            };
            let Some(subject) = manifest.subject else {
                continue;
            };
            let referrer = Descriptor {
                artifact_type: manifest
                    .artifact_type
                    .or_else(|| entry.artifact_type.clone()),
                annotations: manifest.annotations,
                ..entry.clone()
            };
            found.push((subject.digest, referrer));
        }
        found
    }

    /// The digest of the manifest a tag of the image names: an entry whose
    /// `ref.name` is the tag in the image's repository, or, for cosign's
    /// `.sig` and `.att` tags, the signatures or attestations `cosign save`
    /// stored beside the image they belong to.
    fn tagged(&self, image: &ImageRef<'_>, tag: &str) -> Option<String> {
        let names = reference_names(image, tag);
        let by_name =
            self.layouts
                .iter()
                .flat_map(|layout| &layout.entries)
                .find(|entry| {
                    entry.annotations.get(REF_NAME).is_some_and(|name| {
                        names.contains(name) || (is_cosign_tag(tag) && name == tag)
                    })
                });
        if let Some(entry) = by_name {
            return Some(entry.digest.clone());
        }
        let (subject, kind) = cosign_tag_subject(tag)?;
        self.layouts
            .iter()
            .filter(|layout| layout.holds_image(&subject))
            .flat_map(|layout| &layout.entries)
            .find(|entry| entry.annotations.get(COSIGN_KIND).map(String::as_str) == Some(kind))
            .map(|entry| entry.digest.clone())
    }

    fn find_blob(&self, digest: &str) -> Option<PathBuf> {
        let (algorithm, hex) = digest.split_once(':')?;
        if !hex.bytes().all(|b| b.is_ascii_hexdigit()) || algorithm.contains(['/', '.']) {
            return None;
        }
        self.layouts
            .iter()
            .map(|layout| layout.dir.join("blobs").join(algorithm).join(hex))
            .find(|path| path.is_file())
    }
}

impl Layout {
    fn open(dir: &Path) -> Result<Self, LayoutError> {
        let index_path = dir.join("index.json");
        let bytes = read_limited(&index_path, MAX_INDEX_BYTES).map_err(|error| match error {
            SourceError::Layout(error) => error,
            other => LayoutError::Invalid {
                path: index_path.clone(),
                message: other.to_string(),
            },
        })?;
        let index: Index =
            serde_json::from_slice(&bytes).map_err(|error| LayoutError::Invalid {
                path: index_path.clone(),
                message: error.to_string(),
            })?;
        Ok(Layout {
            dir: dir.to_path_buf(),
            entries: index.manifests,
        })
    }

    /// Whether this layout is the `cosign save` output of the image with
    /// `digest`.
    fn holds_image(&self, digest: &str) -> bool {
        self.entries.iter().any(|entry| {
            entry.digest == digest
                && matches!(
                    entry.annotations.get(COSIGN_KIND).map(String::as_str),
                    Some(COSIGN_IMAGE | COSIGN_IMAGE_INDEX)
                )
        })
    }
}

/// The `ref.name` values that name `tag` in the image's repository: the
/// repository as written and normalised, each with the tag.
fn reference_names(image: &ImageRef<'_>, tag: &str) -> Vec<String> {
    let written = match image.domain {
        Some(domain) => format!("{domain}/{}", image.path),
        None => image.path.to_owned(),
    };
    let mut names = vec![format!("{}:{tag}", image.normalized_name())];
    let written = format!("{written}:{tag}");
    if !names.contains(&written) {
        names.push(written);
    }
    names
}

/// Whether a tag is one of cosign's `sha256-<hex>.sig` or `.att` tags,
/// which name their image by digest and so are safe to match bare.
fn is_cosign_tag(tag: &str) -> bool {
    cosign_tag_subject(tag).is_some()
}

/// The image digest and `cosign save` kind a cosign tag stands for.
fn cosign_tag_subject(tag: &str) -> Option<(String, &'static str)> {
    let (digest, kind) = if let Some(rest) = tag.strip_suffix(".sig") {
        (rest, COSIGN_SIGNATURES)
    } else {
        (tag.strip_suffix(".att")?, COSIGN_ATTESTATIONS)
    };
    let hex = digest.strip_prefix("sha256-")?;
    (hex.len() == 64 && hex.bytes().all(|b| b.is_ascii_hexdigit()))
        .then(|| (format!("sha256:{hex}"), kind))
}

fn read_limited(path: &Path, max: u64) -> Result<Vec<u8>, SourceError> {
    let io_error = |error| LayoutError::Io {
        path: path.to_path_buf(),
        error,
    };
    let size = fs::metadata(path).map_err(io_error)?.len();
    if size > max {
        return Err(SourceError::TooLarge {
            digest: path.display().to_string(),
            size,
        });
    }
    Ok(fs::read(path).map_err(io_error)?)
}

/// The annotations of a layout entry, for tests.
#[cfg(test)]
fn annotations(pairs: &[(&str, &str)]) -> std::collections::BTreeMap<String, String> {
    pairs
        .iter()
        .map(|(key, value)| ((*key).to_owned(), (*value).to_owned()))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    const HEX: &str = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";

    #[test]
    fn cosign_tags() {
        let sig = format!("sha256-{HEX}.sig");
        assert_eq!(
            cosign_tag_subject(&sig),
            Some((format!("sha256:{HEX}"), COSIGN_SIGNATURES))
        );
        let att = format!("sha256-{HEX}.att");
        assert_eq!(
            cosign_tag_subject(&att),
            Some((format!("sha256:{HEX}"), COSIGN_ATTESTATIONS))
        );
        assert_eq!(cosign_tag_subject("1.0.sig"), None);
        assert_eq!(cosign_tag_subject("latest"), None);
    }

    #[test]
    fn names_of_a_tag() {
        let image = ImageRef::parse("nginx:1.27").expect("valid");
        assert_eq!(
            reference_names(&image, "1.27"),
            ["docker.io/library/nginx:1.27", "nginx:1.27"]
        );
        let image = ImageRef::parse("registry.example.com/app").expect("valid");
        assert_eq!(
            reference_names(&image, "v1"),
            ["registry.example.com/app:v1"]
        );
    }

    #[test]
    fn cosign_save_entries() {
        let image_digest = format!("sha256:{HEX}");
        let layout = Layout {
            dir: PathBuf::from("/nonexistent"),
            entries: vec![
                Descriptor {
                    digest: image_digest.clone(),
                    annotations: annotations(&[(COSIGN_KIND, COSIGN_IMAGE)]),
                    ..Descriptor::default()
                },
                Descriptor {
                    digest: "sha256:5151".to_owned(),
                    annotations: annotations(&[(COSIGN_KIND, COSIGN_SIGNATURES)]),
                    ..Descriptor::default()
                },
            ],
        };
        let source = LayoutSource {
            layouts: vec![layout],
            referrers: OnceLock::new(),
        };
        let image = ImageRef::parse("registry.example.com/app").expect("valid");
        assert_eq!(
            source.tagged(&image, &format!("sha256-{HEX}.sig")),
            Some("sha256:5151".to_owned())
        );
        assert_eq!(source.tagged(&image, &format!("sha256-{HEX}.att")), None);
        let other = "f".repeat(64);
        assert_eq!(source.tagged(&image, &format!("sha256-{other}.sig")), None);
    }
}
