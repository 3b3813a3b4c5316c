use kubeward_core::{Check, Family, PodSpec, RuleStatus, Severity, Sink, declare_rule};

declare_rule! {
    /// ## What it checks
    ///
    /// Pod annotations `container.apparmor.security.beta.kubernetes.io/<container>`,
    /// on a Pod or on the pod template of any other owner. Since
    /// Kubernetes v1.30 the API server warns that they are deprecated in
    /// favour of the `securityContext.appArmorProfile` field of the pod or
    /// container. Whether the profile itself is allowed is the
    /// `pod-security` family's concern.
    ///
    /// ## Why it matters
    ///
    /// Deprecated annotations are removed after the deprecation period, and
    /// a removed annotation fails silently. The container then runs with
    /// the runtime's default profile, or with none where the node has
    /// AppArmor disabled. Nothing in the manifest shows that the intended
    /// profile is gone. The field is also validated by the API
    /// server and visible to every tool that reads the security context.
    ///
    /// ## Failing example
    ///
    /// ```yaml
    /// apiVersion: v1
    /// kind: Pod
    /// metadata:
    ///   name: app
    ///   annotations:
    ///     container.apparmor.security.beta.kubernetes.io/app: localhost/app-profile
    /// spec:
    ///   containers:
    ///     - name: app
    ///       image: registry.example.com/app:1.4.0
    /// ```
    ///
    /// ## Fixed example
    ///
    /// ```yaml
    /// apiVersion: v1
    /// kind: Pod
    /// metadata:
    ///   name: app
    /// spec:
    ///   containers:
    ///     - name: app
    ///       image: registry.example.com/app:1.4.0
    ///       securityContext:
    ///         appArmorProfile:
    ///           type: Localhost
    ///           localhostProfile: app-profile
    /// ```
    ///
    /// ## Known limitations
    ///
    /// Clusters older than v1.30 do not have the field; keep the annotation
    /// there and suppress this rule until they are upgraded.
    ///
    /// ## References
    ///
    /// - Kubernetes documentation, "Restrict a Container's Access to Resources with AppArmor"
    ///   (<https://kubernetes.io/docs/tutorials/security/apparmor/>)
    pub static RULE = {
        id: "apparmor-annotation-deprecated",
        family: Family::Container,
        severity: Severity::Info,
        summary: "AppArmor profile is set with the deprecated annotation",
        remediation: "Replace the annotation with securityContext.appArmorProfile on the container or pod.",
        pss: None,
        recommended: true,
        status: RuleStatus::Stable,
        check: Check::PodSpec(check),
    };
}

const ANNOTATION_PREFIX: &str = "container.apparmor.security.beta.kubernetes.io/";

fn check(pod: &PodSpec<'_, '_, '_>, sink: &mut Sink<'_>) {
    let containers = pod.containers();
    for (key, value, pos) in pod.annotations() {
        let Some(name) = key.strip_prefix(ANNOTATION_PREFIX) else {
            continue;
        };
        let finding = sink.report(
            pos,
            format!("{}.annotations[{key}]", pod.metadata_prefix),
            format!(
                "annotation {key} is deprecated since Kubernetes v1.30; set \
                 securityContext.appArmorProfile {} on container \"{name}\" instead",
                field_value(value)
            ),
        );
        if let Some(container) = containers.iter().find(|c| c.name() == name) {
            finding.in_container(container);
        }
    }
}

/// The `appArmorProfile` value equivalent to an annotation value, in YAML
/// flow style.
fn field_value(annotation: &str) -> String {
    match annotation {
        "runtime/default" => "{type: RuntimeDefault}".to_owned(),
        "unconfined" => "{type: Unconfined}".to_owned(),
        _ => match annotation.strip_prefix("localhost/") {
            Some(profile) => format!("{{type: Localhost, localhostProfile: {profile}}}"),
            None => "with the matching type".to_owned(),
        },
    }
}
