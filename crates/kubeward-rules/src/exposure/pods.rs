//! Admin UIs found in one pod spec, for the rules that check a UI's own
//! settings while files are read.

use kubeward_core::{Container, ContainerKind, PodSpec};

use super::catalog::{AdminUi, ContainerCtx, recognise};
use super::workloads::string_pairs;

/// Calls `f` for every regular container of `pod` that runs an admin UI.
pub fn for_each_ui(
    pod: &PodSpec<'_, '_, '_>,
    mut f: impl FnMut(&Container<'_, '_, '_>, &ContainerCtx<'_, '_, '_>, &'static AdminUi),
) {
    let labels = pod
        .metadata
        .and_then(|m| m.get("labels"))
        .map(string_pairs)
        .unwrap_or_default();
    for container in pod.containers() {
        if container.kind != ContainerKind::Regular {
            continue;
        }
        let ctx = ContainerCtx::new(container.node, container.path(""), container.name());
        if let Some((ui, _)) = recognise(&ctx, &labels) {
            f(&container, &ctx, ui);
        }
    }
}
