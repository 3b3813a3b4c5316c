//! Pod specs and their containers, found the same way in every pod spec
//! owner.
//!
//! The owners and where they keep the pod template:
//!
//! | kind | group | pod metadata and spec |
//! |---|---|---|
//! | Pod | core | `metadata`, `spec` |
//! | PodTemplate | core | `template.metadata`, `template.spec` |
//! | ReplicationController | core | `spec.template` |
//! | Deployment, ReplicaSet, StatefulSet, DaemonSet | apps, extensions | `spec.template` |
//! | Job | batch | `spec.template` |
//! | CronJob | batch | `spec.jobTemplate.spec.template` |

use kubeward_yaml::{NodeRef, Pos};

use crate::{ContainerInfo, ContainerKind, Object};

/// A pod spec and the pod metadata beside it.
#[derive(Clone, Debug)]
pub struct PodSpec<'o, 'd, 'a> {
    pub object: &'o Object<'d, 'a>,
    /// The pod spec mapping.
    pub spec: NodeRef<'d, 'a>,
    /// The pod's metadata: the object's own for a Pod, the template's for
    /// other owners. `None` when absent.
    pub metadata: Option<NodeRef<'d, 'a>>,
    /// Field path of the spec, such as `spec.template.spec`.
    pub prefix: &'static str,
    /// Field path of the pod metadata, such as `spec.template.metadata`.
    pub metadata_prefix: &'static str,
    /// Position of the key that holds the spec, for findings on absent
    /// pod-level fields.
    pub spec_key_pos: Pos,
}

/// Where one owner kind keeps its pod template.
struct TemplatePaths {
    metadata: &'static [&'static str],
    spec: &'static [&'static str],
    metadata_prefix: &'static str,
    spec_prefix: &'static str,
}

const POD: TemplatePaths = TemplatePaths {
    metadata: &["metadata"],
    spec: &["spec"],
    metadata_prefix: "metadata",
    spec_prefix: "spec",
};

const POD_TEMPLATE: TemplatePaths = TemplatePaths {
    metadata: &["template", "metadata"],
    spec: &["template", "spec"],
    metadata_prefix: "template.metadata",
    spec_prefix: "template.spec",
};

const WORKLOAD: TemplatePaths = TemplatePaths {
    metadata: &["spec", "template", "metadata"],
    spec: &["spec", "template", "spec"],
    metadata_prefix: "spec.template.metadata",
    spec_prefix: "spec.template.spec",
};

const CRON_JOB: TemplatePaths = TemplatePaths {
    metadata: &["spec", "jobTemplate", "spec", "template", "metadata"],
    spec: &["spec", "jobTemplate", "spec", "template", "spec"],
    metadata_prefix: "spec.jobTemplate.spec.template.metadata",
    spec_prefix: "spec.jobTemplate.spec.template.spec",
};

fn template_paths(group: &str, kind: &str) -> Option<&'static TemplatePaths> {
    match (group, kind) {
        ("", "Pod") => Some(&POD),
        ("", "PodTemplate") => Some(&POD_TEMPLATE),
        ("", "ReplicationController")
        | ("apps" | "extensions", "Deployment" | "ReplicaSet" | "StatefulSet" | "DaemonSet")
        | ("batch", "Job") => Some(&WORKLOAD),
        ("batch", "CronJob") => Some(&CRON_JOB),
        _ => None,
    }
}

/// Whether objects of this group and kind carry a pod spec.
pub fn is_pod_spec_owner(group: &str, kind: &str) -> bool {
    template_paths(group, kind).is_some()
}

impl<'o, 'd, 'a> PodSpec<'o, 'd, 'a> {
    /// The pod spec `object` carries, if it is a pod spec owner and the spec
    /// is a mapping.
    pub fn of(object: &'o Object<'d, 'a>) -> Option<Self> {
        let paths = template_paths(object.api_group(), object.kind())?;
        let (parent_path, last) = paths.spec.split_at(paths.spec.len() - 1);
        let parent = object.root.path(parent_path)?;
        let entry = parent.entry(last[0])?;
        if !entry.value.is_map() {
            return None;
        }
        Some(PodSpec {
            object,
            spec: entry.value,
            metadata: object.root.path(paths.metadata).filter(NodeRef::is_map),
            prefix: paths.spec_prefix,
            metadata_prefix: paths.metadata_prefix,
            spec_key_pos: entry.key.pos(),
        })
    }

    /// `spec.securityContext`, if it is a mapping.
    pub fn security_context(&self) -> Option<NodeRef<'d, 'a>> {
        self.spec.get("securityContext").filter(NodeRef::is_map)
    }

