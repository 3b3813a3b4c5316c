//! The `.kubeward.yaml` model and its parser.
//!
//! The file is one YAML mapping. Every key is optional:
//!
//! ```yaml
//! profile: platform             # a built-in profile or one of `profiles`
//! profiles:
//!   platform:
//!     extends: pss-restricted
//!     enable: [supply-chain]
//!     disable: [missing-liveness-probe]
//! rules:
//!   enable: [supply-chain]        # rule ids or family names
//!   disable: [missing-liveness-probe]
//! severity:
//!   missing-cpu-limit: high
//! allowedRegistries: [registry.example.com, ghcr.io/example]
//! allowAnnotationExceptions: false
//! exceptions:
//!   - rules: [pss-privileged]     # or ["*"]
//!     match: { namespace: kube-system, kind: DaemonSet, name: "calico-*" }
//!     reason: Calico configures node networking.
//!     owner: platform-team
//!     expires: 2027-06-30
//! ```
//!
//! Unknown keys, wrong types, duplicate keys and unknown rule ids are
//! errors, so a typo never silently turns a setting off.

use std::collections::BTreeMap;
use std::fmt;
use std::sync::Arc;

use globset::{Glob, GlobMatcher};
use jiff::civil::Date;
use kubeward_core::yaml::{self, NodeRef, Pos};
use kubeward_core::{Family, Profile, RuleDef, Severity};

/// Name of the configuration file that kubeward looks for in the working
/// directory and its parents.
pub const CONFIG_FILE_NAME: &str = ".kubeward.yaml";

/// A parsed configuration file. [`Config::default`] is the configuration
/// used when there is no file.
#[derive(Clone, Debug)]
pub struct Config {
    /// Path of the file as the CLI found it; empty for the defaults.
    pub file: Arc<str>,
    /// The profile used when the command line names none: a built-in
    /// profile's name or one of `profiles`, checked when parsed.
    pub profile: Option<String>,
    /// Profiles the file defines, in file order.
    pub profiles: Vec<CustomProfile>,
    /// Rule ids and family names run in addition to the profile's rules.
    pub enable: Vec<String>,
    /// Rule ids and family names never run, even when enabled.
    pub disable: Vec<String>,
    /// Severity that findings of a rule get in place of the rule's own.
    pub severity: BTreeMap<String, Severity>,
    /// Registries images may come from; empty allows every registry.
    pub allowed_registries: Vec<String>,
    /// Namespaces the `rbac` and `network` rules treat as sensitive;
    /// `None` keeps the rules' defaults.
    pub sensitive_namespaces: Option<Vec<String>>,
    /// Namespace label keys whose values name an environment, for the
    /// `network` rule on traffic across environments; `None` keeps the
    /// default keys.
    pub environment_label_keys: Option<Vec<String>>,
    /// Whether the `kubeward.dev/ignore` annotation suppresses findings.
    pub allow_annotation_exceptions: bool,
    pub exceptions: Vec<Exception>,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            file: Arc::from(""),
            profile: None,
            profiles: Vec::new(),
            enable: Vec::new(),
            disable: Vec::new(),
            severity: BTreeMap::new(),
            allowed_registries: Vec::new(),
            sensitive_namespaces: None,
            environment_label_keys: None,
            allow_annotation_exceptions: true,
            exceptions: Vec::new(),
        }
    }
}

impl Config {
    /// Returns whether the configuration adds `rule` to the profile's rules.
    pub fn enables(&self, rule: &RuleDef) -> bool {
        self.enable.iter().any(|name| names_rule(name, rule))
    }

    /// Returns whether the configuration turns `rule` off.
    pub fn disables(&self, rule: &RuleDef) -> bool {
        self.disable.iter().any(|name| names_rule(name, rule))
    }

