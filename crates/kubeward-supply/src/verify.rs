//! `kubeward images verify`: for each image, resolve its digest, find its
//! cosign signatures and attestations, and verify them with the user's
//! public key.
//!
//! Signatures are looked for at cosign's `sha256-<hex>.sig` tag and among
//! the image's OCI 1.1 referrers (sigstore bundles); attestations at
//! `sha256-<hex>.att` and among the same referrers. The image's verdict:
//!
//! | status | meaning |
//! |---|---|
//! | `signed` | a signature by the key names the image's digest |
//! | `digest-mismatch` | a signature by the key names another digest |
//! | `invalid-signature` | signatures exist, none verifies with the key |
//! | `unsigned` | no signatures at all |
//! | `invalid-reference` | the reference does not parse |
//! | `error` | the image or its signatures could not be read |
//!
//! Besides the status, each verdict lists the SBOM formats (SPDX,
//! CycloneDX) and whether SLSA provenance is attested by statements the
//! key signed about the image's digest.

use std::time::Duration;

use futures_util::StreamExt;
use kubeward_core::image::ImageRef;
use serde::Serialize;

use crate::bundle::{BUNDLE_MEDIA_TYPE_PREFIX, BundleContent, parse_bundle};
use crate::cosign::{
    CERTIFICATE_ANNOTATION, Envelope, Predicate, PublicKey, SIGNATURE_ANNOTATION, SbomFormat,
    decode_base64, parse_envelope, parse_simple_signing,
};
use crate::list::{ImageEntry, ImageUse};
use crate::source::{Descriptor, Source, SourceError};

/// Images verified at once.
const CONCURRENCY: usize = 4;
/// Longest time one image's checks may take.
const IMAGE_TIMEOUT: Duration = Duration::from_secs(180);
/// Layers of one signature or attestation manifest read at most.
const MAX_LAYERS: usize = 64;
/// Referrers of one image read at most.
const MAX_REFERRERS: usize = 64;

/// The signature verdict of one image.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum SignatureStatus {
    Signed,
    DigestMismatch,
    InvalidSignature,
    Unsigned,
    InvalidReference,
    Error,
}

impl SignatureStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            SignatureStatus::Signed => "signed",
            SignatureStatus::DigestMismatch => "digest-mismatch",
            SignatureStatus::InvalidSignature => "invalid-signature",
            SignatureStatus::Unsigned => "unsigned",
            SignatureStatus::InvalidReference => "invalid-reference",
            SignatureStatus::Error => "error",
        }
    }
}

/// Everything verification found out about one image.
#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Verdict {
    /// The reference as written.
    pub image: String,
    /// The digest the reference resolved to.
    pub digest: Option<String>,
    pub signature: SignatureStatus,
    /// SBOM formats attested by statements the key signed about the
    /// digest.
    pub sbom: Vec<SbomFormat>,
    /// Whether SLSA provenance is attested the same way.
    pub provenance: bool,
    /// Details: what else was found and why it did not count.
    pub notes: Vec<String>,
    /// Why the image could not be checked, for `error` and
    /// `invalid-reference`.
    pub error: Option<String>,
    pub used_by: Vec<ImageUse>,
}

impl Verdict {
    fn new(entry: &ImageEntry) -> Self {
        Verdict {
            image: entry.image.clone(),
            digest: None,
            signature: SignatureStatus::Unsigned,
            sbom: Vec::new(),
            provenance: false,
            notes: Vec::new(),
            error: None,
            used_by: entry.used_by.clone(),
        }
    }

    /// Whether the image is signed by the key and has an SBOM attestation.
    pub fn passes(&self) -> bool {
        self.signature == SignatureStatus::Signed && !self.sbom.is_empty()
    }

    fn fail(mut self, status: SignatureStatus, error: String) -> Self {
        self.signature = status;
        self.error = Some(error);
        self
    }
}

/// Verifies images from one source with one key.
#[derive(Debug)]
pub struct Verifier {
    source: Source,
    key: PublicKey,
}

