//! Container images of a cluster: which images its manifests run, and
//! whether each is signed by the user's cosign key with an SBOM attached.
//!
//! - [`list`]: every image of every pod spec owner among scanned objects,
//!   with where it is used (`kubeward images`).
//! - [`verify`]: resolves each image's digest and verifies its cosign
//!   signatures and attestations with a public key (`kubeward images
//!   verify`), reading from a [`source::Source`]: an OCI registry, with
//!   credentials from the Docker config file ([`auth`]) and extra
//!   certificate authorities, or OCI image layout directories on disk.
//! - [`cosign`] and [`bundle`]: the signature formats, decoded and checked
//!   without IO.
//! - [`render`]: tables and JSON.
//!
//! Only the registries the images name (and the token services those
//! registries point to) are ever contacted, and only when verifying.

pub mod auth;
pub mod bundle;
pub mod cosign;
pub mod list;
pub mod render;
pub mod source;
pub mod verify;
