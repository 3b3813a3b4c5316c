//! Building the [`Model`] from the scanned objects: namespaces, workloads
//! grouped into pod classes, and NetworkPolicies with their defaults.

use std::collections::{BTreeMap, HashMap};

use kubeward_core::yaml::{NodeRef, Pos};
use kubeward_core::{Inventory, PodSpec, StoredObject};

use crate::admin;
use crate::model::{
    ClassId, DEFAULT_NAMESPACE, Model, NAMESPACE_NAME_LABEL, Namespace, NamespaceId, Owner,
    PodClass, Site, Workload,
};
use crate::policy;
use crate::ports::{ContainerPort, Protocol};
use crate::selector::Labels;

/// The kinds the model reads, for `Scanner::scan_paths_keeping` and the
/// `network` rules.
pub const KINDS: &[&str] = &[
    "Namespace",
    "NetworkPolicy",
    "AdminNetworkPolicy",
    "BaselineAdminNetworkPolicy",
    "Pod",
    "ReplicationController",
    "Deployment",
    "ReplicaSet",
    "StatefulSet",
    "DaemonSet",
    "Job",
    "CronJob",
    "Service",
    "Ingress",
];

/// A Pod or pod template, before Pods are grouped by owner.
struct RawPod {
    kind: String,
    namespace: NamespaceId,
    name: String,
    class_key: ClassKey,
    site: Site,
    owner: Option<Owner>,
    images: Vec<String>,
    references: Vec<String>,
}

#[derive(Clone, PartialEq, Eq, Hash)]
struct ClassKey {
    namespace: NamespaceId,
    labels: Labels,
    ports: Vec<ContainerPort>,
    host_network: bool,
}

pub(crate) fn build(inventory: &Inventory) -> Model {
    let mut model = Model::default();
    let objects = inventory.objects();
    for (index, object) in objects.iter().enumerate() {
        if object.kind() == "Namespace" && group(object).is_empty() {
            declare_namespace(&mut model, index, object);
        }
    }
    let mut raw = Vec::new();
    for (index, object) in objects.iter().enumerate() {
        if let Some(pod) = read_pod(&mut model, index, object) {
            raw.push(pod);
        }
    }
    group_workloads(&mut model, &raw);
    for (index, object) in objects.iter().enumerate() {
        let group = group(object);
        match (group, object.kind()) {
            ("networking.k8s.io" | "extensions", "NetworkPolicy") => {
                let namespace = namespace_of(&mut model, object);
                policy::read(&mut model, index, object, namespace);
            }
            ("policy.networking.k8s.io", "AdminNetworkPolicy") => {
                admin::read(&mut model, index, object, false);
            }
            ("policy.networking.k8s.io", "BaselineAdminNetworkPolicy") => {
                admin::read(&mut model, index, object, true);
            }
            ("", "Service") => read_service(&mut model, index, object),
            _ => {}
        }
    }
    mark_ingress_backends(&mut model, objects);
    model.admin_policies.sort_by_key(|p| p.priority);
    index(&mut model);
    model
}

/// The API group of a stored object: `apps` for `apps/v1`, empty for `v1`.
pub(crate) fn group(object: &StoredObject) -> &str {
    object
        .reference
        .api_version
        .rsplit_once('/')
        .map_or("", |(group, _)| group)
}

/// The site of a stored object at `pos` on `path`.
pub(crate) fn site(index: usize, pos: Pos, path: impl Into<String>) -> Site {
    Site {
        object: index,
        pos,
        path: path.into(),
    }
}

fn declare_namespace(model: &mut Model, index: usize, object: &StoredObject) {
    let Some(name) = object.name() else { return };
    let root = object.root();
    let labels = root
        .path(&["metadata", "labels"])
        .map(read_labels)
        .unwrap_or_default();
    let pos = root
        .get("metadata")
        .and_then(|m| m.entry("name"))
        .map_or_else(|| object.pos(), |e| e.key.pos());
    let id = namespace_id(model, name);
    let namespace = &mut model.namespaces[id];
    if namespace.declared.is_none() {
        namespace.declared = Some(site(index, pos, "metadata.name"));
        namespace.labels.extend(labels);
        // The API server overwrites this label with the name.
        namespace
            .labels
            .insert(NAMESPACE_NAME_LABEL.to_owned(), name.to_owned());
    }
}

