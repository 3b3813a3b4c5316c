//! Requests and how a policy rule matches them, as the RBAC authorizer of
//! kube-apiserver decides (`RuleAllows` in
//! `plugin/pkg/auth/authorizer/rbac/rbac.go` and the helpers in
//! `pkg/apis/rbac/v1/evaluation_helpers.go`, Kubernetes v1.34):
//!
//! - a verb matches when the rule lists it or `*`;
//! - an API group matches when the rule lists it or `*`;
//! - a resource matches when the rule lists `*`, the combined
//!   `resource/subresource` exactly, or `*/subresource` for a request with
//!   that subresource. `pods/*` and `*/*` are not wildcards: they match
//!   only a subresource literally named `*`, which no API serves;
//! - a rule with `resourceNames` matches only requests for one of those
//!   names, so never a request without a name: create and
//!   deletecollection of a resource never have one (the name of a new
//!   object is in its body, not in the URL), and list and watch have one
//!   only with a `metadata.name=NAME` field selector;
//! - a non-resource URL matches when the rule lists `*`, the path exactly,
//!   or a prefix ending in `*`.

use std::fmt;

use crate::model::PolicyRule;

/// What is asked for: a verb on a resource or on a non-resource URL.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Request<'a> {
    pub verb: &'a str,
    pub target: Target<'a>,
}

/// The object of a request.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Target<'a> {
    Resource {
        /// API group, empty for the core group.
        group: &'a str,
        resource: &'a str,
        /// Empty when the request is for the resource itself.
        subresource: &'a str,
        name: NameQuery<'a>,
    },
    NonResource {
        path: &'a str,
    },
}

/// The object name a resource request is for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum NameQuery<'a> {
    /// A request without a name, such as list, watch or create. Rules with
    /// `resourceNames` do not match it.
    Unnamed,
    /// A request for one named object.
    Named(&'a str),
    /// Any request, named or not: rules with `resourceNames` match too,
    /// for their names. Used to find every grant, however narrow.
    Any,
}

impl<'a> Request<'a> {
    /// A request for a resource or subresource with no name.
    pub fn resource(
        verb: &'a str,
        group: &'a str,
        resource: &'a str,
        subresource: &'a str,
    ) -> Self {
        Request {
            verb,
            target: Target::Resource {
                group,
                resource,
                subresource,
                name: NameQuery::Unnamed,
            },
        }
    }

    /// A request for a non-resource URL such as `/metrics`.
    pub fn non_resource(verb: &'a str, path: &'a str) -> Self {
        Request {
            verb,
            target: Target::NonResource { path },
        }
    }

    /// The same request for `name`, or without a name when the request
    /// cannot carry one ([`Request::can_carry_name`]).
    #[must_use]
    pub fn with_name(mut self, query: NameQuery<'a>) -> Self {
        let carries = self.can_carry_name();
        if let Target::Resource { name, .. } = &mut self.target {
            *name = if carries { query } else { NameQuery::Unnamed };
        }
        self
    }

    /// Whether the request can carry an object name. The API server reads
    /// the name from the URL, and `create` and `deletecollection` of a
    /// resource (not a subresource, which is under a named object) have
    /// none there, so rules with `resourceNames` never allow them.
    pub fn can_carry_name(&self) -> bool {
        match self.target {
            Target::Resource { subresource, .. } => {
                !(subresource.is_empty() && matches!(self.verb, "create" | "deletecollection"))
            }
            Target::NonResource { .. } => false,
        }
    }

    /// Whether `rule` allows this request.
    pub fn allowed_by(&self, rule: &PolicyRule<'_>) -> bool {
        if !verb_matches(&rule.verbs, self.verb) {
            return false;
        }
        match self.target {
            Target::Resource {
                group,
                resource,
                subresource,
                name,
            } => {
                let name = if self.can_carry_name() {
                    name
                } else {
                    NameQuery::Unnamed
                };
                group_matches(&rule.api_groups, group)
                    && resource_matches(&rule.resources, resource, subresource)
                    && name_matches(&rule.resource_names, name)
            }
            Target::NonResource { path } => url_matches(&rule.non_resource_urls, path),
        }
    }
}

impl Request<'_> {
    /// What the request is for, as kubectl names it: `secrets`,
    /// `pods/exec`, `deployments.apps/scale`, `/metrics`.
    pub fn target_text(&self) -> String {
        match self.target {
            Target::Resource {
                group,
                resource,
                subresource,
                ..
            } => {
                let mut out = resource.to_owned();
                if !group.is_empty() {
                    out.push('.');
                    out.push_str(group);
                }
                if !subresource.is_empty() {
                    out.push('/');
                    out.push_str(subresource);
                }
                out
            }
            Target::NonResource { path } => path.to_owned(),
        }
    }
}

impl fmt::Display for Request<'_> {
    /// `get secrets`, `create pods/exec named web`, `get deployments.apps`,
    /// `get /metrics`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {}", self.verb, self.target_text())?;
        if let Target::Resource {
            name: NameQuery::Named(name),
            ..
        } = self.target
        {
            write!(f, " named {name}")?;
        }
        Ok(())
    }
}

/// Verbs with a bit of their own in [`verb_bits`].
const KNOWN_VERBS: [&str; 14] = [
    "get",
    "list",
    "watch",
    "create",
    "update",
    "patch",
    "delete",
    "deletecollection",
    "escalate",
    "bind",
    "impersonate",
    "approve",
    "use",
    "proxy",
];
const WILDCARD_BIT: u32 = 1 << 30;
const OTHER_BIT: u32 = 1 << 31;

