//! Admission-time image policies, recognised among kept objects: the
//! controllers that can refuse a pod whose image is not signed.
//!
//! | engine | object | enforcing when |
//! |---|---|---|
//! | Kyverno | `ClusterPolicy`, `Policy` (`kyverno.io`) with `spec.rules[].verifyImages` | the entry's `failureAction`, else `spec.validationFailureAction`, is `Enforce` (Kyverno's default is `Audit`) |
//! | Kyverno | `ImageValidatingPolicy` (`policies.kyverno.io`) | `spec.validationActions` contains `Deny`, or is absent |
//! | sigstore policy-controller | `ClusterImagePolicy` (`policy.sigstore.dev`) | `spec.mode` is not `warn` |
//! | Ratify with Gatekeeper | `RatifyVerification` constraint (`constraints.gatekeeper.sh`) | `spec.enforcementAction` is `deny` or absent |
//! | Connaisseur, kubeward | `ValidatingWebhookConfiguration`, `MutatingWebhookConfiguration` named after them | always |
//! | kube-apiserver | `AdmissionConfiguration` configuring the `ImagePolicyWebhook` plugin | always |

use kubeward_core::yaml::{NodeRef, Pos};
use kubeward_core::{Inventory, StoredObject};

/// The kinds this module reads.
pub(super) const POLICY_KINDS: [&str; 8] = [
    "ClusterPolicy",
    "Policy",
    "ImageValidatingPolicy",
    "ClusterImagePolicy",
    "RatifyVerification",
    "ValidatingWebhookConfiguration",
    "MutatingWebhookConfiguration",
    "AdmissionConfiguration",
];

/// Words in a webhook configuration's name that identify an image
/// signature admission controller, and the controller's name.
const SIGNATURE_WEBHOOKS: [(&str, &str); 2] = [
    ("connaisseur", "Connaisseur"),
    ("kubeward", "kubeward's webhook"),
];

/// One recognised image policy.
#[derive(Debug)]
pub(super) struct ImagePolicy<'i> {
    pub object: &'i StoredObject,
    /// The controller that applies it, for messages.
    pub engine: &'static str,
    pub mode: Mode,
}

/// Whether a policy refuses unsigned images or only reports them.
#[derive(Debug, PartialEq, Eq)]
pub(super) enum Mode {
    Enforce,
    /// The policy admits what fails it; the field that says so.
    AuditOnly {
        pos: Pos,
        path: String,
        /// The action as written, such as `Audit` or `warn`.
        action: String,
        /// What to set instead, for messages.
        fix: &'static str,
    },
}

/// Every image policy among the inventory's objects.
pub(super) fn image_policies(inventory: &Inventory) -> Vec<ImagePolicy<'_>> {
    inventory
        .of_kind(&POLICY_KINDS)
        .filter_map(|object| {
            let group = object
                .reference
                .api_version
                .rsplit_once('/')
                .map_or("", |(group, _)| group);
            let root = object.root();
            let (engine, mode) = match (group, object.kind()) {
                ("kyverno.io", "ClusterPolicy" | "Policy") => ("Kyverno", kyverno_mode(root)?),
                ("policies.kyverno.io", "ImageValidatingPolicy") => {
                    ("Kyverno", image_validating_policy_mode(root))
                }
                ("policy.sigstore.dev", "ClusterImagePolicy") => {
                    ("sigstore policy-controller", sigstore_mode(root))
                }
                ("constraints.gatekeeper.sh", "RatifyVerification") => {
                    ("Ratify", gatekeeper_mode(root))
                }
                (
                    "admissionregistration.k8s.io",
                    "ValidatingWebhookConfiguration" | "MutatingWebhookConfiguration",
                ) => (signature_webhook(object)?, Mode::Enforce),
                ("apiserver.config.k8s.io" | "apiserver.k8s.io", "AdmissionConfiguration") => {
                    configures_image_policy_webhook(root)?;
                    ("the ImagePolicyWebhook admission plugin", Mode::Enforce)
                }
                _ => return None,
            };
            Some(ImagePolicy {
                object,
                engine,
                mode,
            })
        })
        .collect()
}

