//! `AdmissionConfiguration` (`apiserver.config.k8s.io`, formerly
//! `apiserver.k8s.io`), which `--admission-control-config-file` names: the
//! configuration of admission plugins, inline or in files it points to.

use kubeward_core::Object;
use kubeward_core::yaml::{NodeRef, Pos};

/// One configured plugin: its name, the position of its entry and its
/// field path.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PluginConfig {
    pub name: String,
    pub pos: Pos,
    pub path: String,
}

/// Whether `object` is an AdmissionConfiguration.
pub fn is_admission_config(object: &Object<'_, '_>) -> bool {
    object.kind() == "AdmissionConfiguration"
        && matches!(
            object.api_group(),
            "apiserver.config.k8s.io" | "apiserver.k8s.io"
        )
}

/// The plugins a configuration configures, in order.
pub fn plugins(root: NodeRef<'_, '_>) -> Vec<PluginConfig> {
    root.get("plugins")
        .into_iter()
        .flat_map(|list| list.items())
        .enumerate()
        .filter_map(|(index, item)| {
            Some(PluginConfig {
                name: item.get_str("name")?.to_owned(),
                pos: item.pos(),
                path: format!("plugins[{index}]"),
            })
        })
        .collect()
}

/// The inline `imagePolicy` settings of an ImagePolicyWebhook plugin entry
/// at `index`, if configured inline.
pub fn image_policy<'d, 'a>(root: NodeRef<'d, 'a>, index: usize) -> Option<NodeRef<'d, 'a>> {
    let item = root.get("plugins")?.items().nth(index)?;
    item.path(&["configuration", "imagePolicy"])
}
