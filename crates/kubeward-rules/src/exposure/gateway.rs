//! Gateway API routes (HTTPRoute, GRPCRoute, TLSRoute): the listeners of
//! the Gateways they attach to, and the Services of their rules.
//!
//! A route attaches to a listener of a parent Gateway when the parent
//! reference's `sectionName` and `port` (if set) name it, the listener's
//! protocol carries the route's kind (HTTP and HTTPS carry HTTPRoute and
//! GRPCRoute, TLS carries TLSRoute), `allowedRoutes` admits the route's
//! namespace (by default only the Gateway's own) and kind, and the
//! hostnames intersect. A backend in another namespace counts only when a
//! ReferenceGrant in that namespace allows it. Authentication and client
//! address rules come from Envoy Gateway SecurityPolicies that target the
//! route or its Gateway.

use kubeward_core::StoredObject;
use kubeward_core::yaml::NodeRef;

use super::catalog::port_number;
use super::ingress::host_matches;
use super::model::{Advice, Entry, EntryKind, ExposureModel, Field, Protection, Tls, namespace_of};
use super::source::{SourceLimit, parse_ranges};

const GROUP: &str = "gateway.networking.k8s.io";

fn group_of(object: &StoredObject) -> &str {
    object
        .reference
        .api_version
        .rsplit_once('/')
        .map_or("", |(group, _)| group)
}

/// One listener of a Gateway.
#[derive(Debug)]
struct Listener {
    name: String,
    port: Option<u16>,
    protocol: String,
    hostname: Option<String>,
    passthrough: bool,
    /// `Same`, `All` or `Selector`.
    from: String,
    kinds: Vec<String>,
}

#[derive(Debug)]
struct Gateway {
    namespace: String,
    name: String,
    listeners: Vec<Listener>,
}

/// Reads the Gateway API and Envoy Gateway objects of the input and adds
/// an entry for every route backend that is a Service of the input.
pub fn add_entries<'i>(model: &mut ExposureModel<'i>, objects: &'i [StoredObject]) {
    let gateways: Vec<Gateway> = objects
        .iter()
        .filter(|o| o.kind() == "Gateway" && group_of(o) == GROUP)
        .filter_map(read_gateway)
        .collect();
    let grants: Vec<&StoredObject> = objects
        .iter()
        .filter(|o| o.kind() == "ReferenceGrant" && group_of(o) == GROUP)
        .collect();
    let policies: Vec<Policy> = objects
        .iter()
        .filter(|o| o.kind() == "SecurityPolicy" && group_of(o) == "gateway.envoyproxy.io")
        .filter_map(read_policy)
        .collect();
    let context = Context {
        gateways: &gateways,
        grants: &grants,
        policies: &policies,
    };
    for object in objects.iter().filter(|o| {
        matches!(o.kind(), "HTTPRoute" | "GRPCRoute" | "TLSRoute") && group_of(o) == GROUP
    }) {
        add_route(model, object, &context);
    }
}

struct Context<'c> {
    gateways: &'c [Gateway],
    grants: &'c [&'c StoredObject],
    policies: &'c [Policy],
}

fn read_gateway(object: &StoredObject) -> Option<Gateway> {
    let spec = object.root().get("spec")?;
    let listeners = spec
        .get("listeners")
        .into_iter()
        .flat_map(|l| l.items())
        .map(|listener| Listener {
            name: listener.get_str("name").unwrap_or("").to_owned(),
            port: listener.get("port").and_then(port_number),
            protocol: listener.get_str("protocol").unwrap_or("").to_owned(),
            hostname: listener.get_str("hostname").map(str::to_owned),
            passthrough: listener.path(&["tls", "mode"]).and_then(|m| m.as_str())
                == Some("Passthrough"),
            from: listener
                .path(&["allowedRoutes", "namespaces", "from"])
                .and_then(|f| f.as_str())
                .unwrap_or("Same")
                .to_owned(),
            kinds: listener
                .path(&["allowedRoutes", "kinds"])
                .into_iter()
                .flat_map(|k| k.items())
                .filter_map(|k| k.get_str("kind").map(str::to_owned))
                .collect(),
        })
        .collect();
    Some(Gateway {
        namespace: namespace_of(object),
        name: object.name()?.to_owned(),
        listeners,
    })
}

