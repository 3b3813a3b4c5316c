use kubeward_core::{
    Check, Component, ComponentKind, ComponentSink, Family, RuleStatus, Severity, declare_rule,
};

use crate::READER;

use crate::rules::common;

declare_rule! {
    /// ## What it checks
    ///
    /// kube-apiserver's effective insecure port: `--insecure-port`, whose
    /// default was 8080 before Kubernetes 1.20 and 0 from 1.20 until its
    /// removal in 1.24, with `--insecure-bind-address` (default `127.0.0.1`).
    ///
    /// ## Why it matters
    ///
    /// The insecure port skips authentication and authorization entirely: every
    /// request is served as a cluster administrator. Bound beyond loopback,
    /// anyone who reaches it owns the cluster; on loopback, any process on the
    /// node does.
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
    ///         - --insecure-port=8080
    ///         - --insecure-bind-address=0.0.0.0
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
    ///         - --insecure-port=0
    /// ```
    ///
    /// ## Known limitations
    ///
    /// The version, and so the default, is read from the image tag; an API
    /// server of unknown version is assumed to be recent, where the port no
    /// longer exists.
    ///
    /// ## References
    ///
    /// - CIS Kubernetes Benchmark v1.6 1.2.19: ensure that the --insecure-port argument is set to 0
    /// - Kubernetes 1.24 release notes: `--insecure-port` removed
    /// - kube-apiserver command-line reference (<https://kubernetes.io/docs/reference/command-line-tools-reference/kube-apiserver/>)
    pub static RULE = {
        id: "api-server-insecure-port",
        family: Family::ApiServer,
        severity: Severity::High,
        summary: "API server serves an unauthenticated HTTP port",
        remediation: "Set --insecure-port=0 (Kubernetes 1.23 and older) or upgrade; the port was removed in 1.24.",
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
    let Some(port) = common::known(component, "insecure-port") else {
        return;
    };
    if port.as_i64().is_some_and(|p| p == 0) {
        return;
    }
    let address = common::known(component, "insecure-bind-address").map_or_else(
        || "127.0.0.1".to_owned(),
        kubeward_core::component::Setting::value,
    );
    let reach = if common::is_loopback_host(&address) {
        "to every process on the node"
    } else {
        "to everyone who can reach the address"
    };
    sink.report(
        &port.location,
        format!(
            "{}: serves the API without authentication or authorization on {address}:{}, \
             {reach}: {}; set `--insecure-port=0`",
            component.kind,
            port.value(),
            common::stated(component, port)
        ),
    );
}
