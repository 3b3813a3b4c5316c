//! Where images, signatures and attestations are read from: an OCI
//! registry over the distribution API, or OCI image layout directories on
//! disk for sites without registry access.

mod layout;
mod registry;

use std::collections::BTreeMap;

use kubeward_core::image::ImageRef;
use serde::Deserialize;
use sha2::{Digest, Sha256};

pub use layout::{LayoutError, LayoutSource};
pub use registry::{RegistryOptions, RegistrySetupError, RegistrySource};

use crate::bundle::hex;

/// Largest blob kubeward reads: SBOMs of large images run to tens of
/// megabytes, signatures to a few hundred bytes.
pub const MAX_BLOB_BYTES: u64 = 128 * 1024 * 1024;

/// Manifest media types kubeward asks registries for.
pub(crate) const MANIFEST_MEDIA_TYPES: [&str; 4] = [
    "application/vnd.oci.image.manifest.v1+json",
    "application/vnd.oci.image.index.v1+json",
    "application/vnd.docker.distribution.manifest.v2+json",
    "application/vnd.docker.distribution.manifest.list.v2+json",
];

/// A content descriptor, as manifests and indexes list them.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Descriptor {
    #[serde(default)]
    pub media_type: String,
    pub digest: String,
    #[serde(default)]
    pub size: u64,
    #[serde(default)]
    pub annotations: BTreeMap<String, String>,
    #[serde(default)]
    pub artifact_type: Option<String>,
}

/// The fields of an image manifest or index that verification reads.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Manifest {
    #[serde(default)]
    pub media_type: Option<String>,
    #[serde(default)]
    pub artifact_type: Option<String>,
    #[serde(default)]
    pub layers: Vec<Descriptor>,
    /// The entries of an index.
    #[serde(default)]
    pub manifests: Vec<Descriptor>,
    #[serde(default)]
    pub annotations: BTreeMap<String, String>,
    /// The manifest this one refers to (OCI 1.1), such as the image a
    /// signature or SBOM belongs to.
    #[serde(default)]
    pub subject: Option<Descriptor>,
}

/// Why something could not be read from a source.
#[derive(Debug, thiserror::Error)]
pub enum SourceError {
    #[error("{0}")]
    Registry(String),
    /// What was looked for and where, phrased as a sentence: "X not found
    /// in Y".
    #[error("{0}")]
    NotFound(String),
    #[error(transparent)]
    Layout(#[from] LayoutError),
    #[error("blob {digest} is {size} bytes, more than the {MAX_BLOB_BYTES} bytes kubeward reads")]
    TooLarge { digest: String, size: u64 },
    #[error("content of {expected} has the digest {actual}; the source returned other bytes")]
    DigestMismatch { expected: String, actual: String },
    #[error("invalid manifest {reference}: {message}")]
    InvalidManifest { reference: String, message: String },
    #[error("unsupported digest algorithm in {0}; kubeward checks sha256 digests")]
    UnsupportedDigest(String),
    #[error("timed out after {0} seconds")]
    Timeout(u64),
}

/// A source of images.
#[derive(Debug)]
pub enum Source {
    Registry(RegistrySource),
    Layouts(LayoutSource),
}

impl Source {
    /// The digest the image's reference resolves to: its tag's current
    /// digest, or the digest it names, which must exist.
    pub async fn resolve(
        &self,
        image: &ImageRef<'_>,
        reference: &str,
    ) -> Result<String, SourceError> {
        match self {
            Source::Registry(registry) => registry.resolve(image, reference).await,
            Source::Layouts(layouts) => layouts.resolve(image, reference),
        }
    }

    /// The manifest at a tag or digest of the image's repository, and its
    /// digest, or `None` when there is none.
    pub async fn manifest(
        &self,
        image: &ImageRef<'_>,
        reference: &str,
    ) -> Result<Option<(Manifest, String)>, SourceError> {
        let raw = match self {
            Source::Registry(registry) => registry.manifest(image, reference).await?,
            Source::Layouts(layouts) => layouts.manifest(image, reference)?,
        };
        raw.map(|(bytes, digest)| {
            parse_manifest(&bytes, reference).map(|manifest| (manifest, digest))
        })
        .transpose()
    }

    /// A blob of the image's repository, checked against its digest.
    pub async fn blob(
        &self,
        image: &ImageRef<'_>,
        descriptor: &Descriptor,
    ) -> Result<Vec<u8>, SourceError> {
        if descriptor.size > MAX_BLOB_BYTES {
            return Err(SourceError::TooLarge {
                digest: descriptor.digest.clone(),
                size: descriptor.size,
            });
        }
        let bytes = match self {
            Source::Registry(registry) => registry.blob(image, &descriptor.digest).await?,
            Source::Layouts(layouts) => layouts.blob(&descriptor.digest)?,
        };
        check_digest(&descriptor.digest, &bytes)?;
        Ok(bytes)
    }

    /// The manifests that refer to the image with `digest` (OCI 1.1
    /// referrers), through the referrers API or its tag fallback.
    pub async fn referrers(
        &self,
        image: &ImageRef<'_>,
        digest: &str,
    ) -> Result<Vec<Descriptor>, SourceError> {
        match self {
            Source::Registry(registry) => registry.referrers(image, digest).await,
            Source::Layouts(layouts) => Ok(layouts.referrers(digest)),
        }
    }
}

pub(crate) fn parse_manifest(bytes: &[u8], reference: &str) -> Result<Manifest, SourceError> {
    serde_json::from_slice(bytes).map_err(|error| SourceError::InvalidManifest {
        reference: reference.to_owned(),
        message: error.to_string(),
    })
}

/// `sha256:<hex>` of `bytes`.
pub(crate) fn sha256_digest(bytes: &[u8]) -> String {
    format!("sha256:{}", hex(&Sha256::digest(bytes)))
}

/// Checks that `bytes` have the sha256 digest `expected`.
pub(crate) fn check_digest(expected: &str, bytes: &[u8]) -> Result<(), SourceError> {
    if !expected.starts_with("sha256:") {
        return Err(SourceError::UnsupportedDigest(expected.to_owned()));
    }
    let actual = sha256_digest(bytes);
    if actual == expected {
        Ok(())
    } else {
        Err(SourceError::DigestMismatch {
            expected: expected.to_owned(),
            actual,
        })
    }
}
