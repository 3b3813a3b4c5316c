//! Scans every manifest of the shared corpus of public manifests, and
//! compares the objects counted with an independent count.
//!
//! The independent count loads each file with libyaml's own document
//! loader (`libyaml-safer`'s `Document::load`), which shares no code with
//! kubeward's splitter and tree. It counts a document whose root is a
//! mapping with scalar `apiVersion` and `kind` as one object, except that
//! a `List` or typed list (`kind` ending in `List` with an `items`
//! sequence) counts the items that are such mappings instead. That is the
//! rule the scan applies, so the two counts must agree file by file.

mod common;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use kubeward_intake::{InputPath, collect_inputs, is_manifest_path};
use libyaml_safer::{Document, NodeData, Parser};

const INVALID: &str = "control-plane/kind-cluster-configs/pkg/internal/apis/config/encoding/testdata/invalid-yaml.yaml";

/// Files other YAML readers reject that the scan must read.
const MUST_PARSE: [&str; 3] = [
    "apps/kubernetes-examples/_archived/scheduler-policy/scheduler-policy-config-with-extender.json",
    "apps/kube-prometheus/main/manifests/setup/0alertmanagerConfigCustomResourceDefinition.yaml",
    "apps/prometheus-operator/v0.70.0/bundle.yaml",
];

fn corpus_files(corpus: &Path) -> Vec<PathBuf> {
    let (inputs, errors) = collect_inputs(&[corpus.to_path_buf()]);
    assert!(errors.is_empty(), "{errors:?}");
    inputs
        .into_iter()
        .filter_map(|input| match input {
            InputPath::File(path) => Some(path),
            InputPath::Stdin => None,
        })
        .filter(|path| is_manifest_path(path))
        .collect()
}

/// Counts the objects libyaml's loader reads in `bytes`, or returns `None`
/// when it fails.
fn independent_count(bytes: &[u8]) -> Option<usize> {
    // `libyaml-safer` 0.3 panics on a block scalar that ends the input
    // without a line break, so one is added.
    let mut terminated = bytes.to_vec();
    terminated.push(b'\n');
    let mut input = terminated.as_slice();
    let mut parser = Parser::new();
    parser.set_input_string(&mut input);
    let mut count = 0;
    loop {
        let document = Document::load(&mut parser).ok()?;
        let Some(root) = document.nodes.first() else {
            return Some(count);
        };
        count += objects_in(&document, &root.data);
    }
}

fn objects_in(document: &Document, root: &NodeData) -> usize {
    let Some((_, kind)) = object_kind(document, root) else {
        return 0;
    };
    let items = match value_of(document, root, "items") {
        Some(NodeData::Sequence { items, .. }) if kind.ends_with("List") => items,
        _ => return 1,
    };
    items
        .iter()
        .filter_map(|&item| document.get_node(item))
        .filter(|item| object_kind(document, &item.data).is_some())
        .count()
}

/// Returns the scalar `apiVersion` and `kind` of a mapping, when both are
/// set to non-null scalars.
fn object_kind<'d>(document: &'d Document, node: &'d NodeData) -> Option<(&'d str, &'d str)> {
    let scalar = |key| match value_of(document, node, key) {
        Some(NodeData::Scalar { value, .. }) if !matches!(value.as_str(), "" | "~" | "null") => {
            Some(value.as_str())
        }
        _ => None,
    };
    Some((scalar("apiVersion")?, scalar("kind")?))
}

/// Returns the value of the last `key` in a mapping.
fn value_of<'d>(document: &'d Document, node: &'d NodeData, key: &str) -> Option<&'d NodeData> {
    let NodeData::Mapping { pairs, .. } = node else {
        return None;
    };
    pairs.iter().rev().find_map(|pair| {
        let key_node = document.get_node(pair.key)?;
        match &key_node.data {
            NodeData::Scalar { value, .. } if value == key => {
                document.get_node(pair.value).map(|v| &v.data)
            }
            _ => None,
        }
    })
}

#[test]
fn corpus_scans_as_expected() {
    let Some(shared) = kubeward_testutil::shared_dir("corpus_scans_as_expected") else {
        return;
    };
    let corpus = shared.join("corpus");
    let files = corpus_files(&corpus);
    assert!(
        files.len() > 1000,
        "only {} manifest files found",
        files.len()
    );

    let mut parse_errors = Vec::new();
    let mut mismatches = BTreeMap::new();
    let (mut scanned, mut independent) = (0, 0);
    for path in &files {
        let relative = path.strip_prefix(&corpus).expect("below the corpus");
        let name = relative.display().to_string();
        let bytes = std::fs::read(path).expect("read a corpus file");
        let report = common::scan_raw(&name, &bytes);
        for finding in common::of_rule(&report, "parse-error") {
            parse_errors.push((name.clone(), finding.line, finding.message.clone()));
        }
        if name == INVALID {
            continue;
        }
        let expected = independent_count(&bytes);
        if expected != Some(report.objects) {
            mismatches.insert(name, (report.objects, expected));
        }
        scanned += report.objects;
        independent += expected.unwrap_or(0);
    }

    assert_eq!(parse_errors.len(), 1, "{parse_errors:#?}");
    let (file, line, message) = &parse_errors[0];
    assert_eq!(file, INVALID);
    assert_eq!(*line, 2, "{message}");
    for file in MUST_PARSE {
        assert!(files.iter().any(|f| f.ends_with(file)), "{file} is missing");
        assert!(
            !mismatches.contains_key(file),
            "{file}: {:?}",
            mismatches[file]
        );
    }
    assert!(
        mismatches.is_empty(),
        "(scanned, independent) per file: {mismatches:#?}"
    );
    assert_eq!(scanned, independent);
    eprintln!("{} files, {scanned} objects", files.len());
}
