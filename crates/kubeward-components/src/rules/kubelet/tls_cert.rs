use kubeward_core::{
    Check, Component, ComponentKind, ComponentSink, Family, RuleStatus, Severity, declare_rule,
};

use crate::READER;

use crate::rules::common;

declare_rule! {
    /// ## What it checks
    ///
    /// Whether the kubelet serves a certificate others can verify: it sets both
    /// `tlsCertFile` and `tlsPrivateKeyFile` (or their flags), or requests its
    /// serving certificate from the cluster with `serverTLSBootstrap: true`.
    ///
    /// ## Why it matters
    ///
    /// Otherwise the kubelet generates a self-signed serving certificate, and
    /// the API server cannot verify the kubelet it sends exec, attach and log
    /// traffic to.
    ///
    /// ## Failing example
    ///
    /// ```yaml
    /// apiVersion: kubelet.config.k8s.io/v1beta1
    /// kind: KubeletConfiguration
    /// serverTLSBootstrap: false
    /// ```
    ///
    /// ## Fixed example
    ///
    /// ```yaml
    /// apiVersion: kubelet.config.k8s.io/v1beta1
    /// kind: KubeletConfiguration
    /// serverTLSBootstrap: true
    /// ```
    ///
    /// ## Known limitations
    ///
    /// kubeadm leaves the kubelet self-signed unless `serverTLSBootstrap` is
    /// set, so the rule is off in the `recommended` profile.
    ///
    /// ## References
    ///
    /// - CIS Kubernetes Benchmark v1.12 4.2.9: ensure that the --tls-cert-file and --tls-private-key-file arguments are set as appropriate
    /// - Kubelet configuration (v1beta1) reference (<https://kubernetes.io/docs/reference/config-api/kubelet-config.v1beta1/>)
    pub static RULE = {
        id: "kubelet-tls-cert",
        family: Family::Kubelet,
        severity: Severity::Low,
        summary: "Kubelet serves a self-signed certificate",
        remediation: "Set tlsCertFile and tlsPrivateKeyFile, or serverTLSBootstrap: true, in the kubelet config.",
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
    let bootstrap = common::known(component, "server-tls-bootstrap")
        .and_then(kubeward_core::component::Setting::as_bool);
    if bootstrap == Some(true) {
        return;
    }
    common::require_set(
        component,
        sink,
        &["tls-cert-file", "tls-private-key-file"],
        "serves a self-signed certificate (and serverTLSBootstrap is off)",
        &[
            "/var/lib/kubelet/pki/kubelet.crt",
            "/var/lib/kubelet/pki/kubelet.key",
        ],
    );
}