/// The id of a namespace, added with only its name label when new.
pub(crate) fn namespace_id(model: &mut Model, name: &str) -> NamespaceId {
    if let Some(&id) = model.namespace_index.get(name) {
        return id;
    }
    let id = model.namespaces.len();
    let mut labels = Labels::new();
    labels.insert(NAMESPACE_NAME_LABEL.to_owned(), name.to_owned());
    model.namespaces.push(Namespace {
        name: name.to_owned(),
        labels,
        declared: None,
    });
    model.namespace_index.insert(name.to_owned(), id);
    id
}

pub(crate) fn namespace_of(model: &mut Model, object: &StoredObject) -> NamespaceId {
    let name = object.namespace().unwrap_or(DEFAULT_NAMESPACE).to_owned();
    namespace_id(model, &name)
}

/// Reads string labels; entries whose value is not a string are skipped
/// (the intake rules report them, and the API server rejects them).
pub(crate) fn read_labels(node: NodeRef<'_, '_>) -> Labels {
    let mut labels = BTreeMap::new();
    for entry in node.entries() {
        if let (Some(key), Some(value)) = (entry.key_str(), entry.value.as_str()) {
            labels.insert(key.into_owned(), value.to_owned());
        }
    }
    labels
}

fn read_pod(model: &mut Model, index: usize, object: &StoredObject) -> Option<RawPod> {
    let owner_kind = kubeward_core::pod::is_pod_spec_owner(group(object), object.kind());
    // A PodTemplate runs no pods by itself.
    if !owner_kind || object.kind() == "PodTemplate" {
        return None;
    }
    let namespace = namespace_of(model, object);
    object.with_object(|view| {
        let pod = PodSpec::of(view)?;
        let labels = pod
            .metadata
            .and_then(|m| m.get("labels"))
            .map(read_labels)
            .unwrap_or_default();
        let labels_pos = pod
            .metadata
            .and_then(|m| m.entry("labels"))
            .map(|e| (e.key.pos(), format!("{}.labels", pod.metadata_prefix)));
        let (pos, path) = labels_pos.unwrap_or_else(|| (view.pos(), "kind".to_owned()));
        let mut ports = Vec::new();
        let mut images = Vec::new();
        let mut references = Vec::new();
        for container in pod.containers() {
            if let Some(image) = container.node.get_str("image") {
                images.push(image.to_owned());
            }
            read_references(container.node, &mut references);
            let serves = match container.kind {
                kubeward_core::ContainerKind::Regular => true,
                // Sidecars: init containers that keep running.
                kubeward_core::ContainerKind::Init => {
                    container.node.get_str("restartPolicy") == Some("Always")
                }
                kubeward_core::ContainerKind::Ephemeral => false,
            };
            if serves {
                read_container_ports(container.node, &mut ports);
            }
        }
        ports.sort();
        ports.dedup();
        let host_network = pod.spec.get_bool("hostNetwork") == Some(true);
        let owner = if object.kind() == "Pod" {
            controller_owner(view.root)
        } else {
            None
        };
        Some(RawPod {
            kind: object.kind().to_owned(),
            namespace,
            name: object.name().unwrap_or("<unnamed>").to_owned(),
            class_key: ClassKey {
                namespace,
                labels,
                ports,
                host_network,
            },
            site: site(index, pos, path),
            owner,
            images,
            references,
        })
    })
}

/// Collects the strings of `env[].value`, `command` and `args`.
fn read_references(container: NodeRef<'_, '_>, out: &mut Vec<String>) {
    for env in container.get("env").into_iter().flat_map(|e| e.items()) {
        if let Some(value) = env.get_str("value") {
            out.push(value.to_owned());
        }
    }
    for field in ["command", "args"] {
        for item in container.get(field).into_iter().flat_map(|e| e.items()) {
            if let Some(text) = item.as_str() {
                out.push(text.to_owned());
            }
        }
    }
}

