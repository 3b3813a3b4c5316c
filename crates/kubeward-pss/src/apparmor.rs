use kubeward_core::{
    Check, Family, PodSpec, PssInfo, PssLevel, RuleStatus, Severity, Sink, declare_rule,
};

use crate::policy::Subject;
use crate::policy::pod::annotation_path;

declare_rule! {
    /// ## What it checks
    ///
    /// AppArmor profiles, in both places Kubernetes reads them, at every
    /// policy version:
    ///
    /// - `securityContext.appArmorProfile.type` of the pod and of every
    ///   container, init container and ephemeral container must be
    ///   `RuntimeDefault` or `Localhost`. `Unconfined`, any other value and
    ///   an `appArmorProfile` without a `type` are findings.
    /// - Every pod annotation whose key starts with
    ///   `container.apparmor.security.beta.kubernetes.io/` must be empty,
    ///   `runtime/default` or start with `localhost/`. The annotation is
    ///   deprecated but still read, and still checked, whether or not a
    ///   container with the name in the key exists.
    ///
    /// Each forbidden field or annotation is one finding.
    ///
    /// ## Why it matters
    ///
    /// On nodes with AppArmor, the container runtime confines every container
    /// with its default profile, which blocks writes to `/proc` and `/sys`,
    /// mounting file systems and other steps of known container escapes. An
    /// `Unconfined` profile removes that layer, so a process that gains
    /// capabilities inside the container meets no further barrier.
    ///
    /// ## Failing example
    ///
    /// ```yaml
    /// apiVersion: v1
    /// kind: Pod
    /// metadata:
    ///   name: tracer
    ///   annotations:
    ///     container.apparmor.security.beta.kubernetes.io/sidecar: unconfined
    /// spec:
    ///   containers:
    ///     - name: app
    ///       image: registry.example.com/app:5.0
    ///       securityContext:
    ///         appArmorProfile:
    ///           type: Unconfined
    ///     - name: sidecar
    ///       image: registry.example.com/sidecar:1.2
    /// ```
    ///
    /// ## Fixed example
    ///
    /// ```yaml
    /// apiVersion: v1
    /// kind: Pod
    /// metadata:
    ///   name: tracer
    /// spec:
    ///   securityContext:
    ///     appArmorProfile:
    ///       type: RuntimeDefault
    ///   containers:
    ///     - name: app
    ///       image: registry.example.com/app:5.0
    ///     - name: sidecar
    ///       image: registry.example.com/sidecar:1.2
    ///       securityContext:
    ///         appArmorProfile:
    ///           type: Localhost
    ///           localhostProfile: sidecar-profile
    /// ```
    ///
    /// ## Known limitations
    ///
    /// The rule does not check that a `Localhost` profile exists on the
    /// nodes or what it allows. Upstream reads the `appArmorProfile` fields
    /// at every policy version, because it added them to the v1.0 check, so
    /// this rule does too.
    ///
    /// ## References
    ///
    /// - Pod Security Standards, baseline: "AppArmor"
    ///   (<https://kubernetes.io/docs/concepts/security/pod-security-standards/#baseline>)
    /// - Kubernetes documentation, "Restrict a Container's Access to Resources with AppArmor"
    ///   (<https://kubernetes.io/docs/tutorials/security/apparmor/>)
    /// - NSA/CISA Kubernetes Hardening Guide: "Hardening container environments"
    pub static RULE = {
        id: "pss-apparmor",
        family: Family::PodSecurity,
        severity: Severity::Medium,
        summary: "Container runs without the runtime's AppArmor profile",
        remediation: "Set appArmorProfile.type to RuntimeDefault or Localhost, and remove unconfined AppArmor annotations.",
        pss: Some(PssInfo { level: PssLevel::Baseline, control: "AppArmor" }),
        recommended: true,
        status: RuleStatus::Stable,
        check: Check::PodSpec(check),
    };
}

const ANNOTATION_PREFIX: &str = "container.apparmor.security.beta.kubernetes.io/";

fn check(pod: &PodSpec<'_, '_, '_>, sink: &mut Sink<'_>) {
    let containers = pod.containers();
    check_field(Subject::Pod(pod), sink);
    for container in &containers {
        check_field(Subject::Container(container), sink);
    }
    for (key, value, pos) in pod.annotations() {
        let Some(container_name) = key.strip_prefix(ANNOTATION_PREFIX) else {
            continue;
        };
        if allowed_annotation(value) {
            continue;
        }
        let finding = sink.report(
            pos,
            annotation_path(pod, key),
            format!(
                "annotation {key}=\"{value}\" must be removed or set to runtime/default or \
                 localhost/<profile>"
            ),
        );
        if let Some(container) = containers.iter().find(|c| c.name() == container_name) {
            finding.in_container(container);
        }
    }
}

fn allowed_annotation(value: &str) -> bool {
    value.is_empty() || value == "runtime/default" || value.starts_with("localhost/")
}

fn check_field(subject: Subject<'_, '_, '_, '_>, sink: &mut Sink<'_>) {
    let Some(profile) = subject.setting(&["appArmorProfile"]) else {
        return;
    };
    if !profile.value.is_map() {
        return;
    }
    let keys = ["appArmorProfile", "type"];
    let value = match profile.value.get("type") {
        None => "",
        Some(node) => match node.as_str() {
            Some(value) => value,
            None => return,
        },
    };
    if matches!(value, "RuntimeDefault" | "Localhost") {
        return;
    }
    let message = if value.is_empty() {
        format!(
            "{} must set securityContext.appArmorProfile.type to RuntimeDefault or Localhost",
            subject.describe()
        )
    } else {
        format!(
            "{} must not set securityContext.appArmorProfile.type to \"{value}\"; use \
             RuntimeDefault or Localhost",
            subject.describe()
        )
    };
    subject.report(sink, subject.locate(&keys), "appArmorProfile.type", message);
}
