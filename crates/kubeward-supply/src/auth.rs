//! Registry credentials from the Docker config file, as `docker login`
//! writes them: `$DOCKER_CONFIG/config.json`, else
//! `~/.docker/config.json`.
//!
//! Entries of `auths` are keyed by registry host, sometimes with a scheme
//! and path (`https://index.docker.io/v1/`); each holds `auth` (base64 of
//! `user:password`), or `username` and `password`, or a `registrytoken`.
//! Credential helpers (`credsStore`, `credHelpers`) are programs kubeward
//! does not run; a registry that only has one is reached anonymously, with
//! a warning.

use std::collections::BTreeMap;
use std::fmt;
use std::path::{Path, PathBuf};

use oci_client::secrets::RegistryAuth;
use serde::Deserialize;

use crate::cosign::decode_base64;

/// Largest config file read.
const MAX_CONFIG_BYTES: u64 = 4 * 1024 * 1024;

/// Why the config file cannot be used.
#[derive(Debug, thiserror::Error)]
pub enum AuthError {
    #[error("cannot read the Docker config file {path}: {source}")]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("the Docker config file {path} is larger than {MAX_CONFIG_BYTES} bytes")]
    TooLarge { path: PathBuf },
    #[error("invalid Docker config file {path}: {message}")]
    Invalid { path: PathBuf, message: String },
}

/// One registry's credentials. Debug output never shows secrets.
#[derive(Clone, PartialEq, Eq)]
enum Credential {
    Basic { username: String, password: String },
    Token(String),
}

impl fmt::Debug for Credential {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Credential::Basic { username, .. } => f
                .debug_struct("Basic")
                .field("username", username)
                .finish_non_exhaustive(),
            Credential::Token(_) => f.write_str("Token"),
        }
    }
}

/// The credentials of a Docker config file, by normalised registry host.
#[derive(Clone, Debug, Default)]
pub struct DockerConfig {
    credentials: BTreeMap<String, Credential>,
    /// Registries whose credentials are kept by a helper kubeward does not
    /// run, and the helper's name.
    helpers: BTreeMap<String, String>,
    /// The default helper (`credsStore`), used for every registry.
    default_helper: Option<String>,
    /// Problems found while reading entries, such as an undecodable `auth`.
    pub warnings: Vec<String>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct RawConfig {
    #[serde(default)]
    auths: BTreeMap<String, RawAuth>,
    #[serde(default)]
    creds_store: Option<String>,
    #[serde(default)]
    cred_helpers: BTreeMap<String, String>,
}

#[derive(Deserialize)]
struct RawAuth {
    #[serde(default)]
    auth: Option<String>,
    #[serde(default)]
    username: Option<String>,
    #[serde(default)]
    password: Option<String>,
    #[serde(default)]
    registrytoken: Option<String>,
    #[serde(default)]
    identitytoken: Option<String>,
}

impl DockerConfig {
    /// The default config file's path: `$DOCKER_CONFIG/config.json`, else
    /// `$HOME/.docker/config.json`.
    pub fn default_path() -> Option<PathBuf> {
        if let Some(dir) = std::env::var_os("DOCKER_CONFIG") {
            return Some(PathBuf::from(dir).join("config.json"));
        }
        std::env::var_os("HOME").map(|home| PathBuf::from(home).join(".docker/config.json"))
    }

    /// Reads a config file; a missing file at the default path means no
    /// credentials.
    pub fn load(path: &Path, required: bool) -> Result<Self, AuthError> {
        let metadata = match std::fs::metadata(path) {
            Ok(metadata) => metadata,
            Err(error) if !required && error.kind() == std::io::ErrorKind::NotFound => {
                return Ok(DockerConfig::default());
            }
            Err(source) => {
                return Err(AuthError::Io {
                    path: path.to_path_buf(),
                    source,
                });
            }
        };
        if metadata.len() > MAX_CONFIG_BYTES {
            return Err(AuthError::TooLarge {
                path: path.to_path_buf(),
            });
        }
        let text = std::fs::read_to_string(path).map_err(|source| AuthError::Io {
            path: path.to_path_buf(),
            source,
        })?;
        Self::parse(&text).map_err(|message| AuthError::Invalid {
            path: path.to_path_buf(),
            message,
        })
    }

    /// Reads a config file's JSON.
    pub fn parse(text: &str) -> Result<Self, String> {
        let raw: RawConfig = serde_json::from_str(text).map_err(|error| error.to_string())?;
        let mut config = DockerConfig {
            default_helper: raw.creds_store,
            ..DockerConfig::default()
        };
        for (key, entry) in raw.auths {
            let host = normalize_host(&key);
            match credential(&entry) {
                Ok(Some(credential)) => {
                    config.credentials.insert(host, credential);
                }
                Ok(None) => {}
                Err(problem) => config
                    .warnings
                    .push(format!("Docker config entry for {key}: {problem}")),
            }
        }
        for (key, helper) in raw.cred_helpers {
            config.helpers.insert(normalize_host(&key), helper);
        }
        Ok(config)
    }

