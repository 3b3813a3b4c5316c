use kubeward_core::{
    Check, Component, ComponentKind, ComponentSink, Family, RuleStatus, Severity, declare_rule,
};

use crate::READER;

use crate::rules::common;

declare_rule! {
    /// ## What it checks
    ///
    /// The kubelet's effective `makeIPTablesUtilChains` (or
    /// `--make-iptables-util-chains`, default `true`).
    ///
    /// ## Why it matters
    ///
    /// The kubelet's chains drop packets marked as invalid and keep the node's
    /// networking rules in step with the pods. Without them, rules must be
    /// maintained by hand and drift from what the pods need.
    ///
    /// ## Failing example
    ///
    /// ```yaml
    /// apiVersion: kubelet.config.k8s.io/v1beta1
    /// kind: KubeletConfiguration
    /// makeIPTablesUtilChains: false
    /// ```
    ///
    /// ## Fixed example
    ///
    /// ```yaml
    /// apiVersion: kubelet.config.k8s.io/v1beta1
    /// kind: KubeletConfiguration
    /// makeIPTablesUtilChains: true
    /// ```
    ///
    /// ## Known limitations
    ///
    /// Clusters whose network plugin manages iptables itself may turn this off
    /// on purpose.
    ///
    /// ## References
    ///
    /// - CIS Kubernetes Benchmark v1.12 4.2.6: ensure that the --make-iptables-util-chains argument is set to true
    /// - Kubelet configuration (v1beta1) reference (<https://kubernetes.io/docs/reference/config-api/kubelet-config.v1beta1/>)
    pub static RULE = {
        id: "kubelet-iptables-util-chains",
        family: Family::Kubelet,
        severity: Severity::Low,
        summary: "Kubelet does not manage its iptables chains",
        remediation: "Set makeIPTablesUtilChains: true in the kubelet config.",
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
        "make-iptables-util-chains",
        true,
        "iptables utility chains are not managed",
    );
}
