//! Reading the resources and subjects that users name on the command line.
//!
//! Resources are written as kubectl writes them: `secrets`, `pods/exec`,
//! `deployments.apps`, `deployments.apps/scale`, `*`, `*/scale`, or a
//! non-resource URL starting with `/`. Subjects are `User:NAME`,
//! `Group:NAME`, `ServiceAccount:NAMESPACE/NAME` (or `sa:`), the user name
//! `system:serviceaccount:NAMESPACE:NAME`, or a bare user name.

use crate::identity::{Identity, service_account_of};
use crate::model::{SubjectKind, SubjectRef};
use crate::resources::{self, ResourceInfo};

/// A resource or URL named on the command line.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum TargetArg {
    Resource {
        group: String,
        resource: String,
        subresource: String,
        /// Whether requests for it never have a namespace, as far as
        /// kubeward's table of built-in resources knows.
        cluster_scoped: bool,
    },
    NonResource {
        path: String,
    },
}

/// Why a command-line resource or subject is invalid.
#[derive(Debug, PartialEq, Eq, thiserror::Error)]
pub enum QueryError {
    #[error("empty resource: name a resource such as `secrets` or `pods/exec`")]
    EmptyResource,
    #[error(
        "unknown resource `{0}`: kubeward knows the API groups of built-in resources only; \
         name the group as RESOURCE.GROUP, such as `{0}.example.com`, or `{0}.` for the \
         core group"
    )]
    UnknownResource(String),
    #[error("invalid subject `{0}`: {1}")]
    InvalidSubject(String, &'static str),
}

/// Reads a resource argument.
pub fn parse_target(arg: &str) -> Result<TargetArg, QueryError> {
    if arg.starts_with('/') {
        return Ok(TargetArg::NonResource {
            path: arg.to_owned(),
        });
    }
    let (base, subresource) = arg.split_once('/').unwrap_or((arg, ""));
    if base.is_empty() {
        return Err(QueryError::EmptyResource);
    }
    let (resource, group) = match base.split_once('.') {
        Some((resource, group)) => (resource, Some(group)),
        None => (base, None),
    };
    let group = match group {
        Some(group) => group.to_owned(),
        None if resource == "*" => "*".to_owned(),
        None => match resources::lookup(resource, None) {
            Some(ResourceInfo { group, .. }) => (*group).to_owned(),
            None => return Err(QueryError::UnknownResource(resource.to_owned())),
        },
    };
    let cluster_scoped = resources::is_cluster_scoped(&group, resource);
    Ok(TargetArg::Resource {
        group,
        resource: resource.to_owned(),
        subresource: subresource.to_owned(),
        cluster_scoped,
    })
}

/// A subject named on the command line.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SubjectArg {
    pub kind: SubjectKind,
    pub name: String,
    pub namespace: Option<String>,
}

impl SubjectArg {
    pub fn as_ref(&self) -> SubjectRef<'_> {
        SubjectRef {
            kind: self.kind,
            name: &self.name,
            namespace: self.namespace.as_deref(),
        }
    }

    /// The identity the authorizer sees for this subject, with `groups`
    /// added: a User with the groups the API server adds itself
    /// (`system:authenticated`, or `system:unauthenticated` for
    /// `system:anonymous`), a ServiceAccount with its implicit groups, and
    /// for a Group a nameless member of that group and `groups` only.
    pub fn identity(&self, groups: &[String]) -> Identity {
        match (self.kind, &self.namespace) {
            (SubjectKind::ServiceAccount, Some(namespace)) => {
                let account = Identity::service_account(namespace, &self.name);
                Identity::user(&account.name, groups.iter().cloned())
            }
            (SubjectKind::Group, _) => {
                let mut all = vec![self.name.clone()];
                all.extend(groups.iter().filter(|g| **g != self.name).cloned());
                Identity {
                    name: String::new(),
                    groups: all,
                }
            }
            _ => Identity::user(&self.name, groups.iter().cloned()),
        }
    }
}

/// Reads a subject argument.
pub fn parse_subject(arg: &str) -> Result<SubjectArg, QueryError> {
    let invalid = |why| QueryError::InvalidSubject(arg.to_owned(), why);
    if let Some((namespace, name)) = service_account_of(arg) {
        return Ok(service_account(namespace, name));
    }
    let Some((kind, rest)) = arg.split_once(':') else {
        return user(arg).ok_or_else(|| invalid("the name is empty"));
    };
    match kind.to_ascii_lowercase().as_str() {
        "user" => user(rest).ok_or_else(|| invalid("the user name is empty")),
        "group" if !rest.is_empty() => Ok(SubjectArg {
            kind: SubjectKind::Group,
            name: rest.to_owned(),
            namespace: None,
        }),
        "group" => Err(invalid("the group name is empty")),
        "serviceaccount" | "sa" => match rest.split_once('/') {
            Some((namespace, name)) if !namespace.is_empty() && !name.is_empty() => {
                Ok(service_account(namespace, name))
            }
            _ => Err(invalid(
                "write a ServiceAccount as ServiceAccount:NAMESPACE/NAME",
            )),
        },
        // A user name with a colon, such as `system:kube-scheduler`.
        _ => user(arg).ok_or_else(|| invalid("the name is empty")),
    }
}

