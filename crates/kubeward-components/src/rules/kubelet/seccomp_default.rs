use kubeward_core::{
    Check, Component, ComponentKind, ComponentSink, Family, RuleStatus, Severity, declare_rule,
};

use crate::READER;

use crate::rules::common;

declare_rule! {
    /// ## What it checks
    ///
    /// The kubelet's effective `seccompDefault` (or `--seccomp-default`,
    /// default `false`).
    ///
    /// ## Why it matters
    ///
    /// With the default on, containers that set no seccomp profile run with the
    /// container runtime's default profile instead of unconfined, which blocks
    /// dozens of system calls used in container escapes.
    ///
    /// ## Failing example
    ///
    /// ```yaml
    /// apiVersion: kubelet.config.k8s.io/v1beta1
    /// kind: KubeletConfiguration
    /// seccompDefault: false
    /// ```
    ///
    /// ## Fixed example
    ///
    /// ```yaml
    /// apiVersion: kubelet.config.k8s.io/v1beta1
    /// kind: KubeletConfiguration
    /// seccompDefault: true
    /// ```
    ///
    /// ## Known limitations
    ///
    /// Pods that set their own profile, or `Unconfined`, are not affected; the
    /// `pss-seccomp` rules check them.
    ///
    /// ## References
    ///
    /// - CIS Kubernetes Benchmark v1.12 4.2.14: ensure that the --seccomp-default parameter is set to true
    /// - Kubelet configuration (v1beta1) reference (<https://kubernetes.io/docs/reference/config-api/kubelet-config.v1beta1/>)
    /// - Kubernetes seccomp tutorial: enable RuntimeDefault as the default (<https://kubernetes.io/docs/tutorials/security/seccomp/>)
    pub static RULE = {
        id: "kubelet-seccomp-default",
        family: Family::Kubelet,
        severity: Severity::Low,
        summary: "Kubelet does not apply a default seccomp profile",
        remediation: "Set seccompDefault: true in the kubelet config (or --seccomp-default).",
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
        "seccomp-default",
        true,
        "containers without a seccomp profile run unconfined",
    );
}
