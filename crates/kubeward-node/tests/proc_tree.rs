//! `audit` over a process table laid out in a temporary directory, as
//! `/proc` shows it: `PID/cmdline`, `PID/environ`, and `PID/root` and
//! `PID/cwd` as links to the process's root and working directory.

use std::os::unix::fs::{PermissionsExt, symlink};
use std::path::Path;

use kubeward_core::component::{FileRole, FileState, Lookup, SettingSource};
use kubeward_core::{Component, ComponentKind};
use kubeward_node::{NodeOptions, audit};

fn write(path: &Path, contents: &str) {
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, contents).unwrap();
}

/// Lays out process `pid` running `args`, with `environ`, whose root is
/// `root`.
fn process(proc_dir: &Path, pid: u32, args: &[&str], environ: &[&str], root: &Path) {
    let dir = proc_dir.join(pid.to_string());
    let mut cmdline = args.join("\0");
    cmdline.push('\0');
    write(&dir.join("cmdline"), &cmdline);
    write(&dir.join("environ"), &environ.join("\0"));
    symlink(root, dir.join("root")).unwrap();
    symlink(root.join("var/lib"), dir.join("cwd")).unwrap();
}

fn options(root: &Path, proc_dir: &Path) -> NodeOptions {
    NodeOptions {
        root: root.to_owned(),
        proc_dir: Some(proc_dir.to_owned()),
        pids: Vec::new(),
        command_lines: Vec::new(),
    }
}

fn only(components: &[Component], kind: ComponentKind) -> &Component {
    let found: Vec<&Component> = components.iter().filter(|c| c.kind == kind).collect();
    assert_eq!(
        found.len(),
        1,
        "{kind}: {:?}",
        components.iter().map(|c| &c.label).collect::<Vec<_>>()
    );
    found[0]
}

#[test]
fn etcd_reads_environment_and_files() {
    let dir = tempfile::tempdir().unwrap();
    let (root, proc_dir) = (dir.path().join("root"), dir.path().join("proc"));
    write(&root.join("etc/etcd/server.crt"), "cert");
    write(&root.join("etc/etcd/server.key"), "key");
    std::fs::set_permissions(
        root.join("etc/etcd/server.key"),
        PermissionsExt::from_mode(0o644),
    )
    .unwrap();
    std::fs::create_dir_all(root.join("var/lib/etcd")).unwrap();
    process(
        &proc_dir,
        4242,
        &[
            "/usr/bin/etcd",
            "--cert-file",
            "/etc/etcd/server.crt",
            "--key-file=/etc/etcd/server.key",
            "--trusted-ca-file=/etc/etcd/ca.crt",
            "--data-dir",
            "etcd",
        ],
        &["HOME=/", "ETCD_CLIENT_CERT_AUTH=true"],
        &root,
    );
    process(&proc_dir, 4243, &["/usr/bin/containerd"], &[], &root);
    write(&proc_dir.join("1/cmdline"), "");
    let node = audit(&options(&root, &proc_dir));
    assert_eq!(node.components.len(), 1);
    let etcd = only(&node.components, ComponentKind::Etcd);
    assert!(etcd.label.contains("pid 4242"), "{}", etcd.label);
    let auth = etcd
        .setting("client-cert-auth")
        .expect("set from the environment");
    assert_eq!(auth.as_bool(), Some(true));
    assert_eq!(
        auth.source,
        SettingSource::Environment("ETCD_CLIENT_CERT_AUTH".into())
    );
    let state = |path: &str| {
        etcd.files
            .iter()
            .find(|f| f.path == path)
            .unwrap_or_else(|| panic!("{path}: {:?}", etcd.files))
    };
    let key = state("/etc/etcd/server.key");
    assert_eq!(key.role, FileRole::PrivateKey);
    assert!(
        matches!(&key.state, FileState::Stat(stat) if stat.mode == 0o644),
        "{key:?}"
    );
    assert_eq!(state("/etc/etcd/ca.crt").state, FileState::Missing);
    // A relative data directory counts from the process's working
    // directory.
    let data = state("etcd");
    assert_eq!(data.role, FileRole::DataDirectory);
    assert!(
        matches!(&data.state, FileState::Stat(stat) if stat.is_dir),
        "{data:?}"
    );
}

