//! The seccomp profile a pod or container sets, shared by the baseline and
//! restricted seccomp checks.

use kubeward_core::yaml::Pos;

use crate::policy::Subject;

/// The seccomp profile a pod or container sets, as the checks read it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Profile<'d> {
    /// Unset or null.
    Unset,
    /// `type` is `RuntimeDefault` or `Localhost`.
    Allowed,
    /// Any other `type`, including an empty or missing one, which upstream
    /// reads as `""`.
    Forbidden(&'d str),
    /// Not a mapping, or a `type` that is not a string: the API server
    /// rejects the object, so no check decides on it.
    Malformed,
}

/// Reads the seccomp profile of `subject`.
pub(crate) fn profile<'d>(subject: &Subject<'_, '_, 'd, '_>) -> Profile<'d> {
    let Some(entry) = subject.setting(&["seccompProfile"]) else {
        return Profile::Unset;
    };
    if !entry.value.is_map() {
        return Profile::Malformed;
    }
    match entry.value.get("type").map(|node| node.as_str()) {
        None => Profile::Forbidden(""),
        Some(None) => Profile::Malformed,
        Some(Some("RuntimeDefault" | "Localhost")) => Profile::Allowed,
        Some(Some(other)) => Profile::Forbidden(other),
    }
}

/// Returns the position of `seccompProfile.type`, or of the nearest
/// enclosing field.
pub(crate) fn type_pos(subject: &Subject<'_, '_, '_, '_>) -> Pos {
    subject.locate(&["seccompProfile", "type"])
}
