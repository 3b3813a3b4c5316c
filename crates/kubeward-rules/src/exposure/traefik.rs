//! Traefik's CRDs: Middlewares that authenticate (`forwardAuth`,
//! `basicAuth`, `digestAuth`) or restrict sources (`ipAllowList`, and its
//! older name `ipWhiteList`), through `chain`s too, and the routes of
//! IngressRoutes. Both API groups are read: `traefik.io` (Traefik v2.10
//! and later) and `traefik.containo.us` (older releases).

use kubeward_core::StoredObject;
use kubeward_core::yaml::NodeRef;

use super::catalog::port_number;
use super::ingress::PortRef;
use super::model::{Advice, Entry, EntryKind, ExposureModel, Field, Protection, Tls, namespace_of};
use super::source::{SourceLimit, parse_ranges};

fn is_traefik(object: &StoredObject) -> bool {
    let api = object.reference.api_version.as_str();
    api.starts_with("traefik.io/") || api.starts_with("traefik.containo.us/")
}

/// What one Middleware does.
#[derive(Debug)]
struct Middleware {
    namespace: String,
    name: String,
    auth: Option<String>,
    source: Option<SourceLimit>,
    /// `(namespace, name)` of the Middlewares of a `chain`.
    chain: Vec<(String, String)>,
}

/// The protection a list of Middlewares adds.
#[derive(Debug, Default)]
pub struct Resolved {
    pub auth: Option<String>,
    pub source: Option<SourceLimit>,
}

/// Every Traefik Middleware of the input.
#[derive(Debug, Default)]
pub struct Middlewares {
    all: Vec<Middleware>,
}

/// How deep `chain`s are followed; Traefik rejects cycles.
const MAX_CHAIN_DEPTH: usize = 8;

impl Middlewares {
    pub fn read(objects: &[StoredObject]) -> Self {
        let all = objects
            .iter()
            .filter(|o| o.kind() == "Middleware" && is_traefik(o))
            .filter_map(|o| {
                let spec = o.root().get("spec")?;
                let namespace = namespace_of(o);
                let name = o.name()?.to_owned();
                let auth = ["forwardAuth", "basicAuth", "digestAuth"]
                    .iter()
                    .find(|key| spec.get(key).is_some())
                    .map(|key| format!("{key} Middleware {namespace}/{name}"));
                let source = ["ipAllowList", "ipWhiteList"].iter().find_map(|key| {
                    let ranges: Vec<String> = spec
                        .path(&[key, "sourceRange"])?
                        .items()
                        .filter_map(|r| r.scalar_text().map(|t| t.trim().to_owned()))
                        .collect();
                    (!ranges.is_empty()).then(|| {
                        parse_ranges(&ranges, &format!("{key} Middleware {namespace}/{name}"))
                    })
                });
                let chain = spec
                    .path(&["chain", "middlewares"])
                    .into_iter()
                    .flat_map(|m| m.items())
                    .filter_map(|item| reference(item, &namespace))
                    .collect();
                Some(Middleware {
                    namespace,
                    name,
                    auth,
                    source,
                    chain,
                })
            })
            .collect();
        Middlewares { all }
    }

    /// Resolves the `traefik.ingress.kubernetes.io/router.middlewares`
    /// annotation: `<namespace>-<name>@kubernetescrd`, comma-separated.
    pub fn resolve_annotation(&self, list: &str, _namespace: &str) -> Resolved {
        let refs: Vec<(String, String)> = list
            .split(',')
            .map(str::trim)
            .filter_map(|item| item.strip_suffix("@kubernetescrd"))
            .filter_map(|joined| {
                self.all
                    .iter()
                    .find(|m| format!("{}-{}", m.namespace, m.name) == joined)
                    .map(|m| (m.namespace.clone(), m.name.clone()))
            })
            .collect();
        self.resolve(&refs)
    }

    /// Resolves `(namespace, name)` references, following chains.
    pub fn resolve(&self, refs: &[(String, String)]) -> Resolved {
        let mut resolved = Resolved::default();
        let mut queue: Vec<((String, String), usize)> =
            refs.iter().cloned().map(|r| (r, 0)).collect();
        while let Some(((namespace, name), depth)) = queue.pop() {
            let Some(middleware) = self
                .all
                .iter()
                .find(|m| m.namespace == namespace && m.name == name)
            else {
                continue;
            };
            if resolved.auth.is_none() {
                resolved.auth.clone_from(&middleware.auth);
            }
            if resolved.source.is_none() {
                resolved.source.clone_from(&middleware.source);
            }
            if depth < MAX_CHAIN_DEPTH {
                queue.extend(middleware.chain.iter().cloned().map(|r| (r, depth + 1)));
            }
        }
        resolved
    }
}

