//! The `container` family: hardening beyond the Pod Security Standards.

use kubeward_core::RuleDef;

pub static RULES: &[&RuleDef] = &[];