#[test]
fn unreadable_environment_leaves_etcd_settings_unknown() {
    let dir = tempfile::tempdir().unwrap();
    let (root, proc_dir) = (dir.path().join("root"), dir.path().join("proc"));
    std::fs::create_dir_all(root.join("var/lib")).unwrap();
    process(
        &proc_dir,
        7,
        &["etcd", "--cert-file=/a.crt", "--key-file=/a.key"],
        &[],
        &root,
    );
    // An environment that is a directory cannot be read as a file.
    std::fs::remove_file(proc_dir.join("7/environ")).unwrap();
    std::fs::create_dir(proc_dir.join("7/environ")).unwrap();
    let node = audit(&options(&root, &proc_dir));
    let etcd = only(&node.components, ComponentKind::Etcd);
    assert!(matches!(
        etcd.lookup("client-cert-auth"),
        Lookup::Unknown(_)
    ));
    assert!(matches!(etcd.lookup("cert-file"), Lookup::Set(_)));
}

#[test]
fn kubelet_config_file_is_read_under_process_root() {
    let dir = tempfile::tempdir().unwrap();
    let (root, proc_dir) = (dir.path().join("root"), dir.path().join("proc"));
    std::fs::create_dir_all(root.join("var/lib")).unwrap();
    write(
        &root.join("var/lib/kubelet/config.yaml"),
        "apiVersion: kubelet.config.k8s.io/v1beta1\nkind: KubeletConfiguration\nreadOnlyPort: 10255\n\
         authentication:\n  anonymous:\n    enabled: false\n",
    );
    process(
        &proc_dir,
        99,
        &[
            "/usr/bin/kubelet",
            "--config=/var/lib/kubelet/config.yaml",
            "--anonymous-auth=true",
        ],
        &[],
        &root,
    );
    let node = audit(&options(&root, &proc_dir));
    let kubelet = only(&node.components, ComponentKind::Kubelet);
    let port = kubelet
        .setting("read-only-port")
        .expect("from the config file");
    assert_eq!(port.value(), "10255");
    assert!(
        matches!(&port.source, SettingSource::ConfigFile { field, .. } if field == "readOnlyPort")
    );
    let anonymous = kubelet.setting("anonymous-auth").expect("set");
    assert_eq!(anonymous.as_bool(), Some(true));
    assert_eq!(anonymous.source, SettingSource::Flag);
}

#[test]
fn invalid_config_file_is_undetermined() {
    let dir = tempfile::tempdir().unwrap();
    let (root, proc_dir) = (dir.path().join("root"), dir.path().join("proc"));
    std::fs::create_dir_all(root.join("var/lib")).unwrap();
    write(&root.join("etc/kubelet.yaml"), "readOnlyPort: [0\n");
    process(
        &proc_dir,
        5,
        &["kubelet", "--config", "/etc/kubelet.yaml"],
        &[],
        &root,
    );
    let node = audit(&options(&root, &proc_dir));
    let kubelet = only(&node.components, ComponentKind::Kubelet);
    let Lookup::Unknown(unknown) = kubelet.lookup("read-only-port") else {
        panic!("{:?}", kubelet.lookup("read-only-port"));
    };
    assert!(
        unknown.reason.contains("invalid YAML or JSON"),
        "{}",
        unknown.reason
    );
}

#[test]
fn requested_pid_that_runs_nothing_is_warned() {
    let dir = tempfile::tempdir().unwrap();
    let (root, proc_dir) = (dir.path().join("root"), dir.path().join("proc"));
    std::fs::create_dir_all(root.join("var/lib")).unwrap();
    process(&proc_dir, 3, &["/usr/bin/sleep", "100"], &[], &root);
    let mut options = options(&root, &proc_dir);
    options.pids = vec![3, 4];
    let node = audit(&options);
    assert!(node.components.is_empty());
    let messages: Vec<&str> = node.warnings.iter().map(|w| w.message.as_str()).collect();
    assert!(
        messages
            .iter()
            .any(|m| m.contains("process 3 runs no component")),
        "{messages:?}"
    );
    // A process asked for that does not exist is a failure, and nothing
    // installed under the root is read in its place.
    assert_eq!(node.failed.len(), 1, "{:?}", node.failed);
    assert_eq!(node.failed[0].0, "process 4");
    assert!(
        node.failed[0].1.contains("no process 4"),
        "{:?}",
        node.failed
    );
    assert!(node.installed.is_empty());
}

