//! The environment a namespace belongs to (production, staging,
//! development, test), from its labels or, failing that, its name.

use kubeward_core::RuleConfig;

use crate::model::{Model, NamespaceId};

/// Words that name an environment, and the environment they name.
const WORDS: &[(&str, &str)] = &[
    ("prod", "production"),
    ("production", "production"),
    ("prd", "production"),
    ("live", "production"),
    ("staging", "staging"),
    ("stage", "staging"),
    ("stg", "staging"),
    ("preprod", "staging"),
    ("uat", "staging"),
    ("dev", "development"),
    ("development", "development"),
    ("develop", "development"),
    ("test", "test"),
    ("testing", "test"),
    ("qa", "test"),
];

/// The environment a label value or name part names.
fn environment_of_word(word: &str) -> Option<&'static str> {
    let word = word.to_ascii_lowercase();
    WORDS.iter().find(|(w, _)| *w == word).map(|(_, env)| *env)
}

/// The environment of a namespace: the value of the first configured
/// label key it has that names one, else a part of its name (split at
/// `-`, `_` and `.`) that names one; `None` when neither does.
pub(crate) fn environment(
    model: &Model,
    namespace: NamespaceId,
    config: &RuleConfig,
) -> Option<&'static str> {
    let ns = &model.namespaces[namespace];
    for key in config.environment_label_keys() {
        if let Some(env) = ns.labels.get(key).and_then(|v| environment_of_word(v)) {
            return Some(env);
        }
    }
    ns.name.split(['-', '_', '.']).find_map(environment_of_word)
}

#[cfg(test)]
mod tests {
    use super::environment_of_word;

    #[test]
    fn words() {
        assert_eq!(environment_of_word("Prod"), Some("production"));
        assert_eq!(environment_of_word("qa"), Some("test"));
        assert_eq!(environment_of_word("shop"), None);
    }
}