fn user(name: &str) -> Option<SubjectArg> {
    (!name.is_empty()).then(|| SubjectArg {
        kind: SubjectKind::User,
        name: name.to_owned(),
        namespace: None,
    })
}

fn service_account(namespace: &str, name: &str) -> SubjectArg {
    SubjectArg {
        kind: SubjectKind::ServiceAccount,
        name: name.to_owned(),
        namespace: Some(namespace.to_owned()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn resource(group: &str, resource: &str, sub: &str, cluster: bool) -> TargetArg {
        TargetArg::Resource {
            group: group.into(),
            resource: resource.into(),
            subresource: sub.into(),
            cluster_scoped: cluster,
        }
    }

    #[test]
    fn targets() {
        assert_eq!(
            parse_target("secrets"),
            Ok(resource("", "secrets", "", false))
        );
        assert_eq!(
            parse_target("pods/exec"),
            Ok(resource("", "pods", "exec", false))
        );
        assert_eq!(
            parse_target("deployments.apps/scale"),
            Ok(resource("apps", "deployments", "scale", false))
        );
        assert_eq!(
            parse_target("deployments"),
            Ok(resource("apps", "deployments", "", false))
        );
        assert_eq!(
            parse_target("nodes/proxy"),
            Ok(resource("", "nodes", "proxy", true))
        );
        assert_eq!(parse_target("*"), Ok(resource("*", "*", "", false)));
        assert_eq!(
            parse_target("*/scale"),
            Ok(resource("*", "*", "scale", false))
        );
        assert_eq!(
            parse_target("widgets.example.com"),
            Ok(resource("example.com", "widgets", "", false))
        );
        assert_eq!(
            parse_target("widgets."),
            Ok(resource("", "widgets", "", false))
        );
        assert_eq!(
            parse_target("/metrics"),
            Ok(TargetArg::NonResource {
                path: "/metrics".into()
            })
        );
        assert!(matches!(
            parse_target("widgets"),
            Err(QueryError::UnknownResource(_))
        ));
        assert_eq!(
            parse_target("/"),
            Ok(TargetArg::NonResource { path: "/".into() })
        );
        assert_eq!(parse_target(""), Err(QueryError::EmptyResource));
    }

    #[test]
    fn subject_identities() {
        let extra = ["ops".to_owned()];
        let sa = parse_subject("sa:team-b/ci").unwrap().identity(&extra);
        assert_eq!(sa.name, "system:serviceaccount:team-b:ci");
        assert!(
            sa.groups
                .contains(&"system:serviceaccounts:team-b".to_owned())
        );
        assert!(sa.groups.contains(&"ops".to_owned()));
        let group = parse_subject("Group:dev").unwrap().identity(&extra);
        assert_eq!(group.name, "");
        assert_eq!(group.groups, ["dev", "ops"]);
        let anonymous = parse_subject("system:anonymous").unwrap().identity(&[]);
        assert_eq!(anonymous.groups, ["system:unauthenticated"]);
        let jane = parse_subject("User:jane").unwrap().identity(&[]);
        assert_eq!(jane.groups, ["system:authenticated"]);
    }

    #[test]
    fn subjects() {
        let sa = parse_subject("ServiceAccount:team-b/ci-runner").unwrap();
        assert_eq!(sa, service_account("team-b", "ci-runner"));
        assert_eq!(parse_subject("sa:team-b/ci-runner").unwrap(), sa);
        assert_eq!(
            parse_subject("system:serviceaccount:team-b:ci-runner").unwrap(),
            sa
        );
        assert_eq!(parse_subject("Group:dev").unwrap().kind, SubjectKind::Group);
        let scheduler = parse_subject("system:kube-scheduler").unwrap();
        assert_eq!(scheduler.kind, SubjectKind::User);
        assert_eq!(scheduler.name, "system:kube-scheduler");
        assert_eq!(parse_subject("jane").unwrap().name, "jane");
        assert!(parse_subject("sa:nonamespace").is_err());
        assert!(parse_subject("Group:").is_err());
        assert!(parse_subject("").is_err());
    }
}
