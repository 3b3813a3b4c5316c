use std::path::Path;

use kubeward_core::component::Setting;
use kubeward_core::{
    Check, Component, ComponentKind, Family, Inventory, InventorySink, RuleStatus, Severity,
    StoredObject, declare_rule,
};

use crate::rules::common;

/// Kinds of objects that describe etcd or kube-apiserver: static pods,
/// kubeadm's ClusterConfiguration and kind's Cluster.
const KINDS: &[&str] = &["Pod", "ClusterConfiguration", "Cluster"];

declare_rule! {
    /// ## What it checks
    ///
    /// etcd's `--trusted-ca-file` against kube-apiserver's `--client-ca-file`,
    /// when a scan reads both programs from objects in the same directory: the
    /// static pod manifests of one node, or one kubeadm `ClusterConfiguration`
    /// or kind `Cluster`. The same file path means the same certificate
    /// authority, and etcd then trusts it.
    ///
    /// ## Why it matters
    ///
    /// etcd accepts any client whose certificate its trusted CA signed. When
    /// that CA is the cluster's client CA, every certificate the cluster issues
    /// to users, nodes and controllers is also an etcd client certificate. Any
    /// of their holders can then read every Secret and rewrite RBAC in etcd,
    /// bypassing the API server's authorization.
    ///
    /// ## Failing example
    ///
    /// ```yaml
    /// apiVersion: v1
    /// kind: Pod
    /// metadata:
    ///   name: etcd
    ///   namespace: kube-system
    /// spec:
    ///   containers:
    ///     - name: etcd
    ///       image: registry.k8s.io/etcd:3.5.16-0
    ///       command:
    ///         - etcd
    ///         - --client-cert-auth=true
    ///         - --trusted-ca-file=/etc/kubernetes/pki/ca.crt
    /// ---
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
    ///         - --client-ca-file=/etc/kubernetes/pki/ca.crt
    /// ```
    ///
    /// ## Fixed example
    ///
    /// ```yaml
    /// apiVersion: v1
    /// kind: Pod
    /// metadata:
    ///   name: etcd
    ///   namespace: kube-system
    /// spec:
    ///   containers:
    ///     - name: etcd
    ///       image: registry.k8s.io/etcd:3.5.16-0
    ///       command:
    ///         - etcd
    ///         - --client-cert-auth=true
    ///         - --trusted-ca-file=/etc/kubernetes/pki/etcd/ca.crt
    /// ---
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
    ///         - --client-ca-file=/etc/kubernetes/pki/ca.crt
    /// ```
    ///
    /// ## Known limitations
    ///
    /// Paths are compared, not certificates: two files holding the same CA, or
    /// a bundle that contains the client CA among others, are not detected.
    /// Only programs read from Kubernetes objects are compared, within one
    /// directory; etcd and kube-apiserver read from systemd units, saved command
    /// lines, k3s or RKE2 configuration, or running processes (`kubeward node`)
    /// are not.
    ///
    /// ## References
    ///
    /// - CIS Kubernetes Benchmark v1.12 2.7: ensure that a unique Certificate Authority is used for etcd
    /// - PKI certificates and requirements: etcd has its own CA (<https://kubernetes.io/docs/setup/best-practices/certificates/>)
    /// - etcd security model (<https://etcd.io/docs/v3.5/op-guide/security/>)
    pub static RULE = {
        id: "etcd-shared-ca",
        family: Family::Etcd,
        severity: Severity::Medium,
        summary: "etcd trusts the API server's client CA",
        remediation: "Give etcd its own CA in --trusted-ca-file, such as /etc/kubernetes/pki/etcd/ca.crt, separate from the API server's --client-ca-file.",
        pss: None,
        recommended: true,
        status: RuleStatus::Stable,
        check: Check::Inventory { kinds: KINDS, check },
    };
}

/// A component read from a kept object, with the object it came from.
struct Read<'i> {
    object: &'i StoredObject,
    component: Component,
}

fn check(inventory: &Inventory, sink: &mut InventorySink<'_>) {
    let mut etcds = Vec::new();
    let mut api_servers = Vec::new();
    for object in inventory.of_kind(KINDS) {
        for component in object.with_object(crate::from_object) {
            let read = Read { object, component };
            match read.component.kind {
                ComponentKind::Etcd => etcds.push(read),
                ComponentKind::ApiServer => api_servers.push(read),
                _ => {}
            }
        }
    }
    for etcd in &etcds {
        let Some(trusted) = path_setting(&etcd.component, "trusted-ca-file") else {
            continue;
        };
        let shared = api_servers.iter().find_map(|api_server| {
            if directory(api_server.object) != directory(etcd.object) {
                return None;
            }
            path_setting(&api_server.component, "client-ca-file")
                .filter(|client| same_path(&client.value(), &trusted.value()))
                .map(|client| (api_server, client))
        });
        let Some((api_server, client)) = shared else {
            continue;
        };
        sink.report(
            etcd.object,
            trusted.location.pos,
            trusted.location.path.clone(),
            format!(
                "etcd: trusts the API server's client CA: {} is also the `--client-ca-file` of \
                 {} ({}:{}), so every client certificate of the cluster can reach etcd; set \
                 `--trusted-ca-file` to a CA of etcd's own, such as \
                 /etc/kubernetes/pki/etcd/ca.crt",
                common::stated(&etcd.component, trusted),
                api_server.component.label,
                client.location.file,
                client.location.pos.line,
            ),
        );
    }
}

/// Returns the known, non-empty setting `name`.
fn path_setting<'c>(component: &'c Component, name: &str) -> Option<&'c Setting> {
    common::known(component, name).filter(|setting| !setting.value().trim().is_empty())
}

/// Returns the directory of the file `object` was read from.
fn directory(object: &StoredObject) -> Option<&Path> {
    Path::new(&**object.file()).parent()
}

/// Tells whether two paths name the same file, ignoring repeated and trailing
/// slashes and `.` components.
fn same_path(a: &str, b: &str) -> bool {
    Path::new(a.trim())
        .components()
        .eq(Path::new(b.trim()).components())
}
