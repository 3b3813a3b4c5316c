//! Runs the whole family over real public manifests at several policy
//! versions: no input may make a rule panic, and every finding must carry
//! a field path and a position inside its file.

use std::fs;
use std::path::{Path, PathBuf};

use kubeward_core::{PssVersion, ScanOptions};

fn yaml_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            yaml_files(&path, out);
        } else if path
            .extension()
            .is_some_and(|ext| ext == "yaml" || ext == "yml")
        {
            out.push(path);
        }
    }
}

#[test]
fn corpus_scans_cleanly() {
    let Some(shared) = kubeward_testutil::shared_dir("corpus_scans_cleanly") else {
        return;
    };
    let mut files = Vec::new();
    yaml_files(&shared.join("corpus"), &mut files);
    assert!(!files.is_empty(), "the corpus has no YAML files");

    let mut problems = Vec::new();
    let mut findings_seen = 0;
    for path in &files {
        let Ok(bytes) = fs::read(path) else {
            continue;
        };
        let text = String::from_utf8_lossy(&bytes);
        let lines = u32::try_from(text.lines().count()).unwrap_or(u32::MAX);
        // Every file at `latest`; older versions only where the file has
        // the seccomp annotations they read, to keep the debug run short.
        let mut versions = vec![PssVersion::Latest];
        if text.contains("seccomp.security.alpha.kubernetes.io") {
            versions.extend([PssVersion::V1(0), PssVersion::V1(18)]);
        }
        for version in versions {
            let options = ScanOptions {
                pss_version: version,
                ..ScanOptions::default()
            };
            let name = path.display().to_string();
            let findings = kubeward_testutil::check(&name, &text, kubeward_pss::RULES, options);
            // Parse errors and other findings of the scan itself have no path.
            for finding in findings.iter().filter(|f| f.rule.starts_with("pss-")) {
                findings_seen += 1;
                if finding.path.as_deref().is_none_or(str::is_empty)
                    || finding.line == 0
                    || finding.line > lines.max(1)
                {
                    problems.push(format!(
                        "{name} at {version}: {} has path {:?} at line {}",
                        finding.rule, finding.path, finding.line
                    ));
                }
            }
        }
    }
    println!("{} files, {findings_seen} findings", files.len());
    assert!(findings_seen > 0, "real manifests produce some findings");
    assert!(
        problems.is_empty(),
        "{} malformed findings, the first ones:\n{}",
        problems.len(),
        problems
            .iter()
            .take(20)
            .cloned()
            .collect::<Vec<_>>()
            .join("\n")
    );
}
