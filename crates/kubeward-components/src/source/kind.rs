//! kind's `Cluster` (`kind.x-k8s.io`): kind runs kubeadm, and the
//! `kubeadmConfigPatches` of the cluster and of its nodes patch the kubeadm
//! configuration it generates. A patch that is a `ClusterConfiguration`
//! gives the control plane's `extraArgs`. One that is an
//! `InitConfiguration` or `JoinConfiguration` gives the `kubeletExtraArgs`
//! of the kubelets it patches: the cluster's patches apply to every node,
//! and a node's patches to that node.
//!
//! NOTE: `KubeletConfiguration` patches and `kubeadmConfigPatchesJSON6902`
//! are not applied, so the kubelet's config file stays undetermined.

use kubeward_core::yaml::{self, Document, NodeRef, Pos};
use kubeward_core::{Component, Location, Object};

use crate::source::kubeadm::{Embedded, components_from, kubelet_from};
use crate::source::object_label;

const KIND: &str = "kind";

/// Whether `object` is a kind Cluster.
pub fn is_kind_cluster(object: &Object<'_, '_>) -> bool {
    object.kind() == "Cluster" && object.api_group() == "kind.x-k8s.io"
}

/// Builds the components that the kubeadm patches of `object` describe: the
/// control plane of a `ClusterConfiguration`, the kubelet of an
/// `InitConfiguration` or `JoinConfiguration`.
pub fn components(object: &Object<'_, '_>) -> Vec<Component> {
    let mut out = Vec::new();
    let mut patches = Vec::new();
    collect_patches(object.root, "", &mut patches);
    let nodes = object.root.get("nodes");
    for (index, node) in nodes
        .iter()
        .flat_map(kubeward_yaml::NodeRef::items)
        .enumerate()
    {
        collect_patches(node, &format!("nodes[{index}]."), &mut patches);
    }
    for (item, path) in patches {
        let Some(text) = item.as_str() else {
            continue;
        };
        let mapping = content_mapping(object, item);
        for document in parse(text, mapping.first_line) {
            let Some(root) = document.root() else {
                continue;
            };
            let kind = root.get_str("kind");
            if !matches!(
                kind,
                Some("ClusterConfiguration" | "InitConfiguration" | "JoinConfiguration")
            ) {
                continue;
            }
            let locate = |pos: Pos, field: String| {
                Location::in_object(object, mapping.map(pos, item.pos()), field)
            };
            let embedded = Embedded {
                root,
                prefix: &path,
                fallback: item.pos(),
                label: format!("{} ({path})", object_label(object)),
                locate: &locate,
            };
            if kind == Some("ClusterConfiguration") {
                out.extend(components_from(&embedded, KIND));
            } else {
                out.push(kubelet_from(&embedded, KIND));
            }
        }
    }
    out
}

/// Adds the `kubeadmConfigPatches` items of `parent` to `out`, each with
/// its field path, which starts with `prefix`.
fn collect_patches<'d, 'a>(
    parent: NodeRef<'d, 'a>,
    prefix: &str,
    out: &mut Vec<(NodeRef<'d, 'a>, String)>,
) {
    let list = parent.get("kubeadmConfigPatches");
    for (index, item) in list
        .iter()
        .flat_map(kubeward_yaml::NodeRef::items)
        .enumerate()
    {
        out.push((item, format!("{prefix}kubeadmConfigPatches[{index}]")));
    }
}

/// How positions in a patch's text map to the file: the first line of the
/// content and its indentation, known for block scalars (`|` and `>`).
struct ContentMapping {
    first_line: u32,
    indent: u32,
    block: bool,
}

impl ContentMapping {
    fn map(&self, pos: Pos, fallback: Pos) -> Pos {
        if self.block {
            Pos {
                line: pos.line,
                col: pos.col + self.indent,
            }
        } else {
            fallback
        }
    }
}

fn content_mapping(object: &Object<'_, '_>, item: NodeRef<'_, '_>) -> ContentMapping {
    let pos = item.pos();
    let line_text = |line: u32| object.source.line_text(line).unwrap_or("");
    // A block scalar's position may be its indicator (`|` or `>`) or the
    // first line of its content, so both are accepted.
    let rest: String = line_text(pos.line)
        .chars()
        .skip(pos.col.saturating_sub(1) as usize)
        .collect();
    let (block, first_line) = if is_block_indicator(&rest) {
        (true, pos.line + 1)
    } else {
        let previous = pos.line.checked_sub(1).map_or("", line_text);
        let indicator = previous
            .rfind(['|', '>'])
            .is_some_and(|at| is_block_indicator(&previous[at..]));
        (indicator, pos.line)
    };
    let indent = (first_line..first_line + 64)
        .find_map(|line| {
            let text = object.source.line_text(line)?;
            (!text.trim().is_empty())
                .then(|| u32::try_from(text.chars().take_while(|c| *c == ' ').count()).unwrap_or(0))
        })
        .unwrap_or(0);
    ContentMapping {
        first_line,
        indent,
        block,
    }
}

/// Whether `text` starts with a block scalar header: `|` or `>`, optional
/// chomping and indentation indicators, then nothing but a comment.
fn is_block_indicator(text: &str) -> bool {
    let text = text.trim_start();
    let Some(rest) = text.strip_prefix(['|', '>']) else {
        return false;
    };
    let rest = rest.trim_start_matches(|c: char| c == '-' || c == '+' || c.is_ascii_digit());
    let rest = rest.trim();
    rest.is_empty() || rest.starts_with('#')
}

/// Parses a patch's text as YAML documents whose lines count from
/// `first_line`.
fn parse(text: &str, first_line: u32) -> Vec<Document<'_>> {
    let mut out = Vec::new();
    for mut chunk in yaml::split_documents(text) {
        chunk.first_line = chunk.first_line + first_line - 1;
        out.extend(yaml::parse_document(chunk).documents);
    }
    out
}
