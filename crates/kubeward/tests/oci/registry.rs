//! Debian's `docker-registry` on 127.0.0.1, serving plain HTTP or HTTPS
//! with a certificate from a test certificate authority, configured by a
//! file in a temporary directory and filled through its HTTP API.

use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use oci_spec::image::Descriptor;
use reqwest::Method;

use super::{Store, descriptor, sha256};

/// How long the registry may take to respond to its first request.
const START_TIMEOUT: Duration = Duration::from_secs(20);
/// Times a registry is started on a fresh port when the first one was
/// taken between picking it and the registry binding it.
const START_ATTEMPTS: usize = 3;
/// The user that [`Registry::start_tls_with_login`] requires.
pub const USER: &str = "ci";
/// That user's password.
pub const PASSWORD: &str = "kubeward-test-password";
/// The bcrypt hash of [`PASSWORD`] (cost 5), which the registry's
/// htpasswd file needs, computed once with
/// `perl -e 'print crypt("kubeward-test-password", q{$2b$05$abcdefghijklmnopqrstuu})'`
/// on Debian's libxcrypt.
const PASSWORD_BCRYPT: &str = "$2b$05$abcdefghijklmnopqrstuuHr7tVK740lgVMffZ8hEAe3NdV9V3Nvq";

/// A running registry, stopped and its storage removed on drop.
pub struct Registry {
    child: Child,
    /// `127.0.0.1:<port>`, as image references name the registry.
    pub host: String,
    /// `http` or `https`.
    scheme: &'static str,
    /// Whether requests need [`USER`] and [`PASSWORD`].
    login: bool,
    /// The PEM certificate of the authority that signed the registry's
    /// certificate, for HTTPS.
    pub ca_certificate: Option<PathBuf>,
    dir: tempfile::TempDir,
    client: reqwest::Client,
    runtime: tokio::runtime::Runtime,
}

impl Drop for Registry {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Registry {
    /// Starts a registry that serves plain HTTP on a free loopback port, or
    /// returns `None` after printing why `test` skips when
    /// `docker-registry` is not installed.
    pub fn start(test: &str) -> Option<Self> {
        let program = kubeward_testutil::require_program(test, "docker-registry")?;
        Some(Self::start_retrying(&program, None, false))
    }

    /// Starts a registry that serves HTTPS with a certificate for
    /// 127.0.0.1 issued by a certificate authority `openssl` creates, or
    /// returns `None` after printing why `test` skips.
    pub fn start_tls(test: &str) -> Option<Self> {
        let program = kubeward_testutil::require_program(test, "docker-registry")?;
        let openssl = kubeward_testutil::require_program(test, "openssl")?;
        Some(Self::start_retrying(&program, Some(&openssl), false))
    }

    /// Starts a registry as [`Registry::start_tls`] does that also requires
    /// HTTP basic authentication as [`USER`] with [`PASSWORD`].
    pub fn start_tls_with_login(test: &str) -> Option<Self> {
        let program = kubeward_testutil::require_program(test, "docker-registry")?;
        let openssl = kubeward_testutil::require_program(test, "openssl")?;
        Some(Self::start_retrying(&program, Some(&openssl), true))
    }

    fn start_retrying(program: &Path, openssl: Option<&Path>, login: bool) -> Self {
        let mut last_log = String::new();
        for _ in 0..START_ATTEMPTS {
            match Self::start_once(program, openssl, login) {
                Ok(registry) => return registry,
                Err(log) => last_log = log,
            }
        }
        panic!("docker-registry did not start; its log:\n{last_log}");
    }

