//! The pods a scan's objects create: every pod spec owner, and the
//! Prometheus and Alertmanager resources that the Prometheus operator
//! turns into StatefulSets.

use kubeward_core::yaml::NodeRef;
use kubeward_core::{PodSpec, StoredObject};

use super::catalog::{
    AdminUi, AuthProxyKind, ContainerCtx, Evidence, Login, Scheme, UiPort, UiSettings,
    auth_proxy_kind, find, port_number, recognise,
};
use super::model::{Field, namespace_of};

/// Pods of one owner, as far as exposure needs them.
#[derive(Debug)]
pub struct Workload<'i> {
    pub object: &'i StoredObject,
    pub namespace: String,
    /// The labels of the pods, which Services select.
    pub labels: Vec<(String, String)>,
    /// `serviceAccountName` (or the deprecated `serviceAccount`), or
    /// `default`.
    pub service_account: String,
    /// Where the service account is set, when it is.
    pub service_account_field: Option<Field>,
    /// The pod spec's own key, for findings on absent fields.
    pub spec_field: Field,
    pub containers: Vec<WorkloadContainer>,
    /// `hostNetwork: true`, when set.
    pub host_network: Option<Field>,
}

impl Workload<'_> {
    /// "Deployment kube-system/kubernetes-dashboard", for messages.
    pub fn describe(&self) -> String {
        format!(
            "{} {}/{}",
            self.object.kind(),
            self.namespace,
            self.object.name().unwrap_or("<unnamed>")
        )
    }

    /// The admin UIs the workload's containers run.
    pub fn uis(&self) -> impl Iterator<Item = (usize, &RecognisedUi)> {
        self.containers
            .iter()
            .enumerate()
            .filter_map(|(index, c)| c.ui.as_ref().map(|ui| (index, ui)))
    }

    /// Whether the pods carry every label of `selector`.
    pub fn matches(&self, selector: &[(String, String)]) -> bool {
        selector
            .iter()
            .all(|pair| self.labels.iter().any(|label| label == pair))
    }
}

/// One regular container of a workload.
#[derive(Debug)]
pub struct WorkloadContainer {
    pub name: String,
    /// Field path of the container.
    pub path: String,
    pub ports: Vec<ContainerPort>,
    pub ui: Option<RecognisedUi>,
    pub proxy: Option<ProxyContainer>,
}

impl WorkloadContainer {
    /// The UI port with this number, when the container serves its UI
    /// there.
    pub fn ui_port(&self, number: u16) -> Option<&UiPort> {
        let ui = self.ui.as_ref()?;
        ui.settings
            .ports
            .iter()
            .find(|port| port.number == number && port.reachable)
    }
}

/// A `containerPort` a container declares.
#[derive(Clone, Debug)]
pub struct ContainerPort {
    pub number: u16,
    pub name: Option<String>,
    /// `hostPort`, when set, with its field.
    pub host_port: Option<(u16, Field)>,
}

/// An admin UI found in a container.
#[derive(Clone, Debug)]
pub struct RecognisedUi {
    pub ui: &'static AdminUi,
    pub evidence: Evidence,
    pub settings: UiSettings,
}

/// An authenticating proxy found in a container.
#[derive(Clone, Debug)]
pub struct ProxyContainer {
    pub kind: AuthProxyKind,
    /// The URLs it passes authenticated requests to.
    pub upstreams: Vec<String>,
}

/// Reads the workloads among `objects`.
pub fn collect(objects: &[StoredObject]) -> Vec<Workload<'_>> {
    let mut out = Vec::new();
    for object in objects {
        let group = api_group(object);
        if kubeward_core::pod::is_pod_spec_owner(group, object.kind()) {
            if let Some(workload) =
                object.with_object(|view| PodSpec::of(view).map(|pod| from_pod_spec(object, &pod)))
            {
                out.push(workload);
            }
        } else if group == "monitoring.coreos.com" {
            if let Some(workload) = from_operator_resource(object) {
                out.push(workload);
            }
        }
    }
    out
}

fn api_group(object: &StoredObject) -> &str {
    object
        .reference
        .api_version
        .rsplit_once('/')
        .map_or("", |(group, _)| group)
}

fn from_pod_spec<'i>(object: &'i StoredObject, pod: &PodSpec<'_, '_, '_>) -> Workload<'i> {
    let labels = pod
        .metadata
        .and_then(|m| m.get("labels"))
        .map(string_pairs)
        .unwrap_or_default();
    let (service_account, service_account_field) = ["serviceAccountName", "serviceAccount"]
        .iter()
        .find_map(|key| {
            let entry = pod.spec.entry(key)?;
            let name = entry.value.as_str()?;
            Some((
                name.to_owned(),
                Some(Field::new(entry.key.pos(), pod.path(key))),
            ))
        })
        .unwrap_or_else(|| ("default".to_owned(), None));
    let host_network = pod
        .spec
        .entry("hostNetwork")
        .filter(|e| e.value.as_bool() == Some(true))
        .map(|e| Field::new(e.key.pos(), pod.path("hostNetwork")));
    let mut containers = Vec::new();
    if let Some(list) = pod.spec.get("containers") {
        for (index, node) in list.items().enumerate().filter(|(_, n)| n.is_map()) {
            let path = pod.path(&format!("containers[{index}]"));
            containers.push(read_container(node, path, &labels));
        }
    }
    Workload {
        object,
        namespace: namespace_of(object),
        labels,
        service_account,
        service_account_field,
        spec_field: Field::new(pod.spec_key_pos, pod.prefix.to_owned()),
        containers,
        host_network,
    }
}

