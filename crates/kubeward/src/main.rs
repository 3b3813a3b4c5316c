//! The `kubeward` command.
//!
//! Exit status: 0 when no finding is at or above `--fail-on`, 1 when one
//! is, 2 on a usage error or when an input could not be read (everything
//! readable is still scanned and rendered).

mod cli;

use std::process::ExitCode;

use clap::Parser;

use crate::cli::{Cli, Command};

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Scan(args) => cli::scan::run(&args),
        Command::Rules(args) => cli::rules::list(&args),
        Command::Explain(args) => cli::rules::explain(&args),
        Command::Images(args) => cli::images::run(&args),
        Command::Netpol(args) => cli::netpol::run(&args),
        Command::Node(args) => cli::node::run(&args),
        Command::Paths(args) => cli::paths::run(&args),
        Command::Rbac(args) => cli::rbac::run(&args),
        Command::Docs(args) => cli::docs::run(&args),
    };
    match result {
        Ok(code) => code,
        Err(err) => {
            eprintln!("error: {err:#}");
            cli::error_status()
        }
    }
}
