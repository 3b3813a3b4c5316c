//! Volume sources, as the volume checks classify them.

use kubeward_core::yaml::{Entry, NodeRef};

/// The volume sources the restricted level allows. `image` has been allowed
/// at every policy version since Kubernetes 1.33, because upstream added it
/// to the v1.0 check rather than to a new version.
pub(crate) const RESTRICTED_ALLOWED: [&str; 9] = [
    "configMap",
    "csi",
    "downwardAPI",
    "emptyDir",
    "ephemeral",
    "image",
    "persistentVolumeClaim",
    "projected",
    "secret",
];

/// Every other volume source of the core/v1 `Volume` type.
const OTHER_SOURCES: [&str; 21] = [
    "hostPath",
    "gcePersistentDisk",
    "awsElasticBlockStore",
    "gitRepo",
    "nfs",
    "iscsi",
    "glusterfs",
    "rbd",
    "flexVolume",
    "cinder",
    "cephfs",
    "flocker",
    "fc",
    "azureFile",
    "vsphereVolume",
    "quobyte",
    "azureDisk",
    "photonPersistentDisk",
    "portworxVolume",
    "scaleIO",
    "storageos",
];

/// The kind of source a volume uses, as the restricted level sorts them.
#[derive(Debug)]
pub(crate) enum VolumeSource<'d, 'a> {
    /// One of [`RESTRICTED_ALLOWED`] is set.
    Allowed,
    /// No allowed source is set, and this other source is.
    Restricted(Entry<'d, 'a>),
    /// No known source is set. The API server defaults such a volume to
    /// `emptyDir` before admission, so the restricted level allows it.
    Defaulted,
}

/// Classifies a volume mapping. As upstream does, any allowed source wins
/// over other sources set beside it, and the baseline `hostPathVolumes`
/// check still reports a `hostPath` there. A restricted source whose value
/// is not a mapping is skipped, because the API server rejects it.
pub(crate) fn classify<'d, 'a>(volume: NodeRef<'d, 'a>) -> VolumeSource<'d, 'a> {
    if RESTRICTED_ALLOWED
        .iter()
        .any(|key| volume.entry(key).is_some())
    {
        return VolumeSource::Allowed;
    }
    OTHER_SOURCES
        .iter()
        .filter_map(|key| volume.entry(key))
        .find(|entry| entry.value.is_map())
        .map_or(VolumeSource::Defaulted, VolumeSource::Restricted)
}
