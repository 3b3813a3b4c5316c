//! Command-line arguments and the subcommands that use them.

pub mod config;
pub mod docs;
pub mod images;
pub mod netpol;
pub mod node;
pub mod output;
pub mod paths;
pub mod rbac;
pub mod rules;
pub mod scan;

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand, ValueEnum};
use kubeward_core::{Profile, PssVersion, Severity};

/// Exit status when a finding is at or above `--fail-on`.
pub fn findings_status() -> ExitCode {
    ExitCode::from(1)
}

/// Exit status for a usage error or an input that could not be read, the
/// status clap also exits with on a usage error.
pub fn error_status() -> ExitCode {
    ExitCode::from(2)
}

#[derive(Debug, Parser)]
#[command(
    name = "kubeward",
    version,
    about = "Finds the weak points of a Kubernetes cluster in its manifests",
    after_help = "Exit status: 0 when no finding is at or above --fail-on, 1 when one is, \
                  2 on a usage error or an unreadable input."
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Scan manifests and report findings.
    Scan(ScanArgs),
    /// List the rules: id, family, severity, Pod Security Standards level,
    /// profiles and summary.
    Rules(RulesArgs),
    /// Print a rule's documentation as Markdown.
    Explain(ExplainArgs),
    /// List the images the manifests run, with their registry, tag, digest
    /// and where each is used; `images verify` checks their signatures.
    Images(images::ImagesArgs),
    /// Network segmentation: allowed connections, reachability with its
    /// explanation, and NetworkPolicy generation.
    Netpol(netpol::NetpolArgs),
    /// Check the control-plane and node programs running here: their
    /// settings as in force, config files, and file modes and owners.
    Node(node::NodeArgs),
    /// Attack paths from entry points (exposed Services and Ingresses,
    /// admin UIs, any compromised pod, anonymous API requests) to
    /// cluster-admin, all Secrets, a node or etcd, each step with its
    /// reason.
    Paths(paths::PathsArgs),
    /// RBAC queries: who may make a request, may one subject make it, and
    /// what may one subject do, with the binding and rule behind each
    /// answer.
    Rbac(rbac::RbacArgs),
    /// Write the rule documentation pages: README.md with an index, and one
    /// page per rule.
    #[command(hide = true)]
    Docs(DocsArgs),
}

#[derive(Debug, clap::Args)]
pub struct ScanArgs {
    /// Files, directories or `-` for standard input. A directory is
    /// searched recursively, skipping hidden files and directories, for
    /// manifests (.yaml, .yml, .json), systemd units (.service files and
    /// .service.d/*.conf drop-ins) and saved command lines (.cmdline),
    /// ignoring the letter case of extensions. A file named directly is
    /// read whatever its extension.
    #[arg(required = true, value_name = "PATH")]
    pub paths: Vec<PathBuf>,
    /// Output format.
    #[arg(
        short = 'o',
        long = "output",
        value_enum,
        default_value_t = ScanFormat::Text,
        value_name = "FORMAT"
    )]
    pub output: ScanFormat,
    /// Set of rules to run: recommended, pss-baseline, pss-restricted, all,
    /// or a profile the configuration file defines [default: the
    /// configuration file's `profile`, else recommended].
    #[arg(long, value_name = "PROFILE")]
    pub profile: Option<String>,
    /// Lowest severity that makes the exit status 1.
    #[arg(
        long,
        value_enum,
        ignore_case = true,
        default_value_t = SeverityArg::High,
        value_name = "SEVERITY"
    )]
    pub fail_on: SeverityArg,
    /// Pod Security Standards version the pod-security rules decide at:
    /// `latest` or `v1.N`, such as `v1.30`. Versions newer than the newest
    /// one kubeward implements are decided as `latest`.
    #[arg(long, default_value = "latest", value_name = "VERSION")]
    pub pss_version: PssVersion,
    /// When to colour text output. `auto` colours it when standard output
    /// is a terminal, unless the NO_COLOR environment variable is set and
    /// not empty; CLICOLOR_FORCE forces colour in `auto`.
    #[arg(long, value_enum, default_value_t = ColorArg::Auto, value_name = "WHEN")]
    pub color: ColorArg,
    /// Text output: print one line per finding and per unreadable input,
    /// and nothing else (no source lines, warnings or summary). JSON and
    /// SARIF output are unchanged. The exit status is the same.
    #[arg(short, long)]
    pub quiet: bool,
    /// Configuration file to use. Without it, kubeward uses the first
    /// `.kubeward.yaml` found in the working directory or its parents.
    #[arg(long, value_name = "FILE", conflicts_with = "no_config")]
    pub config: Option<PathBuf>,
    /// Use no configuration file: default rules and no exceptions.
    #[arg(long)]
    pub no_config: bool,
    /// Report and fail only on findings that this baseline file, written
    /// by `--write-baseline`, does not list.
    #[arg(long, value_name = "FILE")]
    pub baseline: Option<PathBuf>,
    /// Record the findings of this scan (after exceptions) in a baseline
    /// file, and exit with status 0 unless an input could not be read.
    #[arg(long, value_name = "FILE")]
    pub write_baseline: Option<PathBuf>,
}

