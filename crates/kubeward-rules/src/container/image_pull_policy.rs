use kubeward_core::image::ImageRef;
use kubeward_core::{Check, Family, PodSpec, RuleStatus, Severity, Sink, declare_rule};

declare_rule! {
    /// ## What it checks
    ///
    /// Every container, init container and ephemeral container that sets
    /// `imagePullPolicy` to `IfNotPresent` or `Never` for an image with a
    /// mutable reference: no digest, and the tag `latest` or no tag.
    ///
    /// It does not fire when `imagePullPolicy` is absent: for such an
    /// image the API server then defaults the policy to `Always`. It does
    /// not fire for an image pinned to a digest, which cannot change, nor
    /// for other tags, for which `IfNotPresent` is the default. An `image`
    /// that is not a valid reference is skipped.
    ///
    /// ## Why it matters
    ///
    /// With `IfNotPresent` or `Never`, the kubelet starts whatever image of
    /// that name the node already has, without asking the registry. For a
    /// `latest` reference that copy may be months old, differ from node to
    /// node, or have been planted by another workload that ran on the node
    /// or by someone with access to the node's image store. `Always` makes
    /// the kubelet resolve the reference against the registry, with the
    /// pod's pull credentials, every time it starts the container.
    ///
    /// ## Failing example
    ///
    /// ```yaml
    /// apiVersion: batch/v1
    /// kind: CronJob
    /// metadata:
    ///   name: cleanup
    /// spec:
    ///   schedule: "0 3 * * *"
    ///   jobTemplate:
    ///     spec:
    ///       template:
    ///         spec:
    ///           restartPolicy: OnFailure
    ///           containers:
    ///             - name: cleanup
    ///               image: registry.example.com/cleanup:latest
    ///               imagePullPolicy: IfNotPresent
    /// ```
    ///
    /// ## Fixed example
    ///
    /// ```yaml
    /// apiVersion: batch/v1
    /// kind: CronJob
    /// metadata:
    ///   name: cleanup
    /// spec:
    ///   schedule: "0 3 * * *"
    ///   jobTemplate:
    ///     spec:
    ///       template:
    ///         spec:
    ///           restartPolicy: OnFailure
    ///           containers:
    ///             - name: cleanup
    ///               image: registry.example.com/cleanup:4.1.0
    ///               imagePullPolicy: IfNotPresent
    /// ```
    ///
    /// ## Known limitations
    ///
    /// The `AlwaysPullImages` admission plugin forces `Always` on every
    /// container; a manifest scan cannot tell whether the cluster enables
    /// it. A mutable tag other than `latest` with `IfNotPresent` is not
    /// reported: the `image-latest-tag` rule and pinning by digest cover
    /// that risk.
    ///
    /// ## References
    ///
    /// - Kubernetes documentation, "Images": image pull policy and its defaults
    ///   (<https://kubernetes.io/docs/concepts/containers/images/#image-pull-policy>)
    /// - kubescape C-0075 "Image pull policy on latest tag"
    pub static RULE = {
        id: "image-pull-policy",
        family: Family::Container,
        severity: Severity::Low,
        summary: "Mutable image reference is not pulled every time",
        remediation: "Pin the image to a digest, or remove imagePullPolicy so it defaults to Always.",
        pss: None,
        recommended: true,
        status: RuleStatus::Stable,
        check: Check::PodSpec(check),
    };
}

fn check(pod: &PodSpec<'_, '_, '_>, sink: &mut Sink<'_>) {
    for container in pod.containers() {
        let Some(policy) = container.node.entry("imagePullPolicy") else {
            continue;
        };
        let Some(policy_name @ ("IfNotPresent" | "Never")) = policy.value.as_str() else {
            continue;
        };
        let Some(image) = container.node.get_str("image") else {
            continue;
        };
        if !ImageRef::parse(image).is_ok_and(|reference| reference.is_latest()) {
            continue;
        }
        sink.report(
            policy.key.pos(),
            container.path("imagePullPolicy"),
            format!(
                "{} sets imagePullPolicy={policy_name} for the mutable image \"{image}\", so a \
                 node may run a stale or planted copy; pin the image to a digest or remove \
                 imagePullPolicy",
                container.describe()
            ),
        )
        .in_container(&container);
    }
}