/// A `{name, namespace}` reference; the namespace defaults to `namespace`.
/// A name written `<namespace>-<name>@kubernetescrd` is kept whole and
/// will not match.
fn reference(item: NodeRef<'_, '_>, namespace: &str) -> Option<(String, String)> {
    let name = item.get_str("name")?.to_owned();
    let namespace = item.get_str("namespace").unwrap_or(namespace).to_owned();
    Some((namespace, name))
}

/// Adds an entry for every IngressRoute route service that is a Service
/// of the input.
pub fn add_entries<'i>(model: &mut ExposureModel<'i>, objects: &'i [StoredObject]) {
    let middlewares = Middlewares::read(objects);
    for object in objects
        .iter()
        .filter(|o| o.kind() == "IngressRoute" && is_traefik(o))
    {
        add_route(model, object, &middlewares);
    }
}

fn add_route<'i>(
    model: &mut ExposureModel<'i>,
    object: &'i StoredObject,
    middlewares: &Middlewares,
) {
    let root = object.root();
    let Some(spec) = root.get("spec") else {
        return;
    };
    let namespace = namespace_of(object);
    let label = format!(
        "IngressRoute {namespace}/{}",
        object.name().unwrap_or("<unnamed>")
    );
    let tls = if spec.entry("tls").is_some() {
        Tls::Terminated("spec.tls".to_owned())
    } else {
        let entry_points: Vec<&str> = spec
            .get("entryPoints")
            .into_iter()
            .flat_map(|e| e.items())
            .filter_map(|e| e.as_str())
            .collect();
        if !entry_points.is_empty() && entry_points.iter().all(|e| *e == "websecure") {
            Tls::Unknown(
                "the route has no spec.tls but uses only the websecure entry point, which may \
                 set TLS in Traefik's static configuration"
                    .to_owned(),
            )
        } else {
            Tls::Plain("the IngressRoute has no spec.tls".to_owned())
        }
    };
    let routes = spec.get("routes").into_iter().flat_map(|r| r.items());
    for (i, route) in routes.enumerate() {
        let refs: Vec<(String, String)> = route
            .get("middlewares")
            .into_iter()
            .flat_map(|m| m.items())
            .filter_map(|item| reference(item, &namespace))
            .collect();
        let resolved = middlewares.resolve(&refs);
        let route_field = Field::new(route.pos(), format!("spec.routes[{i}]"));
        let tls_at = route.entry("match").map_or_else(
            || route_field.clone(),
            |e| Field::new(e.key.pos(), format!("spec.routes[{i}].match")),
        );
        let services = route.get("services").into_iter().flat_map(|s| s.items());
        for (j, target) in services.enumerate() {
            if target.get_str("kind").is_some_and(|k| k != "Service") {
                continue;
            }
            let Some(name) = target.get_str("name") else {
                continue;
            };
            let target_ns = target.get_str("namespace").unwrap_or(&namespace);
            let Some(service) = model.find_service(target_ns, name) else {
                continue;
            };
            let port = match target.get("port") {
                Some(p) => match port_number(p) {
                    Some(n) => PortRef::Number(n),
                    None => PortRef::Name(
                        p.scalar_text()
                            .map(std::borrow::Cow::into_owned)
                            .unwrap_or_default(),
                    ),
                },
                None => continue,
            };
            let port = match &port {
                PortRef::Number(n) => model.services[service].port_by_number(*n),
                PortRef::Name(n) => model.services[service].port_by_name(n),
            };
            let Some(port) = port.cloned() else {
                continue;
            };
            let entry = Entry {
                kind: EntryKind::TraefikRoute,
                object,
                at: Field::new(target.pos(), format!("spec.routes[{i}].services[{j}]")),
                tls_at: tls_at.clone(),
                source_at: route_field.clone(),
                label: format!(
                    "{label} route {}",
                    route.get_str("match").unwrap_or("(no match)")
                ),
                protection: Protection {
                    auth: resolved.auth.clone(),
                    tls: Some(tls.clone()),
                    source: resolved.source.clone(),
                    ignored: Vec::new(),
                },
                advice: Advice {
                    auth: "add a forwardAuth Middleware (for example to oauth2-proxy) to the \
                           route's middlewares"
                        .to_owned(),
                    tls: "add spec.tls to the IngressRoute".to_owned(),
                    source: "add an ipAllowList Middleware to the route's middlewares".to_owned(),
                },
                service_port: None,
            };
            model.expose_service(entry, service, &port);
        }
    }
}
