use kubeward_core::{
    Check, Component, ComponentKind, ComponentSink, Family, RuleStatus, Severity, declare_rule,
};

use crate::READER;

use crate::build::map_value;
use crate::rules::common;

declare_rule! {
    /// ## What it checks
    ///
    /// Whether kube-controller-manager's `--feature-gates` turn
    /// `RotateKubeletServerCertificate` off. The gate is on by default since
    /// Kubernetes 1.12.
    ///
    /// ## Why it matters
    ///
    /// With the gate off, kubelet serving certificates are not renewed through
    /// CertificateSigningRequests, so they are long-lived or self-signed, and
    /// the API server cannot verify the kubelets it sends exec and log traffic
    /// to.
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
    ///         - --feature-gates=RotateKubeletServerCertificate=false
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
    ///         - --feature-gates=RotateKubeletServerCertificate=true
    /// ```
    ///
    /// ## Known limitations
    ///
    /// Only the feature gate is read; whether kubelets request serving
    /// certificates (`serverTLSBootstrap`) is checked by `kubelet-tls-cert`.
    ///
    /// ## References
    ///
    /// - CIS Kubernetes Benchmark v1.12 1.3.6: ensure that the RotateKubeletServerCertificate argument is set to true
    /// - kube-controller-manager command-line reference (<https://kubernetes.io/docs/reference/command-line-tools-reference/kube-controller-manager/>)
    pub static RULE = {
        id: "controller-manager-kubelet-server-cert-rotation",
        family: Family::ControllerManager,
        severity: Severity::Medium,
        summary: "Controller manager disables kubelet serving certificate rotation",
        remediation: "Remove RotateKubeletServerCertificate=false from --feature-gates of kube-controller-manager.",
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

const WHAT: &str = "kubelet serving certificates are not rotated";
