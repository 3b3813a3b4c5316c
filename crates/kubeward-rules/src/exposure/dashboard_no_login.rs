use kubeward_core::{Check, Family, PodSpec, RuleStatus, Severity, Sink, declare_rule};

use super::catalog::Login;
use super::dashboard::DashboardConfig;
use super::pods::for_each_ui;

declare_rule! {
    /// ## What it checks
    ///
    /// Every container that runs the Kubernetes Dashboard (recognised by
    /// image, or by a `kubernetes-dashboard` label and its port) and lets
    /// users in without a login:
    ///
    /// - releases before v1.7.0 have no login at all;
    /// - releases from v1.7.0 to v1.10.0 offer a Skip button on the login
    ///   page that cannot be turned off (CVE-2018-18264);
    /// - later v1 and v2 releases show Skip when `--enable-skip-login` is
    ///   set.
    ///
    /// The release is read from the image tag; a tag that names no release
    /// (`latest`, `head`) is read as v2. The v7 images
    /// (`dashboard-web`, `dashboard-api`, `dashboard-auth`) have no Skip.
    ///
    /// ## Why it matters
    ///
    /// A request that skips the login acts with the Dashboard's own
    /// service account. Every pod in the cluster, and anyone who reaches
    /// the Dashboard from outside, gets its rights without a credential:
    /// in the v1.6 manifests that account is bound to `cluster-admin`.
    /// What the account may do is reported by the `rbac` family.
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
    ///       serviceAccountName: kubernetes-dashboard
    ///       containers:
    ///         - name: kubernetes-dashboard
    ///           image: kubernetesui/dashboard:v2.7.0
    ///           args:
    ///             - --auto-generate-certificates
    ///             - --enable-skip-login
    ///           ports:
    ///             - containerPort: 8443
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
    ///       serviceAccountName: kubernetes-dashboard
    ///       containers:
    ///         - name: kubernetes-dashboard
    ///           image: kubernetesui/dashboard:v2.7.0
    ///           args:
    ///             - --auto-generate-certificates
    ///           ports:
    ///             - containerPort: 8443
    /// ```
    ///
    /// ## Known limitations
    ///
    /// Flags set inside a shell command (`sh -c "..."`) are not read. A
    /// rebuilt image whose tag does not follow the Dashboard's releases is
    /// read as v2.
    ///
    /// ## References
    ///
    /// - CVE-2018-18264: Dashboard before v1.10.1 lets users skip the login and use its service account
    /// - Kubernetes Dashboard `docs/common/dashboard-arguments.md`: `--enable-skip-login`
    /// - kubescape C-0014 "Access Kubernetes dashboard"
    pub static RULE = {
        id: "dashboard-no-login",
        family: Family::Exposure,
        severity: Severity::High,
        summary: "Kubernetes Dashboard lets users in without a login",
        remediation: "Run Dashboard v2.7.0 or later without --enable-skip-login, so every user signs in with their own token.",
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
        let (reason, field) = match config.login {
            Login::None(reason) => (reason, ctx.image_field.clone()),
            Login::Disabled { reason, field } => (reason, field),
            Login::Required(_) | Login::Unknown(_) => return,
        };
        sink.report(
            field.pos,
            field.path,
            format!(
                "{} runs the Kubernetes Dashboard, and {reason}; run v2.7.0 or later without \
                 --enable-skip-login",
                container.describe()
            ),
        )
        .in_container(container);
    });
}
