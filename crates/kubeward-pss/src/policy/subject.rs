//! The pod or one of its containers, as the owner of a `securityContext`.
//!
//! Several checks read the same field from the pod's `securityContext` and
//! from each container's, and report on whichever sets a forbidden value.
//! [`Subject`] gives both the same methods, so a check is written once.

use kubeward_core::yaml::{Entry, NodeRef, Pos};
use kubeward_core::{Container, PodSpec, Sink};

/// The pod or a container, whose `securityContext` a check reads.
#[derive(Clone, Copy, Debug)]
pub(crate) enum Subject<'c, 'p, 'd, 'a> {
    Pod(&'c PodSpec<'p, 'd, 'a>),
    Container(&'c Container<'p, 'd, 'a>),
}

impl<'d, 'a> Subject<'_, '_, 'd, 'a> {
    /// Returns the `securityContext` mapping, if set.
    pub(crate) fn security_context(&self) -> Option<NodeRef<'d, 'a>> {
        match self {
            Subject::Pod(pod) => pod.security_context(),
            Subject::Container(container) => container.security_context(),
        }
    }

    /// Returns the entry at `keys` below `securityContext`, if every step
    /// exists and is not null.
    pub(crate) fn setting(&self, keys: &[&str]) -> Option<Entry<'d, 'a>> {
        let (last, parents) = keys.split_last()?;
        let mut node = self.security_context()?;
        for key in parents {
            node = node.get(key)?;
        }
        node.entry(last)
    }

    /// Returns the field path of `suffix` below `securityContext`:
    /// `spec.securityContext.runAsUser` for the pod,
    /// `spec.containers[0].securityContext.runAsUser` for a container.
    pub(crate) fn path(&self, suffix: &str) -> String {
        let field = format!("securityContext.{suffix}");
        match self {
            Subject::Pod(pod) => pod.path(&field),
            Subject::Container(container) => container.path(&field),
        }
    }

    /// Returns the position of the deepest field of `keys` below
    /// `securityContext` that exists, or of the nearest enclosing field.
    pub(crate) fn locate(&self, keys: &[&str]) -> Pos {
        let mut full = Vec::with_capacity(keys.len() + 1);
        full.push("securityContext");
        full.extend_from_slice(keys);
        match self {
            Subject::Pod(pod) => pod.locate(&full),
            Subject::Container(container) => container.locate(&full),
        }
    }

    /// Returns "pod", or the container's kind and name, for messages.
    pub(crate) fn describe(&self) -> String {
        match self {
            Subject::Pod(_) => "pod".to_owned(),
            Subject::Container(container) => container.describe(),
        }
    }

    /// Records a finding on the field `suffix` below `securityContext`, at
    /// `pos`, with the container attached when the subject is one.
    pub(crate) fn report(&self, sink: &mut Sink<'_>, pos: Pos, suffix: &str, message: String) {
        let finding = sink.report(pos, self.path(suffix), message);
        if let Subject::Container(container) = self {
            finding.in_container(container);
        }
    }
}
