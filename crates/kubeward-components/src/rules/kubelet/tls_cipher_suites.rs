use kubeward_core::{
    Check, Component, ComponentKind, ComponentSink, Family, RuleStatus, Severity, declare_rule,
};

use crate::READER;

use crate::rules::common;

declare_rule! {
    /// ## What it checks
    ///
    /// The kubelet's `tlsCipherSuites` (or `--tls-cipher-suites`). The rule
    /// fires when it is not set, so Go's defaults apply, or when it lists a
    /// suite outside the ECDHE suites with AES-GCM or ChaCha20-Poly1305 the CIS
    /// benchmark accepts.
    ///
    /// ## Why it matters
    ///
    /// Go's default TLS 1.2 suites include CBC-mode suites and suites without
    /// forward secrecy, weaker protection for the exec, attach and log streams
    /// the kubelet serves.
    ///
    /// ## Failing example
    ///
    /// ```yaml
    /// apiVersion: kubelet.config.k8s.io/v1beta1
    /// kind: KubeletConfiguration
    /// tlsCipherSuites:
    ///   - TLS_RSA_WITH_AES_128_CBC_SHA
    /// ```
    ///
    /// ## Fixed example
    ///
    /// ```yaml
    /// apiVersion: kubelet.config.k8s.io/v1beta1
    /// kind: KubeletConfiguration
    /// tlsCipherSuites:
    ///   - TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256
    ///   - TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256
    /// ```
    ///
    /// ## Known limitations
    ///
    /// TLS 1.3 suites are fixed by Go; `tlsMinVersion: VersionTLS13` also
    /// removes the weak suites, which the rule does not take into account.
    ///
    /// ## References
    ///
    /// - CIS Kubernetes Benchmark v1.12 4.2.12: ensure that the Kubelet only makes use of strong cryptographic ciphers
    /// - Kubelet configuration (v1beta1) reference (<https://kubernetes.io/docs/reference/config-api/kubelet-config.v1beta1/>)
    pub static RULE = {
        id: "kubelet-tls-cipher-suites",
        family: Family::Kubelet,
        severity: Severity::Low,
        summary: "Kubelet allows weak TLS cipher suites",
        remediation: "Set tlsCipherSuites to ECDHE suites with AES-GCM or ChaCha20-Poly1305 only.",
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
    let Some(setting) = common::known(component, "tls-cipher-suites") else {
        if common::is_unset(component, "tls-cipher-suites") {
            sink.report(
                &component.anchor,
                format!(
                    "{}: no cipher suites are set, so Go's default suites apply, which include \
                     CBC-mode suites and suites without forward secrecy; set {}",
                    component.kind,
                    common::fix_list(component, "tls-cipher-suites", STRONG)
                ),
            );
        }
        return;
    };
    let weak: Vec<&str> = setting
        .items()
        .into_iter()
        .filter(|suite| !STRONG.contains(suite))
        .collect();
    if !weak.is_empty() {
        sink.report(
            &setting.location,
            format!(
                "{}: weak cipher suites are allowed: {}; keep only ECDHE suites with AES-GCM or \
                 ChaCha20-Poly1305",
                component.kind,
                weak.join(", ")
            ),
        );
    }
}

/// The suites the CIS benchmark accepts for the kubelet.
const STRONG: &[&str] = &[
    "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256",
    "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256",
    "TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305",
    "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384",
    "TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305",
    "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384",
];
