//! The RBAC fixtures of other tools, with their expected outcomes, checked
//! against kubeward: KubiScan's risky subjects and its catalogue of risky
//! rules, kubescape's rule library and kube-linter's checks. Where kubeward
//! and a peer disagree, the Kubernetes semantics decide; each such case is
//! listed below with kubeward's answer and the reason, and the test checks
//! that kubeward still gives that answer (docs/rbac.md lists them too).

mod rbac_common;

use std::collections::BTreeSet;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use kubeward::ScanResult;
use kubeward_core::{Finding, Profile};
use kubeward_rbac::Policy;
use rbac_common::{rbac_json, scan_rbac, scan_with, subject_of, who_can_subjects};

fn peer_dir(test: &str, peer: &str) -> Option<PathBuf> {
    kubeward_testutil::shared_dir(test).map(|dir| dir.join("peer-suites").join(peer))
}

fn read_json(path: &Path) -> serde_json::Value {
    let text = std::fs::read_to_string(path)
        .unwrap_or_else(|err| panic!("cannot read {}: {err}", path.display()));
    serde_json::from_str(&text).unwrap_or_else(|err| panic!("{}: {err}", path.display()))
}

/// Every rule kubeward runs, so that rules outside the `rbac` family (the
/// Dashboard's) can be compared too.
fn scan_all(paths: &[PathBuf]) -> ScanResult {
    let rules = kubeward_rules::all()
        .filter(|rule| rule.in_profile(Profile::All))
        .collect();
    scan_with(paths, rules)
}

/// What a peer's alert and a kubeward finding are compared on.
#[derive(Clone, Copy, Debug)]
enum Key {
    /// The subject: `Group dev`, `User jane`, `ServiceAccount ns/name`.
    Subject,
    /// The object the finding is on: `ClusterRoleBinding x`, `Pod y`.
    Object,
}

fn object_key(finding: &Finding) -> Option<String> {
    let object = finding.object.as_ref()?;
    Some(format!("{} {}", object.kind, object.name.as_deref()?))
}

/// The keys of kubeward's findings of `rules`. For subjects, a finding of
/// `rbac-cluster-admin` counts for every permission rule, because that
/// rule reports bindings that grant everything and the others then stay
/// silent about them.
fn kubeward_keys(result: &ScanResult, rules: &[&str], key: Key) -> BTreeSet<String> {
    let policy = Policy::new(&result.inventory);
    let mut rules = rules.to_vec();
    if matches!(key, Key::Subject) && rules.iter().all(|r| r.starts_with("rbac-")) {
        rules.push("rbac-cluster-admin");
    }
    result
        .report
        .findings
        .iter()
        .filter(|f| rules.contains(&f.rule))
        .filter_map(|f| match key {
            Key::Subject => subject_of(f, &policy),
            Key::Object => object_key(f),
        })
        .collect()
}

// ---------------------------------------------------------------------
// kubescape

/// kubescape rule, the kubeward rules that check the same thing, and what
/// is compared.
const KUBESCAPE: &[(&str, &[&str], Key)] = &[
    (
        "anonymous-access-enabled",
        &["rbac-anonymous-binding"],
        Key::Object,
    ),
    (
        "system-authenticated-allowed-to-take-over-cluster",
        &["rbac-anonymous-binding"],
        Key::Subject,
    ),
    (
        "automount-default-service-account",
        &["rbac-default-service-account-automount"],
        Key::Object,
    ),
    ("cluster-admin-role", &["rbac-cluster-admin"], Key::Subject),
    (
        "rule-list-all-cluster-admins-v1",
        &["rbac-cluster-admin"],
        Key::Subject,
    ),
    (
        "ensure-default-service-accounts-has-only-default-roles",
        &["rbac-default-service-account-bound"],
        Key::Object,
    ),
    ("exec-into-container-v1", &["rbac-pod-exec"], Key::Subject),
    ("rule-can-portforward-v1", &["rbac-pod-exec"], Key::Subject),
    (
        "rule-can-access-proxy-subresource",
        &["rbac-nodes-proxy"],
        Key::Subject,
    ),
    (
        "rule-can-approve-cert-signing-request",
        &["rbac-csr-approve"],
        Key::Subject,
    ),
    (
        "rule-can-bind-escalate",
        &["rbac-escalate-bind"],
        Key::Subject,
    ),
    (
        "rule-can-create-pod",
        &["rbac-workload-create"],
        Key::Subject,
    ),
    (
        "rule-can-create-service-account-token",
        &["rbac-token-create"],
        Key::Subject,
    ),
    (
        "rule-can-impersonate-users-groups-v1",
        &["rbac-impersonate"],
        Key::Subject,
    ),
    (
        "rule-can-list-get-secrets-v1",
        &["rbac-secrets-read"],
        Key::Subject,
    ),
    (
        "rule-can-modify-admission-webhooks",
        &["rbac-admission-write"],
        Key::Subject,
    ),
    (
        "workload-with-administrative-roles",
        &["rbac-workload-token-rights"],
        Key::Object,
    ),
    (
        "workload-with-cluster-takeover-roles",
        &["rbac-workload-token-rights"],
        Key::Object,
    ),
    (
        "rule-access-dashboard-wl-v1",
        &["dashboard-service-account-shared"],
        Key::Object,
    ),
];

