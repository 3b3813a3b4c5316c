//! The RBAC policy every kubeadm cluster has before anyone applies a
//! manifest: the roles and bindings kube-apiserver creates at startup
//! (`cluster-admin`, `admin`, `edit`, `view`, the `system:` roles of the
//! control plane and of each controller), and those `kubeadm init` adds.
//!
//! The policy is kept as YAML in `src/bootstrap/` and read once per
//! process with kubeward's own reader, so the same code reads it and the
//! input. Manifests that define a role or binding of the same kind,
//! namespace and name replace the built-in one, as an applied object
//! replaces the one in the cluster.
//!
//! NOTE: the files follow Kubernetes v1.34 and kubeadm v1.37. Roles change
//! between releases (new controllers, new resources in `view`), so a
//! cluster of another version differs in details.

use std::collections::HashSet;
use std::sync::{Arc, OnceLock};

use kubeward_core::{Inventory, KindSet, ScanOptions, ScanPlan, scan_text_with};

use crate::identity::{ANONYMOUS, is_broad_group};
use crate::model::{Origin, SubjectKind};
use crate::parse::{RbacKind, rbac_kind, read_binding};

/// The files of the built-in policy: name and text.
pub const FILES: &[(&str, &str)] = &[
    (
        "cluster-roles.yaml",
        include_str!("bootstrap/cluster-roles.yaml"),
    ),
    (
        "cluster-role-bindings.yaml",
        include_str!("bootstrap/cluster-role-bindings.yaml"),
    ),
    (
        "controller-roles.yaml",
        include_str!("bootstrap/controller-roles.yaml"),
    ),
    (
        "controller-role-bindings.yaml",
        include_str!("bootstrap/controller-role-bindings.yaml"),
    ),
    (
        "namespace-roles.yaml",
        include_str!("bootstrap/namespace-roles.yaml"),
    ),
    ("kubeadm.yaml", include_str!("bootstrap/kubeadm.yaml")),
];

/// File name prefix of built-in objects, as findings and answers show it.
pub const FILE_PREFIX: &str = "<built-in>/";

/// The built-in policy's objects, read on first use.
pub fn inventory() -> &'static Inventory {
    static INVENTORY: OnceLock<Inventory> = OnceLock::new();
    INVENTORY.get_or_init(|| {
        let plan = ScanPlan {
            rules: &[],
            options: ScanOptions::default(),
            keep: KindSet::all(),
        };
        let mut stored = Vec::new();
        for (name, text) in FILES {
            let file: Arc<str> = Arc::from(format!("{FILE_PREFIX}{name}"));
            stored.extend(scan_text_with(&file, text, &plan).stored);
        }
        Inventory::new(stored)
    })
}

/// A subject by kind, name and namespace, owned.
type SubjectKey = (SubjectKind, String, Option<String>);

/// The subjects that the built-in bindings name, other than the groups
/// that stand for many principals (`system:authenticated`,
/// `system:serviceaccounts`, ...) and `system:anonymous`. These are the
/// control plane: `system:masters`, the controller manager, scheduler,
/// kube-proxy and kubelets, the controllers' ServiceAccounts in
/// kube-system, kubeadm's bootstrap tokens and CoreDNS. Their powerful
/// grants are expected and not findings.
pub fn control_plane_subjects() -> &'static HashSet<SubjectKey> {
    static SUBJECTS: OnceLock<HashSet<SubjectKey>> = OnceLock::new();
    SUBJECTS.get_or_init(|| {
        let mut subjects = HashSet::new();
        for object in inventory().objects() {
            let Some(RbacKind::Binding(kind)) =
                rbac_kind(&object.reference.api_version, object.kind())
            else {
                continue;
            };
            let origin = Origin {
                object,
                builtin: true,
            };
            let Some(binding) = read_binding(kind, origin, &mut Vec::new()) else {
                continue;
            };
            for subject in &binding.subjects {
                let broad = match subject.kind {
                    SubjectKind::Group => is_broad_group(subject.name),
                    SubjectKind::User => subject.name == ANONYMOUS,
                    _ => false,
                };
                if broad {
                    continue;
                }
                let resolved = subject.resolve(&binding);
                subjects.insert((
                    resolved.kind,
                    resolved.name.to_owned(),
                    resolved.namespace.map(str::to_owned),
                ));
            }
        }
        subjects
    })
}
