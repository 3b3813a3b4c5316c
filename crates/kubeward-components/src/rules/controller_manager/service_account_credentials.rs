use kubeward_core::{
    Check, Component, ComponentKind, ComponentSink, Family, RuleStatus, Severity, declare_rule,
};

use crate::READER;

use crate::rules::common;

declare_rule! {
    /// ## What it checks
    ///
    /// kube-controller-manager's effective `--use-service-account-credentials`
    /// (default `false`).
    ///
    /// ## Why it matters
    ///
    /// With shared credentials every controller acts with the union of all
    /// controllers' rights, which is close to cluster administrator. With a
    /// ServiceAccount per controller, each gets only the role it needs, and
    /// audit logs say which controller did what.
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
    ///         - --use-service-account-credentials=false
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
    ///         - --use-service-account-credentials=true
    /// ```
    ///
    /// ## Known limitations
    ///
    /// The per-controller roles must exist; Kubernetes creates them as
    /// `system:controller:*` ClusterRoles.
    ///
    /// ## References
    ///
    /// - CIS Kubernetes Benchmark v1.12 1.3.3: ensure that the --use-service-account-credentials argument is set to true
    /// - kube-controller-manager command-line reference (<https://kubernetes.io/docs/reference/command-line-tools-reference/kube-controller-manager/>)
    pub static RULE = {
        id: "controller-manager-service-account-credentials",
        family: Family::ControllerManager,
        severity: Severity::Medium,
        summary: "Controllers share the controller manager's own credentials",
        remediation: "Set --use-service-account-credentials=true on kube-controller-manager.",
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
    common::expect_bool(
        component,
        sink,
        "use-service-account-credentials",
        true,
        "every controller runs with the shared credentials",
    );
}
