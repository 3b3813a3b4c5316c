//! Expanding command-line paths and reading inputs.

use std::fs;
use std::path::{Path, PathBuf};

use kubeward_intake::{
    InputPath, IntakeError, MAX_INPUT_BYTES, collect_inputs, is_manifest_path, read_input,
    read_input_with_limit,
};

/// A directory under the system temporary directory, removed on drop.
struct TempDir(PathBuf);

impl TempDir {
    fn new(name: &str) -> Self {
        let path =
            std::env::temp_dir().join(format!("kubeward-intake-{name}-{}", std::process::id()));
        let _ = fs::remove_dir_all(&path);
        fs::create_dir_all(&path).expect("create temporary directory");
        TempDir(path)
    }

    fn write(&self, relative: &str, text: &str) -> PathBuf {
        let path = self.0.join(relative);
        fs::create_dir_all(path.parent().expect("parent")).expect("create directories");
        fs::write(&path, text).expect("write file");
        path
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = fs::remove_dir_all(&self.0);
    }
}

fn relative_files(root: &Path, inputs: &[InputPath]) -> Vec<String> {
    inputs
        .iter()
        .map(|input| match input {
            InputPath::File(path) => path
                .strip_prefix(root)
                .expect("below the root")
                .display()
                .to_string(),
            InputPath::Stdin => "-".to_owned(),
        })
        .collect()
}

#[test]
fn directories_are_walked_recursively() {
    let dir = TempDir::new("walk");
    for name in [
        "b.yaml",
        "a.yml",
        "c.json",
        "notes.txt",
        "sub/deep/d.YAML",
        "sub/e.Json",
        ".hidden.yaml",
        ".git/config.yaml",
        "chart/templates/.helmignore",
    ] {
        dir.write(name, "kind: x\n");
    }
    let (inputs, errors) = collect_inputs(std::slice::from_ref(&dir.0));
    assert!(errors.is_empty(), "{errors:?}");
    assert_eq!(
        relative_files(&dir.0, &inputs),
        vec!["a.yml", "b.yaml", "c.json", "sub/deep/d.YAML", "sub/e.Json"]
    );
}

#[test]
fn directories_include_units_and_saved_command_lines() {
    let dir = TempDir::new("components");
    for name in [
        "kubelet.service",
        "kubelet.service.d/10-flags.conf",
        "proc/kube-apiserver.cmdline",
        "other.conf",
        "cmdline",
    ] {
        dir.write(name, "x\n");
    }
    let (inputs, errors) = collect_inputs(std::slice::from_ref(&dir.0));
    assert!(errors.is_empty(), "{errors:?}");
    assert_eq!(
        relative_files(&dir.0, &inputs),
        vec![
            "kubelet.service",
            "kubelet.service.d/10-flags.conf",
            "proc/kube-apiserver.cmdline"
        ]
    );
}

#[test]
fn named_files_are_read_whatever_their_extension() {
    let dir = TempDir::new("named");
    let text = dir.write("manifest.txt", "kind: x\n");
    let hidden = dir.write(".kube.yaml", "kind: y\n");
    let (inputs, errors) = collect_inputs(&[text.clone(), PathBuf::from("-"), hidden.clone()]);
    assert!(errors.is_empty());
    assert_eq!(
        inputs,
        vec![
            InputPath::File(text),
            InputPath::Stdin,
            InputPath::File(hidden)
        ]
    );
}

#[test]
fn missing_path_is_an_error() {
    let dir = TempDir::new("missing");
    let missing = dir.0.join("nope.yaml");
    let present = dir.write("yes.yaml", "kind: x\n");
    let (inputs, errors) = collect_inputs(&[missing, present.clone()]);
    assert_eq!(inputs, vec![InputPath::File(present)]);
    assert_eq!(errors.len(), 1);
    assert!(matches!(errors[0], IntakeError::Io { .. }));
    assert!(errors[0].to_string().contains("nope.yaml: cannot read"));
}

