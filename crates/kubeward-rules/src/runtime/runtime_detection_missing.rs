use kubeward_core::{
    Check, Family, Inventory, InventorySink, PodSpec, RuleStatus, Severity, declare_rule,
};

use super::sensor;
use crate::cluster_scope::{ClusterScope, WORKLOAD_KINDS, anchor_position};

declare_rule! {
    /// ## What it checks
    ///
    /// Whether the scanned manifests deploy a runtime threat detection
    /// sensor as a DaemonSet: Falco, Tetragon, KubeArmor, Tracee, the
    /// Sysdig agent, the NeuVector or Aqua enforcer, the Prisma Cloud
    /// Defender or the CrowdStrike Falcon sensor. Sensors are recognised by
    /// their container images (by repository name, on any registry) or by
    /// an `app.kubernetes.io/name`, `app`, `k8s-app` or `name` label naming
    /// them.
    ///
    /// The rule reports only scans that describe a whole cluster:
    /// workloads in `kube-system`, or in at least three namespaces. A scan
    /// of one application's manifests says nothing about what else runs in
    /// the cluster. The finding is reported once, on the
    /// `metadata.namespace` of the first `kube-system` workload, or of the
    /// first workload. Whether the sensor reaches every node is the
    /// `runtime-detection-not-on-every-node` rule's.
    ///
    /// ## Why it matters
    ///
    /// Admission controls and hardened pod specs decide what may start. A
    /// runtime sensor watches what containers do afterwards (a shell in a
    /// web server, a write to a binary directory, a read of service
    /// account tokens, a connection to a mining pool) and is often the
    /// only way to notice an exploited application or a compromised
    /// image. Without one, an intrusion shows up in the bill or in the
    /// news.
    ///
    /// ## Failing example
    ///
    /// ```yaml
    /// apiVersion: apps/v1
    /// kind: DaemonSet
    /// metadata:
    ///   name: kube-proxy
    ///   namespace: kube-system
    /// spec:
    ///   selector:
    ///     matchLabels: {k8s-app: kube-proxy}
    ///   template:
    ///     metadata:
    ///       labels: {k8s-app: kube-proxy}
    ///     spec:
    ///       containers:
    ///         - name: kube-proxy
    ///           image: registry.k8s.io/kube-proxy:v1.31.2
    /// ```
    ///
    /// ## Fixed example
    ///
    /// ```yaml
    /// apiVersion: apps/v1
    /// kind: DaemonSet
    /// metadata:
    ///   name: kube-proxy
    ///   namespace: kube-system
    /// spec:
    ///   selector:
    ///     matchLabels: {k8s-app: kube-proxy}
    ///   template:
    ///     metadata:
    ///       labels: {k8s-app: kube-proxy}
    ///     spec:
    ///       containers:
    ///         - name: kube-proxy
    ///           image: registry.k8s.io/kube-proxy:v1.31.2
    /// ---
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
    ///       tolerations:
    ///         - key: node-role.kubernetes.io/control-plane
    ///           operator: Exists
    ///           effect: NoSchedule
    ///       containers:
    ///         - name: falco
    ///           image: docker.io/falcosecurity/falco:0.39.2
    /// ```
    ///
    /// ## Known limitations
    ///
    /// A sensor installed outside the scanned manifests (a managed
    /// service, a node image, another repository) is invisible, and a
    /// sensor whose image and labels are both renamed is not recognised;
    /// suppress the finding with a reason. The rule does not check the
    /// sensor's own configuration, such as which rules Falco loads or
    /// where it sends alerts. The kubelet's `seccompDefault` setting, the
    /// other runtime control, is checked by the `kubelet` family.
    ///
    /// ## References
    ///
    /// - NSA/CISA Kubernetes Hardening Guide, "Audit logging and threat
    ///   detection": "Threat detection"
    /// - Kubernetes documentation, "Security Checklist": runtime monitoring
    ///   (<https://kubernetes.io/docs/concepts/security/security-checklist/>)
    pub static RULE = {
        id: "runtime-detection-missing",
        family: Family::Runtime,
        severity: Severity::Medium,
        summary: "No runtime threat detection sensor is deployed",
        remediation: "Deploy a runtime threat detection sensor (Falco, Tetragon, KubeArmor or similar) as a DaemonSet that tolerates every node's taints.",
        pss: None,
        recommended: true,
        status: RuleStatus::Stable,
        check: Check::Inventory { kinds: &WORKLOAD_KINDS, check },
    };
}

fn check(inventory: &Inventory, sink: &mut InventorySink<'_>) {
    let has_sensor = inventory.of_kind(&["DaemonSet"]).any(|object| {
        object.with_object(|view| {
            PodSpec::of(view)
                .filter(sensor::is_daemon_set)
                .and_then(|pod| sensor::recognise(&pod))
                .is_some()
        })
    });
    if has_sensor {
        return;
    }
    let scope = ClusterScope::of(inventory);
    if !scope.is_cluster() {
        return;
    }
    let Some(anchor) = scope.anchor() else {
        return;
    };
    let (pos, path) = anchor_position(anchor);
    sink.report(
        anchor,
        pos,
        path,
        format!(
            "the scanned manifests describe a cluster ({}) but deploy no runtime threat \
             detection sensor; run Falco, Tetragon, KubeArmor or a similar sensor as a \
             DaemonSet on every node",
            scope.describe(),
        ),
    );
}
