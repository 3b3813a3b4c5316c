//! Scan time against parse-only time on a directory of manifests.
//!
//! Reads every manifest under the directory into memory first, so disk
//! speed does not enter the figures, then times two passes over the same
//! bytes, each the median of several runs on all cores, the runs of the
//! two passes taking turns:
//!
//! - parse-only: decode, cut into documents, parse, find objects, no rules;
//! - full scan: the same with every rule (`--profile all`).
//!
//! The target is a full scan at most 1.5 times the parse-only time.
//!
//! Usage: `cargo bench -p kubeward --bench scan [-- DIR]`; the default
//! directory is the shared corpus beside the repository.

use std::path::PathBuf;
use std::sync::Arc;
use std::time::{Duration, Instant};

use kubeward_core::{FileReport, Profile, RuleDef, ScanOptions, ScanPlan, scan_bytes_with};
use kubeward_intake::{InputPath, collect_inputs, read_input};
use rayon::prelude::*;

const RUNS: usize = 15;

fn main() {
    let dir = std::env::args()
        .skip(1)
        .find(|arg| !arg.starts_with('-'))
        .map(PathBuf::from)
        .or_else(|| kubeward_testutil::shared_dir("scan benchmark").map(|d| d.join("corpus")));
    let Some(dir) = dir else {
        return;
    };
    let files = load(&dir);
    let bytes: usize = files.iter().map(|(_, b)| b.len()).sum();
    let all_rules: Vec<&'static RuleDef> = kubeward_rules::all()
        .filter(|r| r.in_profile(Profile::All))
        .collect();

    // Warm up caches and the thread pool.
    pass(&files, &all_rules);

    let (parse_only, full) = medians(|| pass(&files, &[]), || pass(&files, &all_rules));
    let summary = pass(&files, &all_rules);

    println!(
        "input: {} ({} files, {:.1} MB)",
        dir.display(),
        files.len(),
        mb(bytes)
    );
    println!(
        "       {} documents, {} objects, {} findings, {} rules",
        summary.documents,
        summary.objects,
        summary.findings.len(),
        all_rules.len()
    );
    println!(
        "threads: {}, runs: {RUNS} (median)",
        rayon::current_num_threads()
    );
    println!();
    println!("{:<12} {:>10} {:>10}", "pass", "time", "MB/s");
    print_row("parse-only", parse_only, bytes);
    print_row("full scan", full, bytes);
    println!();
    println!(
        "full scan / parse-only: {:.2} (target: at most 1.50)",
        full.as_secs_f64() / parse_only.as_secs_f64()
    );
}

fn load(dir: &std::path::Path) -> Vec<(Arc<str>, Vec<u8>)> {
    let (inputs, errors) = collect_inputs(&[dir.to_path_buf()]);
    assert!(
        errors.is_empty(),
        "cannot read {}: {errors:?}",
        dir.display()
    );
    inputs
        .iter()
        .filter(|input| matches!(input, InputPath::File(_)))
        .map(|input| {
            let bytes = read_input(input).expect("a listed file is readable");
            (Arc::from(input.display()), bytes)
        })
        .collect()
}

/// Scans every file with `rules`, with one scan plan for all files as
/// `kubeward scan` makes it.
fn pass(files: &[(Arc<str>, Vec<u8>)], rules: &[&'static RuleDef]) -> FileReport {
    let plan = ScanPlan::new(rules, ScanOptions::default());
    files
        .par_iter()
        .map(|(name, bytes)| scan_bytes_with(name, bytes, &plan))
        .reduce(FileReport::default, |mut a, b| {
            a.findings.extend(b.findings);
            a.documents += b.documents;
            a.objects += b.objects;
            a
        })
}

/// Median times of `first` and `second` over [`RUNS`] runs each. The runs
/// alternate, so that a change in the machine's speed during the benchmark
/// (another process, CPU frequency) weighs on both passes alike.
fn medians(
    mut first: impl FnMut() -> FileReport,
    mut second: impl FnMut() -> FileReport,
) -> (Duration, Duration) {
    let time = |run: &mut dyn FnMut() -> FileReport| {
        let start = Instant::now();
        std::hint::black_box(run());
        start.elapsed()
    };
    let (mut firsts, mut seconds) = (Vec::new(), Vec::new());
    for _ in 0..RUNS {
        firsts.push(time(&mut first));
        seconds.push(time(&mut second));
    }
    firsts.sort();
    seconds.sort();
    (firsts[RUNS / 2], seconds[RUNS / 2])
}

fn print_row(name: &str, time: Duration, bytes: usize) {
    println!(
        "{name:<12} {:>8.1}ms {:>10.1}",
        time.as_secs_f64() * 1000.0,
        mb(bytes) / time.as_secs_f64()
    );
}

#[allow(clippy::cast_precision_loss, reason = "sizes are far below 2^52 bytes")]
fn mb(bytes: usize) -> f64 {
    bytes as f64 / 1_000_000.0
}
