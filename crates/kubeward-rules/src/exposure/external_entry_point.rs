use std::collections::HashMap;

use kubeward_core::{Check, Family, Inventory, InventorySink, RuleStatus, Severity, declare_rule};

use super::model::{EntryKind, ExposureModel, KINDS};
use super::services::ServiceType;

declare_rule! {
    /// ## What it checks
    ///
    /// Every place where traffic from outside the cluster enters, whatever
    /// runs behind it: each NodePort or LoadBalancer Service and each
    /// Service with `externalIPs` (even one that selects no pods in the
    /// input: its ports are open all the same), and each Ingress path,
    /// Gateway API route rule, Traefik IngressRoute route, `hostPort` and
    /// `hostNetwork` pod port that leads to a workload in the input. The
    /// finding names the workloads behind the entry.
    ///
    /// This is an inventory for review and for attack-path analysis, not
    /// a fault: it is off in the `recommended` profile. Admin UIs behind
    /// such entries are the other `exposure` rules' findings.
    ///
    /// ## Why it matters
    ///
    /// Every entry point is attack surface that someone must own: a
    /// forgotten NodePort or a test Ingress is how workloads meant to be
    /// internal end up on the internet.
    ///
    /// ## Failing example
    ///
    /// ```yaml
    /// apiVersion: v1
    /// kind: Service
    /// metadata:
    ///   name: orders
    ///   namespace: shop
    /// spec:
    ///   type: NodePort
    ///   selector: {app: orders}
    ///   ports:
    ///     - port: 80
    ///       targetPort: 8080
    ///       nodePort: 30080
    /// ```
    ///
    /// ## Fixed example
    ///
    /// ```yaml
    /// apiVersion: v1
    /// kind: Service
    /// metadata:
    ///   name: orders
    ///   namespace: shop
    /// spec:
    ///   selector: {app: orders}
    ///   ports:
    ///     - port: 80
    ///       targetPort: 8080
    /// ```
    ///
    /// ## Known limitations
    ///
    /// Ingress, Gateway and IngressRoute backends that are not Services of
    /// the input are not listed, because the controller serves nothing
    /// there. Whether the nodes or load balancers are reachable from the
    /// internet at all is not known from manifests.
    ///
    /// ## References
    ///
    /// - NSA/CISA Kubernetes Hardening Guide, "Network separation and hardening"
    /// - kube-linter `exposed-services`; kubescape rule `exposure-to-internet`
    pub static RULE = {
        id: "external-entry-point",
        family: Family::Exposure,
        severity: Severity::Info,
        summary: "Workloads are reachable from outside the cluster here",
        remediation: "Confirm that this entry point is meant to be public; make internal Services ClusterIP and remove test routes.",
        pss: None,
        recommended: false,
        status: RuleStatus::Stable,
        check: Check::Inventory { kinds: KINDS, check },
    };
}

fn check(inventory: &Inventory, sink: &mut InventorySink<'_>) {
    let model = ExposureModel::build(inventory);
    report_services(&model, sink);
    report_routes(&model, sink);
}

/// One finding per published Service, whether or not it selects pods.
fn report_services(model: &ExposureModel<'_>, sink: &mut InventorySink<'_>) {
    for (index, service) in model.services.iter().enumerate() {
        let mut places = Vec::new();
        match service.kind {
            ServiceType::NodePort => places.push((
                service
                    .type_field
                    .clone()
                    .unwrap_or_else(|| service.spec_field.clone()),
                "opens its ports on every node",
            )),
            ServiceType::LoadBalancer => places.push((
                service
                    .type_field
                    .clone()
                    .unwrap_or_else(|| service.spec_field.clone()),
                "asks for a load balancer and opens its ports on every node",
            )),
            ServiceType::ClusterIp | ServiceType::ExternalName => {}
        }
        if let Some(field) = &service.external_ips {
            if service.kind != ServiceType::ExternalName {
                places.push((field.clone(), "accepts traffic on its external IPs"));
            }
        }
        if places.is_empty() {
            continue;
        }
        let behind = if service.selector.is_none() {
            "it has no selector, so what it reaches is managed outside the manifests".to_owned()
        } else {
            let selected: Vec<String> = model
                .selected(index)
                .iter()
                .map(|&w| model.workloads[w].describe())
                .collect();
            if selected.is_empty() {
                "it selects no workload in the scanned input".to_owned()
            } else {
                format!("it forwards to {}", selected.join(", "))
            }
        };
        for (field, what) in places {
            let message = format!(
                "{} {} {what}; {behind}",
                service.kind.as_str(),
                service.describe()
            );
            sink.report(service.object, field.pos, field.path, message);
        }
    }
}

/// One finding per Ingress path, route rule backend, IngressRoute route
/// service and host port that reaches workloads.
fn report_routes(model: &ExposureModel<'_>, sink: &mut InventorySink<'_>) {
    let mut reached: Vec<(usize, Vec<String>)> = Vec::new();
    let mut index: HashMap<(usize, String), usize> = HashMap::new();
    for exposure in &model.exposures {
        let entry = model.entry(exposure);
        if matches!(
            entry.kind,
            EntryKind::NodePort | EntryKind::LoadBalancer | EntryKind::ExternalIp
        ) {
            continue;
        }
        let key = (
            std::ptr::from_ref(entry.object) as usize,
            entry.at.path.clone(),
        );
        let slot = *index.entry(key).or_insert_with(|| {
            reached.push((exposure.entry, Vec::new()));
            reached.len() - 1
        });
        let workload = model.workload(exposure).describe();
        if !reached[slot].1.contains(&workload) {
            reached[slot].1.push(workload);
        }
    }
    for (entry, workloads) in reached {
        let entry = &model.entries[entry];
        let message = format!(
            "{} is reachable from outside the cluster and leads to {}",
            entry.label,
            workloads.join(", ")
        );
        sink.report(entry.object, entry.at.pos, entry.at.path.clone(), message);
    }
}
