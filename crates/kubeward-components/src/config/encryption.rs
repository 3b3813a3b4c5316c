//! `EncryptionConfiguration`: which resources the API server encrypts at
//! rest in etcd, and with which providers.
//!
//! For each resource, the API server uses the first entry of `resources`
//! that names it (exactly, as `*.` for every core resource, as `*.group`,
//! or as `*.*` for everything), writes with that entry's first provider and
//! reads with any of them. A resource no entry names is stored in plain
//! text.

use kubeward_core::Object;
use kubeward_core::yaml::{NodeRef, Pos};

/// An encryption provider, by strength.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ProviderKind {
    /// No encryption.
    Identity,
    /// AES-CBC with PKCS#7 padding: the weakest, open to padding-oracle
    /// attacks.
    AesCbc,
    /// AES-GCM with a random nonce: keys must be rotated every 200,000
    /// writes.
    AesGcm,
    /// XSalsa20 and Poly1305.
    Secretbox,
    /// A key management service plugin through the v1 API, deprecated since
    /// Kubernetes 1.28 and disabled by default since 1.29.
    KmsV1,
    /// A key management service plugin through the v2 API: keys live
    /// outside the cluster, the strongest option.
    KmsV2,
    /// A provider name kubeward does not know.
    Other(String),
}

impl ProviderKind {
    pub fn name(&self) -> String {
        match self {
            ProviderKind::Identity => "identity".into(),
            ProviderKind::AesCbc => "aescbc".into(),
            ProviderKind::AesGcm => "aesgcm".into(),
            ProviderKind::Secretbox => "secretbox".into(),
            ProviderKind::KmsV1 => "kms (apiVersion v1)".into(),
            ProviderKind::KmsV2 => "kms (apiVersion v2)".into(),
            ProviderKind::Other(name) => name.clone(),
        }
    }

    /// Whether the provider keeps its keys in the configuration file.
    pub fn has_local_keys(&self) -> bool {
        matches!(
            self,
            ProviderKind::AesCbc | ProviderKind::AesGcm | ProviderKind::Secretbox
        )
    }
}

/// One provider of a resource entry.
#[derive(Clone, Debug)]
pub struct Provider {
    pub kind: ProviderKind,
    /// Position of the provider's name key.
    pub pos: Pos,
    /// Field path of the provider.
    pub path: String,
}

/// One entry of `resources`.
#[derive(Clone, Debug)]
pub struct ResourceEntry {
    /// The resource names, as written.
    pub resources: Vec<String>,
    pub providers: Vec<Provider>,
    pub pos: Pos,
    pub path: String,
}

impl ResourceEntry {
    /// Whether this entry names `resource` of API group `group` (empty for
    /// the core group).
    pub fn covers(&self, group: &str, resource: &str) -> bool {
        self.resources.iter().any(|name| {
            let name = name.trim();
            let (res, grp) = name.split_once('.').unwrap_or((name, ""));
            match (res, grp) {
                ("*", "*") => true,
                ("*", g) => g == group,
                (r, g) => r == resource && g == group,
            }
        })
    }
}

/// An EncryptionConfiguration, read from an object.
#[derive(Clone, Debug)]
pub struct EncryptionConfig {
    pub entries: Vec<ResourceEntry>,
    /// Position of `resources`, or of `kind` when absent.
    pub pos: Pos,
}

/// Whether `object` is an EncryptionConfiguration (or its pre-1.13 name,
/// `EncryptionConfig` with `apiVersion: v1`).
pub fn is_encryption_config(object: &Object<'_, '_>) -> bool {
    match object.kind() {
        "EncryptionConfiguration" => object.api_group().starts_with("apiserver.config.k8s.io"),
        "EncryptionConfig" => true,
        _ => false,
    }
}

impl EncryptionConfig {
    /// Reads the configuration from its root mapping.
    pub fn read(root: NodeRef<'_, '_>, fallback: Pos) -> Self {
        let resources = root.entry("resources");
        let pos = resources.map_or(fallback, |entry| entry.key.pos());
        let mut entries = Vec::new();
        let items = resources.map(|entry| entry.value);
        for (index, item) in items
            .iter()
            .flat_map(kubeward_yaml::NodeRef::items)
            .enumerate()
        {
            let path = format!("resources[{index}]");
            entries.push(read_entry(item, path));
        }
        EncryptionConfig { entries, pos }
    }

    /// The entry the API server uses for `resource` of `group`: the first
    /// that names it.
    pub fn entry_for(&self, group: &str, resource: &str) -> Option<&ResourceEntry> {
        self.entries
            .iter()
            .find(|entry| entry.covers(group, resource))
    }
}

fn read_entry(item: NodeRef<'_, '_>, path: String) -> ResourceEntry {
    let resources = item
        .get("resources")
        .into_iter()
        .flat_map(|list| list.items())
        .filter_map(|name| name.as_str().map(str::to_owned))
        .collect();
    let mut providers = Vec::new();
    let provider_list = item.get("providers");
    for (index, provider) in provider_list
        .iter()
        .flat_map(kubeward_yaml::NodeRef::items)
        .enumerate()
    {
        let Some(first) = provider.entries().into_iter().next() else {
            continue;
        };
        let Some(name) = first.key_str() else {
            continue;
        };
        let kind = match name.as_ref() {
            "identity" => ProviderKind::Identity,
            "aescbc" => ProviderKind::AesCbc,
            "aesgcm" => ProviderKind::AesGcm,
            "secretbox" => ProviderKind::Secretbox,
            "kms" => match first.value.get_str("apiVersion") {
                Some("v2") => ProviderKind::KmsV2,
                _ => ProviderKind::KmsV1,
            },
            other => ProviderKind::Other(other.to_owned()),
        };
        providers.push(Provider {
            kind,
            pos: first.key.pos(),
            path: format!("{path}.providers[{index}].{name}"),
        });
    }
    ResourceEntry {
        resources,
        providers,
        pos: item.pos(),
        path,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(resources: &[&str]) -> ResourceEntry {
        ResourceEntry {
            resources: resources.iter().map(|r| (*r).to_owned()).collect(),
            providers: Vec::new(),
            pos: Pos::default(),
            path: String::new(),
        }
    }

    #[test]
    fn names_cover_resources() {
        assert!(entry(&["secrets"]).covers("", "secrets"));
        assert!(entry(&["*."]).covers("", "secrets"));
        assert!(entry(&["*.*"]).covers("", "secrets"));
        assert!(!entry(&["*.apps"]).covers("", "secrets"));
        assert!(!entry(&["configmaps"]).covers("", "secrets"));
        assert!(entry(&["deployments.apps"]).covers("apps", "deployments"));
    }
}
