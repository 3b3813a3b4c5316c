use kubeward_core::{Check, Family, PodSpec, RuleStatus, Severity, Sink, declare_rule};

use super::dashboard::DashboardConfig;
use super::pods::for_each_ui;

declare_rule! {
    /// ## What it checks
    ///
    /// Every container that runs the Kubernetes Dashboard with
    /// `--disable-settings-authorizer`.
    ///
    /// ## Why it matters
    ///
    /// The Dashboard keeps its global settings (cluster name shown, items
    /// per page, namespace fallback list, auto-refresh) in a ConfigMap
    /// that it writes with its own service account. Normally only users
    /// who may update that ConfigMap can change them; with the flag,
    /// anyone who reaches the Dashboard can, without logging in, so users
    /// can be shown misleading names and namespaces.
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
    ///             - --auto-generate-certificates
    ///             - --disable-settings-authorizer
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
    /// ```
    ///
    /// ## Known limitations
    ///
    /// The flag is reported whatever the image tag: a release that does
    /// not know it fails to start, so a running Dashboard with the flag
    /// honours it. The v7 images dropped it.
    ///
    /// ## References
    ///
    /// - Kubernetes Dashboard `docs/common/dashboard-arguments.md`: `--disable-settings-authorizer`
    pub static RULE = {
        id: "dashboard-settings-authorizer-disabled",
        family: Family::Exposure,
        severity: Severity::Low,
        summary: "Kubernetes Dashboard lets anyone change its settings",
        remediation: "Remove --disable-settings-authorizer.",
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
        let Some(field) = DashboardConfig::read(ctx).settings_authorizer_disabled else {
            return;
        };
        sink.report(
            field.pos,
            field.path,
            format!(
                "{} runs the Kubernetes Dashboard with --disable-settings-authorizer, so anyone \
                 who reaches it can change its global settings without a login; remove the flag",
                container.describe(),
            ),
        )
        .in_container(container);
    });
}
