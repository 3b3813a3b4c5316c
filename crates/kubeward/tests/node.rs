//! `kubeward node` end to end: saved command lines with their files under
//! `--root`, and a real etcd started with and without TLS.

use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::Value;

/// Builds a command that runs the `kubeward` binary, without colour
/// settings from the environment.
fn kubeward() -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_kubeward"));
    for variable in ["NO_COLOR", "CLICOLOR", "CLICOLOR_FORCE", "TERM"] {
        command.env_remove(variable);
    }
    command
}

/// Runs `kubeward node` with `args` and returns its JSON findings.
fn node_findings(args: &[&str]) -> Vec<Value> {
    let output = kubeward()
        .arg("node")
        .args(args)
        .args(["--profile", "all", "-o", "json"])
        .output()
        .expect("kubeward runs");
    let stdout = String::from_utf8(output.stdout).expect("stdout is UTF-8");
    let json: Value = serde_json::from_str(&stdout).unwrap_or_else(|err| {
        panic!(
            "invalid JSON ({err}): {stdout}\nstderr: {}",
            String::from_utf8_lossy(&output.stderr)
        )
    });
    json["findings"].as_array().expect("findings").clone()
}

fn of_rule<'f>(findings: &'f [Value], rule: &str) -> Vec<&'f Value> {
    findings.iter().filter(|f| f["rule"] == rule).collect()
}

fn rule_ids(findings: &[Value]) -> Vec<String> {
    findings
        .iter()
        .map(|f| format!("{}: {}", f["rule"], f["message"]))
        .collect()
}

fn case_file(test: &str, case: &str, file: &str) -> Option<PathBuf> {
    kubeward_testutil::shared_dir(test)
        .map(|dir| dir.join("cases").join(case).join("input").join(file))
}

#[test]
fn kubelet_flag_overrides_config_file() {
    let case = "012-kubelet-config-file-and-flags";
    let Some(cmdline) = case_file(
        "kubelet_flag_overrides_config_file",
        case,
        "kubelet.cmdline",
    ) else {
        return;
    };
    let config = cmdline.with_file_name("kubelet-config.json");
    let root = tempfile::tempdir().expect("temp dir");
    std::fs::create_dir_all(root.path().join("etc/kubernetes")).expect("mkdir");
    std::fs::copy(
        &config,
        root.path().join("etc/kubernetes/kubelet-config.json"),
    )
    .expect("copy config");
    let root_arg = root.path().to_str().expect("UTF-8 path");
    let findings = node_findings(&["--root", root_arg, "--cmdline", cmdline.to_str().unwrap()]);
    let port = of_rule(&findings, "kubelet-read-only-port");
    assert_eq!(port.len(), 1, "{:#?}", rule_ids(&findings));
    let message = port[0]["message"].as_str().unwrap();
    assert!(message.contains("--read-only-port=10255"), "{message}");
    assert!(message.contains("command-line flag"), "{message}");
    assert_eq!(port[0]["path"], "argument --read-only-port=10255");
    for passing in [
        "kubelet-anonymous-auth",
        "kubelet-authorization-mode",
        "kubelet-client-ca",
        "kubelet-protect-kernel-defaults",
        "kubelet-rotate-certificates",
    ] {
        assert!(
            of_rule(&findings, passing).is_empty(),
            "{passing}: {:#?}",
            rule_ids(&findings)
        );
    }
    let undetermined = of_rule(&findings, "setting-undetermined");
    assert!(
        undetermined
            .iter()
            .all(|f| !f["message"].as_str().unwrap().contains("anonymous-auth")),
        "{undetermined:#?}"
    );
}

