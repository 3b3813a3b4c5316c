//! Ingresses: which Service each path reaches, and what the controller
//! that serves the Ingress puts in front of it.
//!
//! Annotations only protect when the controller that serves the Ingress
//! reads them, so the controller is found first: from the IngressClass
//! named by `spec.ingressClassName` or the `kubernetes.io/ingress.class`
//! annotation (its `spec.controller`), from the default IngressClass for
//! an Ingress without a class, or from the class name itself when no
//! IngressClass is in the input. Without any of these, annotations of
//! every known controller count.

use kubeward_core::StoredObject;
use kubeward_core::yaml::NodeRef;

use super::catalog::port_number;
use super::model::{Advice, Entry, EntryKind, ExposureModel, Field, Protection, Tls, namespace_of};
use super::source::{SourceLimit, parse_ranges};
use super::traefik::Middlewares;

/// The controllers whose annotations kubeward reads.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Controller {
    Nginx,
    Traefik,
    AwsAlb,
    Gce {
        internal: bool,
    },
    Other,
    /// Not known: every known annotation counts.
    Unknown,
}

impl Controller {
    fn from_controller_name(name: &str) -> Controller {
        match name {
            "k8s.io/ingress-nginx" => Controller::Nginx,
            "traefik.io/ingress-controller" => Controller::Traefik,
            "ingress.k8s.aws/alb" => Controller::AwsAlb,
            _ => Controller::Other,
        }
    }

    /// Guesses the controller from a class name when no IngressClass says.
    fn from_class_name(name: &str) -> Controller {
        match name {
            "gce" => Controller::Gce { internal: false },
            "gce-internal" => Controller::Gce { internal: true },
            "alb" => Controller::AwsAlb,
            name if name.contains("traefik") => Controller::Traefik,
            name if name.contains("nginx") => Controller::Nginx,
            _ => Controller::Unknown,
        }
    }

    /// Whether the controller reads the annotations of `family`.
    fn reads(self, family: Controller) -> bool {
        self == Controller::Unknown
            || std::mem::discriminant(&self) == std::mem::discriminant(&family)
    }
}

const NGINX: &str = "nginx.ingress.kubernetes.io/";
const TRAEFIK_MIDDLEWARES: &str = "traefik.ingress.kubernetes.io/router.middlewares";
const ALB: &str = "alb.ingress.kubernetes.io/";

/// The IngressClasses of the input: name and controller.
struct Classes {
    classes: Vec<(String, String, bool)>,
}

impl Classes {
    fn read(objects: &[StoredObject]) -> Self {
        let classes = objects
            .iter()
            .filter(|o| o.kind() == "IngressClass")
            .filter_map(|o| {
                let root = o.root();
                let controller = root.path(&["spec", "controller"])?.as_str()?.to_owned();
                let default = root
                    .path(&[
                        "metadata",
                        "annotations",
                        "ingressclass.kubernetes.io/is-default-class",
                    ])
                    .and_then(|v| v.scalar_text())
                    .is_some_and(|v| v == "true");
                Some((o.name()?.to_owned(), controller, default))
            })
            .collect();
        Classes { classes }
    }

    fn controller(&self, class: Option<&str>) -> Controller {
        let found = match class {
            Some(name) => self.classes.iter().find(|(n, _, _)| n == name),
            None => self.classes.iter().find(|(_, _, default)| *default),
        };
        match (found, class) {
            (Some((_, controller, _)), _) => Controller::from_controller_name(controller),
            (None, Some(name)) => Controller::from_class_name(name),
            (None, None) => Controller::Unknown,
        }
    }
}

/// One backend of an Ingress: the Service, the port, and where it is
/// written.
struct Backend {
    service: String,
    port: PortRef,
    at: Field,
    tls_at: Field,
    host: Option<String>,
    label: String,
}

/// A Service port named by number or by name.
#[derive(Clone, Debug)]
pub enum PortRef {
    Number(u16),
    Name(String),
}