fn read_container(
    node: NodeRef<'_, '_>,
    path: String,
    labels: &[(String, String)],
) -> WorkloadContainer {
    let name = node.get_str("name").unwrap_or("");
    let ctx = ContainerCtx::new(node, path.clone(), name);
    let ports = node
        .get("ports")
        .into_iter()
        .flat_map(|ports| ports.items())
        .enumerate()
        .filter_map(|(index, port)| {
            let number = port_number(port.get("containerPort")?)?;
            let host_port = port.entry("hostPort").and_then(|entry| {
                let host = port_number(entry.value)?;
                Some((
                    host,
                    Field::new(entry.key.pos(), format!("{path}.ports[{index}].hostPort")),
                ))
            });
            Some(ContainerPort {
                number,
                name: port.get_str("name").map(str::to_owned),
                host_port,
            })
        })
        .collect();
    let ui = recognise(&ctx, labels).map(|(ui, evidence)| RecognisedUi {
        ui,
        evidence,
        settings: ui.settings(&ctx),
    });
    let proxy = auth_proxy_kind(&ctx).map(|kind| ProxyContainer {
        kind,
        upstreams: kind
            .upstream_flags()
            .iter()
            .flat_map(|flag| ctx.args.values(flag))
            .map(|flag| flag.value)
            .collect(),
    });
    WorkloadContainer {
        name: name.to_owned(),
        path,
        ports,
        ui,
        proxy,
    }
}

/// The string pairs of a mapping such as `labels` or `selector`.
pub fn string_pairs(node: NodeRef<'_, '_>) -> Vec<(String, String)> {
    node.entries()
        .into_iter()
        .filter_map(|entry| {
            Some((
                entry.key_str()?.into_owned(),
                entry.value.scalar_text()?.into_owned(),
            ))
        })
        .collect()
}

/// The pods the Prometheus operator creates for a `Prometheus` or
/// `Alertmanager` resource: a StatefulSet whose pods carry
/// `app.kubernetes.io/name`, `app.kubernetes.io/instance`, the
/// resource-named label (`prometheus: <name>`, `alertmanager: <name>`) and
/// the labels of `spec.podMetadata`, and serve the UI on a port named
/// `spec.portName` (`web` by default). The resource's own labels go to
/// the StatefulSet, not to the pods.
fn from_operator_resource(object: &StoredObject) -> Option<Workload<'_>> {
    let (ui_id, port) = match object.kind() {
        "Prometheus" => ("prometheus", 9090),
        "Alertmanager" => ("alertmanager", 9093),
        _ => return None,
    };
    let ui = find(ui_id)?;
    let name = object.name()?.to_owned();
    let root = object.root();
    let spec = root.get("spec");
    let mut labels = vec![
        ("app.kubernetes.io/name".to_owned(), ui_id.to_owned()),
        ("app.kubernetes.io/instance".to_owned(), name.clone()),
        (
            "app.kubernetes.io/managed-by".to_owned(),
            "prometheus-operator".to_owned(),
        ),
        (ui_id.to_owned(), name.clone()),
    ];
    if let Some(extra) = spec.and_then(|s| s.path(&["podMetadata", "labels"])) {
        labels.extend(string_pairs(extra));
    }
    let listen_local = spec.and_then(|s| s.get_bool("listenLocal")) == Some(true);
    let tls = spec.and_then(|s| s.path(&["web", "tlsConfig"])).is_some();
    let port_name = spec
        .and_then(|s| s.get_str("portName"))
        .unwrap_or("web")
        .to_owned();
    let mut notes = Vec::new();
    if spec.and_then(|s| s.get_bool("enableAdminAPI")) == Some(true) {
        notes.push("its admin API (enableAdminAPI) can delete all stored data".to_owned());
    }
    let settings = UiSettings {
        ports: vec![UiPort {
            number: port,
            scheme: if tls { Scheme::Https } else { Scheme::Http },
            reachable: !listen_local,
        }],
        login: Login::None(format!(
            "{} has no login of its own (spec.web sets none)",
            ui.name
        )),
        version: spec.and_then(|s| s.get_str("version")).map(str::to_owned),
        notes,
    };
    let spec_pos = root.entry("spec").map_or(object.pos(), |e| e.key.pos());
    let service_account = spec
        .and_then(|s| s.get_str("serviceAccountName"))
        .unwrap_or("default")
        .to_owned();
    Some(Workload {
        object,
        namespace: namespace_of(object),
        labels,
        service_account,
        service_account_field: None,
        spec_field: Field::new(spec_pos, "spec".to_owned()),
        containers: vec![WorkloadContainer {
            name: ui_id.to_owned(),
            path: "spec".to_owned(),
            ports: if listen_local {
                Vec::new()
            } else {
                vec![ContainerPort {
                    number: port,
                    name: Some(port_name),
                    host_port: None,
                }]
            },
            ui: Some(RecognisedUi {
                ui,
                evidence: Evidence::Image,
                settings,
            }),
            proxy: None,
        }],
        host_network: None,
    })
}
