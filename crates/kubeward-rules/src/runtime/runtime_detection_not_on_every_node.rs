use kubeward_core::yaml::NodeRef;
use kubeward_core::{Check, Family, PodSpec, RuleStatus, Severity, Sink, declare_rule};

use super::sensor;

/// The taint kubeadm and most distributions put on control-plane nodes
/// since Kubernetes 1.24.
const CONTROL_PLANE_TAINT: &str = "node-role.kubernetes.io/control-plane";
/// The effect of that taint.
const CONTROL_PLANE_EFFECT: &str = "NoSchedule";
/// Node labels that select nodes by operating system or architecture, which
/// a sensor built for one platform may use without missing nodes it could
/// run on.
const PLATFORM_LABELS: [&str; 4] = [
    "kubernetes.io/os",
    "kubernetes.io/arch",
    "beta.kubernetes.io/os",
    "beta.kubernetes.io/arch",
];

declare_rule! {
    /// ## What it checks
    ///
    /// Every DaemonSet recognised as a runtime threat detection sensor (by
    /// the images and labels listed under `runtime-detection-missing`)
    /// whose pods cannot run on every node:
    ///
    /// - no toleration tolerates the control-plane taint
    ///   `node-role.kubernetes.io/control-plane:NoSchedule`, matched the
    ///   way the scheduler matches tolerations: an empty `effect` matches
    ///   every effect, an empty `key` with `operator: Exists` matches every
    ///   taint, and `operator: Equal` (the default) needs the taint's empty
    ///   value;
    /// - a `nodeSelector`, or a required node affinity term, selects nodes
    ///   by a label other than `kubernetes.io/os` and `kubernetes.io/arch`.
    ///
    /// ## Why it matters
    ///
    /// A sensor sees only the node it runs on. Control-plane nodes run the
    /// API server, etcd and the controllers, hold the cluster's
    /// credentials, and are what an attacker who escaped a container wants
    /// most; a sensor that skips them leaves the most valuable nodes
    /// unwatched. A node selector has the same effect on every node
    /// without the label, including nodes added later.
    ///
    /// ## Failing example
    ///
    /// ```yaml
    /// apiVersion: apps/v1
    /// kind: DaemonSet
    /// metadata:
    ///   name: falco
    ///   namespace: falco
    /// spec:
    ///   selector:
    ///     matchLabels: {app.kubernetes.io/name: falco}
    ///   template:
    ///     metadata:
    ///       labels: {app.kubernetes.io/name: falco}
    ///     spec:
    ///       nodeSelector:
    ///         node-role.kubernetes.io/worker: ""
    ///       containers:
    ///         - name: falco
    ///           image: docker.io/falcosecurity/falco:0.39.2
    /// ```
    ///
    /// ## Fixed example
    ///
    /// ```yaml
    /// apiVersion: apps/v1
    /// kind: DaemonSet
    /// metadata:
    ///   name: falco
    ///   namespace: falco
    /// spec:
    ///   selector:
    ///     matchLabels: {app.kubernetes.io/name: falco}
    ///   template:
    ///     metadata:
    ///       labels: {app.kubernetes.io/name: falco}
    ///     spec:
    ///       nodeSelector:
    ///         kubernetes.io/os: linux
    ///       tolerations:
    ///         - operator: Exists
    ///       containers:
    ///         - name: falco
    ///           image: docker.io/falcosecurity/falco:0.39.2
    /// ```
    ///
    /// ## Known limitations
    ///
    /// Only the standard control-plane taint is checked. Clusters that
    /// taint other nodes (GPU pools, dedicated tenants) need tolerations
    /// for those taints too, or a toleration with `operator: Exists` and
    /// no key, which tolerates every taint. The legacy
    /// `node-role.kubernetes.io/master` taint, which kubeadm stopped
    /// setting in Kubernetes 1.25, is not required. Preferred (soft) node
    /// affinity is not a restriction and is not reported.
    ///
    /// ## References
    ///
    /// - Kubernetes documentation, "Taints and Tolerations"
    ///   (<https://kubernetes.io/docs/concepts/scheduling-eviction/taint-and-toleration/>)
    /// - Kubernetes documentation, "Well-Known Labels, Annotations and
    ///   Taints": `node-role.kubernetes.io/control-plane`
    /// - NSA/CISA Kubernetes Hardening Guide, "Audit logging and threat
    ///   detection": "Threat detection"
    pub static RULE = {
        id: "runtime-detection-not-on-every-node",
        family: Family::Runtime,
        severity: Severity::Medium,
        summary: "Runtime threat detection sensor does not run on every node",
        remediation: "Tolerate the control-plane taint (or every taint with operator: Exists) and select nodes only by operating system or architecture.",
        pss: None,
        recommended: true,
        status: RuleStatus::Stable,
        check: Check::PodSpec(check),
    };
}

