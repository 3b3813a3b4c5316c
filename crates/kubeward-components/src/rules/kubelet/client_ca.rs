use kubeward_core::{
    Check, Component, ComponentKind, ComponentSink, Family, RuleStatus, Severity, declare_rule,
};

use crate::READER;

use crate::rules::common;

declare_rule! {
    /// ## What it checks
    ///
    /// Whether the kubelet sets a client CA: `--client-ca-file` or
    /// `authentication.x509.clientCAFile`.
    ///
    /// ## Why it matters
    ///
    /// Without a client CA the kubelet cannot authenticate the API server's
    /// client certificate, so calls for logs and exec either fail or must be
    /// allowed anonymously.
    ///
    /// ## Failing example
    ///
    /// ```yaml
    /// apiVersion: kubelet.config.k8s.io/v1beta1
    /// kind: KubeletConfiguration
    /// authentication:
    ///   webhook:
    ///     enabled: true
    /// ```
    ///
    /// ## Fixed example
    ///
    /// ```yaml
    /// apiVersion: kubelet.config.k8s.io/v1beta1
    /// kind: KubeletConfiguration
    /// authentication:
    ///   x509:
    ///     clientCAFile: /etc/kubernetes/pki/ca.crt
    /// ```
    ///
    /// ## Known limitations
    ///
    /// Whether the file holds the CA that signs the API server's kubelet client
    /// certificate is not checked. kubeadm fills this field in the kubelet
    /// configuration it writes; a KubeletConfiguration document in a kubeadm
    /// config file is checked as written.
    ///
    /// ## References
    ///
    /// - CIS Kubernetes Benchmark v1.12 4.2.3: ensure that the --client-ca-file argument is set as appropriate
    /// - Kubelet authentication and authorization (<https://kubernetes.io/docs/reference/access-authn-authz/kubelet-authn-authz/>)
    pub static RULE = {
        id: "kubelet-client-ca",
        family: Family::Kubelet,
        severity: Severity::Medium,
        summary: "Kubelet does not authenticate client certificates",
        remediation: "Set authentication.x509.clientCAFile in the kubelet config (or --client-ca-file).",
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
    common::require_set(
        component,
        sink,
        &["client-ca-file"],
        "does not authenticate client certificates",
        &["/etc/kubernetes/pki/ca.crt"],
    );
}
