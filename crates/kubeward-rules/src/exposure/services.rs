//! Services: how they are published outside the cluster, which pods they
//! select and where each port forwards.

use kubeward_core::StoredObject;
use kubeward_core::yaml::NodeRef;

use super::catalog::port_number;
use super::model::{Field, namespace_of};
use super::source::{SourceLimit, parse_ranges};
use super::workloads::string_pairs;

/// `spec.type` of a Service.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ServiceType {
    ClusterIp,
    NodePort,
    LoadBalancer,
    ExternalName,
}

impl ServiceType {
    pub fn as_str(self) -> &'static str {
        match self {
            ServiceType::ClusterIp => "ClusterIP",
            ServiceType::NodePort => "NodePort",
            ServiceType::LoadBalancer => "LoadBalancer",
            ServiceType::ExternalName => "ExternalName",
        }
    }
}

/// Where a Service port forwards: a container port number, or the name of
/// a container port.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum TargetPort {
    Number(u16),
    Name(String),
}

impl std::fmt::Display for TargetPort {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            TargetPort::Number(n) => write!(f, "{n}"),
            TargetPort::Name(name) => write!(f, "\"{name}\""),
        }
    }
}

/// One entry of `spec.ports`.
#[derive(Clone, Debug)]
pub struct ServicePort {
    pub name: Option<String>,
    pub port: u16,
    pub target: TargetPort,
    pub field: Field,
}

/// A Service, as far as exposure needs it.
#[derive(Debug)]
pub struct Service<'i> {
    pub object: &'i StoredObject,
    pub namespace: String,
    pub name: String,
    pub kind: ServiceType,
    /// `spec.type`, when written.
    pub type_field: Option<Field>,
    /// `spec.externalIPs`, when it lists addresses.
    pub external_ips: Option<Field>,
    /// `spec.selector`; `None` when absent or empty, which leaves the
    /// endpoints to someone else.
    pub selector: Option<Vec<(String, String)>>,
    pub ports: Vec<ServicePort>,
    /// `spec`, or the object's `kind` when there is no spec.
    pub spec_field: Field,
    /// Source restriction of a load balancer: `loadBalancerSourceRanges`,
    /// its annotation, or an annotation that makes it internal.
    pub load_balancer_source: Option<SourceLimit>,
    /// TLS that the cloud load balancer terminates, per Service port.
    pub load_balancer_tls: LoadBalancerTls,
}

/// Ports on which a cloud load balancer terminates TLS.
#[derive(Clone, Debug, Default)]
pub enum LoadBalancerTls {
    #[default]
    None,
    /// Every port, with the annotation that says so.
    All(String),
    /// The listed ports (numbers or names), with the annotation.
    Ports(Vec<String>, String),
}

impl LoadBalancerTls {
    /// The annotation that terminates TLS on `port`, if one does.
    pub fn covers(&self, port: &ServicePort) -> Option<&str> {
        match self {
            LoadBalancerTls::None => None,
            LoadBalancerTls::All(how) => Some(how),
            LoadBalancerTls::Ports(ports, how) => ports
                .iter()
                .any(|p| p == "*" || *p == port.port.to_string() || Some(p) == port.name.as_ref())
                .then_some(how.as_str()),
        }
    }
}

impl Service<'_> {
    /// "Service kube-system/kubernetes-dashboard", for messages.
    pub fn describe(&self) -> String {
        format!("Service {}/{}", self.namespace, self.name)
    }

    /// The ports a reference selects: by number or by name.
    pub fn port_by_number(&self, number: u16) -> Option<&ServicePort> {
        self.ports.iter().find(|p| p.port == number)
    }

    pub fn port_by_name(&self, name: &str) -> Option<&ServicePort> {
        self.ports.iter().find(|p| p.name.as_deref() == Some(name))
    }
}

/// Reads every Service among `objects`.
pub fn collect(objects: &[StoredObject]) -> Vec<Service<'_>> {
    objects
        .iter()
        .filter(|o| o.kind() == "Service" && o.reference.api_version == "v1")
        .filter_map(read)
        .collect()
}

fn read(object: &StoredObject) -> Option<Service<'_>> {
    let root = object.root();
    let name = object.name()?.to_owned();
    let spec_entry = root.entry("spec");
    let spec = spec_entry.map(|e| e.value);
    let spec_field = spec_entry.map_or_else(
        || Field::new(object.pos(), "kind".to_owned()),
        |e| Field::new(e.key.pos(), "spec".to_owned()),
    );
    let type_entry = spec.and_then(|s| s.entry("type"));
    let kind = match type_entry.and_then(|e| e.value.as_str()) {
        Some("NodePort") => ServiceType::NodePort,
        Some("LoadBalancer") => ServiceType::LoadBalancer,
        Some("ExternalName") => ServiceType::ExternalName,
        _ => ServiceType::ClusterIp,
    };
    let external_ips = spec
        .and_then(|s| s.entry("externalIPs"))
        .filter(|e| !e.value.is_empty())
        .map(|e| Field::new(e.key.pos(), "spec.externalIPs".to_owned()));
    let selector = spec
        .and_then(|s| s.get("selector"))
        .map(string_pairs)
        .filter(|pairs| !pairs.is_empty());
    let ports = spec
        .and_then(|s| s.get("ports"))
        .into_iter()
        .flat_map(|list| list.items())
        .enumerate()
        .filter_map(|(index, node)| read_port(node, index))
        .collect();
    let annotation = |key: &str| {
        root.path(&["metadata", "annotations"])
            .and_then(|a| a.get(key))
            .and_then(|v| v.scalar_text())
            .map(std::borrow::Cow::into_owned)
    };
    Some(Service {
        namespace: namespace_of(object),
        name,
        kind,
        type_field: type_entry.map(|e| Field::new(e.key.pos(), "spec.type".to_owned())),
        external_ips,
        selector,
        ports,
        load_balancer_source: load_balancer_source(spec, &annotation),
        load_balancer_tls: load_balancer_tls(&annotation),
        spec_field,
        object,
    })
}

