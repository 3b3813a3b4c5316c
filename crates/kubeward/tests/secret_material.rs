//! Objects other than Secrets that carry key material. No output format
//! quotes the line of an encryption key, a kubeconfig credential, a kubeadm
//! bootstrap token or certificate key, a k3s join token or a secret-like
//! annotation, and quoted URLs have their password masked. Each case puts
//! a finding on the line that contains the value, in block, flow or
//! one-line JSON layout, so the quote is what would leak it.

mod support;

use std::path::Path;

use support::{TempDir, kubeward_in, run};

/// A manifest, the values that must never be printed, and a line that
/// contains one of them and has a finding.
struct Case {
    name: &'static str,
    text: &'static str,
    planted: &'static [&'static str],
    line: u64,
}

const CASES: &[Case] = &[
    Case {
        name: "encryption-flow-provider.yaml",
        text: "apiVersion: apiserver.config.k8s.io/v1
kind: EncryptionConfiguration
resources:
  - resources: [secrets]
    providers:
    - aesgcm: {keys: [{name: k, secret: INLINESECRETCCCCCCCCCCCCCCCCCCCCCCC=}]}
",
        planted: &["INLINESECRETCCCCCCCCCCCCCCCCCCCCCCC="],
        line: 6,
    },
    Case {
        name: "encryption-one-line-flow.yaml",
        text: "apiVersion: apiserver.config.k8s.io/v1
kind: EncryptionConfiguration
resources:
  - {resources: [secrets], providers: [{aescbc: {keys: [{name: k, secret: TOPSECRETAESCBCKEYAAAAAAAAAAAAAAAAAA=}]}}, identity: {}]}
",
        planted: &["TOPSECRETAESCBCKEYAAAAAAAAAAAAAAAAAA="],
        line: 4,
    },
    Case {
        name: "encryption-block.yaml",
        text: "apiVersion: apiserver.config.k8s.io/v1
kind: EncryptionConfiguration
resources:
  - resources:
      - secrets
    providers:
      - identity: {}
      - secretbox:
          keys:
            - name: k1
              secret: BLOCKSECRETBOXKEYONEAAAAAAAAAAAAAAAAAAAAAA=
              secret: BLOCKSECRETBOXKEYTWOAAAAAAAAAAAAAAAAAAAAAA=
",
        planted: &[
            "BLOCKSECRETBOXKEYONEAAAAAAAAAAAAAAAAAAAAAA=",
            "BLOCKSECRETBOXKEYTWOAAAAAAAAAAAAAAAAAAAAAA=",
        ],
        line: 12,
    },
    Case {
        name: "encryption.json",
        text: r#"{"apiVersion":"apiserver.config.k8s.io/v1","kind":"EncryptionConfiguration","resources":[{"resources":["secrets"],"providers":[{"identity":{}},{"aesgcm":{"keys":[{"name":"k","secret":"JSONAESGCMKEYAAAAAAAAAAAAAAAAAAAAAAAAA="}]}}]}]}
"#,
        planted: &["JSONAESGCMKEYAAAAAAAAAAAAAAAAAAAAAAAAA="],
        line: 1,
    },
    Case {
        name: "kubeconfig-block.yaml",
        text: "apiVersion: v1
kind: Config
clusters:
  - name: c
    cluster: {server: https://127.0.0.1:6443}
users:
  - name: admin
    user:
      client-key-data: S1VCRUNPTkZJR0NMSUVOVEtFWURBVEE=
      token: KUBECONFIGBLOCKTOKENONE
      token: KUBECONFIGBLOCKTOKENTWO
",
        planted: &[
            "S1VCRUNPTkZJR0NMSUVOVEtFWURBVEE=",
            "KUBECONFIGBLOCKTOKENONE",
            "KUBECONFIGBLOCKTOKENTWO",
        ],
        line: 11,
    },
    Case {
        name: "kubeconfig-flow.yaml",
        text: "apiVersion: v1
kind: Config
users:
  - {name: a, name: b, user: {username: admin, password: KUBECONFIGFLOWPASSWORD, client-key-data: S1VCRUZMT1dLRVk=}}
",
        planted: &["KUBECONFIGFLOWPASSWORD", "S1VCRUZMT1dLRVk="],
        line: 4,
    },
    Case {
        name: "kubeconfig.json",
        text: r#"{"apiVersion":"v1","kind":"Config","users":[{"name":"a","name":"b","user":{"auth-provider":{"name":"oidc","config":{"id-token":"KUBECONFIGJSONIDTOKEN","refresh-token":"KUBECONFIGJSONREFRESH"}}}}]}
"#,
        planted: &["KUBECONFIGJSONIDTOKEN", "KUBECONFIGJSONREFRESH"],
        line: 1,
    },
    Case {
        name: "kubeadm-init-block.yaml",
        text: "apiVersion: kubeadm.k8s.io/v1beta3
kind: InitConfiguration
bootstrapTokens:
  - token: abcdef.blocktoken001
    token: abcdef.blocktoken002
    ttl: 24h0m0s
certificateKey: 6b1c2f0e9d8a7b6c5d4e3f2a1b0c9d8e7f6a5b4c3d2e1f0a9b8c7d6e5f4a3b2c
certificateKey: 0f1e2d3c4b5a69788796a5b4c3d2e1f00f1e2d3c4b5a69788796a5b4c3d2e1f0
",
        planted: &[
            "abcdef.blocktoken001",
            "abcdef.blocktoken002",
            "6b1c2f0e9d8a7b6c5d4e3f2a1b0c9d8e7f6a5b4c3d2e1f0a9b8c7d6e5f4a3b2c",
            "0f1e2d3c4b5a69788796a5b4c3d2e1f00f1e2d3c4b5a69788796a5b4c3d2e1f0",
        ],
        line: 8,
    },
    Case {
        name: "kubeadm-init-flow.yaml",
        text: "apiVersion: kubeadm.k8s.io/v1beta3
kind: InitConfiguration
bootstrapTokens: [{token: abcdef.flowtoken0001, ttl: 1h, ttl: 2h}]
",
        planted: &["abcdef.flowtoken0001"],
        line: 3,
    },
    Case {
        name: "kubeadm-join.json",
        text: r#"{"apiVersion":"kubeadm.k8s.io/v1beta3","kind":"JoinConfiguration","discovery":{"bootstrapToken":{"token":"abcdef.jointoken0001","apiServerEndpoint":"127.0.0.1:6443","apiServerEndpoint":"127.0.0.1:6444"},"tlsBootstrapToken":"abcdef.jointlstoken01"},"controlPlane":{"certificateKey":"JOINCERTIFICATEKEYVALUE"}}
"#,
        planted: &[
            "abcdef.jointoken0001",
            "abcdef.jointlstoken01",
            "JOINCERTIFICATEKEYVALUE",
        ],
        line: 1,
    },
    Case {
        name: "k3s-config-block.yaml",
        text: "write-kubeconfig-mode: \"0600\"
token: K10K3SBLOCKTOKENONE::server:abc
token: K10K3SBLOCKTOKENTWO::server:abc
agent-token: K3SAGENTTOKENBLOCK
agent-token: K3SAGENTTOKENBLOCKTWO
",
        planted: &[
            "K10K3SBLOCKTOKENONE",
            "K10K3SBLOCKTOKENTWO",
            "K3SAGENTTOKENBLOCK",
        ],
        line: 3,
    },
    Case {
        name: "k3s-config-flow.yaml",
        text: "{token: K10K3SFLOWTOKEN, agent-token: K3SFLOWAGENTTOKEN, node-label: [a=b], node-label: [c=d]}
",
        planted: &["K10K3SFLOWTOKEN", "K3SFLOWAGENTTOKEN"],
        line: 1,
    },
    Case {
        name: "ingress-annotations-block.yaml",
        text: "apiVersion: networking.k8s.io/v1
kind: Ingress
metadata:
  name: web
  annotations:
    example.com/upstream-auth-token: INGRESSANNOTATIONTOKEN
    example.com/upstream-auth-token: INGRESSANNOTATIONTOKENTWO
spec:
  rules: [{host: web.example.com}]
",
        planted: &["INGRESSANNOTATIONTOKEN"],
        line: 7,
    },
    Case {
        name: "ingress-annotations-flow.yaml",
        text: "apiVersion: networking.k8s.io/v1
kind: Ingress
metadata: {name: web, name: web2, annotations: {example.com/basic-auth-password: INGRESSFLOWPASSWORD}}
spec: {rules: [{host: web.example.com}]}
",
        planted: &["INGRESSFLOWPASSWORD"],
        line: 3,
    },
    Case {
        name: "configmap.json",
        text: r#"{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"c","name":"d"},"data":{"admin-password":"CONFIGMAPJSONPASSWORD","mode":"a"}}
"#,
        planted: &["CONFIGMAPJSONPASSWORD"],
        line: 1,
    },
    Case {
        name: "last-applied.yaml",
        text: "apiVersion: v1
kind: ConfigMap
metadata:
  name: c
  annotations:
    kubectl.kubernetes.io/last-applied-configuration: '{\"data\":{\"api-token\":\"LASTAPPLIEDTOKEN\"}}'
    kubectl.kubernetes.io/last-applied-configuration: '{\"data\":{\"api-token\":\"LASTAPPLIEDTOKENTWO\"}}'
data:
  mode: a
",
        planted: &["LASTAPPLIEDTOKEN"],
        line: 7,
    },
    Case {
        name: "kind-patch-block-scalar.yaml",
        text: "kind: Cluster
apiVersion: kind.x-k8s.io/v1alpha4
kubeadmConfigPatches:
  - |
    kind: InitConfiguration
    nodeRegistration: {kubeletExtraArgs: {anonymous-auth: \"true\", bootstrap-password: KINDPATCHPASSWORD}}
  - |
    kind: ClusterConfiguration
    apiServer:
      extraArgs:
        etcd-servers: http://root:KINDETCDPASSWORD@127.0.0.1:2379
",
        planted: &["KINDPATCHPASSWORD", "KINDETCDPASSWORD"],
        line: 6,
    },
    Case {
        name: "url-userinfo.yaml",
        text: "apiVersion: v1
kind: Pod
metadata: {name: p}
spec:
  containers:
    - {name: c, image: nginx, args: [\"--db=postgres://app:URLPASSWORDINARGS@db:5432/app\"], securityContext: {privileged: true}}
",
        planted: &["URLPASSWORDINARGS"],
        line: 6,
    },
];

const FORMATS: &[&str] = &["text", "json", "sarif", "junit", "github", "gitlab"];

fn assert_hidden(context: &str, output: &str, planted: &[&str]) {
    for value in planted {
        assert!(
            !output.contains(value),
            "{context} prints {value:?}:\n{output}"
        );
    }
}

#[test]
fn key_material_is_never_printed() {
    let dir = TempDir::new("secret-material");
    for case in CASES {
        dir.write(case.name, case.text);
        for format in FORMATS {
            let result = run(kubeward_in(dir.path())
                .args(["scan", "--profile", "all", "--color", "never", "-o"])
                .args([format, case.name]));
            let context = format!("{} -o {format}", case.name);
            assert!(
                matches!(result.code, 0 | 1) && result.stdout.contains(case.name),
                "{context} reports the file: {}{}",
                result.stdout,
                result.stderr
            );
            assert_hidden(&context, &result.stdout, case.planted);
            assert_hidden(&format!("{context} (stderr)"), &result.stderr, case.planted);
        }
    }
}

#[test]
fn findings_point_at_value_line() {
    let dir = TempDir::new("secret-material-lines");
    for case in CASES {
        dir.write(case.name, case.text);
        let result = run(kubeward_in(dir.path())
            .args(["scan", "--profile", "all", "-o", "json"])
            .arg(case.name));
        let json = result.json();
        let findings = json["findings"].as_array().expect("findings");
        assert!(
            findings.iter().any(|f| f["line"] == case.line),
            "{}: no finding on line {}:\n{}",
            case.name,
            case.line,
            result.stdout
        );
        let text = run(kubeward_in(dir.path())
            .args(["scan", "--profile", "all", "--color", "never"])
            .arg(case.name));
        let location = format!("{}:{}:", case.name, case.line);
        assert!(
            text.stdout.contains(&location),
            "{}: text output has no {location}:\n{}",
            case.name,
            text.stdout
        );
    }
}

#[test]
fn other_lines_still_quoted() {
    let dir = TempDir::new("secret-material-quotes");
    dir.write(
        "encryption.yaml",
        "apiVersion: apiserver.config.k8s.io/v1
kind: EncryptionConfiguration
resources:
  - resources: [secrets]
    providers:
      - aescbc:
          keys:
            - name: k1
              secret: QUOTEDCONTROLKEYAAAAAAAAAAAAAAAAAAAAAAAAAA=
",
    );
    let result = run(kubeward_in(dir.path()).args([
        "scan",
        "--profile",
        "all",
        "--color",
        "never",
        "encryption.yaml",
    ]));
    assert!(
        result.stdout.contains("6 |       - aescbc:"),
        "the provider's own line is still quoted:\n{}",
        result.stdout
    );
    assert_hidden("encryption.yaml", &result.stdout, &["QUOTEDCONTROLKEY"]);
}

#[test]
fn url_passwords_masked() {
    let dir = TempDir::new("secret-material-userinfo");
    let case = CASES
        .iter()
        .find(|case| case.name == "url-userinfo.yaml")
        .expect("the URL case exists");
    dir.write(case.name, case.text);
    let result = run(kubeward_in(dir.path()).args([
        "scan",
        "--profile",
        "all",
        "--color",
        "never",
        case.name,
    ]));
    assert!(
        result
            .stdout
            .contains("\"--db=postgres://app:***@db:5432/app\""),
        "the line is quoted with its password masked:\n{}",
        result.stdout
    );
}

/// Writes `text` to `relative` under `root` and returns its path.
fn write_under(root: &Path, relative: &str, text: &str) -> std::path::PathBuf {
    let path = root.join(relative);
    std::fs::create_dir_all(path.parent().expect("a parent")).expect("directories are created");
    std::fs::write(&path, text).expect("file is written");
    path
}

#[test]
fn node_never_prints_encryption_keys() {
    let dir = TempDir::new("secret-material-node");
    let root = dir.path().join("root");
    write_under(
        &root,
        "etc/kubernetes/enc.yaml",
        "apiVersion: apiserver.config.k8s.io/v1
kind: EncryptionConfiguration
resources:
  - {resources: [secrets], providers: [{aescbc: {keys: [{name: k, secret: NODEPLANTEDAESCBCKEYAAAAAAAAAAAAAAAAA=}]}}, identity: {}]}
",
    );
    let cmdline = write_under(
        dir.path(),
        "kube-apiserver.cmdline",
        "kube-apiserver --encryption-provider-config=/etc/kubernetes/enc.yaml\n",
    );
    for format in ["text", "json", "sarif"] {
        let result = run(kubeward_in(dir.path())
            .args(["node", "--profile", "all", "--color", "never", "--root"])
            .arg(&root)
            .arg("--cmdline")
            .arg(&cmdline)
            .args(["-o", format]));
        let context = format!("kubeward node -o {format}");
        assert!(
            matches!(result.code, 0 | 1),
            "{context}: {}{}",
            result.stdout,
            result.stderr
        );
        assert!(
            result.stdout.contains("encryption-provider-strength"),
            "{context} reports the weak provider:\n{}",
            result.stdout
        );
        assert_hidden(&context, &result.stdout, &["NODEPLANTEDAESCBCKEY"]);
        assert_hidden(&context, &result.stderr, &["NODEPLANTEDAESCBCKEY"]);
        if format == "json" {
            let json = result.json();
            let findings = json["findings"].as_array().expect("findings");
            assert!(
                findings
                    .iter()
                    .any(|f| f["rule"] == "encryption-provider-strength"
                        && f["file"] == "/etc/kubernetes/enc.yaml"
                        && f["line"] == 4),
                "{context}: the finding points at line 4:\n{}",
                result.stdout
            );
        }
    }
}