#[test]
fn unreadable_kubelet_config_is_undetermined() {
    let case = "012-kubelet-config-file-and-flags";
    let Some(cmdline) = case_file(
        "unreadable_kubelet_config_is_undetermined",
        case,
        "kubelet.cmdline",
    ) else {
        return;
    };
    let root = tempfile::tempdir().expect("temp dir");
    let root_arg = root.path().to_str().expect("UTF-8 path");
    let findings = node_findings(&["--root", root_arg, "--cmdline", cmdline.to_str().unwrap()]);
    // The flag still decides the read-only port.
    assert_eq!(of_rule(&findings, "kubelet-read-only-port").len(), 1);
    for unknown in [
        "kubelet-anonymous-auth",
        "kubelet-authorization-mode",
        "kubelet-client-ca",
    ] {
        assert!(
            of_rule(&findings, unknown).is_empty(),
            "{unknown}: {:#?}",
            rule_ids(&findings)
        );
    }
    let undetermined = of_rule(&findings, "setting-undetermined");
    let config = undetermined
        .iter()
        .find(|f| {
            f["message"]
                .as_str()
                .unwrap()
                .contains("config file /etc/kubernetes/kubelet-config.json")
        })
        .unwrap_or_else(|| panic!("{:#?}", rule_ids(&findings)));
    let message = config["message"].as_str().unwrap();
    assert!(message.contains("`anonymous-auth`"), "{message}");
    assert!(message.contains("does not exist"), "{message}");
}

#[test]
fn config_files_of_every_component_are_read() {
    let root = tempfile::tempdir().expect("temp dir");
    let write = |relative: &str, text: &str| {
        let path = root.path().join(relative);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(&path, text).unwrap();
        path
    };
    write(
        "etc/kubernetes/scheduler.yaml",
        "apiVersion: kubescheduler.config.k8s.io/v1\nkind: KubeSchedulerConfiguration\n\
         enableProfiling: false\n",
    );
    write(
        "etc/etcd/etcd.yaml",
        "name: a\nclient-transport-security:\n  cert-file: /p/s.crt\n  key-file: /p/s.key\n  \
         client-cert-auth: true\n",
    );
    let scheduler = write(
        "scheduler.cmdline",
        "kube-scheduler --config /etc/kubernetes/scheduler.yaml --profiling=false --profiling true --bind-address 127.0.0.1\n",
    );
    let etcd = write(
        "etcd.cmdline",
        "etcd --config-file /etc/etcd/etcd.yaml --client-cert-auth=false\n",
    );
    let root_arg = root.path().to_str().unwrap();
    let findings = node_findings(&[
        "--root",
        root_arg,
        "--cmdline",
        scheduler.to_str().unwrap(),
        "--cmdline",
        etcd.to_str().unwrap(),
    ]);
    // `--profiling true` is a bare boolean and a stray word: the flag is
    // true, and it overrides the config file's `enableProfiling: false`.
    let profiling = of_rule(&findings, "scheduler-profiling");
    assert_eq!(profiling.len(), 1, "{:#?}", rule_ids(&findings));
    assert!(of_rule(&findings, "scheduler-bind-address").is_empty());
    // etcd reads only its config file once given one, so the flag that
    // turns client-cert-auth off has no effect.
    assert!(
        of_rule(&findings, "etcd-client-cert-auth").is_empty(),
        "{:#?}",
        rule_ids(&findings)
    );
    assert!(
        of_rule(&findings, "etcd-client-tls").is_empty(),
        "{:#?}",
        rule_ids(&findings)
    );
}

