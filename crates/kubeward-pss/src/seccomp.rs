use kubeward_core::{
    Check, Family, PodSpec, PssInfo, PssLevel, RuleStatus, Severity, Sink, declare_rule,
};

use crate::policy::Subject;
use crate::policy::pod::{annotation_path, at_least};
use crate::policy::seccomp::{Profile, profile, type_pos};

declare_rule! {
    /// ## What it checks
    ///
    /// Seccomp profiles that switch seccomp off. What is read depends on the
    /// policy version:
    ///
    /// - From v1.19, `securityContext.seccompProfile.type` of the pod and of
    ///   every container, init container and ephemeral container must be
    ///   `RuntimeDefault`, `Localhost` or unset. `Unconfined`, any other
    ///   value and a `seccompProfile` without a `type` are findings.
    /// - Before v1.19, the annotations
    ///   `seccomp.security.alpha.kubernetes.io/pod` and
    ///   `container.seccomp.security.alpha.kubernetes.io/<container name>`
    ///   must be `runtime/default`, `docker/default` or start with
    ///   `localhost/`. Container annotations count only for containers of
    ///   the pod.
    ///
    /// Each forbidden field or annotation is one finding. An unset profile
    /// passes the baseline level, but `pss-seccomp-restricted` requires one.
    ///
    /// ## Why it matters
    ///
    /// Seccomp filters the system calls a container may make. The runtime's
    /// default profile blocks calls that most container escapes and kernel
    /// exploits need, such as `unshare`, `keyctl`, `bpf` and `mount`.
    /// `Unconfined` exposes the whole system call interface of the node's
    /// kernel to the container.
    ///
    /// ## Failing example
    ///
    /// ```yaml
    /// apiVersion: apps/v1
    /// kind: Deployment
    /// metadata:
    ///   name: api
    /// spec:
    ///   selector:
    ///     matchLabels:
    ///       app: api
    ///   template:
    ///     metadata:
    ///       labels:
    ///         app: api
    ///     spec:
    ///       securityContext:
    ///         seccompProfile:
    ///           type: Unconfined
    ///       containers:
    ///         - name: api
    ///           image: registry.example.com/api:3.1
    /// ```
    ///
    /// ## Fixed example
    ///
    /// ```yaml
    /// apiVersion: apps/v1
    /// kind: Deployment
    /// metadata:
    ///   name: api
    /// spec:
    ///   selector:
    ///     matchLabels:
    ///       app: api
    ///   template:
    ///     metadata:
    ///       labels:
    ///         app: api
    ///     spec:
    ///       securityContext:
    ///         seccompProfile:
    ///           type: RuntimeDefault
    ///       containers:
    ///         - name: api
    ///           image: registry.example.com/api:3.1
    /// ```
    ///
    /// ## Known limitations
    ///
    /// From v1.19 the annotations are not read, and before v1.19 the fields
    /// are not read, as upstream decides. API servers that copy between the
    /// two forms when a Pod is created can make the other form visible to
    /// admission, but this rule reads the manifest as written.
    ///
    /// ## References
    ///
    /// - Pod Security Standards, baseline: "Seccomp"
    ///   (<https://kubernetes.io/docs/concepts/security/pod-security-standards/#baseline>)
    /// - CIS Kubernetes Benchmark 5.7.2: ensure that a seccomp profile is set in pod definitions
    /// - NSA/CISA Kubernetes Hardening Guide: "Hardening container environments"
    pub static RULE = {
        id: "pss-seccomp",
        family: Family::PodSecurity,
        severity: Severity::Medium,
        summary: "Pod or container runs without seccomp filtering",
        remediation: "Set securityContext.seccompProfile.type to RuntimeDefault or Localhost instead of Unconfined.",
        pss: Some(PssInfo { level: PssLevel::Baseline, control: "Seccomp" }),
        recommended: true,
        status: RuleStatus::Stable,
        check: Check::PodSpec(check),
    };
}

const POD_ANNOTATION: &str = "seccomp.security.alpha.kubernetes.io/pod";
const CONTAINER_ANNOTATION_PREFIX: &str = "container.seccomp.security.alpha.kubernetes.io/";

fn check(pod: &PodSpec<'_, '_, '_>, sink: &mut Sink<'_>) {
    // NOTE: API servers that copy seccomp fields to annotations (or back)
    // when a Pod is created show admission both forms. Only the form the
    // policy version reads is checked here, as written in the manifest.
    if at_least(sink, 19) {
        check_fields(pod, sink);
    } else {
        check_annotations(pod, sink);
    }
}

fn check_fields(pod: &PodSpec<'_, '_, '_>, sink: &mut Sink<'_>) {
    let containers = pod.containers();
    let subjects =
        std::iter::once(Subject::Pod(pod)).chain(containers.iter().map(Subject::Container));
    for subject in subjects {
        let Profile::Forbidden(value) = profile(&subject) else {
            continue;
        };
        let message = if value.is_empty() {
            format!(
                "{} must set securityContext.seccompProfile.type to RuntimeDefault or Localhost",
                subject.describe()
            )
        } else {
            format!(
                "{} must not set securityContext.seccompProfile.type to \"{value}\"; use \
                 RuntimeDefault or Localhost",
                subject.describe()
            )
        };
        subject.report(sink, type_pos(&subject), "seccompProfile.type", message);
    }
}

fn allowed_annotation(value: &str) -> bool {
    value == "runtime/default" || value == "docker/default" || value.starts_with("localhost/")
}

fn check_annotations(pod: &PodSpec<'_, '_, '_>, sink: &mut Sink<'_>) {
    let annotations = pod.annotations();
    let containers = pod.containers();
    for (key, value, pos) in annotations {
        if allowed_annotation(value) {
            continue;
        }
        let container = match key.strip_prefix(CONTAINER_ANNOTATION_PREFIX) {
            Some(name) => match containers.iter().find(|c| c.name() == name) {
                Some(container) => Some(container),
                // Upstream reads only the annotations of existing containers.
                None => continue,
            },
            None if key == POD_ANNOTATION => None,
            None => continue,
        };
        let finding = sink.report(
            pos,
            annotation_path(pod, key),
            format!(
                "annotation {key}=\"{value}\" must be set to runtime/default, docker/default or \
                 localhost/<profile>"
            ),
        );
        if let Some(container) = container {
            finding.in_container(container);
        }
    }
}
