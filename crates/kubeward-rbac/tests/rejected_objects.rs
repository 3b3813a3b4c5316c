//! What the API server rejects grants nothing: a role or binding with any
//! problem that `rbac-invalid-object` reports is left out of the policy,
//! so no query and no rule grants through it, while the finding stays.
//! Also covers requests that carry no object name (create,
//! deletecollection) and how limits to named objects are written.

use std::sync::Arc;

use kubeward_core::{Finding, Inventory, KindSet, ScanOptions, ScanPlan, scan_text_with};
use kubeward_rbac::answer::{CanI, Show, WhoCan};
use kubeward_rbac::{Identity, NameQuery, Policy, Request, Scope};

const REJECTED: &str = r#"
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata: {name: crb-sa-nons}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: view}
subjects:
- {kind: ServiceAccount, name: lost}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: {name: rb-bad-sa-group, namespace: z}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: edit}
subjects:
- {kind: ServiceAccount, name: s, apiGroup: rbac.authorization.k8s.io}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: Role
metadata: {name: r, namespace: z}
rules:
- apiGroups: ["*"]
  resources: ["*"]
  verbs: ["*"]
- nonResourceURLs: ["/x"]
  verbs: [get]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: {name: rb-to-invalid-role, namespace: z}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: Role, name: r}
subjects:
- {kind: User, name: henry}
"#;

const NAMED: &str = r"
apiVersion: rbac.authorization.k8s.io/v1
kind: Role
metadata: {name: named-create, namespace: w}
rules:
- apiGroups: ['']
  resources: [secrets]
  resourceNames: [x]
  verbs: [create, deletecollection, get]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: {name: nc, namespace: w}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: Role, name: named-create}
subjects: [{kind: User, name: ivy}]
";

fn inventory(text: &str) -> Inventory {
    let plan = ScanPlan {
        rules: &[],
        options: ScanOptions::default(),
        keep: KindSet::all(),
    };
    let file: Arc<str> = Arc::from("rbac.yaml");
    Inventory::new(scan_text_with(&file, text, &plan).stored)
}

fn of_rule<'f>(findings: &'f [Finding], rule: &str) -> Vec<&'f Finding> {
    findings.iter().filter(|f| f.rule == rule).collect()
}

fn user(name: &str) -> Identity {
    kubeward_rbac::query::parse_subject(name)
        .expect("a user name parses")
        .identity(&[])
}

#[test]
fn rejected_role_grants_nothing() {
    let inventory = inventory(REJECTED);
    let policy = Policy::new(&inventory);
    let delete = Request::resource("delete", "", "secrets", "");
    assert!(policy.can(&user("henry"), &delete, Some("z")).is_none());
    assert!(policy.role("z", "r").is_none());
    let grants = policy.who_can(&delete, Scope::Namespace("z"));
    assert!(
        grants
            .iter()
            .all(|g| g.binding.name != "rb-to-invalid-role"),
        "{:?}",
        grants
            .iter()
            .map(kubeward_rbac::Grant::describe)
            .collect::<Vec<_>>()
    );
    let show = Show::ask(&policy, &user("henry"), Scope::Anywhere);
    let text = show.render_text();
    let bound = show
        .bindings
        .iter()
        .find(|b| b.binding.text == "RoleBinding z/rb-to-invalid-role")
        .unwrap_or_else(|| panic!("the valid binding is missing from:\n{text}"));
    assert!(bound.role.is_none(), "{text}");
    assert!(show.permissions.is_empty(), "{text}");
}

#[test]
fn rejected_subjects_grant_nothing() {
    let inventory = inventory(REJECTED);
    let policy = Policy::new(&inventory);
    let get = Request::resource("get", "", "pods", "");
    let grants = policy.who_can(&get, Scope::Anywhere);
    let named: Vec<String> = grants.iter().map(|g| g.subject_ref().to_string()).collect();
    assert!(!named.iter().any(|s| s.contains("lost")), "{named:?}");
    assert!(
        !named.iter().any(|s| s == "ServiceAccount z/s"),
        "{named:?}"
    );
    let account = kubeward_rbac::query::parse_subject("sa:z/s")
        .expect("a ServiceAccount parses")
        .identity(&[]);
    let create = Request::resource("create", "apps", "deployments", "");
    assert!(policy.can(&account, &create, Some("z")).is_none());
}

