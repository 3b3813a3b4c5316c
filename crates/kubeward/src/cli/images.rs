//! `kubeward images` and `kubeward images verify`.

use std::collections::BTreeSet;
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context;
use clap::ValueEnum;
use kubeward::Scanner;
use kubeward_core::{KindSet, ScanOptions};
use kubeward_supply::auth::DockerConfig;
use kubeward_supply::cosign::PublicKey;
use kubeward_supply::list::{self, IMAGE_OWNER_KINDS, ImageEntry};
use kubeward_supply::render;
use kubeward_supply::source::{LayoutSource, RegistryOptions, RegistrySource, Source};
use kubeward_supply::verify::{SignatureStatus, Verifier};

use super::output::print;
use super::{error_status, findings_status};

/// Most bytes read from a key or CA file.
const MAX_PEM_BYTES: u64 = 1024 * 1024;

#[derive(Debug, clap::Args)]
#[command(args_conflicts_with_subcommands = true, subcommand_negates_reqs = true)]
pub struct ImagesArgs {
    #[command(subcommand)]
    pub command: Option<ImagesCommand>,
    /// Files, directories (searched recursively as `kubeward scan`
    /// searches them) or `-` for standard input. Name a directory called
    /// `verify` as `./verify`.
    #[arg(required = true, value_name = "PATH")]
    pub paths: Vec<PathBuf>,
    /// Output format.
    #[arg(short = 'o', long = "output", value_enum, default_value_t = ImagesFormat::Text, value_name = "FORMAT")]
    pub output: ImagesFormat,
}

#[derive(Debug, clap::Subcommand)]
pub enum ImagesCommand {
    /// Verify each image's cosign signature and SBOM attestation with a
    /// public key. Exit status: 0 when every image is signed by the key and
    /// has an SBOM attestation, 1 when one is not, 2 when an image or an
    /// input could not be read.
    Verify(VerifyArgs),
}

#[derive(Debug, clap::Args)]
pub struct VerifyArgs {
    /// Manifests whose images to verify, as for `kubeward images`.
    #[arg(value_name = "PATH", required_unless_present = "images")]
    pub paths: Vec<PathBuf>,
    /// An image reference to verify besides those of the manifests;
    /// repeatable.
    #[arg(long = "image", value_name = "REF")]
    pub images: Vec<String>,
    /// The cosign public key (PEM, ECDSA P-256), as `cosign
    /// generate-key-pair` writes it to cosign.pub.
    #[arg(long, value_name = "FILE")]
    pub key: PathBuf,
    /// Read images, signatures and attestations from OCI image layout
    /// directories (such as `cosign save --dir` writes) instead of
    /// registries; repeatable. Nothing is fetched over the network then.
    #[arg(long = "oci-layout", value_name = "DIR")]
    pub oci_layouts: Vec<PathBuf>,
    /// A registry, as images name it (`host:port`), to reach over plain
    /// HTTP instead of HTTPS; repeatable. Credentials for it travel
    /// unencrypted.
    #[arg(long = "insecure-registry", value_name = "HOST:PORT")]
    pub insecure_registries: Vec<String>,
    /// A PEM file of certificate authorities to trust for registries,
    /// besides the system's; repeatable.
    #[arg(long = "ca-file", value_name = "FILE")]
    pub ca_files: Vec<PathBuf>,
    /// The Docker config file with registry credentials [default:
    /// $DOCKER_CONFIG/config.json, else ~/.docker/config.json].
    #[arg(long, value_name = "FILE")]
    pub docker_config: Option<PathBuf>,
    /// Output format.
    #[arg(short = 'o', long = "output", value_enum, default_value_t = ImagesFormat::Text, value_name = "FORMAT")]
    pub output: ImagesFormat,
}

/// Output formats of `kubeward images`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum ImagesFormat {
    /// A table.
    Text,
    /// One JSON document.
    Json,
}

/// Lists or verifies images, as the arguments say.
pub fn run(args: &ImagesArgs) -> anyhow::Result<ExitCode> {
    match &args.command {
        Some(ImagesCommand::Verify(verify_args)) => verify(verify_args),
        None => list_images(args),
    }
}

