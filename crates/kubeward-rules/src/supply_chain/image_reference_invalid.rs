use kubeward_core::image::{ImageRef, InvalidImageRef};
use kubeward_core::{Check, Family, PodSpec, RuleStatus, Severity, Sink, declare_rule};

declare_rule! {
    /// ## What it checks
    ///
    /// Every container, init container and ephemeral container whose
    /// `image` is not a valid image reference by the distribution
    /// reference grammar the kubelet parses it with: upper-case letters in
    /// the repository path, an empty or malformed tag, a digest with an
    /// unknown algorithm or the wrong length, two `@`, a registry host
    /// that is not a host name, white space around the reference, a bare
    /// 64-digit image id, or a name longer than 255 characters once
    /// normalised.
    ///
    /// ## Why it matters
    ///
    /// The kubelet refuses such a reference with `InvalidImageName`, so the
    /// pod never starts; a rollout that changes the image to an invalid one
    /// stalls with old and new pods side by side. Some invalid spellings
    /// are typos of a real image (`Nginx` for `nginx`), and fixing them by
    /// hand under pressure is how an image from the wrong repository gets
    /// deployed. Every other image check, signatures included, needs a
    /// reference it can resolve.
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
    ///           image: registry.example.com/Team/Web:1.4.2
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
    ///           image: registry.example.com/team/web:1.4.2
    /// ```
    ///
    /// ## Known limitations
    ///
    /// An empty `image` is not reported: workload templates may leave it
    /// for configuration management to fill in, and the API server rejects
    /// a Pod without one. A value that is not a string is the
    /// `invalid-field-type` rule's. Whether the image exists in its
    /// registry is not checked here; `kubeward images verify` resolves
    /// every reference.
    ///
    /// ## References
    ///
    /// - Kubernetes documentation, "Images": image names
    ///   (<https://kubernetes.io/docs/concepts/containers/images/#image-names>)
    /// - The `github.com/distribution/reference` grammar, which the kubelet
    ///   applies through `ParseNormalizedNamed`
    pub static RULE = {
        id: "image-reference-invalid",
        family: Family::SupplyChain,
        severity: Severity::Medium,
        summary: "Image reference is not valid",
        remediation: "Write the image as [registry[:port]/]repository[:tag][@sha256:digest] with a lower-case repository path.",
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
        let error = match ImageRef::parse(image) {
            Ok(_) | Err(InvalidImageRef::Empty) => continue,
            Err(error) => error,
        };
        sink.report(
            entry.key.pos(),
            container.path("image"),
            format!(
                "{} uses image \"{}\", which the kubelet rejects: {error}; {}",
                container.describe(),
                kubeward_core::image::mask_credentials(image)
                    .as_deref()
                    .unwrap_or(image)
                    .escape_debug(),
                fix_hint(&error),
            ),
        )
        .in_container(&container);
    }
}

/// What to change, for the message.
fn fix_hint(error: &InvalidImageRef) -> &'static str {
    match error {
        InvalidImageRef::InvalidPathComponent(component)
            if component.bytes().any(|b| b.is_ascii_uppercase()) =>
        {
            "write the repository path in lower case"
        }
        InvalidImageRef::Whitespace => "remove the white space",
        InvalidImageRef::InvalidDigest(_) => {
            "use a full sha256, sha384 or sha512 digest in lower-case hexadecimal"
        }
        InvalidImageRef::ImageId => {
            "name the repository and pin the digest as repository@sha256:<id>"
        }
        _ => "write it as [registry[:port]/]repository[:tag][@sha256:digest]",
    }
}
