use kubeward_core::{
    Check, Family, PodSpec, PssInfo, PssLevel, RuleStatus, Severity, Sink, declare_rule,
};

use crate::policy::Subject;

declare_rule! {
    /// ## What it checks
    ///
    /// `securityContext.windowsOptions.hostProcess` set to `true` on the pod
    /// or on any container, init container or ephemeral container. The
    /// baseline level allows only `false` or an unset field, at every policy
    /// version. Each field set to `true` is one finding.
    ///
    /// ## Why it matters
    ///
    /// A Windows HostProcess container runs directly on the Windows node as
    /// a process of the host, with the node's network and file system and,
    /// usually, as `NT AUTHORITY\SYSTEM`. It is the Windows counterpart of a
    /// privileged container with host namespaces, so an attacker who
    /// controls it controls the node.
    ///
    /// ## Failing example
    ///
    /// ```yaml
    /// apiVersion: v1
    /// kind: Pod
    /// metadata:
    ///   name: win-agent
    /// spec:
    ///   os:
    ///     name: windows
    ///   hostNetwork: true
    ///   securityContext:
    ///     windowsOptions:
    ///       hostProcess: true
    ///       runAsUserName: "NT AUTHORITY\\SYSTEM"
    ///   containers:
    ///     - name: agent
    ///       image: registry.example.com/win-agent:1.0
    /// ```
    ///
    /// ## Fixed example
    ///
    /// ```yaml
    /// apiVersion: v1
    /// kind: Pod
    /// metadata:
    ///   name: win-agent
    /// spec:
    ///   os:
    ///     name: windows
    ///   securityContext:
    ///     windowsOptions:
    ///       runAsUserName: "ContainerUser"
    ///   containers:
    ///     - name: agent
    ///       image: registry.example.com/win-agent:1.0
    /// ```
    ///
    /// ## Known limitations
    ///
    /// None known. The rule applies to every pod, whatever its `spec.os`,
    /// as upstream does.
    ///
    /// ## References
    ///
    /// - Pod Security Standards, baseline: "HostProcess"
    ///   (<https://kubernetes.io/docs/concepts/security/pod-security-standards/#baseline>)
    /// - CIS Kubernetes Benchmark 5.2.11: minimize the admission of Windows HostProcess containers
    /// - Kubernetes documentation, "Create a Windows HostProcess Pod"
    ///   (<https://kubernetes.io/docs/tasks/configure-pod-container/create-hostprocess-pod/>)
    pub static RULE = {
        id: "pss-windows-host-process",
        family: Family::PodSecurity,
        severity: Severity::Critical,
        summary: "Windows container runs as a HostProcess on the node",
        remediation: "Remove windowsOptions.hostProcess or set it to false.",
        pss: Some(PssInfo { level: PssLevel::Baseline, control: "HostProcess" }),
        recommended: true,
        status: RuleStatus::Stable,
        check: Check::PodSpec(check),
    };
}

fn check(pod: &PodSpec<'_, '_, '_>, sink: &mut Sink<'_>) {
    let containers = pod.containers();
    let subjects =
        std::iter::once(Subject::Pod(pod)).chain(containers.iter().map(Subject::Container));
    for subject in subjects {
        let keys = ["windowsOptions", "hostProcess"];
        let Some(entry) = subject.setting(&keys) else {
            continue;
        };
        if entry.value.as_bool() != Some(true) {
            continue;
        }
        let message = format!(
            "{} must not set securityContext.windowsOptions.hostProcess=true",
            subject.describe()
        );
        subject.report(sink, entry.key.pos(), "windowsOptions.hostProcess", message);
    }
}
