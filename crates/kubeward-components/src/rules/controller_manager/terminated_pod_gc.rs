use kubeward_core::{
    Check, Component, ComponentKind, ComponentSink, Family, RuleStatus, Severity, declare_rule,
};

use crate::READER;
use kubeward_core::component::SettingSource;

use crate::rules::common;

declare_rule! {
    /// ## What it checks
    ///
    /// Whether kube-controller-manager sets `--terminated-pod-gc-threshold`,
    /// the number of terminated pods kept before the pod garbage collector
    /// deletes them. Its default is 12500.
    ///
    /// ## Why it matters
    ///
    /// Terminated pods stay in etcd with their specs and status until the
    /// threshold is reached. A threshold sized for a large cluster lets a small
    /// one fill etcd and slow the API server with finished pods, and keeps them
    /// around longer than useful.
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
    ///         - --profiling=false
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
    ///         - --terminated-pod-gc-threshold=1000
    /// ```
    ///
    /// ## Known limitations
    ///
    /// The right threshold depends on the cluster; the rule reports only that
    /// the default is in force, not whether a set value is sensible.
    ///
    /// ## References
    ///
    /// - CIS Kubernetes Benchmark v1.12 1.3.1: ensure that the --terminated-pod-gc-threshold argument is set as appropriate
    /// - kube-controller-manager command-line reference (<https://kubernetes.io/docs/reference/command-line-tools-reference/kube-controller-manager/>)
    pub static RULE = {
        id: "controller-manager-terminated-pod-gc",
        family: Family::ControllerManager,
        severity: Severity::Low,
        summary: "Controller manager keeps the default number of terminated pods",
        remediation: "Set --terminated-pod-gc-threshold on kube-controller-manager to a value sized for the cluster.",
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
    if component.kind != ComponentKind::ControllerManager {
        return;
    }
    let Some(setting) = common::known(component, "terminated-pod-gc-threshold") else {
        return;
    };
    if setting.source == SettingSource::Default {
        sink.report(
            &setting.location,
            format!(
                "{}: keeps up to {} terminated pods before collecting them ({}); set \
                 `--terminated-pod-gc-threshold` to a value sized for the cluster",
                component.kind,
                setting.value(),
                component.describe_source(setting)
            ),
        );
    }
}