    /// The credentials to use with `registry` (`host[:port]`, with
    /// `docker.io` for Docker Hub).
    pub fn auth_for(&self, registry: &str) -> RegistryAuth {
        match self.credentials.get(&normalize_host(registry)) {
            Some(Credential::Basic { username, password }) => {
                RegistryAuth::Basic(username.clone(), password.clone())
            }
            Some(Credential::Token(token)) => RegistryAuth::Bearer(token.clone()),
            None => RegistryAuth::Anonymous,
        }
    }

    /// The credential helper kubeward would have to run for `registry`,
    /// when the file holds no credentials of its own for it.
    pub fn helper_for(&self, registry: &str) -> Option<&str> {
        let host = normalize_host(registry);
        if self.credentials.contains_key(&host) {
            return None;
        }
        self.helpers
            .get(&host)
            .or(self.default_helper.as_ref())
            .map(String::as_str)
    }
}

fn credential(entry: &RawAuth) -> Result<Option<Credential>, &'static str> {
    if let Some(token) = entry.registrytoken.as_ref().filter(|t| !t.is_empty()) {
        return Ok(Some(Credential::Token(token.clone())));
    }
    if let (Some(username), Some(password)) = (&entry.username, &entry.password) {
        return Ok(Some(Credential::Basic {
            username: username.clone(),
            password: password.clone(),
        }));
    }
    if let Some(auth) = entry.auth.as_ref().filter(|a| !a.is_empty()) {
        let decoded = decode_base64(auth).ok_or("`auth` is not base64")?;
        let text = String::from_utf8(decoded).map_err(|_| "`auth` is not UTF-8")?;
        let (username, password) = text
            .split_once(':')
            .ok_or("`auth` is not base64 of user:password")?;
        return Ok(Some(Credential::Basic {
            username: username.to_owned(),
            password: password.to_owned(),
        }));
    }
    if entry.identitytoken.is_some() {
        return Err(
            "identity tokens (OAuth refresh tokens) are not supported; use a password or a registry token",
        );
    }
    Ok(None)
}

/// A registry key as images name the registry: no scheme, no path, and
/// `docker.io` for Docker Hub's hosts.
fn normalize_host(key: &str) -> String {
    let key = key.trim();
    let key = key
        .strip_prefix("https://")
        .or_else(|| key.strip_prefix("http://"))
        .unwrap_or(key);
    let host = key.split('/').next().unwrap_or(key).to_ascii_lowercase();
    match host.as_str() {
        "index.docker.io" | "registry-1.docker.io" => "docker.io".to_owned(),
        _ => host,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn auth_entries() {
        // "user:secret" and "robot:token:with:colons"
        let config = DockerConfig::parse(
            r#"{"auths":{
                "https://index.docker.io/v1/":{"auth":"dXNlcjpzZWNyZXQ="},
                "registry.example.com:5000":{"username":"ci","password":"pw"},
                "ghcr.io":{"auth":"cm9ib3Q6dG9rZW46d2l0aDpjb2xvbnM="},
                "quay.io":{"registrytoken":"abc"}
            }}"#,
        )
        .expect("the config parses");
        assert_eq!(
            config.auth_for("docker.io"),
            RegistryAuth::Basic("user".into(), "secret".into())
        );
        assert_eq!(
            config.auth_for("registry.example.com:5000"),
            RegistryAuth::Basic("ci".into(), "pw".into())
        );
        assert_eq!(
            config.auth_for("ghcr.io"),
            RegistryAuth::Basic("robot".into(), "token:with:colons".into())
        );
        assert_eq!(
            config.auth_for("quay.io"),
            RegistryAuth::Bearer("abc".into())
        );
        assert_eq!(config.auth_for("gcr.io"), RegistryAuth::Anonymous);
        assert!(config.warnings.is_empty(), "{:?}", config.warnings);
    }

    #[test]
    fn helpers_and_bad_entries() {
        let config = DockerConfig::parse(
            r#"{"auths":{"bad.example.com":{"auth":"%%%"},
                "id.example.com":{"identitytoken":"x"}},
                "credsStore":"desktop","credHelpers":{"123.dkr.ecr.us-east-1.amazonaws.com":"ecr-login"}}"#,
        )
        .expect("the config parses");
        assert_eq!(config.warnings.len(), 2, "{:?}", config.warnings);
        assert_eq!(
            config.helper_for("123.dkr.ecr.us-east-1.amazonaws.com"),
            Some("ecr-login")
        );
        assert_eq!(config.helper_for("ghcr.io"), Some("desktop"));
    }

    #[test]
    fn debug_hides_secrets() {
        let config = DockerConfig::parse(
            r#"{"auths":{"r.example.com":{"username":"ci","password":"hunter2"},
                "t.example.com":{"registrytoken":"tok-secret"}}}"#,
        )
        .expect("the config parses");
        let debug = format!("{config:?}");
        assert!(!debug.contains("hunter2"), "{debug}");
        assert!(!debug.contains("tok-secret"), "{debug}");
    }

    #[test]
    fn missing_default_file_is_empty() {
        let dir = tempfile::tempdir().expect("temporary directory");
        let config = DockerConfig::load(&dir.path().join("config.json"), false)
            .expect("a missing default file is no error");
        assert_eq!(config.auth_for("docker.io"), RegistryAuth::Anonymous);
        assert!(DockerConfig::load(&dir.path().join("config.json"), true).is_err());
    }
}
