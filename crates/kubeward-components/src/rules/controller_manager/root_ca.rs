use kubeward_core::{
    Check, Component, ComponentKind, ComponentSink, Family, RuleStatus, Severity, declare_rule,
};

use crate::READER;

use crate::rules::common;

declare_rule! {
    /// ## What it checks
    ///
    /// Whether kube-controller-manager sets `--root-ca-file`, the CA bundle put
    /// in every namespace's `kube-root-ca.crt` ConfigMap and in ServiceAccount
    /// token Secrets.
    ///
    /// ## Why it matters
    ///
    /// Pods verify the API server's certificate with this bundle. Without it
    /// they cannot, and clients end up configured to skip verification, open to
    /// a machine in the middle.
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
    ///         - --service-account-private-key-file=/etc/kubernetes/pki/sa.key
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
    ///         - --root-ca-file=/etc/kubernetes/pki/ca.crt
    /// ```
    ///
    /// ## Known limitations
    ///
    /// Whether the bundle holds the CA that signed the API server's certificate
    /// is not checked.
    ///
    /// ## References
    ///
    /// - CIS Kubernetes Benchmark v1.12 1.3.5: ensure that the --root-ca-file argument is set as appropriate
    /// - kube-controller-manager command-line reference (<https://kubernetes.io/docs/reference/command-line-tools-reference/kube-controller-manager/>)
    pub static RULE = {
        id: "controller-manager-root-ca",
        family: Family::ControllerManager,
        severity: Severity::Medium,
        summary: "Controller manager does not give pods the cluster CA",
        remediation: "Set --root-ca-file on kube-controller-manager.",
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
        &["root-ca-file"],
        "gives pods no CA to verify the API server with",
        &["/etc/kubernetes/pki/ca.crt"],
    );
}