/// One signature found, and what checking it showed.
struct FoundSignature {
    verified: bool,
    /// The digest the signed payload names.
    signed_digest: Option<String>,
    keyless: bool,
}

/// One attestation found, and what checking it showed.
struct FoundAttestation {
    verified: bool,
    envelope: Envelope,
}

impl Verifier {
    pub fn new(source: Source, key: PublicKey) -> Self {
        Verifier { source, key }
    }

    /// Verifies every image, a few at a time, on a runtime of its own.
    /// Verdicts come back in the order of `entries`.
    pub fn verify_blocking(&self, entries: &[ImageEntry]) -> std::io::Result<Vec<Verdict>> {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()?;
        Ok(runtime.block_on(self.verify_all(entries)))
    }

    /// Verifies every image, a few at a time.
    pub async fn verify_all(&self, entries: &[ImageEntry]) -> Vec<Verdict> {
        futures_util::stream::iter(entries)
            .map(|entry| self.verify_with_timeout(entry))
            .buffered(CONCURRENCY)
            .collect()
            .await
    }

    async fn verify_with_timeout(&self, entry: &ImageEntry) -> Verdict {
        match tokio::time::timeout(IMAGE_TIMEOUT, self.verify(entry)).await {
            Ok(verdict) => verdict,
            Err(_) => Verdict::new(entry).fail(
                SignatureStatus::Error,
                SourceError::Timeout(IMAGE_TIMEOUT.as_secs()).to_string(),
            ),
        }
    }

    /// Verifies one image.
    pub async fn verify(&self, entry: &ImageEntry) -> Verdict {
        let verdict = Verdict::new(entry);
        let image = match ImageRef::parse(&entry.image) {
            Ok(image) => image,
            Err(error) => {
                return verdict.fail(SignatureStatus::InvalidReference, error.to_string());
            }
        };
        match self.check(&image, verdict.clone()).await {
            Ok(verdict) => verdict,
            Err(error) => verdict.fail(SignatureStatus::Error, error.to_string()),
        }
    }

    async fn check(
        &self,
        image: &ImageRef<'_>,
        mut verdict: Verdict,
    ) -> Result<Verdict, SourceError> {
        let digest = self.resolve_digest(image, &mut verdict.notes).await?;
        if !digest.starts_with("sha256:") {
            return Err(SourceError::UnsupportedDigest(digest));
        }
        verdict.digest = Some(digest.clone());
        let tag_base = digest.replace(':', "-");

        let mut signatures = self
            .simple_signatures(image, &format!("{tag_base}.sig"), &mut verdict.notes)
            .await?;
        let mut attestations = self
            .attestations(image, &format!("{tag_base}.att"), &mut verdict.notes)
            .await?;
        self.bundles(
            image,
            &digest,
            &mut signatures,
            &mut attestations,
            &mut verdict.notes,
        )
        .await;

        verdict.signature = signature_status(&signatures, &digest, &mut verdict.notes);
        Self::judge_attestations(&attestations, &digest, &mut verdict);
        Ok(verdict)
    }

    /// The digest the image runs as: the one it names, checked to exist,
    /// or the one its tag points to now.
    async fn resolve_digest(
        &self,
        image: &ImageRef<'_>,
        notes: &mut Vec<String>,
    ) -> Result<String, SourceError> {
        let Some(pinned) = image.digest else {
            let tag = image.effective_tag().unwrap_or("latest");
            return self.source.resolve(image, tag).await;
        };
        let resolved = self.source.resolve(image, pinned).await?;
        if let Some(tag) = image.tag {
            // The kubelet ignores a tag beside a digest; a moved tag is
            // worth knowing, not a failure.
            match self.source.resolve(image, tag).await {
                Ok(current) if current != pinned => notes.push(format!(
                    "the tag {tag} now points to {current}, not to the pinned digest"
                )),
                Ok(_) => {}
                Err(error) => notes.push(format!("the tag {tag} could not be resolved: {error}")),
            }
        }
        Ok(resolved)
    }