/// The mode of a Kyverno policy's `verifyImages` rules, or `None` when it
/// has none. One enforcing entry makes the policy enforcing.
fn kyverno_mode(root: NodeRef<'_, '_>) -> Option<Mode> {
    let spec = root.get("spec")?;
    let policy_action = spec.entry("validationFailureAction");
    let mut first_audit = None;
    for (rule_index, rule) in spec.get("rules")?.items().enumerate() {
        let Some(verify) = rule.entry("verifyImages") else {
            continue;
        };
        for (entry_index, entry) in verify.value.items().enumerate() {
            let (action, pos, path) = match entry.entry("failureAction") {
                Some(own) => (
                    own.value.as_str(),
                    own.key.pos(),
                    format!("spec.rules[{rule_index}].verifyImages[{entry_index}].failureAction"),
                ),
                None => match policy_action {
                    Some(policy) => (
                        policy.value.as_str(),
                        policy.key.pos(),
                        "spec.validationFailureAction".to_owned(),
                    ),
                    None => (
                        None,
                        verify.key.pos(),
                        format!("spec.rules[{rule_index}].verifyImages"),
                    ),
                },
            };
            if action.is_some_and(|action| action.eq_ignore_ascii_case("enforce")) {
                return Some(Mode::Enforce);
            }
            first_audit.get_or_insert(Mode::AuditOnly {
                pos,
                path,
                action: action.unwrap_or("Audit (the default)").to_owned(),
                fix: "failureAction: Enforce",
            });
        }
    }
    first_audit
}

fn image_validating_policy_mode(root: NodeRef<'_, '_>) -> Mode {
    let Some(actions) = root
        .get("spec")
        .and_then(|spec| spec.entry("validationActions"))
    else {
        return Mode::Enforce;
    };
    let values: Vec<&str> = actions.value.items().filter_map(|a| a.as_str()).collect();
    if values.contains(&"Deny") {
        return Mode::Enforce;
    }
    Mode::AuditOnly {
        pos: actions.key.pos(),
        path: "spec.validationActions".to_owned(),
        action: values.join(", "),
        fix: "validationActions: [Deny]",
    }
}

fn sigstore_mode(root: NodeRef<'_, '_>) -> Mode {
    match root.get("spec").and_then(|spec| spec.entry("mode")) {
        Some(mode) if mode.value.as_str() == Some("warn") => Mode::AuditOnly {
            pos: mode.key.pos(),
            path: "spec.mode".to_owned(),
            action: "warn".to_owned(),
            fix: "mode: enforce",
        },
        _ => Mode::Enforce,
    }
}

fn gatekeeper_mode(root: NodeRef<'_, '_>) -> Mode {
    match root
        .get("spec")
        .and_then(|spec| spec.entry("enforcementAction"))
    {
        Some(action) if action.value.as_str() != Some("deny") => Mode::AuditOnly {
            pos: action.key.pos(),
            path: "spec.enforcementAction".to_owned(),
            action: action
                .value
                .scalar_text()
                .map_or_else(String::new, std::borrow::Cow::into_owned),
            fix: "enforcementAction: deny",
        },
        _ => Mode::Enforce,
    }
}

/// The controller a webhook configuration belongs to, recognised by the
/// configuration's name or the names of its webhooks.
fn signature_webhook(object: &StoredObject) -> Option<&'static str> {
    let root = object.root();
    let webhook_names = root
        .get("webhooks")
        .into_iter()
        .flat_map(|webhooks| webhooks.items())
        .filter_map(|webhook| webhook.get_str("name"));
    let names: Vec<&str> = object.name().into_iter().chain(webhook_names).collect();
    SIGNATURE_WEBHOOKS.iter().find_map(|(word, engine)| {
        names
            .iter()
            .any(|name| name.to_ascii_lowercase().contains(word))
            .then_some(*engine)
    })
}

fn configures_image_policy_webhook(root: NodeRef<'_, '_>) -> Option<()> {
    root.get("plugins")?
        .items()
        .any(|plugin| plugin.get_str("name") == Some("ImagePolicyWebhook"))
        .then_some(())
}
