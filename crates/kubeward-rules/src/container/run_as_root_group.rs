use kubeward_core::yaml::NodeRef;
use kubeward_core::{Check, Family, PodSpec, RuleStatus, Setting, Severity, Sink, declare_rule};

use super::workload;

declare_rule! {
    /// ## What it checks
    ///
    /// Group id 0 (`root`) in the security context:
    ///
    /// - a container, init container or ephemeral container whose effective
    ///   `runAsGroup` is 0: its own `securityContext.runAsGroup`, or else the
    ///   pod's. A pod-level value is reported once, at the pod field, when
    ///   at least one container inherits it;
    /// - `securityContext.fsGroup: 0` on the pod;
    /// - every 0 in the pod's `securityContext.supplementalGroups`.
    ///
    /// Pods with `os.name: windows` are skipped, because Windows has no
    /// group ids.
    ///
    /// ## Why it matters
    ///
    /// Many files on a node and in images are owned by group 0 and
    /// writable by it. A process running as group root, or with group 0
    /// among its groups, gets that access without being user root, so a
    /// container escape or a writable host mount reaches more. `fsGroup: 0`
    /// also makes every volume of the pod group-owned by root.
    ///
    /// ## Failing example
    ///
    /// ```yaml
    /// apiVersion: v1
    /// kind: Pod
    /// metadata:
    ///   name: app
    /// spec:
    ///   securityContext:
    ///     runAsUser: 1000
    ///     runAsGroup: 0
    ///   containers:
    ///     - name: app
    ///       image: registry.example.com/app:1.4.0
    /// ```
    ///
    /// ## Fixed example
    ///
    /// ```yaml
    /// apiVersion: v1
    /// kind: Pod
    /// metadata:
    ///   name: app
    /// spec:
    ///   securityContext:
    ///     runAsUser: 1000
    ///     runAsGroup: 3000
    ///     fsGroup: 2000
    ///   containers:
    ///     - name: app
    ///       image: registry.example.com/app:1.4.0
    /// ```
    ///
    /// ## Known limitations
    ///
    /// Without `runAsGroup`, the process runs with the group of the image's
    /// user, which is often 0; a manifest scan cannot see the image, so that
    /// case is not reported. OpenShift assigns group 0 to arbitrary user ids
    /// by design; suppress the rule there.
    ///
    /// ## References
    ///
    /// - NSA/CISA Kubernetes Hardening Guide, "Kubernetes Pod security": "Non-root containers and rootless container engines"
    /// - Kubernetes documentation, "Configure a Security Context for a Pod or Container"
    ///   (<https://kubernetes.io/docs/tasks/configure-pod-container/security-context/>)
    pub static RULE = {
        id: "run-as-root-group",
        family: Family::Container,
        severity: Severity::Low,
        summary: "Process runs with the root group",
        remediation: "Set runAsGroup and fsGroup to a non-zero group id, and remove 0 from supplementalGroups.",
        pss: None,
        recommended: false,
        status: RuleStatus::Stable,
        check: Check::PodSpec(check),
    };
}

fn check(pod: &PodSpec<'_, '_, '_>, sink: &mut Sink<'_>) {
    if workload::is_windows(pod) {
        return;
    }
    let mut inheriting = Vec::new();
    for container in pod.containers() {
        match container.effective("runAsGroup") {
            Some((node, Setting::Container)) if node.as_i64() == Some(0) => {
                let pos = container.locate(&["securityContext", "runAsGroup"]);
                sink.report(
                    pos,
                    container.path("securityContext.runAsGroup"),
                    format!(
                        "{} sets securityContext.runAsGroup=0; use a non-zero group id",
                        container.describe()
                    ),
                )
                .in_container(&container);
            }
            Some((node, Setting::Pod)) if node.as_i64() == Some(0) => {
                inheriting.push(container.describe());
            }
            _ => {}
        }
    }
    if !inheriting.is_empty() {
        sink.report(
            pod.locate(&["securityContext", "runAsGroup"]),
            pod.path("securityContext.runAsGroup"),
            format!(
                "the pod sets securityContext.runAsGroup=0, which {} inherit; use a non-zero \
                 group id",
                inheriting.join(", ")
            ),
        );
    }

    let Some(security_context) = pod.security_context() else {
        return;
    };
    if let Some(entry) = security_context.entry("fsGroup") {
        if entry.value.as_i64() == Some(0) {
            sink.report(
                entry.key.pos(),
                pod.path("securityContext.fsGroup"),
                "the pod sets securityContext.fsGroup=0, so its volumes are owned by group root; \
                 use a non-zero group id",
            );
        }
    }
    let groups = security_context.get("supplementalGroups");
    for (index, group) in groups.iter().flat_map(NodeRef::items).enumerate() {
        if group.as_i64() == Some(0) {
            sink.report(
                group.pos(),
                pod.path(&format!("securityContext.supplementalGroups[{index}]")),
                "the pod adds group 0 (root) in securityContext.supplementalGroups; remove it",
            );
        }
    }
}
