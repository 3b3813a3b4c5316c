//! RBAC inputs distilled from bug reports of other scanners, and the kind
//! of fault each shows: resource and subresource wildcards (`*`,
//! `*/exec`, and `*/*` or `pods/*`, which are not wildcards), RoleBindings
//! that scope a ClusterRole to one namespace, and aggregated ClusterRoles,
//! whose rules are those of the roles they select. Each is checked through
//! the rules and through `kubeward rbac`.

mod rbac_common;

use std::path::PathBuf;

use rbac_common::{arg, findings_of, rbac_json, scan_rbac, subjects_of_rule, who_can_subjects};

fn case_input(test: &str, case: &str) -> Option<PathBuf> {
    kubeward_testutil::shared_dir(test).map(|dir| dir.join("cases").join(case).join("input"))
}

fn has_subject(subjects: &[(String, Option<String>)], subject: &str) -> bool {
    subjects.iter().any(|(s, _)| s == subject)
}

/// Writes `yaml` to a file of a new temporary directory and returns it.
fn write_input(label: &str, yaml: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!(
        "kubeward-rbac-cases-{label}-{}",
        std::process::id()
    ));
    std::fs::create_dir_all(&dir).expect("create the temporary directory");
    let file = dir.join("rbac.yaml");
    std::fs::write(&file, yaml).expect("write the input");
    file
}

#[test]
fn case_014_rules() {
    let Some(input) = case_input("case_014_rules", "014-rbac-subresource-wildcards") else {
        return;
    };
    let result = scan_rbac(&[input]);
    let secrets = subjects_of_rule(&result, "rbac-secrets-read");
    assert!(
        secrets.contains(&"Group auditors".to_owned()),
        "{secrets:?}"
    );
    assert!(!secrets.contains(&"Group team-a".to_owned()), "{secrets:?}");
    let exec = subjects_of_rule(&result, "rbac-pod-exec");
    assert!(
        exec.contains(&"ServiceAccount team-b/ci-runner".to_owned()),
        "{exec:?}"
    );
    let ci_exec: Vec<_> = findings_of(&result, "rbac-pod-exec")
        .into_iter()
        .filter(|f| f.message.starts_with("ServiceAccount team-b/ci-runner"))
        .collect();
    assert_eq!(ci_exec.len(), 1);
    assert!(
        ci_exec[0].message.contains("in namespace team-b"),
        "{}",
        ci_exec[0].message
    );
    assert!(
        ci_exec[0]
            .message
            .contains("RoleBinding team-b/exec-anything-ci")
    );
    assert!(
        ci_exec[0]
            .message
            .contains("ClusterRole exec-anything rules[0]")
    );
    for finding in &result.report.findings {
        let about_odd = finding.message.contains("odd-wildcard");
        let allowed = ["rbac-ineffective-resource"];
        assert!(
            !about_odd || allowed.contains(&finding.rule),
            "{}: {}",
            finding.rule,
            finding.message
        );
        assert!(
            !finding.message.contains("Group team-a"),
            "{}: {}",
            finding.rule,
            finding.message
        );
    }
    let ineffective = findings_of(&result, "rbac-ineffective-resource");
    assert_eq!(ineffective.len(), 1);
    assert!(ineffective[0].message.contains("`*/*`"));
}

