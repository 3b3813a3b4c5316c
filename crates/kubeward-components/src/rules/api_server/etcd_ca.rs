use kubeward_core::{
    Check, Component, ComponentKind, ComponentSink, Family, RuleStatus, Severity, declare_rule,
};

use crate::READER;

use crate::rules::common;

declare_rule! {
    /// ## What it checks
    ///
    /// Whether kube-apiserver sets `--etcd-cafile`, the CA bundle it verifies
    /// etcd's serving certificate with. API servers that talk to a local socket
    /// (k3s's kine) are skipped.
    ///
    /// ## Why it matters
    ///
    /// Without it the API server cannot tell etcd from an impostor, and a
    /// machine that intercepts the connection receives every object the API
    /// server writes, Secrets included, and can feed it forged state.
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
    ///         - --etcd-servers=https://127.0.0.1:2379
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
    ///         - --etcd-servers=https://127.0.0.1:2379
    ///         - --etcd-cafile=/etc/kubernetes/pki/etcd/ca.crt
    /// ```
    ///
    /// ## Known limitations
    ///
    /// Whether the CA is the one that signed etcd's certificate is not checked.
    ///
    /// ## References
    ///
    /// - CIS Kubernetes Benchmark v1.12 1.2.26: ensure that the --etcd-cafile argument is set as appropriate
    /// - kube-apiserver command-line reference (<https://kubernetes.io/docs/reference/command-line-tools-reference/kube-apiserver/>)
    pub static RULE = {
        id: "api-server-etcd-ca",
        family: Family::ApiServer,
        severity: Severity::High,
        summary: "API server does not verify etcd's certificate",
        remediation: "Set --etcd-cafile on kube-apiserver to the CA that signs etcd's serving certificate.",
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
    // With kine (k3s) the API server talks to a local socket, not etcd.
    let socket_only = common::known(component, "etcd-servers").is_some_and(|servers| {
        let items = servers.items();
        !items.is_empty() && items.iter().all(|url| url.starts_with("unix:"))
    });
    if socket_only {
        return;
    }
    common::require_set(
        component,
        sink,
        &["etcd-cafile"],
        "does not verify etcd's certificate",
        &["/etc/kubernetes/pki/etcd/ca.crt"],
    );
}
