//! `kubeward docs`: writes `docs/rules/` from the rules' documentation.

use std::fs;
use std::path::Path;
use std::process::ExitCode;

use anyhow::Context;
use kubeward_report::docs::{GENERATED_MARKER, pages};

use super::DocsArgs;

/// Writes every page, deletes generated pages of rules that no longer
/// exist, and reports what changed on standard error.
pub fn run(args: &DocsArgs) -> anyhow::Result<ExitCode> {
    let rules: Vec<_> = kubeward_rules::all().collect();
    let pages = pages(&rules);
    let dir = &args.out;
    fs::create_dir_all(dir).with_context(|| format!("cannot create {}", dir.display()))?;
    let mut written = 0;
    for page in &pages {
        let path = dir.join(&page.file_name);
        if fs::read_to_string(&path).is_ok_and(|old| old == page.text) {
            continue;
        }
        fs::write(&path, &page.text).with_context(|| format!("cannot write {}", path.display()))?;
        written += 1;
    }
    let mut deleted = 0;
    for entry in fs::read_dir(dir).with_context(|| format!("cannot list {}", dir.display()))? {
        let path = entry?.path();
        let is_current = pages.iter().any(|page| {
            path.file_name()
                .is_some_and(|name| name == page.file_name.as_str())
        });
        if !is_current && is_generated(&path) {
            fs::remove_file(&path).with_context(|| format!("cannot delete {}", path.display()))?;
            deleted += 1;
        }
    }
    eprintln!(
        "{}: {} pages, {written} written, {deleted} deleted",
        dir.display(),
        pages.len()
    );
    Ok(ExitCode::SUCCESS)
}

/// Checks whether a file is a Markdown page this command wrote.
fn is_generated(path: &Path) -> bool {
    path.extension().is_some_and(|ext| ext == "md")
        && fs::read_to_string(path).is_ok_and(|text| text.starts_with(GENERATED_MARKER))
}
