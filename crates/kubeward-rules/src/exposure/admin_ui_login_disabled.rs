use kubeward_core::{Check, Family, PodSpec, RuleStatus, Severity, Sink, declare_rule};

use super::catalog::Login;
use super::pods::for_each_ui;

declare_rule! {
    /// ## What it checks
    ///
    /// Every container that runs an admin interface whose own login a
    /// setting turns off:
    ///
    /// | UI | setting |
    /// |---|---|
    /// | Grafana | `GF_AUTH_ANONYMOUS_ENABLED=true` with `GF_AUTH_ANONYMOUS_ORG_ROLE` `Editor` or `Admin` |
    /// | Argo CD | `argocd-server --disable-auth` |
    /// | Argo Workflows | `argo server --auth-mode=server`, and no `--auth-mode` before v3.0, whose default it was |
    /// | Jupyter | an empty `--ServerApp.token`, `--NotebookApp.token` or `--IdentityProvider.token` |
    ///
    /// The Kubernetes Dashboard's Skip button is the `dashboard-no-login`
    /// rule's. Grafana anonymous access with the default Viewer role is
    /// not reported.
    ///
    /// ## Why it matters
    ///
    /// The setting hands the UI's powers to every client that reaches it,
    /// inside the cluster as well as outside: any compromised pod can edit
    /// Grafana data sources (and read their credentials), sync Argo CD
    /// applications, or submit workflows with the Argo server's service
    /// account.
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
    ///           env:
    ///             - name: GF_AUTH_ANONYMOUS_ENABLED
    ///               value: "true"
    ///             - name: GF_AUTH_ANONYMOUS_ORG_ROLE
    ///               value: Admin
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
    ///           env:
    ///             - name: GF_AUTH_ANONYMOUS_ENABLED
    ///               value: "false"
    /// ```
    ///
    /// ## Known limitations
    ///
    /// Settings in configuration files and ConfigMaps (`grafana.ini`,
    /// `argocd-cm`, `argocd-cmd-params-cm`, Kiali's `auth.strategy`) are
    /// not read, nor are values taken from `valueFrom`.
    ///
    /// ## References
    ///
    /// - Argo Workflows documentation, "Argo Server Auth Mode": `server` mode uses the server's service account
    /// - Grafana configuration, section `[auth.anonymous]`
    pub static RULE = {
        id: "admin-ui-login-disabled",
        family: Family::Exposure,
        severity: Severity::High,
        summary: "Admin UI has its login turned off",
        remediation: "Remove the setting that turns the login off, and give users their own accounts or single sign-on.",
        pss: None,
        recommended: true,
        status: RuleStatus::Stable,
        check: Check::PodSpec(check),
    };
}

fn check(pod: &PodSpec<'_, '_, '_>, sink: &mut Sink<'_>) {
    for_each_ui(pod, |container, ctx, ui| {
        if ui.is_dashboard() {
            return;
        }
        let Login::Disabled { reason, field } = ui.settings(ctx).login else {
            return;
        };
        sink.report(
            field.pos,
            field.path,
            format!(
                "{} runs {}, and {reason}; remove the setting and let users sign in",
                container.describe(),
                ui.name,
            ),
        )
        .in_container(container);
    });
}
