//! kind's `Cluster` (`kind.x-k8s.io`): kind runs kubeadm, and the
//! `kubeadmConfigPatches` of the cluster and of its nodes patch the kubeadm
//! configuration it generates. A patch that is a `ClusterConfiguration`
//! gives the control plane's `extraArgs`; other patches hold no component
//! settings kubeward reads.

use kubeward_core::yaml::{self, Document, NodeRef, Pos};
use kubeward_core::{Component, Location, Object};

use crate::source::kubeadm::{Embedded, components_from};
use crate::source::object_label;

const KIND: &str = "kind";

/// Whether `object` is a kind Cluster.
pub fn is_kind_cluster(object: &Object<'_, '_>) -> bool {
    object.kind() == "Cluster" && object.api_group() == "kind.x-k8s.io"
}

/// The components the ClusterConfiguration patches of `object` describe.
pub fn components(object: &Object<'_, '_>) -> Vec<Component> {
    let mut out = Vec::new();
    let mut patches = Vec::new();
    collect_patches(object.root, "kubeadmConfigPatches", &mut patches);
    let nodes = object.root.get("nodes");
    for (index, node) in nodes
        .iter()
        .flat_map(kubeward_yaml::NodeRef::items)
        .enumerate()
    {
        collect_patches(
            node,
            &format!("nodes[{index}].kubeadmConfigPatches"),
            &mut patches,
        );
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
            if root.get_str("kind") != Some("ClusterConfiguration") {
                continue;
            }
            let locate = |pos: Pos, field: String| {
                Location::in_object(object, mapping.map(pos, item.pos()), field)
            };
            let embedded = Embedded {
                root,
                prefix: &path,
                fallback: item.pos(),
                label: object_label(object),
                locate: &locate,
            };
            out.extend(components_from(&embedded, KIND));
        }
    }
    out
}

fn collect_patches<'d, 'a>(
    parent: NodeRef<'d, 'a>,
    key: &str,
    out: &mut Vec<(NodeRef<'d, 'a>, String)>,
) {
    let list = parent.get(key);
    for (index, item) in list
        .iter()
        .flat_map(kubeward_yaml::NodeRef::items)
        .enumerate()
    {
        out.push((item, format!("{key}[{index}]")));
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
    let indicator = object.source.line_text(pos.line).map(|line| {
        let rest: String = line
            .chars()
            .skip(pos.col.saturating_sub(1) as usize)
            .collect();
        let rest = rest.trim_start();
        rest.starts_with('|') || rest.starts_with('>')
    });
    let first_line = pos.line + 1;
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
        block: indicator == Some(true),
    }
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
