//! `kubeward scan`.

use std::process::ExitCode;

use kubeward::Scanner;
use kubeward_core::{ScanOptions, Severity};
use kubeward_intake::IntakeError;
use kubeward_report::text::TextOptions;
use kubeward_report::{ScanOutput, Unreadable, json, sarif, text};

use super::output::{color_enabled, print};
use super::{ScanArgs, ScanFormat, error_status, findings_status};

/// Scans the paths, prints the report and returns the exit status.
pub fn run(args: &ScanArgs) -> anyhow::Result<ExitCode> {
    let options = ScanOptions {
        pss_version: args.pss_version,
        ..ScanOptions::default()
    };
    let scanner = Scanner::new(args.profile.into(), options);
    let (report, errors) = scanner.scan_paths(&args.paths);
    let unreadable: Vec<Unreadable> = errors.iter().map(unreadable).collect();
    let scan = ScanOutput {
        report: &report,
        rules: scanner.rules(),
        unreadable: &unreadable,
    };
    let color = args.output == ScanFormat::Text && color_enabled(args.color);
    let rendered = match args.output {
        ScanFormat::Text => text::render(
            &scan,
            TextOptions {
                color,
                quiet: args.quiet,
            },
        ),
        ScanFormat::Json => json::render(&scan),
        ScanFormat::Sarif => sarif::render(&scan),
    };
    // Text output lists unreadable inputs itself; JSON and SARIF list them
    // too, but a person watching the terminal would not see them there.
    if args.output != ScanFormat::Text {
        for error in &errors {
            eprintln!("error: {error}");
        }
    }
    print(&rendered, color)?;
    Ok(if !errors.is_empty() {
        error_status()
    } else if report.fails(Severity::from(args.fail_on)) {
        findings_status()
    } else {
        ExitCode::SUCCESS
    })
}

/// An intake error as the renderers list it: the path, and the reason
/// without the path.
fn unreadable(error: &IntakeError) -> Unreadable {
    match error {
        IntakeError::Io { path, source } => Unreadable {
            path: path.clone(),
            message: format!("cannot read: {source}"),
        },
        IntakeError::Walk { path, message } => Unreadable {
            path: path.clone(),
            message: format!("cannot list directory: {message}"),
        },
    }
}