fn read_port(node: NodeRef<'_, '_>, index: usize) -> Option<ServicePort> {
    let port = port_number(node.get("port")?)?;
    let target = match node.get("targetPort") {
        Some(target) => match port_number(target) {
            Some(number) => TargetPort::Number(number),
            None => TargetPort::Name(target.scalar_text()?.into_owned()),
        },
        None => TargetPort::Number(port),
    };
    Some(ServicePort {
        name: node.get_str("name").map(str::to_owned),
        port,
        target,
        field: Field::new(node.pos(), format!("spec.ports[{index}]")),
    })
}

/// Annotations that put a cloud load balancer on a private network only,
/// with the value that does so (`None`: any value but `false`).
const INTERNAL_LOAD_BALANCER: &[(&str, Option<&str>)] = &[
    (
        "service.beta.kubernetes.io/aws-load-balancer-internal",
        None,
    ),
    (
        "service.beta.kubernetes.io/aws-load-balancer-scheme",
        Some("internal"),
    ),
    ("networking.gke.io/load-balancer-type", Some("Internal")),
    ("cloud.google.com/load-balancer-type", Some("Internal")),
    (
        "service.beta.kubernetes.io/azure-load-balancer-internal",
        Some("true"),
    ),
    (
        "service.beta.kubernetes.io/openstack-internal-load-balancer",
        Some("true"),
    ),
    (
        "service.beta.kubernetes.io/oci-load-balancer-internal",
        Some("true"),
    ),
    (
        "service.kubernetes.io/ibm-load-balancer-cloud-provider-ip-type",
        Some("private"),
    ),
];

fn load_balancer_source(
    spec: Option<NodeRef<'_, '_>>,
    annotation: &dyn Fn(&str) -> Option<String>,
) -> Option<SourceLimit> {
    for (key, value) in INTERNAL_LOAD_BALANCER {
        let Some(actual) = annotation(key) else {
            continue;
        };
        let internal = match value {
            Some(expected) => actual.eq_ignore_ascii_case(expected),
            None => actual != "false",
        };
        if internal {
            return Some(SourceLimit::restricted(format!(
                "an internal load balancer ({key})"
            )));
        }
    }
    let ranges: Vec<String> = spec
        .and_then(|s| s.get("loadBalancerSourceRanges"))
        .map(|list| {
            list.items()
                .filter_map(|item| item.scalar_text().map(|t| t.trim().to_owned()))
                .collect()
        })
        .unwrap_or_default();
    if !ranges.is_empty() {
        return Some(parse_ranges(&ranges, "spec.loadBalancerSourceRanges"));
    }
    let key = "service.beta.kubernetes.io/load-balancer-source-ranges";
    let ranges: Vec<String> = annotation(key)?
        .split(',')
        .map(|r| r.trim().to_owned())
        .filter(|r| !r.is_empty())
        .collect();
    (!ranges.is_empty()).then(|| parse_ranges(&ranges, key))
}

fn load_balancer_tls(annotation: &dyn Fn(&str) -> Option<String>) -> LoadBalancerTls {
    // The certificate annotation, the annotation listing the TLS ports,
    // and the ports that get TLS when that list is absent (AWS: every
    // port; DigitalOcean: 443).
    let providers = [
        (
            "service.beta.kubernetes.io/aws-load-balancer-ssl-cert",
            "service.beta.kubernetes.io/aws-load-balancer-ssl-ports",
            None,
        ),
        (
            "service.beta.kubernetes.io/do-loadbalancer-certificate-id",
            "service.beta.kubernetes.io/do-loadbalancer-tls-ports",
            Some("443"),
        ),
    ];
    for (cert, ports, default_ports) in providers {
        if annotation(cert).is_none() {
            continue;
        }
        let how = format!("the load balancer terminates TLS ({cert})");
        return match (annotation(ports), default_ports) {
            (Some(list), _) => {
                LoadBalancerTls::Ports(list.split(',').map(|p| p.trim().to_owned()).collect(), how)
            }
            (None, Some(default)) => LoadBalancerTls::Ports(vec![default.to_owned()], how),
            (None, None) => LoadBalancerTls::All(how),
        };
    }
    LoadBalancerTls::None
}
