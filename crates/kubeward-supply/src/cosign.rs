//! Cosign's key-based signature formats, decoded and verified without IO.
//!
//! - A signature of image digest `D` is an OCI manifest at the tag
//!   `sha256-<hex of D>.sig` in the image's repository. Each layer is a
//!   "simple signing" JSON payload (`critical.image.docker-manifest-digest`
//!   names the signed digest) with its ECDSA signature, base64 of ASN.1
//!   DER, in the annotation `dev.cosignproject.cosign/signature`. The
//!   signature covers the payload's bytes, hashed with SHA-256.
//! - An attestation is a layer of the manifest at `sha256-<hex>.att`: a DSSE
//!   envelope whose payload is an in-toto statement. Its signatures cover
//!   the DSSE pre-authentication encoding (PAE) of the payload type and
//!   payload.
//!
//! Keys are PEM "PUBLIC KEY" blocks of ECDSA P-256 keys, as
//! `cosign generate-key-pair` writes them.

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use p256::ecdsa::signature::Verifier;
use p256::ecdsa::signature::hazmat::PrehashVerifier;
use p256::ecdsa::{Signature, VerifyingKey};
use p256::pkcs8::DecodePublicKey;
use serde::Deserialize;

/// Annotation of a signature layer that holds the base64 signature.
pub const SIGNATURE_ANNOTATION: &str = "dev.cosignproject.cosign/signature";
/// Annotation of a keyless signature's signing certificate.
pub const CERTIFICATE_ANNOTATION: &str = "dev.sigstore.cosign/certificate";
/// `critical.type` of a cosign simple signing payload.
const SIMPLE_SIGNING_TYPE: &str = "cosign container image signature";
/// The DSSE payload type of in-toto statements.
pub const IN_TOTO_PAYLOAD_TYPE: &str = "application/vnd.in-toto+json";
/// Predicate type prefixes of SBOMs, as cosign's `--type spdx` and
/// `--type cyclonedx` write them; versioned variants share the prefix.
const SPDX_PREDICATE: &str = "https://spdx.dev/Document";
const CYCLONEDX_PREDICATE: &str = "https://cyclonedx.org/bom";
/// Predicate type prefix of SLSA provenance, every version.
const SLSA_PROVENANCE_PREDICATE: &str = "https://slsa.dev/provenance/";
/// Predicate type of the statements that newer cosign signs in place of a
/// simple signing payload when it stores a sigstore bundle.
pub const COSIGN_SIGN_PREDICATE: &str = "https://sigstore.dev/cosign/sign/v1";

/// Why a public key file cannot be used.
#[derive(Debug, thiserror::Error)]
pub enum KeyError {
    #[error(
        "{0}; kubeward verifies ECDSA P-256 keys in PEM, as `cosign generate-key-pair` \
         writes them"
    )]
    Unsupported(&'static str),
}

/// A cosign public key.
#[derive(Clone, Debug)]
pub struct PublicKey(VerifyingKey);

impl PublicKey {
    /// Reads a PEM-encoded SubjectPublicKeyInfo of a P-256 key.
    pub fn from_pem(pem: &str) -> Result<Self, KeyError> {
        let pem = pem.trim();
        if !pem.starts_with("-----BEGIN PUBLIC KEY-----") {
            return Err(KeyError::Unsupported(
                "the file does not start with a PEM `BEGIN PUBLIC KEY` line",
            ));
        }
        VerifyingKey::from_public_key_pem(pem)
            .map(PublicKey)
            .map_err(|_| KeyError::Unsupported("the PEM block is not an ECDSA P-256 public key"))
    }

    /// Whether `signature` (ASN.1 DER, or the 64-byte `r || s` form) is
    /// this key's ECDSA signature over `message` hashed with SHA-256.
    pub fn verifies(&self, message: &[u8], signature: &[u8]) -> bool {
        parse_signature(signature)
            .is_some_and(|signature| self.0.verify(message, &signature).is_ok())
    }

    /// Whether `signature` is this key's signature over a message whose
    /// SHA-256 hash is `digest`.
    pub fn verifies_prehash(&self, digest: &[u8], signature: &[u8]) -> bool {
        parse_signature(signature)
            .is_some_and(|signature| self.0.verify_prehash(digest, &signature).is_ok())
    }
}

fn parse_signature(bytes: &[u8]) -> Option<Signature> {
    Signature::from_der(bytes)
        .or_else(|_| Signature::from_slice(bytes))
        .ok()
}

/// Decodes standard base64, as cosign and DSSE write it.
pub fn decode_base64(text: &str) -> Option<Vec<u8>> {
    STANDARD.decode(text.trim()).ok()
}

