use kubeward_core::{Check, Family, PodSpec, RuleStatus, Severity, Sink, declare_rule};

use super::workload;

declare_rule! {
    /// ## What it checks
    ///
    /// Every container, init container and ephemeral container whose
    /// `securityContext.readOnlyRootFilesystem` is not `true`: the field is
    /// absent, `false`, or not a boolean. Pods with `os.name: windows` are
    /// skipped, because Windows containers cannot set the field.
    ///
    /// ## Why it matters
    ///
    /// With a writable root filesystem, a process that an attacker controls
    /// can drop tools, replace binaries and libraries of the image, or
    /// change configuration that the application rereads. A read-only root
    /// filesystem makes the image immutable at runtime, so every write has
    /// to go to a volume the manifest declares.
    ///
    /// ## Failing example
    ///
    /// ```yaml
    /// apiVersion: apps/v1
    /// kind: Deployment
    /// metadata:
    ///   name: web
    /// spec:
    ///   selector:
    ///     matchLabels: {app: web}
    ///   template:
    ///     metadata:
    ///       labels: {app: web}
    ///     spec:
    ///       containers:
    ///         - name: web
    ///           image: nginx:1.27
    /// ```
    ///
    /// ## Fixed example
    ///
    /// ```yaml
    /// apiVersion: apps/v1
    /// kind: Deployment
    /// metadata:
    ///   name: web
    /// spec:
    ///   selector:
    ///     matchLabels: {app: web}
    ///   template:
    ///     metadata:
    ///       labels: {app: web}
    ///     spec:
    ///       containers:
    ///         - name: web
    ///           image: nginx:1.27
    ///           securityContext:
    ///             readOnlyRootFilesystem: true
    ///           volumeMounts:
    ///             - name: tmp
    ///               mountPath: /tmp
    ///       volumes:
    ///         - name: tmp
    ///           emptyDir: {}
    /// ```
    ///
    /// ## Known limitations
    ///
    /// Many images write to `/tmp`, `/var/run` or a cache directory; give
    /// them `emptyDir` volumes there. The rule cannot tell which paths an
    /// image writes to.
    ///
    /// ## References
    ///
    /// - CIS Kubernetes Benchmark 5.7.3: apply security context to your pods and containers
    /// - NSA/CISA Kubernetes Hardening Guide, "Kubernetes Pod security": "Immutable container file systems"
    /// - kube-linter `no-read-only-root-fs`; kubescape C-0017 "Immutable container filesystem"
    pub static RULE = {
        id: "writable-root-filesystem",
        family: Family::Container,
        severity: Severity::Low,
        summary: "Container root filesystem is writable",
        remediation: "Set securityContext.readOnlyRootFilesystem: true and mount emptyDir volumes where the process writes.",
        pss: None,
        recommended: true,
        status: RuleStatus::Stable,
        check: Check::PodSpec(check),
    };
}

fn check(pod: &PodSpec<'_, '_, '_>, sink: &mut Sink<'_>) {
    if workload::is_windows(pod) {
        return;
    }
    for container in pod.containers() {
        let read_only = container
            .security_context()
            .and_then(|sc| sc.get_bool("readOnlyRootFilesystem"));
        if read_only == Some(true) {
            continue;
        }
        let field = "securityContext.readOnlyRootFilesystem";
        sink.report(
            container.locate(&["securityContext", "readOnlyRootFilesystem"]),
            container.path(field),
            format!(
                "{} does not set {field}=true; set it and mount writable paths as emptyDir volumes",
                container.describe()
            ),
        )
        .in_container(&container);
    }
}
