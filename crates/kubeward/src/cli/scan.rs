//! `kubeward scan`.
//!
//! The scan runs the rules the profile and configuration select. Then the
//! findings get their configured severities and fingerprints, exceptions
//! and annotations take out what they cover, a baseline takes out what it
//! recorded, and the rest is rendered and decides the exit status.

use std::io::{self, Write};
use std::path::PathBuf;
use std::process::ExitCode;

use kubeward::Scanner;
use kubeward_config::{
    Baseline, BaselineSummary, Config, ExceptionOutcome, Triage, apply_exceptions, fingerprint,
};
use kubeward_core::{Finding, KindSet, RuleConfig, RuleDef, ScanOptions, Severity};
use kubeward_intake::IntakeError;
use kubeward_report::junit::JunitOptions;
use kubeward_report::text::TextOptions;
use kubeward_report::{ScanOutput, Unreadable, github, gitlab, json, junit, sarif, text};

use super::config::{hostname, load, read_baseline, timestamp, today, write_baseline};
use super::output::{color_enabled, write_stdout};
use super::{ScanArgs, ScanFormat, error_status, findings_status};

/// Scans the paths, prints the report and returns the exit status.
pub fn run(args: &ScanArgs) -> anyhow::Result<ExitCode> {
    let known: Vec<&'static RuleDef> = kubeward_rules::all().collect();
    let config = load(args, &known)?;
    let baseline = args.baseline.as_deref().map(read_baseline).transpose()?;
    let today = today()?;
    let profile = config.select_profile(args.profile.as_deref())?;
    let rules: Vec<&'static RuleDef> = known
        .iter()
        .copied()
        .filter(|rule| config.runs(rule, profile))
        .collect();
    let options = ScanOptions {
        pss_version: args.pss_version,
        ..ScanOptions::default()
    }
    .with_config(RuleConfig {
        allowed_registries: config.allowed_registries.clone(),
        sensitive_namespaces: config.sensitive_namespaces.clone(),
        environment_label_keys: config.environment_label_keys.clone(),
    });
    let scanner = Scanner::with_rules(rules, options);
    let result = scanner.scan_paths_keeping(&args.paths, &KindSet::none());
    let mut report = result.report;
    let findings = override_severities(&config, std::mem::take(&mut report.findings));
    let fingerprints = fingerprint::assign(&findings);
    let ExceptionOutcome {
        findings,
        fingerprints,
        suppressed,
        warnings,
    } = apply_exceptions(
        &config,
        findings,
        fingerprints,
        &result.metadata,
        scanner.rules(),
        &known,
        today,
    );
    report.warnings.extend(warnings);
    report
        .warnings
        .sort_by(|a, b| (&a.file, a.line).cmp(&(&b.file, b.line)));
    let errors = result.errors;
    warn_empty_dirs(&result.empty_dirs);
    if let Some(path) = &args.write_baseline {
        // A baseline of an incomplete scan would lack the findings of what
        // was not read, so the next complete scan would report them as new.
        // The existing file is left as it was.
        if errors.is_empty() {
            write_baseline(path, &Baseline::record(&findings, &fingerprints))?;
        } else {
            let inputs = if errors.len() == 1 { "input" } else { "inputs" };
            eprintln!(
                "error: baseline {} was not written: {} {inputs} could not be read, so the \
                 scan is incomplete",
                path.display(),
                errors.len(),
            );
        }
    }
    let mut triage = Triage {
        suppressed,
        ..Triage::default()
    };
    if let (Some(baseline), Some(path)) = (&baseline, &args.baseline) {
        let split = baseline.split(findings, fingerprints);
        (report.findings, triage.fingerprints) = split.new.into_iter().unzip();
        triage.baseline = Some(BaselineSummary {
            file: path.display().to_string(),
            known: split.known,
            absent: split.absent,
        });
    } else {
        report.findings = findings;
        triage.fingerprints = fingerprints;
    }
    let unreadable: Vec<Unreadable> = errors.iter().map(unreadable).collect();
    let scan = ScanOutput {
        report: &report,
        rules: scanner.rules(),
        unreadable: &unreadable,
        triage: &triage,
    };
    let color = args.output == ScanFormat::Text && color_enabled(args.color);
    // Text output lists unreadable inputs itself; the other formats list
    // them too, but a person watching the terminal would not see them there.
    if args.output != ScanFormat::Text {
        for error in &errors {
            eprintln!("error: {error}");
        }
    }
    write_stdout(color, |out| render(args, &scan, color, out))?;
    Ok(if !errors.is_empty() {
        error_status()
    } else if args.write_baseline.is_none() && report.fails(Severity::from(args.fail_on)) {
        findings_status()
    } else {
        ExitCode::SUCCESS
    })
}

/// Warns on standard error about each directory in which the scan found
/// no file to read, so that a mistyped path does not pass as a clean scan.
/// The exit status stays as the findings decide it.
fn warn_empty_dirs(dirs: &[PathBuf]) {
    for dir in dirs {
        eprintln!(
            "warning: no manifest files found in {}; kubeward reads .yaml, .yml and .json \
             files, systemd units (.service, .service.d/*.conf) and .cmdline files, skipping \
             hidden ones",
            dir.display()
        );
    }
}

/// Writes the report in the chosen format. Text, JSON and SARIF are
/// written while they are produced; the other formats are built first.
fn render(
    args: &ScanArgs,
    scan: &ScanOutput<'_>,
    color: bool,
    out: &mut dyn Write,
) -> io::Result<()> {
    let built = match args.output {
        ScanFormat::Text => {
            let options = TextOptions {
                color,
                quiet: args.quiet,
            };
            return text::write(scan, options, out);
        }
        ScanFormat::Json => return json::write(scan, out),
        ScanFormat::Sarif => return sarif::write(scan, out),
        ScanFormat::Junit => junit::render(
            scan,
            &JunitOptions {
                timestamp: timestamp(),
                hostname: hostname(),
            },
        ),
        ScanFormat::Github => github::render(scan),
        ScanFormat::Gitlab => gitlab::render(scan),
    };
    out.write_all(built.as_bytes())
}

/// Gives findings the severity the configuration sets for their rule.
fn override_severities(config: &Config, mut findings: Vec<Finding>) -> Vec<Finding> {
    if config.severity.is_empty() {
        return findings;
    }
    for finding in &mut findings {
        if let Some(&severity) = config.severity.get(finding.rule) {
            finding.severity = severity;
        }
    }
    findings
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
