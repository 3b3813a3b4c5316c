use kubeward_core::{
    Check, Component, ComponentKind, ComponentSink, Family, RuleStatus, Severity, declare_rule,
};

use crate::READER;

use crate::rules::common;

declare_rule! {
    /// ## What it checks
    ///
    /// The kubelet's effective anonymous authentication: `--anonymous-auth`
    /// over `authentication.anonymous.enabled` of its `--config` file. The
    /// default depends on how the kubelet starts: `false` with a config file,
    /// `true` without one.
    ///
    /// ## Why it matters
    ///
    /// The kubelet API on port 10250 lists pods, streams logs and runs commands
    /// in containers. Anonymous requests reach its authorizer, and with
    /// `AlwaysAllow` authorization anyone on the network executes code in every
    /// pod of the node.
    ///
    /// ## Failing example
    ///
    /// ```yaml
    /// apiVersion: kubelet.config.k8s.io/v1beta1
    /// kind: KubeletConfiguration
    /// authentication:
    ///   anonymous:
    ///     enabled: true
    /// ```
    ///
    /// ## Fixed example
    ///
    /// ```yaml
    /// apiVersion: kubelet.config.k8s.io/v1beta1
    /// kind: KubeletConfiguration
    /// authentication:
    ///   anonymous:
    ///     enabled: false
    /// ```
    ///
    /// ## Known limitations
    ///
    /// When the kubelet's config file is not among the inputs, settings it may
    /// hold are unknown and `setting-undetermined` reports them.
    ///
    /// ## References
    ///
    /// - CIS Kubernetes Benchmark v1.12 4.2.1: ensure that the --anonymous-auth argument is set to false
    /// - Kubelet authentication and authorization (<https://kubernetes.io/docs/reference/access-authn-authz/kubelet-authn-authz/>)
    /// - Kubelet configuration (v1beta1) reference (<https://kubernetes.io/docs/reference/config-api/kubelet-config.v1beta1/>)
    /// - NSA/CISA Kubernetes Hardening Guide: "Worker node protection"
    pub static RULE = {
        id: "kubelet-anonymous-auth",
        family: Family::Kubelet,
        severity: Severity::High,
        summary: "Kubelet accepts anonymous requests",
        remediation: "Set authentication.anonymous.enabled: false in the kubelet config (or --anonymous-auth=false).",
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
    common::expect_bool(
        component,
        sink,
        "anonymous-auth",
        false,
        "anonymous requests are allowed",
    );
}
