//! `kubeward images verify` against a real OCI registry on 127.0.0.1 and
//! against an OCI image layout directory. The tests store images through
//! the registry's HTTP API or as layout files, sign and attest them in
//! cosign's formats with keys that `openssl` generates, and check the
//! verdicts of the kubeward binary.

mod oci;

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use assert_cmd::Command;
use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use oci::cosign::{self, CYCLONEDX_PREDICATE, Key, SPDX_PREDICATE};
use oci::registry::{PASSWORD, USER};
use oci::{Layout, Registry, Store};
use serde_json::{Value, json};

/// The images of one store and the keys that signed them.
struct Fixture {
    store: Box<dyn Store>,
    /// The options that point `kubeward images verify` at the store.
    source_args: Vec<String>,
    /// The key the user trusts, `cosign.pub`.
    trusted: Key,
    /// Digests by repository.
    digests: BTreeMap<&'static str, String>,
}

impl Fixture {
    /// Starts a registry on 127.0.0.1 and fills it with [`Fixture::fill`].
    fn registry(test: &str) -> Option<Self> {
        let openssl = kubeward_testutil::require_program(test, "openssl")?;
        let registry = Registry::start(test)?;
        let source_args = vec!["--insecure-registry".to_owned(), registry.host.clone()];
        Some(Self::fill(Box::new(registry), source_args, &openssl))
    }

    /// Starts a registry that serves HTTPS with a certificate from a test
    /// certificate authority, passed with `--ca-file`, and that requires a
    /// login when `login` is set; fills it with [`Fixture::fill`].
    fn registry_tls(test: &str, login: bool) -> Option<Self> {
        let openssl = kubeward_testutil::require_program(test, "openssl")?;
        let registry = if login {
            Registry::start_tls_with_login(test)?
        } else {
            Registry::start_tls(test)?
        };
        let ca = registry
            .ca_certificate
            .clone()
            .expect("a TLS registry has a CA");
        let ca = ca.to_str().expect("UTF-8 temporary path").to_owned();
        let source_args = vec!["--ca-file".to_owned(), ca];
        Some(Self::fill(Box::new(registry), source_args, &openssl))
    }

    /// Creates an OCI image layout of images named under
    /// `registry.example.com`, filled with [`Fixture::fill`].
    fn layout(test: &str) -> Option<Self> {
        let openssl = kubeward_testutil::require_program(test, "openssl")?;
        let layout = Layout::new("registry.example.com");
        let path = layout
            .path()
            .to_str()
            .expect("UTF-8 temporary path")
            .to_owned();
        let source_args = vec!["--oci-layout".to_owned(), path];
        Some(Self::fill(Box::new(layout), source_args, &openssl))
    }

    /// Stores, signs and attests the images:
    ///
    /// | repository | signature | attestations |
    /// |---|---|---|
    /// | `team/app` (`1.0`, `latest`) | trusted key | SPDX, trusted key |
    /// | `team/bom` | trusted key | CycloneDX and SLSA provenance, trusted key |
    /// | `team/unsigned` | none | none |
    /// | `team/other-key` | another key | SPDX, another key |
    /// | `team/moved` | trusted key, over another image's digest | none |
    /// | `team/no-sbom` | trusted key | SPDX, another key |
    fn fill(store: Box<dyn Store>, source_args: Vec<String>, openssl: &Path) -> Self {
        let trusted = Key::generate(openssl, store.dir(), "cosign");
        let other = Key::generate(openssl, store.dir(), "other");
        let mut digests = BTreeMap::new();
        for (repository, tags) in [
            ("team/app", &["1.0", "latest"][..]),
            ("team/bom", &["2.0"]),
            ("team/unsigned", &["1.0"]),
            ("team/other-key", &["1.0"]),
            ("team/moved", &["1.0"]),
            ("team/no-sbom", &["1.0"]),
        ] {
            let digest = store.push_image(repository, tags, &format!("{repository} build 1"));
            digests.insert(repository, digest);
        }
        let fixture = Fixture {
            store,
            source_args,
            trusted,
            digests,
        };
        fixture.sign_and_attest(&other);
        fixture
    }

