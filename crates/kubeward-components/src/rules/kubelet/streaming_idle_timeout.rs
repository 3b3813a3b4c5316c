use kubeward_core::{
    Check, Component, ComponentKind, ComponentSink, Family, RuleStatus, Severity, declare_rule,
};

use crate::READER;

use crate::rules::common;

declare_rule! {
    /// ## What it checks
    ///
    /// The kubelet's effective `streamingConnectionIdleTimeout` (or
    /// `--streaming-connection-idle-timeout`, default 4h). The rule fires when
    /// it is zero.
    ///
    /// ## Why it matters
    ///
    /// With no idle timeout, exec, attach and port-forward sessions stay open
    /// forever, holding node resources and keeping forgotten interactive
    /// sessions usable by whoever finds them.
    ///
    /// ## Failing example
    ///
    /// ```yaml
    /// apiVersion: kubelet.config.k8s.io/v1beta1
    /// kind: KubeletConfiguration
    /// streamingConnectionIdleTimeout: 0s
    /// ```
    ///
    /// ## Fixed example
    ///
    /// ```yaml
    /// apiVersion: kubelet.config.k8s.io/v1beta1
    /// kind: KubeletConfiguration
    /// streamingConnectionIdleTimeout: 5m0s
    /// ```
    ///
    /// ## Known limitations
    ///
    /// Durations are read in Go's notation; only an explicit zero is reported,
    /// not a long timeout.
    ///
    /// ## References
    ///
    /// - CIS Kubernetes Benchmark v1.12 4.2.5: ensure that the --streaming-connection-idle-timeout argument is not set to 0
    /// - Kubelet configuration (v1beta1) reference (<https://kubernetes.io/docs/reference/config-api/kubelet-config.v1beta1/>)
    pub static RULE = {
        id: "kubelet-streaming-idle-timeout",
        family: Family::Kubelet,
        severity: Severity::Low,
        summary: "Kubelet never closes idle streaming connections",
        remediation: "Set streamingConnectionIdleTimeout to a non-zero duration such as 5m.",
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
    let Some(setting) = common::known(component, "streaming-connection-idle-timeout") else {
        return;
    };
    let value = setting.value();
    // A Go duration such as `0s` or `0h0m0s` is zero when all its digits are.
    let zero = value.chars().any(|c| c.is_ascii_digit())
        && value.chars().filter(char::is_ascii_digit).all(|c| c == '0');
    if zero {
        sink.report(
            &setting.location,
            format!(
                "{}: streaming connections are never closed when idle: {}; set {}",
                component.kind,
                common::stated(component, setting),
                common::fix(component, "streaming-connection-idle-timeout", "5m")
            ),
        );
    }
}
