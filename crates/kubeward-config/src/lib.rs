//! What a team decided about findings: the `.kubeward.yaml` configuration
//! file, exceptions and baselines.
//!
//! - [`Config`] and [`parse`]: the configuration file's model, read with
//!   kubeward's own YAML tree so every error names its file, line and field.
//! - [`apply_exceptions`]: takes the findings that configured exceptions
//!   and `kubeward.dev/ignore` annotations suppress out of a report, and
//!   reports expired and unused exceptions as warnings.
//! - [`fingerprint`]: the identity of a finding that survives line moves.
//! - [`Baseline`]: the fingerprints of findings recorded earlier, so that a
//!   later scan reports only new ones.
//!
//! Nothing here does IO: the CLI finds and reads the files.

mod annotation;
mod baseline;
mod config;
mod exceptions;
pub mod fingerprint;
mod triage;

pub use annotation::{IGNORE_ANNOTATION, IgnoreAnnotation, parse_ignore_annotation};
pub use baseline::{BASELINE_VERSION, Baseline, BaselineError, BaselineSplit};
pub use config::{
    CONFIG_FILE_NAME, Config, ConfigError, CustomProfile, Exception, NamePattern, ProfileChoice,
    RuleSelection, UnknownProfileError, parse,
};
pub use exceptions::{ExceptionOutcome, apply_exceptions};
pub use triage::{BaselineSummary, Suppressed, Suppression, SuppressionSource, Triage};
