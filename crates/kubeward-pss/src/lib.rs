//! The `pod-security` rule family: every control of the Pod Security
//! Standards, baseline and restricted, for every policy version from v1.0
//! to v1.37.
//!
//! Each rule mirrors one check of the upstream pod-security admission
//! controller (`k8s.io/pod-security-admission/policy`) and decides as it
//! does at the version given by [`ScanOptions::pss_version`]. A check that
//! does not exist yet at that version reports nothing. Checks that changed
//! follow the version: seccomp annotations before v1.19, the safe sysctls
//! added at v1.27, v1.29, v1.32 and v1.37, and the user-namespace
//! relaxations of v1.35. Like upstream, every check visits init
//! containers, containers and ephemeral containers. Where the API server's
//! defaulting before admission changes the outcome, the rules read the
//! defaulted value: a volume without a source is an `emptyDir`.
//!
//! Where upstream reports one aggregated reason per pod, these rules report
//! one finding per offending container or field, at that field. A field
//! whose value has the wrong type (a string where a boolean belongs) is
//! never a finding, because the API server rejects the object before any
//! check runs.
//!
//! The restricted level is every baseline rule plus the restricted ones.
//! Upstream lets some restricted checks replace a baseline check, for
//! example `capabilities_restricted` replaces `capabilities_baseline`. For
//! every object the API server accepts, a replacement rejects all that the
//! replaced check rejects, so running both decides the same pods, sometimes
//! with a finding from each rule. The replacements are more lenient only
//! for a volume with two sources and for Linux-only fields in pods with
//! `spec.os.name: windows`, and the API server rejects both.
//!
//! [`ScanOptions::pss_version`]: kubeward_core::ScanOptions::pss_version

use kubeward_core::RuleDef;

mod policy;

mod apparmor;
mod capabilities_baseline;
mod capabilities_restricted;
mod host_namespaces;
mod host_path_volumes;
mod host_ports;
mod host_probes;
mod privilege_escalation;
mod privileged;
mod proc_mount;
mod proc_mount_restricted;
mod run_as_non_root;
mod run_as_user;
mod seccomp;
mod seccomp_restricted;
mod selinux;
mod sysctls;
mod volume_types;
mod windows_host_process;

/// Every rule of the family: the baseline controls first, then the
/// restricted ones, each group in the order of the Pod Security Standards
/// page.
pub static RULES: &[&RuleDef] = &[
    &windows_host_process::RULE,
    &host_namespaces::RULE,
    &privileged::RULE,
    &capabilities_baseline::RULE,
    &host_path_volumes::RULE,
    &host_ports::RULE,
    &host_probes::RULE,
    &apparmor::RULE,
    &selinux::RULE,
    &proc_mount::RULE,
    &seccomp::RULE,
    &sysctls::RULE,
    &volume_types::RULE,
    &privilege_escalation::RULE,
    &run_as_non_root::RULE,
    &run_as_user::RULE,
    &seccomp_restricted::RULE,
    &capabilities_restricted::RULE,
    &proc_mount_restricted::RULE,
];