    /// Resolves the profile a scan runs: `requested` (from the command
    /// line), else the file's `profile`, else `recommended`. A name is a
    /// built-in profile or one the file defines.
    pub fn select_profile(
        &self,
        requested: Option<&str>,
    ) -> Result<ProfileChoice<'_>, UnknownProfileError> {
        let Some(name) = requested.or(self.profile.as_deref()) else {
            return Ok(ProfileChoice::Builtin(Profile::default()));
        };
        if let Ok(profile) = name.parse::<Profile>() {
            return Ok(ProfileChoice::Builtin(profile));
        }
        if let Some(custom) = self.profiles.iter().find(|custom| custom.name == name) {
            return Ok(ProfileChoice::Custom(custom));
        }
        let mut known: Vec<String> = Profile::NAMES.iter().map(|&n| n.to_owned()).collect();
        known.extend(self.profiles.iter().map(|custom| custom.name.clone()));
        Err(UnknownProfileError {
            name: name.to_owned(),
            known,
        })
    }

    /// Returns whether a scan with `profile` runs `rule` under this
    /// configuration. `rules.disable` wins over every enable.
    pub fn runs(&self, rule: &RuleDef, profile: ProfileChoice<'_>) -> bool {
        let selected = match profile {
            ProfileChoice::Builtin(profile) => rule.in_profile(profile),
            ProfileChoice::Custom(custom) => custom.runs(rule),
        };
        (selected || self.enables(rule)) && !self.disables(rule)
    }
}

/// A profile name that is neither built in nor defined in the file.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("unknown profile `{name}`: expected one of {}", known.join(", "))]
pub struct UnknownProfileError {
    pub name: String,
    /// The built-in profiles, then those of the file.
    pub known: Vec<String>,
}

/// The profile a scan runs.
#[derive(Clone, Copy, Debug)]
pub enum ProfileChoice<'c> {
    Builtin(Profile),
    Custom(&'c CustomProfile),
}

/// A profile the configuration file defines: a built-in profile's rules,
/// with rules and families added and removed.
#[derive(Clone, Debug)]
pub struct CustomProfile {
    pub name: String,
    /// Line of the profile's name in the file.
    pub line: u32,
    /// The built-in profile whose rules this one starts from.
    pub extends: Profile,
    /// Rule ids and family names run in addition to `extends`' rules.
    pub enable: Vec<String>,
    /// Rule ids and family names this profile never runs.
    pub disable: Vec<String>,
}

impl CustomProfile {
    /// Returns whether this profile runs `rule`.
    pub fn runs(&self, rule: &RuleDef) -> bool {
        let enabled =
            rule.in_profile(self.extends) || self.enable.iter().any(|name| names_rule(name, rule));
        enabled && !self.disable.iter().any(|name| names_rule(name, rule))
    }
}

fn names_rule(name: &str, rule: &RuleDef) -> bool {
    name == rule.id || name == rule.family.as_str()
}

/// One configured exception: which findings it suppresses, why, who owns
/// that decision and until when.
#[derive(Clone, Debug)]
pub struct Exception {
    /// Position of the exception's entry in the file.
    pub line: u32,
    /// Index in the `exceptions` list, for messages.
    pub index: usize,
    pub rules: RuleSelection,
    pub namespace: Option<NamePattern>,
    pub name: Option<NamePattern>,
    /// The object's `kind`, compared exactly.
    pub kind: Option<String>,
    /// Labels the object must carry, each with this exact value.
    pub labels: Vec<(String, String)>,
    pub reason: String,
    pub owner: String,
    /// The first day on which the exception no longer applies.
    pub expires: Option<Date>,
}

impl Exception {
    /// Returns whether the exception names any object criterion. One that
    /// names none applies to every finding of its rules, including those
    /// outside objects such as parse errors.
    pub fn has_object_criteria(&self) -> bool {
        self.namespace.is_some()
            || self.name.is_some()
            || self.kind.is_some()
            || !self.labels.is_empty()
    }

    /// Returns whether the exception has expired on `today`.
    pub fn is_expired(&self, today: Date) -> bool {
        self.expires.is_some_and(|expires| today >= expires)
    }
}

/// The rules an exception applies to.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum RuleSelection {
    /// `["*"]`: every rule.
    All,
    Ids(Vec<String>),
}

impl RuleSelection {
    pub fn contains(&self, rule: &str) -> bool {
        match self {
            RuleSelection::All => true,
            RuleSelection::Ids(ids) => ids.iter().any(|id| id == rule),
        }
    }
}

/// A namespace or name pattern: exact text, or a glob with `*` and `?`.
#[derive(Clone, Debug)]
pub struct NamePattern {
    pub text: String,
    matcher: GlobMatcher,
}

