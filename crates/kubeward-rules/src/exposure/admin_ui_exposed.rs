use kubeward_core::{Check, Family, Inventory, InventorySink, RuleStatus, Severity, declare_rule};

use super::findings::{group, ignored, notes, other_gaps, targets};
use super::model::{ExposureModel, KINDS};

declare_rule! {
    /// ## What it checks
    ///
    /// Every way from outside the cluster to an admin interface that asks
    /// for a login of its own (or may: Kibana, Kiali), with nothing in
    /// front that authenticates users first. Ways in are NodePort and
    /// LoadBalancer Services, `externalIPs`, `hostPort` and `hostNetwork`
    /// pods, Ingress paths, Gateway API routes and Traefik IngressRoutes;
    /// the way must reach a port on which the UI serves. Authentication in
    /// front is:
    ///
    /// - ingress-nginx `auth-url`, `auth-type` (basic or digest) with
    ///   `auth-secret`, or `auth-tls-secret` with client certificates
    ///   required, on an Ingress that ingress-nginx serves;
    /// - a Traefik Middleware with `forwardAuth`, `basicAuth` or
    ///   `digestAuth` (directly or in a `chain`), listed in
    ///   `traefik.ingress.kubernetes.io/router.middlewares` or on the
    ///   IngressRoute route;
    /// - `alb.ingress.kubernetes.io/auth-type` `oidc` or `cognito`;
    /// - an Envoy Gateway SecurityPolicy with `basicAuth`, `oidc`, `jwt`,
    ///   `extAuth` or `apiKeyAuth` targeting the route or its Gateway;
    /// - an authenticating proxy in the path: the Service forwards to
    ///   oauth2-proxy, OpenShift oauth-proxy, kube-rbac-proxy, Keycloak
    ///   Gatekeeper or Pomerium, whose `--upstream` leads to the UI.
    ///
    /// Which admin UIs are recognised, and how, is listed in
    /// `docs/exposure.md`. UIs with no login of their own are the
    /// `admin-ui-exposed-unauthenticated` rule's.
    ///
    /// ## Why it matters
    ///
    /// Admin interfaces control the cluster or the data in it. Left to
    /// their own login, they face the internet with default passwords,
    /// password guessing, stolen service-account tokens and every login
    /// bypass the product ever had. An authenticating proxy in front puts
    /// the organisation's single sign-on, with its second factor and
    /// audit, before any request reaches the UI.
    ///
    /// ## Failing example
    ///
    /// ```yaml
    /// apiVersion: apps/v1
    /// kind: Deployment
    /// metadata:
    ///   name: grafana
    ///   namespace: monitoring
    /// spec:
    ///   selector:
    ///     matchLabels: {app: grafana}
    ///   template:
    ///     metadata:
    ///       labels: {app: grafana}
    ///     spec:
    ///       containers:
    ///         - name: grafana
    ///           image: grafana/grafana:11.1.0
    ///           ports:
    ///             - containerPort: 3000
    /// ---
    /// apiVersion: v1
    /// kind: Service
    /// metadata:
    ///   name: grafana
    ///   namespace: monitoring
    /// spec:
    ///   type: NodePort
    ///   selector: {app: grafana}
    ///   ports:
    ///     - port: 3000
    /// ```
    ///
    /// ## Fixed example
    ///
    /// ```yaml
    /// apiVersion: apps/v1
    /// kind: Deployment
    /// metadata:
    ///   name: grafana
    ///   namespace: monitoring
    /// spec:
    ///   selector:
    ///     matchLabels: {app: grafana}
    ///   template:
    ///     metadata:
    ///       labels: {app: grafana}
    ///     spec:
    ///       containers:
    ///         - name: grafana
    ///           image: grafana/grafana:11.1.0
    ///           ports:
    ///             - containerPort: 3000
    /// ---
    /// apiVersion: v1
    /// kind: Service
    /// metadata:
    ///   name: grafana
    ///   namespace: monitoring
    /// spec:
    ///   selector: {app: grafana}
    ///   ports:
    ///     - port: 3000
    /// ---
    /// apiVersion: networking.k8s.io/v1
    /// kind: Ingress
    /// metadata:
    ///   name: grafana
    ///   namespace: monitoring
    ///   annotations:
    ///     nginx.ingress.kubernetes.io/auth-url: https://sso.example.com/oauth2/auth
    ///     nginx.ingress.kubernetes.io/auth-signin: https://sso.example.com/oauth2/start
    /// spec:
    ///   ingressClassName: nginx
    ///   tls:
    ///     - hosts: [grafana.example.com]
    ///       secretName: grafana-tls
    ///   rules:
    ///     - host: grafana.example.com
    ///       http:
    ///         paths:
    ///           - path: /
    ///             pathType: Prefix
    ///             backend:
    ///               service:
    ///                 name: grafana
    ///                 port:
    ///                   number: 3000
    /// ```
    ///
    /// ## Known limitations
    ///
    /// An Ingress, Gateway or IngressRoute is taken to face the internet,
    /// and so are node ports and load balancers without an internal-only
    /// annotation. Authentication configured outside the manifests (a
    /// controller-wide `global-auth-url`, a cloud identity-aware proxy, an
    /// Istio AuthorizationPolicy, a VPN) is not seen; suppress the finding
    /// with a reason. Annotation prefixes changed with
    /// `--annotations-prefix` are not read. Services without a selector
    /// and backends that are not in the input lead nowhere kubeward knows.
    ///
    /// ## References
    ///
    /// - NSA/CISA Kubernetes Hardening Guide, "Network separation and hardening"
    /// - Microsoft Threat Matrix for Kubernetes, "Exposed sensitive interfaces" (initial access)
    /// - kubescape C-0021 "Exposed sensitive interfaces"; kube-linter `exposed-services`
    pub static RULE = {
        id: "admin-ui-exposed",
        family: Family::Exposure,
        severity: Severity::High,
        summary: "Admin UI is reachable from outside with no authentication in front",
        remediation: "Put an authenticating proxy (an ingress auth annotation, a forwardAuth middleware or oauth2-proxy) in front of the UI, or make its Service ClusterIP and reach it with kubectl port-forward.",
        pss: None,
        recommended: true,
        status: RuleStatus::Stable,
        check: Check::Inventory { kinds: KINDS, check },
    };
}

fn check(inventory: &Inventory, sink: &mut InventorySink<'_>) {
    report(inventory, sink, false);
}

/// Reports admin UIs exposed with no authentication in front: those with
/// a login of their own when `open` is false, those without when true.
pub(super) fn report(inventory: &Inventory, sink: &mut InventorySink<'_>, open: bool) {
    let model = ExposureModel::build(inventory);
    let unprotected = model.admin_ui_exposures().filter(|(exposure, ui)| {
        model.auth(exposure).is_none() && ui.settings.login.is_open() == open
    });
    for group in group(&model, unprotected, |entry| &entry.at) {
        let entry = &model.entries[group.entry];
        let (first, first_ui) = group.items[0];
        let gaps = other_gaps(&model, first).map_or_else(String::new, |gaps| {
            format!(", and the entry also has {gaps}")
        });
        let consequence = if open {
            "; anyone who reaches it controls it"
        } else {
            ""
        };
        let message = format!(
            "{} reaches {} with no authentication in front: {}{consequence}{gaps}. To fix: {}.{}{}",
            entry.label,
            targets(&model, &group.items),
            first_ui.settings.login.describe(),
            entry.advice.auth,
            notes(&group.items),
            ignored(entry),
        );
        sink.report(entry.object, entry.at.pos, entry.at.path.clone(), message);
    }
}
