use kubeward_core::{
    Check, Component, ComponentKind, ComponentSink, Family, RuleStatus, Severity, declare_rule,
};

use crate::READER;

use crate::rules::common;

declare_rule! {
    /// ## What it checks
    ///
    /// kube-apiserver's effective `--anonymous-auth`. The flag defaults to
    /// `true`, so an API server that does not set it accepts requests without
    /// credentials as the user `system:anonymous` in the group
    /// `system:unauthenticated`.
    ///
    /// ## Why it matters
    ///
    /// Every anonymous request reaches authorization. A binding or webhook that
    /// grants `system:anonymous` or `system:unauthenticated` anything, by
    /// mistake or by an old default, then opens the cluster to anyone who can
    /// reach the API server's port. With anonymous requests rejected, a request
    /// without credentials gets 401 before any policy is consulted.
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
    ///         - --anonymous-auth=true
    ///         - --authorization-mode=Node,RBAC
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
    ///         - --anonymous-auth=false
    ///         - --authorization-mode=Node,RBAC
    /// ```
    ///
    /// ## Known limitations
    ///
    /// Load balancers and probes that call `/healthz`, `/livez` or `/readyz`
    /// without credentials stop working when anonymous requests are rejected;
    /// give them credentials first. An `AuthenticationConfiguration` with an
    /// `anonymous` section (Kubernetes 1.32 and later) is not read.
    /// `api-server-anonymous-bindings` reports the dangerous combination of
    /// anonymous requests and bindings that grant them rights.
    ///
    /// ## References
    ///
    /// - CIS Kubernetes Benchmark v1.12 1.2.1: ensure that the --anonymous-auth argument is set to false
    /// - kube-apiserver command-line reference (<https://kubernetes.io/docs/reference/command-line-tools-reference/kube-apiserver/>)
    /// - NSA/CISA Kubernetes Hardening Guide: "Authentication and authorization"
    pub static RULE = {
        id: "api-server-anonymous-auth",
        family: Family::ApiServer,
        severity: Severity::Medium,
        summary: "API server accepts anonymous requests",
        remediation: "Set --anonymous-auth=false on kube-apiserver.",
        pss: None,
        recommended: false,
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
    common::expect_bool(
        component,
        sink,
        "anonymous-auth",
        false,
        "anonymous requests are allowed",
    );
}
