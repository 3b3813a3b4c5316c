//! The per-object annotation `kubeward.dev/ignore: "<rule-id>[,<rule-id>]:
//! <reason>"`.

/// Key of the annotation that suppresses findings on its object.
pub const IGNORE_ANNOTATION: &str = "kubeward.dev/ignore";

/// A parsed `kubeward.dev/ignore` value.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct IgnoreAnnotation {
    /// The rule ids, in the order written.
    pub rules: Vec<String>,
    pub reason: String,
}

/// Parses an annotation value: rule ids separated by commas, a colon, then
/// the reason. Returns why the value is invalid otherwise. A `*` is not
/// accepted: an annotation names the rules it silences.
pub fn parse_ignore_annotation(value: &str) -> Result<IgnoreAnnotation, String> {
    let Some((ids, reason)) = value.split_once(':') else {
        return Err(format!(
            "invalid value `{value}`: expected \"<rule-id>[,<rule-id>]: <reason>\""
        ));
    };
    let reason = reason.trim();
    if reason.is_empty() {
        return Err("the reason after `:` is empty; say why the rules do not apply".into());
    }
    let mut rules = Vec::new();
    for id in ids.split(',') {
        let id = id.trim();
        if id.is_empty() {
            return Err(format!(
                "invalid rule list `{}`: a rule id is empty",
                ids.trim()
            ));
        }
        if id == "*" {
            return Err("`*` is not accepted in annotations; name each rule id".into());
        }
        rules.push(id.to_owned());
    }
    Ok(IgnoreAnnotation {
        rules,
        reason: reason.to_owned(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn annotation_with_two_rules() {
        let parsed = parse_ignore_annotation("pss-privileged, pss-host-namespaces: CNI agent");
        assert_eq!(
            parsed,
            Ok(IgnoreAnnotation {
                rules: vec!["pss-privileged".into(), "pss-host-namespaces".into()],
                reason: "CNI agent".into(),
            })
        );
    }

    #[test]
    fn annotation_reason_may_contain_colons() {
        let parsed = parse_ignore_annotation("ssh-port: needs port 22: legacy").map(|a| a.reason);
        assert_eq!(parsed.as_deref(), Ok("needs port 22: legacy"));
    }

    #[test]
    fn annotation_without_reason_is_invalid() {
        assert!(parse_ignore_annotation("pss-privileged").is_err());
        assert!(parse_ignore_annotation("pss-privileged:  ").is_err());
    }

    #[test]
    fn annotation_rejects_wildcards_and_empty_ids() {
        assert!(parse_ignore_annotation("*: everything").is_err());
        assert!(parse_ignore_annotation("a,,b: reason").is_err());
    }
}
