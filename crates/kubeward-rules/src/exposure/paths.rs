//! The attack graph of an inventory: the exposure model's entry points
//! and open admin UIs, joined with the RBAC and network engines by
//! [`kubeward_paths`].

use std::collections::HashMap;
use std::fmt::Write;

use kubeward_core::{Inventory, StoredObject};
use kubeward_paths::{ExternalEntry, Graph, Inputs, OpenUi, Site};

use super::catalog::Login;
use super::model::{ExposureModel, Field, Tls};

/// Every kind the attack graph reads, for `Check::Inventory` and
/// `kubeward paths`.
pub const KINDS: &[&str] = &[
    "Pod",
    "PodTemplate",
    "ReplicationController",
    "Deployment",
    "ReplicaSet",
    "StatefulSet",
    "DaemonSet",
    "Job",
    "CronJob",
    "Prometheus",
    "Alertmanager",
    "Service",
    "Ingress",
    "IngressClass",
    "Gateway",
    "HTTPRoute",
    "GRPCRoute",
    "TLSRoute",
    "ReferenceGrant",
    "SecurityPolicy",
    "IngressRoute",
    "Middleware",
    "ServiceAccount",
    "Secret",
    "Namespace",
    "Role",
    "ClusterRole",
    "RoleBinding",
    "ClusterRoleBinding",
    "NetworkPolicy",
    "AdminNetworkPolicy",
    "BaselineAdminNetworkPolicy",
];

/// Inventory index by object address.
type Index = HashMap<*const StoredObject, usize>;

/// Builds the attack graph of `inventory`.
pub fn attack_graph(inventory: &Inventory) -> Graph {
    let exposure = ExposureModel::build(inventory);
    let index: Index = inventory
        .objects()
        .iter()
        .enumerate()
        .map(|(i, o)| (std::ptr::from_ref(o), i))
        .collect();
    let entries = external_entries(&exposure, &index);
    let open_uis = open_uis(&exposure, &index);
    let policy = kubeward_rbac::Policy::new(inventory);
    let network_model = kubeward_netpol::Model::build(inventory);
    let network = kubeward_netpol::Analysis::new(&network_model);
    kubeward_paths::build(&Inputs {
        inventory,
        policy: &policy,
        network: &network,
        entries,
        open_uis,
    })
}

fn site(index: &Index, object: &StoredObject, field: &Field) -> Option<Site> {
    Some(Site {
        object: *index.get(&std::ptr::from_ref(object))?,
        file: object.file().to_string(),
        pos: field.pos,
        path: field.path.clone(),
    })
}

/// One entry per exposure: the way in, the workload it lands on, and the
/// protections missing in front.
fn external_entries(exposure: &ExposureModel<'_>, index: &Index) -> Vec<ExternalEntry> {
    let mut entries = Vec::new();
    for way in &exposure.exposures {
        let entry = exposure.entry(way);
        let workload = exposure.workload(way);
        let (Some(entry_site), Some(&workload_index)) = (
            site(index, entry.object, &entry.at),
            index.get(&std::ptr::from_ref(workload.object)),
        ) else {
            continue;
        };
        let ui = exposure.ui_port(way).and_then(|_| {
            let container = &workload.containers[way.container?];
            container.ui.as_ref()
        });
        let mut reason = format!("{} forwards to {}", entry.label, workload.describe());
        if let Some(ui) = ui {
            let _ = write!(reason, ", which serves {}", ui.ui.name);
        }
        let mut missing = Vec::new();
        if exposure.auth(way).is_none() {
            missing.push("no authentication in front");
        }
        if exposure.plain_http(way).is_some() || matches!(entry.protection.tls, Some(Tls::Plain(_)))
        {
            missing.push("plain HTTP");
        }
        if entry.protection.source.is_none() {
            missing.push("any source address");
        }
        if !missing.is_empty() {
            let _ = write!(reason, " ({})", missing.join(", "));
        }
        entries.push(ExternalEntry {
            label: entry.label.clone(),
            site: entry_site,
            workload: workload_index,
            reason,
            rule: if ui.is_some() {
                "admin-ui-exposed"
            } else {
                "external-entry-point"
            },
        });
    }
    entries
}

/// The workloads serving an admin UI that lets requests in without a
/// login and acts with the workload's ServiceAccount.
fn open_uis(exposure: &ExposureModel<'_>, index: &Index) -> Vec<OpenUi> {
    let mut out = Vec::new();
    for workload in &exposure.workloads {
        let Some(&workload_index) = index.get(&std::ptr::from_ref(workload.object)) else {
            continue;
        };
        for (_, ui) in workload.uis() {
            if !ui.ui.acts_as_service_account() || !ui.settings.login.is_open() {
                continue;
            }
            let field = match &ui.settings.login {
                Login::Disabled { field, .. } => field,
                _ => &workload.spec_field,
            };
            let Some(ui_site) = site(index, workload.object, field) else {
                continue;
            };
            out.push(OpenUi {
                workload: workload_index,
                reason: format!(
                    "{} serves {}, and {}",
                    workload.describe(),
                    ui.ui.name,
                    ui.settings.login.describe()
                ),
                site: ui_site,
                rule: if ui.ui.is_dashboard() {
                    "dashboard-no-login"
                } else {
                    "admin-ui-login-disabled"
                },
            });
        }
    }
    out
}
