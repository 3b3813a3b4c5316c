//! `kubeward netpol`: the allowed connections, reachability queries with
//! their explanation, and policy generation.

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::bail;
use clap::{Subcommand, ValueEnum};
use kubeward::{ScanResult, Scanner};
use kubeward_core::{KindSet, ScanOptions};
use kubeward_netpol::connlist::{self, End};
use kubeward_netpol::generate::{Intent, generate};
use kubeward_netpol::reach::{self, Target};
use kubeward_netpol::{Analysis, KINDS, Model};

use super::error_status;
use super::output::print;

#[derive(Debug, clap::Args)]
pub struct NetpolArgs {
    #[command(subcommand)]
    pub command: NetpolCommand,
}

#[derive(Debug, Subcommand)]
pub enum NetpolCommand {
    /// List every allowed connection between workloads and external
    /// address ranges, as `src => dst : ports`.
    Connlist(ConnlistArgs),
    /// Answer whether workloads can reach others, on which ports, and
    /// which policies and rules allow or deny it. Exit status 0 when some
    /// pair is allowed, 1 when every pair is denied.
    Reach(ReachArgs),
    /// Write a default-deny NetworkPolicy per namespace plus allow
    /// policies that keep the intended traffic, as YAML to review and
    /// apply.
    Generate(GenerateArgs),
}

#[derive(Debug, clap::Args)]
pub struct InputArgs {
    /// Files, directories or `-` for standard input, as for `scan`.
    #[arg(required = true, value_name = "PATH")]
    pub paths: Vec<PathBuf>,
}

#[derive(Debug, clap::Args)]
pub struct ConnlistArgs {
    #[command(flatten)]
    pub input: InputArgs,
    /// Output format.
    #[arg(short = 'o', long = "output", value_enum, default_value_t = ConnlistFormat::Text, value_name = "FORMAT")]
    pub output: ConnlistFormat,
}

/// Output formats of `netpol connlist`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum ConnlistFormat {
    /// `src => dst : ports`, one line per connection.
    Text,
    /// One JSON document.
    Json,
    /// `src,dst,ports` with a header line.
    Csv,
    /// A Graphviz digraph.
    Dot,
    /// A Mermaid flowchart.
    Mermaid,
}

#[derive(Debug, clap::Args)]
pub struct ReachArgs {
    #[command(flatten)]
    pub input: InputArgs,
    /// Sources: `Kind/namespace/name`, `namespace/name`, a label selector
    /// such as `app=web`, a workload name with `-n`, or an IP address.
    #[arg(long, value_name = "SELECTOR")]
    pub from: String,
    /// Destinations, in the same forms as `--from`.
    #[arg(long, value_name = "SELECTOR")]
    pub to: String,
    /// Only this port: `8080` (TCP), `udp/53` or `53/udp`.
    #[arg(long, value_name = "PORT")]
    pub port: Option<String>,
    /// Namespace for label selectors and bare workload names; without it,
    /// label selectors match in every namespace.
    #[arg(short = 'n', long, value_name = "NAMESPACE")]
    pub namespace: Option<String>,
}

#[derive(Debug, clap::Args)]
pub struct GenerateArgs {
    #[command(flatten)]
    pub input: InputArgs,
    /// Where the traffic to keep comes from.
    #[arg(long = "from", value_enum, default_value_t = IntentArg::Services, value_name = "SOURCE")]
    pub intent: IntentArg,
}

/// Sources of intended traffic for `netpol generate`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum IntentArg {
    /// Services and the workloads that name them in environment
    /// variables, commands or arguments.
    Services,
    /// Every connection the current policies allow.
    Connlist,
}

/// Runs a `netpol` subcommand.
pub fn run(args: &NetpolArgs) -> anyhow::Result<ExitCode> {
    match &args.command {
        NetpolCommand::Connlist(args) => connlist(args),
        NetpolCommand::Reach(args) => reach(args),
        NetpolCommand::Generate(args) => generate_policies(args),
    }
}

