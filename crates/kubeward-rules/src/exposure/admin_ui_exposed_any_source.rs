use kubeward_core::{Check, Family, Inventory, InventorySink, RuleStatus, Severity, declare_rule};

use super::findings::{group, targets};
use super::model::{ExposureModel, KINDS};

declare_rule! {
    /// ## What it checks
    ///
    /// Every way from outside the cluster to an admin interface that
    /// admits any client address. A way in is restricted by:
    ///
    /// - `spec.loadBalancerSourceRanges`, or the
    ///   `service.beta.kubernetes.io/load-balancer-source-ranges`
    ///   annotation, on a LoadBalancer Service;
    /// - an annotation that keeps the load balancer internal (AWS, GKE,
    ///   Azure, OpenStack, OCI, IBM Cloud), or the `gce-internal` and
    ///   internal ALB Ingress classes and schemes;
    /// - ingress-nginx `allowlist-source-range` or its older name
    ///   `whitelist-source-range`;
    /// - a Traefik `ipAllowList` (or `ipWhiteList`) Middleware;
    /// - `alb.ingress.kubernetes.io/inbound-cidrs`;
    /// - an Envoy Gateway SecurityPolicy that denies by default and allows
    ///   listed `clientCIDRs`.
    ///
    /// A list that contains a range with prefix length 0 (`0.0.0.0/0`,
    /// `::/0`) admits everyone and counts as no list. Node ports and
    /// external IPs cannot be restricted in the Service and are always
    /// reported.
    ///
    /// ## Why it matters
    ///
    /// An allow-list keeps an admin UI out of reach of the internet at
    /// large, so a login bypass or a leaked password is only usable from
    /// the office or VPN. It is a second layer, not a replacement for
    /// authentication, which is why this rule is not in the
    /// `recommended` profile.
    ///
    /// ## Failing example
    ///
    /// ```yaml
    /// apiVersion: apps/v1
    /// kind: Deployment
    /// metadata:
    ///   name: jenkins
    ///   namespace: ci
    /// spec:
    ///   selector:
    ///     matchLabels: {app: jenkins}
    ///   template:
    ///     metadata:
    ///       labels: {app: jenkins}
    ///     spec:
    ///       containers:
    ///         - name: jenkins
    ///           image: jenkins/jenkins:2.462.1-lts
    ///           ports:
    ///             - containerPort: 8080
    /// ---
    /// apiVersion: v1
    /// kind: Service
    /// metadata:
    ///   name: jenkins
    ///   namespace: ci
    /// spec:
    ///   type: LoadBalancer
    ///   selector: {app: jenkins}
    ///   ports:
    ///     - port: 8080
    /// ```
    ///
    /// ## Fixed example
    ///
    /// ```yaml
    /// apiVersion: apps/v1
    /// kind: Deployment
    /// metadata:
    ///   name: jenkins
    ///   namespace: ci
    /// spec:
    ///   selector:
    ///     matchLabels: {app: jenkins}
    ///   template:
    ///     metadata:
    ///       labels: {app: jenkins}
    ///     spec:
    ///       containers:
    ///         - name: jenkins
    ///           image: jenkins/jenkins:2.462.1-lts
    ///           ports:
    ///             - containerPort: 8080
    /// ---
    /// apiVersion: v1
    /// kind: Service
    /// metadata:
    ///   name: jenkins
    ///   namespace: ci
    /// spec:
    ///   type: LoadBalancer
    ///   loadBalancerSourceRanges: [203.0.113.0/24]
    ///   selector: {app: jenkins}
    ///   ports:
    ///     - port: 8080
    /// ```
    ///
    /// ## Known limitations
    ///
    /// Firewalls, security groups, VPNs and NetworkPolicies in front of
    /// the entry are not seen. Whether the listed ranges are private or
    /// small is not judged. A LoadBalancer Service also opens a node port
    /// on every node, which its source ranges do not cover; that is not
    /// reported separately.
    ///
    /// ## References
    ///
    /// - NSA/CISA Kubernetes Hardening Guide, "Network separation and hardening"
    /// - ingress-nginx annotation `allowlist-source-range` (alias `whitelist-source-range`)
    pub static RULE = {
        id: "admin-ui-exposed-any-source",
        family: Family::Exposure,
        severity: Severity::Medium,
        summary: "Admin UI is reachable from outside by any source address",
        remediation: "Restrict the client addresses: loadBalancerSourceRanges, an ingress allow-list annotation or middleware, or an internal load balancer.",
        pss: None,
        recommended: false,
        status: RuleStatus::Stable,
        check: Check::Inventory { kinds: KINDS, check },
    };
}

fn check(inventory: &Inventory, sink: &mut InventorySink<'_>) {
    let model = ExposureModel::build(inventory);
    let open = model.admin_ui_exposures().filter(|(exposure, _)| {
        model
            .entry(exposure)
            .protection
            .source
            .as_ref()
            .is_none_or(|s| s.open_to_all)
    });
    for group in group(&model, open, |entry| &entry.source_at) {
        let entry = &model.entries[group.entry];
        let list = entry
            .protection
            .source
            .as_ref()
            .map_or_else(String::new, |s| {
                format!(" ({} admits every address)", s.detail)
            });
        let message = format!(
            "{} lets any source address reach {}{list}. To fix: {}",
            entry.label,
            targets(&model, &group.items),
            entry.advice.source,
        );
        sink.report(
            entry.object,
            entry.source_at.pos,
            entry.source_at.path.clone(),
            message,
        );
    }
}
