use kubeward_core::{
    Check, Component, ComponentKind, ComponentSink, Family, RuleStatus, Severity, declare_rule,
};

use crate::READER;

use crate::rules::common;

declare_rule! {
    /// ## What it checks
    ///
    /// Whether the EventRateLimit admission plugin runs. It is off by default,
    /// and needs an `AdmissionConfiguration` with its limits.
    ///
    /// ## Why it matters
    ///
    /// Any client allowed to create Events, such as a compromised node or
    /// controller, can flood the API server and etcd with them, slowing the
    /// control plane for everyone. EventRateLimit caps Events per server,
    /// namespace, user or source object.
    ///
    /// ## Failing example
    ///
    /// ```yaml
    /// apiVersion: v1
    /// kind: Pod
    /// metadata:
    ///   name: kube-apiserver
    ///   namespace: kube-system
    /// spec:
    ///   containers:
    ///     - name: kube-apiserver
    ///       image: registry.k8s.io/kube-apiserver:v1.32.2
    ///       command:
    ///         - kube-apiserver
    ///         - --enable-admission-plugins=NodeRestriction
    /// ```
    ///
    /// ## Fixed example
    ///
    /// ```yaml
    /// apiVersion: v1
    /// kind: Pod
    /// metadata:
    ///   name: kube-apiserver
    ///   namespace: kube-system
    /// spec:
    ///   containers:
    ///     - name: kube-apiserver
    ///       image: registry.k8s.io/kube-apiserver:v1.32.2
    ///       command:
    ///         - kube-apiserver
    ///         - --enable-admission-plugins=NodeRestriction,EventRateLimit
    /// ```
    ///
    /// ## Known limitations
    ///
    /// The admission plugins enabled by default are those of kube-apiserver
    /// 1.30 and later; `--admission-control`, when set, replaces them, as it
    /// does in the API server. Plugins configured only through an
    /// `AdmissionConfiguration` are not enabled by it and are not counted.
    /// Whether the plugin's configuration sets sensible limits is not checked.
    ///
    /// ## References
    ///
    /// - CIS Kubernetes Benchmark v1.12 1.2.9: ensure that the admission control plugin EventRateLimit is set
    /// - Kubernetes admission controllers (<https://kubernetes.io/docs/reference/access-authn-authz/admission-controllers/>)
    /// - NSA/CISA Kubernetes Hardening Guide: "Control plane hardening"
    pub static RULE = {
        id: "api-server-event-rate-limit",
        family: Family::ApiServer,
        severity: Severity::Low,
        summary: "API server does not limit the rate of Events",
        remediation: "Add EventRateLimit to --enable-admission-plugins and configure its limits with --admission-control-config-file.",
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
    if component.kind != ComponentKind::ApiServer {
        return;
    }
    common::require_plugin(
        component,
        sink,
        "EventRateLimit",
        "Events are not rate limited",
    );
}
