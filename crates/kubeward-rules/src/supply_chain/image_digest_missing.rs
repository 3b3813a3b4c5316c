use kubeward_core::image::{ImageRef, Pin};
use kubeward_core::{Check, Family, PodSpec, RuleStatus, Severity, Sink, declare_rule};

declare_rule! {
    /// ## What it checks
    ///
    /// Every container, init container and ephemeral container whose
    /// `image` has a tag other than `latest` and no digest, such as
    /// `registry.example.com/web:1.4.2`. A reference with a digest passes,
    /// with or without a tag beside it: the kubelet pulls by the digest and
    /// ignores the tag. Images with the tag `latest` or no tag are the
    /// `image-latest-tag` rule's, so an image line gets one finding, not
    /// two. Invalid references are the `image-reference-invalid` rule's.
    ///
    /// The rule is not in the `recommended` profile: pinning every image
    /// to a digest takes tooling that updates the digests (Renovate,
    /// Dependabot, `kustomize edit set image`, an admission webhook that
    /// resolves tags), and most clusters adopt it on purpose. Run it with
    /// `--profile all`.
    ///
    /// ## Why it matters
    ///
    /// A tag is a pointer that anyone with push access to the repository
    /// can move. A compromised CI job or registry account can replace
    /// `web:1.4.2` with other content, and every node that pulls it next
    /// runs that content, while the manifest still reads the same. A
    /// signature check at admission verifies the digest the tag pointed to
    /// at that moment; a node may pull later and get something else unless
    /// the pod spec names the digest. Only a digest makes the manifest say
    /// exactly which bytes run, which is also what an SBOM and a
    /// vulnerability report are about.
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
    ///           image: registry.example.com/web:1.4.2
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
    ///           image: registry.example.com/web:1.4.2@sha256:3f4e8c2a9b1d7e6f5a4b3c2d1e0f9a8b7c6d5e4f3a2b1c0d9e8f7a6b5c4d3e2f
    /// ```
    ///
    /// ## Known limitations
    ///
    /// The rule does not check that the digest belongs to the tag written
    /// beside it; `kubeward images verify` resolves both against the
    /// registry. A digest of a multi-platform image index is as good a pin
    /// as the digest of one platform's manifest.
    ///
    /// ## References
    ///
    /// - Kubernetes documentation, "Images": image names and digests
    ///   (<https://kubernetes.io/docs/concepts/containers/images/#image-names>)
    /// - NSA/CISA Kubernetes Hardening Guide, "Kubernetes Pod security":
    ///   "Building secure container images"
    pub static RULE = {
        id: "image-digest-missing",
        family: Family::SupplyChain,
        severity: Severity::Low,
        summary: "Image is pinned by a tag, not a digest",
        remediation: "Add the digest the tag points to, as repository:tag@sha256:<digest>, and let a bot update both.",
        pss: None,
        recommended: false,
        status: RuleStatus::Stable,
        check: Check::PodSpec(check),
    };
}

fn check(pod: &PodSpec<'_, '_, '_>, sink: &mut Sink<'_>) {
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
        if reference.pin() != Pin::Tag {
            continue;
        }
        let tag = reference.tag.unwrap_or_default();
        sink.report(
            entry.key.pos(),
            container.path("image"),
            format!(
                "{} uses image \"{image}\" by the tag {tag}, which can be moved to other \
                 content; add the digest it points to ({image}@sha256:...)",
                container.describe()
            ),
        )
        .in_container(&container);
    }
}
