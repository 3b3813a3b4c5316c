use kubeward_core::{
    Check, Component, ComponentKind, ComponentSink, Family, RuleStatus, Severity, declare_rule,
};

use crate::READER;
use kubeward_core::component::Lookup;

use crate::rules::common;

declare_rule! {
    /// ## What it checks
    ///
    /// Whether kube-apiserver sets `--audit-policy-file`. Without a policy the
    /// API server records no audit events, whatever backend is set.
    ///
    /// ## Why it matters
    ///
    /// An audit log path without a policy gives an empty log: the cluster looks
    /// audited and is not. The policy decides what is recorded and how much of
    /// each request.
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
    ///         - --audit-log-path=/var/log/kubernetes/audit/audit.log
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
    ///         - --audit-log-path=/var/log/kubernetes/audit/audit.log
    ///         - --audit-policy-file=/etc/kubernetes/audit-policy.yaml
    /// ```
    ///
    /// ## Known limitations
    ///
    /// The policy's content is checked by `audit-secrets-logged` and
    /// `audit-no-catch-all`, on the file itself when it is among the inputs and on the
    /// node by `kubeward node`.
    ///
    /// ## References
    ///
    /// - CIS Kubernetes Benchmark v1.12 3.2.1: ensure that a minimal audit policy is created
    /// - Kubernetes auditing (<https://kubernetes.io/docs/tasks/debug/debug-cluster/audit/>)
    /// - NSA/CISA Kubernetes Hardening Guide: "Audit Logging and Threat Detection"
    pub static RULE = {
        id: "audit-policy-file",
        family: Family::Audit,
        severity: Severity::Medium,
        summary: "API server has no audit policy",
        remediation: "Set --audit-policy-file on kube-apiserver to a policy that logs at least Metadata for every request.",
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
    if matches!(component.lookup("audit-log-path"), Lookup::Unknown(_)) {
        return;
    }
    let has =
        |name: &str| common::known(component, name).is_some_and(|s| !s.value().trim().is_empty());
    let what = if has("audit-log-path") || has("audit-webhook-config-file") {
        "records no audit events although an audit backend is configured"
    } else {
        "records no audit events"
    };
    common::require_set(
        component,
        sink,
        &["audit-policy-file"],
        what,
        &["/etc/kubernetes/audit-policy.yaml"],
    );
}
