//! The shared check of the four resource rules.

use kubeward_core::{ContainerKind, PodSpec, Sink};

/// `requests` or `limits` of a resource.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Section {
    Requests,
    Limits,
}

impl Section {
    fn field(self) -> &'static str {
        match self {
            Section::Requests => "requests",
            Section::Limits => "limits",
        }
    }
}

/// Reports every init and regular container that sets no `resource` (such
/// as `memory`) in `section`.
///
/// Ephemeral containers cannot set `resources`, so they are skipped. A
/// container without a request is not reported when it has a limit for the
/// same resource, because the API server then sets the request to the
/// limit. The pod-level `spec.resources` (feature gate
/// `PodLevelResources`) bounds every container, so a pod-level value
/// counts too.
pub(crate) fn check_resource(
    pod: &PodSpec<'_, '_, '_>,
    sink: &mut Sink<'_>,
    section: Section,
    resource: &str,
) {
    let pod_sets = |section: Section| {
        pod.spec
            .path(&["resources", section.field(), resource])
            .is_some()
    };
    if pod_sets(section) || section == Section::Requests && pod_sets(Section::Limits) {
        return;
    }
    for container in pod.containers() {
        if container.kind == ContainerKind::Ephemeral {
            continue;
        }
        let sets = |section: Section| {
            container
                .node
                .path(&["resources", section.field(), resource])
                .is_some()
        };
        if sets(section) || section == Section::Requests && sets(Section::Limits) {
            continue;
        }
        let keys = ["resources", section.field(), resource];
        let field = keys.join(".");
        sink.report(
            container.locate(&keys),
            container.path(&field),
            format!("{} does not set {field}", container.describe()),
        )
        .in_container(&container);
    }
}
