use kubeward_core::{
    Check, Component, ComponentKind, ComponentSink, Family, RuleStatus, Severity, declare_rule,
};

use crate::READER;

use crate::rules::common;

declare_rule! {
    /// ## What it checks
    ///
    /// The kubelet's effective `podPidsLimit` (or `--pod-max-pids`, default -1,
    /// no limit beyond the node's). The rule fires when it is not positive.
    ///
    /// ## Why it matters
    ///
    /// Without a limit, one pod can fork until the node runs out of process
    /// IDs, and every other pod and the kubelet itself fail to start processes.
    ///
    /// ## Failing example
    ///
    /// ```yaml
    /// apiVersion: kubelet.config.k8s.io/v1beta1
    /// kind: KubeletConfiguration
    /// podPidsLimit: -1
    /// ```
    ///
    /// ## Fixed example
    ///
    /// ```yaml
    /// apiVersion: kubelet.config.k8s.io/v1beta1
    /// kind: KubeletConfiguration
    /// podPidsLimit: 4096
    /// ```
    ///
    /// ## Known limitations
    ///
    /// The right limit depends on the workloads; the rule reports only its
    /// absence.
    ///
    /// ## References
    ///
    /// - CIS Kubernetes Benchmark v1.12 4.2.13: ensure that a limit is set on pod PIDs
    /// - Kubelet configuration (v1beta1) reference (<https://kubernetes.io/docs/reference/config-api/kubelet-config.v1beta1/>)
    pub static RULE = {
        id: "kubelet-pod-pids-limit",
        family: Family::Kubelet,
        severity: Severity::Low,
        summary: "Kubelet does not limit processes per pod",
        remediation: "Set podPidsLimit in the kubelet config (or --pod-max-pids) to a positive number.",
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
    let Some(setting) = common::known(component, "pod-max-pids") else {
        return;
    };
    if setting.as_i64().is_none_or(|limit| limit <= 0) {
        sink.report(
            &setting.location,
            format!(
                "{}: pods may start processes until the node runs out: {}; set {}",
                component.kind,
                common::stated(component, setting),
                common::fix(component, "pod-max-pids", "4096")
            ),
        );
    }
}
