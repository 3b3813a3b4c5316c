//! Which ServiceAccount a workload runs as, and whether its pods get the
//! account's token.
//!
//! The ServiceAccount admission plugin of kube-apiserver sets a pod's
//! account to `spec.serviceAccountName`, else the deprecated
//! `spec.serviceAccount`, else `default`, and mounts a token volume unless
//! the pod spec sets `automountServiceAccountToken: false`, or leaves it
//! unset and the ServiceAccount sets it to false. A projected volume with a
//! `serviceAccountToken` source and no `audience` puts a token for the API
//! server in the pod whatever those settings are.

use std::collections::HashMap;

use kubeward_core::pod::is_pod_spec_owner;
use kubeward_core::yaml::{NodeRef, Pos};
use kubeward_core::{Inventory, PodSpec, StoredObject};

use crate::identity::Identity;
use crate::model::DEFAULT_NAMESPACE;

/// The kinds that carry a pod spec, for [`kubeward_core::Check::Inventory`].
pub const POD_SPEC_OWNER_KINDS: &[&str] = &[
    "Pod",
    "PodTemplate",
    "ReplicationController",
    "Deployment",
    "ReplicaSet",
    "StatefulSet",
    "DaemonSet",
    "Job",
    "CronJob",
];

/// A field of an object: its position and path.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Field {
    pub pos: Pos,
    pub path: String,
}

/// A pod spec owner and the identity its pods run as.
#[derive(Clone, Debug)]
pub struct Workload<'i> {
    pub object: &'i StoredObject,
    /// The object's namespace, `default` when unset.
    pub namespace: &'i str,
    /// The ServiceAccount name, `default` when unset.
    pub service_account: &'i str,
    /// Where the account is named: `serviceAccountName`, or the deprecated
    /// `serviceAccount`; `None` when neither is set.
    pub service_account_field: Option<Field>,
    /// The pod spec's own position and path, such as
    /// `spec.template.spec`.
    pub spec: Field,
    pub token: TokenMount,
}

impl Workload<'_> {
    /// The identity of the workload's token.
    pub fn identity(&self) -> Identity {
        Identity::service_account(self.namespace, self.service_account)
    }

    /// Where a finding about the account belongs: the field naming it, or
    /// the pod spec.
    pub fn account_field(&self) -> &Field {
        self.service_account_field.as_ref().unwrap_or(&self.spec)
    }
}

/// Whether the pods of a workload get a token, and why.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum TokenMount {
    /// A token is mounted.
    Mounted(TokenReason),
    /// No token is mounted.
    NotMounted(TokenReason),
}

impl TokenMount {
    pub fn is_mounted(&self) -> bool {
        matches!(self, TokenMount::Mounted(_))
    }
}

/// What decides [`TokenMount`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum TokenReason {
    /// The pod spec's `automountServiceAccountToken`.
    PodSpec(Field),
    /// The ServiceAccount's `automountServiceAccountToken`, at this
    /// position of the ServiceAccount object.
    ServiceAccount { file: String, line: u32 },
    /// Neither sets it: tokens are mounted by default.
    Default,
    /// A projected volume with a `serviceAccountToken` source.
    ProjectedVolume(Field),
}

impl TokenReason {
    /// A clause for messages: "the pod spec sets
    /// automountServiceAccountToken: true".
    pub fn describe(&self) -> String {
        match self {
            TokenReason::PodSpec(field) => format!("{} is set on the pod spec", field.path),
            TokenReason::ServiceAccount { file, line } => {
                format!("the ServiceAccount ({file}:{line}) sets automountServiceAccountToken")
            }
            TokenReason::Default => "neither the pod spec nor the ServiceAccount sets \
                 automountServiceAccountToken, so the token is mounted by default"
                .to_owned(),
            TokenReason::ProjectedVolume(field) => {
                format!("the projected volume at {} mounts a token", field.path)
            }
        }
    }
}

/// The namespace of an object as kubeward reads it: `metadata.namespace`,
/// or `default`.
pub fn namespace_of(object: &StoredObject) -> &str {
    object
        .namespace()
        .filter(|ns| !ns.is_empty())
        .unwrap_or(DEFAULT_NAMESPACE)
}

/// Every pod spec owner of `inventory` with its identity.
pub fn workloads(inventory: &Inventory) -> Vec<Workload<'_>> {
    let accounts = service_accounts(inventory);
    inventory
        .objects()
        .iter()
        .filter_map(|object| workload(object, &accounts))
        .collect()
}