/// Adds an entry for every Ingress backend that reaches a Service of the
/// input.
pub fn add_entries<'i>(model: &mut ExposureModel<'i>, objects: &'i [StoredObject]) {
    let classes = Classes::read(objects);
    let middlewares = Middlewares::read(objects);
    for object in objects.iter().filter(|o| o.kind() == "Ingress") {
        add_ingress(model, object, &classes, &middlewares);
    }
}

fn add_ingress<'i>(
    model: &mut ExposureModel<'i>,
    object: &'i StoredObject,
    classes: &Classes,
    middlewares: &Middlewares,
) {
    let root = object.root();
    let namespace = namespace_of(object);
    let annotations = Annotations::of(root);
    let class = root
        .path(&["spec", "ingressClassName"])
        .and_then(|n| n.as_str())
        .or_else(|| annotations.get("kubernetes.io/ingress.class"));
    let controller = classes.controller(class);
    let tls_hosts = tls_hosts(root);
    let source_at = root
        .get("metadata")
        .and_then(|m| m.entry("annotations"))
        .map(|e| Field::new(e.key.pos(), "metadata.annotations".to_owned()))
        .or_else(|| {
            root.entry("metadata")
                .map(|e| Field::new(e.key.pos(), "metadata".to_owned()))
        })
        .unwrap_or_else(|| Field::new(object.pos(), "kind".to_owned()));
    let name = format!(
        "Ingress {namespace}/{}",
        object.name().unwrap_or("<unnamed>")
    );
    let auth = auth(&annotations, controller, middlewares, &namespace);
    let source = source(&annotations, controller, middlewares, &namespace);
    for backend in backends(root, &name) {
        let Some(service) = model.find_service(&namespace, &backend.service) else {
            continue;
        };
        let port = match &backend.port {
            PortRef::Number(n) => model.services[service].port_by_number(*n),
            PortRef::Name(n) => model.services[service].port_by_name(n),
        };
        let Some(port) = port.cloned() else {
            continue;
        };
        let entry = Entry {
            kind: EntryKind::Ingress,
            object,
            at: backend.at,
            tls_at: backend.tls_at,
            source_at: source_at.clone(),
            label: backend.label,
            protection: Protection {
                auth: auth.0.clone(),
                tls: Some(tls(
                    &annotations,
                    controller,
                    &tls_hosts,
                    backend.host.as_deref(),
                )),
                source: source.clone(),
                ignored: auth.1.clone(),
            },
            advice: advice(controller, backend.host.as_deref()),
            service_port: None,
        };
        model.expose_service(entry, service, &port);
    }
}

/// The annotations of an object as strings.
pub struct Annotations(Vec<(String, String)>);

impl Annotations {
    pub fn of(root: NodeRef<'_, '_>) -> Self {
        Annotations(
            root.path(&["metadata", "annotations"])
                .map(super::workloads::string_pairs)
                .unwrap_or_default(),
        )
    }

    pub fn get(&self, key: &str) -> Option<&str> {
        self.0
            .iter()
            .rev()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.as_str())
    }
}

/// Every backend an Ingress names, in `networking.k8s.io/v1` form
/// (`service.name`, `service.port.number|name`) or the older
/// `serviceName` and `servicePort`.
fn backends(root: NodeRef<'_, '_>, name: &str) -> Vec<Backend> {
    let mut out = Vec::new();
    let Some(spec) = root.get("spec") else {
        return out;
    };
    for key in ["defaultBackend", "backend"] {
        let Some(entry) = spec.entry(key) else {
            continue;
        };
        let field = Field::new(entry.key.pos(), format!("spec.{key}"));
        if let Some((service, port)) = backend_target(entry.value) {
            out.push(Backend {
                service,
                port,
                at: field.clone(),
                tls_at: field,
                host: None,
                label: format!("{name} default backend"),
            });
        }
    }
    let rules = spec.get("rules").into_iter().flat_map(|r| r.items());
    for (i, rule) in rules.enumerate() {
        let host = rule.get_str("host").map(str::to_owned);
        let tls_at = rule.entry("host").map_or_else(
            || Field::new(rule.pos(), format!("spec.rules[{i}]")),
            |e| Field::new(e.key.pos(), format!("spec.rules[{i}].host")),
        );
        let paths = rule
            .path(&["http", "paths"])
            .into_iter()
            .flat_map(|p| p.items());
        for (j, path) in paths.enumerate() {
            let Some(entry) = path.entry("backend") else {
                continue;
            };
            let Some((service, port)) = backend_target(entry.value) else {
                continue;
            };
            let path_text = path.get_str("path").unwrap_or("/");
            out.push(Backend {
                service,
                port,
                at: Field::new(
                    entry.key.pos(),
                    format!("spec.rules[{i}].http.paths[{j}].backend"),
                ),
                tls_at: tls_at.clone(),
                label: format!(
                    "{name} rule for {} path {path_text}",
                    host.as_deref()
                        .map_or_else(|| "any host".to_owned(), |h| format!("host {h}"))
                ),
                host: host.clone(),
            });
        }
    }
    out
}