    /// Signatures in cosign's simple signing format at `tag`.
    async fn simple_signatures(
        &self,
        image: &ImageRef<'_>,
        tag: &str,
        notes: &mut Vec<String>,
    ) -> Result<Vec<FoundSignature>, SourceError> {
        let Some((manifest, _)) = self.source.manifest(image, tag).await? else {
            return Ok(Vec::new());
        };
        let mut found = Vec::new();
        for layer in manifest.layers.iter().take(MAX_LAYERS) {
            let Some(signature) = layer.annotations.get(SIGNATURE_ANNOTATION) else {
                continue;
            };
            let keyless = layer.annotations.contains_key(CERTIFICATE_ANNOTATION);
            let payload = match self.source.blob(image, layer).await {
                Ok(payload) => payload,
                Err(error) => {
                    notes.push(format!("signature payload {}: {error}", layer.digest));
                    found.push(FoundSignature {
                        verified: false,
                        signed_digest: None,
                        keyless,
                    });
                    continue;
                }
            };
            let verified = decode_base64(signature)
                .is_some_and(|signature| self.key.verifies(&payload, &signature));
            let signed_digest = match parse_simple_signing(&payload) {
                Ok(signed) => Some(signed.manifest_digest),
                Err(error) => {
                    notes.push(format!("signature payload {}: {error}", layer.digest));
                    None
                }
            };
            found.push(FoundSignature {
                verified: verified && signed_digest.is_some(),
                signed_digest,
                keyless,
            });
        }
        Ok(found)
    }

    /// DSSE envelopes at `tag`.
    async fn attestations(
        &self,
        image: &ImageRef<'_>,
        tag: &str,
        notes: &mut Vec<String>,
    ) -> Result<Vec<FoundAttestation>, SourceError> {
        let Some((manifest, _)) = self.source.manifest(image, tag).await? else {
            return Ok(Vec::new());
        };
        let mut found = Vec::new();
        for layer in manifest.layers.iter().take(MAX_LAYERS) {
            let envelope = match self.source.blob(image, layer).await {
                Ok(bytes) => parse_envelope(&bytes),
                Err(error) => {
                    notes.push(format!("attestation {}: {error}", layer.digest));
                    continue;
                }
            };
            match envelope {
                Ok(envelope) => found.push(FoundAttestation {
                    verified: envelope.verifies_with(&self.key),
                    envelope,
                }),
                Err(error) => notes.push(format!("attestation {}: {error}", layer.digest)),
            }
        }
        Ok(found)
    }

    /// Sigstore bundles among the image's referrers. A registry without
    /// referrers support is not an error: the image has no bundles there.
    async fn bundles(
        &self,
        image: &ImageRef<'_>,
        digest: &str,
        signatures: &mut Vec<FoundSignature>,
        attestations: &mut Vec<FoundAttestation>,
        notes: &mut Vec<String>,
    ) {
        let referrers = match self.source.referrers(image, digest).await {
            Ok(referrers) => referrers,
            Err(error) => {
                notes.push(format!("referrers could not be listed: {error}"));
                return;
            }
        };
        let bundles = referrers.iter().filter(|referrer| {
            referrer
                .artifact_type
                .as_deref()
                .is_some_and(|kind| kind.starts_with(BUNDLE_MEDIA_TYPE_PREFIX))
        });
        for referrer in bundles.take(MAX_REFERRERS) {
            match self.bundle_layers(image, referrer).await {
                Ok(layers) => {
                    for bytes in layers {
                        self.add_bundle(&bytes, digest, signatures, attestations, notes);
                    }
                }
                Err(error) => notes.push(format!("bundle {}: {error}", referrer.digest)),
            }
        }
    }

