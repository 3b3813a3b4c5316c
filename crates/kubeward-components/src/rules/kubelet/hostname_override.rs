use kubeward_core::{
    Check, Component, ComponentKind, ComponentSink, Family, RuleStatus, Severity, declare_rule,
};

use crate::READER;

use crate::rules::common;

declare_rule! {
    /// ## What it checks
    ///
    /// Whether the kubelet sets `--hostname-override`.
    ///
    /// ## Why it matters
    ///
    /// The node name decides which certificate the kubelet may request and
    /// which objects the Node authorizer lets it touch. An override that does
    /// not match the host's name breaks TLS verification of the kubelet and can
    /// make certificate approval hand out names that do not match machines.
    ///
    /// ## Failing example
    ///
    /// ```yaml
    /// write-kubeconfig-mode: "0600"
    /// kubelet-arg:
    ///   - hostname-override=node-1
    /// ```
    ///
    /// ## Fixed example
    ///
    /// ```yaml
    /// write-kubeconfig-mode: "0600"
    /// kubelet-arg:
    ///   - max-pods=110
    /// ```
    ///
    /// ## Known limitations
    ///
    /// Some cloud providers need the override to match their instance names;
    /// the rule cannot tell those cases apart.
    ///
    /// ## References
    ///
    /// - CIS Kubernetes Benchmark v1.12 4.2.7: ensure that the --hostname-override argument is not set
    /// - Kubelet configuration (v1beta1) reference (<https://kubernetes.io/docs/reference/config-api/kubelet-config.v1beta1/>)
    pub static RULE = {
        id: "kubelet-hostname-override",
        family: Family::Kubelet,
        severity: Severity::Low,
        summary: "Kubelet registers under an overridden host name",
        remediation: "Remove --hostname-override from the kubelet.",
        pss: None,
        recommended: false,
        status: RuleStatus::Stable,
        check: Check::Component {
            reader: &READER,
            check,
        },
    };
}

fn check(component: &Component, sink: &mut ComponentSink<'_>) {
    if component.kind != ComponentKind::Kubelet {
        return;
    }
    let Some(setting) = common::known(component, "hostname-override") else {
        return;
    };
    if !setting.value().trim().is_empty() {
        sink.report(
            &setting.location,
            format!(
                "{}: registers as {} instead of the host's own name; remove \
                 `--hostname-override` unless the cloud provider requires it",
                component.kind,
                common::written(setting)
            ),
        );
    }
}
