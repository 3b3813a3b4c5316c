//! Admin UIs found in one pod spec, for the rules that check a UI's own
//! settings while files are read.

use kubeward_core::{Container, ContainerKind, PodSpec};

use super::catalog::{AdminUi, ContainerCtx, image_may_match, may_name_ui, recognise};
use super::workloads::string_pairs;

/// Calls `f` for every regular container of `pod` that runs an admin UI.
pub fn for_each_ui(
    pod: &PodSpec<'_, '_, '_>,
    mut f: impl FnMut(&Container<'_, '_, '_>, &ContainerCtx<'_, '_, '_>, &'static AdminUi),
) {
    // Reading a container fully costs more than the quick tests below, and
    // most containers run no admin UI.
    let labels = pod.metadata.and_then(|m| m.get("labels"));
    let labels_name_a_ui = labels.is_some_and(may_name_ui);
    let mut labels: Option<Vec<(String, String)>> = None;
    for container in pod.containers() {
        if container.kind != ContainerKind::Regular {
            continue;
        }
        let image = container.node.get_str("image").unwrap_or("");
        if !labels_name_a_ui && !image_may_match(image) {
            continue;
        }
        let labels = labels.get_or_insert_with(|| {
            let node = pod.metadata.and_then(|m| m.get("labels"));
            node.map(string_pairs).unwrap_or_default()
        });
        let ctx = ContainerCtx::new(container.node, container.path(""), container.name());
        if let Some((ui, _)) = recognise(&ctx, labels) {
            f(&container, &ctx, ui);
        }
    }
}
