//! Sigstore bundles (`application/vnd.dev.sigstore.bundle.v0.3+json`),
//! which newer cosign attaches to an image as OCI 1.1 referrers.
//!
//! A bundle holds either a message signature, whose `messageDigest` is the
//! digest of the signed artifact (here the image manifest), or a DSSE
//! envelope of an in-toto statement. Its verification material is a public
//! key hint, or a certificate for keyless signing. Only the signature is
//! checked here, with the user's key: transparency log entries and
//! timestamps in the bundle are not verified.

use serde::Deserialize;

use crate::cosign::{Envelope, FormatError, PublicKey, RawEnvelope, decode_base64};

/// Media type and artifact type of a sigstore bundle.
pub const BUNDLE_MEDIA_TYPE_PREFIX: &str = "application/vnd.dev.sigstore.bundle";

/// What a bundle contains.
#[derive(Debug)]
pub enum BundleContent {
    /// A signature over the artifact with `digest` (`algorithm:hex`).
    MessageSignature {
        digest: String,
        signature: Vec<u8>,
    },
    Dsse(Envelope),
}

/// A decoded bundle.
#[derive(Debug)]
pub struct Bundle {
    pub content: BundleContent,
    /// Whether the verification material is a certificate (keyless
    /// signing) rather than a public key.
    pub keyless: bool,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct RawBundle {
    #[serde(default)]
    verification_material: Option<RawMaterial>,
    message_signature: Option<RawMessageSignature>,
    dsse_envelope: Option<RawEnvelope>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct RawMaterial {
    certificate: Option<serde_json::Value>,
    x509_certificate_chain: Option<serde_json::Value>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct RawMessageSignature {
    message_digest: RawDigest,
    signature: String,
}

#[derive(Deserialize)]
struct RawDigest {
    algorithm: String,
    digest: String,
}

/// Why a bundle cannot be read.
#[derive(Debug, thiserror::Error)]
pub enum BundleError {
    #[error(transparent)]
    Format(#[from] FormatError),
    #[error("the bundle has neither a message signature nor a DSSE envelope")]
    Empty,
    #[error("the bundle's message digest algorithm `{0}` is not SHA2_256")]
    Algorithm(String),
}

/// Reads a bundle's JSON.
pub fn parse_bundle(bytes: &[u8]) -> Result<Bundle, BundleError> {
    let raw: RawBundle = serde_json::from_slice(bytes).map_err(FormatError::from)?;
    let keyless = raw.verification_material.is_some_and(|material| {
        material.certificate.is_some() || material.x509_certificate_chain.is_some()
    });
    let content = if let Some(envelope) = raw.dsse_envelope {
        BundleContent::Dsse(envelope.decode()?)
    } else if let Some(message) = raw.message_signature {
        if message.message_digest.algorithm != "SHA2_256" {
            return Err(BundleError::Algorithm(message.message_digest.algorithm));
        }
        let digest = decode_base64(&message.message_digest.digest)
            .ok_or(FormatError::Base64("the message digest"))?;
        let signature =
            decode_base64(&message.signature).ok_or(FormatError::Base64("the signature"))?;
        BundleContent::MessageSignature {
            digest: format!("sha256:{}", hex(&digest)),
            signature,
        }
    } else {
        return Err(BundleError::Empty);
    };
    Ok(Bundle { content, keyless })
}

impl BundleContent {
    /// Whether the content's signature verifies with `key`.
    pub fn verifies_with(&self, key: &PublicKey) -> bool {
        match self {
            BundleContent::MessageSignature { digest, signature } => {
                let Some(bytes) = digest.strip_prefix("sha256:").and_then(unhex) else {
                    return false;
                };
                key.verifies_prehash(&bytes, signature)
            }
            BundleContent::Dsse(envelope) => envelope.verifies_with(key),
        }
    }
}

/// Lower-case hexadecimal.
pub(crate) fn hex(bytes: &[u8]) -> String {
    use std::fmt::Write;
    bytes.iter().fold(String::new(), |mut out, byte| {
        let _ = write!(out, "{byte:02x}");
        out
    })
}

/// Decodes lower- or upper-case hexadecimal.
pub(crate) fn unhex(text: &str) -> Option<Vec<u8>> {
    if text.len() % 2 != 0 {
        return None;
    }
    (0..text.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(text.get(i..i + 2)?, 16).ok())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hex_round_trip() {
        assert_eq!(hex(&[0, 15, 255]), "000fff");
        assert_eq!(unhex("000fff"), Some(vec![0, 15, 255]));
        assert_eq!(unhex("0g"), None);
        assert_eq!(unhex("abc"), None);
    }

    #[test]
    fn message_signature_bundle() {
        let json = br#"{"mediaType":"application/vnd.dev.sigstore.bundle.v0.3+json",
            "verificationMaterial":{"publicKey":{"hint":"abc"}},
            "messageSignature":{"messageDigest":{"algorithm":"SHA2_256","digest":"AAEC"},
            "signature":"MEUCIQ=="}}"#;
        let bundle = parse_bundle(json).expect("the bundle parses");
        assert!(!bundle.keyless);
        let BundleContent::MessageSignature { digest, .. } = bundle.content else {
            panic!("a message signature bundle");
        };
        assert_eq!(digest, "sha256:000102");
    }

    #[test]
    fn keyless_bundle_detected() {
        let json = br#"{"verificationMaterial":{"certificate":{"rawBytes":"AA=="}},
            "dsseEnvelope":{"payload":"e30=","payloadType":"application/vnd.in-toto+json",
            "signatures":[{"sig":"AA=="}]}}"#;
        let bundle = parse_bundle(json).expect("the bundle parses");
        assert!(bundle.keyless);
        assert!(matches!(bundle.content, BundleContent::Dsse(_)));
    }

    #[test]
    fn empty_bundle_rejected() {
        assert!(matches!(parse_bundle(b"{}"), Err(BundleError::Empty)));
    }
}
