use kubeward_core::{Check, Component, ComponentSink, Family, RuleStatus, Severity, declare_rule};

use crate::READER;
use kubeward_core::component::FileState;

declare_rule! {
    /// ## What it checks
    ///
    /// Inputs a component reads that kubeward could not read, so the settings
    /// they may hold were checked neither as passing nor as failing: a config
    /// file named by `--config` or `--config-file` that is not among the
    /// scanned files or cannot be opened on the node, an environment file a
    /// systemd unit reads, or a file whose mode and owner could not be
    /// examined, or that a setting names and that does not exist. The
    /// finding lists the settings left undetermined.
    ///
    /// ## Why it matters
    ///
    /// A check that cannot see a setting must not pass silently. Reporting what
    /// was not read separates "checked and fine" from "not checked", which is
    /// what an audit needs to be trusted.
    ///
    /// ## Failing example
    ///
    /// ```yaml
    /// apiVersion: v1
    /// kind: Pod
    /// metadata:
    ///   name: kube-scheduler
    ///   namespace: kube-system
    /// spec:
    ///   containers:
    ///     - name: kube-scheduler
    ///       image: registry.k8s.io/kube-scheduler:v1.32.2
    ///       command:
    ///         - kube-scheduler
    ///         - --config=/etc/kubernetes/scheduler-config.yaml
    /// ```
    ///
    /// ## Fixed example
    ///
    /// ```yaml
    /// apiVersion: v1
    /// kind: Pod
    /// metadata:
    ///   name: kube-scheduler
    ///   namespace: kube-system
    /// spec:
    ///   containers:
    ///     - name: kube-scheduler
    ///       image: registry.k8s.io/kube-scheduler:v1.32.2
    ///       command:
    ///         - kube-scheduler
    ///         - --profiling=false
    ///         - --bind-address=127.0.0.1
    /// ```
    ///
    /// ## Known limitations
    ///
    /// Configuration objects checked on their own (a KubeletConfiguration file
    /// scanned without its command line) are not reported: the settings only a
    /// command line gives are simply outside what the file says.
    ///
    /// ## References
    ///
    /// - CIS Kubernetes Benchmark: manual checks are reported as warnings, neither pass nor fail
    /// - Kubelet config file: command-line flags override the file (<https://kubernetes.io/docs/tasks/administer-cluster/kubelet-config-file/>)
    pub static RULE = {
        id: "setting-undetermined",
        family: Family::Intake,
        severity: Severity::Info,
        summary: "Component setting could not be checked",
        remediation: "Make the named file readable to kubeward (run kubeward node as root), or scan it too.",
        pss: None,
        recommended: true,
        status: RuleStatus::Stable,
        check: Check::Component {
            reader: &READER,
            check,
        },
    };
}

fn check(component: &Component, sink: &mut ComponentSink<'_>) {
    if !component.config_only {
        for input in &component.undetermined {
            if input.settings.is_empty() {
                continue;
            }
            sink.report(
                &input.location,
                format!(
                    "{}: cannot check {}: {} could not be read ({})",
                    component.kind,
                    listed(&input.settings),
                    input.input,
                    input.reason
                ),
            );
        }
    }
    for file in &component.files {
        let reason = match &file.state {
            FileState::Unreadable(reason) => reason.as_str(),
            FileState::Missing => "the file does not exist",
            FileState::Stat(_) | FileState::DeclaredMode(_) => continue,
        };
        sink.report(
            &file.location,
            format!(
                "{}: cannot check the mode and owner of {} {}: {reason}",
                component.kind,
                file.role.describe(),
                file.path
            ),
        );
    }
}

/// Most settings a message names one by one.
const MAX_LISTED: usize = 8;

fn listed(settings: &[String]) -> String {
    let mut names: Vec<String> = settings
        .iter()
        .take(MAX_LISTED)
        .map(|s| format!("`{s}`"))
        .collect();
    if settings.len() > MAX_LISTED {
        names.push(format!("{} more", settings.len() - MAX_LISTED));
    }
    names.join(", ")
}
