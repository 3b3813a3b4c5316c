use kubeward_core::{Check, Family, PodSpec, RuleStatus, Severity, Sink, declare_rule};

declare_rule! {
    /// ## What it checks
    ///
    /// Every pod spec that does not set `automountServiceAccountToken:
    /// false`: the field is absent, `true`, or not a boolean.
    ///
    /// The kubelet mounts a token when the pod's field is `true`, or when
    /// it is unset and the pod's ServiceAccount does not set
    /// `automountServiceAccountToken: false`. The pod's field wins over the
    /// ServiceAccount's. A manifest scan checks each pod spec on its own and
    /// cannot read the ServiceAccount, which may be in another file or only
    /// in the cluster. So only `false` on the pod spec proves that no token
    /// is mounted.
    ///
    /// ## Why it matters
    ///
    /// The token lets anyone who can read the container's filesystem call
    /// the API server as the pod's ServiceAccount. Most applications never
    /// call the API server, and for them the token only helps an attacker
    /// who got code execution in the container: to read Secrets, list the
    /// cluster or create pods, as far as RBAC allows the account.
    ///
    /// ## Failing example
    ///
    /// ```yaml
    /// apiVersion: apps/v1
    /// kind: Deployment
    /// metadata:
    ///   name: frontend
    /// spec:
    ///   selector:
    ///     matchLabels: {app: frontend}
    ///   template:
    ///     metadata:
    ///       labels: {app: frontend}
    ///     spec:
    ///       containers:
    ///         - name: frontend
    ///           image: registry.example.com/frontend:3.2.0
    /// ```
    ///
    /// ## Fixed example
    ///
    /// ```yaml
    /// apiVersion: apps/v1
    /// kind: Deployment
    /// metadata:
    ///   name: frontend
    /// spec:
    ///   selector:
    ///     matchLabels: {app: frontend}
    ///   template:
    ///     metadata:
    ///       labels: {app: frontend}
    ///     spec:
    ///       automountServiceAccountToken: false
    ///       containers:
    ///         - name: frontend
    ///           image: registry.example.com/frontend:3.2.0
    /// ```
    ///
    /// ## Known limitations
    ///
    /// A ServiceAccount with `automountServiceAccountToken: false` protects
    /// every pod that leaves the field unset, but this rule does not see
    /// it and reports those pods anyway. Workloads that call the API
    /// server need the token; suppress the finding for them, or mount a
    /// projected token with a short expiry and a specific audience.
    ///
    /// ## References
    ///
    /// - CIS Kubernetes Benchmark 5.1.6: ensure that Service Account Tokens are only mounted where necessary
    /// - NSA/CISA Kubernetes Hardening Guide, "Kubernetes Pod security": "Protecting Pod service account tokens"
    /// - kubescape C-0034 "Automatic mapping of service account"
    /// - Kubernetes documentation, "Configure Service Accounts for Pods"
    ///   (<https://kubernetes.io/docs/tasks/configure-pod-container/configure-service-account/>)
    pub static RULE = {
        id: "service-account-token-automount",
        family: Family::Container,
        severity: Severity::Low,
        summary: "Pod may mount a service account token",
        remediation: "Set automountServiceAccountToken: false in the pod spec unless the pod calls the API server.",
        pss: None,
        recommended: true,
        status: RuleStatus::Stable,
        check: Check::PodSpec(check),
    };
}

fn check(pod: &PodSpec<'_, '_, '_>, sink: &mut Sink<'_>) {
    let field = "automountServiceAccountToken";
    let value = pod.spec.get(field);
    if value.and_then(|v| v.as_bool()) == Some(false) {
        return;
    }
    let message = if value.and_then(|v| v.as_bool()) == Some(true) {
        format!(
            "the pod spec sets {field}=true; set it to false unless the pod calls the API server"
        )
    } else {
        format!(
            "the pod spec does not set {field}=false, so the ServiceAccount's setting decides; \
             set it to false unless the pod calls the API server"
        )
    };
    sink.report(pod.locate(&[field]), pod.path(field), message);
}
