//! The `supply-chain` and `runtime` families on named real manifests, and
//! `kubeward images` over the whole corpus of public manifests.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use assert_cmd::Command;
use kubeward::Scanner;
use kubeward_core::{Finding, Profile, RuleConfig, ScanOptions};
use serde_json::Value;

fn corpus(test: &str) -> Option<PathBuf> {
    kubeward_testutil::shared_dir(test).map(|dir| dir.join("corpus"))
}

fn scan_with(paths: &[PathBuf], options: ScanOptions) -> Vec<Finding> {
    let scanner = Scanner::new(Profile::All, options);
    let (report, errors) = scanner.scan_paths(paths);
    assert!(errors.is_empty(), "{paths:?}: {errors:?}");
    report.findings
}

fn scan(paths: &[PathBuf]) -> Vec<Finding> {
    scan_with(paths, ScanOptions::default())
}

/// The findings of `rule` as `(file name, line, path)`.
fn findings_of(findings: &[Finding], rule: &str) -> Vec<(String, u32, String)> {
    findings
        .iter()
        .filter(|finding| finding.rule == rule)
        .map(|finding| {
            let file = Path::new(&*finding.file)
                .file_name()
                .map(|name| name.to_string_lossy().into_owned())
                .unwrap_or_default();
            (file, finding.line, finding.path.clone().unwrap_or_default())
        })
        .collect()
}

fn at(file: &str, line: u32, path: &str) -> (String, u32, String) {
    (file.to_owned(), line, path.to_owned())
}

#[test]
fn calico_cluster_lacks_policy_and_sensor() {
    let Some(corpus) = corpus("calico_cluster_lacks_policy_and_sensor") else {
        return;
    };
    let findings = scan(&[corpus.join("apps/calico/calico.yaml")]);
    // The calico-node DaemonSet is the first kube-system workload, so the
    // set-level findings are on its namespace.
    let anchor = [at("calico.yaml", 12495, "metadata.namespace")];
    assert_eq!(
        findings_of(&findings, "image-signature-not-enforced"),
        anchor
    );
    assert_eq!(findings_of(&findings, "runtime-detection-missing"), anchor);
    assert_eq!(
        findings_of(&findings, "image-digest-missing"),
        [
            at(
                "calico.yaml",
                12536,
                "spec.template.spec.initContainers[0].image"
            ),
            at(
                "calico.yaml",
                12564,
                "spec.template.spec.initContainers[1].image"
            ),
            at(
                "calico.yaml",
                12608,
                "spec.template.spec.initContainers[2].image"
            ),
            at(
                "calico.yaml",
                12634,
                "spec.template.spec.containers[0].image"
            ),
            at(
                "calico.yaml",
                12878,
                "spec.template.spec.containers[0].image"
            ),
        ]
    );
}

#[test]
fn image_policy_webhook_counts_as_enforcement() {
    let Some(corpus) = corpus("image_policy_webhook_counts_as_enforcement") else {
        return;
    };
    // The AdmissionConfiguration of the Kubernetes documentation's
    // ImagePolicyWebhook example, scanned beside the calico cluster.
    let admission =
        corpus.join("control-plane/kubernetes-website-docs/admission-controllers-5.yaml");
    let text = std::fs::read_to_string(&admission).expect("the example is readable");
    assert!(
        text.contains("ImagePolicyWebhook"),
        "{}",
        admission.display()
    );
    let findings = scan(&[corpus.join("apps/calico/calico.yaml"), admission]);
    assert_eq!(findings_of(&findings, "image-signature-not-enforced"), []);
    assert_eq!(findings_of(&findings, "runtime-detection-missing").len(), 1);
}

#[test]
fn sysdig_agent_skips_control_plane() {
    let Some(corpus) = corpus("sysdig_agent_skips_control_plane") else {
        return;
    };
    let sysdig =
        corpus.join("apps/kubernetes-examples/_archived/sysdig-cloud/sysdig-daemonset.yaml");
    let findings = scan(std::slice::from_ref(&sysdig));
    // The DaemonSet has no tolerations; the finding is on its pod spec.
    assert_eq!(
        findings_of(&findings, "runtime-detection-not-on-every-node"),
        [at(
            "sysdig-daemonset.yaml",
            17,
            "spec.template.spec.tolerations"
        )]
    );
    let message = &findings
        .iter()
        .find(|finding| finding.rule == "runtime-detection-not-on-every-node")
        .expect("the finding exists")
        .message;
    assert!(message.contains("the Sysdig agent"), "{message}");

    // With the sensor in the scan, the calico cluster has runtime
    // detection.
    let findings = scan(&[corpus.join("apps/calico/calico.yaml"), sysdig]);
    assert_eq!(findings_of(&findings, "runtime-detection-missing"), []);
    assert_eq!(
        findings_of(&findings, "image-signature-not-enforced").len(),
        1
    );
}

