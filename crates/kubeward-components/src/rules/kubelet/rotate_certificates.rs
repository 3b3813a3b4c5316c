use kubeward_core::{
    Check, Component, ComponentKind, ComponentSink, Family, RuleStatus, Severity, declare_rule,
};

use crate::READER;

use crate::rules::common;

declare_rule! {
    /// ## What it checks
    ///
    /// The kubelet's effective `rotateCertificates` (or
    /// `--rotate-certificates`, default `false`).
    ///
    /// ## Why it matters
    ///
    /// Without rotation the kubelet keeps one client certificate until it
    /// expires, usually a year, and the node drops out when it does. Long-lived
    /// credentials are worth more to whoever steals them.
    ///
    /// ## Failing example
    ///
    /// ```yaml
    /// apiVersion: kubelet.config.k8s.io/v1beta1
    /// kind: KubeletConfiguration
    /// rotateCertificates: false
    /// ```
    ///
    /// ## Fixed example
    ///
    /// ```yaml
    /// apiVersion: kubelet.config.k8s.io/v1beta1
    /// kind: KubeletConfiguration
    /// rotateCertificates: true
    /// ```
    ///
    /// ## Known limitations
    ///
    /// k3s and RKE2 renew kubelet certificates themselves; the rule still
    /// reports their kubelets when rotation is off.
    ///
    /// ## References
    ///
    /// - CIS Kubernetes Benchmark v1.12 4.2.10: ensure that the --rotate-certificates argument is not set to false
    /// - Kubelet configuration (v1beta1) reference (<https://kubernetes.io/docs/reference/config-api/kubelet-config.v1beta1/>)
    pub static RULE = {
        id: "kubelet-rotate-certificates",
        family: Family::Kubelet,
        severity: Severity::Low,
        summary: "Kubelet does not rotate its client certificate",
        remediation: "Set rotateCertificates: true in the kubelet config (or --rotate-certificates).",
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
    if component.kind != ComponentKind::Kubelet {
        return;
    }
    common::expect_bool(
        component,
        sink,
        "rotate-certificates",
        true,
        "the client certificate is not rotated",
    );
}
