use kubeward_core::{Check, Family, PodSpec, RuleStatus, Severity, Sink, declare_rule};

use super::host_path::{self, is_within};

declare_rule! {
    /// ## What it checks
    ///
    /// Every mount, by a container, init container or ephemeral container,
    /// of a hostPath volume that reaches a container runtime's API socket:
    ///
    /// - a known socket: `/run/docker.sock`, `/run/containerd/containerd.sock`,
    ///   `/run/crio/crio.sock`, `/run/podman/podman.sock`,
    ///   `/run/k3s/containerd/containerd.sock`, `/run/cri-dockerd.sock`,
    ///   `/run/dockershim.sock`;
    /// - a directory that contains one, such as `/run/containerd`, `/run`
    ///   or `/`;
    /// - any path whose file name is `docker.sock`, `containerd.sock`,
    ///   `crio.sock`, `podman.sock` or `cri-dockerd.sock`;
    /// - the Windows named pipes `\\.\pipe\docker_engine` and
    ///   `\\.\pipe\containerd-containerd`.
    ///
    /// Paths are normalised first, and `/var/run` is read as `/run`, so
    /// `/var/run/docker.sock` and `/var/run/` are found.
    ///
    /// ## Why it matters
    ///
    /// The runtime socket is root on the node. A process that can write to
    /// it can start a privileged container with the host's filesystem
    /// mounted, read every container's environment and files, and exec
    /// into any container on the node. These requests bypass Kubernetes:
    /// RBAC, Pod Security admission and audit logging never see them.
    ///
    /// ## Failing example
    ///
    /// ```yaml
    /// apiVersion: v1
    /// kind: Pod
    /// metadata:
    ///   name: builder
    /// spec:
    ///   containers:
    ///     - name: builder
    ///       image: docker:27.1-cli
    ///       volumeMounts:
    ///         - name: docker
    ///           mountPath: /var/run/docker.sock
    ///   volumes:
    ///     - name: docker
    ///       hostPath:
    ///         path: /var/run/docker.sock
    ///         type: Socket
    /// ```
    ///
    /// ## Fixed example
    ///
    /// ```yaml
    /// apiVersion: v1
    /// kind: Pod
    /// metadata:
    ///   name: builder
    /// spec:
    ///   containers:
    ///     - name: builder
    ///       image: gcr.io/kaniko-project/executor:v1.23.2
    ///       args: ["--destination=registry.example.com/app:1.0.0"]
    /// ```
    ///
    /// ## Known limitations
    ///
    /// Sockets at other paths, such as rootless runtimes' sockets under
    /// `/run/user/<uid>` mounted by their directory, are found only when the
    /// mount names the socket file itself. A read-only mount is reported
    /// too: connecting to a Unix socket is not blocked by a read-only
    /// mount.
    ///
    /// ## References
    ///
    /// - NSA/CISA Kubernetes Hardening Guide, "Kubernetes Pod security": "Pod security enforcement"
    /// - kube-linter `docker-sock`; kubescape C-0074 "Container runtime socket mounted"
    pub static RULE = {
        id: "container-runtime-socket",
        family: Family::Container,
        severity: Severity::Critical,
        summary: "Container mounts the container runtime socket",
        remediation: "Remove the hostPath volume; build images with a daemonless builder and query the runtime through the Kubernetes API.",
        pss: None,
        recommended: true,
        status: RuleStatus::Stable,
        check: Check::PodSpec(check),
    };
}

/// Runtime API sockets at their usual paths, with `/var/run` read as
/// `/run`.
const SOCKETS: &[(&str, &str)] = &[
    ("/run/docker.sock", "Docker"),
    ("/run/containerd/containerd.sock", "containerd"),
    ("/run/crio/crio.sock", "CRI-O"),
    ("/run/podman/podman.sock", "Podman"),
    ("/run/k3s/containerd/containerd.sock", "k3s containerd"),
    ("/run/cri-dockerd.sock", "cri-dockerd"),
    ("/run/dockershim.sock", "dockershim"),
];

/// Socket file names found at any path.
const SOCKET_FILE_NAMES: &[(&str, &str)] = &[
    ("docker.sock", "Docker"),
    ("containerd.sock", "containerd"),
    ("crio.sock", "CRI-O"),
    ("podman.sock", "Podman"),
    ("cri-dockerd.sock", "cri-dockerd"),
];

/// Windows named pipes, lower case with `/` for `\`.
const NAMED_PIPES: &[(&str, &str)] = &[
    ("//./pipe/docker_engine", "Docker"),
    ("//./pipe/containerd-containerd", "containerd"),
];

fn check(pod: &PodSpec<'_, '_, '_>, sink: &mut Sink<'_>) {
    for mount in host_path::host_path_mounts(pod) {
        let Some(what) = reached_socket(mount.host_path, mount.effective_path().as_deref()) else {
            continue;
        };
        sink.report(
            mount.host_path_pos,
            mount.host_path_field(),
            format!(
                "{} mounts {} (volume \"{}\"), which {what}; whoever can use it controls the node",
                mount.container.describe(),
                mount.describe_path(),
                mount.volume_name,
            ),
        )
        .in_container(&mount.container);
    }
}

/// Which runtime socket a host path reaches, as a clause for messages.
/// `normalized` is the normalised path, `None` when it is not absolute.
fn reached_socket(written: &str, normalized: Option<&str>) -> Option<String> {
    let pipe = written.replace('\\', "/").to_ascii_lowercase();
    if let Some((_, runtime)) = NAMED_PIPES.iter().find(|(name, _)| pipe == *name) {
        return Some(format!("is the {runtime} named pipe"));
    }
    let path = normalized?;
    for (socket, runtime) in SOCKETS {
        if path == *socket {
            return Some(format!("is the {runtime} socket"));
        }
        if is_within(socket, path) {
            return Some(format!("contains the {runtime} socket {socket}"));
        }
    }
    let file_name = path.rsplit('/').next().unwrap_or("");
    SOCKET_FILE_NAMES
        .iter()
        .find(|(name, _)| file_name == *name)
        .map(|(_, runtime)| format!("is a {runtime} socket"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn reached(path: &str) -> Option<String> {
        reached_socket(path, host_path::normalize(path).as_deref())
    }

    #[test]
    fn sockets_and_directories() {
        for path in [
            "/var/run/docker.sock",
            "/run/docker.sock",
            "/var/run/",
            "/run",
            "/",
            "/run/containerd",
            "/var/run/containerd/containerd.sock",
            "/run/crio/crio.sock",
            "/run/podman",
            "/run/k3s/containerd/",
            "/run/user/1000/docker.sock",
            "/var/snap/microk8s/common/run/containerd.sock",
            "\\\\.\\pipe\\docker_engine",
            "//./pipe/containerd-containerd",
        ] {
            assert!(reached(path).is_some(), "{path}");
        }
    }

    #[test]
    fn other_paths() {
        for path in [
            "/var/lib/docker",
            "/run/secrets",
            "/var",
            "/etc",
            "/tmp/docker.socket",
        ] {
            assert_eq!(reached(path), None, "{path}");
        }
    }
}