#[derive(Debug, clap::Args)]
pub struct RulesArgs {
    /// List only the rules this profile runs. Without it, every rule is
    /// listed.
    #[arg(long, value_enum)]
    pub profile: Option<ProfileArg>,
    /// Output format.
    #[arg(
        short = 'o',
        long = "output",
        value_enum,
        default_value_t = ListFormat::Text,
        value_name = "FORMAT"
    )]
    pub output: ListFormat,
}

#[derive(Debug, clap::Args)]
pub struct ExplainArgs {
    /// Rule id, as `kubeward rules` lists it.
    #[arg(value_name = "RULE")]
    pub rule: String,
}

#[derive(Debug, clap::Args)]
pub struct DocsArgs {
    /// Directory to write the pages into, created when missing. Generated
    /// pages of rules that no longer exist are deleted; other files are
    /// left alone.
    #[arg(long, value_name = "DIR")]
    pub out: PathBuf,
}

/// Output formats of `kubeward scan`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum ScanFormat {
    /// Findings grouped by file and object, with source lines.
    Text,
    /// One JSON document, schema version 1 (docs/json-output.md).
    Json,
    /// SARIF 2.1.0, for code scanning services.
    Sarif,
    /// JUnit XML, one test suite per rule (docs/ci.md).
    Junit,
    /// GitHub Actions workflow commands that annotate files and lines.
    Github,
    /// GitLab code quality report (Code Climate JSON).
    Gitlab,
}

/// Output formats of `kubeward rules`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum ListFormat {
    /// A table.
    Text,
    /// One JSON document.
    Json,
}

/// The profiles, as the command line names them.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum ProfileArg {
    /// Rules whose findings are worth acting on in most clusters.
    Recommended,
    /// The Pod Security Standards baseline controls, and input errors.
    PssBaseline,
    /// The Pod Security Standards baseline and restricted controls, and
    /// input errors.
    PssRestricted,
    /// Every rule.
    All,
}

impl From<ProfileArg> for Profile {
    fn from(arg: ProfileArg) -> Self {
        match arg {
            ProfileArg::Recommended => Profile::Recommended,
            ProfileArg::PssBaseline => Profile::PssBaseline,
            ProfileArg::PssRestricted => Profile::PssRestricted,
            ProfileArg::All => Profile::All,
        }
    }
}

/// The severities, as the command line names them.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
#[value(rename_all = "lower")]
pub enum SeverityArg {
    Info,
    Low,
    Medium,
    High,
    Critical,
}

impl From<SeverityArg> for Severity {
    fn from(arg: SeverityArg) -> Self {
        match arg {
            SeverityArg::Info => Severity::Info,
            SeverityArg::Low => Severity::Low,
            SeverityArg::Medium => Severity::Medium,
            SeverityArg::High => Severity::High,
            SeverityArg::Critical => Severity::Critical,
        }
    }
}

/// When to colour output.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum ColorArg {
    /// Colour when standard output is a terminal and NO_COLOR is not set.
    Auto,
    /// Always colour, even when NO_COLOR is set.
    Always,
    /// Never colour.
    Never,
}