/// An Envoy Gateway SecurityPolicy: what it targets and what it adds.
#[derive(Debug)]
struct Policy {
    namespace: String,
    /// `(kind, name)` of the targets, in the policy's namespace.
    targets: Vec<(String, String)>,
    auth: Option<String>,
    source: Option<SourceLimit>,
}

fn read_policy(object: &StoredObject) -> Option<Policy> {
    let spec = object.root().get("spec")?;
    let namespace = namespace_of(object);
    let name = object.name()?.to_owned();
    let mut targets: Vec<(String, String)> = spec
        .get("targetRefs")
        .into_iter()
        .flat_map(|t| t.items())
        .chain(spec.get("targetRef"))
        .filter_map(|t| Some((t.get_str("kind")?.to_owned(), t.get_str("name")?.to_owned())))
        .collect();
    targets.dedup();
    let auth = ["basicAuth", "oidc", "jwt", "extAuth", "apiKeyAuth"]
        .iter()
        .find(|key| spec.get(key).is_some())
        .map(|key| format!("{key} in SecurityPolicy {namespace}/{name}"));
    let source = spec.get("authorization").and_then(|authz| {
        if authz.get_str("defaultAction") != Some("Deny") {
            return None;
        }
        let ranges: Vec<String> = authz
            .get("rules")
            .into_iter()
            .flat_map(|r| r.items())
            .filter(|rule| rule.get_str("action") == Some("Allow"))
            .flat_map(|rule| {
                rule.path(&["principal", "clientCIDRs"])
                    .into_iter()
                    .flat_map(|c| c.items())
                    .filter_map(|c| c.scalar_text().map(std::borrow::Cow::into_owned))
                    .collect::<Vec<_>>()
            })
            .collect();
        (!ranges.is_empty()).then(|| {
            parse_ranges(
                &ranges,
                &format!("clientCIDRs of SecurityPolicy {namespace}/{name}"),
            )
        })
    });
    Some(Policy {
        namespace,
        targets,
        auth,
        source,
    })
}

impl Context<'_> {
    fn policies_for(
        &self,
        kind: &str,
        namespace: &str,
        name: &str,
    ) -> impl Iterator<Item = &Policy> {
        self.policies.iter().filter(move |p| {
            p.namespace == namespace && p.targets.iter().any(|(k, n)| k == kind && n == name)
        })
    }

    /// Whether a ReferenceGrant in `to_namespace` lets routes of `kind` in
    /// `from_namespace` use Service `service`.
    fn granted(&self, kind: &str, from_namespace: &str, to_namespace: &str, service: &str) -> bool {
        self.grants.iter().any(|grant| {
            if namespace_of(grant) != to_namespace {
                return false;
            }
            let Some(spec) = grant.root().get("spec") else {
                return false;
            };
            let from_ok = spec
                .get("from")
                .into_iter()
                .flat_map(|f| f.items())
                .any(|from| {
                    from.get_str("group") == Some(GROUP)
                        && from.get_str("kind") == Some(kind)
                        && from.get_str("namespace") == Some(from_namespace)
                });
            let to_ok = spec
                .get("to")
                .into_iter()
                .flat_map(|t| t.items())
                .any(|to| {
                    to.get_str("group").unwrap_or("").is_empty()
                        && to.get_str("kind") == Some("Service")
                        && to.get_str("name").is_none_or(|n| n == service)
                });
            from_ok && to_ok
        })
    }
}

/// How one parent reference of a route is served.
struct Parent {
    field: Field,
    tls: Tls,
    label: String,
    auth: Option<String>,
    source: Option<SourceLimit>,
}