#[test]
fn mounted_image_without_processes_reads_installed_components() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    write(
        &root.join("etc/kubernetes/manifests/kube-apiserver.yaml"),
        "apiVersion: v1\nkind: Pod\nmetadata:\n  name: kube-apiserver\n  namespace: kube-system\n\
         spec:\n  containers:\n    - name: kube-apiserver\n      command:\n        - kube-apiserver\n\
         \x20       - --tls-private-key-file=/etc/kubernetes/pki/apiserver.key\n",
    );
    write(&root.join("etc/kubernetes/pki/apiserver.key"), "key\n");
    std::fs::set_permissions(
        root.join("etc/kubernetes/pki/apiserver.key"),
        std::fs::Permissions::from_mode(0o640),
    )
    .unwrap();
    write(&root.join("etc/kubernetes/manifests/notes.txt"), "");
    write(
        &root.join("etc/systemd/system/kubelet.service.d/10-kubeadm.conf"),
        "[Service]\nEnvironmentFile=-/etc/default/%p\nExecStart=\nExecStart=/usr/bin/kubelet $KUBELET_EXTRA_ARGS\n",
    );
    write(
        &root.join("etc/default/kubelet"),
        "KUBELET_EXTRA_ARGS=--config=/var/lib/kubelet/config.yaml\n",
    );
    write(
        &root.join("var/lib/kubelet/config.yaml"),
        "apiVersion: kubelet.config.k8s.io/v1beta1\nkind: KubeletConfiguration\nreadOnlyPort: 10255\n",
    );
    write(&root.join("etc/systemd/system/sshd.service"), "[Service]\n");
    let node = audit(&NodeOptions {
        root: root.to_owned(),
        proc_dir: None,
        pids: Vec::new(),
        command_lines: Vec::new(),
    });
    assert!(node.installed.is_empty(), "{:?}", node.installed);
    let apiserver = only(&node.components, ComponentKind::ApiServer);
    let key = apiserver
        .files
        .iter()
        .find(|f| f.path == "/etc/kubernetes/pki/apiserver.key")
        .expect("the key is among the files");
    assert!(
        matches!(&key.state, FileState::Stat(stat) if stat.mode == 0o640),
        "{:?}",
        key.state
    );
    let kubelet = only(&node.components, ComponentKind::Kubelet);
    let port = kubelet.setting("read-only-port").expect("set");
    assert_eq!(port.values, ["10255"]);
    assert!(
        matches!(&port.source, SettingSource::ConfigFile { path, .. } if path == "/var/lib/kubelet/config.yaml"),
        "{:?}",
        port.source
    );
    assert!(
        kubelet.undetermined.is_empty(),
        "{:?}",
        kubelet.undetermined
    );
    assert!(node.files_read.len() >= 5, "{:?}", node.files_read);
}

#[test]
fn k3s_server_reads_config_and_drop_ins() {
    let dir = tempfile::tempdir().unwrap();
    let (root, proc_dir) = (dir.path().join("root"), dir.path().join("proc"));
    std::fs::create_dir_all(root.join("var/lib")).unwrap();
    write(
        &root.join("etc/rancher/k3s/config.yaml"),
        "write-kubeconfig-mode: \"0644\"\nkube-apiserver-arg:\n  - anonymous-auth=true\n",
    );
    write(
        &root.join("etc/rancher/k3s/config.yaml.d/10-hardening.yaml"),
        "kube-apiserver-arg+:\n  - profiling=false\n",
    );
    process(
        &proc_dir,
        11,
        &[
            "/usr/local/bin/k3s",
            "server",
            "--kube-apiserver-arg=anonymous-auth=false",
        ],
        &[],
        &root,
    );
    let node = audit(&options(&root, &proc_dir));
    let api_server = only(&node.components, ComponentKind::ApiServer);
    assert!(
        api_server.undetermined.is_empty(),
        "{:?}",
        api_server.undetermined
    );
    // The command line's argument comes after the file's, so it wins.
    let anonymous = api_server.setting("anonymous-auth").expect("set");
    assert_eq!(anonymous.as_bool(), Some(false));
    let profiling = api_server.setting("profiling").expect("set by the drop-in");
    assert_eq!(profiling.as_bool(), Some(false));
    let admin = api_server
        .files
        .iter()
        .find(|f| f.role == FileRole::AdminKubeconfig)
        .expect("the mode the config file sets");
    assert_eq!(admin.state, FileState::DeclaredMode(0o644));
}

#[test]
fn k3s_server_without_config_file() {
    let dir = tempfile::tempdir().unwrap();
    let (root, proc_dir) = (dir.path().join("root"), dir.path().join("proc"));
    std::fs::create_dir_all(root.join("var/lib")).unwrap();
    process(&proc_dir, 12, &["k3s", "server"], &[], &root);
    let node = audit(&options(&root, &proc_dir));
    let api_server = only(&node.components, ComponentKind::ApiServer);
    // A missing default config file is no unknown: k3s runs on its flags.
    assert!(
        api_server.undetermined.is_empty(),
        "{:?}",
        api_server.undetermined
    );
}