/// Why a payload, envelope or statement cannot be read.
#[derive(Debug, thiserror::Error)]
pub enum FormatError {
    #[error("invalid JSON: {0}")]
    Json(#[from] serde_json::Error),
    #[error("`critical.type` is `{0}`, not a cosign container image signature")]
    PayloadType(String),
    #[error("invalid base64 in {0}")]
    Base64(&'static str),
    #[error("the envelope's payload type is `{0}`, not an in-toto statement")]
    EnvelopeType(String),
}

/// What a simple signing payload says it signs.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SignedImage {
    /// `critical.identity.docker-reference`: the repository the image was
    /// signed under. Cosign accepts signatures copied to other
    /// repositories, so this is informational.
    pub docker_reference: String,
    /// `critical.image.docker-manifest-digest`.
    pub manifest_digest: String,
}

#[derive(Deserialize)]
struct SimpleSigning {
    critical: Critical,
}

#[derive(Deserialize)]
struct Critical {
    identity: Identity,
    image: SignedDigest,
    #[serde(rename = "type")]
    kind: String,
}

#[derive(Deserialize)]
struct Identity {
    #[serde(rename = "docker-reference", default)]
    docker_reference: String,
}

#[derive(Deserialize)]
struct SignedDigest {
    #[serde(rename = "docker-manifest-digest")]
    docker_manifest_digest: String,
}

/// Reads a simple signing payload.
pub fn parse_simple_signing(payload: &[u8]) -> Result<SignedImage, FormatError> {
    let parsed: SimpleSigning = serde_json::from_slice(payload)?;
    if parsed.critical.kind != SIMPLE_SIGNING_TYPE {
        return Err(FormatError::PayloadType(parsed.critical.kind));
    }
    Ok(SignedImage {
        docker_reference: parsed.critical.identity.docker_reference,
        manifest_digest: parsed.critical.image.docker_manifest_digest,
    })
}

/// A DSSE envelope with its payload and signatures decoded.
#[derive(Clone, Debug)]
pub struct Envelope {
    pub payload_type: String,
    pub payload: Vec<u8>,
    pub signatures: Vec<Vec<u8>>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct RawEnvelope {
    payload: String,
    payload_type: String,
    #[serde(default)]
    signatures: Vec<RawSignature>,
}

#[derive(Deserialize)]
struct RawSignature {
    #[serde(default)]
    sig: String,
}

impl RawEnvelope {
    pub(crate) fn decode(self) -> Result<Envelope, FormatError> {
        let payload = decode_base64(&self.payload).ok_or(FormatError::Base64("the payload"))?;
        let signatures = self
            .signatures
            .iter()
            .map(|signature| decode_base64(&signature.sig))
            .collect::<Option<Vec<_>>>()
            .ok_or(FormatError::Base64("a signature"))?;
        Ok(Envelope {
            payload_type: self.payload_type,
            payload,
            signatures,
        })
    }
}

/// Reads a DSSE envelope in its JSON form.
pub fn parse_envelope(bytes: &[u8]) -> Result<Envelope, FormatError> {
    serde_json::from_slice::<RawEnvelope>(bytes)?.decode()
}

impl Envelope {
    /// The DSSE pre-authentication encoding that the signatures cover:
    /// `DSSEv1 <len(type)> <type> <len(payload)> <payload>`, lengths as
    /// ASCII decimal byte counts.
    pub fn pae(&self) -> Vec<u8> {
        let mut out = format!(
            "DSSEv1 {} {} {} ",
            self.payload_type.len(),
            self.payload_type,
            self.payload.len()
        )
        .into_bytes();
        out.extend_from_slice(&self.payload);
        out
    }

    /// Whether one of the envelope's signatures verifies with `key`.
    pub fn verifies_with(&self, key: &PublicKey) -> bool {
        let pae = self.pae();
        self.signatures
            .iter()
            .any(|signature| key.verifies(&pae, signature))
    }

    /// The in-toto statement the envelope carries.
    pub fn statement(&self) -> Result<Statement, FormatError> {
        if self.payload_type != IN_TOTO_PAYLOAD_TYPE {
            return Err(FormatError::EnvelopeType(self.payload_type.clone()));
        }
        let raw: RawStatement = serde_json::from_slice(&self.payload)?;
        let subject_digests = raw
            .subject
            .into_iter()
            .flat_map(|subject| subject.digest)
            .map(|(algorithm, hex)| format!("{algorithm}:{hex}"))
            .collect();
        Ok(Statement {
            predicate_type: raw.predicate_type,
            subject_digests,
        })
    }
}

/// The parts of an in-toto statement verification reads.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Statement {
    pub predicate_type: String,
    /// Every subject digest as `algorithm:hex`.
    pub subject_digests: Vec<String>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct RawStatement {
    predicate_type: String,
    #[serde(default)]
    subject: Vec<RawSubject>,
}

#[derive(Deserialize)]
struct RawSubject {
    #[serde(default)]
    digest: std::collections::BTreeMap<String, String>,
}

impl Statement {
    /// Whether the statement is about the image with `digest`.
    pub fn is_about(&self, digest: &str) -> bool {
        self.subject_digests.iter().any(|subject| subject == digest)
    }