fn backend_target(backend: NodeRef<'_, '_>) -> Option<(String, PortRef)> {
    if let Some(service) = backend.get("service") {
        let name = service.get_str("name")?.to_owned();
        let port = service.get("port")?;
        let port = match port.get("number").and_then(port_number) {
            Some(number) => PortRef::Number(number),
            None => PortRef::Name(port.get_str("name")?.to_owned()),
        };
        return Some((name, port));
    }
    let name = backend.get_str("serviceName")?.to_owned();
    let port = backend.get("servicePort")?;
    let port = match port_number(port) {
        Some(number) => PortRef::Number(number),
        None => PortRef::Name(port.as_str()?.to_owned()),
    };
    Some((name, port))
}

/// The hosts of `spec.tls`; an entry without hosts covers every host.
fn tls_hosts(root: NodeRef<'_, '_>) -> TlsHosts {
    let mut hosts = TlsHosts::default();
    for entry in root
        .path(&["spec", "tls"])
        .into_iter()
        .flat_map(|t| t.items())
    {
        let listed: Vec<String> = entry
            .get("hosts")
            .into_iter()
            .flat_map(|h| h.items())
            .filter_map(|h| h.as_str().map(str::to_owned))
            .collect();
        if listed.is_empty() {
            hosts.all = true;
        }
        hosts.hosts.extend(listed);
    }
    hosts
}

#[derive(Default)]
struct TlsHosts {
    all: bool,
    hosts: Vec<String>,
}

impl TlsHosts {
    fn covers(&self, host: Option<&str>) -> bool {
        if self.all {
            return true;
        }
        let Some(host) = host else {
            return false;
        };
        self.hosts.iter().any(|pattern| host_matches(pattern, host))
    }

    fn any(&self) -> bool {
        self.all || !self.hosts.is_empty()
    }
}

/// Whether `host` matches `pattern`, where `*.example.com` matches one
/// extra label.
pub fn host_matches(pattern: &str, host: &str) -> bool {
    if pattern.eq_ignore_ascii_case(host) {
        return true;
    }
    let Some(suffix) = pattern.strip_prefix("*.") else {
        return false;
    };
    host.split_once('.')
        .is_some_and(|(_, rest)| rest.eq_ignore_ascii_case(suffix))
}

/// What authenticates users in front of the Ingress, and the
/// authentication annotations its controller ignores.
fn auth(
    annotations: &Annotations,
    controller: Controller,
    middlewares: &Middlewares,
    namespace: &str,
) -> (Option<String>, Vec<String>) {
    let mut found = None;
    let mut ignored = Vec::new();
    let nginx_auth = nginx_auth(annotations);
    if let Some(how) = nginx_auth.clone() {
        if controller.reads(Controller::Nginx) {
            found = Some(how);
        } else {
            ignored.push(format!(
                "{how} is ignored: ingress-nginx does not serve this Ingress"
            ));
        }
    }
    if let Some(list) = annotations.get(TRAEFIK_MIDDLEWARES) {
        let resolved = middlewares.resolve_annotation(list, namespace);
        if let Some(how) = resolved.auth {
            if controller.reads(Controller::Traefik) {
                found = found.or(Some(how));
            } else {
                ignored.push(format!(
                    "{how} is ignored: Traefik does not serve this Ingress"
                ));
            }
        }
    }
    if let Some(kind) = annotations.get(&format!("{ALB}auth-type")) {
        if matches!(kind, "cognito" | "oidc") && controller.reads(Controller::AwsAlb) {
            found = found.or(Some(format!("{kind} authentication ({ALB}auth-type)")));
        }
    }
    if found.is_some() {
        ignored.clear();
    }
    (found, ignored)
}