fn check(pod: &PodSpec<'_, '_, '_>, sink: &mut Sink<'_>) {
    if !sensor::is_daemon_set(pod) {
        return;
    }
    let Some(product) = sensor::recognise(pod) else {
        return;
    };
    let tolerations = pod.spec.get("tolerations");
    if !tolerations.is_some_and(|list| list.items().any(tolerates_control_plane)) {
        sink.report(
            pod.locate(&["tolerations"]),
            pod.path("tolerations"),
            format!(
                "{product} runs as this DaemonSet, but no toleration tolerates the taint \
                 {CONTROL_PLANE_TAINT}:{CONTROL_PLANE_EFFECT}, so control-plane nodes go \
                 unwatched; add a toleration for it, or one with operator: Exists and no key"
            ),
        );
    }
    if let Some(selector) = pod.spec.entry("nodeSelector") {
        let keys: Vec<String> = selector
            .value
            .entries()
            .iter()
            .filter_map(|entry| entry.key_str().map(std::borrow::Cow::into_owned))
            .filter(|key| !PLATFORM_LABELS.contains(&key.as_str()))
            .collect();
        if !keys.is_empty() {
            sink.report(
                selector.key.pos(),
                pod.path("nodeSelector"),
                format!(
                    "{product} runs as this DaemonSet, but its nodeSelector ({}) keeps it off \
                     nodes without those labels; select nodes only by kubernetes.io/os or \
                     kubernetes.io/arch",
                    keys.join(", ")
                ),
            );
        }
    }
    check_required_affinity(pod, product, sink);
}

/// Whether a toleration tolerates the control-plane taint, as the
/// scheduler's `ToleratesTaint` decides.
fn tolerates_control_plane(toleration: NodeRef<'_, '_>) -> bool {
    let effect = toleration.get_str("effect").unwrap_or("");
    let key = toleration.get_str("key").unwrap_or("");
    let operator = toleration.get_str("operator").unwrap_or("");
    let value = toleration.get_str("value").unwrap_or("");
    let effect_matches = effect.is_empty() || effect == CONTROL_PLANE_EFFECT;
    let key_matches = key.is_empty() || key == CONTROL_PLANE_TAINT;
    let value_matches = match operator {
        "Exists" => true,
        // The taint has no value. An empty key with Equal is invalid, and
        // the API server rejects it.
        "" | "Equal" => value.is_empty() && !key.is_empty(),
        _ => false,
    };
    effect_matches && key_matches && value_matches
}

/// Reports required node affinity terms that select by labels other than
/// the platform labels.
fn check_required_affinity(pod: &PodSpec<'_, '_, '_>, product: &str, sink: &mut Sink<'_>) {
    let path = [
        "affinity",
        "nodeAffinity",
        "requiredDuringSchedulingIgnoredDuringExecution",
    ];
    let Some(required) = pod.spec.path(&path) else {
        return;
    };
    let mut keys = Vec::new();
    for term in required
        .get("nodeSelectorTerms")
        .into_iter()
        .flat_map(|terms| terms.items())
    {
        for (list, prefix) in [("matchExpressions", ""), ("matchFields", "field ")] {
            for expression in term.get(list).into_iter().flat_map(|list| list.items()) {
                let key = expression.get_str("key").unwrap_or("");
                if prefix.is_empty() && PLATFORM_LABELS.contains(&key) {
                    continue;
                }
                keys.push(format!("{prefix}{key}"));
            }
        }
    }
    if keys.is_empty() {
        return;
    }
    sink.report(
        pod.locate(&path),
        pod.path(&path.join(".")),
        format!(
            "{product} runs as this DaemonSet, but its required node affinity selects nodes by \
             {}, which keeps it off other nodes; select nodes only by kubernetes.io/os or \
             kubernetes.io/arch",
            keys.join(", ")
        ),
    );
}

#[cfg(test)]
mod tests {
    use kubeward_core::yaml::{parse_document, split_documents};

    #[test]
    fn toleration_matching() {
        let cases = [
            ("{operator: Exists}", true),
            ("{operator: Exists, effect: NoSchedule}", true),
            ("{operator: Exists, effect: NoExecute}", false),
            (
                "{key: node-role.kubernetes.io/control-plane, operator: Exists}",
                true,
            ),
            (
                "{key: node-role.kubernetes.io/control-plane, effect: NoSchedule}",
                true,
            ),
            (
                "{key: node-role.kubernetes.io/control-plane, value: x}",
                false,
            ),
            (
                "{key: node-role.kubernetes.io/master, operator: Exists}",
                false,
            ),
            (
                "{key: node-role.kubernetes.io/control-plane, operator: Lt, value: '1'}",
                false,
            ),
            ("{}", false),
        ];
        for (yaml, expected) in cases {
            let chunks = split_documents(yaml);
            let parsed = parse_document(chunks[0]);
            let root = parsed.documents[0].root().expect("the toleration parses");
            assert_eq!(
                super::tolerates_control_plane(root),
                expected,
                "toleration {yaml}"
            );
        }
    }
}