    fn start_once(program: &Path, openssl: Option<&Path>, login: bool) -> Result<Self, String> {
        let dir = tempfile::tempdir().expect("temporary directory");
        let host = format!("127.0.0.1:{}", free_port());
        let tls = openssl.map(|openssl| issue_certificate(openssl, dir.path()));
        let tls_config = tls.as_ref().map_or_else(String::new, |tls| {
            format!(
                "  tls:\n    certificate: {}\n    key: {}\n",
                tls.certificate.display(),
                tls.key.display()
            )
        });
        let mut auth_config = String::new();
        if login {
            let htpasswd = dir.path().join("htpasswd");
            std::fs::write(&htpasswd, format!("{USER}:{PASSWORD_BCRYPT}\n"))
                .expect("htpasswd written");
            auth_config = format!(
                "auth:\n  htpasswd:\n    realm: kubeward-test\n    path: {}\n",
                htpasswd.display()
            );
        }
        let config = dir.path().join("config.yml");
        let storage = dir.path().join("storage");
        std::fs::write(
            &config,
            format!(
                "version: 0.1\n\
                 log:\n  level: info\n  accesslog:\n    disabled: true\n\
                 storage:\n  filesystem:\n    rootdirectory: {}\n  delete:\n    enabled: true\n\
                 http:\n  addr: {host}\n  secret: kubeward-test\n{tls_config}{auth_config}",
                storage.display()
            ),
        )
        .expect("registry config written");

        let log_path = dir.path().join("registry.log");
        let log = std::fs::File::create(&log_path).expect("registry log created");
        let child = Command::new(program)
            .arg("serve")
            .arg(&config)
            .stdin(Stdio::null())
            .stdout(log.try_clone().expect("log handle"))
            .stderr(log)
            .spawn()
            .expect("docker-registry starts");

        // reqwest is built without a TLS crypto provider because kubeward
        // installs ring as its one provider. An error means that one is
        // installed already.
        let _ = rustls::crypto::ring::default_provider().install_default();
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .expect("tokio runtime");
        let mut client = reqwest::Client::builder();
        if let Some(tls) = &tls {
            let pem = std::fs::read(&tls.ca_certificate).expect("CA certificate readable");
            let certificate = reqwest::Certificate::from_pem(&pem).expect("CA certificate parses");
            client = client.add_root_certificate(certificate);
        }
        let mut registry = Registry {
            child,
            host,
            scheme: if tls.is_some() { "https" } else { "http" },
            login,
            ca_certificate: tls.map(|tls| tls.ca_certificate),
            dir,
            client: client.build().expect("HTTP client"),
            runtime,
        };
        if registry.wait_ready(&log_path) {
            Ok(registry)
        } else {
            Err(std::fs::read_to_string(&log_path).unwrap_or_default())
        }
    }

