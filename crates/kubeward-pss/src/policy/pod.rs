//! Pod-wide conditions that switch checks off, and version gates.

use kubeward_core::{PodSpec, Sink};

/// Returns whether the check introduced or changed at policy version
/// v1.`minor` applies at the version this scan decides at.
pub(crate) fn at_least(sink: &Sink<'_>, minor: u32) -> bool {
    sink.options().pss_version.at_least(minor)
}

/// Returns whether the restricted checks that exempt Windows pods skip
/// this pod. From policy version v1.25, `allowPrivilegeEscalation`,
/// `seccompProfile_restricted` and `capabilities_restricted` allow any pod
/// whose `spec.os.name` is exactly `windows`, because those Linux settings
/// have no effect there.
pub(crate) fn exempt_as_windows(pod: &PodSpec<'_, '_, '_>, sink: &Sink<'_>) -> bool {
    at_least(sink, 25) && pod.spec.get("os").and_then(|os| os.get_str("name")) == Some("windows")
}

/// Returns whether the pod runs in its own user namespace
/// (`spec.hostUsers: false`) at a version that relaxes checks for it. From
/// policy version v1.35 the baseline `procMount` check and the restricted
/// `runAsNonRoot` and `runAsUser` checks allow such pods, because root and
/// an unmasked /proc inside a user namespace map to an unprivileged user on
/// the node.
pub(crate) fn relaxed_for_user_namespace(pod: &PodSpec<'_, '_, '_>, sink: &Sink<'_>) -> bool {
    at_least(sink, 35) && pod.spec.get_bool("hostUsers") == Some(false)
}

/// Returns the field path of a pod annotation, such as
/// `spec.template.metadata.annotations[seccomp.security.alpha.kubernetes.io/pod]`.
pub(crate) fn annotation_path(pod: &PodSpec<'_, '_, '_>, key: &str) -> String {
    format!("{}.annotations[{key}]", pod.metadata_prefix)
}
