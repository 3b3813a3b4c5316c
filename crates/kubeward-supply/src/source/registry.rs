//! An OCI registry, read with `oci-client` over HTTPS (or plain HTTP for
//! the registries the user lists as insecure).
//!
//! Requests go to the registry an image names, and to the token service
//! that registry's `WWW-Authenticate` challenge points to. Blobs are
//! fetched by digest only, never from the foreign-layer URLs a manifest
//! may list.

use std::time::Duration;

use futures_util::StreamExt;
use kubeward_core::image::ImageRef;
use oci_client::client::{Certificate, CertificateEncoding, ClientConfig, ClientProtocol};
use oci_client::errors::{OciDistributionError, OciErrorCode};
use oci_client::secrets::RegistryAuth;
use oci_client::{Client, Reference};

use super::{Descriptor, MANIFEST_MEDIA_TYPES, MAX_BLOB_BYTES, SourceError};
use crate::auth::DockerConfig;

/// How long a connection may take to open.
const CONNECT_TIMEOUT: Duration = Duration::from_secs(10);
/// How long a response may stall between reads.
const READ_TIMEOUT: Duration = Duration::from_secs(30);

/// How to reach registries.
#[derive(Debug, Default)]
pub struct RegistryOptions {
    /// Registries (`host:port` as images name them) reached over plain
    /// HTTP instead of HTTPS.
    pub insecure: Vec<String>,
    /// PEM files of certificate authorities trusted besides the system's.
    pub ca_certificates: Vec<Vec<u8>>,
    /// Credentials from the Docker config file.
    pub auth: DockerConfig,
}

/// Why the registry client could not be set up.
#[derive(Debug, thiserror::Error)]
pub enum RegistrySetupError {
    #[error("cannot set up the registry client: {0}")]
    Client(String),
}

/// A registry client and the credentials to use with it.
pub struct RegistrySource {
    client: Client,
    auth: DockerConfig,
}

impl std::fmt::Debug for RegistrySource {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RegistrySource").finish_non_exhaustive()
    }
}

impl RegistrySource {
    pub fn new(options: RegistryOptions) -> Result<Self, RegistrySetupError> {
        // rustls needs one process-wide crypto provider; an error means one
        // is installed already.
        let _ = rustls::crypto::ring::default_provider().install_default();
        let config = ClientConfig {
            protocol: if options.insecure.is_empty() {
                ClientProtocol::Https
            } else {
                ClientProtocol::HttpsExcept(options.insecure)
            },
            extra_root_certificates: options
                .ca_certificates
                .into_iter()
                .map(|data| Certificate {
                    encoding: CertificateEncoding::Pem,
                    data,
                })
                .collect(),
            connect_timeout: Some(CONNECT_TIMEOUT),
            read_timeout: Some(READ_TIMEOUT),
            user_agent: concat!("kubeward/", env!("CARGO_PKG_VERSION")),
            ..ClientConfig::default()
        };
        let client = Client::try_from(config)
            .map_err(|error| RegistrySetupError::Client(error.to_string()))?;
        Ok(RegistrySource {
            client,
            auth: options.auth,
        })
    }

    fn auth_for(&self, image: &ImageRef<'_>) -> RegistryAuth {
        self.auth.auth_for(image.registry())
    }

    fn reference(image: &ImageRef<'_>, tag_or_digest: &str) -> Reference {
        let registry = image.registry().to_owned();
        let repository = image.repository();
        if tag_or_digest.contains(':') {
            Reference::with_digest(registry, repository, tag_or_digest.to_owned())
        } else {
            Reference::with_tag(registry, repository, tag_or_digest.to_owned())
        }
    }

    pub(super) async fn resolve(
        &self,
        image: &ImageRef<'_>,
        reference: &str,
    ) -> Result<String, SourceError> {
        let target = Self::reference(image, reference);
        self.client
            .fetch_manifest_digest(&target, &self.auth_for(image))
            .await
            .map_err(|error| registry_error(&error, &target))
    }

    pub(super) async fn manifest(
        &self,
        image: &ImageRef<'_>,
        reference: &str,
    ) -> Result<Option<(Vec<u8>, String)>, SourceError> {
        let target = Self::reference(image, reference);
        match self
            .client
            .pull_manifest_raw(&target, &self.auth_for(image), &MANIFEST_MEDIA_TYPES)
            .await
        {
            Ok((bytes, digest)) => Ok(Some((bytes.to_vec(), digest))),
            Err(error) if is_not_found(&error) => Ok(None),
            Err(error) => Err(registry_error(&error, &target)),
        }
    }