#[test]
fn flag_syntax_space_and_repeats() {
    let case = "013-flag-syntax-space-and-repeats";
    let Some(etcd) = case_file("flag_syntax_space_and_repeats", case, "etcd.cmdline") else {
        return;
    };
    let api_server = etcd.with_file_name("kube-apiserver.cmdline");
    let root = tempfile::tempdir().expect("temp dir");
    let write = |name: &str, text: &str| {
        let path = root.path().join(name);
        std::fs::write(&path, text).unwrap();
        path.to_str().unwrap().to_owned()
    };
    // The same kinds of syntax for the other components.
    let controller_manager = write(
        "kcm.cmdline",
        "kube-controller-manager --profiling=true --bind-address 127.0.0.1 \
         --terminated-pod-gc-threshold 10 --use-service-account-credentials \
         --service-account-private-key-file /etc/sa.key --root-ca-file /etc/ca.crt \
         --feature-gates=RotateKubeletServerCertificate=false \
         --feature-gates=RotateKubeletServerCertificate=true --profiling=false\n",
    );
    let kubelet = write(
        "kubelet.cmdline",
        "kubelet --anonymous-auth=true --anonymous-auth=false --read-only-port 0 \
         --authorization-mode Webhook --client-ca-file /etc/ca.crt --protect-kernel-defaults\n",
    );
    let findings = node_findings(&[
        "--root",
        root.path().to_str().unwrap(),
        "--cmdline",
        etcd.to_str().unwrap(),
        "--cmdline",
        api_server.to_str().unwrap(),
        "--cmdline",
        &controller_manager,
        "--cmdline",
        &kubelet,
    ]);
    for passing in [
        "etcd-client-tls",
        "etcd-client-cert-auth",
        "etcd-peer-tls",
        "etcd-peer-client-cert-auth",
        "etcd-auto-tls",
        "etcd-peer-auto-tls",
        "api-server-profiling",
        "audit-log-path",
        "api-server-node-restriction",
        "api-server-always-pull-images",
        "controller-manager-profiling",
        "controller-manager-bind-address",
        "controller-manager-terminated-pod-gc",
        "controller-manager-service-account-credentials",
        "controller-manager-kubelet-server-cert-rotation",
        "kubelet-anonymous-auth",
        "kubelet-read-only-port",
        "kubelet-authorization-mode",
        "kubelet-client-ca",
        "kubelet-protect-kernel-defaults",
    ] {
        assert!(
            of_rule(&findings, passing).is_empty(),
            "{passing}: {:#?}",
            rule_ids(&findings)
        );
    }
    // Each command line was read: the files it names are missing under the
    // empty root, and reported as such.
    for component in [
        "etcd",
        "kube-apiserver",
        "kube-controller-manager",
        "kubelet",
    ] {
        assert!(
            of_rule(&findings, "setting-undetermined").iter().any(|f| {
                let message = f["message"].as_str().unwrap();
                message.starts_with(&format!("{component}: ")) && message.contains("does not exist")
            }),
            "{component}: {:#?}",
            rule_ids(&findings)
        );
    }
    // Only the maximum age is set: the retention rule may name the other
    // two flags, never `--audit-log-maxage`.
    for finding in of_rule(&findings, "audit-log-retention") {
        let message = finding["message"].as_str().unwrap();
        assert!(!message.contains("audit-log-maxage"), "{message}");
    }
}

/// A test PKI made with `openssl`: a CA, a server certificate for
/// 127.0.0.1 and a client certificate.
struct Pki {
    dir: PathBuf,
}

impl Pki {
    fn create(openssl: &Path, dir: &Path) -> Pki {
        let run = |args: &[&str]| {
            let status = Command::new(openssl)
                .args(args)
                .current_dir(dir)
                .stdout(Stdio::null())
                .stderr(Stdio::null())
                .status()
                .expect("openssl runs");
            assert!(status.success(), "openssl {args:?} failed");
        };
        run(&[
            "req",
            "-x509",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-days",
            "1",
            "-subj",
            "/CN=test-ca",
            "-keyout",
            "ca.key",
            "-out",
            "ca.crt",
        ]);
        std::fs::write(
            dir.join("server.ext"),
            "subjectAltName=IP:127.0.0.1\nextendedKeyUsage=serverAuth,clientAuth\n",
        )
        .unwrap();
        for name in ["server", "client"] {
            run(&[
                "req",
                "-newkey",
                "rsa:2048",
                "-nodes",
                "-subj",
                &format!("/CN={name}"),
                "-keyout",
                &format!("{name}.key"),
                "-out",
                &format!("{name}.csr"),
            ]);
            run(&[
                "x509",
                "-req",
                "-in",
                &format!("{name}.csr"),
                "-CA",
                "ca.crt",
                "-CAkey",
                "ca.key",
                "-CAcreateserial",
                "-days",
                "1",
                "-extfile",
                "server.ext",
                "-out",
                &format!("{name}.crt"),
            ]);
        }
        Pki {
            dir: dir.to_owned(),
        }
    }

    fn file(&self, name: &str) -> String {
        self.dir.join(name).to_str().expect("UTF-8 path").to_owned()
    }
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|listener| listener.local_addr())
        .expect("a free port on 127.0.0.1")
        .port()
}

/// An etcd process that is killed when dropped.
struct Etcd(Child);