#[test]
fn invalid_references_in_examples() {
    let Some(corpus) = corpus("invalid_references_in_examples") else {
        return;
    };
    let findings = scan(&[
        corpus.join("apps/kubernetes-website-examples/pods/private-reg-pod.yaml"),
        corpus.join("apps/kube-bench-jobs/hack/kind.yaml"),
    ]);
    assert_eq!(
        findings_of(&findings, "image-reference-invalid"),
        [
            at("kind.yaml", 15, "spec.template.spec.containers[0].image"),
            at("private-reg-pod.yaml", 8, "spec.containers[0].image"),
        ]
    );
    let messages: Vec<&str> = findings
        .iter()
        .filter(|finding| finding.rule == "image-reference-invalid")
        .map(|finding| finding.message.as_str())
        .collect();
    assert!(
        messages[0].contains("invalid tag `${VERSION}`"),
        "{messages:?}"
    );
    assert!(
        messages[1].contains("invalid repository path component `<your-private-image>`"),
        "{messages:?}"
    );
}

#[test]
fn boutique_registry_allow_list() {
    let Some(corpus) = corpus("boutique_registry_allow_list") else {
        return;
    };
    let release = corpus.join("apps/microservices-demo/main/release/kubernetes-manifests.yaml");
    let config = RuleConfig {
        allowed_registries: vec!["us-central1-docker.pkg.dev/online-boutique-ci".to_owned()],
        ..RuleConfig::default()
    };
    let findings = scan_with(
        std::slice::from_ref(&release),
        ScanOptions::default().with_config(config),
    );
    // Only the Docker Hub images, redis and busybox, are from elsewhere.
    assert_eq!(
        findings_of(&findings, "image-registry-not-allowed"),
        [
            at(
                "kubernetes-manifests.yaml",
                401,
                "spec.template.spec.containers[0].image"
            ),
            at(
                "kubernetes-manifests.yaml",
                494,
                "spec.template.spec.initContainers[0].image"
            ),
        ]
    );
    // busybox is pinned by tag and digest; redis:alpine and the eleven
    // services are pinned by tag only.
    let digest_missing = findings_of(&findings, "image-digest-missing");
    assert_eq!(digest_missing.len(), 12, "{digest_missing:?}");
    assert!(
        !digest_missing.iter().any(|(_, line, _)| *line == 494),
        "{digest_missing:?}"
    );
    // Without an allow-list, every registry is allowed.
    let findings = scan(&[release]);
    assert_eq!(findings_of(&findings, "image-registry-not-allowed"), []);
}

#[test]
fn image_list_of_whole_corpus() {
    let Some(corpus) = corpus("image_list_of_whole_corpus") else {
        return;
    };
    let output = Command::new(env!("CARGO_BIN_EXE_kubeward"))
        .args(["images", "-o", "json", "."])
        .current_dir(&corpus)
        .output()
        .expect("kubeward runs");
    let stdout = String::from_utf8(output.stdout).expect("stdout is UTF-8");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(0), "{stderr}");
    let document: Value = serde_json::from_str(&stdout).expect("the output is JSON");
    let images: BTreeMap<&str, &Value> = document["images"]
        .as_array()
        .expect("an images array")
        .iter()
        .map(|entry| (entry["image"].as_str().expect("an image"), entry))
        .collect();
    assert!(images.len() > 300, "{} images", images.len());
    for (image, entry) in &images {
        let pinned = entry["pin"].is_string();
        let invalid = entry["error"].is_string();
        assert!(pinned != invalid, "{image}: {entry:#}");
        assert!(
            !entry["usedBy"].as_array().expect("uses").is_empty(),
            "{image}"
        );
    }

    let invalid: Vec<&str> = images
        .iter()
        .filter(|(_, entry)| entry["error"].is_string())
        .map(|(image, _)| *image)
        .collect();
    assert_eq!(
        invalid,
        [
            "<YOUR-CONTAINER>",
            "<image_url>",
            "<your-private-image>",
            "docker.io/aquasec/kube-bench:${VERSION}",
            "gcr.io/<project>/job-wq-1",
            "gcr.io/google-samples/microservices-demo/*:v0.3.0",
        ]
    );

    let busybox = images["busybox:1.38.0@sha256:fd8d9aa63ba2f0982b5304e1ee8d3b90a210bc1ffb5314d980eb6962f1a9715d"];
    assert_eq!(busybox["pin"], "digest");
    assert_eq!(busybox["tag"], "1.38.0");
    assert_eq!(busybox["name"], "docker.io/library/busybox");
    let sysdig = images["sysdig/agent"];
    assert_eq!(sysdig["pin"], "latest");
    assert_eq!(sysdig["registry"], "docker.io");
    assert_eq!(sysdig["repository"], "sysdig/agent");
    let uses = sysdig["usedBy"].as_array().expect("uses");
    assert!(
        uses.iter().any(|use_| use_["file"]
            .as_str()
            .is_some_and(|file| file.ends_with("sysdig-daemonset.yaml"))
            && use_["line"] == 42),
        "{uses:#?}"
    );
}
