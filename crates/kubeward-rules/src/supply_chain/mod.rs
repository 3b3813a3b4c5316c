//! The `supply-chain` family: where images come from and whether anything
//! checks them before they run.
//!
//! The per-container rules read each `image` as the kubelet parses it
//! ([`kubeward_core::image`]): references it rejects, tags that are not
//! pinned to a digest, and registries outside the configured allow-list.
//! `image-latest-tag` and `image-pull-policy`, in the `container` family,
//! cover `latest` and pull policies, so no image line gets two findings of
//! this family and those rules together. The set-level rule
//! `image-signature-not-enforced` looks for an admission-time image policy
//! among all scanned objects. `kubeward images verify` checks the
//! signatures themselves against a registry.

use kubeward_core::RuleDef;

mod admission_policy;

mod image_digest_missing;
mod image_reference_invalid;
mod image_registry_not_allowed;
mod image_signature_not_enforced;

/// Every rule of the family, most severe first.
pub static RULES: &[&RuleDef] = &[
    &image_registry_not_allowed::RULE,
    &image_reference_invalid::RULE,
    &image_signature_not_enforced::RULE,
    &image_digest_missing::RULE,
];
