//! The integrations the repository ships, run as their CI services would
//! run them: the steps of `action.yml`, the hook of
//! `.pre-commit-hooks.yaml` and the GitLab job of `docs/ci.md`. Each
//! command line is taken from the file and run with bash. `cargo install`
//! is replaced by a stand-in that checks its arguments and installs the
//! kubeward this test suite built, because building kubeward again would
//! take minutes.

mod support;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;

use kubeward_core::yaml::{self, NodeRef};
use serde_json::Value;
use support::TempDir;

const REPO: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../..");
const AGENT: &str = include_str!("fixtures/ci/deploy/agent.yaml");
const CLEAN: &str = include_str!("fixtures/clean/configmap.yaml");

/// The stand-in for `cargo`: accepts only `cargo install` of the kubeward
/// package and links the tested binary into the install root's `bin`.
const FAKE_CARGO: &str = r#"#!/bin/sh
set -e
[ "$1" = install ] || { echo "fake cargo: only 'install' is supported" >&2; exit 64; }
echo "$@" >> "$FAKE_CARGO_LOG"
root="$CARGO_HOME"
while [ $# -gt 0 ]; do
  case "$1" in
    --root) root="$2"; shift ;;
    --path) [ -f "$2/Cargo.toml" ] || { echo "fake cargo: no Cargo.toml in $2" >&2; exit 65; } ;;
  esac
  shift
done
mkdir -p "$root/bin"
ln -sf "$KUBEWARD_TEST_BINARY" "$root/bin/kubeward"
"#;

/// Parses a YAML file of the repository with kubeward's own tree and
/// passes its root to `read`.
fn with_yaml<R>(text: &str, read: impl FnOnce(NodeRef<'_, '_>) -> R) -> R {
    let chunks = yaml::split_documents(text);
    let parsed = yaml::parse_document(chunks[0]);
    assert!(parsed.error.is_none(), "{:?}", parsed.error);
    let root = parsed.documents[0].root().expect("the file has content");
    read(root)
}

/// A project directory with manifests, a `bin` directory with the fake
/// cargo, and a cargo home.
struct Runner {
    dir: TempDir,
}

impl Runner {
    fn new(label: &str) -> Self {
        let dir = TempDir::new(label);
        dir.write("deploy/agent.yaml", AGENT);
        dir.write("clean/configmap.yaml", CLEAN);
        let cargo = dir.write("tools/cargo", FAKE_CARGO);
        make_executable(&cargo);
        std::fs::create_dir_all(dir.path().join("cargo-home/bin")).expect("cargo home");
        Runner { dir }
    }

    fn path(&self, relative: &str) -> PathBuf {
        self.dir.path().join(relative)
    }

    /// Runs `script` with bash as GitHub and GitLab run shell steps
    /// (`-e -o pipefail`), with `extra_path` in front of PATH.
    fn bash(
        &self,
        script: &str,
        env: &BTreeMap<String, String>,
        extra_path: &[PathBuf],
    ) -> (i32, String) {
        let mut path = extra_path.to_vec();
        path.push(self.path("tools"));
        path.push(self.path("cargo-home/bin"));
        path.extend(std::env::split_paths(
            &std::env::var_os("PATH").unwrap_or_default(),
        ));
        let output = Command::new("bash")
            .args([
                "--noprofile",
                "--norc",
                "-e",
                "-o",
                "pipefail",
                "-c",
                script,
            ])
            .current_dir(self.dir.path())
            .env("PATH", std::env::join_paths(path).expect("PATH joins"))
            .env("CARGO_HOME", self.path("cargo-home"))
            .env("FAKE_CARGO_LOG", self.path("cargo.log"))
            .env("KUBEWARD_TEST_BINARY", env!("CARGO_BIN_EXE_kubeward"))
            .env_remove("KUBEWARD_TODAY")
            .envs(env)
            .output()
            .expect("bash runs");
        let code = output.status.code().expect("bash exited normally");
        let stdout = String::from_utf8_lossy(&output.stdout).into_owned();
        assert!(
            code < 64,
            "{script}: {}",
            String::from_utf8_lossy(&output.stderr)
        );
        (code, stdout)
    }
}

fn make_executable(path: &Path) {
    use std::os::unix::fs::PermissionsExt;
    let mut permissions = std::fs::metadata(path).expect("file exists").permissions();
    permissions.set_mode(0o755);
    std::fs::set_permissions(path, permissions).expect("mode can be set");
}

