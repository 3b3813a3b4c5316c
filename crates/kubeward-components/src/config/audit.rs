//! Audit `Policy` (`audit.k8s.io`): the API server logs each request at the
//! level of the first rule that matches it, and does not log requests no
//! rule matches.
//!
//! A rule matches a request when every selector it sets matches: `users`,
//! `userGroups`, `verbs`, `namespaces`, and either `resources` (API group
//! and resource; an empty resource list means every resource of the group,
//! `*` every resource and subresource, `pods` does not match `pods/log`,
//! `pods/*` and `*/log` match subresources) or, for requests that are not
//! for resources, `nonResourceURLs`. A rule with no selector matches every
//! request.

use kubeward_core::Object;
use kubeward_core::yaml::{NodeRef, Pos};

/// Audit levels, from least to most detail.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Level {
    None,
    Metadata,
    Request,
    RequestResponse,
}

impl Level {
    fn parse(text: &str) -> Option<Level> {
        Some(match text {
            "None" => Level::None,
            "Metadata" => Level::Metadata,
            "Request" => Level::Request,
            "RequestResponse" => Level::RequestResponse,
            _ => return None,
        })
    }

    pub fn name(self) -> &'static str {
        match self {
            Level::None => "None",
            Level::Metadata => "Metadata",
            Level::Request => "Request",
            Level::RequestResponse => "RequestResponse",
        }
    }
}

/// One `resources` item of a rule.
#[derive(Clone, Debug)]
pub struct GroupResources {
    pub group: String,
    /// Resource names; empty means every resource of the group.
    pub resources: Vec<String>,
    /// Whether `resourceNames` narrows the item to named objects.
    pub named: bool,
}

/// One rule of the policy.
#[derive(Clone, Debug)]
pub struct AuditRule {
    /// `None` when `level` is missing or not a known level.
    pub level: Option<Level>,
    pub resources: Vec<GroupResources>,
    pub has_resources: bool,
    pub has_non_resource_urls: bool,
    /// Whether `users`, `userGroups`, `verbs` or `namespaces` narrow the
    /// rule.
    pub narrowed: bool,
    pub pos: Pos,
    /// Position of the `level` key, or of the rule.
    pub level_pos: Pos,
    pub index: usize,
}

/// How a rule matches requests for one resource.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Match {
    /// Not at all.
    No,
    /// Some of them: the rule narrows users, verbs, namespaces or names.
    Some,
    /// Every one.
    All,
}

impl AuditRule {
    /// Whether this rule matches no selector, so it matches every request.
    pub fn is_catch_all(&self) -> bool {
        !self.has_resources && !self.has_non_resource_urls && !self.narrowed
    }

    /// How this rule matches requests for `resource` of `group` (a
    /// subresource as `serviceaccounts/token`).
    pub fn matches(&self, group: &str, resource: &str) -> Match {
        // A rule that lists non-resource URLs never matches resource
        // requests.
        if self.has_non_resource_urls {
            return Match::No;
        }
        let mut partial = self.narrowed;
        if self.has_resources {
            let item = self
                .resources
                .iter()
                .filter(|item| item.group == group)
                .find(|item| item.resources.is_empty() || names_match(&item.resources, resource));
            match item {
                None => return Match::No,
                Some(item) => partial |= item.named,
            }
        }
        if partial { Match::Some } else { Match::All }
    }
}

fn names_match(names: &[String], resource: &str) -> bool {
    let (base, sub) = resource.split_once('/').unwrap_or((resource, ""));
    names.iter().any(|name| {
        let (name_base, name_sub) = name.split_once('/').unwrap_or((name, ""));
        match (name_base, name_sub, sub.is_empty()) {
            ("*", "", _) => true,
            (b, "", true) | (b, "*", false) => b == base,
            ("*", s, false) => s == sub,
            (b, s, false) => b == base && s == sub,
            _ => false,
        }
    })
}

/// An audit policy, read from an object.
#[derive(Clone, Debug)]
pub struct AuditPolicy {
    pub rules: Vec<AuditRule>,
    /// Position of `rules`, or of the object's `kind` when absent.
    pub pos: Pos,
}

/// Whether `object` is an audit Policy.
pub fn is_audit_policy(object: &Object<'_, '_>) -> bool {
    object.kind() == "Policy" && object.api_group() == "audit.k8s.io"
}