/// Authentication configured with ingress-nginx annotations.
fn nginx_auth(annotations: &Annotations) -> Option<String> {
    let get = |name: &str| annotations.get(&format!("{NGINX}{name}"));
    if get("auth-url").is_some_and(|url| !url.trim().is_empty()) {
        return Some(format!("external authentication ({NGINX}auth-url)"));
    }
    if matches!(get("auth-type"), Some("basic" | "digest")) && get("auth-secret").is_some() {
        return Some(format!("HTTP authentication ({NGINX}auth-type)"));
    }
    // A client certificate is required unless auth-tls-verify-client says
    // otherwise; `optional` and `off` let clients in without one.
    if get("auth-tls-secret").is_some()
        && matches!(get("auth-tls-verify-client"), None | Some("on"))
    {
        return Some(format!("client certificates ({NGINX}auth-tls-secret)"));
    }
    None
}

fn source(
    annotations: &Annotations,
    controller: Controller,
    middlewares: &Middlewares,
    namespace: &str,
) -> Option<SourceLimit> {
    if controller.reads(Controller::Nginx) {
        for name in ["allowlist-source-range", "whitelist-source-range"] {
            let key = format!("{NGINX}{name}");
            if let Some(value) = annotations.get(&key) {
                let ranges: Vec<String> = value
                    .split(',')
                    .map(|r| r.trim().to_owned())
                    .filter(|r| !r.is_empty())
                    .collect();
                if !ranges.is_empty() {
                    return Some(parse_ranges(&ranges, &key));
                }
            }
        }
    }
    if controller.reads(Controller::Traefik) {
        if let Some(list) = annotations.get(TRAEFIK_MIDDLEWARES) {
            if let Some(limit) = middlewares.resolve_annotation(list, namespace).source {
                return Some(limit);
            }
        }
    }
    if controller.reads(Controller::AwsAlb) {
        if annotations.get(&format!("{ALB}scheme")) == Some("internal") {
            return Some(SourceLimit::restricted(format!(
                "an internal load balancer ({ALB}scheme)"
            )));
        }
        if let Some(value) = annotations.get(&format!("{ALB}inbound-cidrs")) {
            let ranges: Vec<String> = value.split(',').map(|r| r.trim().to_owned()).collect();
            return Some(parse_ranges(&ranges, &format!("{ALB}inbound-cidrs")));
        }
    }
    if controller == (Controller::Gce { internal: true }) {
        return Some(SourceLimit::restricted(
            "an internal load balancer (class gce-internal)".to_owned(),
        ));
    }
    None
}

