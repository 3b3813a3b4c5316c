//! Finding and reading the files that `kubeward scan` takes its decisions
//! from: the configuration file and baselines. The formats are parsed by
//! `kubeward-config`; this module does the IO.

use std::path::{Path, PathBuf};

use anyhow::Context;
use jiff::civil::Date;
use jiff::tz::TimeZone;
use kubeward_config::{Baseline, CONFIG_FILE_NAME, Config};
use kubeward_core::RuleDef;

use super::ScanArgs;

/// Environment variable that sets today's date (`YYYY-MM-DD`) for
/// exception expiry, so tests can check expiry without waiting for it.
pub const TODAY_VARIABLE: &str = "KUBEWARD_TODAY";

/// Loads the configuration `args` select: `--config FILE`, none with
/// `--no-config`, else the first `.kubeward.yaml` in the working directory
/// or its parents, else the defaults.
pub fn load(args: &ScanArgs, rules: &[&'static RuleDef]) -> anyhow::Result<Config> {
    if args.no_config {
        return Ok(Config::default());
    }
    let (path, shown) = match &args.config {
        Some(path) => (path.clone(), path.display().to_string()),
        None => match find_upward()? {
            Some(found) => found,
            None => return Ok(Config::default()),
        },
    };
    let text = std::fs::read_to_string(&path)
        .with_context(|| format!("cannot read configuration file {shown}"))?;
    Ok(kubeward_config::parse(&shown, &text, rules)?)
}

/// Finds `.kubeward.yaml` in the working directory or its nearest parent
/// that has one. Returns its path and how messages name it: relative to
/// the working directory, such as `../.kubeward.yaml`.
fn find_upward() -> anyhow::Result<Option<(PathBuf, String)>> {
    let cwd = std::env::current_dir().context("cannot determine the working directory")?;
    for (depth, dir) in cwd.ancestors().enumerate() {
        let candidate = dir.join(CONFIG_FILE_NAME);
        if candidate.is_file() {
            let shown = format!("{}{CONFIG_FILE_NAME}", "../".repeat(depth));
            return Ok(Some((candidate, shown)));
        }
    }
    Ok(None)
}

/// Reads a baseline file written by `--write-baseline`.
pub fn read_baseline(path: &Path) -> anyhow::Result<Baseline> {
    let shown = path.display().to_string();
    let text = std::fs::read_to_string(path).with_context(|| {
        format!("cannot read baseline {shown}; write one with --write-baseline {shown}")
    })?;
    Ok(Baseline::parse(&shown, &text)?)
}

/// Writes `baseline` to `path`, replacing the file.
pub fn write_baseline(path: &Path, baseline: &Baseline) -> anyhow::Result<()> {
    std::fs::write(path, baseline.to_json())
        .with_context(|| format!("cannot write baseline {}", path.display()))
}

/// Today's date in UTC, or the date in `KUBEWARD_TODAY` when it is set.
pub fn today() -> anyhow::Result<Date> {
    if let Some(value) = std::env::var_os(TODAY_VARIABLE) {
        let text = value.to_string_lossy();
        return text
            .parse::<Date>()
            .with_context(|| format!("invalid {TODAY_VARIABLE} `{text}`: expected YYYY-MM-DD"));
    }
    Ok(TimeZone::UTC.to_datetime(jiff::Timestamp::now()).date())
}

/// The current UTC time as `YYYY-MM-DDTHH:MM:SS`, for JUnit output.
pub fn timestamp() -> String {
    jiff::Timestamp::now()
        .strftime("%Y-%m-%dT%H:%M:%S")
        .to_string()
}

/// The host name, for JUnit output, or `localhost` where the system does
/// not provide it at `/proc/sys/kernel/hostname` (Linux).
pub fn hostname() -> String {
    std::fs::read_to_string("/proc/sys/kernel/hostname")
        .ok()
        .map(|name| name.trim().to_owned())
        .filter(|name| !name.is_empty())
        .unwrap_or_else(|| "localhost".to_owned())
}
