use kubeward_core::{
    Check, Component, ComponentKind, ComponentSink, Family, RuleStatus, Severity, declare_rule,
};

use crate::READER;
use kubeward_core::component::{Setting, SettingSource};

use crate::rules::common;

declare_rule! {
    /// ## What it checks
    ///
    /// kube-apiserver's effective authorization modes: `--authorization-mode`
    /// (default `AlwaysAllow`), or the authorizers of the
    /// `--authorization-config` file when `kubeward node` could read it. The rule fires when
    /// `AlwaysAllow` is among them.
    ///
    /// ## Why it matters
    ///
    /// Authorizers are asked in order and the first that allows a request
    /// decides. With `AlwaysAllow` in the chain, every authenticated request
    /// that no earlier authorizer denied is allowed, so every ServiceAccount
    /// token, and with anonymous authentication every unauthenticated caller,
    /// is cluster administrator.
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
    ///         - --authorization-mode=AlwaysAllow
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
    ///         - --authorization-mode=Node,RBAC
    /// ```
    ///
    /// ## Known limitations
    ///
    /// An `--authorization-config` file is read only by `kubeward node`; in a
    /// scan its authorizers are unknown and the rule stays silent.
    ///
    /// ## References
    ///
    /// - CIS Kubernetes Benchmark v1.12 1.2.6: ensure that the --authorization-mode argument is not set to AlwaysAllow
    /// - Kubernetes authorization modes (<https://kubernetes.io/docs/reference/access-authn-authz/authorization/>)
    /// - NSA/CISA Kubernetes Hardening Guide: "Authentication and authorization"
    pub static RULE = {
        id: "api-server-authorization-always-allow",
        family: Family::ApiServer,
        severity: Severity::Critical,
        summary: "API server authorizes every request",
        remediation: "Set --authorization-mode=Node,RBAC and remove AlwaysAllow.",
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
    if component.kind != ComponentKind::ApiServer {
        return;
    }
    let Some((modes, setting)) = modes(component) else {
        return;
    };
    if modes.iter().any(|m| m == "AlwaysAllow") {
        sink.report(
            &setting.location,
            format!(
                "{}: every request is authorized: {} includes AlwaysAllow; set \
                 `--authorization-mode=Node,RBAC`",
                component.kind,
                common::stated(component, setting)
            ),
        );
    }
}

/// The authorization modes in force and the setting that gives them, or
/// `None` when they are unknown: set by an `--authorization-config` file
/// that was not read.
fn modes(component: &Component) -> Option<(Vec<String>, &Setting)> {
    let setting = common::known(component, "authorization-mode")?;
    let from_file = common::known(component, "authorization-config")
        .is_some_and(|file| !file.value().trim().is_empty());
    if from_file && setting.source == SettingSource::Default {
        return None;
    }
    Some((
        setting.items().iter().map(|m| (*m).to_owned()).collect(),
        setting,
    ))
}