/// Evaluates the `${{ ... }}` expressions of a GitHub Actions value. Only
/// the contexts `action.yml` may use are known; any other fails the test.
fn evaluate(value: &str, contexts: &BTreeMap<String, String>) -> String {
    let mut out = String::new();
    let mut rest = value;
    while let Some(start) = rest.find("${{") {
        out.push_str(&rest[..start]);
        let end = rest[start..].find("}}").expect("expression is closed") + start;
        let expression = rest[start + 3..end].trim();
        let value = contexts
            .get(expression)
            .unwrap_or_else(|| panic!("unknown expression `{expression}` in action.yml"));
        out.push_str(value);
        rest = &rest[end + 2..];
    }
    out.push_str(rest);
    out
}

/// Reads `KEY=value` lines that a step wrote to a GitHub file command.
fn read_outputs(path: &Path) -> BTreeMap<String, String> {
    std::fs::read_to_string(path)
        .unwrap_or_default()
        .lines()
        .filter_map(|line| line.split_once('='))
        .map(|(key, value)| (key.to_owned(), value.to_owned()))
        .collect()
}

/// Runs the steps of `action.yml` with `inputs` over the defaults, and
/// returns the exit status of the last step and the scan step's output.
fn run_action(runner: &Runner, inputs: &[(&str, &str)]) -> (i32, String) {
    let text =
        std::fs::read_to_string(format!("{REPO}/action.yml")).expect("action.yml is readable");
    with_yaml(&text, |root| {
        assert_eq!(
            root.path(&["runs", "using"]).and_then(|n| n.as_str()),
            Some("composite")
        );
        let mut contexts = BTreeMap::new();
        contexts.insert("github.action_path".to_owned(), REPO.to_owned());
        contexts.insert(
            "runner.temp".to_owned(),
            runner.path("runner-temp").display().to_string(),
        );
        std::fs::create_dir_all(runner.path("runner-temp")).expect("runner temp");
        for entry in root.get("inputs").expect("inputs").entries() {
            let name = entry.key_str().expect("input name").into_owned();
            let default = entry
                .value
                .get("default")
                .and_then(|d| d.scalar_text())
                .unwrap_or_default();
            contexts.insert(format!("inputs.{name}"), default.into_owned());
        }
        for (name, value) in inputs {
            contexts.insert(format!("inputs.{name}"), (*value).to_owned());
        }
        let mut extra_path = Vec::new();
        let mut last = (0, String::new());
        let mut uploaded = false;
        let mut scan_log = String::new();
        for step in root.path(&["runs", "steps"]).expect("steps").items() {
            if let Some(uses) = step.get_str("uses") {
                assert!(
                    uses.starts_with("github/codeql-action/upload-sarif@"),
                    "{uses}"
                );
                let file = step
                    .path(&["with", "sarif_file"])
                    .and_then(|n| n.as_str())
                    .expect("sarif_file");
                let file = evaluate(file, &contexts);
                let sarif: Value = serde_json::from_str(
                    &std::fs::read_to_string(&file).expect("the SARIF file exists"),
                )
                .expect("the SARIF file is JSON");
                assert_eq!(sarif["version"], "2.1.0");
                uploaded = true;
                continue;
            }
            assert_eq!(step.get_str("shell"), Some("bash"));
            let script = step.get_str("run").expect("a run step");
            assert!(
                !script.contains("${{"),
                "scripts read inputs from env, never from expressions"
            );
            let mut env = BTreeMap::new();
            for entry in step.get("env").map(|e| e.entries()).unwrap_or_default() {
                let key = entry.key_str().expect("env name").into_owned();
                let value = entry.value.scalar_text().expect("env value");
                env.insert(key, evaluate(&value, &contexts));
            }
            let github_output = runner.path("runner-temp/github-output");
            let github_path = runner.path("runner-temp/github-path");
            let _ = std::fs::remove_file(&github_output);
            env.insert("GITHUB_OUTPUT".into(), github_output.display().to_string());
            env.insert("GITHUB_PATH".into(), github_path.display().to_string());
            last = runner.bash(script, &env, &extra_path);
            extra_path = std::fs::read_to_string(&github_path)
                .unwrap_or_default()
                .lines()
                .map(PathBuf::from)
                .collect();
            if let Some(id) = step.get_str("id") {
                for (key, value) in read_outputs(&github_output) {
                    contexts.insert(format!("steps.{id}.outputs.{key}"), value);
                }
                if id == "scan" {
                    scan_log.clone_from(&last.1);
                }
            }
        }
        assert!(uploaded, "the action uploads SARIF");
        let log = runner.dir.read("cargo.log");
        assert!(log.contains("install --locked"), "{log}");
        (last.0, scan_log)
    })
}

#[test]
fn github_action_fails_on_findings() {
    let runner = Runner::new("action");
    let (code, log) = run_action(&runner, &[("paths", "deploy clean")]);
    assert_eq!(code, 1, "the privileged DaemonSet fails the step");
    assert!(
        log.contains("::error file=deploy/agent.yaml,line="),
        "{log}"
    );
}