/// kubescape RBAC rules with no kubeward counterpart, and why.
const KUBESCAPE_UNMAPPED: &[(&str, &str)] = &[
    (
        "rule-access-dashboard-subject-v1",
        "judges a binding by its role's name (`kubernetes-dashboard`); kubeward judges it by what \
         the role allows, and reports these subjects under rbac-workload-create",
    ),
    (
        "rule-can-create-pv",
        "creating PersistentVolumes is not among the permissions kubeward reports",
    ),
    (
        "rule-can-delete-k8s-events-v1",
        "deleting Events hides activity but grants no access; not reported",
    ),
    (
        "rule-can-update-configmap-v1",
        "changing the CoreDNS ConfigMap is not among the permissions kubeward reports",
    ),
    (
        "rule-excessive-delete-rights-v1",
        "deleting objects grants no access; not reported",
    ),
];

/// A case where kubeward and the peer disagree: the case folder, kubeward's
/// keys, and the Kubernetes rule that settles it.
struct Exclusion {
    case: &'static str,
    kubeward: &'static [&'static str],
    reason: &'static str,
}

const NAMESPACED_BINDING: &str = "a RoleBinding applies only to requests in its namespace, and \
    requests for cluster-scoped resources have none, so it never grants them";
const NOT_A_WILDCARD: &str = "`pods/*` matches only a subresource literally named `*`; only `*` \
    and `*/SUBRESOURCE` are wildcards in a rule's resources";

