use kubeward_core::image::ImageRef;
use kubeward_core::{Check, Family, PodSpec, RuleStatus, Severity, Sink, declare_rule};

declare_rule! {
    /// ## What it checks
    ///
    /// Every container, init container and ephemeral container whose
    /// `image` has no digest and either the tag `latest` or no tag at all,
    /// which container runtimes read as `latest`. References are parsed by
    /// the distribution reference grammar that the kubelet uses, so
    /// `registry.example.com:5000/app` has no tag (the `:5000` is a port)
    /// and `app@sha256:...` or `app:latest@sha256:...` is pinned to a
    /// digest and passes.
    ///
    /// ## Why it matters
    ///
    /// `latest` points to whatever was pushed last. Two nodes may run
    /// different code for the same manifest, a rollback redeploys the new
    /// code, and an attacker who can push to the repository gets their
    /// image run at the next pull. Nobody can tell from the manifest which
    /// version runs, or whether it has a known vulnerability.
    ///
    /// ## Failing example
    ///
    /// ```yaml
    /// apiVersion: v1
    /// kind: Pod
    /// metadata:
    ///   name: tools
    /// spec:
    ///   containers:
    ///     - name: tools
    ///       image: registry.example.com:5000/tools
    /// ```
    ///
    /// ## Fixed example
    ///
    /// ```yaml
    /// apiVersion: v1
    /// kind: Pod
    /// metadata:
    ///   name: tools
    /// spec:
    ///   containers:
    ///     - name: tools
    ///       image: registry.example.com:5000/tools:1.8.2@sha256:3f4e8c2a9b1d7e6f5a4b3c2d1e0f9a8b7c6d5e4f3a2b1c0d9e8f7a6b5c4d3e2f
    /// ```
    ///
    /// ## Known limitations
    ///
    /// Other tags can move too (`stable`, `1`, `1.27`); only a digest pins
    /// an image. An `image` that is not a valid reference is not reported
    /// by this rule, and the kubelet fails to pull it with
    /// `InvalidImageName`.
    ///
    /// ## References
    ///
    /// - Kubernetes documentation, "Images": image names and tags
    ///   (<https://kubernetes.io/docs/concepts/containers/images/#image-names>)
    /// - kube-linter `latest-tag`
    pub static RULE = {
        id: "image-latest-tag",
        family: Family::Container,
        severity: Severity::Medium,
        summary: "Image uses the latest tag or no tag",
        remediation: "Pin the image to a version tag and a digest, such as app:1.2.3@sha256:<digest>.",
        pss: None,
        recommended: true,
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
        if !reference.is_latest() {
            continue;
        }
        let problem = match reference.tag {
            Some(_) => "the tag latest".to_owned(),
            None => format!(
                "no tag, so the runtime pulls {}:latest",
                reference.normalized_name()
            ),
        };
        sink.report(
            entry.key.pos(),
            container.path("image"),
            format!(
                "{} uses image \"{image}\" with {problem}; pin a version tag and a digest",
                container.describe()
            ),
        )
        .in_container(&container);
    }
}
