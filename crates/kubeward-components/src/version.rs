//! Kubernetes versions, read from image tags and kubeadm's
//! `kubernetesVersion`, to pick the defaults of the version that runs.

use kubeward_core::component::KubeVersion;

/// Reads `v1.32.2`, `1.21`, `v1.29.2+k3s1` or `v1.30.0-rc.1` as a minor
/// version. Returns `None` for anything else, such as `stable` or a
/// placeholder.
pub fn parse_version(text: &str) -> Option<KubeVersion> {
    let text = text.trim();
    let text = text.strip_prefix('v').unwrap_or(text);
    let mut parts = text.split(['.', '-', '+']);
    let major = parts.next()?.parse().ok()?;
    let minor = parts.next()?.parse().ok()?;
    Some(KubeVersion { major, minor })
}

/// The Kubernetes version in the tag of a component image such as
/// `registry.k8s.io/kube-apiserver:v1.32.2` or
/// `gcr.io/google_containers/hyperkube-amd64:v1.8.0`. A digest or a tag
/// that is not a version gives `None`.
pub fn from_image(image: &str) -> Option<KubeVersion> {
    let image = image.split('@').next().unwrap_or(image);
    let name = image.rsplit('/').next().unwrap_or(image);
    let (_, tag) = name.rsplit_once(':')?;
    if !tag.starts_with('v') {
        return None;
    }
    parse_version(tag)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn v(minor: u32) -> KubeVersion {
        KubeVersion { major: 1, minor }
    }

    #[test]
    fn reads_versions() {
        assert_eq!(parse_version("v1.32.2"), Some(v(32)));
        assert_eq!(parse_version("1.21"), Some(v(21)));
        assert_eq!(parse_version("v1.29.2+k3s1"), Some(v(29)));
        assert_eq!(parse_version("stable-1"), None);
    }

    #[test]
    fn reads_image_tags() {
        assert_eq!(
            from_image("registry.k8s.io/kube-apiserver:v1.32.2"),
            Some(v(32))
        );
        assert_eq!(
            from_image("localhost:5000/kube-apiserver:v1.8.0"),
            Some(v(8))
        );
        assert_eq!(from_image("registry.k8s.io/etcd:3.5.16-0"), None);
        assert_eq!(from_image("hyperkube-amd64:__RELEASE__"), None);
        assert_eq!(from_image("localhost:5000/kube-apiserver"), None);
    }
}
