use kubeward_core::{Check, Family, Inventory, InventorySink, RuleStatus, Severity, declare_rule};

use kubeward_core::{Component, ComponentKind, StoredObject};

use crate::rules::common;

declare_rule! {
    /// ## What it checks
    ///
    /// An API server among the inputs that accepts anonymous requests (its
    /// effective `--anonymous-auth` is true), together with a RoleBinding or
    /// ClusterRoleBinding among the inputs whose subjects include the user
    /// `system:anonymous` or the group `system:unauthenticated`. The API
    /// servers come from static pod manifests, kubeadm `ClusterConfiguration`
    /// and kind `Cluster` objects. The Kubernetes defaults that grant
    /// unauthenticated callers health and version information (
    /// `system:public-info-viewer`) and kubeadm's `cluster-info` access in `kube-public` are
    /// not reported.
    ///
    /// ## Why it matters
    ///
    /// Each half alone is common and harmless; together they give anyone who
    /// can reach the API server the rights of the binding, with no credentials
    /// at all. This is how clusters leak Secrets to the internet.
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
    ///         - --anonymous-auth=true
    ///         - --authorization-mode=Node,RBAC
    /// ---
    /// apiVersion: rbac.authorization.k8s.io/v1
    /// kind: ClusterRoleBinding
    /// metadata:
    ///   name: anonymous-view
    /// roleRef:
    ///   apiGroup: rbac.authorization.k8s.io
    ///   kind: ClusterRole
    ///   name: view
    /// subjects:
    ///   - apiGroup: rbac.authorization.k8s.io
    ///     kind: User
    ///     name: system:anonymous
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
    ///         - --anonymous-auth=false
    ///         - --authorization-mode=Node,RBAC
    /// ---
    /// apiVersion: rbac.authorization.k8s.io/v1
    /// kind: ClusterRoleBinding
    /// metadata:
    ///   name: anonymous-view
    /// roleRef:
    ///   apiGroup: rbac.authorization.k8s.io
    ///   kind: ClusterRole
    ///   name: view
    /// subjects:
    ///   - apiGroup: rbac.authorization.k8s.io
    ///     kind: User
    ///     name: system:anonymous
    /// ```
    ///
    /// ## Known limitations
    ///
    /// Only subjects are matched; what the bound role allows is not read. An
    /// API server configured elsewhere than the scanned inputs (a systemd unit,
    /// a k3s configuration) is not paired with bindings, and bindings without
    /// an API server among the inputs are not reported by this rule.
    ///
    /// ## References
    ///
    /// - CIS Kubernetes Benchmark v1.12 1.2.1: ensure that the --anonymous-auth argument is set to false
    /// - Kubernetes RBAC: default roles and role bindings (<https://kubernetes.io/docs/reference/access-authn-authz/rbac/#default-roles-and-role-bindings>)
    /// - NSA/CISA Kubernetes Hardening Guide: "Authentication and authorization"
    pub static RULE = {
        id: "api-server-anonymous-bindings",
        family: Family::ApiServer,
        severity: Severity::Critical,
        summary: "Anonymous requests are enabled and RBAC grants them rights",
        remediation: "Set --anonymous-auth=false on kube-apiserver, or remove the bindings for system:anonymous and system:unauthenticated.",
        pss: None,
        recommended: true,
        status: RuleStatus::Stable,
        check: Check::Inventory {
            kinds: KINDS,
            check,
        },
    };
}

fn check(inventory: &Inventory, sink: &mut InventorySink<'_>) {
    let servers: Vec<(String, Component)> = inventory
        .of_kind(&["Pod", "ClusterConfiguration", "Cluster"])
        .flat_map(|stored| {
            let components = stored.with_object(crate::from_object);
            components
                .into_iter()
                .filter(|c| c.kind == ComponentKind::ApiServer)
                .map(|c| (stored.file().to_string(), c))
                .collect::<Vec<_>>()
        })
        .filter(|(_, c)| {
            common::known(c, "anonymous-auth").and_then(kubeward_core::component::Setting::as_bool)
                == Some(true)
        })
        .collect();
    let Some((file, server)) = servers.first() else {
        return;
    };
    for binding in inventory.of_kind(&["RoleBinding", "ClusterRoleBinding"]) {
        if binding.reference.api_version.split('/').next() != Some("rbac.authorization.k8s.io") {
            continue;
        }
        if is_default_grant(binding) {
            continue;
        }
        let root = binding.root();
        let subjects = root.get("subjects");
        for (index, subject) in subjects
            .iter()
            .flat_map(kubeward_yaml::NodeRef::items)
            .enumerate()
        {
            let (Some(kind), Some(name)) = (subject.get_str("kind"), subject.get_str("name"))
            else {
                continue;
            };
            let anonymous = matches!(
                (kind, name),
                ("User", "system:anonymous")
                    | ("Group", "system:unauthenticated" | "system:anonymous")
            );
            if !anonymous {
                continue;
            }
            let role = root
                .get("roleRef")
                .and_then(|r| r.get_str("name"))
                .unwrap_or("<unknown>");
            let setting = common::known(server, "anonymous-auth");
            let origin = setting.map_or_else(String::new, |s| common::stated(server, s));
            sink.report(
                binding,
                subject.pos(),
                format!("subjects[{index}]"),
                format!(
                    "grants role {role} to {kind} {name}, and the API server in {file} accepts \
                     anonymous requests ({origin}): anyone who reaches it gets these rights \
                     without credentials; remove the subject or set `--anonymous-auth=false`"
                ),
            );
        }
    }
}

/// The kinds this rule reads: objects that describe API servers, and
/// bindings.
const KINDS: &[&str] = &[
    "Pod",
    "ClusterConfiguration",
    "Cluster",
    "RoleBinding",
    "ClusterRoleBinding",
];

/// Whether a binding is one of the grants Kubernetes and kubeadm make to
/// unauthenticated callers in every cluster: health and version
/// information, and the `cluster-info` ConfigMap that joining nodes read.
fn is_default_grant(binding: &StoredObject) -> bool {
    let role = binding
        .root()
        .get("roleRef")
        .and_then(|r| r.get_str("name"))
        .unwrap_or("");
    matches!(
        role,
        "system:public-info-viewer" | "system:discovery" | "system:basic-user"
    ) || (binding.namespace() == Some("kube-public")
        && role == "kubeadm:bootstrap-signer-clusterinfo")
}
