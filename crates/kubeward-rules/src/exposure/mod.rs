//! The `exposure` family: admin interfaces reachable from outside the
//! cluster without strong authentication, TLS or a source allow-list, and
//! the Kubernetes Dashboard's own insecure settings.
//!
//! The analysis is public for other analyses (attack paths) to reuse:
//!
//! - [`catalog`]: which admin UIs exist, how each is recognised from a
//!   container (image, labels and ports), which port it serves and whether
//!   it asks for a login of its own;
//! - [`model`]: every entry point of the input (NodePort and LoadBalancer
//!   Services, `externalIPs`, `hostPort`, `hostNetwork`, Ingresses,
//!   Gateway API routes, Traefik IngressRoutes), the Service and
//!   authenticating proxy behind it, the workload port it lands on, and
//!   the protection in front;
//! - [`paths`]: the attack graph, which joins the model with the RBAC
//!   and network engines through `kubeward_paths`.
//!
//! The Dashboard service account's own permissions are the `rbac`
//! family's to report: this family reports how the Dashboard is reached
//! and configured.

use kubeward_core::RuleDef;

mod args;
pub mod catalog;
mod dashboard;
mod findings;
mod gateway;
mod ingress;
pub mod model;
pub mod paths;
mod pods;
pub mod services;
mod source;
mod traefik;
pub mod workloads;

mod admin_ui_exposed;
mod admin_ui_exposed_any_source;
mod admin_ui_exposed_plain_http;
mod admin_ui_exposed_unauthenticated;
mod admin_ui_login_disabled;
mod attack_path;
mod dashboard_insecure_login;
mod dashboard_no_login;
mod dashboard_plain_http;
mod dashboard_service_account_shared;
mod dashboard_settings_authorizer_disabled;
mod external_entry_point;

pub use catalog::{AdminUi, CATALOG, Login, Scheme};
pub use model::{Entry, EntryKind, Exposure, ExposureModel, Protection, Tls};
pub use source::SourceLimit;

/// Every rule of the family, most severe first.
pub static RULES: &[&RuleDef] = &[
    &attack_path::RULE,
    &admin_ui_exposed_unauthenticated::RULE,
    &admin_ui_exposed::RULE,
    &admin_ui_exposed_plain_http::RULE,
    &admin_ui_login_disabled::RULE,
    &dashboard_no_login::RULE,
    &dashboard_plain_http::RULE,
    &dashboard_insecure_login::RULE,
    &dashboard_service_account_shared::RULE,
    &admin_ui_exposed_any_source::RULE,
    &dashboard_settings_authorizer_disabled::RULE,
    &external_entry_point::RULE,
];