#[test]
fn rules_do_not_grant_through_rejected_objects() {
    let findings = inventory(REJECTED).check(kubeward_rbac::RULES, ScanOptions::default());
    let invalid = of_rule(&findings, "rbac-invalid-object");
    let paths: Vec<&str> = invalid.iter().filter_map(|f| f.path.as_deref()).collect();
    assert!(paths.contains(&"rules[1].nonResourceURLs"), "{paths:?}");
    assert!(paths.contains(&"subjects[0].apiGroup"), "{paths:?}");
    assert!(paths.contains(&"subjects[0].namespace"), "{paths:?}");
    let granting: Vec<&str> = findings
        .iter()
        .filter(|f| f.rule != "rbac-invalid-object")
        .map(|f| f.message.as_str())
        .collect();
    assert!(
        granting
            .iter()
            .all(|m| !m.contains("henry") && !m.contains("lost") && !m.contains("z/s")),
        "{granting:#?}"
    );
}

#[test]
fn create_and_deletecollection_carry_no_name() {
    let inventory = inventory(NAMED);
    let policy = Policy::new(&inventory);
    let ivy = user("ivy");
    for verb in ["create", "deletecollection"] {
        let request = Request::resource(verb, "", "secrets", "").with_name(NameQuery::Named("x"));
        assert!(policy.can(&ivy, &request, Some("w")).is_none(), "{verb}");
        let any = Request::resource(verb, "", "secrets", "").with_name(NameQuery::Any);
        let grants = policy.who_can(&any, Scope::Namespace("w"));
        assert!(grants.iter().all(|g| g.binding.name != "nc"), "{verb}");
    }
    let get = Request::resource("get", "", "secrets", "").with_name(NameQuery::Named("x"));
    assert!(policy.can(&ivy, &get, Some("w")).is_some());
}

#[test]
fn named_limit_is_written_once() {
    let inventory = inventory(NAMED);
    let policy = Policy::new(&inventory);
    let ivy = user("ivy");
    let get = Request::resource("get", "", "secrets", "").with_name(NameQuery::Named("x"));
    let texts = [
        CanI::ask(&policy, &ivy, &get, Some("w")).render_text(),
        WhoCan::ask(&policy, &get, Scope::Namespace("w")).render_text(),
        Show::ask(&policy, &ivy, Scope::Anywhere).render_text(),
    ];
    for text in texts {
        let grant_lines: Vec<&str> = text.lines().filter(|l| l.contains("rbac.yaml:6")).collect();
        assert!(!grant_lines.is_empty(), "{text}");
        for line in grant_lines {
            assert_eq!(
                line.matches("only the objects named x").count(),
                1,
                "{text}"
            );
            assert!(!line.contains("only named"), "{text}");
        }
    }
}

#[test]
fn show_names_limit_of_permission() {
    let inventory = inventory(
        r"
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: {name: logs-reader}
rules:
- apiGroups: ['']
  resources: [secrets]
  resourceNames: [db-pass]
  verbs: [get, list]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: {name: logs, namespace: team-a}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: logs-reader}
subjects:
- {kind: Group, name: devs}
",
    );
    let policy = Policy::new(&inventory);
    let devs = kubeward_rbac::query::parse_subject("Group:devs")
        .expect("a group parses")
        .identity(&[]);
    let show = Show::ask(&policy, &devs, Scope::Anywhere);
    let text = show.render_text();
    let line = text
        .lines()
        .find(|l| l.contains("Secrets"))
        .unwrap_or_else(|| panic!("no Secrets permission in:\n{text}"));
    assert!(line.contains("only the objects named db-pass"), "{text}");
    assert_eq!(
        show.permissions[0].requests,
        "get, list secrets (only the objects named db-pass)"
    );
}