fn add_route<'i>(model: &mut ExposureModel<'i>, object: &'i StoredObject, context: &Context<'_>) {
    let root = object.root();
    let Some(spec) = root.get("spec") else {
        return;
    };
    let kind = object.kind().to_owned();
    let namespace = namespace_of(object);
    let route_name = object.name().unwrap_or("<unnamed>").to_owned();
    let hostnames: Vec<String> = spec
        .get("hostnames")
        .into_iter()
        .flat_map(|h| h.items())
        .filter_map(|h| h.as_str().map(str::to_owned))
        .collect();
    let route_policies: Vec<&Policy> = context
        .policies_for(&kind, &namespace, &route_name)
        .collect();
    let parents: Vec<Parent> = spec
        .get("parentRefs")
        .into_iter()
        .flat_map(|p| p.items())
        .enumerate()
        .filter_map(|(k, parent)| {
            read_parent(
                parent,
                k,
                &kind,
                &namespace,
                &hostnames,
                context,
                &route_policies,
            )
        })
        .collect();
    let rules = spec.get("rules").into_iter().flat_map(|r| r.items());
    for (i, rule) in rules.enumerate() {
        let refs = rule.get("backendRefs").into_iter().flat_map(|b| b.items());
        for (j, backend) in refs.enumerate() {
            let Some((service, port)) = backend_service(model, backend, &kind, &namespace, context)
            else {
                continue;
            };
            for parent in &parents {
                let entry = Entry {
                    kind: EntryKind::GatewayRoute,
                    object,
                    at: Field::new(backend.pos(), format!("spec.rules[{i}].backendRefs[{j}]")),
                    tls_at: parent.field.clone(),
                    source_at: parent.field.clone(),
                    label: format!("{kind} {namespace}/{route_name} on {}", parent.label),
                    protection: Protection {
                        auth: parent.auth.clone(),
                        tls: Some(parent.tls.clone()),
                        source: parent.source.clone(),
                        ignored: Vec::new(),
                    },
                    advice: Advice {
                        auth: "authenticate users at the gateway, for example with an Envoy \
                               Gateway SecurityPolicy (oidc or extAuth) targeting the route, or \
                               route through an oauth2-proxy Service"
                            .to_owned(),
                        tls: "attach the route to an HTTPS listener only".to_owned(),
                        source: "restrict client addresses at the gateway, for example with a \
                                 SecurityPolicy authorization rule on clientCIDRs"
                            .to_owned(),
                    },
                    service_port: None,
                };
                let service_port = model.services[service].ports[port].clone();
                model.expose_service(entry, service, &service_port);
            }
        }
    }
}

fn read_parent(
    parent: NodeRef<'_, '_>,
    index: usize,
    kind: &str,
    namespace: &str,
    hostnames: &[String],
    context: &Context<'_>,
    route_policies: &[&Policy],
) -> Option<Parent> {
    if parent.get_str("kind").is_some_and(|k| k != "Gateway")
        || parent.get_str("group").is_some_and(|g| g != GROUP)
    {
        return None;
    }
    let name = parent.get_str("name")?;
    let gateway_ns = parent.get_str("namespace").unwrap_or(namespace);
    let field = Field::new(parent.pos(), format!("spec.parentRefs[{index}]"));
    let mut auth = route_policies.iter().find_map(|p| p.auth.clone());
    let mut source = route_policies.iter().find_map(|p| p.source.clone());
    for policy in context.policies_for("Gateway", gateway_ns, name) {
        auth = auth.or_else(|| policy.auth.clone());
        source = source.or_else(|| policy.source.clone());
    }
    let Some(gateway) = context
        .gateways
        .iter()
        .find(|g| g.namespace == gateway_ns && g.name == name)
    else {
        return Some(Parent {
            field,
            tls: Tls::Unknown(format!("Gateway {gateway_ns}/{name} is not in the input")),
            label: format!("Gateway {gateway_ns}/{name}"),
            auth,
            source,
        });
    };
    let section = parent.get_str("sectionName");
    let port = parent.get("port").and_then(port_number);
    let attached: Vec<&Listener> = gateway
        .listeners
        .iter()
        .filter(|l| section.is_none_or(|s| s == l.name))
        .filter(|l| port.is_none_or(|p| Some(p) == l.port))
        .filter(|l| carries(&l.protocol, kind))
        .filter(|l| l.kinds.is_empty() || l.kinds.iter().any(|k| k == kind))
        .filter(|l| match l.from.as_str() {
            // NOTE: a namespace selector is taken to admit the route;
            // Namespace labels are not read.
            "All" | "Selector" => true,
            _ => gateway.namespace == namespace,
        })
        .filter(|l| hostnames_intersect(l.hostname.as_deref(), hostnames))
        .collect();
    if attached.is_empty() {
        return None;
    }
    let tls = if let Some(plain) = attached.iter().find(|l| l.protocol == "HTTP") {
        Tls::Plain(format!(
            "listener {} of Gateway {gateway_ns}/{name} speaks plain HTTP{}",
            plain.name,
            plain
                .port
                .map_or_else(String::new, |p| format!(" on port {p}"))
        ))
    } else if attached.iter().all(|l| l.passthrough) {
        Tls::Passthrough
    } else {
        Tls::Terminated(format!(
            "the {} listener of Gateway {gateway_ns}/{name}",
            attached[0].protocol
        ))
    };
    Some(Parent {
        field,
        tls,
        label: format!("Gateway {gateway_ns}/{name}"),
        auth,
        source,
    })
}