#[cfg(unix)]
#[test]
fn symlink_loop_ends() {
    let dir = TempDir::new("loop");
    dir.write("sub/a.yaml", "kind: x\n");
    std::os::unix::fs::symlink(&dir.0, dir.0.join("sub/back")).expect("symlink");
    let (inputs, errors) = collect_inputs(std::slice::from_ref(&dir.0));
    assert_eq!(relative_files(&dir.0, &inputs), vec!["sub/a.yaml"]);
    assert_eq!(errors.len(), 1, "the loop is reported: {errors:?}");
}

#[test]
fn input_is_read_whole() {
    let dir = TempDir::new("read");
    let path = dir.write("a.yaml", "kind: Pod\n");
    let bytes = read_input(&InputPath::File(path)).expect("read");
    assert_eq!(bytes, b"kind: Pod\n");
}

#[test]
fn input_over_the_limit_is_rejected() {
    let dir = TempDir::new("limit");
    let path = dir.write("big.yaml", &"a".repeat(1000));
    let input = InputPath::File(path);
    assert_eq!(
        read_input_with_limit(&input, 1000)
            .expect("at the limit")
            .len(),
        1000
    );
    let error = read_input_with_limit(&input, 999).expect_err("over the limit");
    assert!(is_too_large(&error), "{error:?}");
    assert!(
        error.to_string().contains("larger than 999 bytes"),
        "{error}"
    );
}

fn is_too_large(error: &IntakeError) -> bool {
    matches!(error, IntakeError::Io { source, .. } if source.kind() == std::io::ErrorKind::FileTooLarge)
}

#[cfg(target_os = "linux")]
#[test]
fn endless_input_stops_at_the_limit() {
    let input = InputPath::File(PathBuf::from("/dev/zero"));
    let error = read_input_with_limit(&input, 1 << 20).expect_err("endless");
    assert!(is_too_large(&error), "{error:?}");
    let message = error.to_string();
    assert!(message.starts_with("/dev/zero: cannot read: "), "{message}");
    assert!(
        message.contains("larger than 1 MiB (1048576 bytes)"),
        "{message}"
    );
}

#[test]
fn default_limit_is_one_gib() {
    assert_eq!(MAX_INPUT_BYTES, 1 << 30);
}

#[test]
fn file_over_the_limit_names_the_limit() {
    let dir = TempDir::new("limit-message");
    let path = dir.write("big.yaml", &"a".repeat(2048));
    let input = InputPath::File(path);
    let error = read_input_with_limit(&input, 1024).expect_err("over the limit");
    let message = error.to_string();
    assert!(message.contains("big.yaml: cannot read: "), "{message}");
    assert!(
        message.contains("larger than 1 KiB (1024 bytes)"),
        "{message}"
    );
}

#[test]
fn manifest_extensions() {
    for name in ["a.yaml", "a.YML", "dir.d/a.json", "a.b.yaml"] {
        assert!(is_manifest_path(Path::new(name)), "{name}");
    }
    for name in ["a.txt", "yaml", "a.yaml.bak", "a.jsonl", ".yaml"] {
        assert!(!is_manifest_path(Path::new(name)), "{name}");
    }
}

#[test]
fn inputs_named_twice_are_read_once() {
    let dir = TempDir::new("twice");
    let file = dir.write("a.yaml", "kind: Pod\n");
    dir.write("b.yaml", "kind: Pod\n");
    let paths = [
        PathBuf::from("-"),
        dir.0.clone(),
        file.clone(),
        PathBuf::from("-"),
        file,
    ];
    let (inputs, errors) = collect_inputs(&paths);
    assert!(errors.is_empty(), "{errors:?}");
    assert_eq!(inputs[0], InputPath::Stdin);
    assert_eq!(relative_files(&dir.0, &inputs[1..]), ["a.yaml", "b.yaml"]);
    assert_eq!(inputs.len(), 3);
}
