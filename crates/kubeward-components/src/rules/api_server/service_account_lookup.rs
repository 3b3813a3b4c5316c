use kubeward_core::{
    Check, Component, ComponentKind, ComponentSink, Family, RuleStatus, Severity, declare_rule,
};

use crate::READER;

use crate::rules::common;

declare_rule! {
    /// ## What it checks
    ///
    /// kube-apiserver's effective `--service-account-lookup` (default `true`).
    /// The rule fires when it is turned off.
    ///
    /// ## Why it matters
    ///
    /// Without the lookup, the API server checks only a ServiceAccount token's
    /// signature, so tokens of deleted ServiceAccounts and of deleted token
    /// Secrets stay valid until they expire, and legacy Secret tokens never
    /// expire.
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
    ///         - --service-account-lookup=false
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
    ///         - --service-account-lookup=true
    /// ```
    ///
    /// ## Known limitations
    ///
    /// Bound tokens are also checked against their pod at use; the lookup
    /// matters most for legacy Secret-based tokens.
    ///
    /// ## References
    ///
    /// - CIS Kubernetes Benchmark v1.12 1.2.21: ensure that the --service-account-lookup argument is set to true
    /// - kube-apiserver command-line reference (<https://kubernetes.io/docs/reference/command-line-tools-reference/kube-apiserver/>)
    pub static RULE = {
        id: "api-server-service-account-lookup",
        family: Family::ApiServer,
        severity: Severity::Medium,
        summary: "API server accepts tokens of deleted ServiceAccounts",
        remediation: "Set --service-account-lookup=true on kube-apiserver.",
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
    common::expect_bool(
        component,
        sink,
        "service-account-lookup",
        true,
        "tokens of deleted ServiceAccounts stay valid",
    );
}