impl NamePattern {
    /// Returns whether `value` matches. An object without the field is
    /// matched as the empty string, so only `*` matches it.
    pub fn matches(&self, value: Option<&str>) -> bool {
        self.matcher.is_match(value.unwrap_or(""))
    }
}

/// A configuration file that cannot be used, with the place and field at
/// fault.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub struct ConfigError {
    pub file: String,
    pub line: u32,
    pub column: u32,
    /// The field path, such as `exceptions[0].reason`; empty for syntax
    /// errors.
    pub field: String,
    pub message: String,
}

impl fmt::Display for ConfigError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}:{}: ", self.file, self.line, self.column)?;
        if !self.field.is_empty() {
            write!(f, "{}: ", self.field)?;
        }
        f.write_str(&self.message)
    }
}

/// Parses the text of a configuration file. `rules` are the rules kubeward
/// knows, against which rule ids in the file are checked.
pub fn parse(file: &str, text: &str, rules: &[&'static RuleDef]) -> Result<Config, ConfigError> {
    let text = yaml::normalize_line_breaks(text);
    let chunks = yaml::split_documents(&text);
    let mut documents = Vec::new();
    for chunk in chunks {
        let parsed = yaml::parse_document(chunk);
        if let Some(error) = parsed.error {
            return Err(error_at(
                file,
                error.pos,
                "",
                format!("invalid YAML: {}", error.message),
            ));
        }
        documents.extend(parsed.documents.into_iter().filter(|d| d.root().is_some()));
    }
    let mut config = Config {
        file: Arc::from(file),
        ..Config::default()
    };
    let Some(document) = documents.first() else {
        return Ok(config);
    };
    if let Some(second) = documents.get(1) {
        return Err(error_at(
            file,
            second.start,
            "",
            "the configuration must be a single YAML document".into(),
        ));
    }
    if let Some(duplicate) = document.duplicate_keys().first() {
        return Err(error_at(
            file,
            duplicate.pos,
            &duplicate.key,
            "set more than once; remove one of the entries".into(),
        ));
    }
    let Some(root) = document.root() else {
        return Ok(config);
    };
    let reader = Reader { file, rules };
    reader.read_root(root, &mut config)?;
    Ok(config)
}

fn error_at(file: &str, pos: Pos, field: &str, message: String) -> ConfigError {
    ConfigError {
        file: file.to_owned(),
        line: pos.line,
        column: pos.col,
        field: field.to_owned(),
        message,
    }
}

const ROOT_KEYS: &[&str] = &[
    "profile",
    "profiles",
    "rules",
    "severity",
    "allowedRegistries",
    "sensitiveNamespaces",
    "environmentLabelKeys",
    "allowAnnotationExceptions",
    "exceptions",
];
const RULES_KEYS: &[&str] = &["enable", "disable"];
const PROFILE_KEYS: &[&str] = &["extends", "enable", "disable"];
const EXCEPTION_KEYS: &[&str] = &["rules", "match", "reason", "owner", "expires"];
const MATCH_KEYS: &[&str] = &["namespace", "name", "kind", "labels"];

/// Reads the tree of one configuration file.
struct Reader<'r> {
    file: &'r str,
    rules: &'r [&'static RuleDef],
}

type Node<'d> = NodeRef<'d, 'd>;