    pub(super) async fn blob(
        &self,
        image: &ImageRef<'_>,
        digest: &str,
    ) -> Result<Vec<u8>, SourceError> {
        let target = Self::reference(image, digest);
        self.client
            .store_auth_if_needed(target.resolve_registry(), &self.auth_for(image))
            .await;
        let mut stream = self
            .client
            .pull_blob_stream(&target, digest)
            .await
            .map_err(|error| registry_error(&error, &target))?;
        let mut bytes = Vec::new();
        while let Some(chunk) = stream.next().await {
            let chunk =
                chunk.map_err(|error| SourceError::Registry(format!("{target}: {error}")))?;
            bytes.extend_from_slice(&chunk);
            if bytes.len() as u64 > MAX_BLOB_BYTES {
                return Err(SourceError::TooLarge {
                    digest: digest.to_owned(),
                    size: bytes.len() as u64,
                });
            }
        }
        Ok(bytes)
    }

    pub(super) async fn referrers(
        &self,
        image: &ImageRef<'_>,
        digest: &str,
    ) -> Result<Vec<Descriptor>, SourceError> {
        let target = Self::reference(image, digest);
        self.client
            .store_auth_if_needed(target.resolve_registry(), &self.auth_for(image))
            .await;
        match self.client.pull_referrers(&target, None).await {
            Ok(index) => Ok(index
                .manifests
                .into_iter()
                .map(|entry| Descriptor {
                    media_type: entry.media_type,
                    digest: entry.digest,
                    size: u64::try_from(entry.size).unwrap_or(0),
                    annotations: entry.annotations.unwrap_or_default(),
                    artifact_type: entry.artifact_type,
                })
                .collect()),
            Err(error) if is_not_found(&error) => Ok(Vec::new()),
            Err(error) => Err(registry_error(&error, &target)),
        }
    }
}

/// Whether a registry error means that the manifest or repository does
/// not exist.
fn is_not_found(error: &OciDistributionError) -> bool {
    match error {
        OciDistributionError::ImageManifestNotFoundError(_) => true,
        OciDistributionError::ServerError { code, .. } => *code == 404,
        OciDistributionError::RegistryError { envelope, .. } => envelope.errors.iter().any(|e| {
            matches!(
                e.code,
                OciErrorCode::ManifestUnknown | OciErrorCode::NameUnknown | OciErrorCode::NotFound
            )
        }),
        _ => false,
    }
}

fn registry_error(error: &OciDistributionError, target: &Reference) -> SourceError {
    if is_not_found(error) {
        return SourceError::NotFound(format!("{} not found", target.whole()));
    }
    // reqwest's messages stop at the outermost layer ("error sending
    // request"); the cause, such as a refused connection or an unknown
    // certificate authority, is further down the chain.
    let mut message = error.to_string();
    let mut cause = std::error::Error::source(error);
    while let Some(inner) = cause {
        message.push_str(": ");
        message.push_str(&inner.to_string());
        cause = inner.source();
    }
    if let Some(hint) = hint(error, &message, target.registry()) {
        message.push_str("; ");
        message.push_str(&hint);
    }
    SourceError::Registry(format!("{}: {message}", target.whole()))
}

/// What to do about an error: a missing login, or a TLS failure recognised
/// in rustls's error text.
fn hint(error: &OciDistributionError, message: &str, registry: &str) -> Option<String> {
    let rejected_login = match error {
        OciDistributionError::UnauthorizedError { .. }
        | OciDistributionError::AuthenticationFailure(_) => true,
        OciDistributionError::RegistryError { envelope, .. } => envelope
            .errors
            .iter()
            .any(|e| matches!(e.code, OciErrorCode::Unauthorized | OciErrorCode::Denied)),
        _ => false,
    };
    if rejected_login {
        Some(format!(
            "log in to {registry} with `docker login`, or name a Docker config file with \
             credentials for it with --docker-config"
        ))
    } else if message.contains("UnknownIssuer") {
        Some("pass the registry's certificate authority with --ca-file".to_owned())
    } else if message.contains("InvalidContentType") {
        // The response to the TLS handshake was not TLS, which is what a
        // registry that serves plain HTTP on that port sends.
        Some(
            "the registry does not serve HTTPS; if it serves plain HTTP, name it with \
             --insecure-registry"
                .to_owned(),
        )
    } else {
        None
    }
}