fn read_service(model: &mut Model, index: usize, object: &StoredObject) {
    let root = object.root();
    let Some(spec) = root.get("spec") else { return };
    let Some(selector) = spec
        .get("selector")
        .map(read_labels)
        .filter(|s| !s.is_empty())
    else {
        return;
    };
    let mut ports = Vec::new();
    for port in spec.get("ports").into_iter().flat_map(|p| p.items()) {
        let Some(number) = port
            .get("port")
            .and_then(|n| n.as_i64())
            .and_then(|n| u16::try_from(n).ok())
        else {
            continue;
        };
        let protocol = port
            .get_str("protocol")
            .map_or(Some(Protocol::Tcp), Protocol::parse);
        let Some(protocol) = protocol else { continue };
        let target = match port.get("targetPort") {
            Some(t) => match (t.as_i64().and_then(|n| u16::try_from(n).ok()), t.as_str()) {
                (Some(n), _) => crate::ports::PortValue::Number {
                    port: n,
                    end_port: None,
                },
                (None, Some(name)) => match name.parse::<u16>() {
                    Ok(n) => crate::ports::PortValue::Number {
                        port: n,
                        end_port: None,
                    },
                    Err(_) => crate::ports::PortValue::Named(name.to_owned()),
                },
                (None, None) => continue,
            },
            None => crate::ports::PortValue::Number {
                port: number,
                end_port: None,
            },
        };
        ports.push(crate::model::ServicePort {
            port: number,
            target,
            protocol,
        });
    }
    let namespace = namespace_of(model, object);
    let external = matches!(spec.get_str("type"), Some("LoadBalancer" | "NodePort"));
    let pos = root
        .get("spec")
        .and_then(|s| s.entry("selector"))
        .map_or_else(|| object.pos(), |e| e.key.pos());
    model.services.push(crate::model::Service {
        name: object.name().unwrap_or("<unnamed>").to_owned(),
        namespace,
        selector,
        ports,
        external,
        ingress_backend: false,
        site: site(index, pos, "spec.selector"),
    });
}

/// Marks the Services that an Ingress (`networking.k8s.io/v1`, or
/// `extensions/v1beta1` and `networking.k8s.io/v1beta1` with
/// `serviceName`) routes to: its default backend and every path's
/// backend.
fn mark_ingress_backends(model: &mut Model, objects: &[StoredObject]) {
    let mut backends = Vec::new();
    for object in objects {
        let group = group(object);
        if object.kind() != "Ingress" || !matches!(group, "networking.k8s.io" | "extensions") {
            continue;
        }
        let namespace = object.namespace().unwrap_or(DEFAULT_NAMESPACE);
        let Some(spec) = object.root().get("spec") else {
            continue;
        };
        let paths = spec
            .path(&["rules"])
            .into_iter()
            .flat_map(|rules| rules.items())
            .filter_map(|rule| rule.path(&["http", "paths"]))
            .flat_map(|paths| paths.items())
            .filter_map(|path| path.get("backend"));
        for backend in spec.get("defaultBackend").into_iter().chain(paths) {
            let name = backend
                .path(&["service", "name"])
                .and_then(|n| n.as_str())
                .or_else(|| backend.get_str("serviceName"));
            if let Some(name) = name {
                backends.push((namespace.to_owned(), name.to_owned()));
            }
        }
        if let Some(name) = spec
            .path(&["backend", "serviceName"])
            .and_then(|n| n.as_str())
        {
            backends.push((namespace.to_owned(), name.to_owned()));
        }
    }
    for service in &mut model.services {
        let namespace = &model.namespaces[service.namespace].name;
        service.ingress_backend = backends
            .iter()
            .any(|(ns, name)| ns == namespace && *name == service.name);
    }
}

fn read_container_ports(container: NodeRef<'_, '_>, out: &mut Vec<ContainerPort>) {
    for port in container.get("ports").into_iter().flat_map(|p| p.items()) {
        let Some(number) = port
            .get("containerPort")
            .and_then(|n| n.as_i64())
            .and_then(|n| u16::try_from(n).ok())
        else {
            continue;
        };
        let protocol = match port.get_str("protocol") {
            None => Protocol::Tcp,
            Some(text) => match Protocol::parse(text) {
                Some(protocol) => protocol,
                None => continue,
            },
        };
        out.push(ContainerPort {
            name: port.get_str("name").map(str::to_owned),
            port: number,
            protocol,
        });
    }
}

