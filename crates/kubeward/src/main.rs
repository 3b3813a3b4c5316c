//! The `kubeward` command.

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand, ValueEnum};
use kubeward::Scanner;
use kubeward_core::{Profile, PssVersion, ScanOptions, Severity};

#[derive(Parser)]
#[command(
    name = "kubeward",
    version,
    about = "Finds the weak points of a Kubernetes cluster in its manifests"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Scan manifests: files, directories (recursively, .yaml/.yml/.json) or - for stdin.
    Scan(ScanArgs),
    /// List the rules.
    Rules,
    /// Print one rule's documentation.
    Explain {
        /// Rule id, as listed by `kubeward rules`.
        rule: String,
    },
}

#[derive(clap::Args)]
struct ScanArgs {
    /// Files, directories or `-` for stdin.
    #[arg(required = true, value_name = "PATH")]
    paths: Vec<PathBuf>,
    /// Output format.
    #[arg(short = 'o', long = "output", value_enum, default_value_t = Format::Text)]
    output: Format,
    /// Set of rules to run: recommended, pss-baseline, pss-restricted or all.
    #[arg(long, default_value = "recommended")]
    profile: Profile,
    /// Exit with status 1 when a finding has this severity or a higher one.
    #[arg(long, default_value = "high", value_name = "SEVERITY")]
    fail_on: Severity,
    /// Pod Security Standards version to decide at: `latest` or `v1.N`.
    #[arg(long, default_value = "latest", value_name = "VERSION")]
    pss_version: PssVersion,
}

#[derive(Clone, Copy, ValueEnum)]
enum Format {
    Text,
    Json,
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match run(cli) {
        Ok(code) => code,
        Err(err) => {
            eprintln!("error: {err:#}");
            ExitCode::from(2)
        }
    }
}

fn run(cli: Cli) -> anyhow::Result<ExitCode> {
    match cli.command {
        Command::Scan(args) => scan(&args),
        Command::Rules => {
            let mut out = anstream::stdout().lock();
            for rule in kubeward_rules::all() {
                writeln!(
                    out,
                    "{:<32} {:<14} {:<9} {}",
                    rule.id, rule.family, rule.severity, rule.summary
                )?;
            }
            Ok(ExitCode::SUCCESS)
        }
        Command::Explain { rule } => {
            let Some(def) = kubeward_rules::find(&rule) else {
                anyhow::bail!("unknown rule `{rule}`; `kubeward rules` lists the rule ids");
            };
            print!("# {}: {}\n\n{}", def.id, def.summary, def.docs());
            Ok(ExitCode::SUCCESS)
        }
    }
}

fn scan(args: &ScanArgs) -> anyhow::Result<ExitCode> {
    let options = ScanOptions {
        pss_version: args.pss_version,
    };
    let scanner = Scanner::new(args.profile, options);
    let (report, errors) = scanner.scan_paths(&args.paths);
    for error in &errors {
        eprintln!("error: {error}");
    }
    let rendered = match args.output {
        Format::Text => kubeward_report::text::render(&report),
        Format::Json => kubeward_report::json::render(&report),
    };
    std::io::stdout().lock().write_all(rendered.as_bytes())?;
    Ok(if !errors.is_empty() {
        ExitCode::from(2)
    } else if report.fails(args.fail_on) {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}
