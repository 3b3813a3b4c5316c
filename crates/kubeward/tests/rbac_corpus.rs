//! RBAC findings on public manifests: the Kubernetes Dashboard before and
//! after it stopped binding `cluster-admin`, and Argo CD's application
//! controller, whose ClusterRole allows every verb on every resource.

mod rbac_common;

use std::path::PathBuf;

use rbac_common::{arg, findings_of, rbac_json, scan_rbac, subjects_of_rule};

fn apps_dir(test: &str) -> Option<PathBuf> {
    kubeward_testutil::shared_dir(test).map(|dir| dir.join("corpus/apps"))
}

#[test]
fn dashboard_v1_6_3_cluster_admin() {
    let Some(apps) = apps_dir("dashboard_v1_6_3_cluster_admin") else {
        return;
    };
    let file = apps.join("kubernetes-dashboard/v1.6.3/kubernetes-dashboard.yaml");
    let result = scan_rbac(&[file]);
    let admins = subjects_of_rule(&result, "rbac-cluster-admin");
    assert_eq!(
        admins,
        vec!["ServiceAccount kube-system/kubernetes-dashboard".to_owned()]
    );
    let finding = findings_of(&result, "rbac-cluster-admin")[0];
    assert_eq!(finding.path.as_deref(), Some("subjects[0]"));
    let message = &finding.message;
    assert!(
        message.contains("ClusterRoleBinding kubernetes-dashboard"),
        "{message}"
    );
    assert!(
        message.contains("ClusterRole cluster-admin rules[0] (built-in)"),
        "{message}"
    );
    assert!(message.contains("cluster-wide"), "{message}");
    // The Dashboard's pods carry that token.
    let token = findings_of(&result, "rbac-workload-token-rights");
    assert!(
        token
            .iter()
            .any(|f| f.object.as_ref().and_then(|o| o.name.as_deref())
                == Some("kubernetes-dashboard")),
        "{token:?}"
    );
}

#[test]
fn dashboard_v2_7_0_no_cluster_admin() {
    let Some(apps) = apps_dir("dashboard_v2_7_0_no_cluster_admin") else {
        return;
    };
    let file = apps.join("kubernetes-dashboard/v2.7.0/recommended.yaml");
    let result = scan_rbac(std::slice::from_ref(&file));
    assert!(findings_of(&result, "rbac-cluster-admin").is_empty());
    let (code, answer) = rbac_json(&[
        "can-i",
        "--as",
        "sa:kubernetes-dashboard/kubernetes-dashboard",
        "*",
        "*",
        arg(&file),
    ]);
    assert_eq!(code, 1, "{answer}");
    // Its own Role reads only the Dashboard's Secrets, by name.
    let (code, _) = rbac_json(&[
        "can-i",
        "--as",
        "sa:kubernetes-dashboard/kubernetes-dashboard",
        "list",
        "secrets",
        "-n",
        "kubernetes-dashboard",
        arg(&file),
    ]);
    assert_eq!(code, 1);
}

#[test]
fn argo_cd_controller_full_access() {
    let Some(apps) = apps_dir("argo_cd_controller_full_access") else {
        return;
    };
    for version in ["v1.0.0", "v1.8.7", "v2.8.0", "main"] {
        let file = apps.join("argo-cd").join(version).join("install.yaml");
        let result = scan_rbac(std::slice::from_ref(&file));
        let admins = subjects_of_rule(&result, "rbac-cluster-admin");
        assert!(
            admins.contains(&"ServiceAccount argocd/argocd-application-controller".to_owned()),
            "{version}: {admins:?}"
        );
        let finding = findings_of(&result, "rbac-cluster-admin")
            .into_iter()
            .find(|f| {
                f.message
                    .starts_with("ServiceAccount argocd/argocd-application-controller")
            })
            .unwrap();
        assert!(
            finding
                .message
                .contains("ClusterRole argocd-application-controller rules[0]"),
            "{version}: {}",
            finding.message
        );
        let (_, answer) = rbac_json(&["who-can", "*", "*", arg(&file)]);
        let grant = answer["grants"]
            .as_array()
            .unwrap()
            .iter()
            .find(|g| g["subject"]["name"] == "argocd-application-controller")
            .unwrap_or_else(|| panic!("{version}: who-can '*' '*' misses the controller"));
        assert_eq!(grant["role"]["name"], "argocd-application-controller");
        assert_eq!(grant["namespace"], serde_json::Value::Null);
        for field in ["verbs", "apiGroups", "resources"] {
            assert_eq!(
                grant["rule"][field],
                serde_json::json!(["*"]),
                "{version}: {field}"
            );
        }
    }
}