/// Scans the inputs, keeping the objects the model reads, and reports
/// unreadable inputs, parse errors and invalid policies on standard error.
/// Returns the scan and whether an input could not be read.
fn load(input: &InputArgs) -> (ScanResult, bool) {
    let scanner = Scanner::with_rules(Vec::new(), ScanOptions::default());
    let mut keep = KindSet::none();
    keep.extend(KINDS.iter().copied());
    let result = scanner.scan_paths_keeping(&input.paths, &keep);
    for error in &result.errors {
        eprintln!("error: {error}");
    }
    for finding in &result.report.findings {
        eprintln!(
            "warning: {}:{}:{}: {}",
            finding.file, finding.line, finding.column, finding.message
        );
    }
    let unreadable = !result.errors.is_empty();
    (result, unreadable)
}

fn report_model(model: &Model, result: &ScanResult) {
    let objects = result.inventory.objects();
    for problem in model.problems.iter().chain(&model.ignored_sections()) {
        let file = objects
            .get(problem.site.object)
            .map_or("?", |o| o.file().as_ref());
        eprintln!(
            "warning: {file}:{}:{}: {}",
            problem.site.pos.line, problem.site.pos.col, problem.message
        );
    }
    let undeclared = model.undeclared_namespaces();
    if !undeclared.is_empty() {
        eprintln!(
            "note: namespaces without a Namespace object in the input are assumed to have only \
             the {} label: {}",
            kubeward_netpol::NAMESPACE_NAME_LABEL,
            undeclared.join(", ")
        );
    }
}

fn status(unreadable: bool) -> ExitCode {
    if unreadable {
        error_status()
    } else {
        ExitCode::SUCCESS
    }
}

fn connlist(args: &ConnlistArgs) -> anyhow::Result<ExitCode> {
    let (result, unreadable) = load(&args.input);
    let model = Model::build(&result.inventory);
    report_model(&model, &result);
    let analysis = Analysis::new(&model);
    let list = connlist::connlist(&analysis);
    let text = match args.output {
        ConnlistFormat::Text => connlist::render_text(&model, &list),
        ConnlistFormat::Json => connlist::render_json(&model, &list),
        ConnlistFormat::Csv => connlist::render_csv(&model, &list),
        ConnlistFormat::Dot => connlist::render_dot(&model, &list),
        ConnlistFormat::Mermaid => connlist::render_mermaid(&model, &list),
    };
    print(&text, false)?;
    Ok(status(unreadable))
}

fn reach(args: &ReachArgs) -> anyhow::Result<ExitCode> {
    let namespace = args.namespace.as_deref();
    let from = Target::parse(&args.from, namespace).map_err(anyhow::Error::msg)?;
    let to = Target::parse(&args.to, namespace).map_err(anyhow::Error::msg)?;
    let port = args
        .port
        .as_deref()
        .map(reach::parse_port)
        .transpose()
        .map_err(anyhow::Error::msg)?;
    let (result, unreadable) = load(&args.input);
    let model = Model::build(&result.inventory);
    report_model(&model, &result);
    let sources = from.resolve(&model);
    let destinations = to.resolve(&model);
    if sources.is_empty() {
        bail!("{}", reach::describe_missing(&args.from, &model));
    }
    if destinations.is_empty() {
        bail!("{}", reach::describe_missing(&args.to, &model));
    }
    if sources
        .iter()
        .chain(&destinations)
        .all(|e| matches!(e, End::External(_)))
    {
        bail!("--from and --to are both external addresses; one must select workloads");
    }
    let analysis = Analysis::new(&model);
    let answers = reach::reach(&analysis, &sources, &destinations, port);
    print(&reach::render_text(&model, &answers, port), false)?;
    if unreadable {
        return Ok(error_status());
    }
    let any_allowed = answers.iter().any(|a| !a.allowed.is_empty());
    Ok(if any_allowed {
        ExitCode::SUCCESS
    } else {
        super::findings_status()
    })
}

fn generate_policies(args: &GenerateArgs) -> anyhow::Result<ExitCode> {
    let (result, unreadable) = load(&args.input);
    let model = Model::build(&result.inventory);
    report_model(&model, &result);
    let analysis = Analysis::new(&model);
    let intent = match args.intent {
        IntentArg::Services => Intent::Services,
        IntentArg::Connlist => Intent::Connlist,
    };
    print(&generate(&analysis, intent), false)?;
    Ok(status(unreadable))
}
