//! Which workloads can be reached from outside the cluster, through what,
//! and with what protection in front: the analysis the `exposure` rules
//! and attack paths share.
//!
//! [`ExposureModel::build`] reads an [`Inventory`] once and lists every
//! [`Exposure`]: an [`Entry`] (a NodePort or LoadBalancer Service port,
//! `externalIPs`, a `hostPort` or `hostNetwork` pod, an Ingress path, a
//! Gateway API route rule, a Traefik IngressRoute route), the Service it
//! goes through, an authenticating proxy it passes when there is one, and
//! the workload container and port it lands on. Each entry carries its
//! [`Protection`]: authentication in front, TLS and a source allow-list.
//!
//! ```ignore
//! let model = ExposureModel::build(inventory);
//! for (exposure, ui) in model.admin_ui_exposures() {
//!     let entry = model.entry(exposure);
//!     println!("{} reaches {} in {}", entry.label, ui.ui.name,
//!              model.workload(exposure).describe());
//! }
//! ```

use std::collections::HashMap;

use kubeward_core::yaml::Pos;
use kubeward_core::{Inventory, StoredObject};

use super::catalog::{AuthProxyKind, Scheme, UiPort};
use super::services::{Service, ServicePort, ServiceType, TargetPort};
use super::source::SourceLimit;
use super::workloads::{RecognisedUi, Workload};
use super::{gateway, ingress, services, traefik, workloads};

/// A field of an object: where a finding points.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Field {
    pub pos: Pos,
    pub path: String,
}

impl Field {
    pub fn new(pos: Pos, path: String) -> Self {
        Field { pos, path }
    }
}

/// The namespace of an object; objects written without one land in
/// `default` when applied without `-n`, so they are read as `default`.
pub fn namespace_of(object: &StoredObject) -> String {
    object.namespace().unwrap_or("default").to_owned()
}

/// How traffic enters the cluster.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum EntryKind {
    /// A Service port of type NodePort: open on every node.
    NodePort,
    /// A Service port of type LoadBalancer: a cloud load balancer, and a
    /// node port on every node.
    LoadBalancer,
    /// A Service port on the addresses of `spec.externalIPs`.
    ExternalIp,
    /// A container port bound to the node with `hostPort`.
    HostPort,
    /// A container port of a pod that uses the node's network.
    HostNetwork,
    /// A path (or the default backend) of an Ingress.
    Ingress,
    /// A rule of a Gateway API HTTPRoute, GRPCRoute or TLSRoute.
    GatewayRoute,
    /// A route of a Traefik IngressRoute.
    TraefikRoute,
}

impl EntryKind {
    /// Whether traffic reaches the pods directly, so the UI port itself
    /// decides whether clients speak TLS.
    pub fn is_direct(self) -> bool {
        matches!(
            self,
            EntryKind::NodePort
                | EntryKind::LoadBalancer
                | EntryKind::ExternalIp
                | EntryKind::HostPort
                | EntryKind::HostNetwork
        )
    }
}

/// Whether clients speak TLS at an entry.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Tls {
    /// TLS is terminated at the entry; the text says by what.
    Terminated(String),
    /// The entry speaks plain HTTP; the text says why.
    Plain(String),
    /// TLS passes through to the pods, which must speak it themselves.
    Passthrough,
    /// Traffic reaches the pods as sent, so their port decides.
    Backend,
    /// The manifests do not show it; the text says why.
    Unknown(String),
}

/// What stands between a client and the workload at one entry.
#[derive(Clone, Debug, Default)]
pub struct Protection {
    /// What authenticates users in front, such as "external
    /// authentication (nginx.ingress.kubernetes.io/auth-url)".
    pub auth: Option<String>,
    pub tls: Option<Tls>,
    pub source: Option<SourceLimit>,
    /// Settings that look protective but that the entry's controller
    /// ignores, for messages.
    pub ignored: Vec<String>,
}

/// How to add each protection at an entry, for messages.
#[derive(Clone, Debug)]
pub struct Advice {
    pub auth: String,
    pub tls: String,
    pub source: String,
}

