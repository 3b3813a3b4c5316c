use kubeward_core::{
    Check, Component, ComponentKind, ComponentSink, Family, RuleStatus, Severity, declare_rule,
};

use crate::READER;

use crate::rules::common;

declare_rule! {
    /// ## What it checks
    ///
    /// The kubelet's effective `protectKernelDefaults` (or
    /// `--protect-kernel-defaults`, default `false`).
    ///
    /// ## Why it matters
    ///
    /// With it, the kubelet refuses to start when kernel tunables differ from
    /// what it expects instead of changing them, so a node's kernel hardening
    /// is not silently undone.
    ///
    /// ## Failing example
    ///
    /// ```yaml
    /// apiVersion: kubelet.config.k8s.io/v1beta1
    /// kind: KubeletConfiguration
    /// protectKernelDefaults: false
    /// ```
    ///
    /// ## Fixed example
    ///
    /// ```yaml
    /// apiVersion: kubelet.config.k8s.io/v1beta1
    /// kind: KubeletConfiguration
    /// protectKernelDefaults: true
    /// ```
    ///
    /// ## Known limitations
    ///
    /// Nodes must set the kubelet's expected sysctls (such as
    /// `vm.overcommit_memory=1`) before enabling it, or the kubelet does not
    /// start.
    ///
    /// ## References
    ///
    /// - CIS Kubernetes Benchmark v1.8 4.2.6: ensure that the --protect-kernel-defaults argument is set to true
    /// - Kubelet configuration (v1beta1) reference (<https://kubernetes.io/docs/reference/config-api/kubelet-config.v1beta1/>)
    pub static RULE = {
        id: "kubelet-protect-kernel-defaults",
        family: Family::Kubelet,
        severity: Severity::Low,
        summary: "Kubelet does not protect kernel settings",
        remediation: "Set protectKernelDefaults: true in the kubelet config (or --protect-kernel-defaults).",
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
        "protect-kernel-defaults",
        true,
        "kernel settings are not protected",
    );
}
