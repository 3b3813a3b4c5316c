//! `AuthorizationConfiguration` (`apiserver.config.k8s.io`), which
//! `--authorization-config` names in place of `--authorization-mode`: the
//! API server asks its `authorizers` in order.

use kubeward_core::Object;
use kubeward_core::yaml::{NodeRef, Pos};

/// One authorizer: its type (`Node`, `RBAC`, `Webhook`, `ABAC`,
/// `AlwaysAllow`, `AlwaysDeny`), the position of its `type` key and its
/// field path.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Authorizer {
    pub kind: String,
    pub pos: Pos,
    pub path: String,
}

/// Whether `object` is an AuthorizationConfiguration.
pub fn is_authorization_config(object: &Object<'_, '_>) -> bool {
    object.kind() == "AuthorizationConfiguration" && object.api_group() == "apiserver.config.k8s.io"
}

/// The authorizers of a configuration, in order.
pub fn authorizers(root: NodeRef<'_, '_>) -> Vec<Authorizer> {
    root.get("authorizers")
        .into_iter()
        .flat_map(|list| list.items())
        .enumerate()
        .filter_map(|(index, item)| {
            let entry = item.entry("type")?;
            Some(Authorizer {
                kind: entry.value.as_str()?.to_owned(),
                pos: entry.key.pos(),
                path: format!("authorizers[{index}].type"),
            })
        })
        .collect()
}
