//! kubeward's model, shared by intake, rules and renderers.
//!
//! - [`Object`]: one Kubernetes object read from a document, with the
//!   position of every field.
//! - [`PodSpec`] and [`Container`]: the pod specs an object carries, found
//!   the same way for every pod spec owner kind.
//! - [`Component`]: a control-plane program's effective settings, read by
//!   the rules declared with [`Check::Component`].
//! - [`RuleDef`]: a rule's metadata, documentation and check function.
//! - [`Finding`] and [`Report`]: what rules return and renderers print.
//! - [`image::ImageRef`]: container image references, parsed as the
//!   kubelet parses them.
//!
//! - [`scan_text`]: the checks of one file's text, used by the CLI and by
//!   tests alike.
//!
//! Nothing here does IO.

pub mod component;
mod finding;
pub mod image;
pub mod intake;
mod inventory;
mod linked;
mod meta;
mod object;
pub mod pod;
mod pss;
pub mod redact;
mod report;
mod rule;
mod scan;
pub mod secret;
mod severity;

pub use component::{Component, ComponentKind, ComponentReader, ComponentSink, Location};
pub use finding::{ContainerInfo, ContainerKind, Finding, ObjectRef, PssInfo};
pub use inventory::{Inventory, InventorySink, KindSet, StoredObject};
pub use linked::check_linked_components;
pub use meta::{ANNOTATION_PREFIX, KubewardAnnotation, ObjectMeta};
pub use object::{Object, Source};
pub use pod::{Container, PodSpec, Setting};
pub use pss::{InvalidPssVersion, LATEST_PSS_MINOR, PssLevel, PssVersion};
pub use report::{Report, ScanStats, Warning};
pub use rule::{
    Check, DEFAULT_ENVIRONMENT_LABEL_KEYS, DEFAULT_SENSITIVE_NAMESPACES, Family, MAX_QUOTED_LINE,
    Profile, RuleConfig, RuleDef, RuleStatus, ScanOptions, Sink, UnknownProfile,
};
pub use scan::{
    FileReport, ScanPlan, append, scan_bytes, scan_bytes_deferred, scan_bytes_with, scan_text,
    scan_text_with,
};
pub use severity::{InvalidSeverity, Severity};

/// Re-exported so rule crates use the same tree types.
pub use kubeward_yaml as yaml;
