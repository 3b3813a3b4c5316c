//! Configuration keys named in the documentation are spelled as the
//! `.kubeward.yaml` loader accepts them.
//!
//! The loader rejects unknown keys, so a key written in another spelling
//! (`sensitive_namespaces` for `sensitiveNamespaces`) sends a reader to a
//! setting that fails to load. The test takes the accepted top-level keys
//! from the loader's own error for an unknown key, then looks through the
//! rule documentation, `README.md` and `docs/` for words that differ from
//! an accepted key only in case, `_` or `-`.

use std::fs;
use std::path::{Path, PathBuf};

use regex::Regex;

fn repo_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// Returns the top-level keys `.kubeward.yaml` accepts, as listed by the
/// loader's error for a key that resembles none of them.
fn accepted_keys() -> Vec<String> {
    let rules: Vec<_> = kubeward_rules::all().collect();
    let Err(error) = kubeward_config::parse(".kubeward.yaml", "qqqqqqqqqqqq: 1\n", &rules) else {
        panic!("the loader accepted the unknown key `qqqqqqqqqqqq`");
    };
    let Some(list) = error
        .message
        .strip_prefix("unknown field; expected one of ")
    else {
        panic!("unexpected loader error for an unknown key: {error}");
    };
    list.split(", ").map(str::to_owned).collect()
}

/// Folds a key to lower case without `_` and `-`, so that every spelling
/// of the same words compares equal.
fn fold(word: &str) -> String {
    word.chars()
        .filter(|c| *c != '_' && *c != '-')
        .map(|c| c.to_ascii_lowercase())
        .collect()
}

/// Lists the Markdown files under `dir`, recursively.
fn markdown_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let entries = fs::read_dir(dir).unwrap_or_else(|err| panic!("{}: {err}", dir.display()));
    for entry in entries {
        let path = entry.expect("directory entry is readable").path();
        if path.is_dir() {
            markdown_files(&path, out);
        } else if path.extension().is_some_and(|ext| ext == "md") {
            out.push(path);
        }
    }
}

/// Returns `(source, text)` for every rule's documentation, the README and
/// each Markdown file in `docs/`.
fn documents() -> Vec<(String, String)> {
    let mut documents: Vec<(String, String)> = kubeward_rules::all()
        .map(|rule| (format!("docs of rule `{}`", rule.id), rule.docs()))
        .collect();
    let root = repo_root();
    let mut files = vec![root.join("README.md")];
    markdown_files(&root.join("docs"), &mut files);
    for path in files {
        let text =
            fs::read_to_string(&path).unwrap_or_else(|err| panic!("{}: {err}", path.display()));
        let name = path.strip_prefix(&root).unwrap_or(&path);
        documents.push((name.display().to_string(), text));
    }
    documents
}

#[test]
fn loader_lists_its_keys() {
    let keys = accepted_keys();
    for key in [
        "sensitiveNamespaces",
        "allowedRegistries",
        "environmentLabelKeys",
    ] {
        assert!(
            keys.iter().any(|accepted| accepted == key),
            "`{key}` is missing from the accepted keys {keys:?}"
        );
    }
}

#[test]
fn docs_spell_config_keys_as_accepted() {
    let keys = accepted_keys();
    // A key of one word has no other spelling to get wrong, and the
    // capitalised word starting a sentence would match it.
    let compound: Vec<(String, &str)> = keys
        .iter()
        .filter(|key| key.chars().any(|c| c.is_ascii_uppercase()))
        .map(|key| (fold(key), key.as_str()))
        .collect();
    let word = Regex::new(r"[A-Za-z][A-Za-z0-9_-]*").expect("valid regex");
    let mut problems = Vec::new();
    for (source, text) in documents() {
        for (index, line) in text.lines().enumerate() {
            for found in word.find_iter(line).map(|m| m.as_str()) {
                let folded = fold(found);
                let wrong = compound
                    .iter()
                    .find(|(key, spelling)| *key == folded && *spelling != found);
                if let Some((_, spelling)) = wrong {
                    problems.push(format!(
                        "{source}:{}: `{found}` should be `{spelling}`",
                        index + 1
                    ));
                }
            }
        }
    }
    assert!(
        problems.is_empty(),
        "configuration keys the loader rejects:\n  {}",
        problems.join("\n  ")
    );
}

/// Every entry of a rule's "Options" section starts with the key it
/// documents, and a configuration setting that key loads.
#[test]
fn rule_options_name_accepted_keys() {
    let keys = accepted_keys();
    let lead = Regex::new(r"^`([^`]+)`").expect("valid regex");
    let mut checked = 0;
    for rule in kubeward_rules::all() {
        let Some(options) = rule.section("Options") else {
            continue;
        };
        for paragraph in options.split("\n\n") {
            let Some(captures) = lead.captures(paragraph.trim_start()) else {
                continue;
            };
            let key = &captures[1];
            assert!(
                keys.iter().any(|accepted| accepted == key),
                "{}: the Options section names `{key}`, which `.kubeward.yaml` rejects; \
                 accepted keys: {keys:?}",
                rule.id
            );
            checked += 1;
        }
    }
    assert!(checked > 0, "no rule documents an option");
}
