use kubeward_core::{Check, Family, Object, RuleStatus, Severity, Sink, declare_rule};

declare_rule! {
    /// ## What it checks
    ///
    /// Objects whose `metadata.namespace` is explicitly `default`, for the
    /// namespaced kinds of the built-in API groups that people write
    /// manifests for: workloads and their pods, Services, ConfigMaps,
    /// Secrets, ServiceAccounts, PersistentVolumeClaims, Roles and
    /// RoleBindings, Ingresses, NetworkPolicies, PodDisruptionBudgets,
    /// HorizontalPodAutoscalers, LimitRanges, ResourceQuotas and the
    /// Gateway API routes. The `kubernetes` Service, which the API server
    /// itself keeps in `default`, is not reported.
    ///
    /// ## Why it matters
    ///
    /// Namespaces are the unit of RBAC, network policy, resource quota and
    /// Pod Security admission. The `default` namespace is shared by
    /// everything that forgot to name one, rarely has any of these
    /// controls, and is where users land without `-n`, so workloads there
    /// are exposed to more people and to each other.
    ///
    /// ## Failing example
    ///
    /// ```yaml
    /// apiVersion: v1
    /// kind: Service
    /// metadata:
    ///   name: api
    ///   namespace: default
    /// spec:
    ///   selector: {app: api}
    ///   ports:
    ///     - port: 80
    ///       targetPort: 8080
    /// ```
    ///
    /// ## Fixed example
    ///
    /// ```yaml
    /// apiVersion: v1
    /// kind: Service
    /// metadata:
    ///   name: api
    ///   namespace: payments
    /// spec:
    ///   selector: {app: api}
    ///   ports:
    ///     - port: 80
    ///       targetPort: 8080
    /// ```
    ///
    /// ## Known limitations
    ///
    /// Objects without `metadata.namespace` are not reported. They go to
    /// the namespace that `kubectl -n`, Helm `--namespace`, a kustomization
    /// or the current kubeconfig context gives them at apply time. The
    /// manifest does not show which, and reporting them would flag nearly
    /// every chart and kustomize base. Custom resources and kinds of other API
    /// groups are not reported, because the scan cannot tell whether they
    /// are namespaced.
    ///
    /// ## References
    ///
    /// - CIS Kubernetes Benchmark 5.7.4: the default namespace should not be used
    /// - NSA/CISA Kubernetes Hardening Guide, "Network separation and hardening": "Namespaces"
    /// - kube-linter `use-namespace`; kubescape C-0061 "Pods in default namespace"
    pub static RULE = {
        id: "default-namespace",
        family: Family::Container,
        severity: Severity::Low,
        summary: "Object is placed in the default namespace",
        remediation: "Put the object in a namespace of its own application or team.",
        pss: None,
        recommended: true,
        status: RuleStatus::Stable,
        check: Check::Object(check),
    };
}

/// Namespaced kinds by API group. Endpoints, EndpointSlices, Events and
/// Leases are left out: controllers create them, not manifests.
const NAMESPACED_KINDS: &[(&str, &[&str])] = &[
    (
        "",
        &[
            "Pod",
            "PodTemplate",
            "ReplicationController",
            "Service",
            "ConfigMap",
            "Secret",
            "ServiceAccount",
            "PersistentVolumeClaim",
            "LimitRange",
            "ResourceQuota",
        ],
    ),
    (
        "apps",
        &[
            "Deployment",
            "ReplicaSet",
            "StatefulSet",
            "DaemonSet",
            "ControllerRevision",
        ],
    ),
    (
        "extensions",
        &[
            "Deployment",
            "ReplicaSet",
            "DaemonSet",
            "Ingress",
            "NetworkPolicy",
        ],
    ),
    ("batch", &["Job", "CronJob"]),
    ("networking.k8s.io", &["Ingress", "NetworkPolicy"]),
    ("policy", &["PodDisruptionBudget"]),
    ("rbac.authorization.k8s.io", &["Role", "RoleBinding"]),
    ("autoscaling", &["HorizontalPodAutoscaler"]),
    (
        "gateway.networking.k8s.io",
        &[
            "Gateway",
            "HTTPRoute",
            "GRPCRoute",
            "TCPRoute",
            "TLSRoute",
            "UDPRoute",
            "ReferenceGrant",
        ],
    ),
];

fn check(object: &Object<'_, '_>, sink: &mut Sink<'_>) {
    if object.reference.namespace.as_deref() != Some("default") {
        return;
    }
    let group = object.api_group();
    let kind = object.kind();
    let is_namespaced = NAMESPACED_KINDS
        .iter()
        .any(|(g, kinds)| *g == group && kinds.contains(&kind));
    if !is_namespaced {
        return;
    }
    let is_api_server_service = group.is_empty()
        && kind == "Service"
        && object.reference.name.as_deref() == Some("kubernetes");
    if is_api_server_service {
        return;
    }
    let Some(entry) = object
        .root
        .get("metadata")
        .and_then(|metadata| metadata.entry("namespace"))
    else {
        return;
    };
    sink.report(
        entry.key.pos(),
        "metadata.namespace",
        format!(
            "{kind} is placed in the default namespace; use a namespace of its own application"
        ),
    );
}