#[test]
fn case_014_who_can() {
    let Some(input) = case_input("case_014_who_can", "014-rbac-subresource-wildcards") else {
        return;
    };
    let path = arg(&input);
    let (code, answer) = rbac_json(&["who-can", "get", "secrets", path]);
    assert_eq!(code, 0);
    let subjects = who_can_subjects(&answer);
    assert!(has_subject(&subjects, "Group auditors"), "{subjects:?}");
    assert!(!has_subject(&subjects, "Group team-a"), "{subjects:?}");

    let (_, answer) = rbac_json(&["who-can", "create", "pods/exec", "-n", "team-b", path]);
    let subjects = who_can_subjects(&answer);
    assert!(
        subjects.contains(&(
            "ServiceAccount team-b/ci-runner".to_owned(),
            Some("team-b".to_owned())
        )),
        "{subjects:?}"
    );
    let grant = answer["grants"]
        .as_array()
        .unwrap()
        .iter()
        .find(|g| g["subject"]["name"] == "ci-runner")
        .unwrap();
    assert_eq!(grant["binding"]["name"], "exec-anything-ci");
    assert_eq!(grant["role"]["name"], "exec-anything");
    assert_eq!(grant["rule"]["resources"][0], "*/exec");

    for namespace in ["team-a", "default", "kube-system"] {
        let (_, answer) = rbac_json(&["who-can", "create", "pods/exec", "-n", namespace, path]);
        let subjects = who_can_subjects(&answer);
        assert!(
            !has_subject(&subjects, "ServiceAccount team-b/ci-runner"),
            "{namespace}: {subjects:?}"
        );
    }
    let (_, answer) = rbac_json(&["who-can", "get", "pods/log", path]);
    assert!(!has_subject(&who_can_subjects(&answer), "Group team-a"));
}

#[test]
fn case_014_can_i() {
    let Some(input) = case_input("case_014_can_i", "014-rbac-subresource-wildcards") else {
        return;
    };
    let path = arg(&input);
    let ci = "sa:team-b/ci-runner";
    let (code, answer) = rbac_json(&[
        "can-i",
        "--as",
        ci,
        "create",
        "pods/exec",
        "-n",
        "team-b",
        path,
    ]);
    assert_eq!(code, 0);
    assert_eq!(answer["allowed"], true);
    let (code, answer) = rbac_json(&[
        "can-i",
        "--as",
        ci,
        "create",
        "pods/exec",
        "-n",
        "team-a",
        path,
    ]);
    assert_eq!(code, 1);
    assert_eq!(answer["allowed"], false);
    let (code, _) = rbac_json(&["can-i", "--as", ci, "create", "pods/exec", path]);
    assert_eq!(
        code, 1,
        "a RoleBinding never allows a request without a namespace"
    );
    let (code, _) = rbac_json(&[
        "can-i",
        "--as",
        "Group:team-a",
        "get",
        "secrets",
        "-n",
        "x",
        path,
    ]);
    assert_eq!(code, 1, "`*/*` is not a wildcard");
    let (code, _) = rbac_json(&["can-i", "--as", "Group:auditors", "list", "secrets", path]);
    assert_eq!(code, 0);
    let (code, _) = rbac_json(&[
        "can-i",
        "--as",
        "Group:auditors",
        "list",
        "deployments",
        path,
    ]);
    assert_eq!(code, 1, "`*` in the core group does not reach apps");
}

#[test]
fn case_020_rules() {
    let Some(input) = case_input("case_020_rules", "020-aggregated-clusterrole") else {
        return;
    };
    let result = scan_rbac(&[input]);
    let secrets = findings_of(&result, "rbac-secrets-read");
    let agent: Vec<_> = secrets
        .iter()
        .filter(|f| f.message.starts_with("ServiceAccount monitoring/agent"))
        .collect();
    assert_eq!(agent.len(), 1, "{secrets:?}");
    let message = &agent[0].message;
    for part in [
        "get, list secrets",
        "in every namespace",
        "ClusterRoleBinding monitoring-agent",
        "ClusterRole monitoring-reader",
        "ClusterRole monitoring-extra rules[0]",
    ] {
        assert!(message.contains(part), "{part:?} missing from {message}");
    }
    assert!(subjects_of_rule(&result, "rbac-pod-exec").is_empty());
}