    fn sign_and_attest(&self, other: &Key) {
        let store = &*self.store;
        let statement = |repository: &str, predicate_type: &str, predicate: &Value| {
            cosign::statement(
                &store.image(repository),
                self.digest(repository),
                predicate_type,
                predicate,
            )
        };

        let app = self.digest("team/app");
        cosign::sign_image(store, "team/app", app, &self.trusted);
        let sbom = statement(
            "team/app",
            SPDX_PREDICATE,
            &cosign::spdx_document("team/app"),
        );
        cosign::attest_image(store, "team/app", app, &[sbom], &self.trusted);

        let bom = self.digest("team/bom");
        cosign::sign_image(store, "team/bom", bom, &self.trusted);
        let provenance =
            json!({"buildType": "https://example.com/build/v1", "builder": {"id": "ci"}});
        let statements = [
            statement("team/bom", CYCLONEDX_PREDICATE, &cosign::cyclonedx_bom()),
            statement("team/bom", "https://slsa.dev/provenance/v0.2", &provenance),
        ];
        cosign::attest_image(store, "team/bom", bom, &statements, &self.trusted);

        let other_key = self.digest("team/other-key");
        cosign::sign_image(store, "team/other-key", other_key, other);
        let sbom = statement(
            "team/other-key",
            SPDX_PREDICATE,
            &cosign::spdx_document("x"),
        );
        cosign::attest_image(store, "team/other-key", other_key, &[sbom], other);

        // A signature copied from another image: stored at the right tag
        // and made by the trusted key, but over the other image's digest.
        let moved = self.digest("team/moved");
        let payload = cosign::simple_signing_payload(&store.image("team/moved"), app);
        let signature = self.trusted.sign(&payload);
        cosign::attach_signature(store, "team/moved", moved, &payload, &signature);

        let no_sbom = self.digest("team/no-sbom");
        cosign::sign_image(store, "team/no-sbom", no_sbom, &self.trusted);
        let sbom = statement("team/no-sbom", SPDX_PREDICATE, &cosign::spdx_document("x"));
        cosign::attest_image(store, "team/no-sbom", no_sbom, &[sbom], other);
    }

    fn digest(&self, repository: &str) -> &str {
        &self.digests[repository]
    }

    fn image(&self, repository: &str) -> String {
        self.store.image(repository)
    }

    /// The registry host the images are named under.
    fn host(&self) -> String {
        let image = self.store.image("x");
        image
            .strip_suffix("/x")
            .expect("images are host/repository")
            .to_owned()
    }

    /// Writes a Deployment with one container per image reference.
    fn write_manifest(&self, images: &[String]) -> PathBuf {
        let mut yaml = String::from(
            "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: shop\n  namespace: shop\n\
             spec:\n  selector:\n    matchLabels: {app: shop}\n  template:\n    metadata:\n      \
             labels: {app: shop}\n    spec:\n      containers:\n",
        );
        for (index, image) in images.iter().enumerate() {
            let _ = writeln!(yaml, "        - name: c{index}\n          image: {image}");
        }
        let path = self.store.dir().join("deployment.yaml");
        std::fs::write(&path, yaml).expect("manifest written");
        path
    }

    /// Runs `kubeward images verify --key cosign.pub` on the store (over
    /// plain HTTP for a registry), with an empty Docker config, and returns
    /// the exit status, standard output and standard error.
    fn verify(&self, args: &[&str]) -> (i32, String, String) {
        self.verify_with_source(&self.source_args, args)
    }

    /// Runs `kubeward images verify` as [`Fixture::verify`] does, with
    /// `source_args` in place of the fixture's own.
    fn verify_with_source(&self, source_args: &[String], args: &[&str]) -> (i32, String, String) {
        let docker_config = self.store.dir().join("docker");
        std::fs::create_dir_all(&docker_config).expect("Docker config directory");
        let output = Command::new(env!("CARGO_BIN_EXE_kubeward"))
            .args(["images", "verify", "--key"])
            .arg(&self.trusted.public)
            .args(source_args)
            .args(args)
            .env("DOCKER_CONFIG", &docker_config)
            .env_remove("NO_COLOR")
            .output()
            .expect("kubeward runs");
        (
            output.status.code().expect("kubeward exited normally"),
            String::from_utf8(output.stdout).expect("stdout is UTF-8"),
            String::from_utf8(output.stderr).expect("stderr is UTF-8"),
        )
    }
}

