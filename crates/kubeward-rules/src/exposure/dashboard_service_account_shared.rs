use kubeward_core::{Check, Family, Inventory, InventorySink, RuleStatus, Severity, declare_rule};

use super::catalog::ContainerCtx;
use super::model::ExposureModel;
use super::workloads::Workload;

/// The service account name the Dashboard's own manifests create.
const DASHBOARD_ACCOUNT: &str = "kubernetes-dashboard";

/// Images of the Dashboard's helpers, which run as its service account in
/// the project's own manifests.
const HELPER_IMAGES: &[&str] = &[
    "kubernetesui/metrics-scraper",
    "dashboard-metrics-sidecar",
    "kubernetes-dashboard-init-amd64",
];

declare_rule! {
    /// ## What it checks
    ///
    /// Every workload that does not run the Kubernetes Dashboard (or one
    /// of its helpers, the metrics scraper and the v1.7 init container)
    /// but runs as the Dashboard's service account: the account of a
    /// Dashboard workload in the same namespace, or any account named
    /// `kubernetes-dashboard`, the name the Dashboard's manifests give
    /// it. An account named `default` is the `rbac` family's concern.
    ///
    /// ## Why it matters
    ///
    /// The Dashboard's service account holds what the Dashboard needs to
    /// run (its Secrets and settings), and in many installs far more,
    /// up to `cluster-admin`. Another workload that mounts its token gets
    /// all of it, and anyone who compromises that workload does too.
    ///
    /// ## Failing example
    ///
    /// ```yaml
    /// apiVersion: batch/v1
    /// kind: CronJob
    /// metadata:
    ///   name: report
    ///   namespace: kubernetes-dashboard
    /// spec:
    ///   schedule: "0 * * * *"
    ///   jobTemplate:
    ///     spec:
    ///       template:
    ///         spec:
    ///           serviceAccountName: kubernetes-dashboard
    ///           restartPolicy: OnFailure
    ///           containers:
    ///             - name: report
    ///               image: registry.example.com/report:1.0.0
    /// ```
    ///
    /// ## Fixed example
    ///
    /// ```yaml
    /// apiVersion: batch/v1
    /// kind: CronJob
    /// metadata:
    ///   name: report
    ///   namespace: kubernetes-dashboard
    /// spec:
    ///   schedule: "0 * * * *"
    ///   jobTemplate:
    ///     spec:
    ///       template:
    ///         spec:
    ///           serviceAccountName: report
    ///           restartPolicy: OnFailure
    ///           containers:
    ///             - name: report
    ///               image: registry.example.com/report:1.0.0
    /// ```
    ///
    /// ## Known limitations
    ///
    /// An unrelated account that happens to be named
    /// `kubernetes-dashboard` is reported too. What the account may do is
    /// not judged here: the `rbac` family reports its permissions.
    ///
    /// ## References
    ///
    /// - kubescape C-0014 "Access Kubernetes dashboard" (rule `rule-access-dashboard-wl-v1`)
    pub static RULE = {
        id: "dashboard-service-account-shared",
        family: Family::Exposure,
        severity: Severity::Medium,
        summary: "Workload runs as the Kubernetes Dashboard's service account",
        remediation: "Give the workload its own service account with only the permissions it needs.",
        pss: None,
        recommended: true,
        status: RuleStatus::Stable,
        check: Check::Inventory { kinds: KINDS, check },
    };
}

const KINDS: &[&str] = &[
    "Pod",
    "PodTemplate",
    "ReplicationController",
    "Deployment",
    "ReplicaSet",
    "StatefulSet",
    "DaemonSet",
    "Job",
    "CronJob",
];

fn check(inventory: &Inventory, sink: &mut InventorySink<'_>) {
    let model = ExposureModel::build(inventory);
    let dashboards: Vec<&Workload<'_>> = model
        .workloads
        .iter()
        .filter(|w| w.uis().any(|(_, ui)| ui.ui.is_dashboard()))
        .collect();
    for workload in &model.workloads {
        if workload.uis().any(|(_, ui)| ui.ui.is_dashboard()) || is_helper(workload) {
            continue;
        }
        let account = workload.service_account.as_str();
        if account == "default" {
            continue;
        }
        let owner = dashboards
            .iter()
            .find(|d| d.namespace == workload.namespace && d.service_account == account);
        if owner.is_none() && account != DASHBOARD_ACCOUNT {
            continue;
        }
        let Some(field) = &workload.service_account_field else {
            continue;
        };
        let whose = owner.map_or_else(
            || "the name the Kubernetes Dashboard's manifests give its account".to_owned(),
            |d| {
                format!(
                    "the account of the Kubernetes Dashboard in {}",
                    d.describe()
                )
            },
        );
        sink.report(
            workload.object,
            field.pos,
            field.path.clone(),
            format!(
                "{} runs as service account \"{account}\", {whose}, so it holds the \
                 Dashboard's permissions; give it its own service account",
                workload.describe()
            ),
        );
    }
}

/// Whether every container of the workload is a Dashboard helper.
fn is_helper(workload: &Workload<'_>) -> bool {
    let images: Vec<String> = workload
        .object
        .with_object(|view| {
            kubeward_core::PodSpec::of(view).map(|pod| {
                pod.containers()
                    .iter()
                    .map(|c| {
                        let ctx = ContainerCtx::new(c.node, c.path(""), c.name());
                        ctx.repository
                    })
                    .collect()
            })
        })
        .unwrap_or_default();
    !images.is_empty()
        && images.iter().all(|repository| {
            HELPER_IMAGES.iter().any(|helper| {
                repository == helper
                    || repository.ends_with(&format!("/{helper}"))
                    || repository.rsplit('/').next() == Some(helper)
            })
        })
}