const KUBESCAPE_EXCLUSIONS: &[Exclusion] = &[
    Exclusion {
        case: "anonymous-access-enabled/fail",
        kubeward: &[],
        reason: "the input is the built-in binding system:public-info-viewer, which kube-apiserver \
                 creates at startup in every cluster; it allows only GET on /healthz, /livez, \
                 /readyz and /version, and whether anonymous requests reach RBAC at all is the \
                 api-server rules' question",
    },
    Exclusion {
        case: "system-authenticated-allowed-to-take-over-cluster/success",
        kubeward: &["Group system:authenticated"],
        reason: "system:authenticated holds the token of every ServiceAccount in every \
                 namespace, so any pod can read every ConfigMap through this binding; kubeward \
                 reports every binding to it that the built-in policy does not make",
    },
    Exclusion {
        case: "rule-list-all-cluster-admins-v1/clusterrole-rolebinding",
        kubeward: &[],
        reason: "`*` on `*` in the core group through a RoleBinding is not full access: the \
                 binding holds in kube-system only and reaches no other API group (apps, rbac); \
                 kubeward reports its dangerous parts (Secrets, exec, pod creation, tokens)",
    },
    Exclusion {
        case: "ensure-default-service-accounts-has-only-default-roles/passed_rolebinding_one_subject",
        kubeward: &["RoleBinding pod"],
        reason: "the label kubernetes.io/bootstrapping: rbac-defaults does not make a binding \
                 part of the built-in policy, which binds no namespace's default ServiceAccount; \
                 kubeward compares with the bindings kube-apiserver creates, not with a label",
    },
    Exclusion {
        case: "exec-into-container-v1/clusterrole",
        kubeward: &[],
        reason: NOT_A_WILDCARD,
    },
    Exclusion {
        case: "rule-can-portforward-v1/clusterrole-clusterrolebinding",
        kubeward: &[],
        reason: NOT_A_WILDCARD,
    },
    Exclusion {
        case: "rule-can-access-proxy-subresource/clusterrole-rolebinding",
        kubeward: &[],
        reason: NAMESPACED_BINDING,
    },
    Exclusion {
        case: "rule-can-access-proxy-subresource/role-rolebinding",
        kubeward: &[],
        reason: NAMESPACED_BINDING,
    },
    Exclusion {
        case: "rule-can-approve-cert-signing-request/clusterrole-rolebinding",
        kubeward: &[],
        reason: NAMESPACED_BINDING,
    },
    Exclusion {
        case: "rule-can-approve-cert-signing-request/role-rolebinding",
        kubeward: &[],
        reason: NAMESPACED_BINDING,
    },
    Exclusion {
        case: "rule-can-modify-admission-webhooks/clusterrole-rolebinding",
        kubeward: &[],
        reason: NAMESPACED_BINDING,
    },
    Exclusion {
        case: "rule-can-modify-admission-webhooks/role-rolebinding",
        kubeward: &[],
        reason: NAMESPACED_BINDING,
    },
    Exclusion {
        case: "workload-with-administrative-roles/pass-wl-limited-permissions",
        kubeward: &["Pod test-pd"],
        reason: "the pod mounts a token that may do everything with Secrets in every namespace; \
                 kubeward's rbac-workload-token-rights covers both of kubescape's workload rules, \
                 and kubescape's own workload-with-cluster-takeover-roles fails on Secret reads",
    },
];

/// The keys of a kubescape case's expected alerts.
fn kubescape_keys(expected: &serde_json::Value, key: Key) -> BTreeSet<String> {
    let mut keys = BTreeSet::new();
    for alert in expected.as_array().expect("expected.json is an array") {
        let object = &alert["alertObject"];
        match key {
            Key::Subject => {
                let subject = &object["externalObjects"];
                let kind = subject["kind"].as_str().unwrap_or_default();
                let name = subject["name"].as_str().unwrap_or_default();
                keys.insert(match subject["namespace"].as_str() {
                    Some(ns) if kind == "ServiceAccount" => format!("{kind} {ns}/{name}"),
                    _ => format!("{kind} {name}"),
                });
            }
            Key::Object => {
                for item in object["k8sApiObjects"].as_array().into_iter().flatten() {
                    let kind = item["kind"].as_str().unwrap_or_default();
                    let name = item["metadata"]["name"].as_str().unwrap_or_default();
                    keys.insert(format!("{kind} {name}"));
                }
            }
        }
    }
    keys
}

#[test]
fn kubescape_rbac_rules() {
    let Some(dir) = peer_dir("kubescape_rbac_rules", "kubescape-regolibrary") else {
        return;
    };
    let rules_dir = dir.join("fixtures/rules");
    let mut disagreements = Vec::new();
    let mut compared = 0;
    let mut excluded = BTreeSet::new();
    for &(peer_rule, rules, key) in KUBESCAPE {
        let tests = rules_dir.join(peer_rule).join("test");
        let mut cases: Vec<PathBuf> = std::fs::read_dir(&tests)
            .unwrap_or_else(|err| panic!("{}: {err}", tests.display()))
            .map(|entry| entry.expect("readable directory").path())
            .collect();
        cases.sort();
        assert!(!cases.is_empty(), "{peer_rule} has no test cases");
        for case in cases {
            let name = format!(
                "{peer_rule}/{}",
                case.file_name().unwrap().to_string_lossy()
            );
            let expected = kubescape_keys(&read_json(&case.join("expected.json")), key);
            let result = scan_all(&[case.join("input")]);
            let actual = kubeward_keys(&result, rules, key);
            compared += 1;
            if let Some(exclusion) = KUBESCAPE_EXCLUSIONS.iter().find(|e| e.case == name) {
                let documented: BTreeSet<String> =
                    exclusion.kubeward.iter().map(|s| (*s).to_owned()).collect();
                assert_eq!(
                    actual, documented,
                    "{name}: kubeward's documented answer changed"
                );
                assert_ne!(
                    actual, expected,
                    "{name}: kubeward now agrees with kubescape; remove the exclusion ({})",
                    exclusion.reason
                );
                excluded.insert(name);
                continue;
            }
            if actual != expected {
                disagreements.push(format!(
                    "{name}: kubescape {expected:?}, kubeward {actual:?}"
                ));
            }
        }
    }
    let unused: Vec<_> = KUBESCAPE_EXCLUSIONS
        .iter()
        .filter(|e| !excluded.contains(e.case))
        .map(|e| e.case)
        .collect();
    assert!(
        unused.is_empty(),
        "exclusions for unknown cases: {unused:?}"
    );
    assert_eq!(compared, 59, "kubescape cases compared");
    assert!(
        disagreements.is_empty(),
        "{} disagreement(s):\n{}",
        disagreements.len(),
        disagreements.join("\n")
    );
}

