use kubeward_core::{
    Check, Component, ComponentKind, ComponentSink, Family, RuleStatus, Severity, declare_rule,
};

use crate::READER;

use crate::rules::common;

declare_rule! {
    /// ## What it checks
    ///
    /// kube-apiserver's effective `--service-account-extend-token-expiration`
    /// (default `true` since Kubernetes 1.19, when the flag appeared).
    ///
    /// ## Why it matters
    ///
    /// With the extension, projected tokens that kubelets request for an hour
    /// are issued for a year, to ease migration from legacy tokens. A token
    /// stolen from a pod then stays valid for a year instead of an hour.
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
    ///         - --service-account-extend-token-expiration=true
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
    ///         - --service-account-extend-token-expiration=false
    /// ```
    ///
    /// ## Known limitations
    ///
    /// Workloads with old client libraries that do not reload tokens fail after
    /// an hour once the extension is off; the API server's
    /// `stale-service-account-tokens` metric shows whether any remain.
    ///
    /// ## References
    ///
    /// - CIS Kubernetes Benchmark v1.12 1.2.30: ensure that the --service-account-extend-token-expiration parameter is set to false
    /// - kube-apiserver command-line reference (<https://kubernetes.io/docs/reference/command-line-tools-reference/kube-apiserver/>)
    pub static RULE = {
        id: "api-server-extend-token-expiration",
        family: Family::ApiServer,
        severity: Severity::Low,
        summary: "API server extends the lifetime of ServiceAccount tokens",
        remediation: "Set --service-account-extend-token-expiration=false on kube-apiserver.",
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
    if component
        .version
        .is_some_and(|v| v.major == 1 && v.minor < 19)
    {
        return;
    }
    common::expect_bool(
        component,
        sink,
        "service-account-extend-token-expiration",
        false,
        "projected ServiceAccount tokens are valid for a year",
    );
}
