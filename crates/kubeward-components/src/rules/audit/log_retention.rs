use kubeward_core::{
    Check, Component, ComponentKind, ComponentSink, Family, RuleStatus, Severity, declare_rule,
};

use crate::READER;

use crate::rules::common;

declare_rule! {
    /// ## What it checks
    ///
    /// For an API server that writes its audit log to a file, the effective
    /// retention: `--audit-log-maxage` (days, at least 30),
    /// `--audit-log-maxbackup` (files, at least 10) and `--audit-log-maxsize` (megabytes, at
    /// least 100). Each default is 0: no age limit, every rotated file kept,
    /// and files never rotated by size. One finding per setting below its
    /// minimum.
    ///
    /// ## Why it matters
    ///
    /// Audit logs help only if they reach back to when an attack started. Short
    /// retention or few rotated files lose the evidence days after it is
    /// written, often before anyone looks.
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
    ///         - --audit-log-path=/var/log/kubernetes/audit/audit.log
    ///         - --audit-log-maxage=7
    ///         - --audit-log-maxbackup=10
    ///         - --audit-log-maxsize=100
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
    ///         - --audit-log-path=/var/log/kubernetes/audit/audit.log
    ///         - --audit-log-maxage=30
    ///         - --audit-log-maxbackup=10
    ///         - --audit-log-maxsize=100
    /// ```
    ///
    /// ## Known limitations
    ///
    /// Logs shipped elsewhere as they are written may not need local retention;
    /// the rule cannot see that. A default of 0 means "no limit" for age and
    /// backups, but the CIS benchmark asks for the values to be set, and so
    /// does this rule.
    ///
    /// ## References
    ///
    /// - CIS Kubernetes Benchmark v1.12 1.2.17, 1.2.18 and 1.2.19: ensure that --audit-log-maxage, --audit-log-maxbackup and --audit-log-maxsize are set as appropriate
    /// - Kubernetes auditing (<https://kubernetes.io/docs/tasks/debug/debug-cluster/audit/>)
    /// - NSA/CISA Kubernetes Hardening Guide: "Audit Logging and Threat Detection"
    pub static RULE = {
        id: "audit-log-retention",
        family: Family::Audit,
        severity: Severity::Low,
        summary: "API server keeps too little audit log",
        remediation: "Set --audit-log-maxage=30, --audit-log-maxbackup=10 and --audit-log-maxsize=100 or more.",
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
    let to_file = common::known(component, "audit-log-path")
        .is_some_and(|path| !path.value().trim().is_empty() && path.value() != "-");
    if !to_file {
        return;
    }
    for (name, minimum, unit) in [
        ("audit-log-maxage", 30, "days"),
        ("audit-log-maxbackup", 10, "files"),
        ("audit-log-maxsize", 100, "megabytes"),
    ] {
        let Some(setting) = common::known(component, name) else {
            continue;
        };
        if setting.as_i64().is_some_and(|value| value >= minimum) {
            continue;
        }
        sink.report(
            &setting.location,
            format!(
                "{}: audit log retention below {minimum} {unit}: {}; set `--{name}={minimum}` \
                 or more",
                component.kind,
                common::stated(component, setting)
            ),
        );
    }
}