/// Reads the verdicts of a JSON report, by image reference.
fn verdicts(stdout: &str) -> BTreeMap<String, Value> {
    let document: Value = serde_json::from_str(stdout).expect("the output is JSON");
    document["images"]
        .as_array()
        .expect("an images array")
        .iter()
        .map(|verdict| {
            let image = verdict["image"].as_str().expect("an image").to_owned();
            (image, verdict.clone())
        })
        .collect()
}

fn assert_verdict(verdicts: &BTreeMap<String, Value>, image: &str, signature: &str, sbom: &[&str]) {
    let verdict = verdicts
        .get(image)
        .unwrap_or_else(|| panic!("no verdict for {image}: {verdicts:#?}"));
    assert_eq!(
        verdict["signature"], signature,
        "signature of {image}: {verdict:#}"
    );
    assert_eq!(verdict["sbom"], json!(sbom), "SBOM of {image}: {verdict:#}");
}

fn path_arg(path: &Path) -> &str {
    path.to_str().expect("UTF-8 temporary path")
}

#[test]
fn verify_reports_each_status() {
    let Some(fixture) = Fixture::registry("verify_reports_each_status") else {
        return;
    };
    assert_each_status(&fixture);
}

#[test]
fn verify_reports_each_status_from_layout() {
    let Some(fixture) = Fixture::layout("verify_reports_each_status_from_layout") else {
        return;
    };
    assert_each_status(&fixture);
}

/// Verifies one Deployment that uses every image of the fixture, by tag,
/// digest or both, and checks each image's verdict.
fn assert_each_status(fixture: &Fixture) {
    let app_digest = fixture.digest("team/app");
    // No tag: the implicit `latest`, also behind a registry port.
    let app_latest = fixture.image("team/app");
    let app_pinned = format!("{}:1.0@{app_digest}", fixture.image("team/app"));
    let bom_pinned = format!(
        "{}@{}",
        fixture.image("team/bom"),
        fixture.digest("team/bom")
    );
    let unsigned = format!("{}:1.0", fixture.image("team/unsigned"));
    let other_key = format!("{}:1.0", fixture.image("team/other-key"));
    let moved = format!("{}:1.0", fixture.image("team/moved"));
    let no_sbom = format!("{}:1.0", fixture.image("team/no-sbom"));
    let manifest = fixture.write_manifest(&[
        app_latest.clone(),
        app_pinned.clone(),
        bom_pinned.clone(),
        unsigned.clone(),
        other_key.clone(),
        moved.clone(),
        no_sbom.clone(),
    ]);

    let (code, stdout, stderr) = fixture.verify(&["-o", "json", path_arg(&manifest)]);
    assert_eq!(code, 1, "some images fail verification\n{stdout}\n{stderr}");
    let verdicts = verdicts(&stdout);
    assert_eq!(verdicts.len(), 7, "{verdicts:#?}");

    assert_verdict(&verdicts, &app_latest, "signed", &["spdx"]);
    assert_eq!(verdicts[&app_latest]["digest"], app_digest);
    assert_verdict(&verdicts, &app_pinned, "signed", &["spdx"]);
    assert_eq!(verdicts[&app_pinned]["digest"], app_digest);
    assert_verdict(&verdicts, &bom_pinned, "signed", &["cyclonedx"]);
    assert_eq!(verdicts[&bom_pinned]["provenance"], true);
    assert_eq!(verdicts[&app_latest]["provenance"], false);

    assert_verdict(&verdicts, &unsigned, "unsigned", &[]);
    assert_eq!(
        verdicts[&unsigned]["digest"],
        fixture.digest("team/unsigned")
    );
    assert_verdict(&verdicts, &other_key, "invalid-signature", &[]);
    assert_verdict(&verdicts, &moved, "digest-mismatch", &[]);
    let moved_notes = verdicts[&moved]["notes"].to_string();
    assert!(moved_notes.contains(app_digest), "{moved_notes}");
    assert_verdict(&verdicts, &no_sbom, "signed", &[]);
    let no_sbom_notes = verdicts[&no_sbom]["notes"].to_string();
    assert!(
        no_sbom_notes.contains("1 attestation(s) not signed by the key"),
        "{no_sbom_notes}"
    );

    for verdict in verdicts.values() {
        assert!(verdict["error"].is_null(), "{verdict:#}");
        let used_by = &verdict["usedBy"][0];
        assert_eq!(used_by["object"]["kind"], "Deployment", "{verdict:#}");
    }
}

