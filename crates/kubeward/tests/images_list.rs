//! `kubeward images`: how the image list classifies references that the
//! distribution reference grammar makes tricky, as a table and as JSON.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::io::Write as _;
use std::process::{Command, Stdio};

use serde_json::{Value, json};

const DIGEST: &str = "sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";

/// Writes a Pod whose containers use the tricky references, one each.
fn manifest() -> String {
    let images = [
        "host:5000/team/app".to_owned(),
        format!("host:5000/team/app:2.0@{DIGEST}"),
        format!("nginx@{DIGEST}"),
        "localhost:5000".to_owned(),
        "Registry.example.com/team/app:1.0".to_owned(),
        "Nginx".to_owned(),
        "team/app:-x".to_owned(),
    ];
    let mut yaml = String::from("apiVersion: v1\nkind: Pod\nmetadata:\n  name: refs\nspec:\n");
    yaml.push_str("  containers:\n");
    for (index, image) in images.iter().enumerate() {
        let _ = writeln!(yaml, "    - name: c{index}\n      image: \"{image}\"");
    }
    yaml
}

/// Runs `kubeward images` with `args` on the manifest as standard input.
fn images(args: &[&str]) -> (i32, String, String) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_kubeward"))
        .arg("images")
        .args(args)
        .arg("-")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("kubeward starts");
    child
        .stdin
        .take()
        .expect("standard input")
        .write_all(manifest().as_bytes())
        .expect("manifest written");
    let output = child.wait_with_output().expect("kubeward runs");
    (
        output.status.code().expect("kubeward exited normally"),
        String::from_utf8(output.stdout).expect("stdout is UTF-8"),
        String::from_utf8(output.stderr).expect("stderr is UTF-8"),
    )
}

fn entries(stdout: &str) -> BTreeMap<String, Value> {
    let document: Value = serde_json::from_str(stdout).expect("the output is JSON");
    document["images"]
        .as_array()
        .expect("an images array")
        .iter()
        .map(|entry| {
            (
                entry["image"].as_str().expect("an image").to_owned(),
                entry.clone(),
            )
        })
        .collect()
}

/// Picks the fields of an entry that describe what the reference names.
fn classification(entry: &Value) -> Value {
    json!({
        "name": entry["name"],
        "registry": entry["registry"],
        "repository": entry["repository"],
        "tag": entry["tag"],
        "digest": entry["digest"],
        "pin": entry["pin"],
    })
}

#[test]
fn json_classifies_tricky_references() {
    let (code, stdout, stderr) = images(&["-o", "json"]);
    assert_eq!(code, 0, "{stderr}");
    let entries = entries(&stdout);
    assert_eq!(entries.len(), 7, "{entries:#?}");

    let cases = [
        (
            "host:5000/team/app".to_owned(),
            json!({"name": "host:5000/team/app", "registry": "host:5000",
                   "repository": "team/app", "tag": null, "digest": null, "pin": "latest"}),
        ),
        (
            format!("host:5000/team/app:2.0@{DIGEST}"),
            json!({"name": "host:5000/team/app", "registry": "host:5000",
                   "repository": "team/app", "tag": "2.0", "digest": DIGEST, "pin": "digest"}),
        ),
        (
            format!("nginx@{DIGEST}"),
            json!({"name": "docker.io/library/nginx", "registry": "docker.io",
                   "repository": "library/nginx", "tag": null, "digest": DIGEST, "pin": "digest"}),
        ),
        (
            "localhost:5000".to_owned(),
            json!({"name": "docker.io/library/localhost", "registry": "docker.io",
                   "repository": "library/localhost", "tag": "5000", "digest": null, "pin": "tag"}),
        ),
        (
            "Registry.example.com/team/app:1.0".to_owned(),
            json!({"name": "Registry.example.com/team/app", "registry": "Registry.example.com",
                   "repository": "team/app", "tag": "1.0", "digest": null, "pin": "tag"}),
        ),
    ];
    for (image, expected) in cases {
        let entry = &entries[&image];
        assert_eq!(classification(entry), expected, "{image}");
        assert!(entry["error"].is_null(), "{image}: {entry:#}");
    }

    let invalid = [
        ("Nginx", "invalid repository path component `Nginx`"),
        ("team/app:-x", "invalid tag `-x`"),
    ];
    for (image, error) in invalid {
        let entry = &entries[image];
        assert_eq!(entry["error"], error, "{image}");
        assert!(entry["pin"].is_null(), "{image}: {entry:#}");
        assert!(entry["name"].is_null(), "{image}: {entry:#}");
    }

    let uses = entries["localhost:5000"]["usedBy"]
        .as_array()
        .expect("uses");
    assert_eq!(uses.len(), 1);
    assert_eq!(uses[0]["file"], "-");
    assert_eq!(uses[0]["line"], 14);
    assert_eq!(uses[0]["container"], "c3");
    assert_eq!(uses[0]["path"], "spec.containers[3].image");
}

#[test]
fn table_lists_pins_and_errors() {
    let (code, stdout, stderr) = images(&[]);
    assert_eq!(code, 0, "{stderr}");
    let row = |image: &str| -> Vec<String> {
        stdout
            .lines()
            .find(|line| line.split_whitespace().next() == Some(image))
            .unwrap_or_else(|| panic!("no row for {image}:\n{stdout}"))
            .split_whitespace()
            .map(str::to_owned)
            .collect()
    };
    assert_eq!(
        row("host:5000/team/app"),
        [
            "host:5000/team/app",
            "latest",
            "host:5000",
            "-",
            "-",
            "-:8",
            "Pod/refs",
            "c0"
        ]
    );
    assert_eq!(
        row("localhost:5000"),
        [
            "localhost:5000",
            "tag",
            "docker.io",
            "5000",
            "-",
            "-:14",
            "Pod/refs",
            "c3"
        ]
    );
    assert_eq!(row("Nginx")[1], "invalid");
    assert!(
        stdout.contains("\n7 images, 2 pinned to a digest, 2 invalid\n"),
        "{stdout}"
    );
    assert!(
        stdout.contains("Nginx: invalid repository path component `Nginx`"),
        "{stdout}"
    );
}

#[test]
fn unreadable_path_exits_2() {
    let output = Command::new(env!("CARGO_BIN_EXE_kubeward"))
        .args(["images", "does-not-exist.yaml"])
        .output()
        .expect("kubeward runs");
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("does-not-exist.yaml"), "{stderr}");
}
