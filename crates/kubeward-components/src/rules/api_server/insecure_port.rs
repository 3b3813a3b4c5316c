use kubeward_core::{
    Check, Component, ComponentKind, ComponentSink, Family, RuleStatus, Severity, declare_rule,
};

use kubeward_core::component::SettingSource;

use crate::READER;

use crate::rules::common;

declare_rule! {
    /// ## What it checks
    ///
    /// kube-apiserver's effective insecure port: `--insecure-port`, whose
    /// default was 8080 before Kubernetes 1.20 and 0 from 1.20 until its
    /// removal in 1.24, with `--insecure-bind-address` (default `127.0.0.1`).
    /// From 1.20 the API server accepts only `--insecure-port=0` and exits
    /// with "invalid port value" for any other port; from 1.24 it exits
    /// with "unknown flag: --insecure-port" whatever the value. The rule
    /// reports both, since the API server then does not start.
    ///
    /// ## Why it matters
    ///
    /// The insecure port skips authentication and authorization entirely: every
    /// request is served as a cluster administrator. Bound beyond loopback,
    /// anyone who reaches it owns the cluster; on loopback, any process on the
    /// node does.
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
    ///       image: registry.k8s.io/kube-apiserver:v1.19.16
    ///       command:
    ///         - kube-apiserver
    ///         - --insecure-port=8080
    ///         - --insecure-bind-address=0.0.0.0
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
    ///       image: registry.k8s.io/kube-apiserver:v1.19.16
    ///       command:
    ///         - kube-apiserver
    ///         - --insecure-port=0
    /// ```
    ///
    /// ## Known limitations
    ///
    /// The version, and so the default and whether the flag exists, is read
    /// from the image tag. For an API server of unknown version, a port other
    /// than 0 is reported for both cases (served before 1.20, refused from
    /// 1.20), and `--insecure-port=0` is not reported.
    ///
    /// ## References
    ///
    /// - CIS Kubernetes Benchmark v1.6 1.2.19: ensure that the --insecure-port argument is set to 0
    /// - Kubernetes 1.24 release notes: `--insecure-port` removed
    /// - kube-apiserver command-line reference (<https://kubernetes.io/docs/reference/command-line-tools-reference/kube-apiserver/>)
    pub static RULE = {
        id: "api-server-insecure-port",
        family: Family::ApiServer,
        severity: Severity::High,
        summary: "API server serves an unauthenticated HTTP port",
        remediation: "Set --insecure-port=0 (Kubernetes 1.23 and older) or upgrade; the port was removed in 1.24.",
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
    let Some(port) = common::known(component, "insecure-port") else {
        return;
    };
    let is_zero = port.as_i64() == Some(0);
    let minor = component.version.filter(|v| v.major == 1).map(|v| v.minor);
    let explicit = !matches!(port.source, SettingSource::Default);
    match minor {
        Some(minor) if minor >= 24 && explicit => {
            sink.report(
                &port.location,
                format!(
                    "{}: does not start: {} names a flag removed in Kubernetes 1.24, and \
                     kube-apiserver {} exits with \"unknown flag: --insecure-port\"; remove \
                     the flag (the insecure port no longer exists)",
                    component.kind,
                    common::written(port),
                    version_text(component),
                ),
            );
            return;
        }
        Some(minor) if minor >= 20 && !is_zero => {
            sink.report(
                &port.location,
                format!(
                    "{}: does not start: from Kubernetes 1.20 `--insecure-port` accepts only \
                     0, and kube-apiserver {} exits with \"invalid port value {}: only zero \
                     is allowed\" for {}; remove the flag",
                    component.kind,
                    version_text(component),
                    port.value(),
                    common::written(port),
                ),
            );
            return;
        }
        _ => {}
    }
    if is_zero {
        return;
    }
    let address = common::known(component, "insecure-bind-address").map_or_else(
        || "127.0.0.1".to_owned(),
        kubeward_core::component::Setting::value,
    );
    let reach = if common::is_loopback_host(&address) {
        "to every process on the node"
    } else {
        "to everyone who can reach the address"
    };
    if minor.is_none() {
        sink.report(
            &port.location,
            format!(
                "{}: {} either serves the API without authentication or authorization on \
                 {address}:{} {reach} (before Kubernetes 1.20), or stops the API server from \
                 starting (1.20 and later accept only 0); set `--insecure-port=0`, or remove \
                 the flag from 1.24",
                component.kind,
                common::written(port),
                port.value(),
            ),
        );
        return;
    }
    sink.report(
        &port.location,
        format!(
            "{}: serves the API without authentication or authorization on {address}:{}, \
             {reach}: {}; set `--insecure-port=0`",
            component.kind,
            port.value(),
            common::stated(component, port)
        ),
    );
}

/// The version of the component for messages, such as `1.31`.
fn version_text(component: &Component) -> String {
    component
        .version
        .map_or_else(|| "of this version".to_owned(), |v| v.to_string())
}
