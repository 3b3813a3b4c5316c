use kubeward_core::{
    Check, Component, ComponentKind, ComponentSink, Family, RuleStatus, Severity, declare_rule,
};

use crate::READER;

use crate::rules::common;

declare_rule! {
    /// ## What it checks
    ///
    /// kube-controller-manager's effective `--bind-address` (default
    /// `0.0.0.0`). The rule fires when it is not a loopback address.
    ///
    /// ## Why it matters
    ///
    /// The secure port serves health checks, metrics and, with profiling on,
    /// debug data. Bound to every interface, it is reachable from pods and the
    /// network, an avoidable way in to the component holding the cluster's
    /// strongest credentials.
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
    ///         - --bind-address=0.0.0.0
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
    ///         - --bind-address=127.0.0.1
    /// ```
    ///
    /// ## Known limitations
    ///
    /// Metrics scrapers outside the node stop working when the address is
    /// loopback; scrape through the API server or a local proxy instead. The
    /// CIS benchmark's automated test passes when the flag is absent, but the
    /// default is `0.0.0.0`, so kubeward reports an absent flag too.
    ///
    /// ## References
    ///
    /// - CIS Kubernetes Benchmark v1.12 1.3.7: ensure that the --bind-address argument is set to 127.0.0.1
    /// - kube-controller-manager command-line reference (<https://kubernetes.io/docs/reference/command-line-tools-reference/kube-controller-manager/>)
    /// - NSA/CISA Kubernetes Hardening Guide: "Control plane hardening"
    pub static RULE = {
        id: "controller-manager-bind-address",
        family: Family::ControllerManager,
        severity: Severity::Medium,
        summary: "Controller manager serves its endpoints on every interface",
        remediation: "Set --bind-address=127.0.0.1 on kube-controller-manager.",
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
    let Some(setting) = common::known(component, "bind-address") else {
        return;
    };
    if !common::is_loopback_host(&setting.value()) {
        sink.report(
            &setting.location,
            format!(
                "{}: serves its health, metrics and debug endpoints on every interface: {}; set \
                 `--bind-address=127.0.0.1`",
                component.kind,
                common::stated(component, setting)
            ),
        );
    }
}
