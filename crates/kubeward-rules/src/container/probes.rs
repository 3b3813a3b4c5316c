//! The shared check of the two probe rules.

use kubeward_core::{ContainerKind, PodSpec, Sink};

use super::workload;

/// Reports every regular container without `probe` (`livenessProbe` or
/// `readinessProbe`). Init and ephemeral containers are skipped: the API
/// server rejects these probes on ephemeral containers, and init containers
/// run to completion before the pod is ready. Pods of Jobs and CronJobs
/// are skipped for the same reason.
pub(crate) fn check_probe(pod: &PodSpec<'_, '_, '_>, sink: &mut Sink<'_>, probe: &str, why: &str) {
    if workload::runs_to_completion(pod) {
        return;
    }
    for container in pod.containers() {
        if container.kind != ContainerKind::Regular || container.node.get(probe).is_some() {
            continue;
        }
        sink.report(
            container.name_pos(),
            container.path(probe),
            format!("{} has no {probe}; {why}", container.describe()),
        )
        .in_container(&container);
    }
}
