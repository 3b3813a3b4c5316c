//! Who makes a request: a user name and groups, as the authenticator
//! hands them to the authorizer, and which binding subjects match them.

use std::fmt;

use crate::model::{Binding, Subject, SubjectKind};

/// Group of every authenticated user.
pub const AUTHENTICATED: &str = "system:authenticated";
/// Group of requests without credentials.
pub const UNAUTHENTICATED: &str = "system:unauthenticated";
/// User name of requests without credentials.
pub const ANONYMOUS: &str = "system:anonymous";
/// Group of every ServiceAccount.
pub const SERVICE_ACCOUNTS: &str = "system:serviceaccounts";
/// Prefix of ServiceAccount user names: `system:serviceaccount:NS:NAME`.
pub const SERVICE_ACCOUNT_PREFIX: &str = "system:serviceaccount:";

/// A user name and its groups.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Identity {
    pub name: String,
    pub groups: Vec<String>,
}

impl Identity {
    /// The identity of a ServiceAccount's token: user
    /// `system:serviceaccount:NS:NAME` in the groups
    /// `system:serviceaccounts`, `system:serviceaccounts:NS` and
    /// `system:authenticated`.
    pub fn service_account(namespace: &str, name: &str) -> Self {
        Identity {
            name: format!("{SERVICE_ACCOUNT_PREFIX}{namespace}:{name}"),
            groups: vec![
                SERVICE_ACCOUNTS.to_owned(),
                format!("{SERVICE_ACCOUNTS}:{namespace}"),
                AUTHENTICATED.to_owned(),
            ],
        }
    }

    /// A user with `groups`, plus the group the API server adds itself:
    /// `system:unauthenticated` for `system:anonymous`, otherwise
    /// `system:authenticated`. A ServiceAccount user name also gets the
    /// ServiceAccount groups.
    pub fn user(name: &str, groups: impl IntoIterator<Item = String>) -> Self {
        let mut identity = match service_account_of(name) {
            Some((namespace, account)) => Identity::service_account(namespace, account),
            None => Identity {
                name: name.to_owned(),
                groups: Vec::new(),
            },
        };
        for group in groups {
            if !identity.groups.contains(&group) {
                identity.groups.push(group);
            }
        }
        let implicit = if name == ANONYMOUS {
            UNAUTHENTICATED
        } else {
            AUTHENTICATED
        };
        if !identity.groups.iter().any(|g| g == implicit) {
            identity.groups.push(implicit.to_owned());
        }
        identity
    }

    /// The namespace and name of a ServiceAccount identity.
    pub fn as_service_account(&self) -> Option<(&str, &str)> {
        service_account_of(&self.name)
    }

    /// Whether a binding subject applies to this identity, as the
    /// authorizer decides: a User by name, a Group by membership, a
    /// ServiceAccount by its user name, with the namespace of a RoleBinding
    /// standing in for a subject without one.
    pub fn matches(&self, subject: &Subject<'_>, binding: &Binding<'_>) -> bool {
        match subject.kind {
            SubjectKind::User => self.name == subject.name,
            SubjectKind::Group => self.groups.iter().any(|g| g == subject.name),
            SubjectKind::ServiceAccount => {
                let Some(namespace) = subject.service_account_namespace(binding) else {
                    return false;
                };
                self.as_service_account() == Some((namespace, subject.name))
            }
            SubjectKind::Other => false,
        }
    }
}

impl fmt::Display for Identity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "user {:?} in groups [{}]",
            self.name,
            self.groups.join(", ")
        )
    }
}

/// Splits `system:serviceaccount:NS:NAME` into `(NS, NAME)`.
pub fn service_account_of(user: &str) -> Option<(&str, &str)> {
    let rest = user.strip_prefix(SERVICE_ACCOUNT_PREFIX)?;
    let (namespace, name) = rest.split_once(':')?;
    (!namespace.is_empty() && !name.is_empty()).then_some((namespace, name))
}

/// Whether a group is one the API server gives to many principals at
/// once: every user, every anonymous request, or every ServiceAccount
/// (of the cluster or of one namespace).
pub fn is_broad_group(group: &str) -> bool {
    group == AUTHENTICATED
        || group == UNAUTHENTICATED
        || group == SERVICE_ACCOUNTS
        || group.starts_with("system:serviceaccounts:")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn service_account_groups() {
        let sa = Identity::service_account("team-b", "ci-runner");
        assert_eq!(sa.name, "system:serviceaccount:team-b:ci-runner");
        assert!(
            sa.groups
                .contains(&"system:serviceaccounts:team-b".to_owned())
        );
        assert!(sa.groups.contains(&AUTHENTICATED.to_owned()));
        assert_eq!(sa.as_service_account(), Some(("team-b", "ci-runner")));
    }

    #[test]
    fn user_implicit_groups() {
        let anonymous = Identity::user(ANONYMOUS, []);
        assert_eq!(anonymous.groups, vec![UNAUTHENTICATED.to_owned()]);
        let jane = Identity::user("jane", ["dev".to_owned()]);
        assert_eq!(
            jane.groups,
            vec!["dev".to_owned(), AUTHENTICATED.to_owned()]
        );
        let as_sa = Identity::user("system:serviceaccount:a:b", []);
        assert_eq!(as_sa, Identity::service_account("a", "b"));
    }

    #[test]
    fn service_account_names() {
        assert_eq!(
            service_account_of("system:serviceaccount:ns:x"),
            Some(("ns", "x"))
        );
        assert_eq!(service_account_of("system:serviceaccount:ns"), None);
        assert_eq!(service_account_of("system:serviceaccount::x"), None);
        assert_eq!(service_account_of("jane"), None);
    }
}
