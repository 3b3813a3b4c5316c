//! Helpers for the tests of CI integration: temporary project directories
//! and running `kubeward` in them.

#![allow(dead_code, reason = "each test file uses a different part")]

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};

use assert_cmd::Command;

/// A directory under the system's temporary directory, removed on drop.
pub struct TempDir {
    path: PathBuf,
}

impl TempDir {
    /// Creates an empty directory whose name contains `label`.
    pub fn new(label: &str) -> Self {
        static COUNTER: AtomicUsize = AtomicUsize::new(0);
        let unique = COUNTER.fetch_add(1, Ordering::Relaxed);
        let path =
            std::env::temp_dir().join(format!("kubeward-{label}-{}-{unique}", std::process::id()));
        let _ = std::fs::remove_dir_all(&path);
        std::fs::create_dir_all(&path).expect("temporary directory can be created");
        TempDir { path }
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Writes `text` to `relative`, creating parent directories.
    pub fn write(&self, relative: &str, text: &str) -> PathBuf {
        let path = self.path.join(relative);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).expect("parent directory can be created");
        }
        std::fs::write(&path, text).expect("file can be written");
        path
    }

    pub fn read(&self, relative: &str) -> String {
        let path = self.path.join(relative);
        std::fs::read_to_string(&path)
            .unwrap_or_else(|err| panic!("cannot read {}: {err}", path.display()))
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.path);
    }
}

/// A `kubeward` command that runs in `dir`, with no colour or date
/// settings inherited from the environment.
pub fn kubeward_in(dir: &Path) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_kubeward"));
    command.current_dir(dir);
    for variable in [
        "NO_COLOR",
        "CLICOLOR",
        "CLICOLOR_FORCE",
        "TERM",
        "KUBEWARD_TODAY",
    ] {
        command.env_remove(variable);
    }
    command
}

/// The result of one run: exit status, standard output and error.
pub struct Run {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

impl Run {
    pub fn json(&self) -> serde_json::Value {
        serde_json::from_str(&self.stdout)
            .unwrap_or_else(|err| panic!("output is not JSON ({err}):\n{}", self.stdout))
    }
}

/// Runs `command` and collects its result.
pub fn run(command: &mut Command) -> Run {
    let output = command.output().expect("kubeward runs");
    Run {
        code: output.status.code().expect("kubeward exited normally"),
        stdout: String::from_utf8(output.stdout).expect("stdout is UTF-8"),
        stderr: String::from_utf8(output.stderr).expect("stderr is UTF-8"),
    }
}

/// Copies the directory tree `from` to `to`.
pub fn copy_tree(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).expect("target directory can be created");
    for entry in std::fs::read_dir(from).expect("source directory is readable") {
        let entry = entry.expect("directory entry is readable");
        let target = to.join(entry.file_name());
        let kind = entry.file_type().expect("file type is readable");
        if kind.is_dir() {
            copy_tree(&entry.path(), &target);
        } else if kind.is_file() {
            std::fs::copy(entry.path(), &target).expect("file can be copied");
        }
    }
}