fn list_images(args: &ImagesArgs) -> anyhow::Result<ExitCode> {
    let (entries, readable) = collect(&args.paths);
    let rendered = match args.output {
        ImagesFormat::Text => render::images_table(&entries),
        ImagesFormat::Json => render::images_json(&entries),
    };
    print(&rendered, false)?;
    Ok(if readable {
        ExitCode::SUCCESS
    } else {
        error_status()
    })
}

/// Scans the paths for pod spec owners and returns their images, and
/// whether every input could be read. Unreadable inputs and parse errors
/// are reported on standard error; the rest is still listed.
fn collect(paths: &[PathBuf]) -> (Vec<ImageEntry>, bool) {
    if paths.is_empty() {
        return (Vec::new(), true);
    }
    let scanner = Scanner::with_rules(Vec::new(), ScanOptions::default());
    let mut keep = KindSet::none();
    keep.extend(IMAGE_OWNER_KINDS);
    let result = scanner.scan_paths_keeping(paths, &keep);
    for finding in &result.report.findings {
        eprintln!(
            "warning: {}:{}:{}: {}",
            finding.file, finding.line, finding.column, finding.message
        );
    }
    for error in &result.errors {
        eprintln!("error: {error}");
    }
    (list::collect(&result.inventory), result.errors.is_empty())
}

fn verify(args: &VerifyArgs) -> anyhow::Result<ExitCode> {
    let key_text = read_pem(&args.key, "public key")?;
    let key = PublicKey::from_pem(&key_text)
        .with_context(|| format!("cannot use {} as a cosign public key", args.key.display()))?;
    let (mut entries, readable) = collect(&args.paths);
    list::merge(&mut entries, list::from_references(&args.images));
    let source = source(args, &entries)?;
    let verdicts = Verifier::new(source, key)
        .verify_blocking(&entries)
        .context("cannot start the verification runtime")?;
    let rendered = match args.output {
        ImagesFormat::Text => render::verdicts_table(&verdicts),
        ImagesFormat::Json => render::verdicts_json(&verdicts),
    };
    print(&rendered, false)?;
    let unchecked = verdicts
        .iter()
        .any(|verdict| verdict.signature == SignatureStatus::Error);
    Ok(if unchecked || !readable {
        error_status()
    } else if verdicts
        .iter()
        .all(kubeward_supply::verify::Verdict::passes)
    {
        ExitCode::SUCCESS
    } else {
        findings_status()
    })
}

/// The source the arguments name: image layouts, or registries with the
/// Docker config's credentials and the extra certificate authorities.
fn source(args: &VerifyArgs, entries: &[ImageEntry]) -> anyhow::Result<Source> {
    if !args.oci_layouts.is_empty() {
        return Ok(Source::Layouts(LayoutSource::open(&args.oci_layouts)?));
    }
    let auth = match &args.docker_config {
        Some(path) => DockerConfig::load(path, true)?,
        None => match DockerConfig::default_path() {
            Some(path) => DockerConfig::load(&path, false)?,
            None => DockerConfig::default(),
        },
    };
    for warning in &auth.warnings {
        eprintln!("warning: {warning}");
    }
    let registries: BTreeSet<&str> = entries
        .iter()
        .filter_map(|entry| entry.registry.as_deref())
        .collect();
    for registry in registries {
        if let Some(helper) = auth.helper_for(registry) {
            eprintln!(
                "warning: the Docker config keeps credentials for {registry} in the helper \
                 docker-credential-{helper}, which kubeward does not run; connecting anonymously"
            );
        }
    }
    let mut ca_certificates = Vec::new();
    for path in &args.ca_files {
        ca_certificates.push(read_pem(path, "CA file")?.into_bytes());
    }
    let registry = RegistrySource::new(RegistryOptions {
        insecure: args.insecure_registries.clone(),
        ca_certificates,
        auth,
    })?;
    Ok(Source::Registry(registry))
}

fn read_pem(path: &PathBuf, what: &str) -> anyhow::Result<String> {
    let size = std::fs::metadata(path)
        .with_context(|| format!("cannot read the {what} {}", path.display()))?
        .len();
    anyhow::ensure!(
        size <= MAX_PEM_BYTES,
        "the {what} {} is {size} bytes; a PEM file is at most {MAX_PEM_BYTES}",
        path.display()
    );
    std::fs::read_to_string(path)
        .with_context(|| format!("cannot read the {what} {}", path.display()))
}
