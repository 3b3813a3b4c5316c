use kubeward_core::{
    Check, Component, ComponentKind, ComponentSink, Family, RuleStatus, Severity, declare_rule,
};

use crate::READER;

use crate::rules::common;

declare_rule! {
    /// ## What it checks
    ///
    /// Whether kube-apiserver sets `--kubelet-certificate-authority`, the CA
    /// bundle it verifies kubelets' serving certificates with.
    ///
    /// ## Why it matters
    ///
    /// Without it the API server connects to kubelets over TLS without checking
    /// whom it talks to. Anyone who can redirect traffic to a node's port 10250
    /// receives the API server's client certificate handshake and the exec and
    /// log streams meant for the kubelet.
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
    ///         - --kubelet-client-certificate=/etc/kubernetes/pki/apiserver-kubelet-client.crt
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
    ///         - --kubelet-certificate-authority=/etc/kubernetes/pki/ca.crt
    /// ```
    ///
    /// ## Known limitations
    ///
    /// kubelets serve self-signed certificates unless they use
    /// `serverTLSBootstrap` or `--tls-cert-file`, and kubeadm does not set this
    /// flag, so enabling it needs kubelet serving certificates signed by a CA
    /// first; the rule is off in the `recommended` profile for that reason.
    ///
    /// ## References
    ///
    /// - CIS Kubernetes Benchmark v1.12 1.2.5: ensure that the --kubelet-certificate-authority argument is set as appropriate
    /// - Kubelet authentication and authorization (<https://kubernetes.io/docs/reference/access-authn-authz/kubelet-authn-authz/>)
    /// - kube-apiserver command-line reference (<https://kubernetes.io/docs/reference/command-line-tools-reference/kube-apiserver/>)
    pub static RULE = {
        id: "api-server-kubelet-ca",
        family: Family::ApiServer,
        severity: Severity::Medium,
        summary: "API server does not verify kubelets' serving certificates",
        remediation: "Set --kubelet-certificate-authority to the CA that signs kubelet serving certificates.",
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
    common::require_set(
        component,
        sink,
        &["kubelet-certificate-authority"],
        "does not verify kubelet serving certificates",
        &["/etc/kubernetes/pki/ca.crt"],
    );
}
