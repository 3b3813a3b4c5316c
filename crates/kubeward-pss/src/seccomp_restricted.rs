use kubeward_core::{
    Check, Family, PodSpec, PssInfo, PssLevel, RuleStatus, Severity, Sink, declare_rule,
};

use crate::policy::Subject;
use crate::policy::pod::{at_least, exempt_as_windows};
use crate::policy::seccomp::{Profile, profile, type_pos};

declare_rule! {
    /// ## What it checks
    ///
    /// From policy version v1.19: every container, init container and
    /// ephemeral container must run with `securityContext.seccompProfile.type`
    /// set to `RuntimeDefault` or `Localhost`, either on the container or on
    /// the pod:
    ///
    /// - the pod setting another type is a finding;
    /// - a container setting another type is a finding, whatever the pod
    ///   sets;
    /// - a container that leaves the profile unset is a finding unless the
    ///   pod sets an allowed type.
    ///
    /// From v1.25, pods with `spec.os.name: windows` are exempt. Before
    /// v1.19 the check does not exist and this rule reports nothing, while
    /// the baseline rule `pss-seccomp` covers those versions.
    ///
    /// ## Why it matters
    ///
    /// An unset profile means `Unconfined` on most clusters, because the
    /// kubelet applies the runtime's default profile only when
    /// `--seccomp-default` is on. Seccomp is the filter between the
    /// container and the node's whole system call interface, and the default
    /// profile blocks the calls that most container escapes and kernel
    /// exploits need.
    ///
    /// ## Failing example
    ///
    /// ```yaml
    /// apiVersion: v1
    /// kind: Pod
    /// metadata:
    ///   name: worker
    /// spec:
    ///   containers:
    ///     - name: worker
    ///       image: registry.example.com/worker:2.0
    /// ```
    ///
    /// ## Fixed example
    ///
    /// ```yaml
    /// apiVersion: v1
    /// kind: Pod
    /// metadata:
    ///   name: worker
    /// spec:
    ///   securityContext:
    ///     seccompProfile:
    ///       type: RuntimeDefault
    ///   containers:
    ///     - name: worker
    ///       image: registry.example.com/worker:2.0
    /// ```
    ///
    /// ## Known limitations
    ///
    /// A `Localhost` profile passes whatever it allows, because the rule
    /// cannot read profiles on the nodes. A forbidden type such as `Unconfined` is
    /// reported by this rule and by `pss-seccomp`.
    ///
    /// ## References
    ///
    /// - Pod Security Standards, restricted: "Seccomp"
    ///   (<https://kubernetes.io/docs/concepts/security/pod-security-standards/#restricted>)
    /// - CIS Kubernetes Benchmark 5.7.2: ensure that a seccomp profile is set in pod definitions
    /// - NSA/CISA Kubernetes Hardening Guide: "Hardening container environments"
    pub static RULE = {
        id: "pss-seccomp-restricted",
        family: Family::PodSecurity,
        severity: Severity::Low,
        summary: "Container runs without an explicit seccomp profile",
        remediation: "Set securityContext.seccompProfile.type to RuntimeDefault on the pod, or on every container.",
        pss: Some(PssInfo { level: PssLevel::Restricted, control: "Seccomp" }),
        recommended: true,
        status: RuleStatus::Stable,
        check: Check::PodSpec(check),
    };
}

fn check(pod: &PodSpec<'_, '_, '_>, sink: &mut Sink<'_>) {
    if !at_least(sink, 19) || exempt_as_windows(pod, sink) {
        return;
    }
    let pod_subject = Subject::Pod(pod);
    let pod_profile = profile(&pod_subject);
    if let Profile::Forbidden(value) = pod_profile {
        report_forbidden(&pod_subject, value, sink);
    }
    // Containers that leave the profile unset inherit the pod's. A
    // malformed pod-level profile is left undecided, because the API
    // server rejects the object.
    let unset_fails = matches!(pod_profile, Profile::Unset | Profile::Forbidden(_));
    for container in pod.containers() {
        let subject = Subject::Container(&container);
        match profile(&subject) {
            Profile::Forbidden(value) => report_forbidden(&subject, value, sink),
            Profile::Unset if unset_fails => {
                let message = format!(
                    "{} must set securityContext.seccompProfile.type to RuntimeDefault or \
                     Localhost, or the pod must set it",
                    subject.describe()
                );
                subject.report(sink, type_pos(&subject), "seccompProfile.type", message);
            }
            Profile::Unset | Profile::Allowed | Profile::Malformed => {}
        }
    }
}

fn report_forbidden(subject: &Subject<'_, '_, '_, '_>, value: &str, sink: &mut Sink<'_>) {
    let message = if value.is_empty() {
        format!(
            "{} must set securityContext.seccompProfile.type to RuntimeDefault or Localhost",
            subject.describe()
        )
    } else {
        format!(
            "{} must set securityContext.seccompProfile.type to RuntimeDefault or Localhost, not \
             \"{value}\"",
            subject.describe()
        )
    };
    subject.report(sink, type_pos(subject), "seccompProfile.type", message);
}
