use kubeward_core::{
    Check, Component, ComponentKind, ComponentSink, Family, RuleStatus, Severity, declare_rule,
};

use crate::READER;

use crate::rules::common;

declare_rule! {
    /// ## What it checks
    ///
    /// Whether kube-controller-manager sets
    /// `--service-account-private-key-file`, the key it signs legacy ServiceAccount token Secrets with.
    ///
    /// ## Why it matters
    ///
    /// Without it the token controller cannot sign tokens, and clusters work
    /// around that by sharing other keys or disabling token checks. A dedicated
    /// key can be rotated on its own.
    ///
    /// ## Failing example
    ///
    /// ```yaml
    /// apiVersion: v1
    /// kind: Pod
    /// metadata:
    ///   name: kube-controller-manager
    ///   namespace: kube-system
    /// spec:
    ///   containers:
    ///     - name: kube-controller-manager
    ///       image: registry.k8s.io/kube-controller-manager:v1.32.2
    ///       command:
    ///         - kube-controller-manager
    ///         - --root-ca-file=/etc/kubernetes/pki/ca.crt
    /// ```
    ///
    /// ## Fixed example
    ///
    /// ```yaml
    /// apiVersion: v1
    /// kind: Pod
    /// metadata:
    ///   name: kube-controller-manager
    ///   namespace: kube-system
    /// spec:
    ///   containers:
    ///     - name: kube-controller-manager
    ///       image: registry.k8s.io/kube-controller-manager:v1.32.2
    ///       command:
    ///         - kube-controller-manager
    ///         - --service-account-private-key-file=/etc/kubernetes/pki/sa.key
    /// ```
    ///
    /// ## Known limitations
    ///
    /// Whether the key matches the API server's verification keys is not
    /// checked.
    ///
    /// ## References
    ///
    /// - CIS Kubernetes Benchmark v1.12 1.3.4: ensure that the --service-account-private-key-file argument is set as appropriate
    /// - kube-controller-manager command-line reference (<https://kubernetes.io/docs/reference/command-line-tools-reference/kube-controller-manager/>)
    pub static RULE = {
        id: "controller-manager-service-account-key",
        family: Family::ControllerManager,
        severity: Severity::Medium,
        summary: "Controller manager has no ServiceAccount token signing key",
        remediation: "Set --service-account-private-key-file on kube-controller-manager.",
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
    if component.kind != ComponentKind::ControllerManager {
        return;
    }
    common::require_set(
        component,
        sink,
        &["service-account-private-key-file"],
        "cannot sign ServiceAccount tokens with a dedicated key",
        &["/etc/kubernetes/pki/sa.key"],
    );
}