#[test]
fn case_020_who_can() {
    let Some(input) = case_input("case_020_who_can", "020-aggregated-clusterrole") else {
        return;
    };
    let path = arg(&input);
    let (_, answer) = rbac_json(&["who-can", "list", "secrets", path]);
    let subjects = who_can_subjects(&answer);
    assert!(
        subjects.contains(&("ServiceAccount monitoring/agent".to_owned(), None)),
        "{subjects:?}"
    );
    let grant = answer["grants"]
        .as_array()
        .unwrap()
        .iter()
        .find(|g| g["subject"]["name"] == "agent")
        .unwrap();
    assert_eq!(grant["role"]["name"], "monitoring-reader");
    assert_eq!(grant["rule"]["role"]["name"], "monitoring-extra");

    let (_, answer) = rbac_json(&["who-can", "create", "pods/exec", "-n", "monitoring", path]);
    assert!(!has_subject(
        &who_can_subjects(&answer),
        "ServiceAccount monitoring/agent"
    ));
    let (code, _) = rbac_json(&[
        "can-i",
        "--as",
        "sa:monitoring/agent",
        "create",
        "pods/exec",
        "-n",
        "monitoring",
        path,
    ]);
    assert_eq!(code, 1);
}

/// A role that carries the label of a built-in aggregated role adds its
/// rules to it, and through `edit` to `admin`: a subject bound to `view`
/// then reads Secrets although `view` as shipped does not allow it.
#[test]
fn aggregation_into_builtin_roles() {
    let input = write_input(
        "builtin-aggregation",
        r#"
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata:
  name: secret-viewer
  labels:
    rbac.authorization.k8s.io/aggregate-to-view: "true"
rules:
  - apiGroups: [""]
    resources: [secrets]
    verbs: [get]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata:
  name: viewers
  namespace: kube-system
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: view}
subjects:
  - {kind: Group, name: viewers, apiGroup: rbac.authorization.k8s.io}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata:
  name: admins
  namespace: kube-system
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: admin}
subjects:
  - {kind: Group, name: admins, apiGroup: rbac.authorization.k8s.io}
"#,
    );
    let result = scan_rbac(std::slice::from_ref(&input));
    let secrets = subjects_of_rule(&result, "rbac-secrets-read");
    assert!(secrets.contains(&"Group viewers".to_owned()), "{secrets:?}");
    assert!(secrets.contains(&"Group admins".to_owned()), "{secrets:?}");
    let path = arg(&input);
    let (_, answer) = rbac_json(&["who-can", "get", "secrets", "-n", "kube-system", path]);
    let viewer = answer["grants"]
        .as_array()
        .unwrap()
        .iter()
        .find(|g| g["subject"]["name"] == "viewers")
        .expect("Group viewers may get secrets");
    assert_eq!(viewer["role"]["name"], "view");
    assert_eq!(viewer["rule"]["role"]["name"], "secret-viewer");
    // Without the built-in policy, `view` does not exist and the binding
    // grants nothing.
    let (code, _) = rbac_json(&[
        "can-i",
        "--as",
        "Group:viewers",
        "get",
        "secrets",
        "-n",
        "kube-system",
        "--no-builtin",
        path,
    ]);
    assert_eq!(
        code, 1,
        "without the built-in view role the binding grants nothing"
    );
}

