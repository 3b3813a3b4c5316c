use kubeward_core::{
    Check, Component, ComponentKind, ComponentSink, Family, RuleStatus, Severity, declare_rule,
};

use crate::READER;

use crate::build::map_value;
use crate::rules::common;

declare_rule! {
    /// ## What it checks
    ///
    /// Whether the kubelet's feature gates turn
    /// `RotateKubeletServerCertificate` off. The gate is on by default since
    /// Kubernetes 1.12.
    ///
    /// ## Why it matters
    ///
    /// With the gate off, a kubelet that bootstraps its serving certificate
    /// does not renew it, and falls back to a self-signed one when it expires.
    ///
    /// ## Failing example
    ///
    /// ```yaml
    /// apiVersion: kubelet.config.k8s.io/v1beta1
    /// kind: KubeletConfiguration
    /// featureGates:
    ///   RotateKubeletServerCertificate: false
    /// ```
    ///
    /// ## Fixed example
    ///
    /// ```yaml
    /// apiVersion: kubelet.config.k8s.io/v1beta1
    /// kind: KubeletConfiguration
    /// featureGates:
    ///   RotateKubeletServerCertificate: true
    /// ```
    ///
    /// ## Known limitations
    ///
    /// Only the feature gate is read.
    ///
    /// ## References
    ///
    /// - CIS Kubernetes Benchmark v1.12 4.2.11: verify that the RotateKubeletServerCertificate argument is set to true
    /// - Kubelet configuration (v1beta1) reference (<https://kubernetes.io/docs/reference/config-api/kubelet-config.v1beta1/>)
    pub static RULE = {
        id: "kubelet-server-cert-rotation",
        family: Family::Kubelet,
        severity: Severity::Low,
        summary: "Kubelet disables serving certificate rotation",
        remediation: "Remove RotateKubeletServerCertificate: false from the kubelet's feature gates.",
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
    let Some(gates) = common::known(component, "feature-gates") else {
        return;
    };
    let off = map_value(gates, "RotateKubeletServerCertificate")
        .and_then(kubeward_core::component::parse_go_bool)
        == Some(false);
    if off {
        sink.report(
            &gates.location,
            format!(
                "{}: {}; remove `RotateKubeletServerCertificate=false` from the feature gates",
                component.kind, WHAT
            ),
        );
    }
}

const WHAT: &str = "the serving certificate is not rotated";
