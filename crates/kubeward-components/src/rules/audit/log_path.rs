use kubeward_core::{
    Check, Component, ComponentKind, ComponentSink, Family, RuleStatus, Severity, declare_rule,
};

use crate::READER;
use kubeward_core::component::Lookup;

use crate::rules::common;

declare_rule! {
    /// ## What it checks
    ///
    /// Whether kube-apiserver has an audit backend: `--audit-log-path` or
    /// `--audit-webhook-config-file`. An audit policy without a backend is not
    /// used, and the message says so.
    ///
    /// ## Why it matters
    ///
    /// Without an audit log there is no record of who read which Secret, who
    /// created the privileged pod or who changed a RoleBinding. Incidents
    /// cannot be investigated and attacks go unnoticed.
    ///
    /// ## Failing example
    ///
    /// ```yaml
    /// apiVersion: v1
    /// kind: Pod
    /// metadata:
    ///   name: kube-apiserver
    ///   namespace: kube-system
    /// spec:
    ///   containers:
    ///     - name: kube-apiserver
    ///       image: registry.k8s.io/kube-apiserver:v1.32.2
    ///       command:
    ///         - kube-apiserver
    ///         - --audit-policy-file=/etc/kubernetes/audit-policy.yaml
    /// ```
    ///
    /// ## Fixed example
    ///
    /// ```yaml
    /// apiVersion: v1
    /// kind: Pod
    /// metadata:
    ///   name: kube-apiserver
    ///   namespace: kube-system
    /// spec:
    ///   containers:
    ///     - name: kube-apiserver
    ///       image: registry.k8s.io/kube-apiserver:v1.32.2
    ///       command:
    ///         - kube-apiserver
    ///         - --audit-policy-file=/etc/kubernetes/audit-policy.yaml
    ///         - --audit-log-path=/var/log/kubernetes/audit/audit.log
    /// ```
    ///
    /// ## Known limitations
    ///
    /// A log written to standard output (`--audit-log-path=-`) counts as a
    /// backend; where the container runtime keeps it is not checked.
    ///
    /// ## References
    ///
    /// - CIS Kubernetes Benchmark v1.12 1.2.16: ensure that the --audit-log-path argument is set
    /// - Kubernetes auditing (<https://kubernetes.io/docs/tasks/debug/debug-cluster/audit/>)
    /// - NSA/CISA Kubernetes Hardening Guide: "Audit Logging and Threat Detection"
    pub static RULE = {
        id: "audit-log-path",
        family: Family::Audit,
        severity: Severity::Medium,
        summary: "API server writes no audit log",
        remediation: "Set --audit-log-path (or --audit-webhook-config-file) and --audit-policy-file on kube-apiserver.",
        pss: None,
        recommended: true,
        status: RuleStatus::Stable,
        check: Check::Component {
            reader: &READER,
            check,
        },
    };
}

fn check(component: &Component, sink: &mut ComponentSink<'_>) {
    if component.kind != ComponentKind::ApiServer {
        return;
    }
    let has =
        |name: &str| common::known(component, name).is_some_and(|s| !s.value().trim().is_empty());
    if has("audit-log-path") || has("audit-webhook-config-file") {
        return;
    }
    if matches!(component.lookup("audit-log-path"), Lookup::Unknown(_)) {
        return;
    }
    let policy = common::known(component, "audit-policy-file");
    let message = match policy {
        Some(policy) => format!(
            "{}: no audit backend, so the audit policy {} is not used and nothing is logged; \
             set `--audit-log-path` or `--audit-webhook-config-file`",
            component.kind,
            common::written(policy)
        ),
        None => format!(
            "{}: writes no audit log; set `--audit-log-path` and `--audit-policy-file`",
            component.kind
        ),
    };
    let at = policy.map_or(&component.anchor, |p| &p.location);
    sink.report(at, message);
}
