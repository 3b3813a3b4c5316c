use kubeward_core::{
    Check, Component, ComponentKind, ComponentSink, Family, RuleStatus, Severity, declare_rule,
};

use crate::READER;

use crate::rules::common;

declare_rule! {
    /// ## What it checks
    ///
    /// The kubelet's effective authorization mode: `--authorization-mode` over
    /// `authorization.mode`, default `Webhook` with a config file and
    /// `AlwaysAllow` without one. The rule fires on `AlwaysAllow`.
    ///
    /// ## Why it matters
    ///
    /// With `AlwaysAllow` every authenticated caller, and every anonymous one
    /// if anonymous requests are on, may run commands in any container of the
    /// node and read its pods' Secrets through the kubelet API.
    ///
    /// ## Failing example
    ///
    /// ```yaml
    /// apiVersion: kubelet.config.k8s.io/v1beta1
    /// kind: KubeletConfiguration
    /// authorization:
    ///   mode: AlwaysAllow
    /// ```
    ///
    /// ## Fixed example
    ///
    /// ```yaml
    /// apiVersion: kubelet.config.k8s.io/v1beta1
    /// kind: KubeletConfiguration
    /// authorization:
    ///   mode: Webhook
    /// ```
    ///
    /// ## Known limitations
    ///
    /// When the kubelet's config file is not among the inputs, the mode is
    /// unknown and `setting-undetermined` reports it.
    ///
    /// ## References
    ///
    /// - CIS Kubernetes Benchmark v1.12 4.2.2: ensure that the --authorization-mode argument is not set to AlwaysAllow
    /// - Kubelet authentication and authorization (<https://kubernetes.io/docs/reference/access-authn-authz/kubelet-authn-authz/>)
    /// - NSA/CISA Kubernetes Hardening Guide: "Worker node protection"
    pub static RULE = {
        id: "kubelet-authorization-mode",
        family: Family::Kubelet,
        severity: Severity::High,
        summary: "Kubelet authorizes every request",
        remediation: "Set authorization.mode: Webhook in the kubelet config (or --authorization-mode=Webhook).",
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
    let Some(setting) = common::known(component, "authorization-mode") else {
        return;
    };
    if setting.value() == "AlwaysAllow" {
        sink.report(
            &setting.location,
            format!(
                "{}: every request to the kubelet API is allowed: {}; set {}",
                component.kind,
                common::stated(component, setting),
                common::fix(component, "authorization-mode", "Webhook")
            ),
        );
    }
}
