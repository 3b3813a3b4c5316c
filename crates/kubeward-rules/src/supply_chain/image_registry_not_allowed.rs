use kubeward_core::image::ImageRef;
use kubeward_core::{Check, Family, PodSpec, RuleStatus, Severity, Sink, declare_rule};

/// How many allowed registries a message lists before it abbreviates.
const LISTED_REGISTRIES: usize = 5;

declare_rule! {
    /// ## What it checks
    ///
    /// Every container, init container and ephemeral container whose
    /// `image` comes from a registry that is not in the configured
    /// registry allow-list. References are normalised as the kubelet
    /// normalises them first: `nginx` is `docker.io/library/nginx`, and
    /// `index.docker.io` is `docker.io`. The rule reports nothing while the
    /// allow-list is empty, which is the default.
    ///
    /// ## Options
    ///
    /// `allowedRegistries` in `.kubeward.yaml`: the registries images may
    /// come from. An entry is a registry host with an optional port
    /// (`registry.example.com`, `localhost:5000`), which allows every
    /// repository on it, or a host and repository prefix
    /// (`ghcr.io/example`), which allows the repositories below that
    /// prefix, matched by whole path components so that `ghcr.io/example`
    /// does not allow `ghcr.io/example-evil/app`.
    /// Host names compare case-insensitively. The examples below are
    /// checked with the allow-list `registry.example.com`.
    ///
    /// ## Why it matters
    ///
    /// An allow-list keeps images to registries the organisation controls
    /// or mirrors: where it scans, signs, and keeps images available.
    /// An image pulled straight from a public registry bypasses all of
    /// that, can disappear or be replaced upstream, and a typo in a public
    /// repository name (`ngnix`) can pull an attacker's image.
    ///
    /// ## Failing example
    ///
    /// ```yaml
    /// apiVersion: apps/v1
    /// kind: Deployment
    /// metadata:
    ///   name: web
    /// spec:
    ///   selector:
    ///     matchLabels: {app: web}
    ///   template:
    ///     metadata:
    ///       labels: {app: web}
    ///     spec:
    ///       containers:
    ///         - name: web
    ///           image: nginx:1.27.3
    /// ```
    ///
    /// ## Fixed example
    ///
    /// ```yaml
    /// apiVersion: apps/v1
    /// kind: Deployment
    /// metadata:
    ///   name: web
    /// spec:
    ///   selector:
    ///     matchLabels: {app: web}
    ///   template:
    ///     metadata:
    ///       labels: {app: web}
    ///     spec:
    ///       containers:
    ///         - name: web
    ///           image: registry.example.com/mirror/nginx:1.27.3
    /// ```
    ///
    /// ## Known limitations
    ///
    /// Registry mirrors configured on the nodes (containerd `hosts.toml`,
    /// CRI-O `registries.conf`) are invisible in manifests: an image named
    /// `docker.io/...` that every node pulls from an internal mirror is
    /// still reported. Wildcards such as `*.example.com` are not supported;
    /// list each host. Invalid references are the
    /// `image-reference-invalid` rule's.
    ///
    /// ## References
    ///
    /// - CIS Kubernetes Benchmark 5.5.1: configure image provenance using
    ///   the ImagePolicyWebhook admission controller
    /// - NSA/CISA Kubernetes Hardening Guide, "Kubernetes Pod security":
    ///   "Building secure container images"
    /// - kubescape C-0078 "Images from allowed registry"
    pub static RULE = {
        id: "image-registry-not-allowed",
        family: Family::SupplyChain,
        severity: Severity::High,
        summary: "Image comes from a registry outside the allow-list",
        remediation: "Pull the image from an allowed registry (mirror it there), or add its registry to the allow-list.",
        pss: None,
        recommended: true,
        status: RuleStatus::Stable,
        check: Check::PodSpec(check),
    };
}

fn check(pod: &PodSpec<'_, '_, '_>, sink: &mut Sink<'_>) {
    let allowed = &sink.options().config.allowed_registries;
    if allowed.is_empty() {
        return;
    }
    for container in pod.containers() {
        let Some(entry) = container.node.entry("image") else {
            continue;
        };
        let Some(image) = entry.value.as_str() else {
            continue;
        };
        let Ok(reference) = ImageRef::parse(image) else {
            continue;
        };
        if allowed.iter().any(|registry| reference.is_from(registry)) {
            continue;
        }
        sink.report(
            entry.key.pos(),
            container.path("image"),
            format!(
                "{} uses image \"{image}\" from {}, which is not an allowed registry ({}); \
                 pull it from an allowed registry",
                container.describe(),
                reference.normalized_name(),
                describe_allowed(allowed),
            ),
        )
        .in_container(&container);
    }
}

/// The allow-list for messages, abbreviated when long.
fn describe_allowed(allowed: &[String]) -> String {
    let mut listed: Vec<&str> = allowed
        .iter()
        .take(LISTED_REGISTRIES)
        .map(String::as_str)
        .collect();
    let more = allowed.len().saturating_sub(LISTED_REGISTRIES);
    let more_text = format!("and {more} more");
    if more > 0 {
        listed.push(&more_text);
    }
    listed.join(", ")
}

#[cfg(test)]
mod tests {
    use super::describe_allowed;

    #[test]
    fn allow_list_abbreviated() {
        let allowed: Vec<String> = (1..=7).map(|i| format!("r{i}.example.com")).collect();
        assert_eq!(
            describe_allowed(&allowed),
            "r1.example.com, r2.example.com, r3.example.com, r4.example.com, \
             r5.example.com, and 2 more"
        );
        assert_eq!(describe_allowed(&allowed[..1]), "r1.example.com");
    }
}