/// Subresource patterns: `*/scale` covers every resource's `scale`, a
/// resource name alone never covers its subresources, and `pods/*` is
/// not a wildcard. `resourceNames` limits a rule to named objects, and
/// `*` there is a name, not a wildcard.
#[test]
fn subresource_patterns() {
    let input = write_input(
        "subresources",
        r"
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: {name: scaler}
rules:
  - apiGroups: [apps]
    resources: ['*/scale']
    verbs: [update]
  - apiGroups: ['']
    resources: [pods, 'pods/*']
    verbs: [create, get]
  - apiGroups: ['']
    resources: [secrets]
    resourceNames: [app-config]
    verbs: [get]
  - apiGroups: ['']
    resources: [configmaps]
    resourceNames: ['*']
    verbs: [get]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata: {name: scaler}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: scaler}
subjects:
  - {kind: User, name: hpa-bot, apiGroup: rbac.authorization.k8s.io}
",
    );
    let path = arg(&input);
    let can = |args: &[&str]| {
        let mut all = vec!["can-i", "--as", "hpa-bot"];
        all.extend_from_slice(args);
        all.push(path);
        rbac_json(&all).0 == 0
    };
    assert!(can(&["update", "deployments.apps/scale", "-n", "x"]));
    assert!(can(&["update", "statefulsets.apps/scale", "-n", "x"]));
    assert!(!can(&["update", "deployments.apps", "-n", "x"]));
    assert!(can(&["create", "pods", "-n", "x"]));
    assert!(!can(&["create", "pods/exec", "-n", "x"]));
    assert!(!can(&["get", "pods/log", "-n", "x"]));
    assert!(can(&["get", "secrets", "--name", "app-config", "-n", "x"]));
    assert!(!can(&[
        "get",
        "secrets",
        "--name",
        "db-password",
        "-n",
        "x"
    ]));
    assert!(!can(&["list", "secrets", "-n", "x"]));
    assert!(!can(&[
        "get",
        "configmaps",
        "--name",
        "settings",
        "-n",
        "x"
    ]));
    assert!(can(&["get", "configmaps", "--name", "*", "-n", "x"]));

    let result = scan_rbac(std::slice::from_ref(&input));
    assert!(subjects_of_rule(&result, "rbac-pod-exec").is_empty());
    let ineffective = findings_of(&result, "rbac-ineffective-resource");
    assert_eq!(ineffective.len(), 2);
    assert!(ineffective[0].message.contains("`pods/*`"));
    assert_eq!(
        ineffective[0].path.as_deref(),
        Some("rules[1].resources[1]")
    );
    assert!(ineffective[1].message.contains("resourceNames entry `*`"));
    assert_eq!(
        ineffective[1].path.as_deref(),
        Some("rules[3].resourceNames[0]")
    );
    let (_, answer) = rbac_json(&["who-can", "get", "secrets", path]);
    let narrow = answer["grants"]
        .as_array()
        .unwrap()
        .iter()
        .find(|g| g["subject"]["name"] == "hpa-bot")
        .expect("who-can lists grants limited to named objects");
    assert_eq!(narrow["rule"]["resourceNames"][0], "app-config");
}

/// Aggregated roles that select other aggregated roles get the rules of
/// the whole chain; a role never aggregates itself; `matchExpressions`
/// select as `matchLabels` do.
#[test]
fn aggregation_chains() {
    let input = write_input(
        "chains",
        r#"
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata:
  name: outer
aggregationRule:
  clusterRoleSelectors:
    - matchExpressions:
        - {key: example.com/tier, operator: In, values: [middle]}
rules:
  - apiGroups: [""]
    resources: [configmaps]
    verbs: [get]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata:
  name: middle
  labels: {example.com/tier: middle}
aggregationRule:
  clusterRoleSelectors:
    - matchLabels: {example.com/tier: inner}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata:
  name: inner
  labels: {example.com/tier: inner}
rules:
  - apiGroups: [""]
    resources: [pods/exec]
    verbs: [create]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata: {name: outer}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: outer}
subjects:
  - {kind: ServiceAccount, name: ops, namespace: tools}
"#,
    );
    let path = arg(&input);
    let (code, answer) = rbac_json(&[
        "can-i",
        "--as",
        "sa:tools/ops",
        "create",
        "pods/exec",
        "-n",
        "shop",
        path,
    ]);
    assert_eq!(code, 0);
    assert_eq!(answer["grant"]["rule"]["role"]["name"], "inner");
    let (code, _) = rbac_json(&[
        "can-i",
        "--as",
        "sa:tools/ops",
        "get",
        "configmaps",
        "-n",
        "shop",
        path,
    ]);
    assert_eq!(
        code, 1,
        "the rules written in an aggregated role are replaced"
    );
    let result = scan_rbac(std::slice::from_ref(&input));
    let exec = subjects_of_rule(&result, "rbac-pod-exec");
    assert_eq!(exec, vec!["ServiceAccount tools/ops".to_owned()]);
}

