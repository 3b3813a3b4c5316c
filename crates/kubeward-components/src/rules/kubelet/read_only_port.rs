use kubeward_core::{
    Check, Component, ComponentKind, ComponentSink, Family, RuleStatus, Severity, declare_rule,
};

use crate::READER;

use crate::rules::common;

declare_rule! {
    /// ## What it checks
    ///
    /// The kubelet's effective read-only port: `--read-only-port` over
    /// `readOnlyPort`, default 0 with a config file and 10255 without one. The
    /// rule fires when it is not 0.
    ///
    /// ## Why it matters
    ///
    /// The read-only port serves pod specs, environment variables and node
    /// metrics over plain HTTP with no authentication at all. Anyone who
    /// reaches the node learns what runs there and often the credentials passed
    /// in environment variables.
    ///
    /// ## Failing example
    ///
    /// ```yaml
    /// apiVersion: kubelet.config.k8s.io/v1beta1
    /// kind: KubeletConfiguration
    /// readOnlyPort: 10255
    /// ```
    ///
    /// ## Fixed example
    ///
    /// ```yaml
    /// apiVersion: kubelet.config.k8s.io/v1beta1
    /// kind: KubeletConfiguration
    /// readOnlyPort: 0
    /// ```
    ///
    /// ## Known limitations
    ///
    /// A flag wins over the config file, and the finding says which source set
    /// the value.
    ///
    /// ## References
    ///
    /// - CIS Kubernetes Benchmark v1.12 4.2.4: verify that if defined, the --read-only-port argument is set to 0
    /// - Kubelet configuration (v1beta1) reference (<https://kubernetes.io/docs/reference/config-api/kubelet-config.v1beta1/>)
    /// - NSA/CISA Kubernetes Hardening Guide: "Worker node protection"
    pub static RULE = {
        id: "kubelet-read-only-port",
        family: Family::Kubelet,
        severity: Severity::Medium,
        summary: "Kubelet serves its unauthenticated read-only port",
        remediation: "Set readOnlyPort: 0 in the kubelet config (or --read-only-port=0).",
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
    if component.kind != ComponentKind::Kubelet {
        return;
    }
    let Some(setting) = common::known(component, "read-only-port") else {
        return;
    };
    if setting.as_i64().is_none() {
        sink.report(
            &setting.location,
            format!(
                "{}: {} is not a port number, so the kubelet does not start with it; set {}",
                component.kind,
                common::written(setting),
                common::fix(component, "read-only-port", "0")
            ),
        );
        return;
    }
    if setting.as_i64() != Some(0) {
        sink.report(
            &setting.location,
            format!(
                "{}: serves pods and metrics without authentication on the read-only port: \
                 {}; set {}",
                component.kind,
                common::stated(component, setting),
                common::fix(component, "read-only-port", "0")
            ),
        );
    }
}
