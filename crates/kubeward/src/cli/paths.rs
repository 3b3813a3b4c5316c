//! `kubeward paths`: attack paths from entry points to cluster-admin, all
//! Secrets, a node or etcd, each step with its reason.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::ValueEnum;
use kubeward::Scanner;
use kubeward_core::{KindSet, ScanOptions};
use kubeward_paths::render;
use kubeward_rules::exposure::paths::{KINDS, attack_graph};

use super::output::print;
use super::{error_status, findings_status};

#[derive(Debug, clap::Args)]
#[command(
    after_help = "Exit status: 0 when there is no attack path, 1 when there is one, 2 when \
                        an input could not be read."
)]
pub struct PathsArgs {
    /// Files, directories or `-` for standard input, as for `scan`.
    #[arg(required = true, value_name = "PATH")]
    pub paths: Vec<PathBuf>,
    /// Output format.
    #[arg(
        short = 'o',
        long = "output",
        value_enum,
        default_value_t = PathsFormat::Text,
        value_name = "FORMAT"
    )]
    pub output: PathsFormat,
}

/// Output formats of `kubeward paths`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum PathsFormat {
    /// Each path as numbered steps, with the reason and place of each.
    Text,
    /// One JSON document with every path and step.
    Json,
    /// A Graphviz digraph of the nodes and steps on some path.
    Dot,
    /// A Mermaid flowchart of the nodes and steps on some path.
    Mermaid,
}

/// Prints the attack paths of the inputs. Exit status 0 when there is
/// none, 1 when there is one, 2 when an input could not be read.
pub fn run(args: &PathsArgs) -> anyhow::Result<ExitCode> {
    let scanner = Scanner::with_rules(Vec::new(), ScanOptions::default());
    let mut keep = KindSet::none();
    keep.extend(KINDS.iter().copied());
    let result = scanner.scan_paths_keeping(&args.paths, &keep);
    for error in &result.errors {
        eprintln!("error: {error}");
    }
    for finding in &result.report.findings {
        eprintln!(
            "warning: {}:{}:{}: {}",
            finding.file, finding.line, finding.column, finding.message
        );
    }
    let graph = attack_graph(&result.inventory);
    let paths = graph.paths();
    let text = match args.output {
        PathsFormat::Text => render::text(&graph, &paths),
        PathsFormat::Json => render::json(&graph, &paths),
        PathsFormat::Dot => render::dot(&graph, &paths),
        PathsFormat::Mermaid => render::mermaid(&graph, &paths),
    };
    print(&text, false)?;
    Ok(if !result.errors.is_empty() {
        error_status()
    } else if paths.is_empty() {
        ExitCode::SUCCESS
    } else {
        findings_status()
    })
}
