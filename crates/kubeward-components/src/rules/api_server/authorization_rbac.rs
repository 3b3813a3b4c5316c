use kubeward_core::{Check, Component, ComponentSink, Family, RuleStatus, Severity, declare_rule};

use crate::READER;

use crate::rules::common;

declare_rule! {
    /// ## What it checks
    ///
    /// Whether kube-apiserver's effective authorization modes include RBAC, the
    /// role-based authorizer Roles and bindings take effect through. The modes
    /// come from `--authorization-mode` (default `AlwaysAllow`), or from the
    /// `--authorization-config` file when `kubeward node` could read it.
    ///
    /// ## Why it matters
    ///
    /// Without RBAC, Roles, ClusterRoles and their bindings have no effect:
    /// access is decided by the other modes alone, such as ABAC files on the
    /// control-plane nodes or AlwaysAllow. The permissions kubectl shows are
    /// then not the ones in force.
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
    ///         - --authorization-mode=Node,AlwaysAllow
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
    ///         - --authorization-mode=Node,RBAC
    /// ```
    ///
    /// ## Known limitations
    ///
    /// An `--authorization-config` file is read only by `kubeward node`; in a
    /// scan its authorizers are unknown and the rule stays silent.
    ///
    /// ## References
    ///
    /// - CIS Kubernetes Benchmark v1.12 1.2.8: ensure that the --authorization-mode argument includes RBAC
    /// - Kubernetes authorization modes (<https://kubernetes.io/docs/reference/access-authn-authz/authorization/>)
    /// - NSA/CISA Kubernetes Hardening Guide: "Authentication and authorization"
    pub static RULE = {
        id: "api-server-authorization-rbac",
        family: Family::ApiServer,
        severity: Severity::High,
        summary: "API server does not use RBAC",
        remediation: "Add RBAC to --authorization-mode.",
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
    common::require_authorizer(component, sink, "RBAC");
}