#[test]
fn kubescape_unmapped_rules_exist() {
    let Some(dir) = peer_dir("kubescape_unmapped_rules_exist", "kubescape-regolibrary") else {
        return;
    };
    for (rule, reason) in KUBESCAPE_UNMAPPED {
        assert!(!reason.is_empty());
        let tests = dir.join("fixtures/rules").join(rule).join("test");
        assert!(
            tests.is_dir(),
            "{rule}: no test cases at {}",
            tests.display()
        );
    }
}

// ---------------------------------------------------------------------
// kube-linter

/// kube-linter check, fixture, the kubeward rule that checks the same
/// thing, and the objects kube-linter reports, as `Kind name`.
const KUBE_LINTER: &[(&str, &str, &[&str])] = &[
    (
        "access-to-create-pods",
        "rbac-workload-create",
        &["RoleBinding role-binding1"],
    ),
    (
        "access-to-secrets",
        "rbac-secrets-read",
        &["RoleBinding role-binding1"],
    ),
    (
        "cluster-admin-role-binding",
        "rbac-cluster-admin",
        &["ClusterRoleBinding role-binding1"],
    ),
    (
        "default-service-account",
        "rbac-default-service-account",
        &["Deployment app", "DeploymentConfig app"],
    ),
    ("wildcard-in-rules", "rbac-wildcard", &["Role role1"]),
];

const KUBE_LINTER_EXCLUSIONS: &[Exclusion] = &[
    Exclusion {
        case: "access-to-secrets",
        kubeward: &[],
        reason: "rbac-secrets-read reports reading Secrets cluster-wide or in a sensitive \\
                 namespace; reading the Secrets of one's own application namespace \\
                 (namespace-dev) is not reported, and `kubeward rbac who-can get secrets` \\
                 lists the subject",
    },
    Exclusion {
        case: "default-service-account",
        kubeward: &["Deployment app"],
        reason: "DeploymentConfig is an OpenShift kind, not a Kubernetes one; kubeward reads \\
                 the pod specs of Kubernetes workload kinds only",
    },
];

#[test]
fn kube_linter_rbac_checks() {
    let Some(dir) = peer_dir("kube_linter_rbac_checks", "kube-linter") else {
        return;
    };
    let mut disagreements = Vec::new();
    for &(check, rule, reported) in KUBE_LINTER {
        let expected_doc = read_json(&dir.join("expected").join(format!("{check}.json")));
        assert_eq!(
            expected_doc["expected_finding_count"].as_u64(),
            Some(reported.len() as u64),
            "{check}: the table disagrees with kube-linter's expected count"
        );
        for (index, finding) in expected_doc["asserted_findings"]
            .as_array()
            .expect("asserted_findings is an array")
            .iter()
            .enumerate()
        {
            let kind = reported[index].split(' ').next().unwrap();
            let text = finding["text"].as_str().unwrap_or_default();
            assert!(text.starts_with(&format!("{kind}:")), "{check}: {text}");
        }
        let fixture = dir.join(expected_doc["fixture"].as_str().expect("fixture path"));
        let result = scan_rbac(&[fixture]);
        let actual = kubeward_keys(&result, &[rule], Key::Object);
        let expected: BTreeSet<String> = reported.iter().map(|s| (*s).to_owned()).collect();
        if let Some(exclusion) = KUBE_LINTER_EXCLUSIONS.iter().find(|e| e.case == check) {
            let documented: BTreeSet<String> =
                exclusion.kubeward.iter().map(|s| (*s).to_owned()).collect();
            assert_eq!(
                actual, documented,
                "{check}: kubeward's documented answer changed"
            );
            assert_ne!(
                actual, expected,
                "{check}: remove the exclusion ({})",
                exclusion.reason
            );
            continue;
        }
        if actual != expected {
            disagreements.push(format!(
                "{check}: kube-linter {expected:?}, kubeward {actual:?}"
            ));
        }
    }
    assert!(disagreements.is_empty(), "{}", disagreements.join("\n"));
}

