use kubeward_core::{
    Check, Family, PodSpec, PssInfo, PssLevel, RuleStatus, Severity, Sink, declare_rule,
};

declare_rule! {
    /// ## What it checks
    ///
    /// Volumes of the pod spec that set `hostPath`. The baseline level
    /// forbids `hostPath` volumes at every policy version, whatever the path
    /// and whether or not they are mounted read-only. Each such volume is one
    /// finding, at its `hostPath` field.
    ///
    /// ## Why it matters
    ///
    /// A `hostPath` volume mounts a directory or file of the node into the
    /// container. Paths such as `/`, `/etc`, `/var/lib/kubelet` or the
    /// container runtime's socket give the container the node's credentials
    /// and control of every other container on it. Even a read-only mount of
    /// `/var/log` or `/proc` leaks other workloads' data. Read-only mounts
    /// can also be escaped through symbolic links the container creates in
    /// a writable part of the same tree.
    ///
    /// ## Failing example
    ///
    /// ```yaml
    /// apiVersion: apps/v1
    /// kind: DaemonSet
    /// metadata:
    ///   name: log-shipper
    /// spec:
    ///   selector:
    ///     matchLabels:
    ///       app: log-shipper
    ///   template:
    ///     metadata:
    ///       labels:
    ///         app: log-shipper
    ///     spec:
    ///       containers:
    ///         - name: shipper
    ///           image: registry.example.com/shipper:1.8
    ///           volumeMounts:
    ///             - name: logs
    ///               mountPath: /var/log/host
    ///               readOnly: true
    ///       volumes:
    ///         - name: logs
    ///           hostPath:
    ///             path: /var/log
    /// ```
    ///
    /// ## Fixed example
    ///
    /// The logs reach the shipper through a volume the pod owns, written by
    /// the application beside it, instead of through the node's file system.
    ///
    /// ```yaml
    /// apiVersion: apps/v1
    /// kind: DaemonSet
    /// metadata:
    ///   name: log-shipper
    /// spec:
    ///   selector:
    ///     matchLabels:
    ///       app: log-shipper
    ///   template:
    ///     metadata:
    ///       labels:
    ///         app: log-shipper
    ///     spec:
    ///       containers:
    ///         - name: shipper
    ///           image: registry.example.com/shipper:1.8
    ///           volumeMounts:
    ///             - name: logs
    ///               mountPath: /var/log/app
    ///               readOnly: true
    ///       volumes:
    ///         - name: logs
    ///           emptyDir: {}
    /// ```
    ///
    /// ## Known limitations
    ///
    /// None known. Volumes created through PersistentVolumes that use
    /// `hostPath` or `local` are outside the pod spec, and no level of the
    /// Pod Security Standards checks them.
    ///
    /// ## References
    ///
    /// - Pod Security Standards, baseline: "HostPath Volumes"
    ///   (<https://kubernetes.io/docs/concepts/security/pod-security-standards/#baseline>)
    /// - CIS Kubernetes Benchmark 5.2.12: minimize the admission of HostPath volumes
    /// - NSA/CISA Kubernetes Hardening Guide: "Kubernetes Pod security"
    pub static RULE = {
        id: "pss-host-path-volumes",
        family: Family::PodSecurity,
        severity: Severity::High,
        summary: "Pod mounts a directory of the node through a hostPath volume",
        remediation: "Replace the hostPath volume with an emptyDir, configMap, secret, projected or persistentVolumeClaim volume.",
        pss: Some(PssInfo { level: PssLevel::Baseline, control: "HostPath Volumes" }),
        recommended: true,
        status: RuleStatus::Stable,
        check: Check::PodSpec(check),
    };
}

fn check(pod: &PodSpec<'_, '_, '_>, sink: &mut Sink<'_>) {
    for (index, volume) in pod.volumes() {
        let Some(entry) = volume.entry("hostPath") else {
            continue;
        };
        // A hostPath that is not a mapping is rejected by the API server.
        if !entry.value.is_map() {
            continue;
        }
        let name = volume.get_str("name").unwrap_or("");
        let path = entry
            .value
            .get_str("path")
            .map(|path| format!(" ({path})"))
            .unwrap_or_default();
        sink.report(
            entry.key.pos(),
            pod.path(&format!("volumes[{index}].hostPath")),
            format!("pod must not use hostPath volume \"{name}\"{path}"),
        );
    }
}
