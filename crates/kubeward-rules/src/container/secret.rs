//! Literal secrets in container rules: the heuristics live in
//! [`kubeward_core::secret`], where the scan also uses them to keep values
//! out of quoted source lines.

use kubeward_core::Finding;
use kubeward_core::yaml::NodeRef;

pub(crate) use kubeward_core::secret::{Evidence, classify, literal_text};

/// Drops the finding's quoted source line when it may show any part of
/// the secret `value`: when the value starts on that line, as in flow
/// style (`{name: TOKEN, value: ...}`), or when the line contains one of the
/// value's lines.
pub(crate) fn redact_source_line(finding: &mut Finding, value_node: NodeRef<'_, '_>, value: &str) {
    let Some(line) = finding.source_line.as_deref() else {
        return;
    };
    let shows_value = value_node.pos().line == finding.line
        || value
            .lines()
            .map(str::trim)
            .any(|part| !part.is_empty() && line.contains(part));
    if shows_value {
        finding.source_line = None;
    }
}
