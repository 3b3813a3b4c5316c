use kubeward_core::{Check, Family, Inventory, InventorySink, RuleStatus, Severity, declare_rule};

use super::admission_policy::{Mode, image_policies};
use crate::cluster_scope::{ClusterScope, anchor_position};

/// The image policy kinds and the pod spec owners, whose namespaces decide
/// whether the scan covers a whole cluster.
const KINDS: [&str; 17] = [
    "ClusterPolicy",
    "Policy",
    "ImageValidatingPolicy",
    "ClusterImagePolicy",
    "RatifyVerification",
    "ValidatingWebhookConfiguration",
    "MutatingWebhookConfiguration",
    "AdmissionConfiguration",
    "Pod",
    "PodTemplate",
    "ReplicationController",
    "Deployment",
    "ReplicaSet",
    "StatefulSet",
    "DaemonSet",
    "Job",
    "CronJob",
];

declare_rule! {
    /// ## What it checks
    ///
    /// Whether anything among the scanned objects verifies image
    /// signatures when pods are admitted:
    ///
    /// - a Kyverno `ClusterPolicy` or `Policy` with `verifyImages`, or an
    ///   `ImageValidatingPolicy`;
    /// - a sigstore policy-controller `ClusterImagePolicy`;
    /// - a Ratify `RatifyVerification` Gatekeeper constraint;
    /// - the webhook configuration of Connaisseur or of kubeward's own
    ///   admission webhook;
    /// - an `AdmissionConfiguration` that configures the kube-apiserver
    ///   `ImagePolicyWebhook` plugin.
    ///
    /// A policy that only audits (Kyverno `Audit`, which is Kyverno's
    /// default, `validationActions` without `Deny`, policy-controller
    /// `mode: warn`, a Gatekeeper `enforcementAction` other than `deny`) is
    /// reported on its mode field when no other policy enforces.
    ///
    /// When there is no policy at all, the rule reports only scans that
    /// describe a whole cluster: workloads in `kube-system`, or in at least
    /// three namespaces. A scan of one application's manifests says nothing
    /// about the cluster's admission controllers. The finding is reported
    /// once, on the `metadata.namespace` of the first `kube-system`
    /// workload, or of the first workload.
    ///
    /// ## Why it matters
    ///
    /// Signing images is worth little if nothing checks the signatures
    /// before the images run. Without an admission-time policy, an image
    /// pushed by a compromised CI job or an attacker with registry access
    /// runs like any other, and so does a workload someone creates by hand
    /// with an image from anywhere. An audit-only policy records the
    /// violation after the pod already runs.
    ///
    /// ## Failing example
    ///
    /// ```yaml
    /// apiVersion: apps/v1
    /// kind: Deployment
    /// metadata:
    ///   name: coredns
    ///   namespace: kube-system
    /// spec:
    ///   selector:
    ///     matchLabels: {k8s-app: kube-dns}
    ///   template:
    ///     metadata:
    ///       labels: {k8s-app: kube-dns}
    ///     spec:
    ///       containers:
    ///         - name: coredns
    ///           image: registry.k8s.io/coredns/coredns:v1.11.3
    /// ```
    ///
    /// ## Fixed example
    ///
    /// ```yaml
    /// apiVersion: apps/v1
    /// kind: Deployment
    /// metadata:
    ///   name: coredns
    ///   namespace: kube-system
    /// spec:
    ///   selector:
    ///     matchLabels: {k8s-app: kube-dns}
    ///   template:
    ///     metadata:
    ///       labels: {k8s-app: kube-dns}
    ///     spec:
    ///       containers:
    ///         - name: coredns
    ///           image: registry.k8s.io/coredns/coredns:v1.11.3
    /// ---
    /// apiVersion: kyverno.io/v1
    /// kind: ClusterPolicy
    /// metadata:
    ///   name: verify-image-signatures
    /// spec:
    ///   rules:
    ///     - name: signed-by-release-key
    ///       match:
    ///         any:
    ///           - resources:
    ///               kinds: [Pod]
    ///       verifyImages:
    ///         - imageReferences: ["registry.example.com/*"]
    ///           failureAction: Enforce
    ///           attestors:
    ///             - entries:
    ///                 - keys:
    ///                     publicKeys: |-
    ///                       -----BEGIN PUBLIC KEY-----
    ///                       MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAE...
    ///                       -----END PUBLIC KEY-----
    /// ```
    ///
    /// ## Known limitations
    ///
    /// The rule sees manifests, not the cluster: a policy installed by
    /// other means is invisible, and a recognised policy may match only
    /// some images or namespaces (policy-controller, for one, checks only
    /// namespaces labelled `policy.sigstore.dev/include: "true"`). Kyverno's
    /// `validationFailureActionOverrides` and Gatekeeper's
    /// `scopedEnforcementActions` are not read. Gatekeeper constraints of
    /// other kinds that call Ratify or a cosign provider are not
    /// recognised. Whether the `ImagePolicyWebhook` plugin is enabled
    /// (`--enable-admission-plugins`) is a kube-apiserver flag that this
    /// rule does not read.
    ///
    /// ## References
    ///
    /// - CIS Kubernetes Benchmark 5.5.1: configure image provenance using
    ///   the ImagePolicyWebhook admission controller
    /// - NSA/CISA Kubernetes Hardening Guide, "Kubernetes Pod security":
    ///   "Building secure container images" (admission controllers that
    ///   allow only signed images)
    /// - Kyverno, "Verify Images Rules"
    ///   (<https://kyverno.io/docs/policy-types/cluster-policy/verify-images/>)
    pub static RULE = {
        id: "image-signature-not-enforced",
        family: Family::SupplyChain,
        severity: Severity::Medium,
        summary: "Nothing verifies image signatures at admission",
        remediation: "Install an admission-time image policy (Kyverno verifyImages, sigstore policy-controller, Ratify, Connaisseur) in enforcing mode.",
        pss: None,
        recommended: true,
        status: RuleStatus::Stable,
        check: Check::Inventory { kinds: &KINDS, check },
    };
}

fn check(inventory: &Inventory, sink: &mut InventorySink<'_>) {
    let policies = image_policies(inventory);
    if policies.iter().any(|policy| policy.mode == Mode::Enforce) {
        return;
    }
    for policy in &policies {
        let Mode::AuditOnly {
            pos,
            path,
            action,
            fix,
        } = &policy.mode
        else {
            continue;
        };
        sink.report(
            policy.object,
            *pos,
            path.clone(),
            format!(
                "{} {} checks image signatures with the action {action}, which admits \
                 unsigned images and only records them, and no other policy enforces; set {fix}",
                policy.engine,
                policy.object.reference.display_name(),
            ),
        );
    }
    if !policies.is_empty() {
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
            "the scanned manifests describe a cluster ({}) but none verifies image signatures \
             at admission; add a Kyverno verifyImages policy, a sigstore ClusterImagePolicy, \
             a Ratify constraint or Connaisseur in enforcing mode",
            scope.describe(),
        ),
    );
}

#[cfg(test)]
mod tests {
    use super::KINDS;
    use crate::cluster_scope::WORKLOAD_KINDS;
    use crate::supply_chain::admission_policy::POLICY_KINDS;

    #[test]
    fn kinds_cover_policies_and_workloads() {
        for kind in POLICY_KINDS.iter().chain(&WORKLOAD_KINDS) {
            assert!(KINDS.contains(kind), "{kind} is not kept");
        }
        assert_eq!(KINDS.len(), POLICY_KINDS.len() + WORKLOAD_KINDS.len());
    }
}
