use kubeward_core::{
    Check, Family, PodSpec, PssInfo, PssLevel, RuleStatus, Severity, Sink, declare_rule,
};

use crate::policy::Subject;
use crate::policy::pod::at_least;

declare_rule! {
    /// ## What it checks
    ///
    /// `securityContext.seLinuxOptions` of the pod and of every container,
    /// init container and ephemeral container:
    ///
    /// - `type` must be unset, empty, `container_t`, `container_init_t` or
    ///   `container_kvm_t`. From policy version v1.31, `container_engine_t`
    ///   is allowed too.
    /// - `user` and `role` must be unset or empty.
    ///
    /// `level` may be anything. Each forbidden field is one finding.
    ///
    /// ## Why it matters
    ///
    /// SELinux labels are what keep a container's processes away from the
    /// node's files and from other containers on SELinux hosts. A type such
    /// as `spc_t` or `unconfined_t`, or a custom user or role, takes the
    /// container out of that confinement, so an escape from the container
    /// reaches the node with few restrictions left.
    ///
    /// ## Failing example
    ///
    /// ```yaml
    /// apiVersion: batch/v1
    /// kind: Job
    /// metadata:
    ///   name: migrate
    /// spec:
    ///   template:
    ///     spec:
    ///       restartPolicy: Never
    ///       securityContext:
    ///         seLinuxOptions:
    ///           type: spc_t
    ///       containers:
    ///         - name: migrate
    ///           image: registry.example.com/migrate:7
    ///           securityContext:
    ///             seLinuxOptions:
    ///               user: system_u
    /// ```
    ///
    /// ## Fixed example
    ///
    /// ```yaml
    /// apiVersion: batch/v1
    /// kind: Job
    /// metadata:
    ///   name: migrate
    /// spec:
    ///   template:
    ///     spec:
    ///       restartPolicy: Never
    ///       securityContext:
    ///         seLinuxOptions:
    ///           level: "s0:c123,c456"
    ///       containers:
    ///         - name: migrate
    ///           image: registry.example.com/migrate:7
    /// ```
    ///
    /// ## Known limitations
    ///
    /// The rule reads the labels as written. It cannot tell whether the
    /// nodes enforce SELinux at all. Where they do not, a finding has no
    /// effect at runtime but still fails admission.
    ///
    /// ## References
    ///
    /// - Pod Security Standards, baseline: "SELinux"
    ///   (<https://kubernetes.io/docs/concepts/security/pod-security-standards/#baseline>)
    /// - NSA/CISA Kubernetes Hardening Guide: "Hardening container environments"
    pub static RULE = {
        id: "pss-selinux",
        family: Family::PodSecurity,
        severity: Severity::Medium,
        summary: "Pod or container sets a custom SELinux type, user or role",
        remediation: "Remove seLinuxOptions.user and seLinuxOptions.role, and leave seLinuxOptions.type unset or set it to a container type such as container_t.",
        pss: Some(PssInfo { level: PssLevel::Baseline, control: "SELinux" }),
        recommended: true,
        status: RuleStatus::Stable,
        check: Check::PodSpec(check),
    };
}

/// The allowed non-empty types at every version.
const TYPES_1_0: [&str; 3] = ["container_t", "container_init_t", "container_kvm_t"];

/// The type allowed from policy version v1.31, for containers that run a
/// container engine.
const ENGINE_TYPE_1_31: &str = "container_engine_t";

fn check(pod: &PodSpec<'_, '_, '_>, sink: &mut Sink<'_>) {
    let containers = pod.containers();
    check_subject(Subject::Pod(pod), sink);
    for container in &containers {
        check_subject(Subject::Container(container), sink);
    }
}

fn allowed_type(value: &str, sink: &Sink<'_>) -> bool {
    value.is_empty()
        || TYPES_1_0.contains(&value)
        || (value == ENGINE_TYPE_1_31 && at_least(sink, 31))
}

fn check_subject(subject: Subject<'_, '_, '_, '_>, sink: &mut Sink<'_>) {
    let Some(options) = subject.setting(&["seLinuxOptions"]) else {
        return;
    };
    if !options.value.is_map() {
        return;
    }
    if let Some(value) = options.value.get_str("type") {
        if !allowed_type(value, sink) {
            let allowed = if at_least(sink, 31) {
                "container_t, container_init_t, container_kvm_t or container_engine_t"
            } else {
                "container_t, container_init_t or container_kvm_t"
            };
            let message = format!(
                "{} must not set securityContext.seLinuxOptions.type to \"{value}\"; leave it \
                 unset or use {allowed}",
                subject.describe()
            );
            let keys = ["seLinuxOptions", "type"];
            subject.report(sink, subject.locate(&keys), "seLinuxOptions.type", message);
        }
    }
    for field in ["user", "role"] {
        let Some(value) = options.value.get_str(field) else {
            continue;
        };
        if value.is_empty() {
            continue;
        }
        let message = format!(
            "{} must not set securityContext.seLinuxOptions.{field} (\"{value}\")",
            subject.describe()
        );
        let keys = ["seLinuxOptions", field];
        subject.report(
            sink,
            subject.locate(&keys),
            &format!("seLinuxOptions.{field}"),
            message,
        );
    }
}
