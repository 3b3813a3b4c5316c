//! Runtime threat detection sensors, recognised in a pod spec by their
//! container images or, for images mirrored under other names, by the
//! labels their installation manifests and Helm charts set.

use kubeward_core::PodSpec;
use kubeward_core::image::ImageRef;

/// Repository names of sensor images, matched against the end of an
/// image's repository path by whole components, and the product.
const SENSOR_IMAGES: [(&str, &str); 12] = [
    ("falco", "Falco"),
    ("falco-no-driver", "Falco"),
    ("falco-distroless", "Falco"),
    ("tetragon", "Tetragon"),
    ("kubearmor", "KubeArmor"),
    ("tracee", "Tracee"),
    ("sysdig/agent", "the Sysdig agent"),
    ("sysdig/agent-slim", "the Sysdig agent"),
    ("neuvector/enforcer", "the NeuVector enforcer"),
    ("aquasec/enforcer", "the Aqua enforcer"),
    ("twistlock/defender", "the Prisma Cloud Defender"),
    ("falcon-sensor", "the CrowdStrike Falcon sensor"),
];

/// Label keys whose value names the application.
const NAME_LABELS: [&str; 4] = ["app.kubernetes.io/name", "app", "k8s-app", "name"];

/// Label values that name a sensor, and the product.
const SENSOR_LABELS: [(&str, &str); 5] = [
    ("falco", "Falco"),
    ("tetragon", "Tetragon"),
    ("kubearmor", "KubeArmor"),
    ("tracee", "Tracee"),
    ("sysdig-agent", "the Sysdig agent"),
];

/// The sensor a pod spec runs, if any.
pub(super) fn recognise(pod: &PodSpec<'_, '_, '_>) -> Option<&'static str> {
    by_image(pod).or_else(|| by_label(pod))
}

/// Whether the pod spec's object is a DaemonSet.
pub(super) fn is_daemon_set(pod: &PodSpec<'_, '_, '_>) -> bool {
    pod.object.kind() == "DaemonSet" && matches!(pod.object.api_group(), "apps" | "extensions")
}

fn by_image(pod: &PodSpec<'_, '_, '_>) -> Option<&'static str> {
    pod.containers().iter().find_map(|container| {
        let image = ImageRef::parse(container.node.get_str("image")?).ok()?;
        let repository = image.repository();
        SENSOR_IMAGES.iter().find_map(|(name, product)| {
            let matches = repository == *name
                || repository
                    .strip_suffix(name)
                    .is_some_and(|rest| rest.ends_with('/'));
            matches.then_some(*product)
        })
    })
}

fn by_label(pod: &PodSpec<'_, '_, '_>) -> Option<&'static str> {
    let template_labels = pod.metadata.and_then(|metadata| metadata.get("labels"));
    let object_labels = pod.object.root.path(&["metadata", "labels"]);
    [template_labels, object_labels]
        .into_iter()
        .flatten()
        .find_map(|labels| {
            NAME_LABELS.iter().find_map(|key| {
                let value = labels.get_str(key)?;
                SENSOR_LABELS
                    .iter()
                    .find_map(|(name, product)| (value == *name).then_some(*product))
            })
        })
}
