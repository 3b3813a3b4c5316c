//! Finding fingerprints: an identity for each finding that stays the same
//! when lines move, so that baselines, GitLab and GitHub code scanning
//! recognise a finding from one scan to the next.
//!
//! A finding on an object is identified by its rule, the object's
//! `apiVersion`, `kind`, namespace and name, and the field path. A finding
//! outside any object, such as a parse error, is identified by its rule,
//! its file and a hash of its message with every number removed, because
//! such messages may mention positions. The line and column are never
//! part of a fingerprint.
//!
//! Findings with the same identity (the same object in two overlay
//! directories, say) are numbered in report order and the number is
//! hashed in too, so every fingerprint of a report is distinct.
//!
//! NOTE: the number follows the file order. When a new copy of an object
//! appears in a file that sorts before the existing copies, a baseline
//! still counts one new finding, but shows it in the file that sorts last.
//!
//! A fingerprint is the first 128 bits of a SHA-256 hash, as 32 lowercase
//! hexadecimal digits. Changing what goes into it changes every
//! fingerprint and invalidates recorded baselines, so [`VERSION`] names
//! the scheme.

use std::collections::HashMap;
use std::fmt::Write;

use kubeward_core::Finding;
use sha2::{Digest, Sha256};

/// The fingerprint scheme, as SARIF's `partialFingerprints` key names it.
pub const VERSION: &str = "kubeward/v1";

/// Returns the fingerprint of each finding, in order. `findings` must be
/// the whole report in report order, because findings with the same
/// identity are told apart by their place among each other.
pub fn assign(findings: &[Finding]) -> Vec<String> {
    let mut seen: HashMap<Vec<u8>, u32> = HashMap::new();
    findings
        .iter()
        .map(|finding| {
            let identity = identity(finding);
            let occurrence = seen.entry(identity.clone()).or_insert(0);
            let fingerprint = hash(&identity, *occurrence);
            *occurrence += 1;
            fingerprint
        })
        .collect()
}

/// The identifying fields of a finding, separated by NUL bytes, which no
/// field contains.
fn identity(finding: &Finding) -> Vec<u8> {
    let mut fields: Vec<&str> = vec![VERSION, finding.rule];
    let message;
    if let Some(object) = &finding.object {
        fields.extend([
            "object",
            object.api_version.as_str(),
            object.kind.as_str(),
            object.namespace.as_deref().unwrap_or(""),
            object.name.as_deref().unwrap_or(""),
            finding.path.as_deref().unwrap_or(""),
        ]);
    } else {
        message = without_numbers(&finding.message);
        fields.extend(["file", &finding.file, &message]);
    }
    let mut out = Vec::new();
    for field in fields {
        out.extend_from_slice(field.as_bytes());
        out.push(0);
    }
    out
}

fn hash(identity: &[u8], occurrence: u32) -> String {
    let mut hasher = Sha256::new();
    hasher.update(identity);
    hasher.update(occurrence.to_be_bytes());
    let digest = hasher.finalize();
    let mut out = String::with_capacity(32);
    for byte in &digest[..16] {
        let _ = write!(out, "{byte:02x}");
    }
    out
}

/// The message with each run of ASCII digits replaced by `#`.
fn without_numbers(message: &str) -> String {
    let mut out = String::with_capacity(message.len());
    let mut in_number = false;
    for c in message.chars() {
        if c.is_ascii_digit() {
            if !in_number {
                out.push('#');
            }
            in_number = true;
        } else {
            out.push(c);
            in_number = false;
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use kubeward_core::{ObjectRef, Severity};

    use super::*;

    fn finding(line: u32, object: Option<&str>, message: &str) -> Finding {
        Finding {
            rule: "pss-privileged",
            severity: Severity::High,
            message: message.to_owned(),
            file: Arc::from("a.yaml"),
            line,
            column: 3,
            object: object.map(|name| {
                Arc::new(ObjectRef {
                    api_version: "v1".into(),
                    kind: "Pod".into(),
                    namespace: Some("web".into()),
                    name: Some(name.into()),
                })
            }),
            path: Some("spec.containers[0].securityContext.privileged".into()),
            container: None,
            pss: None,
            remediation: "",
            source_line: None,
        }
    }

    #[test]
    fn fingerprint_ignores_position() {
        let moved = assign(&[finding(40, Some("web"), "x")]);
        let original = assign(&[finding(4, Some("web"), "y")]);
        assert_eq!(moved, original);
        assert_eq!(moved[0].len(), 32);
    }

    #[test]
    fn fingerprint_depends_on_object_name() {
        let a = assign(&[finding(4, Some("web"), "x")]);
        let b = assign(&[finding(4, Some("api"), "x")]);
        assert_ne!(a, b);
    }

    #[test]
    fn repeated_identities_get_distinct_fingerprints() {
        let both = assign(&[finding(4, Some("web"), "x"), finding(9, Some("web"), "x")]);
        assert_ne!(both[0], both[1]);
        assert_eq!(both[0], assign(&[finding(4, Some("web"), "x")])[0]);
    }

    #[test]
    fn file_findings_ignore_numbers_in_messages() {
        let a = assign(&[finding(4, None, "invalid YAML at line 4 column 2")]);
        let b = assign(&[finding(9, None, "invalid YAML at line 9 column 2")]);
        let c = assign(&[finding(9, None, "invalid merge key")]);
        assert_eq!(a, b);
        assert_ne!(a, c);
    }
}