#[test]
fn github_action_passes_clean_manifests() {
    let runner = Runner::new("action-clean");
    let (code, _) = run_action(&runner, &[("paths", "clean"), ("args", "--no-config")]);
    assert_eq!(code, 0);
}

#[test]
fn pre_commit_hook_runs_on_files() {
    let text = std::fs::read_to_string(format!("{REPO}/.pre-commit-hooks.yaml"))
        .expect("hooks are readable");
    let (entry, language, types) = with_yaml(&text, |root| {
        let hook = root
            .items()
            .find(|h| h.get_str("id") == Some("kubeward"))
            .expect("the kubeward hook");
        let types: Vec<String> = hook
            .get("types_or")
            .map(|t| {
                t.items()
                    .filter_map(|i| i.as_str().map(str::to_owned))
                    .collect()
            })
            .unwrap_or_default();
        (
            hook.get_str("entry").expect("entry").to_owned(),
            hook.get_str("language").expect("language").to_owned(),
            types,
        )
    });
    assert_eq!(language, "system");
    assert_eq!(types, ["yaml", "json"]);
    let runner = Runner::new("pre-commit");
    let env = BTreeMap::new();
    let bin = Path::new(env!("CARGO_BIN_EXE_kubeward"))
        .parent()
        .map(Path::to_path_buf);
    let bins: Vec<PathBuf> = bin.into_iter().collect();
    // pre-commit appends the staged file names to the entry.
    let (code, out) = runner.bash(
        &format!("{entry} deploy/agent.yaml clean/configmap.yaml"),
        &env,
        &bins,
    );
    assert_eq!(code, 1, "{out}");
    assert!(out.contains("deploy/agent.yaml:"), "{out}");
    // Staged YAML files that are not manifests pass without output.
    runner.dir.write(
        ".pre-commit-config.yaml",
        "repos:\n  - repo: local\n    hooks: []\n",
    );
    let (code, out) = runner.bash(
        &format!("{entry} clean/configmap.yaml .pre-commit-config.yaml"),
        &env,
        &bins,
    );
    assert_eq!(code, 0, "{out}");
    assert_eq!(out, "", "--quiet prints nothing without findings");
}

/// The GitLab job of `docs/ci.md`: the first YAML block that declares a
/// code quality report.
fn gitlab_example() -> String {
    let docs =
        std::fs::read_to_string(format!("{REPO}/docs/ci.md")).expect("docs/ci.md is readable");
    docs.split("```yaml\n")
        .skip(1)
        .filter_map(|block| block.split("```").next())
        .find(|block| block.contains("codequality:"))
        .expect("docs/ci.md has a GitLab job")
        .to_owned()
}

#[test]
fn gitlab_example_runs() {
    let runner = Runner::new("gitlab");
    let job = gitlab_example();
    let (commands, reports) = with_yaml(&job, |root| {
        let job = root.get("kubeward").expect("the job is named kubeward");
        let lines = |key: &str| -> Vec<String> {
            job.get(key)
                .map(|list| {
                    list.items()
                        .filter_map(|i| i.as_str().map(str::to_owned))
                        .collect()
                })
                .unwrap_or_default()
        };
        let mut commands = lines("before_script");
        commands.extend(lines("script"));
        assert_eq!(
            job.path(&["artifacts", "when"]).and_then(|n| n.as_str()),
            Some("always")
        );
        let reports: BTreeMap<String, String> = job
            .path(&["artifacts", "reports"])
            .expect("reports")
            .entries()
            .iter()
            .map(|e| {
                let key = e.key_str().expect("report kind").into_owned();
                (key, e.value.as_str().expect("report file").to_owned())
            })
            .collect();
        (commands, reports)
    });
    let env = BTreeMap::new();
    let mut last = 0;
    for command in &commands {
        last = runner.bash(command, &env, &[]).0;
    }
    assert_eq!(last, 1, "the job fails on the privileged DaemonSet");
    let codequality = runner.dir.read(&reports["codequality"]);
    let issues: Value = serde_json::from_str(&codequality).expect("the report is JSON");
    let issues = issues.as_array().expect("the report is an array");
    assert!(issues.iter().any(|i| i["check_name"] == "pss-privileged"));
    if let Some(shared) = kubeward_testutil::shared_dir("gitlab_example_runs") {
        let schema: Value = serde_json::from_str(
            &std::fs::read_to_string(shared.join("schemas/codeclimate.json"))
                .expect("schema is readable"),
        )
        .expect("schema is JSON");
        let validator = jsonschema::validator_for(&schema).expect("schema compiles");
        for issue in issues {
            assert!(validator.is_valid(issue), "{issue}");
        }
    }
    let junit = runner.dir.read(&reports["junit"]);
    assert!(junit.contains("<testsuites>"), "{junit}");
}
