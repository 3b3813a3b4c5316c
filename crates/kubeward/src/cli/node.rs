//! `kubeward node`: checks the control-plane and node programs running on
//! this machine (or on a mounted file system), their config files and the
//! mode and owner of the files they use.

use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;

use kubeward::Scanner;
use kubeward_config::Triage;
use kubeward_core::component::check_component;
use kubeward_core::{
    Check, Profile, Report, RuleDef, ScanOptions, ScanPlan, Severity, scan_bytes_with,
};
use kubeward_intake::IntakeError;
use kubeward_node::{NodeAudit, NodeOptions};
use kubeward_report::text::TextOptions;
use kubeward_report::{ScanOutput, Unreadable, json, sarif, text};

use super::output::{color_enabled, print};
use super::{ColorArg, ProfileArg, SeverityArg, error_status, findings_status};

/// Arguments of `kubeward node`.
#[derive(Debug, clap::Args)]
#[command(
    after_help = "Exit status: 0 when no finding is at or above --fail-on, 1 when one is, 2 when \
                  no component could be read at all, a process given with --pid could not be \
                  read, or a config file of the API server could not be read."
)]
pub struct NodeArgs {
    /// Root of the node's file system: `/` on the node itself, or the
    /// mount point of a disk image or copy of its files.
    #[arg(long, default_value = "/", value_name = "DIR")]
    pub root: PathBuf,
    /// Process table to find running programs in [default: /proc when
    /// --root is /, else none].
    #[arg(long, value_name = "DIR")]
    pub proc: Option<PathBuf>,
    /// Check only this process (repeatable); no other process and no
    /// installed file is read.
    #[arg(long = "pid", value_name = "PID")]
    pub pids: Vec<u32>,
    /// A saved command line to check as a program of this node, with its
    /// files read under --root (repeatable): NUL-separated as in
    /// /proc/PID/cmdline, or shell words on one line.
    #[arg(long = "cmdline", value_name = "FILE")]
    pub command_lines: Vec<PathBuf>,
    /// Output format.
    #[arg(short = 'o', long = "output", value_enum, default_value_t = NodeFormat::Text)]
    pub output: NodeFormat,
    /// Set of rules to run.
    #[arg(long, value_enum, default_value_t = ProfileArg::Recommended)]
    pub profile: ProfileArg,
    /// Lowest severity that makes the exit status 1.
    #[arg(long, value_enum, ignore_case = true, default_value_t = SeverityArg::High)]
    pub fail_on: SeverityArg,
    /// When to colour text output.
    #[arg(long, value_enum, default_value_t = ColorArg::Auto, value_name = "WHEN")]
    pub color: ColorArg,
}

/// Output formats of `kubeward node`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum NodeFormat {
    /// Findings grouped by file, with source lines.
    Text,
    /// One JSON document, as `kubeward scan -o json` writes it.
    Json,
    /// SARIF 2.1.0.
    Sarif,
}

/// Reads the node, checks it, prints the report and returns the exit
/// status.
pub fn run(args: &NodeArgs) -> anyhow::Result<ExitCode> {
    let proc_dir = args
        .proc
        .clone()
        .or_else(|| (args.root == std::path::Path::new("/")).then(|| PathBuf::from("/proc")));
    let options = NodeOptions {
        root: args.root.clone(),
        proc_dir,
        pids: args.pids.clone(),
        command_lines: args.command_lines.clone(),
    };
    let audit = kubeward_node::audit(&options);

    let profile = Profile::from(args.profile);
    let rules: Vec<&'static RuleDef> = kubeward_rules::all()
        .filter(|rule| rule.in_profile(profile))
        .collect();
    let (report, unreadable) = check(&audit, &rules, ScanOptions::default());

    let triage = Triage::default();
    let scan = ScanOutput {
        report: &report,
        rules: &rules,
        unreadable: &unreadable,
        triage: &triage,
    };
    let color = args.output == NodeFormat::Text && color_enabled(args.color);
    let text_options = TextOptions {
        color,
        quiet: false,
    };
    let rendered = match args.output {
        NodeFormat::Text => text::render(&scan, text_options),
        NodeFormat::Json => json::render(&scan),
        NodeFormat::Sarif => sarif::render(&scan),
    };
    print(&rendered, color)?;

    // A node where nothing could be read is no passing node.
    let nothing_checked =
        audit.components.is_empty() && audit.installed.is_empty() && audit.manifests.is_empty();
    Ok(if nothing_checked || !unreadable.is_empty() {
        error_status()
    } else if report.fails(Severity::from(args.fail_on)) {
        findings_status()
    } else {
        ExitCode::SUCCESS
    })
}

/// Runs `rules` over what the node showed: the component rules over its
/// components, the object rules over the API server's config files, and a
/// scan over the manifests and units installed on a node with no running
/// component.
pub fn check(
    audit: &NodeAudit,
    rules: &[&'static RuleDef],
    options: ScanOptions,
) -> (Report, Vec<Unreadable>) {
    let mut report = Report::default();
    let mut unreadable: Vec<Unreadable> = audit
        .failed
        .iter()
        .map(|(input, reason)| Unreadable {
            path: input.clone(),
            message: reason.clone(),
        })
        .collect();
    report.stats.objects += audit.components.len();
    report.stats.files += audit.files_read.len();
    for component in &audit.components {
        check_component(component, rules, options, &mut report.findings);
    }
    let plan = ScanPlan::new(rules, options);
    for file in &audit.referenced {
        match std::fs::read(&file.path) {
            Ok(bytes) => {
                let name: Arc<str> = Arc::from(file.name.as_str());
                let scanned = scan_bytes_with(&name, &bytes, &plan);
                if !audit.files_read.contains(&file.path) {
                    report.stats.files += 1;
                }
                report.stats.objects += scanned.objects;
                report.findings.extend(scanned.findings);
                report.warnings.extend(scanned.warnings);
            }
            Err(err) => unreadable.push(Unreadable {
                path: file.name.clone(),
                message: format!("cannot read: {err}"),
            }),
        }
    }
    // The manifests' components were checked above, so only the object
    // rules check the Pods themselves. The manifests count among the files
    // read already.
    let object_rules: Vec<&'static RuleDef> = rules
        .iter()
        .copied()
        .filter(|rule| !matches!(rule.check, Check::Component { .. }))
        .collect();
    for (paths, rules, new_files) in [
        (&audit.manifests, object_rules, false),
        (&audit.installed, rules.to_vec(), true),
    ] {
        if paths.is_empty() {
            continue;
        }
        let scanner = Scanner::with_rules(rules, options);
        let (installed, errors) = scanner.scan_paths(paths);
        if new_files {
            report.stats.files += installed.stats.files;
        }
        report.stats.objects += installed.stats.objects;
        report.findings.extend(installed.findings);
        report.warnings.extend(installed.warnings);
        unreadable.extend(errors.iter().map(|err| match err {
            IntakeError::Io { path, source } => Unreadable {
                path: path.clone(),
                message: format!("cannot read: {source}"),
            },
            IntakeError::Walk { path, message } => Unreadable {
                path: path.clone(),
                message: format!("cannot list directory: {message}"),
            },
        }));
    }
    report.warnings.extend(audit.warnings.iter().cloned());
    report.sort();
    (report, unreadable)
}
