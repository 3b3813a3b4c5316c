use kubeward_core::{
    Check, Component, ComponentKind, ComponentSink, Family, RuleStatus, Severity, declare_rule,
};

use crate::READER;

use crate::rules::common;

declare_rule! {
    /// ## What it checks
    ///
    /// kube-apiserver's `--tls-cipher-suites`. The rule fires when the flag is
    /// not set, so Go's defaults apply, or when it lists a suite outside the
    /// AEAD suites with forward secrecy the CIS benchmark accepts (ECDHE with
    /// AES-GCM or ChaCha20-Poly1305, and the TLS 1.3 suites).
    ///
    /// ## Why it matters
    ///
    /// Go's default TLS 1.2 suites include CBC-mode suites and suites without
    /// forward secrecy. A client that negotiates them, or an attacker who
    /// downgrades a client to them, gets weaker protection for every credential
    /// and Secret sent to the API server.
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
    ///         - --tls-cipher-suites=TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256,TLS_RSA_WITH_AES_128_CBC_SHA
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
    ///         - --tls-cipher-suites=TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256,TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256,TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305,TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305
    /// ```
    ///
    /// ## Known limitations
    ///
    /// TLS 1.3 suites are fixed by Go and not affected by the flag; setting
    /// `--tls-min-version=VersionTLS13` also removes the weak TLS 1.2 suites,
    /// which the rule does not take into account.
    ///
    /// ## References
    ///
    /// - CIS Kubernetes Benchmark v1.12 1.2.29: ensure that the API server only makes use of strong cryptographic ciphers
    /// - kube-apiserver command-line reference (<https://kubernetes.io/docs/reference/command-line-tools-reference/kube-apiserver/>)
    pub static RULE = {
        id: "api-server-tls-cipher-suites",
        family: Family::ApiServer,
        severity: Severity::Low,
        summary: "API server allows weak TLS cipher suites",
        remediation: "Set --tls-cipher-suites to AEAD suites with forward secrecy only.",
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
    let Some(setting) = common::known(component, "tls-cipher-suites") else {
        sink.report(
            &component.anchor,
            format!(
                "{}: `--tls-cipher-suites` is not set, so Go's default suites apply, which \
                 include CBC-mode suites and suites without forward secrecy; set it to ECDHE \
                 suites with AES-GCM or ChaCha20-Poly1305",
                component.kind
            ),
        );
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
                "{}: `--tls-cipher-suites` allows weak suites: {}; keep only ECDHE suites with \
                 AES-GCM or ChaCha20-Poly1305",
                component.kind,
                weak.join(", ")
            ),
        );
    }
}

/// The suites the CIS benchmark accepts for the API server.
const STRONG: &[&str] = &[
    "TLS_AES_128_GCM_SHA256",
    "TLS_AES_256_GCM_SHA384",
    "TLS_CHACHA20_POLY1305_SHA256",
    "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256",
    "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384",
    "TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305",
    "TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256",
    "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256",
    "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384",
    "TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305",
    "TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256",
];
