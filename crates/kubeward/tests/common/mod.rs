//! Helpers shared by the end-to-end tests.

#![allow(dead_code, reason = "each test file uses a different part")]

use std::path::PathBuf;

use assert_cmd::Command;

/// Returns the test fixtures directory. Commands run in it, so the paths in
/// their output are short and stable.
pub fn fixtures_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures")
}

/// Builds a command that runs the `kubeward` binary in the fixtures
/// directory, without colour settings inherited from the environment.
pub fn kubeward() -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_kubeward"));
    command.current_dir(fixtures_dir());
    for variable in ["NO_COLOR", "CLICOLOR", "CLICOLOR_FORCE", "TERM"] {
        command.env_remove(variable);
    }
    command
}

/// Runs `kubeward` with `args` and returns its exit status and standard
/// output. Panics when it was killed by a signal or printed invalid UTF-8.
pub fn run(args: &[&str]) -> (i32, String) {
    let output = kubeward().args(args).output().expect("kubeward runs");
    let code = output.status.code().expect("kubeward exited normally");
    let stdout = String::from_utf8(output.stdout).expect("stdout is UTF-8");
    (code, stdout)
}