/// The owner reference marked `controller: true`, else the first one.
fn controller_owner(root: NodeRef<'_, '_>) -> Option<Owner> {
    let refs = root.path(&["metadata", "ownerReferences"])?;
    let chosen = refs
        .items()
        .find(|r| r.get_bool("controller") == Some(true))
        .or_else(|| refs.items().next())?;
    Some(Owner {
        kind: chosen
            .get_str("kind")
            .filter(|k| !k.is_empty())
            .map(str::to_owned),
        name: chosen.get_str("name")?.to_owned(),
    })
}

/// Turns raw pods into workloads and classes. Pods owned by the same
/// controller (with a kind) become one workload named after it, unless
/// their labels or ports differ, in which case each stays its own.
fn group_workloads(model: &mut Model, raw: &[RawPod]) {
    let mut groups: HashMap<(NamespaceId, String, String), Vec<usize>> = HashMap::new();
    for (i, pod) in raw.iter().enumerate() {
        if let Some(Owner {
            kind: Some(kind),
            name,
        }) = &pod.owner
        {
            groups
                .entry((pod.namespace, kind.clone(), name.clone()))
                .or_default()
                .push(i);
        }
    }
    let mut class_index: HashMap<ClassKey, ClassId> = HashMap::new();
    let mut grouped = vec![false; raw.len()];
    let mut group_list: Vec<_> = groups.into_iter().collect();
    group_list.sort_by_key(|(_, members)| members[0]);
    let mut order: Vec<(usize, Option<Vec<usize>>)> = Vec::new();
    for ((_, _, _), members) in group_list {
        let first = &raw[members[0]].class_key;
        if members.iter().all(|&m| raw[m].class_key == *first) {
            for &m in &members {
                grouped[m] = true;
            }
            order.push((members[0], Some(members)));
        }
    }
    for (i, done) in grouped.iter().enumerate() {
        if !done {
            order.push((i, None));
        }
    }
    order.sort_by_key(|(first, _)| *first);
    for (first, members) in order {
        let pod = &raw[first];
        let class = class_of(model, &mut class_index, &pod.class_key);
        let id = model.workloads.len();
        let workload = match members {
            Some(members) => {
                let owner = pod.owner.clone().expect("grouped pods have an owner");
                let mut images: Vec<String> = members
                    .iter()
                    .flat_map(|&m| raw[m].images.iter().cloned())
                    .collect();
                images.sort();
                images.dedup();
                Workload {
                    kind: owner.kind.clone().unwrap_or_else(|| "Pod".to_owned()),
                    namespace: pod.namespace,
                    name: owner.name.clone(),
                    class,
                    site: pod.site.clone(),
                    pods: members.iter().map(|&m| raw[m].name.clone()).collect(),
                    owner: Some(owner),
                    images,
                    references: pod.references.clone(),
                }
            }
            None => Workload {
                kind: pod.kind.clone(),
                namespace: pod.namespace,
                name: pod.name.clone(),
                class,
                site: pod.site.clone(),
                owner: pod.owner.clone(),
                pods: Vec::new(),
                images: pod.images.clone(),
                references: pod.references.clone(),
            },
        };
        model.classes[class].workloads.push(id);
        model.workloads.push(workload);
    }
}

fn class_of(model: &mut Model, index: &mut HashMap<ClassKey, ClassId>, key: &ClassKey) -> ClassId {
    if let Some(&id) = index.get(key) {
        return id;
    }
    let id = model.classes.len();
    model.classes.push(PodClass {
        namespace: key.namespace,
        labels: key.labels.clone(),
        ports: key.ports.clone(),
        host_network: key.host_network,
        workloads: Vec::new(),
    });
    index.insert(key.clone(), id);
    id
}

fn index(model: &mut Model) {
    let count = model.namespaces.len();
    model.policies_by_namespace = vec![Vec::new(); count];
    model.classes_by_namespace = vec![Vec::new(); count];
    for (id, policy) in model.policies.iter().enumerate() {
        model.policies_by_namespace[policy.namespace].push(id);
    }
    for (id, class) in model.classes.iter().enumerate() {
        model.classes_by_namespace[class.namespace].push(id);
    }
}
