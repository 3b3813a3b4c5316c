//! The `/proc` mount type of containers, shared by the baseline and
//! restricted `procMount` checks.

use kubeward_core::{PodSpec, Sink};

/// Reports every container whose `securityContext.procMount` is a string
/// other than `Default`, adding `reason` to the message.
pub(crate) fn report_non_default(pod: &PodSpec<'_, '_, '_>, sink: &mut Sink<'_>, reason: &str) {
    for container in pod.containers() {
        let Some(entry) = container
            .security_context()
            .and_then(|sc| sc.entry("procMount"))
        else {
            continue;
        };
        let Some(value) = entry.value.as_str() else {
            continue;
        };
        if value == "Default" {
            continue;
        }
        sink.report(
            entry.key.pos(),
            container.path("securityContext.procMount"),
            format!(
                "{} must not set securityContext.procMount to \"{value}\"{reason}",
                container.describe()
            ),
        )
        .in_container(&container);
    }
}
