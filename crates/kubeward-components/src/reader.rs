//! The reader that turns input into components, for the scan pipeline:
//! objects (static pods, kubeadm and kind configurations, component
//! configuration objects), YAML documents that are not objects (k3s and
//! RKE2 `config.yaml`), and files that are not YAML (systemd units, saved
//! command lines).

use std::sync::Arc;

use kubeward_core::component::TextComponents;
use kubeward_core::yaml::NodeRef;
use kubeward_core::{Component, ComponentReader, Object, Source};

use crate::source::{cmdline, config_object, k3s, kind, kubeadm, static_pod, unit};

/// The reader every component rule names.
pub static READER: ComponentReader = ComponentReader {
    from_object,
    from_document,
    from_text,
};

/// The components an object describes.
pub fn from_object(object: &Object<'_, '_>) -> Vec<Component> {
    match (object.api_group(), object.kind()) {
        ("kubeadm.k8s.io", "ClusterConfiguration") => kubeadm::components(object),
        ("kubeadm.k8s.io", "InitConfiguration" | "JoinConfiguration") => {
            kubeadm::node_components(object)
        }
        ("kind.x-k8s.io", "Cluster") => kind::components(object),
        (
            "kubelet.config.k8s.io" | "kubescheduler.config.k8s.io" | "kubeproxy.config.k8s.io",
            _,
        ) => config_object::components(object),
        _ => static_pod::components(object),
    }
}

fn from_document<'a>(source: &Source<'a>, root: NodeRef<'_, 'a>) -> Option<Vec<Component>> {
    k3s::from_document(source, root)
}

/// Reads a file that is not YAML: a systemd unit or drop-in, or a saved
/// command line. Returns `None` for any other text, which is then read as
/// YAML.
pub fn from_text(file: &Arc<str>, text: &str) -> Option<TextComponents> {
    if unit::is_unit_path(file) || unit::looks_like_unit(text) {
        return Some(unit::read(file, text));
    }
    if cmdline::looks_like_cmdline(file, text) {
        return Some(cmdline::read(file, text));
    }
    None
}