#[test]
fn verify_table_for_signed_image() {
    let Some(fixture) = Fixture::registry("verify_table_for_signed_image") else {
        return;
    };
    let app = fixture.image("team/app");
    let (code, stdout, stderr) = fixture.verify(&["--image", &app]);
    assert_eq!(
        code, 0,
        "a signed image with an SBOM passes\n{stdout}\n{stderr}"
    );
    let row = stdout
        .lines()
        .find(|line| line.starts_with(&app))
        .unwrap_or_else(|| panic!("no row for {app}:\n{stdout}"));
    let columns: Vec<&str> = row.split_whitespace().collect();
    let short_digest = &fixture.digest("team/app")[..19];
    assert_eq!(
        columns,
        [
            app.as_str(),
            &format!("{short_digest}…"),
            "signed",
            "spdx",
            "none"
        ],
        "{stdout}"
    );
    assert!(
        stdout.contains("1 of 1 images signed by the key with an SBOM attestation"),
        "{stdout}"
    );
}

#[test]
fn verify_missing_image_is_an_error() {
    let Some(fixture) = Fixture::registry("verify_missing_image_is_an_error") else {
        return;
    };
    let missing = format!("{}:9.9", fixture.image("team/app"));
    let app = fixture.image("team/app");
    let (code, stdout, stderr) =
        fixture.verify(&["-o", "json", "--image", &missing, "--image", &app]);
    assert_eq!(code, 2, "an image that cannot be read\n{stdout}\n{stderr}");
    let verdicts = verdicts(&stdout);
    assert_eq!(verdicts[&missing]["signature"], "error");
    let error = verdicts[&missing]["error"]
        .as_str()
        .expect("an error message");
    assert!(error.contains("not found"), "{error}");
    // The other image is still verified.
    assert_verdict(&verdicts, &app, "signed", &["spdx"]);
}

#[test]
fn verify_over_tls_with_ca_file() {
    let Some(fixture) = Fixture::registry_tls("verify_over_tls_with_ca_file", false) else {
        return;
    };
    let app = fixture.image("team/app");
    let (code, stdout, stderr) = fixture.verify(&["-o", "json", "--image", &app]);
    assert_eq!(
        code, 0,
        "the CA file makes the registry trusted\n{stdout}\n{stderr}"
    );
    assert_verdict(&verdicts(&stdout), &app, "signed", &["spdx"]);

    // Without the CA file the registry's certificate has an unknown issuer.
    let (code, stdout, stderr) = fixture.verify_with_source(&[], &["-o", "json", "--image", &app]);
    assert_eq!(
        code, 2,
        "an untrusted registry is an error\n{stdout}\n{stderr}"
    );
    let verdicts = verdicts(&stdout);
    assert_eq!(verdicts[&app]["signature"], "error");
    let error = verdicts[&app]["error"].as_str().expect("an error message");
    assert!(
        error.contains("invalid peer certificate: UnknownIssuer"),
        "{error}"
    );
    assert!(error.contains("--ca-file"), "{error}");
}

#[test]
fn verify_plain_http_needs_flag() {
    let Some(fixture) = Fixture::registry("verify_plain_http_needs_flag") else {
        return;
    };
    let app = fixture.image("team/app");
    // Without --insecure-registry, kubeward connects over HTTPS to the registry.
    let (code, stdout, stderr) = fixture.verify_with_source(&[], &["-o", "json", "--image", &app]);
    assert_eq!(
        code, 2,
        "a registry without HTTPS is an error\n{stdout}\n{stderr}"
    );
    let verdicts = verdicts(&stdout);
    assert_eq!(verdicts[&app]["signature"], "error");
    let error = verdicts[&app]["error"].as_str().expect("an error message");
    assert!(
        error.contains(&format!("https://{}/v2/", fixture.host())),
        "{error}"
    );
    assert!(error.contains("--insecure-registry"), "{error}");
}