/// Every finding about a grant names the subject, what it may do, the
/// binding and the rule that grants it.
#[test]
fn findings_name_grant_parts() {
    let input = write_input(
        "grant-parts",
        r#"
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: {name: secret-reader}
rules:
  - apiGroups: [""]
    resources: [secrets]
    verbs: [get, list]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata: {name: everyone-reads-secrets}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: secret-reader}
subjects:
  - {kind: Group, name: system:authenticated, apiGroup: rbac.authorization.k8s.io}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: {name: default-reads-secrets, namespace: kube-system}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: secret-reader}
subjects:
  - {kind: ServiceAccount, name: default, namespace: kube-system}
---
apiVersion: v1
kind: Pod
metadata: {name: tool, namespace: kube-system}
spec:
  containers:
    - {name: tool, image: registry.example.com/tool:1.0}
"#,
    );
    let result = scan_rbac(std::slice::from_ref(&input));
    let expectations = [
        (
            "rbac-anonymous-binding",
            "Group system:authenticated",
            "ClusterRoleBinding everyone-reads-secrets",
        ),
        (
            "rbac-default-service-account-bound",
            "ServiceAccount kube-system/default",
            "RoleBinding kube-system/default-reads-secrets",
        ),
        (
            "rbac-secrets-read",
            "ServiceAccount kube-system/default",
            "RoleBinding kube-system/default-reads-secrets",
        ),
        (
            "rbac-workload-token-rights",
            "ServiceAccount kube-system/default",
            "RoleBinding kube-system/default-reads-secrets",
        ),
    ];
    for (rule, subject, binding) in expectations {
        let findings = findings_of(&result, rule);
        assert_eq!(findings.len(), 1, "{rule}: {findings:?}");
        let message = &findings[0].message;
        assert!(message.contains(subject), "{rule}: {message}");
        assert!(message.contains(binding), "{rule}: {message}");
        assert!(
            message.contains("read Secrets") || message.contains("secrets"),
            "{rule}: {message}"
        );
        assert!(
            message.contains("ClusterRole secret-reader rules[0]"),
            "{rule}: {message}"
        );
    }
}

/// Runs `kubeward rbac ARGS` and returns the exit status and standard
/// error.
fn rbac_stderr(args: &[&str]) -> (i32, String) {
    let output = std::process::Command::new(env!("CARGO_BIN_EXE_kubeward"))
        .arg("rbac")
        .args(args)
        .output()
        .expect("kubeward runs");
    let code = output.status.code().expect("kubeward exited normally");
    (code, String::from_utf8_lossy(&output.stderr).into_owned())
}

#[test]
fn invalid_arguments_exit_2() {
    let (code, stderr) = rbac_stderr(&["who-can", "get", "widgets"]);
    assert_eq!(code, 2);
    assert!(stderr.contains("unknown resource `widgets`"), "{stderr}");
    assert!(stderr.contains("widgets.example.com"), "{stderr}");
    let (code, stderr) = rbac_stderr(&["can-i", "--as", "sa:nonamespace", "get", "pods"]);
    assert_eq!(code, 2);
    assert!(
        stderr.contains("invalid subject `sa:nonamespace`"),
        "{stderr}"
    );
    let missing = std::env::temp_dir().join("kubeward-rbac-missing.yaml");
    let (code, stderr) = rbac_stderr(&["who-can", "get", "secrets", arg(&missing)]);
    assert_eq!(code, 2);
    assert!(stderr.contains("kubeward-rbac-missing.yaml"), "{stderr}");
}

/// Without inputs the answer is the built-in policy's: only the
/// kubeadm administrators' groups may do everything.
#[test]
fn builtin_policy_alone() {
    let (code, answer) = rbac_json(&["who-can", "*", "*"]);
    assert_eq!(code, 0);
    let subjects = who_can_subjects(&answer);
    let names: Vec<&str> = subjects.iter().map(|(s, _)| s.as_str()).collect();
    assert_eq!(
        names,
        ["Group kubeadm:cluster-admins", "Group system:masters"]
    );
    let (code, _) = rbac_json(&["can-i", "--as", "system:anonymous", "get", "/version"]);
    assert_eq!(
        code, 0,
        "system:public-info-viewer allows /version to everyone"
    );
    let (code, _) = rbac_json(&["can-i", "--as", "system:anonymous", "get", "/metrics"]);
    assert_eq!(code, 1);
}

