//! Signatures and attestations in cosign's registry formats, made with
//! ECDSA P-256 keys that `openssl` generates and signs with, the way
//! `cosign sign --key` and `cosign attest --key` store them:
//!
//! - a signature of image digest `D` is an OCI manifest at the tag
//!   `sha256-<hex of D>.sig` whose layer is a simple signing payload, with
//!   the base64 DER signature over the payload in the layer annotation
//!   `dev.cosignproject.cosign/signature`;
//! - an attestation is an OCI manifest at `sha256-<hex>.att` whose layer
//!   is a DSSE envelope of an in-toto statement, signed over the DSSE
//!   pre-authentication encoding;
//! - newer cosign stores either as a sigstore bundle instead: an OCI 1.1
//!   referrer (a manifest whose `subject` is the image) with the bundle as
//!   its layer.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::process::Command;

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use oci_spec::image::{ImageManifestBuilder, MediaType};
use serde_json::{Value, json};

use super::{Store, sha256};

const SIMPLE_SIGNING_MEDIA_TYPE: &str = "application/vnd.dev.cosign.simplesigning.v1+json";
const DSSE_MEDIA_TYPE: &str = "application/vnd.dsse.envelope.v1+json";
const SIGNATURE_ANNOTATION: &str = "dev.cosignproject.cosign/signature";
const IN_TOTO_PAYLOAD_TYPE: &str = "application/vnd.in-toto+json";
/// Media type and artifact type of sigstore bundles, version 0.3.
const BUNDLE_MEDIA_TYPE: &str = "application/vnd.dev.sigstore.bundle.v0.3+json";
/// The empty JSON object that OCI 1.1 artifacts without a config name as
/// their config.
const EMPTY_MEDIA_TYPE: &str = "application/vnd.oci.empty.v1+json";
pub const SPDX_PREDICATE: &str = "https://spdx.dev/Document";
pub const CYCLONEDX_PREDICATE: &str = "https://cyclonedx.org/bom";

/// An ECDSA P-256 key pair in PEM files.
pub struct Key {
    openssl: PathBuf,
    private: PathBuf,
    /// The public key, a PEM "PUBLIC KEY" as `cosign generate-key-pair`
    /// writes to `cosign.pub`.
    pub public: PathBuf,
}

impl Key {
    /// Generates a key pair in `dir` as `<name>.key` and `<name>.pub`.
    pub fn generate(openssl: &Path, dir: &Path, name: &str) -> Self {
        let private = dir.join(format!("{name}.key"));
        let public = dir.join(format!("{name}.pub"));
        run(Command::new(openssl)
            .args([
                "ecparam",
                "-name",
                "prime256v1",
                "-genkey",
                "-noout",
                "-out",
            ])
            .arg(&private));
        run(Command::new(openssl)
            .args(["ec", "-pubout", "-in"])
            .arg(&private)
            .arg("-out")
            .arg(&public));
        Key {
            openssl: openssl.to_path_buf(),
            private,
            public,
        }
    }

    /// The ASN.1 DER ECDSA signature over `message` hashed with SHA-256.
    pub fn sign(&self, message: &[u8]) -> Vec<u8> {
        let dir = self.private.parent().expect("the key is in a directory");
        let message_path = dir.join(format!("message-{}", &sha256(message)[7..23]));
        std::fs::write(&message_path, message).expect("message written");
        let output = run(Command::new(&self.openssl)
            .args(["dgst", "-sha256", "-sign"])
            .arg(&self.private)
            .arg(&message_path));
        let _ = std::fs::remove_file(&message_path);
        output
    }

    /// The ASN.1 DER ECDSA signature over a SHA-256 hash computed
    /// elsewhere, `digest` (`sha256:<hex>`), as cosign signs an image
    /// manifest for a bundle.
    pub fn sign_prehashed(&self, digest: &str) -> Vec<u8> {
        let dir = self.private.parent().expect("the key is in a directory");
        let hash_path = dir.join(format!("hash-{}", &digest[7..23]));
        std::fs::write(&hash_path, digest_bytes(digest)).expect("hash written");
        let output = run(Command::new(&self.openssl)
            .args(["pkeyutl", "-sign", "-inkey"])
            .arg(&self.private)
            .arg("-in")
            .arg(&hash_path));
        let _ = std::fs::remove_file(&hash_path);
        output
    }
}

/// The 32 bytes of a `sha256:<hex>` digest.
fn digest_bytes(digest: &str) -> Vec<u8> {
    let hex = digest.strip_prefix("sha256:").expect("a sha256 digest");
    (0..hex.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&hex[i..i + 2], 16).expect("hexadecimal"))
        .collect()
}