/// A place where traffic from outside enters the cluster.
#[derive(Debug)]
pub struct Entry<'i> {
    pub kind: EntryKind,
    pub object: &'i StoredObject,
    /// The exposing field: the Service `type`, the Ingress path's
    /// `backend`, the route's backend reference.
    pub at: Field,
    /// Where TLS is missing: the Service port, the Ingress rule's host,
    /// the route's parent reference.
    pub tls_at: Field,
    /// Where a source allow-list would go.
    pub source_at: Field,
    /// "NodePort Service kube-system/kubernetes-dashboard port 80", for
    /// messages.
    pub label: String,
    pub protection: Protection,
    pub advice: Advice,
    /// The Service port the entry uses, when it is a Service's own port.
    pub service_port: Option<ServicePort>,
}

/// An authenticating proxy that a request passes before the workload.
#[derive(Clone, Debug)]
pub struct ProxyHop {
    pub workload: usize,
    pub container: usize,
    pub kind: AuthProxyKind,
}

/// One way from an entry to a workload port.
#[derive(Clone, Debug)]
pub struct Exposure {
    pub entry: usize,
    /// The Service the request goes through, when there is one.
    pub service: Option<usize>,
    pub proxy: Option<ProxyHop>,
    pub workload: usize,
    /// The container that declares the port, or that serves an admin UI
    /// on it.
    pub container: Option<usize>,
    pub port: u16,
}

/// Every exposure found in an inventory.
#[derive(Debug)]
pub struct ExposureModel<'i> {
    pub workloads: Vec<Workload<'i>>,
    pub services: Vec<Service<'i>>,
    pub entries: Vec<Entry<'i>>,
    pub exposures: Vec<Exposure>,
    /// The workloads each Service selects, by Service index.
    selected: Vec<Vec<usize>>,
}

/// The object kinds the model reads, for `Check::Inventory`.
pub const KINDS: &[&str] = &[
    "Pod",
    "PodTemplate",
    "ReplicationController",
    "Deployment",
    "ReplicaSet",
    "StatefulSet",
    "DaemonSet",
    "Job",
    "CronJob",
    "Prometheus",
    "Alertmanager",
    "Service",
    "Ingress",
    "IngressClass",
    "Gateway",
    "HTTPRoute",
    "GRPCRoute",
    "TLSRoute",
    "ReferenceGrant",
    "SecurityPolicy",
    "IngressRoute",
    "Middleware",
];

/// A place where traffic lands: a workload, the container serving the
/// port when known, and the port number.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Landing {
    pub workload: usize,
    pub container: Option<usize>,
    pub port: u16,
}

impl<'i> ExposureModel<'i> {
    /// Reads every workload, Service and entry of `inventory` and links
    /// them.
    pub fn build(inventory: &'i Inventory) -> Self {
        let objects = inventory.objects();
        let mut model = ExposureModel {
            workloads: workloads::collect(objects),
            services: services::collect(objects),
            entries: Vec::new(),
            exposures: Vec::new(),
            selected: Vec::new(),
        };
        model.select();
        model.add_service_entries();
        model.add_host_entries();
        ingress::add_entries(&mut model, objects);
        gateway::add_entries(&mut model, objects);
        traefik::add_entries(&mut model, objects);
        model
    }

    /// Fills `selected` through an index of pod labels, so each Service
    /// looks only at workloads that carry its first selector label.
    fn select(&mut self) {
        let mut index: HashMap<(&str, &str, &str), Vec<usize>> = HashMap::new();
        for (i, workload) in self.workloads.iter().enumerate() {
            for (key, value) in &workload.labels {
                index
                    .entry((workload.namespace.as_str(), key.as_str(), value.as_str()))
                    .or_default()
                    .push(i);
            }
        }
        let selected = self
            .services
            .iter()
            .map(|service| {
                let Some(selector) = &service.selector else {
                    return Vec::new();
                };
                let Some((key, value)) = selector.first() else {
                    return Vec::new();
                };
                index
                    .get(&(service.namespace.as_str(), key.as_str(), value.as_str()))
                    .into_iter()
                    .flatten()
                    .copied()
                    .filter(|&w| self.workloads[w].matches(selector))
                    .collect()
            })
            .collect();
        self.selected = selected;
    }

    /// The workloads a Service selects.
    pub fn selected(&self, service: usize) -> &[usize] {
        self.selected.get(service).map_or(&[], Vec::as_slice)
    }