    async fn bundle_layers(
        &self,
        image: &ImageRef<'_>,
        referrer: &Descriptor,
    ) -> Result<Vec<Vec<u8>>, SourceError> {
        let Some((manifest, _)) = self.source.manifest(image, &referrer.digest).await? else {
            return Err(SourceError::NotFound(format!(
                "manifest {} not found",
                referrer.digest
            )));
        };
        let mut layers = Vec::new();
        for layer in manifest
            .layers
            .iter()
            .filter(|layer| layer.media_type.starts_with(BUNDLE_MEDIA_TYPE_PREFIX))
            .take(MAX_LAYERS)
        {
            layers.push(self.source.blob(image, layer).await?);
        }
        Ok(layers)
    }

    fn add_bundle(
        &self,
        bytes: &[u8],
        digest: &str,
        signatures: &mut Vec<FoundSignature>,
        attestations: &mut Vec<FoundAttestation>,
        notes: &mut Vec<String>,
    ) {
        let bundle = match parse_bundle(bytes) {
            Ok(bundle) => bundle,
            Err(error) => {
                notes.push(format!("sigstore bundle: {error}"));
                return;
            }
        };
        let verified = bundle.content.verifies_with(&self.key);
        match bundle.content {
            BundleContent::MessageSignature { digest, .. } => signatures.push(FoundSignature {
                verified,
                signed_digest: Some(digest),
                keyless: bundle.keyless,
            }),
            BundleContent::Dsse(envelope) => match envelope.statement() {
                Ok(statement) if statement.predicate() == Predicate::Signature => {
                    let signed_digest = if statement.is_about(digest) {
                        Some(digest.to_owned())
                    } else {
                        statement.subject_digests.first().cloned()
                    };
                    signatures.push(FoundSignature {
                        verified,
                        signed_digest,
                        keyless: bundle.keyless,
                    });
                }
                Ok(_) => attestations.push(FoundAttestation { verified, envelope }),
                Err(error) => notes.push(format!("sigstore bundle: {error}")),
            },
        }
    }

    fn judge_attestations(attestations: &[FoundAttestation], digest: &str, verdict: &mut Verdict) {
        let mut unverified = 0;
        for attestation in attestations {
            if !attestation.verified {
                unverified += 1;
                continue;
            }
            let statement = match attestation.envelope.statement() {
                Ok(statement) => statement,
                Err(error) => {
                    verdict.notes.push(format!("attestation: {error}"));
                    continue;
                }
            };
            if !statement.is_about(digest) {
                verdict.notes.push(format!(
                    "a {} attestation signed by the key is about {}, not this image",
                    statement.predicate_type,
                    statement.subject_digests.join(", ")
                ));
                continue;
            }
            match statement.predicate() {
                Predicate::Sbom(format) if !verdict.sbom.contains(&format) => {
                    verdict.sbom.push(format);
                }
                Predicate::Provenance => verdict.provenance = true,
                _ => {}
            }
        }
        if unverified > 0 {
            verdict
                .notes
                .push(format!("{unverified} attestation(s) not signed by the key"));
        }
        verdict.sbom.sort();
    }
}

/// The signature verdict from every signature found.
fn signature_status(
    signatures: &[FoundSignature],
    digest: &str,
    notes: &mut Vec<String>,
) -> SignatureStatus {
    if signatures.is_empty() {
        return SignatureStatus::Unsigned;
    }
    let verified: Vec<&FoundSignature> = signatures.iter().filter(|s| s.verified).collect();
    if verified
        .iter()
        .any(|s| s.signed_digest.as_deref() == Some(digest))
    {
        return SignatureStatus::Signed;
    }
    if let Some(other) = verified.iter().find_map(|s| s.signed_digest.as_deref()) {
        notes.push(format!(
            "the signature by the key is over {other}, not over the image's digest"
        ));
        return SignatureStatus::DigestMismatch;
    }
    if signatures.iter().all(|s| s.keyless) {
        notes.push(
            "the signatures are keyless (certificate-based); --key verifies key-based signatures only"
                .to_owned(),
        );
    }
    notes.push(format!(
        "{} signature(s) found, none verifies with the key",
        signatures.len()
    ));
    SignatureStatus::InvalidSignature
}
