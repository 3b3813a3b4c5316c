//! The `pod-security` rule family: every control of the Pod Security
//! Standards, baseline and restricted, for every policy version.
//!
//! Each rule mirrors one check of the upstream pod-security admission
//! controller (`k8s.io/pod-security-admission/policy`) and decides exactly
//! as it does at the version given by [`ScanOptions::pss_version`]. Where
//! upstream reports one aggregated reason per pod, these rules report one
//! finding per offending container or field.
//!
//! [`ScanOptions::pss_version`]: kubeward_core::ScanOptions::pss_version

use kubeward_core::RuleDef;

mod privileged;

/// Every rule of the family, baseline controls first.
pub static RULES: &[&RuleDef] = &[&privileged::RULE];
