//! An OCI image layout directory (`oci-layout`, `index.json`,
//! `blobs/sha256/<hex>`), laid out as `skopeo copy` or `oras copy` mirror
//! a registry into one: every tagged manifest is an entry of `index.json`
//! whose `org.opencontainers.image.ref.name` is the whole reference.

use std::cell::RefCell;
use std::path::{Path, PathBuf};

use oci_spec::image::Descriptor;
use serde_json::{Value, json};

use super::{Store, descriptor, sha256};

/// Annotation that names a layout entry.
const REF_NAME: &str = "org.opencontainers.image.ref.name";

/// A layout in a temporary directory, for images of one registry host.
pub struct Layout {
    dir: tempfile::TempDir,
    /// The registry host the images are named under.
    host: String,
    entries: RefCell<Vec<Value>>,
}

impl Layout {
    /// Creates an empty layout for images named under `host`.
    pub fn new(host: &str) -> Self {
        let dir = tempfile::tempdir().expect("temporary directory");
        let layout = Layout {
            dir,
            host: host.to_owned(),
            entries: RefCell::new(Vec::new()),
        };
        std::fs::create_dir_all(layout.blobs()).expect("blob directory");
        std::fs::write(
            layout.path().join("oci-layout"),
            r#"{"imageLayoutVersion":"1.0.0"}"#,
        )
        .expect("oci-layout written");
        layout.write_index();
        layout
    }

    /// The layout directory, for `--oci-layout`.
    pub fn path(&self) -> PathBuf {
        self.dir.path().join("layout")
    }

    fn blobs(&self) -> PathBuf {
        self.path().join("blobs/sha256")
    }

    fn write_blob(&self, bytes: &[u8]) -> String {
        let digest = sha256(bytes);
        let hex = digest.strip_prefix("sha256:").expect("a sha256 digest");
        std::fs::write(self.blobs().join(hex), bytes).expect("blob written");
        digest
    }

    fn write_index(&self) {
        let index = json!({
            "schemaVersion": 2,
            "mediaType": "application/vnd.oci.image.index.v1+json",
            "manifests": *self.entries.borrow(),
        });
        let bytes = serde_json::to_vec_pretty(&index).expect("index serialises");
        std::fs::write(self.path().join("index.json"), bytes).expect("index written");
    }
}

impl Store for Layout {
    fn push_blob(&self, _repository: &str, media_type: &str, bytes: &[u8]) -> Descriptor {
        let digest = self.write_blob(bytes);
        descriptor(media_type, &digest, bytes.len(), None)
    }

    /// Stores the manifest blob and an index entry, named by the whole
    /// reference for a tag and unnamed for a digest, as `oras copy` lists
    /// the referrers it copies.
    fn push_manifest(
        &self,
        repository: &str,
        reference: &str,
        media_type: &str,
        bytes: &[u8],
    ) -> String {
        let digest = self.write_blob(bytes);
        let mut entry = json!({
            "mediaType": media_type,
            "digest": digest,
            "size": bytes.len(),
        });
        let mut entries = self.entries.borrow_mut();
        if reference.starts_with("sha256:") {
            entries.retain(|old| old["digest"] != digest.as_str());
        } else {
            let name = format!("{}:{reference}", self.image(repository));
            entries.retain(|old| old["annotations"][REF_NAME] != name.as_str());
            entry["annotations"] = json!({REF_NAME: name});
        }
        entries.push(entry);
        drop(entries);
        self.write_index();
        digest
    }

    fn manifest_size(&self, _repository: &str, digest: &str) -> u64 {
        let hex = digest.strip_prefix("sha256:").expect("a sha256 digest");
        std::fs::metadata(self.blobs().join(hex))
            .expect("the manifest is stored")
            .len()
    }

    fn image(&self, repository: &str) -> String {
        format!("{}/{repository}", self.host)
    }

    fn dir(&self) -> &Path {
        self.dir.path()
    }
}
