use kubeward_core::yaml::NodeRef;
use kubeward_core::{Check, Family, PodSpec, RuleStatus, Severity, Sink, declare_rule};

declare_rule! {
    /// ## What it checks
    ///
    /// Secrets exposed to a container, init container or ephemeral
    /// container as environment variables: every
    /// `env[].valueFrom.secretKeyRef` and every `envFrom[].secretRef`.
    ///
    /// ## Why it matters
    ///
    /// Environment variables leak more easily than files. Every child
    /// process inherits them, crash reporters and debug endpoints dump
    /// them, they appear in `/proc/<pid>/environ` to any process that runs
    /// as the same user, and `kubectl describe` or an exec session shows
    /// them to whoever may run it. They also keep their value until the
    /// container restarts, whereas a mounted Secret is updated in place
    /// when it is rotated.
    ///
    /// ## Failing example
    ///
    /// ```yaml
    /// apiVersion: v1
    /// kind: Pod
    /// metadata:
    ///   name: worker
    /// spec:
    ///   containers:
    ///     - name: worker
    ///       image: registry.example.com/worker:2.0.0
    ///       env:
    ///         - name: API_TOKEN
    ///           valueFrom:
    ///             secretKeyRef:
    ///               name: worker-credentials
    ///               key: token
    /// ```
    ///
    /// ## Fixed example
    ///
    /// ```yaml
    /// apiVersion: v1
    /// kind: Pod
    /// metadata:
    ///   name: worker
    /// spec:
    ///   containers:
    ///     - name: worker
    ///       image: registry.example.com/worker:2.0.0
    ///       volumeMounts:
    ///         - name: credentials
    ///           mountPath: /var/run/worker
    ///           readOnly: true
    ///   volumes:
    ///     - name: credentials
    ///       secret:
    ///         secretName: worker-credentials
    /// ```
    ///
    /// ## Known limitations
    ///
    /// Many images read their configuration only from environment
    /// variables. Until they can read files, suppress the finding with a
    /// reason.
    ///
    /// ## References
    ///
    /// - CIS Kubernetes Benchmark 5.4.1: prefer using secrets as files over secrets as environment variables
    /// - kube-linter `read-secret-from-env-var`
    /// - Kubernetes documentation, "Good practices for Kubernetes Secrets"
    ///   (<https://kubernetes.io/docs/concepts/security/secrets-good-practices/>)
    pub static RULE = {
        id: "secret-in-env-ref",
        family: Family::Container,
        severity: Severity::Low,
        summary: "Secret is exposed as an environment variable",
        remediation: "Mount the Secret as a volume and read the value from the file.",
        pss: None,
        recommended: true,
        status: RuleStatus::Stable,
        check: Check::PodSpec(check),
    };
}

fn check(pod: &PodSpec<'_, '_, '_>, sink: &mut Sink<'_>) {
    for container in pod.containers() {
        let env = container.node.get("env");
        for (index, item) in env.iter().flat_map(NodeRef::items).enumerate() {
            let Some(entry) = item.get("valueFrom").and_then(|v| v.entry("secretKeyRef")) else {
                continue;
            };
            let variable = item.get_str("name").map_or_else(
                || format!("env[{index}]"),
                |name| format!("env var \"{name}\""),
            );
            let secret = entry.value.get_str("name").unwrap_or("<unnamed>");
            let key = entry.value.get_str("key").unwrap_or("<unset>");
            sink.report(
                entry.key.pos(),
                container.path(&format!("env[{index}].valueFrom.secretKeyRef")),
                format!(
                    "{variable} of {} reads key \"{key}\" of Secret \"{secret}\"; \
                     mount the Secret as a volume and read the file instead",
                    container.describe()
                ),
            )
            .in_container(&container);
        }

        let env_from = container.node.get("envFrom");
        for (index, item) in env_from.iter().flat_map(NodeRef::items).enumerate() {
            let Some(entry) = item.entry("secretRef") else {
                continue;
            };
            let secret = entry.value.get_str("name").unwrap_or("<unnamed>");
            sink.report(
                entry.key.pos(),
                container.path(&format!("envFrom[{index}].secretRef")),
                format!(
                    "envFrom[{index}] of {} exposes every key of Secret \"{secret}\" as an \
                     environment variable; mount the Secret as a volume instead",
                    container.describe()
                ),
            )
            .in_container(&container);
        }
    }
}