    /// A pod annotation, if set to a string.
    pub fn annotation(&self, key: &str) -> Option<&'d str> {
        self.metadata?.get("annotations")?.get_str(key)
    }

    /// The pod's annotations as (key, value) pairs, for string values.
    pub fn annotations(&self) -> Vec<(&'d str, &'d str, Pos)> {
        let Some(annotations) = self.metadata.and_then(|m| m.get("annotations")) else {
            return Vec::new();
        };
        annotations
            .entries()
            .into_iter()
            .filter_map(|e| Some((e.key.as_str()?, e.value.as_str()?, e.key.pos())))
            .collect()
    }

    /// Every container of `initContainers`, `containers` and
    /// `ephemeralContainers`, in that order. Items that are not mappings are
    /// skipped.
    pub fn containers(&self) -> Vec<Container<'_, 'd, 'a>> {
        let mut out = Vec::new();
        for kind in [
            ContainerKind::Init,
            ContainerKind::Regular,
            ContainerKind::Ephemeral,
        ] {
            let Some(list) = self.spec.get(kind.field()) else {
                continue;
            };
            for (index, node) in list.items().enumerate() {
                if node.is_map() {
                    out.push(Container {
                        pod: self,
                        kind,
                        index,
                        node,
                    });
                }
            }
        }
        out
    }

    /// The path of a pod spec field: `path("securityContext")` gives
    /// `spec.template.spec.securityContext` for a Deployment.
    pub fn path(&self, suffix: &str) -> String {
        join_path(self.prefix, suffix)
    }

    /// The position of the deepest field of `keys` (a path below the pod
    /// spec) that exists, or of the spec's own key when none does.
    pub fn locate(&self, keys: &[&str]) -> Pos {
        locate(self.spec, keys).unwrap_or(self.spec_key_pos)
    }

    /// The volumes of the pod spec that are mappings.
    pub fn volumes(&self) -> impl Iterator<Item = (usize, NodeRef<'d, 'a>)> + use<'d, 'a> {
        self.spec
            .get("volumes")
            .into_iter()
            .flat_map(|v| v.items())
            .enumerate()
            .filter(|(_, v)| v.is_map())
    }
}

/// One container of a pod spec.
#[derive(Clone, Debug)]
pub struct Container<'p, 'd, 'a> {
    pub pod: &'p PodSpec<'p, 'd, 'a>,
    pub kind: ContainerKind,
    /// Index in its list.
    pub index: usize,
    pub node: NodeRef<'d, 'a>,
}

impl<'d, 'a> Container<'_, 'd, 'a> {
    /// The container's `name`, or `""` when it has none.
    pub fn name(&self) -> &'d str {
        self.node.get_str("name").unwrap_or("")
    }

    pub fn info(&self) -> ContainerInfo {
        ContainerInfo {
            name: self.name().to_owned(),
            kind: self.kind,
        }
    }

    /// "container \"web\"", "init container \"migrate\"" or "ephemeral
    /// container \"debugger\"", for messages.
    pub fn describe(&self) -> String {
        format!("{} \"{}\"", self.kind.noun(), self.name())
    }

    /// `securityContext`, if it is a mapping.
    pub fn security_context(&self) -> Option<NodeRef<'d, 'a>> {
        self.node.get("securityContext").filter(NodeRef::is_map)
    }

    /// The path of a container field: `path("securityContext.privileged")`
    /// gives `spec.containers[0].securityContext.privileged`.
    pub fn path(&self, suffix: &str) -> String {
        let base = format!("{}.{}[{}]", self.pod.prefix, self.kind.field(), self.index);
        join_path(&base, suffix)
    }

    /// The position of the deepest field of `keys` (a path below the
    /// container) that exists, or of the container's `name` when none does.
    pub fn locate(&self, keys: &[&str]) -> Pos {
        locate(self.node, keys).unwrap_or_else(|| self.name_pos())
    }

    /// Position of the container's `name` key, or of the container itself.
    pub fn name_pos(&self) -> Pos {
        self.node
            .entry("name")
            .map_or_else(|| self.node.pos(), |entry| entry.key.pos())
    }

    /// The effective value of a `securityContext` field that both the pod
    /// and the container can set: the container's value wins, else the
    /// pod's. Returns the node and whether it came from the container.
    pub fn effective(&self, key: &str) -> Option<(NodeRef<'d, 'a>, Setting)> {
        if let Some(node) = self.security_context().and_then(|sc| sc.get(key)) {
            return Some((node, Setting::Container));
        }
        self.pod
            .security_context()
            .and_then(|sc| sc.get(key))
            .map(|node| (node, Setting::Pod))
    }
}

/// Where an effective security setting was found.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Setting {
    Container,
    Pod,
}

fn locate(mut node: NodeRef<'_, '_>, keys: &[&str]) -> Option<Pos> {
    let mut found = None;
    for key in keys {
        let Some(entry) = node.entry(key) else { break };
        found = Some(entry.key.pos());
        node = entry.value;
    }
    found
}

fn join_path(base: &str, suffix: &str) -> String {
    if suffix.is_empty() {
        base.to_owned()
    } else if suffix.starts_with('[') {
        format!("{base}{suffix}")
    } else {
        format!("{base}.{suffix}")
    }
}
