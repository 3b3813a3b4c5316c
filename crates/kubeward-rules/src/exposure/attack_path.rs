use kubeward_core::{Check, Family, Inventory, InventorySink, RuleStatus, Severity, declare_rule};
use kubeward_paths::{Path, Target, render};

use super::paths::{KINDS, attack_graph};

declare_rule! {
    /// ## What it checks
    ///
    /// Every complete attack path: a chain of steps from an entry point
    /// to a target, where each step is a weakness of the input.
    ///
    /// - Entry points: a NodePort or LoadBalancer Service, `externalIPs`,
    ///   a host port, an Ingress, a Gateway API route or a Traefik
    ///   IngressRoute that forwards to a workload; any compromised pod,
    ///   which reaches every workload that no NetworkPolicy isolates;
    ///   anonymous requests to the API server.
    /// - Steps: network access to an admin UI that acts as its
    ///   ServiceAccount without a login; code execution in an exposed
    ///   workload (through a flaw in its application); the ServiceAccount
    ///   token the pods mount; the dangerous permissions bound to an
    ///   identity, and what each allows next (creating pods, exec, token
    ///   creation, reading token Secrets, escalate and bind,
    ///   impersonation).
    /// - Targets: cluster-admin, every Secret, the node (a privileged
    ///   container, `hostPID`, a host path of the node's system
    ///   directories, or creating such a pod), and etcd's data.
    ///
    /// There is one finding per entry point and target, on the first
    /// object of the path, for the cheapest path: paths that need no
    /// application flaw come before those that do, then shorter ones.
    /// `kubeward paths` prints every step with its reason and place.
    ///
    /// ## Why it matters
    ///
    /// Single findings rate one object at a time. A Dashboard without a
    /// login is one medium finding, a missing NetworkPolicy another, and a
    /// ServiceAccount bound to `cluster-admin` a third; together they let
    /// any pod of the cluster, or anyone on the internet, take over the
    /// cluster. Breaking any step of the chain breaks the path.
    ///
    /// ## Failing example
    ///
    /// ```yaml
    /// apiVersion: v1
    /// kind: ServiceAccount
    /// metadata:
    ///   name: kubernetes-dashboard
    ///   namespace: kube-system
    /// ---
    /// apiVersion: rbac.authorization.k8s.io/v1
    /// kind: ClusterRoleBinding
    /// metadata:
    ///   name: kubernetes-dashboard
    /// roleRef:
    ///   apiGroup: rbac.authorization.k8s.io
    ///   kind: ClusterRole
    ///   name: cluster-admin
    /// subjects:
    ///   - kind: ServiceAccount
    ///     name: kubernetes-dashboard
    ///     namespace: kube-system
    /// ---
    /// apiVersion: apps/v1
    /// kind: Deployment
    /// metadata:
    ///   name: kubernetes-dashboard
    ///   namespace: kube-system
    /// spec:
    ///   selector:
    ///     matchLabels: {k8s-app: kubernetes-dashboard}
    ///   template:
    ///     metadata:
    ///       labels: {k8s-app: kubernetes-dashboard}
    ///     spec:
    ///       serviceAccountName: kubernetes-dashboard
    ///       containers:
    ///         - name: kubernetes-dashboard
    ///           image: gcr.io/google_containers/kubernetes-dashboard-amd64:v1.6.3
    ///           ports:
    ///             - containerPort: 9090
    /// ```
    ///
    /// ## Fixed example
    ///
    /// ```yaml
    /// apiVersion: v1
    /// kind: ServiceAccount
    /// metadata:
    ///   name: kubernetes-dashboard
    ///   namespace: kube-system
    /// ---
    /// apiVersion: apps/v1
    /// kind: Deployment
    /// metadata:
    ///   name: kubernetes-dashboard
    ///   namespace: kube-system
    /// spec:
    ///   selector:
    ///     matchLabels: {k8s-app: kubernetes-dashboard}
    ///   template:
    ///     metadata:
    ///       labels: {k8s-app: kubernetes-dashboard}
    ///     spec:
    ///       serviceAccountName: kubernetes-dashboard
    ///       automountServiceAccountToken: false
    ///       containers:
    ///         - name: kubernetes-dashboard
    ///           image: kubernetesui/dashboard:v2.7.0
    ///           args: [--auto-generate-certificates]
    ///           ports:
    ///             - containerPort: 8443
    /// ```
    ///
    /// ## Known limitations
    ///
    /// Only what the manifests show is known: an entry point's reach from
    /// the internet, the API server's `--anonymous-auth` and admission
    /// plugins other than Pod Security admission labels, and cloud IAM
    /// are not. AdminNetworkPolicies are not followed: a pod they cover
    /// counts as isolated. A NetworkPolicy that allows every pod on some
    /// ports counts as allowing the admin UI's port. Code execution
    /// through an exposed application is assumed possible for every
    /// exposed workload and ranked below paths that need no flaw.
    ///
    /// ## References
    ///
    /// - NSA/CISA Kubernetes Hardening Guide, "Threat model" and "Authentication and authorization"
    /// - Microsoft Threat Matrix for Kubernetes: "Exposed sensitive interfaces", "Access cloud resources", "Privileged container"
    /// - CVE-2018-18264: Dashboard before v1.10.1 lets users skip the login and use its service account
    pub static RULE = {
        id: "attack-path",
        family: Family::Exposure,
        severity: Severity::High,
        summary: "An entry point leads step by step to cluster-admin, all Secrets, a node or etcd",
        remediation: "Break the path at its cheapest step: isolate the workload with a NetworkPolicy, put authentication in front, stop mounting the token, or remove the binding; `kubeward paths` shows every step.",
        pss: None,
        recommended: true,
        status: RuleStatus::Stable,
        check: Check::Inventory { kinds: KINDS, check },
    };
}

fn check(inventory: &Inventory, sink: &mut InventorySink<'_>) {
    let graph = attack_graph(inventory);
    let paths = graph.paths();
    let total = paths.len();
    for (rank, path) in paths.iter().enumerate() {
        // The finding goes on the first step that an object of the input
        // is behind; a path with none (only built-in objects) is skipped.
        let Some(site) = path
            .steps
            .iter()
            .find_map(|&step| graph.edges[step].site.as_ref())
        else {
            continue;
        };
        let Some(object) = inventory.objects().get(site.object) else {
            continue;
        };
        let message = format!(
            "attack path {} of {total}: {}: {}; run `kubeward paths` for the reason behind each step",
            rank + 1,
            render::headline(&graph, path),
            render::chain(&graph, path)
        );
        let finding = sink.report(object, site.pos, site.path.clone(), message);
        finding.severity = severity(path);
    }
}

/// Critical for a path to cluster-wide control that needs no application
/// flaw; lower for the node alone, and for paths that need a flaw.
fn severity(path: &Path) -> Severity {
    match (path.target, path.exploit) {
        (Target::Node, false)
        | (Target::ClusterAdmin | Target::Etcd | Target::AllSecrets, true) => Severity::High,
        (Target::Node, true) => Severity::Medium,
        (_, false) => Severity::Critical,
    }
}