/// Objects the API server rejects grant nothing through `kubeward rbac`
/// either, and are still reported on standard error.
#[test]
fn rejected_objects_grant_nothing() {
    let input = write_input(
        "rejected",
        r#"apiVersion: rbac.authorization.k8s.io/v1
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
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata: {name: crb-sa-nons}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: view}
subjects:
- {kind: ServiceAccount, name: lost}
"#,
    );
    let (code, stderr) = rbac_stderr(&[
        "can-i",
        "--as",
        "henry",
        "delete",
        "secrets",
        "-n",
        "z",
        arg(&input),
    ]);
    assert_eq!(code, 1, "{stderr}");
    assert!(stderr.contains("rules[1].nonResourceURLs"), "{stderr}");
    let (code, answer) = rbac_json(&["who-can", "get", "pods", arg(&input)]);
    assert_eq!(code, 0);
    let subjects = who_can_subjects(&answer);
    assert!(
        !subjects.iter().any(|(s, _)| s.contains("lost")),
        "{subjects:?}"
    );
    let result = scan_rbac(std::slice::from_ref(&input));
    assert!(findings_of(&result, "rbac-cluster-admin").is_empty());
    assert_eq!(findings_of(&result, "rbac-invalid-object").len(), 2);
}

/// A create request has no name in its URL, so `--name` does not make a
/// rule with `resourceNames` allow it; kubeward says it ignores the name.
#[test]
fn create_ignores_name() {
    let input = write_input(
        "named-create",
        "apiVersion: rbac.authorization.k8s.io/v1
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
",
    );
    for verb in ["create", "deletecollection"] {
        let (code, stderr) = rbac_stderr(&[
            "can-i",
            "--as",
            "ivy",
            verb,
            "secrets",
            "-n",
            "w",
            "--name",
            "x",
            arg(&input),
        ]);
        assert_eq!(code, 1, "{verb}: {stderr}");
        assert!(stderr.contains("note: --name x is ignored"), "{stderr}");
    }
    let (code, stderr) = rbac_stderr(&[
        "can-i",
        "--as",
        "ivy",
        "get",
        "secrets",
        "-n",
        "w",
        "--name",
        "x",
        arg(&input),
    ]);
    assert_eq!(code, 0, "{stderr}");
    assert!(!stderr.contains("ignored"), "{stderr}");
    let (_, answer) = rbac_json(&["who-can", "create", "secrets", "-n", "w", arg(&input)]);
    let subjects = who_can_subjects(&answer);
    assert!(!has_subject(&subjects, "User ivy"), "{subjects:?}");
}

/// A subject or resource that names an existing file or directory is
/// most likely a forgotten argument: kubeward warns.
#[test]
fn path_as_subject_or_resource_warns() {
    let input = write_input("path-arg", "");
    let dir = input.parent().expect("the input has a directory");
    let (_, stderr) = rbac_stderr(&["show", arg(&input)]);
    assert!(
        stderr.contains("warning: the subject") && stderr.contains("is also the name of a file"),
        "{stderr}"
    );
    let (_, stderr) = rbac_stderr(&["can-i", "--as", arg(dir), "get", "pods"]);
    assert!(stderr.contains("name of a directory"), "{stderr}");
    let (_, stderr) = rbac_stderr(&["who-can", "get", arg(&input)]);
    assert!(stderr.contains("warning: the resource"), "{stderr}");
    let (_, stderr) = rbac_stderr(&["show", "alice", arg(&input)]);
    assert!(!stderr.contains("warning: the"), "{stderr}");
}