/// kube-linter's access-to-secrets fixture, answered by who-can: the
/// subject is found although rbac-secrets-read leaves the namespace alone.
#[test]
fn kube_linter_secrets_who_can() {
    let Some(dir) = peer_dir("kube_linter_secrets_who_can", "kube-linter") else {
        return;
    };
    let fixture = dir.join("fixtures/tests/checks/access-to-secrets.yml");
    let path = fixture.to_str().unwrap();
    let (_, answer) = rbac_json(&["who-can", "get", "secrets", "-n", "namespace-dev", path]);
    let subjects = who_can_subjects(&answer);
    assert!(
        subjects.contains(&(
            "ServiceAccount namespace-dev/account1".to_owned(),
            Some("namespace-dev".to_owned())
        )),
        "{subjects:?}"
    );
}

// ---------------------------------------------------------------------
// KubiScan

/// KubiScan's unit-test fixtures applied together, as its test applies
/// them to a cluster: kubiscan-sa is risky (it reads Secrets in every
/// namespace); kubiscan-sa2, whose role lacks Secrets, and the namespace's
/// default ServiceAccount are not.
#[test]
fn kubiscan_risky_subjects() {
    let Some(dir) = peer_dir("kubiscan_risky_subjects", "kubiscan") else {
        return;
    };
    let fixtures = dir.join("fixtures/unit_test");
    let result = scan_rbac(&[fixtures.join("kubiscan-sa"), fixtures.join("kubiscan-sa2")]);
    let policy = Policy::new(&result.inventory);
    let mut risky: BTreeSet<String> = BTreeSet::new();
    for finding in &result.report.findings {
        if let Some(subject) = subject_of(finding, &policy) {
            risky.insert(subject);
        }
    }
    assert!(
        risky.contains("ServiceAccount default/kubiscan-sa"),
        "{risky:?}"
    );
    assert!(
        !risky.contains("ServiceAccount default/kubiscan-sa2"),
        "{risky:?}"
    );
    assert!(
        !risky.contains("ServiceAccount default/default"),
        "{risky:?}"
    );
    let secrets: Vec<_> = result
        .report
        .findings
        .iter()
        .filter(|f| f.rule == "rbac-secrets-read")
        .filter(|f| subject_of(f, &policy).as_deref() == Some("ServiceAccount default/kubiscan-sa"))
        .collect();
    assert_eq!(secrets.len(), 1);
    let message = &secrets[0].message;
    assert!(message.contains("get, list secrets"), "{message}");
    assert!(
        message.contains("ClusterRoleBinding kubiscan-clusterrolebinding"),
        "{message}"
    );
    assert!(
        message.contains("ClusterRole kubiscan-clusterrole rules[0]"),
        "{message}"
    );
    // The long-lived token Secrets of both accounts are reported.
    let tokens: BTreeSet<String> = result
        .report
        .findings
        .iter()
        .filter(|f| f.rule == "rbac-legacy-token-secret")
        .filter_map(object_key)
        .collect();
    assert!(tokens.contains("Secret kubiscan-sa-token"), "{tokens:?}");
}

/// Entries of KubiScan's catalogue of risky rules that kubeward does not
/// report, and why.
const KUBISCAN_NOT_RISKY: &[(&str, &str)] = &[
    (
        "risky-any-verb-rolebindings",
        "creating or changing a RoleBinding needs `bind` on its role or every right the role \\
         grants, so rights on bindings alone grant nothing new",
    ),
    (
        "risky-any-verb-clusterrolebindings",
        "as for RoleBindings: the API server's escalation check applies to every binding",
    ),
    (
        "risky-add-rolebinding",
        "patching a RoleBinding is checked for escalation like creating one",
    ),
];