/// `automountServiceAccountToken` of each ServiceAccount, by namespace and
/// name, with the object.
type Accounts<'i> = HashMap<(&'i str, &'i str), (&'i StoredObject, Option<bool>)>;

fn service_accounts(inventory: &Inventory) -> Accounts<'_> {
    let mut accounts = HashMap::new();
    for object in inventory.of_kind(&["ServiceAccount"]) {
        if object.reference.api_version != "v1" {
            continue;
        }
        let Some(name) = object.name() else {
            continue;
        };
        let automount = object.root().get_bool("automountServiceAccountToken");
        accounts.insert((namespace_of(object), name), (object, automount));
    }
    accounts
}

fn workload<'i>(object: &'i StoredObject, accounts: &Accounts<'i>) -> Option<Workload<'i>> {
    let group = object
        .reference
        .api_version
        .rsplit_once('/')
        .map_or("", |(group, _)| group);
    if !is_pod_spec_owner(group, object.kind()) {
        return None;
    }
    // PodSpec finds the spec of every owner kind; only its path and
    // position leave the closure, because the view it borrows is local.
    let (prefix, spec_pos) =
        object.with_object(|view| PodSpec::of(view).map(|pod| (pod.prefix, pod.spec_key_pos)))?;
    let keys: Vec<&str> = prefix.split('.').collect();
    let spec = object.root().path(&keys)?;
    let namespace = namespace_of(object);
    let (service_account, service_account_field) = account_of(spec, prefix);
    let spec_field = Field {
        pos: spec_pos,
        path: prefix.to_owned(),
    };
    let token = token_mount(spec, prefix, accounts.get(&(namespace, service_account)));
    Some(Workload {
        object,
        namespace,
        service_account,
        service_account_field,
        spec: spec_field,
        token,
    })
}

fn account_of<'i>(spec: NodeRef<'i, 'static>, prefix: &str) -> (&'i str, Option<Field>) {
    for key in ["serviceAccountName", "serviceAccount"] {
        let Some(entry) = spec.entry(key) else {
            continue;
        };
        let Some(name) = entry.value.as_str().filter(|n| !n.is_empty()) else {
            continue;
        };
        let field = Field {
            pos: entry.key.pos(),
            path: format!("{prefix}.{key}"),
        };
        return (name, Some(field));
    }
    ("default", None)
}

fn token_mount(
    spec: NodeRef<'_, 'static>,
    prefix: &str,
    account: Option<&(&StoredObject, Option<bool>)>,
) -> TokenMount {
    if let Some(field) = projected_token(spec, prefix) {
        return TokenMount::Mounted(TokenReason::ProjectedVolume(field));
    }
    let key = "automountServiceAccountToken";
    let pod_setting = spec
        .entry(key)
        .and_then(|entry| Some((entry.key.pos(), entry.value.as_bool()?)));
    if let Some((pos, value)) = pod_setting {
        let reason = TokenReason::PodSpec(Field {
            pos,
            path: format!("{prefix}.{key}"),
        });
        return if value {
            TokenMount::Mounted(reason)
        } else {
            TokenMount::NotMounted(reason)
        };
    }
    if let Some((object, Some(value))) = account {
        let pos = object
            .root()
            .entry(key)
            .map_or_else(|| object.pos(), |e| e.key.pos());
        let reason = TokenReason::ServiceAccount {
            file: object.file().to_string(),
            line: pos.line,
        };
        return if *value {
            TokenMount::Mounted(reason)
        } else {
            TokenMount::NotMounted(reason)
        };
    }
    TokenMount::Mounted(TokenReason::Default)
}

/// The first projected volume source that mounts a token for the API
/// server: one without an `audience`, which defaults to the API server's.
fn projected_token(spec: NodeRef<'_, 'static>, prefix: &str) -> Option<Field> {
    let volumes = spec.get("volumes")?;
    for (index, volume) in volumes.items().enumerate() {
        let sources = volume.path(&["projected", "sources"]);
        for (source_index, source) in sources.into_iter().flat_map(|s| s.items()).enumerate() {
            let Some(entry) = source.entry("serviceAccountToken") else {
                continue;
            };
            // A token for another audience, such as a secrets store, is
            // rejected by the API server.
            let audience = entry.value.get_str("audience").unwrap_or("");
            if audience.is_empty() {
                return Some(Field {
                    pos: entry.key.pos(),
                    path: format!(
                        "{prefix}.volumes[{index}].projected.sources[{source_index}].serviceAccountToken"
                    ),
                });
            }
        }
    }
    None
}