    /// Waits until the registry logs that it listens on its port and
    /// `GET /v2/` returns 200, or it exits, or [`START_TIMEOUT`] passes.
    /// The log line matters because another test's registry may have taken
    /// the port first, and would respond in its place.
    fn wait_ready(&mut self, log_path: &Path) -> bool {
        let listening = format!("listening on {}", self.host);
        let url = format!("{}://{}/v2/", self.scheme, self.host);
        let deadline = Instant::now() + START_TIMEOUT;
        while Instant::now() < deadline {
            if matches!(self.child.try_wait(), Ok(Some(_))) {
                return false;
            }
            let log = std::fs::read_to_string(log_path).unwrap_or_default();
            if log.contains(&listening) {
                let response = self
                    .runtime
                    .block_on(self.request(Method::GET, &url).send());
                if response.is_ok_and(|response| response.status() == 200) {
                    return true;
                }
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        false
    }

    /// A request to the registry, with the test user's credentials when
    /// the registry requires them.
    fn request(&self, method: Method, url: &str) -> reqwest::RequestBuilder {
        let request = self.client.request(method, url);
        if self.login {
            request.basic_auth(USER, Some(PASSWORD))
        } else {
            request
        }
    }
}

impl Store for Registry {
    /// A temporary directory that lives as long as the registry.
    fn dir(&self) -> &Path {
        self.dir.path()
    }

    /// Reads the size from the `Content-Length` of a HEAD request.
    fn manifest_size(&self, repository: &str, digest: &str) -> u64 {
        let url = format!(
            "{}://{}/v2/{repository}/manifests/{digest}",
            self.scheme, self.host
        );
        let response = self
            .runtime
            .block_on(
                self.request(Method::HEAD, &url)
                    .header("accept", super::OCI_MANIFEST)
                    .send(),
            )
            .expect("HEAD manifest");
        assert_eq!(response.status(), 200, "HEAD {url}");
        response
            .headers()
            .get("content-length")
            .and_then(|value| value.to_str().ok())
            .and_then(|value| value.parse().ok())
            .expect("the response has a Content-Length")
    }

    /// `127.0.0.1:<port>/<repository>`.
    fn image(&self, repository: &str) -> String {
        format!("{}/{repository}", self.host)
    }

    /// Uploads a blob to `repository` (a POST that opens an upload, then a
    /// PUT with the content and its digest) and returns its descriptor.
    fn push_blob(&self, repository: &str, media_type: &str, bytes: &[u8]) -> Descriptor {
        let digest = sha256(bytes);
        self.runtime.block_on(async {
            let start = format!(
                "{}://{}/v2/{repository}/blobs/uploads/",
                self.scheme, self.host
            );
            let opened = self
                .request(Method::POST, &start)
                .send()
                .await
                .expect("POST upload");
            assert_eq!(opened.status(), 202, "opening an upload in {repository}");
            let location = opened
                .headers()
                .get("location")
                .and_then(|value| value.to_str().ok())
                .expect("the upload has a Location")
                .to_owned();
            let mut url = if location.starts_with('/') {
                format!("{}://{}{location}", self.scheme, self.host)
            } else {
                location
            };
            url.push(if url.contains('?') { '&' } else { '?' });
            url.push_str("digest=");
            url.push_str(&digest);
            let stored = self
                .request(Method::PUT, &url)
                .header("content-type", "application/octet-stream")
                .body(bytes.to_vec())
                .send()
                .await
                .expect("PUT blob");
            assert_eq!(
                stored.status(),
                201,
                "storing blob {digest} in {repository}"
            );
        });
        descriptor(media_type, &digest, bytes.len(), None)
    }

    /// Stores a manifest at a tag or digest of `repository` and returns its
    /// digest, checked against the one the registry reports.
    fn push_manifest(
        &self,
        repository: &str,
        reference: &str,
        media_type: &str,
        bytes: &[u8],
    ) -> String {
        let digest = sha256(bytes);
        let url = format!(
            "{}://{}/v2/{repository}/manifests/{reference}",
            self.scheme, self.host
        );
        let response = self.runtime.block_on(async {
            self.request(Method::PUT, &url)
                .header("content-type", media_type)
                .body(bytes.to_vec())
                .send()
                .await
                .expect("PUT manifest")
        });
        let status = response.status();
        let reported = response
            .headers()
            .get("docker-content-digest")
            .and_then(|value| value.to_str().ok())
            .map(str::to_owned);
        let body = self.runtime.block_on(response.text()).unwrap_or_default();
        assert_eq!(
            status, 201,
            "storing manifest {repository}:{reference}: {body}"
        );
        assert_eq!(reported.as_deref(), Some(digest.as_str()));
        digest
    }
}

/// A port on 127.0.0.1 that nothing listened on a moment ago.
fn free_port() -> u16 {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind a free port");
    listener.local_addr().expect("local address").port()
}

/// The files of a server certificate and the authority that issued it.
struct Tls {
    ca_certificate: PathBuf,
    certificate: PathBuf,
    key: PathBuf,
}

/// Creates a certificate authority and an ECDSA P-256 server certificate
/// for the IP address 127.0.0.1, valid for one day, in `dir`.
fn issue_certificate(openssl: &Path, dir: &Path) -> Tls {
    let tls = Tls {
        ca_certificate: dir.join("ca.pem"),
        certificate: dir.join("server.pem"),
        key: dir.join("server.key"),
    };
    let ca_key = dir.join("ca.key");
    let request = dir.join("server.csr");
    let extensions = dir.join("server.ext");
    std::fs::write(
        &extensions,
        "basicConstraints=critical,CA:FALSE\n\
         keyUsage=critical,digitalSignature\n\
         extendedKeyUsage=serverAuth\n\
         subjectAltName=IP:127.0.0.1\n",
    )
    .expect("extensions written");
    let curve = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1"];
    run_openssl(
        Command::new(openssl)
            .args(["req", "-x509", "-nodes", "-days", "1"])
            .args(curve)
            .args(["-subj", "/CN=kubeward test CA", "-keyout"])
            .arg(&ca_key)
            .arg("-out")
            .arg(&tls.ca_certificate),
    );
    run_openssl(
        Command::new(openssl)
            .args(["req", "-nodes"])
            .args(curve)
            .args(["-subj", "/CN=127.0.0.1", "-keyout"])
            .arg(&tls.key)
            .arg("-out")
            .arg(&request),
    );
    run_openssl(
        Command::new(openssl)
            .args(["x509", "-req", "-days", "1", "-set_serial", "2", "-in"])
            .arg(&request)
            .arg("-CA")
            .arg(&tls.ca_certificate)
            .arg("-CAkey")
            .arg(&ca_key)
            .arg("-extfile")
            .arg(&extensions)
            .arg("-out")
            .arg(&tls.certificate),
    );
    tls
}

fn run_openssl(command: &mut Command) {
    let output = command.output().expect("openssl runs");
    assert!(
        output.status.success(),
        "{command:?} failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
}