impl AuditPolicy {
    pub fn read(root: NodeRef<'_, '_>, fallback: Pos) -> Self {
        let rules_entry = root.entry("rules");
        let pos = rules_entry.map_or(fallback, |entry| entry.key.pos());
        let items = rules_entry.map(|entry| entry.value);
        let rules = items
            .iter()
            .flat_map(kubeward_yaml::NodeRef::items)
            .enumerate()
            .map(|(index, rule)| read_rule(rule, index))
            .collect();
        AuditPolicy { rules, pos }
    }

    /// The highest level requests for `resource` of `group` can be logged
    /// at, with the rule that logs them there. Walks the rules in order
    /// until one matches every such request.
    pub fn highest_level(&self, group: &str, resource: &str) -> Option<(Level, &AuditRule)> {
        let mut highest: Option<(Level, &AuditRule)> = None;
        for rule in &self.rules {
            let matched = rule.matches(group, resource);
            if matched == Match::No {
                continue;
            }
            let level = rule.level.unwrap_or(Level::None);
            if highest.is_none_or(|(best, _)| level > best) {
                highest = Some((level, rule));
            }
            if matched == Match::All {
                break;
            }
        }
        highest
    }
}

fn read_rule(rule: NodeRef<'_, '_>, index: usize) -> AuditRule {
    let level_entry = rule.entry("level");
    let level = level_entry
        .and_then(|entry| entry.value.as_str())
        .and_then(Level::parse);
    let non_empty = |key: &str| rule.get(key).is_some_and(|v| !v.is_empty());
    let resources: Vec<GroupResources> = rule
        .get("resources")
        .into_iter()
        .flat_map(|list| list.items())
        .map(|item| GroupResources {
            group: item.get_str("group").unwrap_or("").to_owned(),
            resources: item
                .get("resources")
                .into_iter()
                .flat_map(|list| list.items())
                .filter_map(|name| name.as_str().map(str::to_owned))
                .collect(),
            named: item.get("resourceNames").is_some_and(|v| !v.is_empty()),
        })
        .collect();
    AuditRule {
        level,
        has_resources: !resources.is_empty(),
        resources,
        has_non_resource_urls: non_empty("nonResourceURLs"),
        narrowed: ["users", "userGroups", "verbs", "namespaces"]
            .iter()
            .any(|key| non_empty(key)),
        pos: rule.pos(),
        level_pos: level_entry.map_or(rule.pos(), |entry| entry.key.pos()),
        index,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rule(resources: Vec<GroupResources>, narrowed: bool, level: Level) -> AuditRule {
        AuditRule {
            level: Some(level),
            has_resources: !resources.is_empty(),
            resources,
            has_non_resource_urls: false,
            narrowed,
            pos: Pos::default(),
            level_pos: Pos::default(),
            index: 0,
        }
    }

    fn core(names: &[&str]) -> GroupResources {
        GroupResources {
            group: String::new(),
            resources: names.iter().map(|n| (*n).to_owned()).collect(),
            named: false,
        }
    }

    #[test]
    fn subresources_need_their_own_name() {
        let pods = rule(vec![core(&["pods"])], false, Level::Request);
        assert_eq!(pods.matches("", "pods"), Match::All);
        assert_eq!(pods.matches("", "pods/log"), Match::No);
        let all_sub = rule(vec![core(&["pods/*"])], false, Level::Request);
        assert_eq!(all_sub.matches("", "pods/log"), Match::All);
        let tokens = rule(vec![core(&["*/token"])], false, Level::Request);
        assert_eq!(tokens.matches("", "serviceaccounts/token"), Match::All);
    }

    #[test]
    fn empty_resource_list_means_whole_group() {
        let group = rule(vec![core(&[])], false, Level::Request);
        assert_eq!(group.matches("", "secrets"), Match::All);
        assert_eq!(group.matches("apps", "deployments"), Match::No);
    }

    #[test]
    fn first_full_match_ends_the_walk() {
        let policy = AuditPolicy {
            rules: vec![
                rule(vec![core(&["secrets"])], false, Level::Metadata),
                rule(Vec::new(), false, Level::RequestResponse),
            ],
            pos: Pos::default(),
        };
        let (level, _) = policy.highest_level("", "secrets").expect("matched");
        assert_eq!(level, Level::Metadata);
    }

    #[test]
    fn narrowed_rule_does_not_end_the_walk() {
        let policy = AuditPolicy {
            rules: vec![
                rule(Vec::new(), true, Level::None),
                rule(Vec::new(), false, Level::RequestResponse),
            ],
            pos: Pos::default(),
        };
        let (level, _) = policy.highest_level("", "secrets").expect("matched");
        assert_eq!(level, Level::RequestResponse);
    }
}
