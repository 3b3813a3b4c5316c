//! The built-in resources of Kubernetes that RBAC rules name most often:
//! their API group and whether they are cluster-scoped, as API discovery
//! reports them. kubectl learns this from the API server; kubeward, which
//! reads manifests, keeps this table.

/// A resource: plural name, API group (empty for the core group) and
/// whether objects of it have no namespace.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ResourceInfo {
    pub resource: &'static str,
    pub group: &'static str,
    pub cluster_scoped: bool,
}

const fn namespaced(resource: &'static str, group: &'static str) -> ResourceInfo {
    ResourceInfo {
        resource,
        group,
        cluster_scoped: false,
    }
}

const fn cluster(resource: &'static str, group: &'static str) -> ResourceInfo {
    ResourceInfo {
        resource,
        group,
        cluster_scoped: true,
    }
}

/// Built-in resources, by preferred API group. `users`, `groups`, `uids`
/// and `userextras` are the resources impersonation is authorized on, and
/// `signers` the one certificate approval is.
pub const RESOURCES: &[ResourceInfo] = &[
    namespaced("bindings", ""),
    cluster("componentstatuses", ""),
    namespaced("configmaps", ""),
    namespaced("endpoints", ""),
    namespaced("events", ""),
    namespaced("limitranges", ""),
    cluster("namespaces", ""),
    cluster("nodes", ""),
    namespaced("persistentvolumeclaims", ""),
    cluster("persistentvolumes", ""),
    namespaced("pods", ""),
    namespaced("podtemplates", ""),
    namespaced("replicationcontrollers", ""),
    namespaced("resourcequotas", ""),
    namespaced("secrets", ""),
    namespaced("serviceaccounts", ""),
    namespaced("services", ""),
    cluster("users", ""),
    cluster("groups", ""),
    cluster(
        "mutatingwebhookconfigurations",
        "admissionregistration.k8s.io",
    ),
    cluster(
        "validatingwebhookconfigurations",
        "admissionregistration.k8s.io",
    ),
    cluster("mutatingadmissionpolicies", "admissionregistration.k8s.io"),
    cluster(
        "mutatingadmissionpolicybindings",
        "admissionregistration.k8s.io",
    ),
    cluster(
        "validatingadmissionpolicies",
        "admissionregistration.k8s.io",
    ),
    cluster(
        "validatingadmissionpolicybindings",
        "admissionregistration.k8s.io",
    ),
    cluster("customresourcedefinitions", "apiextensions.k8s.io"),
    cluster("apiservices", "apiregistration.k8s.io"),
    namespaced("controllerrevisions", "apps"),
    namespaced("daemonsets", "apps"),
    namespaced("deployments", "apps"),
    namespaced("replicasets", "apps"),
    namespaced("statefulsets", "apps"),
    cluster("selfsubjectreviews", "authentication.k8s.io"),
    cluster("tokenreviews", "authentication.k8s.io"),
    cluster("uids", "authentication.k8s.io"),
    cluster("userextras", "authentication.k8s.io"),
    namespaced("localsubjectaccessreviews", "authorization.k8s.io"),
    cluster("selfsubjectaccessreviews", "authorization.k8s.io"),
    cluster("selfsubjectrulesreviews", "authorization.k8s.io"),
    cluster("subjectaccessreviews", "authorization.k8s.io"),
    namespaced("horizontalpodautoscalers", "autoscaling"),
    namespaced("cronjobs", "batch"),
    namespaced("jobs", "batch"),
    cluster("certificatesigningrequests", "certificates.k8s.io"),
    cluster("signers", "certificates.k8s.io"),
    cluster("clustertrustbundles", "certificates.k8s.io"),
    namespaced("leases", "coordination.k8s.io"),
    namespaced("endpointslices", "discovery.k8s.io"),
    namespaced("events", "events.k8s.io"),
    cluster("flowschemas", "flowcontrol.apiserver.k8s.io"),
    cluster(
        "prioritylevelconfigurations",
        "flowcontrol.apiserver.k8s.io",
    ),
    namespaced("ingresses", "networking.k8s.io"),
    cluster("ingressclasses", "networking.k8s.io"),
    namespaced("networkpolicies", "networking.k8s.io"),
    cluster("ipaddresses", "networking.k8s.io"),
    cluster("servicecidrs", "networking.k8s.io"),
    cluster("runtimeclasses", "node.k8s.io"),
    namespaced("poddisruptionbudgets", "policy"),
    cluster("clusterrolebindings", "rbac.authorization.k8s.io"),
    cluster("clusterroles", "rbac.authorization.k8s.io"),
    namespaced("rolebindings", "rbac.authorization.k8s.io"),
    namespaced("roles", "rbac.authorization.k8s.io"),
    cluster("deviceclasses", "resource.k8s.io"),
    namespaced("resourceclaims", "resource.k8s.io"),
    namespaced("resourceclaimtemplates", "resource.k8s.io"),
    cluster("resourceslices", "resource.k8s.io"),
    cluster("priorityclasses", "scheduling.k8s.io"),
    cluster("csidrivers", "storage.k8s.io"),
    cluster("csinodes", "storage.k8s.io"),
    namespaced("csistoragecapacities", "storage.k8s.io"),
    cluster("storageclasses", "storage.k8s.io"),
    cluster("volumeattachments", "storage.k8s.io"),
    cluster("volumeattributesclasses", "storage.k8s.io"),
];

/// The built-in resource named `resource`, in `group` when given, else in
/// the first group that has it (the core group's `events` before
/// `events.k8s.io`'s).
pub fn lookup(resource: &str, group: Option<&str>) -> Option<&'static ResourceInfo> {
    RESOURCES
        .iter()
        .find(|info| info.resource == resource && group.is_none_or(|g| g == info.group))
}

/// Whether requests for `resource` in `group` never have a namespace.
/// Unknown resources, such as those of custom resource definitions, count
/// as namespaced.
pub fn is_cluster_scoped(group: &str, resource: &str) -> bool {
    lookup(resource, Some(group)).is_some_and(|info| info.cluster_scoped)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lookup_by_name_and_group() {
        assert_eq!(lookup("deployments", None).map(|r| r.group), Some("apps"));
        assert_eq!(lookup("events", None).map(|r| r.group), Some(""));
        assert!(lookup("events", Some("events.k8s.io")).is_some());
        assert!(lookup("deployments", Some("")).is_none());
        assert!(is_cluster_scoped("", "nodes"));
        assert!(!is_cluster_scoped("", "secrets"));
        assert!(!is_cluster_scoped("example.com", "widgets"));
    }
}
