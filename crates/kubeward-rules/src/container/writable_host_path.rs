use kubeward_core::{Check, Family, PodSpec, RuleStatus, Severity, Sink, declare_rule};

use super::host_path;

declare_rule! {
    /// ## What it checks
    ///
    /// Every `volumeMounts` entry, of a container, init container or
    /// ephemeral container, that mounts a hostPath volume without
    /// `readOnly: true`. Whatever the host path is, the mount must be
    /// read-only.
    ///
    /// ## Why it matters
    ///
    /// A writable hostPath mount lets the container change files on the
    /// node. Those files outlive the pod, other pods on the node may mount
    /// the same path, and the node itself may read them. A planted binary,
    /// a changed configuration file or a symbolic link that a node agent
    /// follows then turns a compromised container into a compromised node.
    ///
    /// ## Failing example
    ///
    /// ```yaml
    /// apiVersion: v1
    /// kind: Pod
    /// metadata:
    ///   name: collector
    /// spec:
    ///   containers:
    ///     - name: collector
    ///       image: registry.example.com/collector:0.4.0
    ///       volumeMounts:
    ///         - name: data
    ///           mountPath: /data
    ///   volumes:
    ///     - name: data
    ///       hostPath:
    ///         path: /mnt/collector
    ///         type: DirectoryOrCreate
    /// ```
    ///
    /// ## Fixed example
    ///
    /// ```yaml
    /// apiVersion: v1
    /// kind: Pod
    /// metadata:
    ///   name: collector
    /// spec:
    ///   containers:
    ///     - name: collector
    ///       image: registry.example.com/collector:0.4.0
    ///       volumeMounts:
    ///         - name: data
    ///           mountPath: /data
    ///           readOnly: true
    ///   volumes:
    ///     - name: data
    ///       hostPath:
    ///         path: /mnt/collector
    ///         type: DirectoryOrCreate
    /// ```
    ///
    /// ## Known limitations
    ///
    /// Workloads that must write to the node, such as local storage
    /// provisioners, need the write access; suppress their findings with a
    /// reason. Prefer a `local` PersistentVolume over hostPath for data.
    ///
    /// ## References
    ///
    /// - CIS Kubernetes Benchmark 5.2.12: minimize the admission of HostPath volumes
    /// - kube-linter `writable-host-mount`; kubescape C-0045 "Writable hostPath mount"
    pub static RULE = {
        id: "writable-host-path",
        family: Family::Container,
        severity: Severity::Medium,
        summary: "Container mounts a host path writable",
        remediation: "Set readOnly: true on the volumeMounts entry, or replace the hostPath volume.",
        pss: None,
        recommended: true,
        status: RuleStatus::Stable,
        check: Check::PodSpec(check),
    };
}

fn check(pod: &PodSpec<'_, '_, '_>, sink: &mut Sink<'_>) {
    for mount in host_path::host_path_mounts(pod) {
        if mount.mount.get_bool("readOnly") == Some(true) {
            continue;
        }
        let pos = mount
            .mount
            .entry("readOnly")
            .or_else(|| mount.mount.entry("name"))
            .map_or_else(|| mount.mount.pos(), |entry| entry.key.pos());
        let container = &mount.container;
        sink.report(
            pos,
            container.path(&format!("volumeMounts[{}].readOnly", mount.mount_index)),
            format!(
                "{} mounts {} (volume \"{}\") writable; set readOnly: true on the mount",
                container.describe(),
                mount.describe_path(),
                mount.volume_name,
            ),
        )
        .in_container(container);
    }
}
