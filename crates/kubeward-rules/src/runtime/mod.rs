//! The `runtime` family: threat detection while workloads run.
//!
//! Admission controls decide what starts; a runtime sensor (Falco,
//! Tetragon, KubeArmor and the like) sees what a container does after it
//! started: a shell spawned in a web server, a write below `/etc`, a
//! connection to a mining pool. These rules check that such a sensor is
//! deployed, as a DaemonSet, and that it can run on every node. The other
//! runtime control the kubelet offers, `seccompDefault`, is a kubelet
//! setting and belongs to the `kubelet` family.

use kubeward_core::RuleDef;

mod sensor;

mod runtime_detection_missing;
mod runtime_detection_not_on_every_node;

/// Every rule of the family.
pub static RULES: &[&RuleDef] = &[
    &runtime_detection_missing::RULE,
    &runtime_detection_not_on_every_node::RULE,
];