impl Reader<'_> {
    fn error(&self, node: Node<'_>, field: &str, message: impl Into<String>) -> ConfigError {
        error_at(self.file, node.pos(), field, message.into())
    }

    fn read_root(&self, root: Node<'_>, config: &mut Config) -> Result<(), ConfigError> {
        self.check_keys(root, "", ROOT_KEYS)?;
        if let Some(node) = root.get("profiles") {
            config.profiles = self.profiles(node)?;
        }
        if let Some(node) = root.get("profile") {
            let name = self.non_empty(node, "profile")?;
            config
                .select_profile(Some(&name))
                .map_err(|err| self.error(node, "profile", err.to_string()))?;
            config.profile = Some(name);
        }
        if let Some(node) = root.get("rules") {
            self.check_keys(node, "rules", RULES_KEYS)?;
            config.enable = self.rule_names(node.get("enable"), "rules.enable")?;
            config.disable = self.rule_names(node.get("disable"), "rules.disable")?;
        }
        if let Some(node) = root.get("severity") {
            config.severity = self.severities(node)?;
        }
        if let Some(node) = root.get("allowedRegistries") {
            config.allowed_registries = self.strings(node, "allowedRegistries")?;
        }
        if let Some(node) = root.get("sensitiveNamespaces") {
            config.sensitive_namespaces = Some(self.strings(node, "sensitiveNamespaces")?);
        }
        if let Some(node) = root.get("environmentLabelKeys") {
            config.environment_label_keys = Some(self.strings(node, "environmentLabelKeys")?);
        }
        if let Some(node) = root.get("allowAnnotationExceptions") {
            config.allow_annotation_exceptions = node.as_bool().ok_or_else(|| {
                self.error(
                    node,
                    "allowAnnotationExceptions",
                    format!("expected true or false, found a {}", node.type_name()),
                )
            })?;
        }
        if let Some(node) = root.get("exceptions") {
            let items = self.sequence(node, "exceptions")?;
            for (index, item) in items.into_iter().enumerate() {
                config.exceptions.push(self.exception(item, index)?);
            }
        }
        Ok(())
    }

    /// Rejects keys of `node` outside `known`, suggesting the closest one.
    fn check_keys(&self, node: Node<'_>, field: &str, known: &[&str]) -> Result<(), ConfigError> {
        if !node.is_map() {
            let name = if field.is_empty() {
                "the configuration"
            } else {
                field
            };
            return Err(self.error(
                node,
                field,
                format!("{name} must be a mapping, found a {}", node.type_name()),
            ));
        }
        for entry in node.raw_entries() {
            let key = entry.key_str().unwrap_or_default();
            if known.contains(&key.as_ref()) {
                continue;
            }
            let path = join(field, &key);
            let mut message = format!("unknown field; expected one of {}", known.join(", "));
            if let Some(close) = closest(&key, known.iter().copied()) {
                message = format!("unknown field; did you mean `{close}`?");
            }
            return Err(error_at(self.file, entry.key.pos(), &path, message));
        }
        Ok(())
    }

    fn string<'d>(&self, node: Node<'d>, field: &str) -> Result<&'d str, ConfigError> {
        node.as_str().ok_or_else(|| {
            self.error(
                node,
                field,
                format!("expected a string, found a {}", node.type_name()),
            )
        })
    }

    fn non_empty(&self, node: Node<'_>, field: &str) -> Result<String, ConfigError> {
        let text = self.string(node, field)?.trim();
        if text.is_empty() {
            return Err(self.error(node, field, "must not be empty"));
        }
        Ok(text.to_owned())
    }

    fn sequence<'d>(&self, node: Node<'d>, field: &str) -> Result<Vec<Node<'d>>, ConfigError> {
        if !node.is_seq() {
            return Err(self.error(
                node,
                field,
                format!("expected a list, found a {}", node.type_name()),
            ));
        }
        Ok(node.items().collect())
    }

    fn strings(&self, node: Node<'_>, field: &str) -> Result<Vec<String>, ConfigError> {
        let mut out = Vec::new();
        for (index, item) in self.sequence(node, field)?.into_iter().enumerate() {
            out.push(self.non_empty(item, &format!("{field}[{index}]"))?);
        }
        Ok(out)
    }

    /// Reads a list of rule ids or family names, each checked.
    fn rule_names(&self, node: Option<Node<'_>>, field: &str) -> Result<Vec<String>, ConfigError> {
        let Some(node) = node else {
            return Ok(Vec::new());
        };
        let names = self.strings(node, field)?;
        for (index, (name, item)) in names.iter().zip(node.items()).enumerate() {
            let is_family = FAMILIES.iter().any(|family| family.as_str() == name);
            if !is_family {
                self.check_rule_id(item, &format!("{field}[{index}]"), name)?;
            }
        }
        Ok(names)
    }

    fn check_rule_id(&self, node: Node<'_>, field: &str, id: &str) -> Result<(), ConfigError> {
        if self.rules.iter().any(|rule| rule.id == id) {
            return Ok(());
        }
        let mut message = format!("unknown rule `{id}`; `kubeward rules` lists every rule");
        if let Some(close) = closest(id, self.rules.iter().map(|rule| rule.id)) {
            message = format!("unknown rule `{id}`; did you mean `{close}`?");
        }
        Err(self.error(node, field, message))
    }

    fn profiles(&self, node: Node<'_>) -> Result<Vec<CustomProfile>, ConfigError> {
        if !node.is_map() {
            return Err(self.error(
                node,
                "profiles",
                format!(
                    "expected a mapping of profile name to profile, found a {}",
                    node.type_name()
                ),
            ));
        }
        let mut out = Vec::new();
        for entry in node.raw_entries() {
            let name = entry.key_str().unwrap_or_default().into_owned();
            let field = join("profiles", &name);
            if name.trim().is_empty() {
                return Err(self.error(entry.key, &field, "a profile name must not be empty"));
            }
            if name.parse::<Profile>().is_ok() {
                return Err(self.error(
                    entry.key,
                    &field,
                    format!("`{name}` is a built-in profile; give this profile another name"),
                ));
            }
            self.check_keys(entry.value, &field, PROFILE_KEYS)?;
            let extends_field = format!("{field}.extends");
            let extends_node = entry.value.get("extends").ok_or_else(|| {
                self.error(
                    entry.value,
                    &extends_field,
                    format!(
                        "missing; name the built-in profile it starts from ({})",
                        Profile::NAMES.join(", ")
                    ),
                )
            })?;
            let extends = self
                .string(extends_node, &extends_field)?
                .parse::<Profile>()
                .map_err(|err| self.error(extends_node, &extends_field, err.to_string()))?;
            out.push(CustomProfile {
                line: entry.key.pos().line,
                extends,
                enable: self.rule_names(entry.value.get("enable"), &format!("{field}.enable"))?,
                disable: self
                    .rule_names(entry.value.get("disable"), &format!("{field}.disable"))?,
                name,
            });
        }
        Ok(out)
    }

    fn severities(&self, node: Node<'_>) -> Result<BTreeMap<String, Severity>, ConfigError> {
        if !node.is_map() {
            return Err(self.error(
                node,
                "severity",
                format!(
                    "expected a mapping of rule id to severity, found a {}",
                    node.type_name()
                ),
            ));
        }
        let mut out = BTreeMap::new();
        for entry in node.raw_entries() {
            let id = entry.key_str().unwrap_or_default().into_owned();
            let field = join("severity", &id);
            self.check_rule_id(entry.key, &field, &id)?;
            let text = self.string(entry.value, &field)?;
            let severity = text
                .parse::<Severity>()
                .map_err(|err| self.error(entry.value, &field, err.to_string()))?;
            out.insert(id, severity);
        }
        Ok(out)
    }

    fn exception(&self, node: Node<'_>, index: usize) -> Result<Exception, ConfigError> {
        let field = format!("exceptions[{index}]");
        self.check_keys(node, &field, EXCEPTION_KEYS)?;
        let required = |key: &str| {
            node.get(key).ok_or_else(|| {
                self.error(
                    node,
                    &format!("{field}.{key}"),
                    format!("missing; every exception needs a `{key}`"),
                )
            })
        };
        let rules = self.exception_rules(required("rules")?, &format!("{field}.rules"))?;
        let reason = self.non_empty(required("reason")?, &format!("{field}.reason"))?;
        let owner = self.non_empty(required("owner")?, &format!("{field}.owner"))?;
        let expires = match node.get("expires") {
            Some(value) => Some(self.date(value, &format!("{field}.expires"))?),
            None => None,
        };
        let mut exception = Exception {
            line: node.pos().line,
            index,
            rules,
            namespace: None,
            name: None,
            kind: None,
            labels: Vec::new(),
            reason,
            owner,
            expires,
        };
        if let Some(criteria) = node.get("match") {
            self.criteria(criteria, &format!("{field}.match"), &mut exception)?;
        }
        Ok(exception)
    }

    fn exception_rules(&self, node: Node<'_>, field: &str) -> Result<RuleSelection, ConfigError> {
        let ids = self.strings(node, field)?;
        if ids.is_empty() {
            return Err(self.error(
                node,
                field,
                "must name at least one rule id, or `*` for all",
            ));
        }
        if ids.iter().any(|id| id == "*") {
            if ids.len() > 1 {
                return Err(self.error(
                    node,
                    field,
                    "`*` already selects every rule; list it alone",
                ));
            }
            return Ok(RuleSelection::All);
        }
        for (index, (id, item)) in ids.iter().zip(node.items()).enumerate() {
            self.check_rule_id(item, &format!("{field}[{index}]"), id)?;
        }
        Ok(RuleSelection::Ids(ids))
    }

    fn criteria(
        &self,
        node: Node<'_>,
        field: &str,
        exception: &mut Exception,
    ) -> Result<(), ConfigError> {
        self.check_keys(node, field, MATCH_KEYS)?;
        if let Some(value) = node.get("namespace") {
            exception.namespace = Some(self.pattern(value, &format!("{field}.namespace"))?);
        }
        if let Some(value) = node.get("name") {
            exception.name = Some(self.pattern(value, &format!("{field}.name"))?);
        }
        if let Some(value) = node.get("kind") {
            exception.kind = Some(self.non_empty(value, &format!("{field}.kind"))?);
        }
        if let Some(labels) = node.get("labels") {
            let labels_field = format!("{field}.labels");
            if !labels.is_map() {
                return Err(self.error(
                    labels,
                    &labels_field,
                    format!(
                        "expected a mapping of label to value, found a {}",
                        labels.type_name()
                    ),
                ));
            }
            for entry in labels.raw_entries() {
                let key = entry.key_str().unwrap_or_default().into_owned();
                let value = entry.value.scalar_text().ok_or_else(|| {
                    self.error(
                        entry.value,
                        &join(&labels_field, &key),
                        "expected a label value",
                    )
                })?;
                exception.labels.push((key, value.into_owned()));
            }
        }
        if !exception.has_object_criteria() {
            return Err(self.error(
                node,
                field,
                "names no namespace, name, kind or labels; remove `match` to apply the \
                 exception to every object",
            ));
        }
        Ok(())
    }

    fn pattern(&self, node: Node<'_>, field: &str) -> Result<NamePattern, ConfigError> {
        let text = self.non_empty(node, field)?;
        let glob = Glob::new(&text)
            .map_err(|err| self.error(node, field, format!("invalid pattern: {}", err.kind())))?;
        Ok(NamePattern {
            text,
            matcher: glob.compile_matcher(),
        })
    }

    fn date(&self, node: Node<'_>, field: &str) -> Result<Date, ConfigError> {
        let text = node.scalar_text().unwrap_or_default();
        let is_date_shape = text.len() == 10 && text.as_bytes().get(4) == Some(&b'-');
        let parsed = is_date_shape.then(|| text.parse::<Date>().ok()).flatten();
        parsed.ok_or_else(|| {
            self.error(
                node,
                field,
                format!("invalid date `{text}`; expected YYYY-MM-DD"),
            )
        })
    }
}

