use kubeward_core::{Check, Family, Inventory, InventorySink, RuleStatus, Severity, declare_rule};

use super::common::{BINDING_KINDS, any_grant, report_permission};
use super::shared::{Collector, replay};
use crate::permission::Permission;

declare_rule! {
    /// ## What it checks
    ///
    /// Every subject that may approve certificate signing requests. The
    /// API server requires two rights for that, both checked without a
    /// namespace and so granted only by ClusterRoleBindings: `update` (or
    /// `patch`) on `certificatesigningrequests/approval`, which this rule
    /// reports, and `approve` on `signers` for the request's signer, which
    /// the subject must hold too. A Group subject is checked with the
    /// rights of that group alone. Subjects that `rbac-cluster-admin`
    /// reports, and the control plane (the certificate controller), are
    /// left out.
    ///
    /// ## Why it matters
    ///
    /// An approved request for the `kubernetes.io/kube-apiserver-client`
    /// signer yields a client certificate for any user name and groups the
    /// requester wrote, `system:masters` included, which no RBAC binding
    /// can take back until the certificate expires.
    ///
    /// ## Failing example
    ///
    /// ```yaml
    /// apiVersion: rbac.authorization.k8s.io/v1
    /// kind: ClusterRole
    /// metadata:
    ///   name: csr-approver
    /// rules:
    ///   - apiGroups: [certificates.k8s.io]
    ///     resources: [certificatesigningrequests/approval]
    ///     verbs: [update]
    ///   - apiGroups: [certificates.k8s.io]
    ///     resources: [signers]
    ///     verbs: [approve]
    /// ---
    /// apiVersion: rbac.authorization.k8s.io/v1
    /// kind: ClusterRoleBinding
    /// metadata:
    ///   name: csr-approver
    /// roleRef:
    ///   apiGroup: rbac.authorization.k8s.io
    ///   kind: ClusterRole
    ///   name: csr-approver
    /// subjects:
    ///   - kind: ServiceAccount
    ///     name: approver
    ///     namespace: pki
    /// ```
    ///
    /// ## Fixed example
    ///
    /// ```yaml
    /// apiVersion: rbac.authorization.k8s.io/v1
    /// kind: ClusterRole
    /// metadata:
    ///   name: csr-approver
    /// rules:
    ///   - apiGroups: [certificates.k8s.io]
    ///     resources: [certificatesigningrequests]
    ///     verbs: [get, list, watch]
    /// ---
    /// apiVersion: rbac.authorization.k8s.io/v1
    /// kind: ClusterRoleBinding
    /// metadata:
    ///   name: csr-approver
    /// roleRef:
    ///   apiGroup: rbac.authorization.k8s.io
    ///   kind: ClusterRole
    ///   name: csr-approver
    /// subjects:
    ///   - kind: ServiceAccount
    ///     name: approver
    ///     namespace: pki
    /// ```
    ///
    /// ## Known limitations
    ///
    /// The signers a subject may approve for are not weighed: approval for
    /// `kubernetes.io/kubelet-serving` alone is much less dangerous than
    /// for `kubernetes.io/kube-apiserver-client`. Members of a Group may
    /// get the `approve` right through other groups, which kubeward does
    /// not know.
    ///
    /// ## References
    ///
    /// - Kubernetes documentation, "Certificates and Certificate Signing Requests": authorization
    /// - Kubernetes documentation, "Role Based Access Control Good Practices": escalation paths
    /// - kubescape rule `rule-can-approve-cert-signing-request`
    pub static RULE = {
        id: "rbac-csr-approve",
        family: Family::Rbac,
        severity: Severity::High,
        summary: "Subject may approve certificate signing requests",
        remediation: "Leave approval to the certificate controller, or limit approve on signers with resourceNames to a signer that cannot issue client certificates.",
        pss: None,
        recommended: true,
        status: RuleStatus::Stable,
        check: Check::Inventory { kinds: BINDING_KINDS, check },
    };
}

fn check(inventory: &Inventory, sink: &mut InventorySink<'_>) {
    replay(inventory, sink, &RULE);
}

pub(super) fn collect(_: &Inventory, sink: &mut Collector<'_, '_>) {
    report_permission(
        sink,
        Permission::ApproveCertificates,
        any_grant,
        true,
        "approved requests can yield client certificates for any user or group",
    );
}
