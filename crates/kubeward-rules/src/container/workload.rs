//! Facts about the pod spec owner that several rules share.

use kubeward_core::PodSpec;

/// Whether the pod spec sets `os.name: windows`. Windows containers have no
/// Linux capabilities, read-only root filesystem or group ids, and the API
/// server rejects those fields in such pods.
pub(crate) fn is_windows(pod: &PodSpec<'_, '_, '_>) -> bool {
    pod.spec
        .get("os")
        .and_then(|os| os.get_str("name"))
        .is_some_and(|name| name == "windows")
}

/// Whether the pod runs to completion: the spec of a Job or CronJob, or a
/// Pod whose `ownerReferences` name a Job.
pub(crate) fn runs_to_completion(pod: &PodSpec<'_, '_, '_>) -> bool {
    let object = pod.object;
    if object.api_group() == "batch" && matches!(object.kind(), "Job" | "CronJob") {
        return true;
    }
    object
        .root
        .path(&["metadata", "ownerReferences"])
        .into_iter()
        .flat_map(|owners| owners.items())
        .any(|owner| owner.get_str("kind") == Some("Job"))
}