    pub fn entry(&self, exposure: &Exposure) -> &Entry<'i> {
        &self.entries[exposure.entry]
    }

    pub fn workload(&self, exposure: &Exposure) -> &Workload<'i> {
        &self.workloads[exposure.workload]
    }

    /// The Service named `name` in `namespace`.
    pub fn find_service(&self, namespace: &str, name: &str) -> Option<usize> {
        self.services
            .iter()
            .position(|s| s.namespace == namespace && s.name == name)
    }

    /// Every exposure that lands on an admin UI port, with the UI.
    pub fn admin_ui_exposures(&self) -> impl Iterator<Item = (&Exposure, &RecognisedUi)> {
        self.exposures.iter().filter_map(|exposure| {
            let container = &self.workloads[exposure.workload].containers[exposure.container?];
            container.ui_port(exposure.port)?;
            Some((exposure, container.ui.as_ref()?))
        })
    }

    /// The UI port an exposure lands on, when it lands on one.
    pub fn ui_port(&self, exposure: &Exposure) -> Option<&UiPort> {
        let container = &self.workloads[exposure.workload].containers[exposure.container?];
        container.ui_port(exposure.port)
    }

    /// What authenticates users on an exposure: the entry's own
    /// authentication or a proxy on the way.
    pub fn auth(&self, exposure: &Exposure) -> Option<String> {
        if let Some(auth) = &self.entry(exposure).protection.auth {
            return Some(auth.clone());
        }
        exposure.proxy.as_ref().map(|proxy| {
            format!(
                "{} in {}",
                proxy.kind.name(),
                self.workloads[proxy.workload].describe()
            )
        })
    }

    /// Whether clients reach the exposure over plain HTTP, with the reason.
    pub fn plain_http(&self, exposure: &Exposure) -> Option<String> {
        let entry = self.entry(exposure);
        match entry.protection.tls.as_ref()? {
            Tls::Plain(reason) => Some(reason.clone()),
            Tls::Backend => {
                let port = self.ui_port(exposure)?;
                (port.scheme == Scheme::Http && exposure.proxy.is_none())
                    .then(|| format!("the UI serves plain HTTP on port {}", port.number))
            }
            Tls::Terminated(_) | Tls::Passthrough | Tls::Unknown(_) => None,
        }
    }

    /// Adds one entry and its exposures through `service` port `port`.
    pub(crate) fn expose_service(&mut self, entry: Entry<'i>, service: usize, port: &ServicePort) {
        let landings = self.reach(service, port);
        if landings.is_empty() {
            return;
        }
        let entry_index = self.entries.len();
        self.entries.push(entry);
        for (landing, proxy, via) in landings {
            self.exposures.push(Exposure {
                entry: entry_index,
                service: Some(via),
                proxy,
                workload: landing.workload,
                container: landing.container,
                port: landing.port,
            });
        }
    }

    /// Where a Service port leads: the selected workloads' ports, and
    /// through an authenticating proxy there, the proxy's upstreams.
    fn reach(&self, service: usize, port: &ServicePort) -> Vec<(Landing, Option<ProxyHop>, usize)> {
        let mut out = Vec::new();
        for landing in self.land(service, &port.target) {
            let container = landing
                .container
                .map(|c| &self.workloads[landing.workload].containers[c]);
            let Some(proxy) = container.and_then(|c| c.proxy.as_ref()) else {
                out.push((landing, None, service));
                continue;
            };
            let hop = ProxyHop {
                workload: landing.workload,
                container: landing.container.unwrap_or(0),
                kind: proxy.kind,
            };
            for upstream in &proxy.upstreams {
                for (target, via) in self.upstream(landing.workload, upstream) {
                    out.push((target, Some(hop.clone()), via.unwrap_or(service)));
                }
            }
        }
        out
    }

    /// The workload ports a Service port forwards to.
    fn land(&self, service: usize, target: &TargetPort) -> Vec<Landing> {
        let mut out = Vec::new();
        for &w in self.selected(service) {
            let workload = &self.workloads[w];
            let landing = match target {
                TargetPort::Number(number) => Some(Landing {
                    workload: w,
                    container: container_for(workload, *number),
                    port: *number,
                }),
                // A named target port forwards only to a container port of
                // that name; without one the pod is no endpoint.
                TargetPort::Name(name) => {
                    workload
                        .containers
                        .iter()
                        .enumerate()
                        .find_map(|(c, container)| {
                            let port = container
                                .ports
                                .iter()
                                .find(|p| p.name.as_deref() == Some(name.as_str()))?;
                            Some(Landing {
                                workload: w,
                                container: Some(c),
                                port: port.number,
                            })
                        })
                }
            };
            out.extend(landing);
        }
        out
    }

    /// Where an authenticating proxy in `workload` sends requests for
    /// `upstream` (a URL): a port of its own pod for loopback hosts, or a
    /// Service by its DNS name.
    fn upstream(&self, workload: usize, upstream: &str) -> Vec<(Landing, Option<usize>)> {
        let Some((host, port)) = split_url(upstream) else {
            return Vec::new();
        };
        if matches!(host.as_str(), "127.0.0.1" | "localhost" | "::1" | "0.0.0.0") {
            let pod = &self.workloads[workload];
            return vec![(
                Landing {
                    workload,
                    container: container_for(pod, port),
                    port,
                },
                None,
            )];
        }
        let mut labels = host.split('.');
        let name = labels.next().unwrap_or_default();
        let namespace = match (labels.next(), labels.next()) {
            (Some(ns), Some("svc") | None) => ns.to_owned(),
            _ => self.workloads[workload].namespace.clone(),
        };
        let Some(service) = self.find_service(&namespace, name) else {
            return Vec::new();
        };
        let Some(service_port) = self.services[service].port_by_number(port) else {
            return Vec::new();
        };
        self.land(service, &service_port.target)
            .into_iter()
            .map(|landing| (landing, Some(service)))
            .collect()
    }

    /// Adds an entry per published port of NodePort and LoadBalancer
    /// Services and per port on `externalIPs`.
    fn add_service_entries(&mut self) {
        for s in 0..self.services.len() {
            let service = &self.services[s];
            let published = match service.kind {
                ServiceType::NodePort => Some(EntryKind::NodePort),
                ServiceType::LoadBalancer => Some(EntryKind::LoadBalancer),
                ServiceType::ClusterIp | ServiceType::ExternalName => None,
            };
            let mut kinds = Vec::new();
            if let Some(kind) = published {
                kinds.push((
                    kind,
                    service
                        .type_field
                        .clone()
                        .unwrap_or_else(|| service.spec_field.clone()),
                ));
            }
            if let Some(field) = &service.external_ips {
                if service.kind != ServiceType::ExternalName {
                    kinds.push((EntryKind::ExternalIp, field.clone()));
                }
            }
            for (kind, at) in kinds {
                for port in self.services[s].ports.clone() {
                    let entry = service_entry(&self.services[s], kind, at.clone(), &port);
                    self.expose_service(entry, s, &port);
                }
            }
        }
    }

    /// Adds an entry per `hostPort` and per declared port of a pod on the
    /// host network.
    fn add_host_entries(&mut self) {
        let advice = Advice {
            auth: "remove the host port and publish the UI through an Ingress or Gateway that \
                   authenticates users, or reach it with kubectl port-forward"
                .to_owned(),
            tls: "serve the UI over HTTPS, or publish it through an Ingress or Gateway that \
                  terminates TLS"
                .to_owned(),
            source: "restrict the node's firewall, or publish the UI through an Ingress with a \
                     source allow-list"
                .to_owned(),
        };
        for w in 0..self.workloads.len() {
            let workload = &self.workloads[w];
            let mut found = Vec::new();
            for (c, container) in workload.containers.iter().enumerate() {
                for port in &container.ports {
                    if let Some((host, field)) = &port.host_port {
                        found.push((
                            EntryKind::HostPort,
                            field.clone(),
                            format!("hostPort {host} of {}", workload.describe()),
                            c,
                            port.number,
                        ));
                    } else if let Some(field) = &workload.host_network {
                        found.push((
                            EntryKind::HostNetwork,
                            field.clone(),
                            format!(
                                "port {} on the node network ({})",
                                port.number,
                                workload.describe()
                            ),
                            c,
                            port.number,
                        ));
                    }
                }
            }
            for (kind, at, label, container, port) in found {
                self.entries.push(Entry {
                    kind,
                    object: self.workloads[w].object,
                    tls_at: at.clone(),
                    source_at: at.clone(),
                    at,
                    label,
                    protection: Protection {
                        tls: Some(Tls::Backend),
                        ..Protection::default()
                    },
                    advice: advice.clone(),
                    service_port: None,
                });
                self.exposures.push(Exposure {
                    entry: self.entries.len() - 1,
                    service: None,
                    proxy: None,
                    workload: w,
                    container: Some(container),
                    port,
                });
            }
        }
    }
}

