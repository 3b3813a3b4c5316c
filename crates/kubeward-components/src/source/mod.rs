//! Where components come from: each module reads one kind of input into
//! [`Sources`](crate::build::Sources) and builds the component.

pub mod cmdline;
pub mod config_object;
pub mod k3s;
pub mod kind;
pub mod kubeadm;
pub mod static_pod;
pub mod unit;

use kubeward_core::Object;

/// Names an object in labels: `Pod kube-system/kube-apiserver`.
pub fn object_label(object: &Object<'_, '_>) -> String {
    let reference = &object.reference;
    let name = reference.name.as_deref().unwrap_or("<unnamed>");
    match &reference.namespace {
        Some(namespace) => format!("{} {namespace}/{name}", reference.kind),
        None => format!("{} {name}", reference.kind),
    }
}