/// A bit set of verbs: one bit per known verb, one for `*` and one for
/// every other verb. The union over a rule's verbs shows quickly that the
/// rule cannot allow a request ([`may_allow_verb`]).
pub(crate) fn verb_bits(verbs: &[&str]) -> u32 {
    verbs.iter().fold(0, |bits, verb| bits | verb_bit(verb))
}

fn verb_bit(verb: &str) -> u32 {
    if verb == "*" {
        return WILDCARD_BIT;
    }
    KNOWN_VERBS
        .iter()
        .position(|known| *known == verb)
        .map_or(OTHER_BIT, |index| 1 << index)
}

/// Whether a rule whose verbs have `bits` may allow `verb`. False only when
/// it certainly does not.
pub(crate) fn may_allow_verb(bits: u32, verb: &str) -> bool {
    let needed = match verb_bit(verb) {
        WILDCARD_BIT => WILDCARD_BIT,
        bit => bit | WILDCARD_BIT,
    };
    bits & needed != 0
}

/// String equality that rejects most unequal pairs by their length and
/// first byte, without a call to `memcmp`: matching compares every rule
/// of a large policy against each request, and most pairs differ.
fn same(a: &str, b: &str) -> bool {
    a.len() == b.len() && a.as_bytes().first() == b.as_bytes().first() && a == b
}

fn verb_matches(verbs: &[&str], verb: &str) -> bool {
    verbs.iter().any(|v| *v == "*" || same(v, verb))
}

fn group_matches(groups: &[&str], group: &str) -> bool {
    groups.iter().any(|g| *g == "*" || same(g, group))
}

fn resource_matches(resources: &[&str], resource: &str, subresource: &str) -> bool {
    resources.iter().any(|rule| {
        if *rule == "*" {
            return true;
        }
        if subresource.is_empty() {
            return same(rule, resource);
        }
        // The rule must equal `resource/subresource`, or be
        // `*/subresource`.
        let Some((rule_resource, rule_sub)) = rule.split_once('/') else {
            return false;
        };
        same(rule_sub, subresource) && (rule_resource == "*" || same(rule_resource, resource))
    })
}

fn name_matches(names: &[&str], query: NameQuery<'_>) -> bool {
    if names.is_empty() {
        return true;
    }
    match query {
        NameQuery::Unnamed => false,
        NameQuery::Named(name) => names.contains(&name),
        NameQuery::Any => true,
    }
}

fn url_matches(urls: &[&str], path: &str) -> bool {
    urls.iter().any(|url| {
        if *url == "*" || *url == path {
            return true;
        }
        url.strip_suffix('*')
            .is_some_and(|_| path.starts_with(url.trim_end_matches('*')))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn resource_wildcards() {
        let cases: &[(&str, &str, &str, bool)] = &[
            ("*", "pods", "", true),
            ("*", "pods", "exec", true),
            ("pods", "pods", "", true),
            ("pods", "pods", "exec", false),
            ("pods/exec", "pods", "exec", true),
            ("pods/exec", "pods", "", false),
            ("*/exec", "pods", "exec", true),
            ("*/exec", "nodes", "exec", true),
            ("*/exec", "pods", "", false),
            ("*/scale", "deployments", "scale", true),
            ("*/*", "pods", "exec", false),
            ("*/*", "pods", "", false),
            ("*/*", "pods", "*", true),
            ("pods/*", "pods", "exec", false),
            ("pods/*", "pods", "", false),
            ("pods/*", "pods", "*", true),
            ("*/exec", "*", "exec", true),
            ("deployments/scale", "replicasets", "scale", false),
            ("pods/exec/x", "pods", "exec/x", true),
        ];
        for &(rule, resource, sub, expected) in cases {
            assert_eq!(
                resource_matches(&[rule], resource, sub),
                expected,
                "rule {rule:?} on {resource}/{sub}"
            );
        }
    }

    #[test]
    fn resource_names() {
        assert!(name_matches(&[], NameQuery::Unnamed));
        assert!(!name_matches(&["a"], NameQuery::Unnamed));
        assert!(name_matches(&["a"], NameQuery::Named("a")));
        assert!(!name_matches(&["a"], NameQuery::Named("b")));
        assert!(name_matches(&["a"], NameQuery::Any));
    }

    #[test]
    fn non_resource_urls() {
        assert!(url_matches(&["*"], "/metrics"));
        assert!(url_matches(&["/metrics"], "/metrics"));
        assert!(!url_matches(&["/metrics"], "/metrics/slis"));
        assert!(url_matches(&["/healthz/*"], "/healthz/etcd"));
        assert!(url_matches(&["/api*"], "/apis"));
        assert!(!url_matches(&["/healthz/*"], "/healthz"));
        assert!(url_matches(&["/healthz**"], "/healthz"));
    }

    #[test]
    fn verb_bit_sets() {
        let bits = verb_bits(&["get", "list"]);
        assert!(may_allow_verb(bits, "get"));
        assert!(!may_allow_verb(bits, "create"));
        assert!(!may_allow_verb(bits, "*"));
        assert!(!may_allow_verb(bits, "sign"));
        let odd = verb_bits(&["sign"]);
        assert!(may_allow_verb(odd, "sign"));
        assert!(may_allow_verb(odd, "attest"));
        assert!(!may_allow_verb(odd, "get"));
        let all = verb_bits(&["*"]);
        for verb in ["get", "*", "escalate", "sign"] {
            assert!(may_allow_verb(all, verb), "{verb}");
        }
    }

    #[test]
    fn verbs_and_groups() {
        assert!(verb_matches(&["*"], "escalate"));
        assert!(!verb_matches(&["get"], "list"));
        assert!(group_matches(&["*"], "apps"));
        assert!(group_matches(&[""], ""));
        assert!(!group_matches(&[""], "apps"));
        assert!(!group_matches(&[], ""));
    }
}