#[test]
fn verify_with_docker_config_login() {
    let Some(fixture) = Fixture::registry_tls("verify_with_docker_config_login", true) else {
        return;
    };
    let app = fixture.image("team/app");

    // The fixture's Docker config directory is empty: no credentials.
    let (code, stdout, stderr) = fixture.verify(&["-o", "json", "--image", &app]);
    assert_eq!(
        code, 2,
        "an anonymous request is rejected\n{stdout}\n{stderr}"
    );
    let verdicts_without_login = verdicts(&stdout);
    let verdict = &verdicts_without_login[&app];
    assert_eq!(verdict["signature"], "error");
    let error = verdict["error"].as_str().expect("an error message");
    assert!(error.contains("Not authorized"), "{error}");
    assert!(
        error.contains(&format!("log in to {}", fixture.host())),
        "{error}"
    );

    // A config file named on the command line, with `auth` as `docker
    // login` writes it.
    let login = STANDARD.encode(format!("{USER}:{PASSWORD}"));
    let config = fixture.store.dir().join("login-config.json");
    let auths = json!({"auths": {fixture.host(): {"auth": login}}});
    std::fs::write(&config, auths.to_string()).expect("Docker config written");
    let config = path_arg(&config);
    let (code, stdout, stderr) =
        fixture.verify(&["-o", "json", "--docker-config", config, "--image", &app]);
    assert_eq!(code, 0, "the login lets kubeward in\n{stdout}\n{stderr}");
    assert_verdict(&verdicts(&stdout), &app, "signed", &["spdx"]);

    // The default file, `$DOCKER_CONFIG/config.json`, with a user name and
    // password.
    let default_config = fixture.store.dir().join("docker/config.json");
    let auths = json!({"auths": {format!("https://{}", fixture.host()): {
        "username": USER, "password": PASSWORD}}});
    std::fs::write(&default_config, auths.to_string()).expect("Docker config written");
    let (code, stdout, stderr) = fixture.verify(&["-o", "json", "--image", &app]);
    assert_eq!(
        code, 0,
        "the default config file is read\n{stdout}\n{stderr}"
    );
    assert_verdict(&verdicts(&stdout), &app, "signed", &["spdx"]);
}

#[test]
fn verify_sigstore_bundles_from_layout() {
    let test = "verify_sigstore_bundles_from_layout";
    let Some(fixture) = Fixture::layout(test) else {
        return;
    };
    let Some(openssl) = kubeward_testutil::require_program(test, "openssl") else {
        return;
    };
    let store = &*fixture.store;
    let other = Key::generate(&openssl, store.dir(), "bundle-other");

    // Signed and attested only through bundles that refer to the image.
    let bundled = store.push_image("team/bundled", &["1.0"], "bundled build 1");
    let bundle = cosign::message_signature_bundle(&bundled, &fixture.trusted);
    cosign::attach_bundle(store, "team/bundled", &bundled, &bundle);
    let sbom = cosign::statement(
        &store.image("team/bundled"),
        &bundled,
        CYCLONEDX_PREDICATE,
        &cosign::cyclonedx_bom(),
    );
    let bundle = cosign::dsse_bundle(&sbom, &fixture.trusted);
    cosign::attach_bundle(store, "team/bundled", &bundled, &bundle);

    // A bundle by another key.
    let foreign = store.push_image("team/foreign", &["1.0"], "foreign build 1");
    let bundle = cosign::message_signature_bundle(&foreign, &other);
    cosign::attach_bundle(store, "team/foreign", &foreign, &bundle);

    // A bundle by the trusted key, over another image's manifest.
    let copied = store.push_image("team/copied", &["1.0"], "copied build 1");
    let bundle = cosign::message_signature_bundle(&bundled, &fixture.trusted);
    cosign::attach_bundle(store, "team/copied", &copied, &bundle);

    let bundled_ref = format!("{}:1.0", store.image("team/bundled"));
    let foreign_ref = format!("{}@{foreign}", store.image("team/foreign"));
    let copied_ref = format!("{}:1.0", store.image("team/copied"));
    let (code, stdout, stderr) = fixture.verify(&[
        "-o",
        "json",
        "--image",
        &bundled_ref,
        "--image",
        &foreign_ref,
        "--image",
        &copied_ref,
    ]);
    assert_eq!(code, 1, "{stdout}\n{stderr}");
    let verdicts = verdicts(&stdout);
    assert_verdict(&verdicts, &bundled_ref, "signed", &["cyclonedx"]);
    assert_eq!(verdicts[&bundled_ref]["digest"], bundled);
    assert_verdict(&verdicts, &foreign_ref, "invalid-signature", &[]);
    assert_verdict(&verdicts, &copied_ref, "digest-mismatch", &[]);
}
