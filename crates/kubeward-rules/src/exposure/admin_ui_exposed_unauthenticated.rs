use kubeward_core::{Check, Family, Inventory, InventorySink, RuleStatus, Severity, declare_rule};

use super::model::KINDS;

declare_rule! {
    /// ## What it checks
    ///
    /// Every way from outside the cluster to an admin interface that lets
    /// users in without any login, with nothing in front that
    /// authenticates them. The ways in and what counts as authentication
    /// in front are those of `admin-ui-exposed`. A UI lets users in
    /// without a login when:
    ///
    /// - it has none: Prometheus and Alertmanager without
    ///   `--web.config.file`, Weave Scope, Jaeger, the Hubble UI, the
    ///   Longhorn UI, the Ray dashboard, Zeppelin, MLflow without
    ///   `--app-name basic-auth`, Ollama, vLLM without `--api-key`, the
    ///   RethinkDB web UI, and the Kubernetes Dashboard before v1.7.0;
    /// - a setting turns its login off: Dashboard `--enable-skip-login`
    ///   (and every Dashboard from v1.7.0 to v1.10.0, whose Skip button
    ///   cannot be turned off), Grafana anonymous access with the Editor or
    ///   Admin role, Argo CD `--disable-auth`, Argo Workflows
    ///   `--auth-mode=server` (the default before v3.0), Jupyter with an
    ///   empty token.
    ///
    /// ## Why it matters
    ///
    /// Whoever reaches such a UI acts with its rights: the Dashboard's
    /// service account (often cluster-admin in old installs), the Argo
    /// server's account, Weave Scope's shell into any container, the Ray
    /// dashboard's job submission. Exposed Dashboards with no login are
    /// how Tesla's cluster was taken over for cryptocurrency mining in
    /// 2018, and exposed Ray dashboards were mass-exploited in 2024.
    ///
    /// ## Failing example
    ///
    /// ```yaml
    /// apiVersion: apps/v1
    /// kind: Deployment
    /// metadata:
    ///   name: prometheus
    ///   namespace: monitoring
    /// spec:
    ///   selector:
    ///     matchLabels: {app: prometheus}
    ///   template:
    ///     metadata:
    ///       labels: {app: prometheus}
    ///     spec:
    ///       containers:
    ///         - name: prometheus
    ///           image: prom/prometheus:v2.53.0
    ///           args: ["--config.file=/etc/prometheus/prometheus.yml"]
    ///           ports:
    ///             - containerPort: 9090
    /// ---
    /// apiVersion: v1
    /// kind: Service
    /// metadata:
    ///   name: prometheus
    ///   namespace: monitoring
    /// spec:
    ///   type: LoadBalancer
    ///   selector: {app: prometheus}
    ///   ports:
    ///     - port: 80
    ///       targetPort: 9090
    /// ```
    ///
    /// ## Fixed example
    ///
    /// ```yaml
    /// apiVersion: apps/v1
    /// kind: Deployment
    /// metadata:
    ///   name: prometheus
    ///   namespace: monitoring
    /// spec:
    ///   selector:
    ///     matchLabels: {app: prometheus}
    ///   template:
    ///     metadata:
    ///       labels: {app: prometheus}
    ///     spec:
    ///       containers:
    ///         - name: prometheus
    ///           image: prom/prometheus:v2.53.0
    ///           args: ["--config.file=/etc/prometheus/prometheus.yml"]
    ///           ports:
    ///             - containerPort: 9090
    /// ---
    /// apiVersion: v1
    /// kind: Service
    /// metadata:
    ///   name: prometheus
    ///   namespace: monitoring
    /// spec:
    ///   selector: {app: prometheus}
    ///   ports:
    ///     - port: 80
    ///       targetPort: 9090
    /// ```
    ///
    /// ## Known limitations
    ///
    /// Those of `admin-ui-exposed`. Logins configured in files or
    /// ConfigMaps (Prometheus `--web.config.file`, Zeppelin's Shiro, Argo
    /// CD's `argocd-cm`) are not read; a UI whose login kubeward cannot
    /// see is reported by `admin-ui-exposed` instead.
    ///
    /// ## References
    ///
    /// - NSA/CISA Kubernetes Hardening Guide, "Network separation and hardening"
    /// - Microsoft Threat Matrix for Kubernetes, "Exposed sensitive interfaces" (initial access)
    /// - CVE-2018-18264 (Dashboard Skip login); kubescape C-0021 "Exposed sensitive interfaces"
    pub static RULE = {
        id: "admin-ui-exposed-unauthenticated",
        family: Family::Exposure,
        severity: Severity::Critical,
        summary: "Admin UI without a login is reachable from outside",
        remediation: "Stop publishing the UI outside the cluster, or put an authenticating proxy in front of it and turn its own login on.",
        pss: None,
        recommended: true,
        status: RuleStatus::Stable,
        check: Check::Inventory { kinds: KINDS, check },
    };
}

fn check(inventory: &Inventory, sink: &mut InventorySink<'_>) {
    super::admin_ui_exposed::report(inventory, sink, true);
}
