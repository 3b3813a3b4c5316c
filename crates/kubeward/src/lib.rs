//! The scan pipeline: inputs in, one sorted [`Report`] out.
//!
//! Files are read in parallel. Each file is decoded, cut into documents,
//! and each document parsed and checked on its own, so a large file is
//! also checked in parallel and no more than a few documents' trees are
//! alive at once per thread. Lists (`List`, `PodList`, ...) are flattened
//! into their items.

mod pipeline;

pub use kubeward_core::FileReport;
pub use pipeline::{ScanResult, Scanner};