/// Whether a listener protocol carries routes of `kind`.
fn carries(protocol: &str, kind: &str) -> bool {
    match kind {
        "HTTPRoute" | "GRPCRoute" => matches!(protocol, "HTTP" | "HTTPS"),
        "TLSRoute" => protocol == "TLS",
        _ => false,
    }
}

/// Whether a listener's hostname and a route's hostnames share a host.
fn hostnames_intersect(listener: Option<&str>, route: &[String]) -> bool {
    let Some(listener) = listener else {
        return true;
    };
    route.is_empty()
        || route.iter().any(|host| {
            host_matches(listener, host)
                || host_matches(host, listener)
                || (host.starts_with("*.") && listener.starts_with("*.") && host == listener)
        })
}

/// The Service and port index a backend reference names, if the Service
/// is in the input and the reference is allowed.
fn backend_service(
    model: &ExposureModel<'_>,
    backend: NodeRef<'_, '_>,
    kind: &str,
    namespace: &str,
    context: &Context<'_>,
) -> Option<(usize, usize)> {
    if backend.get_str("kind").is_some_and(|k| k != "Service")
        || backend
            .get_str("group")
            .is_some_and(|g| !g.is_empty() && g != "core")
    {
        return None;
    }
    let name = backend.get_str("name")?;
    let target_ns = backend.get_str("namespace").unwrap_or(namespace);
    if target_ns != namespace && !context.granted(kind, namespace, target_ns, name) {
        return None;
    }
    let service = model.find_service(target_ns, name)?;
    let number = backend.get("port").and_then(port_number)?;
    let port = model.services[service]
        .ports
        .iter()
        .position(|p| p.port == number)?;
    Some((service, port))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn listener_hostnames() {
        assert!(hostnames_intersect(None, &["a.example.com".to_owned()]));
        assert!(hostnames_intersect(Some("*.example.com"), &[]));
        assert!(hostnames_intersect(
            Some("*.example.com"),
            &["ui.example.com".to_owned()]
        ));
        assert!(!hostnames_intersect(
            Some("ui.example.com"),
            &["db.example.com".to_owned()]
        ));
        assert!(hostnames_intersect(
            Some("ui.example.com"),
            &["*.example.com".to_owned()]
        ));
    }

    #[test]
    fn protocols() {
        assert!(carries("HTTPS", "HTTPRoute"));
        assert!(carries("HTTP", "GRPCRoute"));
        assert!(!carries("TLS", "HTTPRoute"));
        assert!(carries("TLS", "TLSRoute"));
    }
}
