//! Where tests store OCI images: a real registry (Debian's
//! `docker-registry`, the CNCF distribution registry) on 127.0.0.1, or an
//! OCI image layout directory, behind one [`Store`] interface so that the
//! same images and cosign artifacts can go to either.

#![allow(dead_code, reason = "each test file uses a different part")]

pub mod cosign;
mod layout;
pub mod registry;

use std::collections::HashMap;
use std::fmt::Write as _;
use std::path::Path;
use std::process::Command;

use oci_spec::image::{
    Arch, ConfigBuilder, Descriptor, DescriptorBuilder, Digest, ImageConfigurationBuilder,
    ImageManifestBuilder, MediaType, Os, RootFsBuilder,
};
use sha2::{Digest as _, Sha256};

pub use layout::Layout;
pub use registry::Registry;

/// Media type of OCI image manifests.
pub const OCI_MANIFEST: &str = "application/vnd.oci.image.manifest.v1+json";

/// `sha256:<hex>` of `bytes`.
pub fn sha256(bytes: &[u8]) -> String {
    let mut digest = String::from("sha256:");
    for byte in Sha256::digest(bytes) {
        let _ = write!(digest, "{byte:02x}");
    }
    digest
}

/// A place that stores blobs and manifests by repository.
pub trait Store {
    /// Stores a blob of `repository` and returns its descriptor.
    fn push_blob(&self, repository: &str, media_type: &str, bytes: &[u8]) -> Descriptor;

    /// Stores a manifest at a tag or digest of `repository` and returns its
    /// digest.
    fn push_manifest(
        &self,
        repository: &str,
        reference: &str,
        media_type: &str,
        bytes: &[u8],
    ) -> String;

    /// The size in bytes of the manifest with `digest` in `repository`.
    fn manifest_size(&self, repository: &str, digest: &str) -> u64;

    /// The image reference of `repository`, without tag or digest.
    fn image(&self, repository: &str) -> String;

    /// A temporary directory that lives as long as the store.
    fn dir(&self) -> &Path;

    /// Stores an OCI manifest whose config and layers are already stored.
    fn push_oci_manifest(
        &self,
        repository: &str,
        reference: &str,
        config: Descriptor,
        layers: Vec<Descriptor>,
    ) -> String {
        let manifest = ImageManifestBuilder::default()
            .schema_version(2u32)
            .media_type(MediaType::ImageManifest)
            .config(config)
            .layers(layers)
            .build()
            .expect("manifest builds");
        let bytes = serde_json::to_vec(&manifest).expect("manifest serialises");
        self.push_manifest(repository, reference, OCI_MANIFEST, &bytes)
    }

    /// Stores a one-layer Linux image at each of `tags` and returns its
    /// manifest digest. The layer contains one file whose content is
    /// `content`, so different contents make different images.
    fn push_image(&self, repository: &str, tags: &[&str], content: &str) -> String {
        let layer = tar_layer(self.dir(), content);
        let layer_descriptor =
            self.push_blob(repository, "application/vnd.oci.image.layer.v1.tar", &layer);
        let labels = HashMap::from([(
            "org.opencontainers.image.description".to_owned(),
            content.to_owned(),
        )]);
        let config = ImageConfigurationBuilder::default()
            .architecture(Arch::Amd64)
            .os(Os::Linux)
            .config(
                ConfigBuilder::default()
                    .cmd(vec!["/hello.txt".to_owned()])
                    .labels(labels)
                    .build()
                    .expect("config builds"),
            )
            .rootfs(
                RootFsBuilder::default()
                    .diff_ids(vec![sha256(&layer)])
                    .build()
                    .expect("rootfs builds"),
            )
            .build()
            .expect("image config builds");
        let config_bytes = serde_json::to_vec(&config).expect("config serialises");
        let config_descriptor = self.push_blob(
            repository,
            "application/vnd.oci.image.config.v1+json",
            &config_bytes,
        );
        let mut digest = String::new();
        for tag in tags {
            digest = self.push_oci_manifest(
                repository,
                tag,
                config_descriptor.clone(),
                vec![layer_descriptor.clone()],
            );
        }
        digest
    }
}

/// A descriptor of content with `digest` and `size` bytes.
pub fn descriptor(
    media_type: &str,
    digest: &str,
    size: usize,
    annotations: Option<HashMap<String, String>>,
) -> Descriptor {
    let mut builder = DescriptorBuilder::default()
        .media_type(MediaType::from(media_type))
        .digest(digest.parse::<Digest>().expect("valid digest"))
        .size(size as u64);
    if let Some(annotations) = annotations {
        builder = builder.annotations(annotations);
    }
    builder.build().expect("descriptor builds")
}

/// An uncompressed tar archive of one file, `hello.txt`, written by the
/// system's `tar` with fixed owners and times so equal contents give equal
/// layers.
fn tar_layer(scratch: &Path, content: &str) -> Vec<u8> {
    let dir = scratch.join(format!("layer-{}", &sha256(content.as_bytes())[7..19]));
    std::fs::create_dir_all(&dir).expect("layer directory");
    std::fs::write(dir.join("hello.txt"), content).expect("layer file written");
    let output = Command::new("tar")
        .args([
            "--create",
            "--file=-",
            "--owner=0",
            "--group=0",
            "--numeric-owner",
            "--mtime=@0",
            "--directory",
        ])
        .arg(&dir)
        .arg("hello.txt")
        .output()
        .expect("tar runs");
    assert!(output.status.success(), "tar failed: {output:?}");
    output.stdout
}
