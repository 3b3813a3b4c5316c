use kubeward_core::{Check, Component, ComponentSink, Family, RuleStatus, Severity, declare_rule};

use crate::READER;

use crate::rules::common;

declare_rule! {
    /// ## What it checks
    ///
    /// Whether kube-apiserver's effective authorization modes include Node, the
    /// authorizer that limits each kubelet to the objects of its own node. The
    /// modes come from `--authorization-mode` (default `AlwaysAllow`), or from
    /// the `--authorization-config` file when `kubeward node` could read it.
    ///
    /// ## Why it matters
    ///
    /// Without the Node authorizer, kubelets need broad RBAC rights to read the
    /// Secrets, ConfigMaps and volumes of their pods, usually every Secret of
    /// the cluster. A single compromised node then reads all of them; with Node
    /// (and NodeRestriction), it reads only what its own pods use.
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
    ///         - --authorization-mode=RBAC
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
    /// - CIS Kubernetes Benchmark v1.12 1.2.7: ensure that the --authorization-mode argument includes Node
    /// - Kubernetes authorization modes (<https://kubernetes.io/docs/reference/access-authn-authz/authorization/>)
    /// - NSA/CISA Kubernetes Hardening Guide: "Authentication and authorization"
    pub static RULE = {
        id: "api-server-authorization-node",
        family: Family::ApiServer,
        severity: Severity::Medium,
        summary: "API server does not use the Node authorizer",
        remediation: "Add Node to --authorization-mode.",
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
    common::require_authorizer(component, sink, "Node");
}
