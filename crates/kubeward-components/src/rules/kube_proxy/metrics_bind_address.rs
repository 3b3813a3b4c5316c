use kubeward_core::{
    Check, Component, ComponentKind, ComponentSink, Family, RuleStatus, Severity, declare_rule,
};

use crate::READER;

use crate::rules::common;

declare_rule! {
    /// ## What it checks
    ///
    /// kube-proxy's effective metrics address: `--metrics-bind-address` over
    /// `metricsBindAddress` of its `--config` file, default `127.0.0.1:10249`.
    /// The rule fires when the host is not loopback.
    ///
    /// ## Why it matters
    ///
    /// The metrics endpoint has no authentication. Bound beyond loopback it
    /// tells anyone on the network the node's Services and endpoints, and its
    /// debug handlers add load on demand.
    ///
    /// ## Failing example
    ///
    /// ```yaml
    /// apiVersion: kubeproxy.config.k8s.io/v1alpha1
    /// kind: KubeProxyConfiguration
    /// metricsBindAddress: 0.0.0.0:10249
    /// ```
    ///
    /// ## Fixed example
    ///
    /// ```yaml
    /// apiVersion: kubeproxy.config.k8s.io/v1alpha1
    /// kind: KubeProxyConfiguration
    /// metricsBindAddress: 127.0.0.1:10249
    /// ```
    ///
    /// ## Known limitations
    ///
    /// Prometheus setups that scrape kube-proxy from other nodes need another
    /// route, such as a sidecar proxy.
    ///
    /// ## References
    ///
    /// - CIS Kubernetes Benchmark v1.12 4.3.1: ensure that the kube-proxy metrics service is bound to localhost
    /// - kube-proxy configuration (v1alpha1) reference (<https://kubernetes.io/docs/reference/config-api/kube-proxy-config.v1alpha1/>)
    pub static RULE = {
        id: "kube-proxy-metrics-bind-address",
        family: Family::KubeProxy,
        severity: Severity::Medium,
        summary: "kube-proxy serves metrics on every interface",
        remediation: "Set metricsBindAddress: 127.0.0.1:10249 in the kube-proxy config (or --metrics-bind-address).",
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
    if component.kind != ComponentKind::KubeProxy {
        return;
    }
    let Some(setting) = common::known(component, "metrics-bind-address") else {
        return;
    };
    if !common::is_loopback_host(&setting.value()) {
        sink.report(
            &setting.location,
            format!(
                "{}: serves unauthenticated metrics on every interface: {}; set {}",
                component.kind,
                common::stated(component, setting),
                common::fix(component, "metrics-bind-address", "127.0.0.1:10249")
            ),
        );
    }
}