fn run(command: &mut Command) -> Vec<u8> {
    let output = command.output().expect("openssl runs");
    assert!(
        output.status.success(),
        "{command:?} failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    output.stdout
}

/// The simple signing payload cosign signs for `reference` at `digest`.
pub fn simple_signing_payload(reference: &str, digest: &str) -> Vec<u8> {
    serde_json::to_vec(&json!({
        "critical": {
            "identity": {"docker-reference": reference},
            "image": {"docker-manifest-digest": digest},
            "type": "cosign container image signature",
        },
        "optional": null,
    }))
    .expect("payload serialises")
}

/// The cosign tag of the signatures or attestations (`suffix` `sig` or
/// `att`) of the image with `digest`.
pub fn cosign_tag(digest: &str, suffix: &str) -> String {
    format!("{}.{suffix}", digest.replace(':', "-"))
}

/// Stores a signature manifest at the `.sig` tag of `image_digest` whose
/// one layer is `payload` with `signature` in its annotation.
pub fn attach_signature(
    store: &dyn Store,
    repository: &str,
    image_digest: &str,
    payload: &[u8],
    signature: &[u8],
) {
    let layer = store.push_blob(repository, SIMPLE_SIGNING_MEDIA_TYPE, payload);
    let layer = super::descriptor(
        SIMPLE_SIGNING_MEDIA_TYPE,
        layer.digest().as_ref(),
        payload.len(),
        Some(HashMap::from([(
            SIGNATURE_ANNOTATION.to_owned(),
            STANDARD.encode(signature),
        )])),
    );
    push_artifact(
        store,
        repository,
        &cosign_tag(image_digest, "sig"),
        layer,
        payload,
    );
}

/// Signs the image with `key` as `cosign sign --key` does.
pub fn sign_image(store: &dyn Store, repository: &str, image_digest: &str, key: &Key) {
    let payload = simple_signing_payload(&store.image(repository), image_digest);
    let signature = key.sign(&payload);
    attach_signature(store, repository, image_digest, &payload, &signature);
}

/// An in-toto statement about the image with `digest`.
pub fn statement(name: &str, digest: &str, predicate_type: &str, predicate: &Value) -> Value {
    let hex = digest.strip_prefix("sha256:").expect("a sha256 digest");
    json!({
        "_type": "https://in-toto.io/Statement/v0.1",
        "predicateType": predicate_type,
        "subject": [{"name": name, "digest": {"sha256": hex}}],
        "predicate": predicate,
    })
}

/// A small SPDX 2.3 document naming one package.
pub fn spdx_document(name: &str) -> Value {
    json!({
        "spdxVersion": "SPDX-2.3",
        "dataLicense": "CC0-1.0",
        "SPDXID": "SPDXRef-DOCUMENT",
        "name": name,
        "documentNamespace": format!("https://example.com/spdx/{}", name.replace('/', "-")),
        "creationInfo": {"created": "2026-01-01T00:00:00Z", "creators": ["Tool: kubeward-tests"]},
        "packages": [{
            "name": "hello",
            "SPDXID": "SPDXRef-Package-hello",
            "versionInfo": "1.0",
            "downloadLocation": "NOASSERTION",
        }],
    })
}

/// A small CycloneDX 1.5 BOM naming one component.
pub fn cyclonedx_bom() -> Value {
    json!({
        "bomFormat": "CycloneDX",
        "specVersion": "1.5",
        "version": 1,
        "components": [{"type": "library", "name": "hello", "version": "1.0"}],
    })
}

/// The DSSE pre-authentication encoding of a payload.
fn pae(payload_type: &str, payload: &[u8]) -> Vec<u8> {
    let mut out = format!(
        "DSSEv1 {} {payload_type} {} ",
        payload_type.len(),
        payload.len()
    )
    .into_bytes();
    out.extend_from_slice(payload);
    out
}

/// A DSSE envelope of `statement` signed by `key`.
fn envelope(statement: &Value, key: &Key) -> Value {
    let payload = serde_json::to_vec(statement).expect("statement serialises");
    let signature = key.sign(&pae(IN_TOTO_PAYLOAD_TYPE, &payload));
    json!({
        "payloadType": IN_TOTO_PAYLOAD_TYPE,
        "payload": STANDARD.encode(&payload),
        "signatures": [{"keyid": "", "sig": STANDARD.encode(&signature)}],
    })
}

/// Stores attestations at the `.att` tag of `image_digest`, one layer per
/// statement, each a DSSE envelope signed by `key`, as `cosign attest
/// --key` appends them.
pub fn attest_image(
    store: &dyn Store,
    repository: &str,
    image_digest: &str,
    statements: &[Value],
    key: &Key,
) {
    let mut layers = Vec::new();
    let mut envelopes = Vec::new();
    for statement in statements {
        let envelope = serde_json::to_vec(&envelope(statement, key)).expect("envelope serialises");
        let stored = store.push_blob(repository, DSSE_MEDIA_TYPE, &envelope);
        let predicate_type = statement["predicateType"]
            .as_str()
            .expect("the statement has a predicate type");
        layers.push(super::descriptor(
            DSSE_MEDIA_TYPE,
            stored.digest().as_ref(),
            envelope.len(),
            Some(HashMap::from([
                (SIGNATURE_ANNOTATION.to_owned(), String::new()),
                ("predicateType".to_owned(), predicate_type.to_owned()),
            ])),
        ));
        envelopes.push(envelope);
    }
    let config = artifact_config(&envelopes.iter().map(|e| sha256(e)).collect::<Vec<_>>());
    let config = store.push_blob(
        repository,
        "application/vnd.oci.image.config.v1+json",
        &config,
    );
    store.push_oci_manifest(repository, &cosign_tag(image_digest, "att"), config, layers);
}

/// A sigstore bundle of `key`'s signature over the image manifest with
/// `digest`, as `cosign sign --key --new-bundle-format` makes it.
pub fn message_signature_bundle(digest: &str, key: &Key) -> Value {
    json!({
        "mediaType": BUNDLE_MEDIA_TYPE,
        "verificationMaterial": {"publicKey": {"hint": ""}},
        "messageSignature": {
            "messageDigest": {
                "algorithm": "SHA2_256",
                "digest": STANDARD.encode(digest_bytes(digest)),
            },
            "signature": STANDARD.encode(key.sign_prehashed(digest)),
        },
    })
}

/// A sigstore bundle of a DSSE envelope of `statement` signed by `key`, as
/// `cosign attest --key --new-bundle-format` makes it.
pub fn dsse_bundle(statement: &Value, key: &Key) -> Value {
    json!({
        "mediaType": BUNDLE_MEDIA_TYPE,
        "verificationMaterial": {"publicKey": {"hint": ""}},
        "dsseEnvelope": envelope(statement, key),
    })
}

/// Stores `bundle` as an OCI 1.1 referrer of the image with `digest`: an
/// artifact manifest whose `subject` is the image and whose one layer is
/// the bundle.
pub fn attach_bundle(store: &dyn Store, repository: &str, digest: &str, bundle: &Value) {
    let size = store.manifest_size(repository, digest);
    let subject = super::descriptor(super::OCI_MANIFEST, digest, size as usize, None);
    let config = store.push_blob(repository, EMPTY_MEDIA_TYPE, b"{}");
    let bytes = serde_json::to_vec(bundle).expect("bundle serialises");
    let layer = store.push_blob(repository, BUNDLE_MEDIA_TYPE, &bytes);
    let manifest = ImageManifestBuilder::default()
        .schema_version(2u32)
        .media_type(MediaType::ImageManifest)
        .artifact_type(MediaType::from(BUNDLE_MEDIA_TYPE))
        .config(config)
        .layers(vec![layer])
        .subject(subject)
        .build()
        .expect("manifest builds");
    let manifest = serde_json::to_vec(&manifest).expect("manifest serialises");
    store.push_manifest(
        repository,
        &sha256(&manifest),
        super::OCI_MANIFEST,
        &manifest,
    );
}

/// Stores a one-layer cosign artifact manifest at `tag`.
fn push_artifact(
    store: &dyn Store,
    repository: &str,
    tag: &str,
    layer: oci_spec::image::Descriptor,
    content: &[u8],
) {
    let config = artifact_config(&[sha256(content)]);
    let config = store.push_blob(
        repository,
        "application/vnd.oci.image.config.v1+json",
        &config,
    );
    store.push_oci_manifest(repository, tag, config, vec![layer]);
}

/// The image config cosign writes for signature and attestation
/// manifests: empty but for the layers' digests.
fn artifact_config(layer_digests: &[String]) -> Vec<u8> {
    serde_json::to_vec(&json!({
        "architecture": "",
        "created": "0001-01-01T00:00:00Z",
        "history": [{"created": "0001-01-01T00:00:00Z"}],
        "os": "",
        "rootfs": {"type": "layers", "diff_ids": layer_digests},
        "config": {},
    }))
    .expect("config serialises")
}
