use kubeward_core::{Check, Family, PodSpec, RuleStatus, Severity, Sink, declare_rule};

use super::dashboard::DashboardConfig;
use super::pods::for_each_ui;

declare_rule! {
    /// ## What it checks
    ///
    /// Every container that runs the Kubernetes Dashboard and serves it
    /// over plain HTTP on a port reachable from outside its pod:
    ///
    /// - releases before v1.7.0 serve only plain HTTP (on `--port`, 9090);
    /// - later v1 and v2 releases serve HTTPS only with
    ///   `--auto-generate-certificates` or with both `--tls-cert-file` and
    ///   `--tls-key-file`, and otherwise plain HTTP on `--insecure-port`
    ///   (9090), unless `--insecure-bind-address` keeps it on loopback.
    ///
    /// The v7 images serve plain HTTP inside the pod by design, behind the
    /// Kong proxy that terminates TLS, and are not reported.
    ///
    /// ## Why it matters
    ///
    /// Whoever can see the traffic (any pod on the path, or anyone on the
    /// network when the Dashboard is published) reads the bearer tokens
    /// users sign in with and the Secrets the Dashboard displays, and can
    /// change its responses. A Dashboard over plain HTTP is usually also
    /// one that skips the login.
    ///
    /// ## Failing example
    ///
    /// ```yaml
    /// apiVersion: apps/v1
    /// kind: Deployment
    /// metadata:
    ///   name: kubernetes-dashboard
    ///   namespace: kubernetes-dashboard
    /// spec:
    ///   selector:
    ///     matchLabels: {k8s-app: kubernetes-dashboard}
    ///   template:
    ///     metadata:
    ///       labels: {k8s-app: kubernetes-dashboard}
    ///     spec:
    ///       containers:
    ///         - name: kubernetes-dashboard
    ///           image: kubernetesui/dashboard:v2.7.0
    ///           args:
    ///             - --namespace=kubernetes-dashboard
    ///           ports:
    ///             - containerPort: 9090
    /// ```
    ///
    /// ## Fixed example
    ///
    /// ```yaml
    /// apiVersion: apps/v1
    /// kind: Deployment
    /// metadata:
    ///   name: kubernetes-dashboard
    ///   namespace: kubernetes-dashboard
    /// spec:
    ///   selector:
    ///     matchLabels: {k8s-app: kubernetes-dashboard}
    ///   template:
    ///     metadata:
    ///       labels: {k8s-app: kubernetes-dashboard}
    ///     spec:
    ///       containers:
    ///         - name: kubernetes-dashboard
    ///           image: kubernetesui/dashboard:v2.7.0
    ///           args:
    ///             - --auto-generate-certificates
    ///             - --namespace=kubernetes-dashboard
    ///           ports:
    ///             - containerPort: 8443
    /// ```
    ///
    /// ## Known limitations
    ///
    /// Without `--insecure-bind-address`, the plain HTTP port is taken as
    /// reachable: the project's own HTTP manifests (v1.7 to v2.7
    /// `alternative.yaml`) publish it through a Service without the flag.
    /// TLS added by a sidecar or service mesh in the pod is not seen.
    ///
    /// ## References
    ///
    /// - Kubernetes Dashboard `docs/common/dashboard-arguments.md`: `--auto-generate-certificates`, `--tls-cert-file`, `--insecure-port`
    /// - NSA/CISA Kubernetes Hardening Guide, "Network separation and hardening"
    pub static RULE = {
        id: "dashboard-plain-http",
        family: Family::Exposure,
        severity: Severity::Medium,
        summary: "Kubernetes Dashboard serves plain HTTP",
        remediation: "Add --auto-generate-certificates (or --tls-cert-file and --tls-key-file) and serve the Dashboard on its HTTPS port, 8443.",
        pss: None,
        recommended: true,
        status: RuleStatus::Stable,
        check: Check::PodSpec(check),
    };
}

fn check(pod: &PodSpec<'_, '_, '_>, sink: &mut Sink<'_>) {
    for_each_ui(pod, |container, ctx, ui| {
        if !ui.is_dashboard() {
            return;
        }
        let config = DashboardConfig::read(ctx);
        let Some(plain) = config.plain_http.clone() else {
            return;
        };
        let login = if config.login.is_open() {
            " and lets users in without a login"
        } else {
            ""
        };
        let fix = if config.is_legacy() {
            "upgrade to v2.7.0 or later and add --auto-generate-certificates"
        } else {
            "add --auto-generate-certificates and serve port 8443"
        };
        sink.report(
            plain.field.pos,
            plain.field.path,
            format!(
                "{} serves the Kubernetes Dashboard over plain HTTP on port {}{login} ({}); {fix}",
                container.describe(),
                plain.port,
                plain.reason,
            ),
        )
        .in_container(container);
    });
}