/// Every family, for `rules.enable` and `rules.disable`, including
/// families that have no rules yet.
const FAMILIES: [Family; 17] = [
    Family::Intake,
    Family::PodSecurity,
    Family::Container,
    Family::ApiServer,
    Family::Etcd,
    Family::Encryption,
    Family::Kubelet,
    Family::Audit,
    Family::ControllerManager,
    Family::Scheduler,
    Family::KubeProxy,
    Family::NodeFiles,
    Family::Network,
    Family::Rbac,
    Family::Exposure,
    Family::SupplyChain,
    Family::Runtime,
];

fn join(field: &str, key: &str) -> String {
    if field.is_empty() {
        key.to_owned()
    } else {
        format!("{field}.{key}")
    }
}

/// The candidate closest to `word`, if one is close enough to be a typo.
fn closest<'c>(word: &str, candidates: impl Iterator<Item = &'c str>) -> Option<&'c str> {
    candidates
        .map(|candidate| (strsim::jaro_winkler(word, candidate), candidate))
        .filter(|(score, _)| *score > 0.85)
        .max_by(|a, b| a.0.total_cmp(&b.0))
        .map(|(_, candidate)| candidate)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn families_list_every_rule_family() {
        for rule in kubeward_rules::all() {
            assert!(FAMILIES.contains(&rule.family), "{}", rule.family.as_str());
        }
    }
}