impl Drop for Etcd {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn start_etcd(etcd: &Path, data: &Path, client_port: u16, args: &[String]) -> Etcd {
    let log = std::fs::File::create(data.with_extension("log")).expect("log file");
    let child = Command::new(etcd)
        .args(args)
        .env_clear()
        .env("PATH", "/usr/bin:/bin")
        .stdout(Stdio::null())
        .stderr(log)
        .spawn()
        .expect("etcd starts");
    let mut etcd = Etcd(child);
    let deadline = Instant::now() + Duration::from_secs(30);
    while TcpStream::connect(("127.0.0.1", client_port)).is_err() {
        let exited = etcd.0.try_wait().expect("etcd status").is_some();
        if exited || Instant::now() > deadline {
            let log = std::fs::read_to_string(data.with_extension("log")).unwrap_or_default();
            panic!("etcd did not listen on 127.0.0.1:{client_port}:\n{log}");
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    etcd
}

fn etcd_args(
    name: &str,
    data: &Path,
    schemes: (&str, &str),
    client: u16,
    peer: u16,
) -> Vec<String> {
    let client_url = format!("{}://127.0.0.1:{client}", schemes.0);
    let peer_url = format!("{}://127.0.0.1:{peer}", schemes.1);
    vec![
        format!("--name={name}"),
        format!("--data-dir={}", data.display()),
        format!("--listen-client-urls={client_url}"),
        format!("--advertise-client-urls={client_url}"),
        format!("--listen-peer-urls={peer_url}"),
        format!("--initial-advertise-peer-urls={peer_url}"),
        format!("--initial-cluster={name}={peer_url}"),
    ]
}

const ETCD_TLS_RULES: [&str; 7] = [
    "etcd-client-tls",
    "etcd-client-cert-auth",
    "etcd-peer-tls",
    "etcd-peer-client-cert-auth",
    "etcd-auto-tls",
    "etcd-peer-auto-tls",
    "etcd-plain-http-listen",
];

/// Findings of `kubeward node` on one process, with the node root `/`
/// (files are read through `/proc/PID/root`).
fn findings_of_process(pid: u32) -> Vec<Value> {
    node_findings(&["--root", "/", "--proc", "/proc", "--pid", &pid.to_string()])
}

#[test]
fn real_etcd_with_and_without_tls() {
    let test = "real_etcd_with_and_without_tls";
    let Some(etcd) = kubeward_testutil::require_program(test, "etcd") else {
        return;
    };
    let Some(openssl) = kubeward_testutil::require_program(test, "openssl") else {
        return;
    };
    let dir = tempfile::tempdir().expect("temp dir");
    let pki_dir = dir.path().join("pki");
    std::fs::create_dir(&pki_dir).unwrap();
    let pki = Pki::create(&openssl, &pki_dir);

    let (client, peer) = (free_port(), free_port());
    let data = dir.path().join("secure.etcd");
    let mut args = etcd_args("secure", &data, ("https", "https"), client, peer);
    for (flag, file) in [
        ("cert-file", "server.crt"),
        ("key-file", "server.key"),
        ("trusted-ca-file", "ca.crt"),
        ("peer-cert-file", "server.crt"),
        ("peer-key-file", "server.key"),
        ("peer-trusted-ca-file", "ca.crt"),
    ] {
        args.push(format!("--{flag}={}", pki.file(file)));
    }
    args.push("--client-cert-auth".to_owned());
    args.push("--peer-client-cert-auth=true".to_owned());
    let secure = start_etcd(&etcd, &data, client, &args);
    // A key others can read: the one weakness of this etcd, which also
    // shows that kubeward read the process and its files.
    std::fs::set_permissions(
        pki_dir.join("server.key"),
        std::os::unix::fs::PermissionsExt::from_mode(0o644),
    )
    .unwrap();
    let findings = findings_of_process(secure.0.id());
    for rule in ETCD_TLS_RULES {
        assert!(
            of_rule(&findings, rule).is_empty(),
            "{rule}: {:#?}",
            rule_ids(&findings)
        );
    }
    let key = of_rule(&findings, "node-file-permissions");
    assert!(
        key.iter().any(|f| f["message"]
            .as_str()
            .unwrap()
            .contains("server.key (named by --key-file and --peer-key-file) has mode 644")),
        "{:#?}",
        rule_ids(&findings)
    );
    assert!(
        key.iter()
            .all(|f| f["file"] == format!("/proc/{}/cmdline", secure.0.id())),
        "{key:#?}"
    );
    drop(secure);

    let (client, peer) = (free_port(), free_port());
    let data = dir.path().join("plain.etcd");
    let args = etcd_args("plain", &data, ("http", "http"), client, peer);
    let plain = start_etcd(&etcd, &data, client, &args);
    let findings = findings_of_process(plain.0.id());
    for rule in ["etcd-client-tls", "etcd-client-cert-auth"] {
        let found = of_rule(&findings, rule);
        assert_eq!(found.len(), 1, "{rule}: {:#?}", rule_ids(&findings));
        assert_eq!(found[0]["file"], format!("/proc/{}/cmdline", plain.0.id()));
    }
    // Peers that listen on loopback only never cross the network, so the
    // peer TLS rules leave a single member alone.
    for rule in ["etcd-peer-tls", "etcd-peer-client-cert-auth"] {
        assert!(
            of_rule(&findings, rule).is_empty(),
            "{rule}: {:#?}",
            rule_ids(&findings)
        );
    }
    // Plain HTTP on loopback only is no exposure to the network.
    assert!(of_rule(&findings, "etcd-plain-http-listen").is_empty());
    drop(plain);

    // A trusted CA file alone makes etcd request and verify client
    // certificates; without one, TLS clients need no certificate.
    for (name, trusted_ca, expect_request) in [("implied", true, true), ("open", false, false)] {
        let (client, peer) = (free_port(), free_port());
        let data = dir.path().join(format!("{name}.etcd"));
        let mut args = etcd_args(name, &data, ("https", "http"), client, peer);
        args.push(format!("--cert-file={}", pki.file("server.crt")));
        args.push(format!("--key-file={}", pki.file("server.key")));
        if trusted_ca {
            args.push(format!("--trusted-ca-file={}", pki.file("ca.crt")));
        }
        let etcd = start_etcd(&etcd, &data, client, &args);
        assert_eq!(
            requests_client_certificate(&openssl, &pki, client),
            expect_request,
            "{name}: CertificateRequest sent"
        );
        let findings = findings_of_process(etcd.0.id());
        assert!(of_rule(&findings, "etcd-client-tls").is_empty(), "{name}");
        let reported = !of_rule(&findings, "etcd-client-cert-auth").is_empty();
        assert_eq!(
            reported,
            !expect_request,
            "{name}: {:#?}",
            rule_ids(&findings)
        );
        drop(etcd);
    }
}

/// Whether etcd on `port` asks TLS clients for a certificate, as
/// `openssl s_client` shows after the handshake.
fn requests_client_certificate(openssl: &Path, pki: &Pki, port: u16) -> bool {
    let output = Command::new(openssl)
        .args([
            "s_client",
            "-connect",
            &format!("127.0.0.1:{port}"),
            "-CAfile",
        ])
        .arg(pki.file("ca.crt"))
        .stdin(Stdio::null())
        .stderr(Stdio::null())
        .output()
        .expect("openssl s_client runs");
    let text = String::from_utf8_lossy(&output.stdout);
    assert!(text.contains("Verify return code: 0 (ok)"), "{text}");
    text.contains("Acceptable client certificate CA names")
}

#[test]
fn empty_node_is_not_a_pass() {
    let root = tempfile::tempdir().expect("temp dir");
    let output = kubeward()
        .args([
            "node",
            "--root",
            root.path().to_str().unwrap(),
            "-o",
            "json",
        ])
        .output()
        .expect("kubeward runs");
    assert_eq!(output.status.code(), Some(2));
    let json: Value = serde_json::from_slice(&output.stdout).expect("JSON");
    let warnings = json["warnings"].as_array().expect("warnings");
    assert!(
        warnings.iter().any(|w| w["message"]
            .as_str()
            .unwrap()
            .contains("nothing was checked")),
        "{warnings:#?}"
    );
}

#[test]
fn mounted_image_manifests_are_scanned() {
    let root = tempfile::tempdir().expect("temp dir");
    let manifests = root.path().join("etc/kubernetes/manifests");
    std::fs::create_dir_all(&manifests).unwrap();
    std::fs::write(
        manifests.join("etcd.yaml"),
        "apiVersion: v1\nkind: Pod\nmetadata:\n  name: etcd\n  namespace: kube-system\nspec:\n  \
         containers:\n    - name: etcd\n      image: registry.k8s.io/etcd:3.5.16-0\n      \
         command:\n        - etcd\n        - --listen-client-urls=http://0.0.0.0:2379\n",
    )
    .unwrap();
    let findings = node_findings(&["--root", root.path().to_str().unwrap()]);
    for rule in [
        "etcd-client-tls",
        "etcd-client-cert-auth",
        "etcd-plain-http-listen",
    ] {
        assert_eq!(
            of_rule(&findings, rule).len(),
            1,
            "{rule}: {:#?}",
            rule_ids(&findings)
        );
    }
}

#[test]
fn api_server_config_files_are_followed() {
    let root = tempfile::tempdir().expect("temp dir");
    let write = |relative: &str, text: &str, mode: u32| {
        let path = root.path().join(relative);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(&path, text).unwrap();
        std::fs::set_permissions(&path, std::os::unix::fs::PermissionsExt::from_mode(mode))
            .unwrap();
        path
    };
    write(
        "etc/kubernetes/enc.yaml",
        "apiVersion: apiserver.config.k8s.io/v1\nkind: EncryptionConfiguration\nresources:\n  \
         - resources: [secrets]\n    providers:\n      - identity: {}\n      - aescbc:\n          \
         keys:\n            - name: k1\n              secret: c2VjcmV0IGlzIHNlY3VyZQ==\n",
        0o644,
    );
    write(
        "etc/kubernetes/audit.yaml",
        "apiVersion: audit.k8s.io/v1\nkind: Policy\nrules:\n  - level: RequestResponse\n    \
         resources:\n      - group: \"\"\n        resources: [secrets]\n",
        0o600,
    );
    let cmdline = write(
        "kube-apiserver.cmdline",
        "kube-apiserver --encryption-provider-config=/etc/kubernetes/enc.yaml \
         --audit-policy-file=/etc/kubernetes/audit.yaml --audit-log-path=/var/log/audit.log\n",
        0o600,
    );
    let findings = node_findings(&[
        "--root",
        root.path().to_str().unwrap(),
        "--cmdline",
        cmdline.to_str().unwrap(),
    ]);
    for rule in [
        "encryption-identity-first",
        "audit-secrets-logged",
        "audit-no-catch-all",
    ] {
        let found = of_rule(&findings, rule);
        assert!(!found.is_empty(), "{rule}: {:#?}", rule_ids(&findings));
        assert!(
            found.iter().all(|f| f["file"] == "/etc/kubernetes/enc.yaml"
                || f["file"] == "/etc/kubernetes/audit.yaml"),
            "{found:#?}"
        );
    }
    assert!(of_rule(&findings, "encryption-not-configured").is_empty());
    assert!(of_rule(&findings, "audit-policy-file").is_empty());
    let modes = of_rule(&findings, "node-file-permissions");
    assert!(
        modes.iter().any(|f| {
            let message = f["message"].as_str().unwrap();
            message.contains("/etc/kubernetes/enc.yaml has mode 644")
                && message.contains("keys Secrets are encrypted with")
        }),
        "{:#?}",
        rule_ids(&findings)
    );
    // The key in the file is never printed.
    let text = serde_json::to_string(&findings).unwrap();
    assert!(!text.contains("c2VjcmV0IGlzIHNlY3VyZQ=="));
}

/// Writes `text` to `relative` under `root` with `mode`.
fn write_file(root: &Path, relative: &str, text: &str, mode: u32) -> PathBuf {
    let path = root.join(relative);
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(&path, text).unwrap();
    std::fs::set_permissions(&path, std::os::unix::fs::PermissionsExt::from_mode(mode)).unwrap();
    path
}

/// Runs `kubeward node` with `args` and returns its exit status and JSON
/// report.
fn node_report(args: &[&str]) -> (Option<i32>, Value) {
    let output = kubeward()
        .arg("node")
        .args(args)
        .args(["--profile", "all", "-o", "json"])
        .output()
        .expect("kubeward runs");
    let json = serde_json::from_slice(&output.stdout).unwrap_or_else(|err| {
        panic!(
            "invalid JSON ({err}): {}\nstderr: {}",
            String::from_utf8_lossy(&output.stdout),
            String::from_utf8_lossy(&output.stderr)
        )
    });
    (output.status.code(), json)
}

const APISERVER_MANIFEST: &str = "apiVersion: v1\nkind: Pod\nmetadata:\n  name: kube-apiserver\n  \
    namespace: kube-system\nspec:\n  containers:\n    - name: kube-apiserver\n      \
    image: registry.k8s.io/kube-apiserver:v1.31.0\n      command:\n        - kube-apiserver\n        \
    - --client-ca-file=/etc/kubernetes/pki/ca.crt\n        \
    - --tls-private-key-file=/etc/kubernetes/pki/apiserver.key\n";

/// A disk image of a kubeadm node, with no process running: the drop-in
/// names an environment file and a config file, which are read under the
/// root, and the files' modes are checked.
fn kubeadm_image() -> tempfile::TempDir {
    let root = tempfile::tempdir().expect("temp dir");
    let dir = root.path();
    write_file(dir, "etc/kubernetes/pki/ca.key", "key\n", 0o666);
    write_file(dir, "etc/kubernetes/pki/ca.crt", "crt\n", 0o644);
    write_file(dir, "etc/kubernetes/pki/apiserver.key", "key\n", 0o600);
    write_file(
        dir,
        "etc/kubernetes/manifests/kube-apiserver.yaml",
        APISERVER_MANIFEST,
        0o600,
    );
    write_file(
        dir,
        "var/lib/kubelet/config.yaml",
        "apiVersion: kubelet.config.k8s.io/v1beta1\nkind: KubeletConfiguration\nauthentication:\n  \
         anonymous:\n    enabled: true\n",
        0o644,
    );
    write_file(
        dir,
        "etc/systemd/system/kubelet.service.d/10-kubeadm.conf",
        "[Service]\nEnvironment=\"KUBELET_CONFIG_ARGS=--config=/var/lib/kubelet/config.yaml\"\n\
         EnvironmentFile=-/var/lib/kubelet/kubeadm-flags.env\n\
         EnvironmentFile=-/etc/default/kubelet\nExecStart=\n\
         ExecStart=/usr/bin/kubelet $KUBELET_CONFIG_ARGS $KUBELET_KUBEADM_ARGS $KUBELET_EXTRA_ARGS\n",
        0o600,
    );
    write_file(
        dir,
        "var/lib/kubelet/kubeadm-flags.env",
        "KUBELET_KUBEADM_ARGS=\"--container-runtime-endpoint=unix:///run/containerd/containerd.sock \
         --read-only-port=10255\"\n",
        0o600,
    );
    root
}

#[test]
fn disk_image_is_read_with_files_under_root() {
    let root = kubeadm_image();
    let (status, json) = node_report(&["--root", root.path().to_str().unwrap()]);
    assert_eq!(status, Some(1));
    let findings = json["findings"].as_array().unwrap();
    let modes = of_rule(findings, "node-file-permissions");
    let ca_key: Vec<_> = modes
        .iter()
        .filter(|f| {
            f["message"]
                .as_str()
                .unwrap()
                .contains("/etc/kubernetes/pki/ca.key has mode 666")
        })
        .collect();
    assert_eq!(ca_key.len(), 1, "{:#?}", rule_ids(findings));
    assert_eq!(ca_key[0]["severity"], "critical");
    assert!(
        modes.iter().any(|f| f["message"]
            .as_str()
            .unwrap()
            .contains("/var/lib/kubelet/config.yaml has mode 644")),
        "{:#?}",
        rule_ids(findings)
    );
    // The config file and the environment file were read.
    let anonymous = of_rule(findings, "kubelet-anonymous-auth");
    assert_eq!(anonymous.len(), 1, "{:#?}", rule_ids(findings));
    assert!(
        anonymous[0]["message"]
            .as_str()
            .unwrap()
            .contains("config file /var/lib/kubelet/config.yaml")
    );
    assert_eq!(
        of_rule(findings, "kubelet-read-only-port").len(),
        1,
        "{:#?}",
        rule_ids(findings)
    );
    let undetermined = of_rule(findings, "setting-undetermined");
    assert!(
        undetermined.iter().all(|f| {
            let message = f["message"].as_str().unwrap();
            !message.contains("scanned") && !message.contains("config file")
        }),
        "{undetermined:#?}"
    );
    // The object rules check the static pod too.
    assert!(
        !of_rule(findings, "missing-cpu-request").is_empty(),
        "{:#?}",
        rule_ids(findings)
    );
    // Two components (the API server and the kubelet) and the Pod; the
    // manifest, unit, environment file, config file and the files whose
    // modes were read.
    assert_eq!(json["stats"]["objects"], 3, "{}", json["stats"]);
    assert!(
        json["stats"]["files"].as_u64().unwrap() >= 7,
        "{}",
        json["stats"]
    );
}

#[test]
fn unit_specifiers_are_expanded() {
    let root = tempfile::tempdir().expect("temp dir");
    write_file(
        root.path(),
        "etc/systemd/system/etcd.service",
        "[Unit]\nDescription=etcd\n[Service]\nEnvironmentFile=-/etc/default/%p\n\
         ExecStart=/usr/bin/etcd --name=%N $ETCD_OPTS\n",
        0o644,
    );
    write_file(
        root.path(),
        "etc/default/etcd",
        "ETCD_OPTS=\"--listen-client-urls=http://0.0.0.0:2379\"\n",
        0o644,
    );
    let findings = node_findings(&["--root", root.path().to_str().unwrap()]);
    let plain = of_rule(&findings, "etcd-plain-http-listen");
    assert_eq!(plain.len(), 1, "{:#?}", rule_ids(&findings));
    assert!(
        of_rule(&findings, "setting-undetermined")
            .iter()
            .all(|f| !f["message"].as_str().unwrap().contains("%p")),
        "{:#?}",
        rule_ids(&findings)
    );
}

#[test]
fn missing_pid_is_an_error_and_checks_nothing_else() {
    let root = kubeadm_image();
    let proc_dir = tempfile::tempdir().expect("temp dir");
    let (status, json) = node_report(&[
        "--root",
        root.path().to_str().unwrap(),
        "--proc",
        proc_dir.path().to_str().unwrap(),
        "--pid",
        "999999",
    ]);
    assert_eq!(status, Some(2), "{json}");
    assert!(json["findings"].as_array().unwrap().is_empty(), "{json}");
    let unreadable = json["unreadable"].to_string();
    assert!(unreadable.contains("999999"), "{json}");
}

#[test]
fn file_named_by_two_flags_is_reported_once() {
    let root = tempfile::tempdir().expect("temp dir");
    write_file(
        root.path(),
        "etc/kubernetes/pki/etcd/server.crt",
        "crt\n",
        0o777,
    );
    write_file(
        root.path(),
        "etc/kubernetes/manifests/etcd.yaml",
        "apiVersion: v1\nkind: Pod\nmetadata:\n  name: etcd\n  namespace: kube-system\nspec:\n  \
         containers:\n    - name: etcd\n      image: registry.k8s.io/etcd:3.5.16-0\n      \
         command:\n        - etcd\n        - --cert-file=/etc/kubernetes/pki/etcd/server.crt\n        \
         - --peer-cert-file=/etc/kubernetes/pki/etcd/server.crt\n",
        0o600,
    );
    let findings = node_findings(&["--root", root.path().to_str().unwrap()]);
    let server: Vec<_> = of_rule(&findings, "node-file-permissions")
        .into_iter()
        .filter(|f| f["message"].as_str().unwrap().contains("server.crt"))
        .collect();
    assert_eq!(server.len(), 1, "{:#?}", rule_ids(&findings));
    let message = server[0]["message"].as_str().unwrap();
    assert!(
        message.contains("--cert-file") && message.contains("--peer-cert-file"),
        "{message}"
    );
    assert_eq!(server[0]["severity"], "high");
}

#[test]
fn missing_file_of_a_process_is_named() {
    let proc_dir = tempfile::tempdir().expect("temp dir");
    write_file(
        proc_dir.path(),
        "4242/cmdline",
        "/usr/bin/kubelet\0--config=/var/lib/kubelet/config.yaml\0",
        0o644,
    );
    let root = tempfile::tempdir().expect("temp dir");
    let findings = node_findings(&[
        "--root",
        root.path().to_str().unwrap(),
        "--proc",
        proc_dir.path().to_str().unwrap(),
    ]);
    let expected = proc_dir
        .path()
        .join("4242/root/var/lib/kubelet/config.yaml");
    assert!(
        of_rule(&findings, "setting-undetermined").iter().any(|f| {
            let message = f["message"].as_str().unwrap();
            message.contains(expected.to_str().unwrap()) && message.contains("does not exist")
        }),
        "{:#?}",
        rule_ids(&findings)
    );
}