/// The container that declares `port`, or that serves an admin UI on it.
fn container_for(workload: &Workload<'_>, port: u16) -> Option<usize> {
    workload
        .containers
        .iter()
        .position(|c| c.ports.iter().any(|p| p.number == port))
        .or_else(|| {
            workload
                .containers
                .iter()
                .position(|c| c.ui_port(port).is_some())
        })
}

/// The entry of one published Service port.
fn service_entry<'i>(
    service: &Service<'i>,
    kind: EntryKind,
    at: Field,
    port: &ServicePort,
) -> Entry<'i> {
    let (label, source, source_advice) = match kind {
        EntryKind::LoadBalancer => (
            format!("LoadBalancer {} port {}", service.describe(), port.port),
            service.load_balancer_source.clone(),
            "set spec.loadBalancerSourceRanges to the networks that need the UI",
        ),
        EntryKind::NodePort => (
            format!("NodePort {} port {}", service.describe(), port.port),
            None,
            "node ports accept any source address; publish the UI through a load balancer \
             with spec.loadBalancerSourceRanges or an Ingress with a source allow-list",
        ),
        _ => (
            format!(
                "{} port {} on spec.externalIPs",
                service.describe(),
                port.port
            ),
            None,
            "external IPs accept any source address; restrict them in the network in front",
        ),
    };
    let tls = match service.load_balancer_tls.covers(port) {
        Some(how) if kind == EntryKind::LoadBalancer => Tls::Terminated(how.to_owned()),
        _ => Tls::Backend,
    };
    let source_at = match kind {
        EntryKind::ExternalIp => at.clone(),
        _ => service
            .object
            .root()
            .path(&["spec"])
            .and_then(|spec| spec.entry("loadBalancerSourceRanges"))
            .map_or_else(
                || at.clone(),
                |e| Field::new(e.key.pos(), "spec.loadBalancerSourceRanges".to_owned()),
            ),
    };
    Entry {
        kind,
        object: service.object,
        at,
        tls_at: port.field.clone(),
        source_at,
        label,
        protection: Protection {
            auth: None,
            tls: Some(tls),
            source,
            ignored: Vec::new(),
        },
        advice: Advice {
            auth: "make the Service type ClusterIP and publish the UI through an Ingress or \
                   Gateway that authenticates users (or reach it with kubectl port-forward)"
                .to_owned(),
            tls: "serve the UI over HTTPS, or publish it through an Ingress or Gateway that \
                  terminates TLS"
                .to_owned(),
            source: source_advice.to_owned(),
        },
        service_port: Some(port.clone()),
    }
}

