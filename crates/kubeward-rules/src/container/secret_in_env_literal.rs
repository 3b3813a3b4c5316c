use kubeward_core::yaml::NodeRef;
use kubeward_core::{Check, Family, PodSpec, RuleStatus, Severity, Sink, declare_rule};

use super::secret::{self, Evidence};

declare_rule! {
    /// ## What it checks
    ///
    /// Every `env` entry of every container, init container and ephemeral
    /// container whose literal `value` looks like a secret, in one of two
    /// ways:
    ///
    /// - The value contains a credential in a known format, whatever the
    ///   variable is called. The formats are AWS access key ids (`AKIA...`,
    ///   `ASIA...`), PEM private key headers, GitHub tokens (`ghp_`, `gho_`,
    ///   `ghu_`, `ghs_`, `ghr_`, `github_pat_`), GitLab tokens (`glpat-` and
    ///   similar), Slack tokens (`xoxb-` and similar) and webhook URLs,
    ///   Google API keys, Stripe live keys, JSON Web Tokens, HTTP
    ///   authorization credentials (`Bearer ...`, `Basic ...`) and URLs with
    ///   a password (`postgres://app:pw@db/app`).
    /// - The variable's name suggests a secret: a part such as `PASSWORD`,
    ///   `PASSWD`, `PASSPHRASE`, `SECRET`, `TOKEN`, `CREDENTIALS`, `API_KEY`,
    ///   `APIKEY`, `PRIVATE_KEY`, `ACCESS_KEY`, or `PASS` and `PWD` at the
    ///   end (`DB_PASS`). Names where a descriptive part follows the secret
    ///   word are not secrets: `TOKEN_URL`, `SECRET_NAME`, `PASSWORD_FILE`,
    ///   `AWS_ACCESS_KEY_ID`, `TOKEN_TTL`. Neither are `MAX_TOKENS` and
    ///   similar counts. Under such a name, empty values, references to
    ///   other variables (`$(VAR)`, `${VAR}`), unrendered templates
    ///   (`{{ ... }}`), boolean words, absolute file paths (with a directory
    ///   or an extension, as `/9aBc...` may start a base64 value) and URLs
    ///   without credentials are not reported.
    ///
    /// The finding points at the entry's `name`, and neither its message
    /// nor its quoted source line contains the value.
    ///
    /// ## Why it matters
    ///
    /// A literal value sits in plain text in the manifest, so in every
    /// clone of the repository, every CI log that prints it, and the
    /// object stored in the cluster, which anyone who may read the
    /// workload can read. Secrets get their own access control, and can be
    /// encrypted at rest and rotated without changing the workload.
    ///
    /// ## Failing example
    ///
    /// ```yaml
    /// apiVersion: apps/v1
    /// kind: Deployment
    /// metadata:
    ///   name: billing
    /// spec:
    ///   selector:
    ///     matchLabels: {app: billing}
    ///   template:
    ///     metadata:
    ///       labels: {app: billing}
    ///     spec:
    ///       containers:
    ///         - name: billing
    ///           image: registry.example.com/billing:5.0.1
    ///           env:
    ///             - name: DB_PASSWORD
    ///               value: correct-horse-battery-staple
    /// ```
    ///
    /// ## Fixed example
    ///
    /// ```yaml
    /// apiVersion: apps/v1
    /// kind: Deployment
    /// metadata:
    ///   name: billing
    /// spec:
    ///   selector:
    ///     matchLabels: {app: billing}
    ///   template:
    ///     metadata:
    ///       labels: {app: billing}
    ///     spec:
    ///       containers:
    ///         - name: billing
    ///           image: registry.example.com/billing:5.0.1
    ///           env:
    ///             - name: DB_PASSWORD_FILE
    ///               value: /etc/billing/db/password
    ///           volumeMounts:
    ///             - name: db
    ///               mountPath: /etc/billing/db
    ///               readOnly: true
    ///       volumes:
    ///         - name: db
    ///           secret:
    ///             secretName: billing-db
    /// ```
    ///
    /// ## Known limitations
    ///
    /// Names are a heuristic: a secret under an unusual name is missed,
    /// and a harmless value under a secret-like name (a Secret's name in
    /// `DB_SECRET`, for example) is reported. Secrets in `command` or
    /// `args` are not checked.
    ///
    /// ## References
    ///
    /// - CIS Kubernetes Benchmark 5.4.1: prefer using secrets as files over secrets as environment variables
    /// - NSA/CISA Kubernetes Hardening Guide, "Network separation and hardening": "Secrets"
    /// - kube-linter `env-var-secret`; kubescape C-0012 "Applications credentials in configuration files"
    pub static RULE = {
        id: "secret-in-env-literal",
        family: Family::Container,
        severity: Severity::High,
        summary: "Environment variable holds a literal secret",
        remediation: "Move the value into a Secret, mount the Secret as a volume and read the file; then rotate the exposed secret.",
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
            let Some(value_node) = item.get("value") else {
                continue;
            };
            let Some(value) = secret::literal_text(value_node) else {
                continue;
            };
            let name = item.get_str("name");
            let Some(evidence) = secret::classify(name, &value) else {
                continue;
            };
            let reason = match evidence {
                Evidence::Format(format) => {
                    format!("a literal value that looks like {}", format.describe())
                }
                Evidence::Name => "a literal value and a name that suggests a secret".to_owned(),
            };
            let variable = match name {
                Some(name) => format!("env var \"{name}\""),
                None => format!("env[{index}]"),
            };
            let pos = item
                .entry("name")
                .map_or_else(|| item.pos(), |e| e.key.pos());
            let finding = sink.report(
                pos,
                container.path(&format!("env[{index}].value")),
                format!(
                    "{variable} of {} has {reason}; \
                     move it into a Secret mounted as a file",
                    container.describe()
                ),
            );
            finding.in_container(&container);
            secret::redact_source_line(finding, value_node, &value);
        }
    }
}