/// Whether clients reach `host` over TLS.
fn tls(
    annotations: &Annotations,
    controller: Controller,
    hosts: &TlsHosts,
    host: Option<&str>,
) -> Tls {
    let nginx = |name: &str| annotations.get(&format!("{NGINX}{name}"));
    if hosts.covers(host) {
        if controller.reads(Controller::Nginx)
            && nginx("ssl-redirect") == Some("false")
            && nginx("force-ssl-redirect") != Some("true")
        {
            return Tls::Plain(format!(
                "{NGINX}ssl-redirect is false, so plain HTTP is served beside TLS"
            ));
        }
        if let Controller::Gce { .. } = controller {
            if annotations.get("kubernetes.io/ingress.allow-http") != Some("false") {
                return Tls::Plain(
                    "the GCE load balancer also serves plain HTTP unless \
                     kubernetes.io/ingress.allow-http is false"
                        .to_owned(),
                );
            }
        }
        return Tls::Terminated("spec.tls".to_owned());
    }
    if controller.reads(Controller::Nginx) && nginx("force-ssl-redirect") == Some("true") {
        return Tls::Terminated(format!(
            "{NGINX}force-ssl-redirect: TLS ends in front of the controller"
        ));
    }
    if controller.reads(Controller::Traefik)
        && annotations.get("traefik.ingress.kubernetes.io/router.tls") == Some("true")
    {
        return Tls::Terminated("traefik.ingress.kubernetes.io/router.tls".to_owned());
    }
    if controller.reads(Controller::AwsAlb)
        && annotations.get(&format!("{ALB}certificate-arn")).is_some()
    {
        let listens_http = annotations
            .get(&format!("{ALB}listen-ports"))
            .is_some_and(|ports| ports.contains("\"HTTP\""));
        if listens_http && annotations.get(&format!("{ALB}ssl-redirect")).is_none() {
            return Tls::Plain(format!(
                "{ALB}listen-ports opens plain HTTP beside HTTPS without {ALB}ssl-redirect"
            ));
        }
        return Tls::Terminated(format!("{ALB}certificate-arn"));
    }
    if controller.reads(Controller::Gce { internal: false })
        && (annotations
            .get("ingress.gcp.kubernetes.io/pre-shared-cert")
            .is_some()
            || annotations
                .get("networking.gke.io/managed-certificates")
                .is_some())
        && annotations.get("kubernetes.io/ingress.allow-http") == Some("false")
    {
        return Tls::Terminated("a GCE certificate".to_owned());
    }
    Tls::Plain(match (host, hosts.any()) {
        (Some(host), true) => format!("no spec.tls entry lists host {host}"),
        (Some(host), false) => {
            format!("the Ingress has no spec.tls, so {host} is served over plain HTTP")
        }
        (None, _) => "the rule has no host and the Ingress has no spec.tls".to_owned(),
    })
}

fn advice(controller: Controller, host: Option<&str>) -> Advice {
    let auth = match controller {
        Controller::Traefik => "add a Middleware with forwardAuth (for example to oauth2-proxy) \
                                and list it in traefik.ingress.kubernetes.io/router.middlewares"
            .to_owned(),
        Controller::AwsAlb => format!("set {ALB}auth-type to oidc or cognito"),
        Controller::Nginx | Controller::Unknown => format!(
            "add {NGINX}auth-url and {NGINX}auth-signin pointing at an OAuth2 proxy such as \
             oauth2-proxy"
        ),
        Controller::Gce { .. } | Controller::Other => {
            "put an authenticating proxy such as oauth2-proxy in front of the Service, or \
             enable the load balancer's identity-aware proxy"
                .to_owned()
        }
    };
    let tls = match host {
        Some(host) => format!("add a spec.tls entry listing {host} with a certificate Secret"),
        None => "give the rule a host and add a spec.tls entry for it".to_owned(),
    };
    let source = match controller {
        Controller::Traefik => "add an ipAllowList Middleware".to_owned(),
        Controller::AwsAlb => format!("set {ALB}inbound-cidrs"),
        _ => format!("add {NGINX}allowlist-source-range"),
    };
    Advice { auth, tls, source }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wildcard_hosts() {
        assert!(host_matches("*.example.com", "ui.example.com"));
        assert!(!host_matches("*.example.com", "a.ui.example.com"));
        assert!(!host_matches("*.example.com", "example.com"));
        assert!(host_matches("UI.example.com", "ui.example.com"));
    }

    #[test]
    fn class_names() {
        assert_eq!(Controller::from_class_name("nginx"), Controller::Nginx);
        assert_eq!(
            Controller::from_class_name("traefik-public"),
            Controller::Traefik
        );
        assert_eq!(
            Controller::from_class_name("gce-internal"),
            Controller::Gce { internal: true }
        );
        assert_eq!(Controller::from_class_name("istio"), Controller::Unknown);
    }
}