    /// What the predicate is.
    pub fn predicate(&self) -> Predicate {
        let kind = &self.predicate_type;
        if kind.starts_with(SPDX_PREDICATE) {
            Predicate::Sbom(SbomFormat::Spdx)
        } else if kind.starts_with(CYCLONEDX_PREDICATE) {
            Predicate::Sbom(SbomFormat::CycloneDx)
        } else if kind.starts_with(SLSA_PROVENANCE_PREDICATE) {
            Predicate::Provenance
        } else if kind == COSIGN_SIGN_PREDICATE {
            Predicate::Signature
        } else {
            Predicate::Other
        }
    }
}

/// The kinds of attestation predicates verification reports.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Predicate {
    Sbom(SbomFormat),
    /// SLSA build provenance.
    Provenance,
    /// A statement that only says "this image is signed".
    Signature,
    Other,
}

/// SBOM formats.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum SbomFormat {
    Spdx,
    #[serde(rename = "cyclonedx")]
    CycloneDx,
}

impl SbomFormat {
    pub fn as_str(self) -> &'static str {
        match self {
            SbomFormat::Spdx => "spdx",
            SbomFormat::CycloneDx => "cyclonedx",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// An RSA public key (2048 bits), which cosign key pairs never are.
    const RSA_PUBLIC_KEY: &str = "-----BEGIN PUBLIC KEY-----
MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEAxckcUbfdztx+zM+ZOkp5
nxWyngwfe4PVER+gc9ntdFicTjkl0I0+0qpj3UJjIfgn7dJnc21blfRQNtd/FY+l
yQlCf+dn66WU9yIYVTGh41dCk5tQzS+fWrf0aciGTKWjrUxdLd0rMoTz7yuKRcXM
vKhC2AsQj943sbPCtzcmZm/z+4+o5lrtWYb5aTqk/7pHZRTntXccyE4ULaGB3rjn
qIp1Ise32QlUQJmBEhpPtVy+w8mtEc8NuWUcyWfS0HWKTKEbz6fqHtcqJD/XuinO
+a9EZ5IWPWxisK1ouq75POSUB8he333VnhXQDlOQRnWbE2CiROGxSyn4cZT/1cuo
eQIDAQAB
-----END PUBLIC KEY-----";

    #[test]
    fn key_errors_say_what_is_wrong() {
        let not_pem = PublicKey::from_pem("apiVersion: v1\nkind: Pod\n")
            .expect_err("a manifest is not a key")
            .to_string();
        assert!(not_pem.contains("BEGIN PUBLIC KEY"), "{not_pem}");
        let rsa = PublicKey::from_pem(RSA_PUBLIC_KEY)
            .expect_err("an RSA key is not a P-256 key")
            .to_string();
        assert!(rsa.contains("not an ECDSA P-256 public key"), "{rsa}");
        assert!(!rsa.contains("OID"), "{rsa}");
    }

    #[test]
    fn pae_encoding() {
        let envelope = Envelope {
            payload_type: "http://example.com/HelloWorld".to_owned(),
            payload: b"hello world".to_vec(),
            signatures: Vec::new(),
        };
        assert_eq!(
            envelope.pae(),
            b"DSSEv1 29 http://example.com/HelloWorld 11 hello world".to_vec()
        );
    }

    #[test]
    fn simple_signing_payload() {
        let payload = br#"{"critical":{"identity":{"docker-reference":"registry.example.com/app"},
            "image":{"docker-manifest-digest":"sha256:abc"},"type":"cosign container image signature"},
            "optional":null}"#;
        let signed = parse_simple_signing(payload).expect("the payload parses");
        assert_eq!(signed.docker_reference, "registry.example.com/app");
        assert_eq!(signed.manifest_digest, "sha256:abc");
    }

    #[test]
    fn other_payload_type_rejected() {
        let payload = br#"{"critical":{"identity":{"docker-reference":"x"},
            "image":{"docker-manifest-digest":"sha256:abc"},"type":"atomic container signature"}}"#;
        assert!(matches!(
            parse_simple_signing(payload),
            Err(FormatError::PayloadType(_))
        ));
    }

    #[test]
    fn predicate_classification() {
        let statement = |kind: &str| Statement {
            predicate_type: kind.to_owned(),
            subject_digests: Vec::new(),
        };
        let cases = [
            (
                "https://spdx.dev/Document",
                Predicate::Sbom(SbomFormat::Spdx),
            ),
            (
                "https://spdx.dev/Document/v2.3",
                Predicate::Sbom(SbomFormat::Spdx),
            ),
            (
                "https://cyclonedx.org/bom",
                Predicate::Sbom(SbomFormat::CycloneDx),
            ),
            (
                "https://cyclonedx.org/bom/v1.5",
                Predicate::Sbom(SbomFormat::CycloneDx),
            ),
            ("https://slsa.dev/provenance/v0.2", Predicate::Provenance),
            ("https://slsa.dev/provenance/v1", Predicate::Provenance),
            ("https://sigstore.dev/cosign/sign/v1", Predicate::Signature),
            (
                "https://cosign.sigstore.dev/attestation/vuln/v1",
                Predicate::Other,
            ),
        ];
        for (kind, expected) in cases {
            assert_eq!(statement(kind).predicate(), expected, "{kind}");
        }
    }

    #[test]
    fn unsupported_key_named() {
        let error =
            PublicKey::from_pem("-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----")
                .expect_err("garbage is not a key");
        assert!(error.to_string().contains("P-256"), "{error}");
    }
}
