use kubeward_core::{
    Check, Component, ComponentKind, ComponentSink, Family, RuleStatus, Severity, declare_rule,
};

use crate::READER;

use crate::rules::common;

declare_rule! {
    /// ## What it checks
    ///
    /// Whether kube-apiserver sets both `--kubelet-client-certificate` and
    /// `--kubelet-client-key`, the credentials it presents to kubelets for
    /// logs, exec, attach and port-forward.
    ///
    /// ## Why it matters
    ///
    /// Without a client certificate the API server calls kubelets anonymously,
    /// so kubelets must accept anonymous requests for `kubectl exec` and `logs`
    /// to work. That leaves the kubelet API, which runs commands in any pod on
    /// the node, open to anyone on the network.
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
    ///         - --kubelet-client-certificate=/etc/kubernetes/pki/apiserver-kubelet-client.crt
    ///         - --kubelet-client-key=/etc/kubernetes/pki/apiserver-kubelet-client.key
    /// ```
    ///
    /// ## Known limitations
    ///
    /// Whether the certificate is valid, and signed by the CA the kubelets
    /// trust, is not checked.
    ///
    /// ## References
    ///
    /// - CIS Kubernetes Benchmark v1.12 1.2.4: ensure that the --kubelet-client-certificate and --kubelet-client-key arguments are set as appropriate
    /// - Kubelet authentication and authorization (<https://kubernetes.io/docs/reference/access-authn-authz/kubelet-authn-authz/>)
    /// - kube-apiserver command-line reference (<https://kubernetes.io/docs/reference/command-line-tools-reference/kube-apiserver/>)
    pub static RULE = {
        id: "api-server-kubelet-client-cert",
        family: Family::ApiServer,
        severity: Severity::Medium,
        summary: "API server has no client certificate for kubelets",
        remediation: "Set --kubelet-client-certificate and --kubelet-client-key on kube-apiserver.",
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
    common::require_set(
        component,
        sink,
        &["kubelet-client-certificate", "kubelet-client-key"],
        "calls kubelets without a client certificate",
        &[
            "/etc/kubernetes/pki/apiserver-kubelet-client.crt",
            "/etc/kubernetes/pki/apiserver-kubelet-client.key",
        ],
    );
}