/// Turns KubiScan's catalogue (`items:` of Roles without `apiVersion`)
/// into ClusterRoles with unique names, each bound cluster-wide to a
/// ServiceAccount `probe/entry-N`, and returns the YAML and the entry
/// names by index.
fn catalogue_as_bindings(text: &str) -> (String, Vec<String>) {
    let mut out = String::from("apiVersion: v1\nkind: List\nitems:\n");
    let mut names = Vec::new();
    let mut in_metadata = false;
    for line in text.lines() {
        if line.trim_start().starts_with('#') || line.trim() == "items:" {
            continue;
        }
        // Some entries start with `  - kind: Role`, indented by two more
        // spaces than their `metadata` and `rules`. Each is read as an
        // entry of its own, as the catalogue's comments describe it.
        if line.trim() == "- kind: Role" {
            out.push_str("- apiVersion: rbac.authorization.k8s.io/v1\n  kind: ClusterRole\n");
            continue;
        }
        if line.trim() == "metadata:" {
            in_metadata = true;
        } else if line.trim() == "rules:" {
            in_metadata = false;
        }
        let trimmed = line.trim();
        if in_metadata && trimmed.starts_with("namespace:") {
            continue;
        }
        if in_metadata && let Some(name) = trimmed.strip_prefix("name: ") {
            let _ = writeln!(out, "    name: entry-{}", names.len());
            names.push(name.to_owned());
            continue;
        }
        out.push_str(line);
        out.push('\n');
    }
    for index in 0..names.len() {
        let _ = writeln!(
            out,
            "- apiVersion: rbac.authorization.k8s.io/v1\n  kind: ClusterRoleBinding\n  \
             metadata: {{name: entry-{index}}}\n  roleRef: {{apiGroup: \
             rbac.authorization.k8s.io, kind: ClusterRole, name: entry-{index}}}\n  \
             subjects:\n  - {{kind: ServiceAccount, name: entry-{index}, namespace: probe}}"
        );
    }
    (out, names)
}

/// Every entry of KubiScan's catalogue, bound to a ServiceAccount of its
/// own, makes kubeward report that account, except the entries listed in
/// `KUBISCAN_NOT_RISKY`.
#[test]
fn kubiscan_risky_catalogue() {
    let Some(dir) = peer_dir("kubiscan_risky_catalogue", "kubiscan") else {
        return;
    };
    let text = std::fs::read_to_string(dir.join("fixtures/risky_roles.yaml")).unwrap();
    let (yaml, names) = catalogue_as_bindings(&text);
    let priorities = text
        .lines()
        .filter(|l| l.trim().starts_with("priority:"))
        .count();
    assert_eq!(names.len(), priorities, "one role per catalogue entry");
    let temp = std::env::temp_dir().join(format!("kubeward-kubiscan-{}", std::process::id()));
    std::fs::create_dir_all(&temp).unwrap();
    let file = temp.join("catalogue.yaml");
    std::fs::write(&file, &yaml).unwrap();
    let result = scan_rbac(&[file]);
    let policy = Policy::new(&result.inventory);
    let reported: BTreeSet<String> = result
        .report
        .findings
        .iter()
        .filter_map(|f| subject_of(f, &policy))
        .collect();
    let mut missed = Vec::new();
    let mut excluded_and_reported = Vec::new();
    for (index, name) in names.iter().enumerate() {
        let subject = format!("ServiceAccount probe/entry-{index}");
        let excluded = KUBISCAN_NOT_RISKY.iter().any(|(n, _)| n == name);
        match (reported.contains(&subject), excluded) {
            (false, false) => missed.push(name.clone()),
            (true, true) => excluded_and_reported.push(name.clone()),
            _ => {}
        }
    }
    assert!(
        missed.is_empty(),
        "risky entries kubeward does not report: {missed:?}"
    );
    assert!(
        excluded_and_reported.is_empty(),
        "listed as not risky but reported: {excluded_and_reported:?}"
    );
}
