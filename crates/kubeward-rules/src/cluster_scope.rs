//! Whether the scanned manifests describe a whole cluster, for the rules
//! that report what a cluster lacks (an image signature policy, runtime
//! threat detection).
//!
//! A scan of one application's manifests says nothing about the cluster it
//! is deployed to, so a finding that the cluster has no Falco DaemonSet
//! would be noise there. A set of manifests counts as a whole cluster when
//! its workloads run in `kube-system`, or in at least
//! [`CLUSTER_NAMESPACES`] distinct namespaces, which is what a GitOps
//! repository of a cluster or a dump of its objects looks like.

use std::collections::BTreeSet;

use kubeward_core::pod::is_pod_spec_owner;
use kubeward_core::yaml::Pos;
use kubeward_core::{Inventory, StoredObject};

/// Kinds of the pod spec owners, for `Check::Inventory` kind lists.
pub(crate) const WORKLOAD_KINDS: [&str; 9] = [
    "Pod",
    "PodTemplate",
    "ReplicationController",
    "Deployment",
    "ReplicaSet",
    "StatefulSet",
    "DaemonSet",
    "Job",
    "CronJob",
];

/// The number of distinct workload namespaces from which a set of
/// manifests counts as a whole cluster.
pub(crate) const CLUSTER_NAMESPACES: usize = 3;

/// The namespace of the cluster's own components.
const KUBE_SYSTEM: &str = "kube-system";

/// The workloads of a scan and the namespaces they run in.
#[derive(Debug)]
pub(crate) struct ClusterScope<'i> {
    namespaces: BTreeSet<&'i str>,
    workloads: usize,
    /// The object set-level findings are reported on: the first workload
    /// in `kube-system`, else the first workload.
    anchor: Option<&'i StoredObject>,
}

impl<'i> ClusterScope<'i> {
    /// Collects the workloads among the inventory's objects.
    pub(crate) fn of(inventory: &'i Inventory) -> Self {
        let mut scope = ClusterScope {
            namespaces: BTreeSet::new(),
            workloads: 0,
            anchor: None,
        };
        let mut first_kube_system = None;
        for object in inventory.objects().iter().filter(|o| is_workload(o)) {
            scope.workloads += 1;
            scope.anchor.get_or_insert(object);
            if let Some(namespace) = object.namespace() {
                scope.namespaces.insert(namespace);
                if namespace == KUBE_SYSTEM && first_kube_system.is_none() {
                    first_kube_system = Some(object);
                }
            }
        }
        if first_kube_system.is_some() {
            scope.anchor = first_kube_system;
        }
        scope
    }

    /// Whether the workloads describe a whole cluster.
    pub(crate) fn is_cluster(&self) -> bool {
        self.namespaces.contains(KUBE_SYSTEM) || self.namespaces.len() >= CLUSTER_NAMESPACES
    }

    /// The workload set-level findings are reported on.
    pub(crate) fn anchor(&self) -> Option<&'i StoredObject> {
        self.anchor
    }

    /// Why the set counts as a cluster, for messages: "12 workloads in 4
    /// namespaces, kube-system among them".
    pub(crate) fn describe(&self) -> String {
        let workloads = plural(self.workloads, "workload");
        let namespaces = plural(self.namespaces.len(), "namespace");
        if self.namespaces.contains(KUBE_SYSTEM) {
            format!("{workloads} in {namespaces}, {KUBE_SYSTEM} among them")
        } else {
            format!("{workloads} in {namespaces}")
        }
    }
}

/// Where a set-level finding on `object` points, and the field path: the
/// object's `metadata.namespace` key, whose value made the set count as a
/// cluster, or its `kind` when it has no namespace.
pub(crate) fn anchor_position(object: &StoredObject) -> (Pos, &'static str) {
    let namespace = object
        .root()
        .get("metadata")
        .and_then(|metadata| metadata.entry("namespace"));
    match namespace {
        Some(entry) => (entry.key.pos(), "metadata.namespace"),
        None => (object.pos(), "kind"),
    }
}

/// Whether a kept object is a pod spec owner.
pub(crate) fn is_workload(object: &StoredObject) -> bool {
    let group = object
        .reference
        .api_version
        .rsplit_once('/')
        .map_or("", |(group, _)| group);
    is_pod_spec_owner(group, object.kind())
}

fn plural(count: usize, noun: &str) -> String {
    if count == 1 {
        format!("1 {noun}")
    } else {
        format!("{count} {noun}s")
    }
}

#[cfg(test)]
mod tests {
    use super::plural;

    #[test]
    fn plural_forms() {
        assert_eq!(plural(1, "namespace"), "1 namespace");
        assert_eq!(plural(0, "namespace"), "0 namespaces");
        assert_eq!(plural(3, "workload"), "3 workloads");
    }
}
