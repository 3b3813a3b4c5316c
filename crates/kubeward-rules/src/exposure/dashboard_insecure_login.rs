use kubeward_core::{Check, Family, PodSpec, RuleStatus, Severity, Sink, declare_rule};

use super::dashboard::DashboardConfig;
use super::pods::for_each_ui;

declare_rule! {
    /// ## What it checks
    ///
    /// Every container that runs the Kubernetes Dashboard over plain HTTP
    /// with `--enable-insecure-login`, which shows the login page, and so
    /// takes users' bearer tokens, over that plain HTTP. On a Dashboard
    /// that serves HTTPS the flag has no effect and is not reported.
    ///
    /// ## Why it matters
    ///
    /// Without the flag, a Dashboard served over plain HTTP refuses to
    /// show its login page, so tokens are never typed into an unencrypted
    /// page. With it, every token a user signs in with crosses the
    /// network in clear text and can be replayed against the API server.
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
    ///             - --enable-insecure-login
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
    ///             - --namespace=kubernetes-dashboard
    ///             - --auto-generate-certificates
    ///           ports:
    ///             - containerPort: 8443
    /// ```
    ///
    /// ## Known limitations
    ///
    /// TLS added in front of the pod by a service mesh sidecar is not
    /// seen; suppress the finding with a reason when one encrypts the
    /// traffic.
    ///
    /// ## References
    ///
    /// - Kubernetes Dashboard `docs/common/dashboard-arguments.md`: `--enable-insecure-login`
    /// - NSA/CISA Kubernetes Hardening Guide, "Network separation and hardening"
    pub static RULE = {
        id: "dashboard-insecure-login",
        family: Family::Exposure,
        severity: Severity::Medium,
        summary: "Kubernetes Dashboard takes login tokens over plain HTTP",
        remediation: "Remove --enable-insecure-login and serve the Dashboard over HTTPS with --auto-generate-certificates.",
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
        let (Some(field), Some(plain)) = (config.insecure_login, config.plain_http) else {
            return;
        };
        sink.report(
            field.pos,
            field.path,
            format!(
                "{} runs the Kubernetes Dashboard with --enable-insecure-login over plain HTTP \
                 on port {}, so users' bearer tokens cross the network in clear text; remove the \
                 flag and add --auto-generate-certificates",
                container.describe(),
                plain.port,
            ),
        )
        .in_container(container);
    });
}
