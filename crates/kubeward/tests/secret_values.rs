//! No output format prints a Secret's values or a literal secret, whatever
//! the layout of the manifest: one-line JSON, flow style, or a List that
//! puts a Secret and another object on the same line.

mod support;

use support::{TempDir, kubeward_in, run};

/// Values that must never reach the output, and the manifests that hold
/// them beside objects with findings.
const CASES: &[(&str, &str, &[&str])] = &[
    (
        "one-line-list.json",
        r#"{"apiVersion":"v1","kind":"List","items":[{"apiVersion":"v1","kind":"Secret","metadata":{"name":"db"},"data":{"password":"aHVudGVyMi1vbmUtbGluZQ=="},"stringData":{"token":"plain-one-line-token"}},{"apiVersion":"v1","kind":"Pod","metadata":{"name":"p"},"spec":{"containers":[{"name":"c","image":"nginx","securityContext":{"privileged":true}}]}}]}
"#,
        &["aHVudGVyMi1vbmUtbGluZQ==", "plain-one-line-token"],
    ),
    (
        "flow-list.yaml",
        "apiVersion: v1
kind: List
items: [{apiVersion: v1, kind: Secret, metadata: {name: db}, stringData: {password: flow-list-password}}, {apiVersion: v1, kind: Pod, metadata: {name: p}, spec: {hostNetwork: true, containers: [{name: c, image: nginx}]}}]
",
        &["flow-list-password"],
    ),
    (
        "secret-then-pod.yaml",
        "apiVersion: v1
kind: List
items:
  - {apiVersion: v1, kind: Secret, metadata: {name: db}, data: {key: c2VjcmV0LWJlc2lkZQ==}}
  - {apiVersion: v1, kind: Pod, metadata: {name: p}, spec: {containers: [{name: c, image: nginx, securityContext: {privileged: true}}]}}
",
        &["c2VjcmV0LWJlc2lkZQ=="],
    ),
    (
        "flow-env.yaml",
        "apiVersion: v1
kind: Pod
metadata: {name: p}
spec:
  containers:
    - {name: c, image: nginx, env: [{name: DB_PASSWORD, value: hunter2-flow-env}], securityContext: {privileged: true}}
",
        &["hunter2-flow-env"],
    ),
    (
        "flow-configmap.yaml",
        "apiVersion: v1
kind: ConfigMap
metadata: {name: settings}
data: {mode: a, mode: b, db.password: configmap-flow-password}
",
        &["configmap-flow-password"],
    ),
    (
        "duplicate-in-secret-list.json",
        r#"{"apiVersion":"v1","kind":"List","items":[{"apiVersion":"v1","kind":"Pod","metadata":{"name":"p","name":"q"},"spec":{"hostPID":true,"containers":[{"name":"c","image":"nginx"}]}},{"apiVersion":"v1","kind":"Secret","metadata":{"name":"db"},"data":{"password":"ZHVwbGljYXRlLWxpc3Q="}}]}
"#,
        &["ZHVwbGljYXRlLWxpc3Q="],
    ),
    (
        "image-url.yaml",
        "apiVersion: v1
kind: Pod
metadata: {name: img}
spec:
  containers:
  - name: a
    image: \"https://deploy:image-url-password@registry.example.com/app:1\"
    securityContext: {privileged: true}
",
        &["image-url-password"],
    ),
    (
        "image-credentials.yaml",
        "apiVersion: v1
kind: Pod
metadata: {name: img}
spec:
  containers:
  - {name: a, image: \"https://u:pa#ss-hash-61@registry.example.com/app:1\", securityContext: {privileged: true}}
  - name: b
    image: \"https://u:pa ss-space-62@registry.example.com/app:1\"
  - name: c
    image: \"u:scheme-less-63@registry.example.com/app:1\"
  - name: d
    image: 'https://u:pa\"ss-quote-64@registry.example.com/app:1'
",
        &["ss-hash-61", "ss-space-62", "scheme-less-63", "ss-quote-64"],
    ),
    (
        "credential-words.yaml",
        "apiVersion: v1
kind: Pod
metadata: {name: words}
spec:
  containers:
  - {name: a, image: nginx, securityContext: {privileged: true}, env: [{name: CONN, value: \"Server=db;Uid=sa;Pwd=odbc-pw-81;\"}]}
  - {name: b, image: nginx, securityContext: {privileged: true}, livenessProbe: {httpGet: {path: /, port: 80, httpHeaders: [{name: X-Api-Key, value: header-key-82}]}}}
  - {name: c, image: nginx, securityContext: {privileged: true}, command: [sh, -c, \"PGHOST=db PGPASSWORD=shell-pw-83 psql\"]}
  - name: d
    image: nginx
    securityContext:
      privileged: true  # the admin password is comment-pw-84
",
        &["odbc-pw-81", "header-key-82", "shell-pw-83", "comment-pw-84"],
    ),
    (
        "probe-header.yaml",
        "apiVersion: v1
kind: Pod
metadata: {name: probe}
spec:
  containers:
  - name: a
    image: nginx
    securityContext: {privileged: true}
    livenessProbe: {httpGet: {host: 10.0.0.9, path: /, port: 80, httpHeaders: [{name: Authorization, value: \"Bearer probe-bearer-52\"}]}}
",
        &["probe-bearer-52"],
    ),
    (
        "flag-values.yaml",
        "apiVersion: apps/v1
kind: Deployment
metadata: {name: kubernetes-dashboard, namespace: kubernetes-dashboard}
spec:
  selector: {matchLabels: {app: d}}
  template:
    metadata: {labels: {app: d}}
    spec:
      containers:
      - name: d
        image: kubernetesui/dashboard:v2.7.0
        args: [\"--enable-skip-login\", \"--enable-insecure-login\", \"--token\", \"dash-token-72\", \"--password\", \"dash-password-73\"]
      - name: e
        image: nginx
        securityContext: {privileged: true}
        args:
        - --db-pass
        - block-flag-password
",
        &["dash-token-72", "dash-password-73", "block-flag-password"],
    ),
    (
        "one-line-pod.json",
        r#"{"apiVersion":"v1","kind":"Pod","metadata":{"name":"p"},"spec":{"containers":[{"name":"c","image":"nginx","args":["--db-pass","args-space-pw-58"],"env":[{"name":"AUTH","value":"Basic dXNlcjpCQVNJQ19fNjE="},{"name":"CONN","value":"Server=db;Password=conn-pw-70;"},{"name":"DATABASE_URL","value":"postgres://app:url-pw-71@db:5432/app"}],"securityContext":{"privileged":true}}]}}
"#,
        &["args-space-pw-58", "dXNlcjpCQVNJQ19fNjE=", "conn-pw-70", "url-pw-71"],
    ),
    (
        "wrong-type-env.yaml",
        "apiVersion: v1
kind: Pod
metadata: {name: p}
spec:
  containers:
  - name: c
    image: nginx
    securityContext: {privileged: true}
    env:
    - name: SECRET_KEY
      value: [list-value-d4]
    - name: X_TOKEN
      value: {nested: nested-value-d5}
",
        &["list-value-d4", "nested-value-d5"],
    ),
];

const FORMATS: &[&str] = &["text", "json", "sarif", "junit", "github", "gitlab"];

#[test]
fn secret_values_never_printed() {
    let dir = TempDir::new("secret-values");
    for (name, text, secrets) in CASES {
        dir.write(name, text);
        for format in FORMATS {
            let result = run(kubeward_in(dir.path())
                .args(["scan", "--profile", "all", "-o"])
                .args([format, name]));
            assert_eq!(result.code, 1, "{name} -o {format}: {}", result.stderr);
            for secret in *secrets {
                assert!(
                    !result.stdout.contains(secret),
                    "{name} -o {format} prints {secret:?}:\n{}",
                    result.stdout
                );
                assert!(!result.stderr.contains(secret), "{name} -o {format} stderr");
            }
        }
    }
}

#[test]
fn other_lines_still_quoted() {
    let dir = TempDir::new("secret-values-quotes");
    dir.write(
        "list.yaml",
        "apiVersion: v1
kind: List
items:
  - {apiVersion: v1, kind: Secret, metadata: {name: db}, data: {key: c2VjcmV0}}
  - apiVersion: v1
    kind: Pod
    metadata: {name: p}
    spec:
      containers:
        - name: c
          image: nginx
          securityContext:
            privileged: true
",
    );
    let result = run(kubeward_in(dir.path()).args(["scan", "--profile", "all", "list.yaml"]));
    assert!(
        result.stdout.contains("            privileged: true"),
        "the Pod's own lines are still quoted:\n{}",
        result.stdout
    );
}