/// Splits an upstream URL into host and port; the port defaults to the
/// scheme's (80 for `http`, 443 for `https`).
fn split_url(url: &str) -> Option<(String, u16)> {
    let (scheme, rest) = url.split_once("://")?;
    let default_port = match scheme {
        "http" => 80,
        "https" => 443,
        _ => return None,
    };
    let authority = rest.split(['/', '?', '#']).next()?;
    let authority = authority.rsplit('@').next()?;
    if let Some(bracketed) = authority.strip_prefix('[') {
        let (host, after) = bracketed.split_once(']')?;
        let port = after
            .strip_prefix(':')
            .map_or(Some(default_port), |p| p.parse().ok())?;
        return Some((host.to_owned(), port));
    }
    match authority.rsplit_once(':') {
        Some((host, port)) => Some((host.to_owned(), port.parse().ok()?)),
        None => Some((authority.to_owned(), default_port)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn upstream_urls() {
        assert_eq!(
            split_url("http://grafana.monitoring.svc.cluster.local:3000/"),
            Some(("grafana.monitoring.svc.cluster.local".to_owned(), 3000))
        );
        assert_eq!(
            split_url("https://dashboard"),
            Some(("dashboard".to_owned(), 443))
        );
        assert_eq!(
            split_url("http://127.0.0.1:9090"),
            Some(("127.0.0.1".to_owned(), 9090))
        );
        assert_eq!(
            split_url("http://[::1]:8080/x"),
            Some(("::1".to_owned(), 8080))
        );
        assert_eq!(split_url("file:///var/www"), None);
        assert_eq!(split_url("static://202"), None);
    }
}
