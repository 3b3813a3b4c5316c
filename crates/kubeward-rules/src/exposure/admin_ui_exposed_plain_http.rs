use kubeward_core::{Check, Family, Inventory, InventorySink, RuleStatus, Severity, declare_rule};

use super::findings::{group, targets};
use super::model::{ExposureModel, KINDS};

declare_rule! {
    /// ## What it checks
    ///
    /// Every way from outside the cluster to an admin interface on which
    /// clients speak plain HTTP:
    ///
    /// - an Ingress rule whose host no `spec.tls` entry lists (a `tls`
    ///   entry without hosts covers every host), or one that ingress-nginx
    ///   serves with `ssl-redirect: "false"`, or a GCE Ingress that does
    ///   not set `kubernetes.io/ingress.allow-http: "false"`;
    /// - a Gateway API route attached to an `HTTP` listener;
    /// - a Traefik IngressRoute without `spec.tls`;
    /// - a NodePort or LoadBalancer Service, `externalIPs`, `hostPort` or
    ///   `hostNetwork` that leads straight to a UI port serving plain HTTP
    ///   (Grafana's 3000, Prometheus' 9090, a Dashboard without
    ///   certificates), unless a cloud load balancer terminates TLS on
    ///   that port (`aws-load-balancer-ssl-cert`,
    ///   `do-loadbalancer-certificate-id`).
    ///
    /// TLS terminated by ingress-nginx in front of the controller is
    /// recognised from `force-ssl-redirect: "true"`.
    ///
    /// ## Why it matters
    ///
    /// Over plain HTTP, the passwords, bearer tokens and session cookies
    /// of administrators cross every network between them and the cluster
    /// in clear text, and anyone on the way can read or change what the
    /// UI shows and does. A Dashboard token read off the wire is a
    /// Kubernetes credential.
    ///
    /// ## Failing example
    ///
    /// ```yaml
    /// apiVersion: apps/v1
    /// kind: Deployment
    /// metadata:
    ///   name: argocd-server
    ///   namespace: argocd
    /// spec:
    ///   selector:
    ///     matchLabels: {app.kubernetes.io/name: argocd-server}
    ///   template:
    ///     metadata:
    ///       labels: {app.kubernetes.io/name: argocd-server}
    ///     spec:
    ///       containers:
    ///         - name: argocd-server
    ///           image: quay.io/argoproj/argocd:v2.11.3
    ///           args: [/usr/local/bin/argocd-server, --insecure]
    ///           ports:
    ///             - containerPort: 8080
    /// ---
    /// apiVersion: v1
    /// kind: Service
    /// metadata:
    ///   name: argocd-server
    ///   namespace: argocd
    /// spec:
    ///   selector: {app.kubernetes.io/name: argocd-server}
    ///   ports:
    ///     - port: 80
    ///       targetPort: 8080
    /// ---
    /// apiVersion: networking.k8s.io/v1
    /// kind: Ingress
    /// metadata:
    ///   name: argocd
    ///   namespace: argocd
    ///   annotations:
    ///     nginx.ingress.kubernetes.io/auth-url: https://sso.example.com/oauth2/auth
    /// spec:
    ///   ingressClassName: nginx
    ///   rules:
    ///     - host: argocd.example.com
    ///       http:
    ///         paths:
    ///           - path: /
    ///             pathType: Prefix
    ///             backend:
    ///               service:
    ///                 name: argocd-server
    ///                 port:
    ///                   number: 80
    /// ```
    ///
    /// ## Fixed example
    ///
    /// ```yaml
    /// apiVersion: apps/v1
    /// kind: Deployment
    /// metadata:
    ///   name: argocd-server
    ///   namespace: argocd
    /// spec:
    ///   selector:
    ///     matchLabels: {app.kubernetes.io/name: argocd-server}
    ///   template:
    ///     metadata:
    ///       labels: {app.kubernetes.io/name: argocd-server}
    ///     spec:
    ///       containers:
    ///         - name: argocd-server
    ///           image: quay.io/argoproj/argocd:v2.11.3
    ///           args: [/usr/local/bin/argocd-server, --insecure]
    ///           ports:
    ///             - containerPort: 8080
    /// ---
    /// apiVersion: v1
    /// kind: Service
    /// metadata:
    ///   name: argocd-server
    ///   namespace: argocd
    /// spec:
    ///   selector: {app.kubernetes.io/name: argocd-server}
    ///   ports:
    ///     - port: 80
    ///       targetPort: 8080
    /// ---
    /// apiVersion: networking.k8s.io/v1
    /// kind: Ingress
    /// metadata:
    ///   name: argocd
    ///   namespace: argocd
    ///   annotations:
    ///     nginx.ingress.kubernetes.io/auth-url: https://sso.example.com/oauth2/auth
    /// spec:
    ///   ingressClassName: nginx
    ///   tls:
    ///     - hosts: [argocd.example.com]
    ///       secretName: argocd-tls
    ///   rules:
    ///     - host: argocd.example.com
    ///       http:
    ///         paths:
    ///           - path: /
    ///             pathType: Prefix
    ///             backend:
    ///               service:
    ///                 name: argocd-server
    ///                 port:
    ///                   number: 80
    /// ```
    ///
    /// ## Known limitations
    ///
    /// TLS set outside the manifests (a load balancer in front of the
    /// ingress controller, a Traefik entry point with TLS in its static
    /// configuration, a default certificate) is not seen; an IngressRoute
    /// that uses only the `websecure` entry point is not reported.
    /// Whether a UI serves TLS itself is known from its image and flags
    /// for the UIs in `docs/exposure.md`; for others no finding is made.
    ///
    /// ## References
    ///
    /// - NSA/CISA Kubernetes Hardening Guide, "Network separation and hardening"
    /// - Microsoft Threat Matrix for Kubernetes, "Exposed sensitive interfaces" (initial access)
    pub static RULE = {
        id: "admin-ui-exposed-plain-http",
        family: Family::Exposure,
        severity: Severity::High,
        summary: "Admin UI is reachable from outside over plain HTTP",
        remediation: "Terminate TLS in front of the UI: a spec.tls entry for the Ingress host, an HTTPS listener, or certificates on the UI itself.",
        pss: None,
        recommended: true,
        status: RuleStatus::Stable,
        check: Check::Inventory { kinds: KINDS, check },
    };
}

fn check(inventory: &Inventory, sink: &mut InventorySink<'_>) {
    let model = ExposureModel::build(inventory);
    let plain = model
        .admin_ui_exposures()
        .filter(|(exposure, _)| model.plain_http(exposure).is_some());
    for group in group(&model, plain, |entry| &entry.tls_at) {
        let entry = &model.entries[group.entry];
        let (first, _) = group.items[0];
        let reason = model.plain_http(first).unwrap_or_default();
        let message = format!(
            "{} serves {} over plain HTTP ({reason}), so logins, tokens and session cookies \
             cross the network in clear text. To fix: {}",
            entry.label,
            targets(&model, &group.items),
            entry.advice.tls,
        );
        sink.report(
            entry.object,
            entry.tls_at.pos,
            entry.tls_at.path.clone(),
            message,
        );
    }
}
