use kubeward_core::yaml::Pos;
use kubeward_core::{
    Check, Family, Inventory, InventorySink, PodSpec, RuleStatus, Severity, StoredObject,
    declare_rule,
};

use crate::cluster_scope::WORKLOAD_KINDS;

declare_rule! {
    /// ## What it checks
    ///
    /// Every pod spec that does not set `automountServiceAccountToken:
    /// false`: the field is absent, `true`, or not a boolean.
    ///
    /// The kubelet mounts a token when the pod's field is `true`, or when
    /// it is unset and the pod's ServiceAccount does not set
    /// `automountServiceAccountToken: false`. The pod's field wins over the
    /// ServiceAccount's. When the pod spec leaves the field unset, the rule
    /// looks for the pod's ServiceAccount (`serviceAccountName`, else
    /// `default`) in the same namespace among the scanned manifests, and
    /// reports nothing when that account sets the field to `false`. A
    /// ServiceAccount that is not in the input may exist only in the
    /// cluster, so the pod is reported.
    ///
    /// ## Why it matters
    ///
    /// The token lets anyone who can read the container's filesystem call
    /// the API server as the pod's ServiceAccount. Most applications never
    /// call the API server, and for them the token only helps an attacker
    /// who got code execution in the container: to read Secrets, list the
    /// cluster or create pods, as far as RBAC allows the account.
    ///
    /// ## Failing example
    ///
    /// ```yaml
    /// apiVersion: apps/v1
    /// kind: Deployment
    /// metadata:
    ///   name: frontend
    /// spec:
    ///   selector:
    ///     matchLabels: {app: frontend}
    ///   template:
    ///     metadata:
    ///       labels: {app: frontend}
    ///     spec:
    ///       containers:
    ///         - name: frontend
    ///           image: registry.example.com/frontend:3.2.0
    /// ```
    ///
    /// ## Fixed example
    ///
    /// ```yaml
    /// apiVersion: apps/v1
    /// kind: Deployment
    /// metadata:
    ///   name: frontend
    /// spec:
    ///   selector:
    ///     matchLabels: {app: frontend}
    ///   template:
    ///     metadata:
    ///       labels: {app: frontend}
    ///     spec:
    ///       automountServiceAccountToken: false
    ///       containers:
    ///         - name: frontend
    ///           image: registry.example.com/frontend:3.2.0
    /// ```
    ///
    /// ## Known limitations
    ///
    /// A ServiceAccount with `automountServiceAccountToken: false` counts
    /// only when it is scanned with the pod: scanning files one at a time
    /// reports pods whose account turns the token off elsewhere. Manifests
    /// without a namespace are taken to share one. Workloads that call the
    /// API server need the token; suppress the finding for them, or mount a
    /// projected token with a short expiry and a specific audience.
    ///
    /// ## References
    ///
    /// - CIS Kubernetes Benchmark 5.1.6: ensure that Service Account Tokens are only mounted where necessary
    /// - NSA/CISA Kubernetes Hardening Guide, "Kubernetes Pod security": "Protecting Pod service account tokens"
    /// - kubescape C-0034 "Automatic mapping of service account"
    /// - Kubernetes documentation, "Configure Service Accounts for Pods"
    ///   (<https://kubernetes.io/docs/tasks/configure-pod-container/configure-service-account/>)
    pub static RULE = {
        id: "service-account-token-automount",
        family: Family::Container,
        severity: Severity::Low,
        summary: "Pod may mount a service account token",
        remediation: "Set automountServiceAccountToken: false in the pod spec unless the pod calls the API server.",
        pss: None,
        recommended: true,
        status: RuleStatus::Stable,
        check: Check::Inventory { kinds: &KINDS, check },
    };
}

/// The pod spec owners and the accounts their pods run as.
const KINDS: [&str; 10] = [
    WORKLOAD_KINDS[0],
    WORKLOAD_KINDS[1],
    WORKLOAD_KINDS[2],
    WORKLOAD_KINDS[3],
    WORKLOAD_KINDS[4],
    WORKLOAD_KINDS[5],
    WORKLOAD_KINDS[6],
    WORKLOAD_KINDS[7],
    WORKLOAD_KINDS[8],
    "ServiceAccount",
];

/// The token settings of a pod spec, read from a kept object.
struct PodToken {
    /// The pod spec's `automountServiceAccountToken`, when a boolean.
    automount: Option<bool>,
    /// The ServiceAccount the pods run as.
    account: String,
    pos: Pos,
    path: String,
}

impl PodToken {
    fn of(pod: &PodSpec<'_, '_, '_>) -> Self {
        let field = "automountServiceAccountToken";
        // `serviceAccount` is the deprecated spelling the API server still
        // copies into `serviceAccountName` when only it is set.
        let account = ["serviceAccountName", "serviceAccount"]
            .iter()
            .find_map(|key| pod.spec.get_str(key).filter(|name| !name.is_empty()))
            .unwrap_or("default");
        PodToken {
            automount: pod.spec.get(field).and_then(|v| v.as_bool()),
            account: account.to_owned(),
            pos: pod.locate(&[field]),
            path: pod.path(field),
        }
    }
}

/// Returns the namespace an object is applied to. Manifests without one
/// are taken to share `default`.
fn namespace(object: &StoredObject) -> &str {
    object.namespace().unwrap_or("default")
}

/// The token setting of the pod's ServiceAccount.
enum Account {
    /// Not among the scanned manifests.
    Missing,
    /// Sets `automountServiceAccountToken: false`.
    OptsOut,
    /// Leaves the field unset, sets `true` or a non-boolean.
    LeavesItOn,
}

/// Finds the ServiceAccount `name` of `namespace_name` in the inventory.
/// When it is written more than once, the last one counts, as `kubectl
/// apply` leaves the last one applied.
fn account_setting(inventory: &Inventory, namespace_name: &str, name: &str) -> Account {
    let found = inventory.of_kind(&["ServiceAccount"]).filter(|account| {
        account.reference.api_version == "v1"
            && account.name() == Some(name)
            && namespace(account) == namespace_name
    });
    let found = found.last();
    match found {
        None => Account::Missing,
        Some(account) => {
            let setting = account.root().get("automountServiceAccountToken");
            if setting.and_then(|v| v.as_bool()) == Some(false) {
                Account::OptsOut
            } else {
                Account::LeavesItOn
            }
        }
    }
}

fn check(inventory: &Inventory, sink: &mut InventorySink<'_>) {
    let field = "automountServiceAccountToken";
    for object in inventory.of_kind(&WORKLOAD_KINDS) {
        let Some(pod) = object.with_object(|view| PodSpec::of(view).map(|pod| PodToken::of(&pod)))
        else {
            continue;
        };
        let account = &pod.account;
        let message = match (
            pod.automount,
            account_setting(inventory, namespace(object), account),
        ) {
            (Some(false), _) | (None, Account::OptsOut) => continue,
            (Some(true), _) => format!(
                "the pod spec sets {field}=true; set it to false unless the pod calls the API \
                 server"
            ),
            (None, Account::LeavesItOn) => format!(
                "neither the pod spec nor its ServiceAccount {account:?} sets {field}=false, so \
                 the pods get a token; set it to false in the pod spec or on the account unless \
                 the pod calls the API server"
            ),
            (None, Account::Missing) => format!(
                "the pod spec does not set {field}=false, and its ServiceAccount {account:?} is \
                 not among the scanned manifests, so its setting decides; set it to false in the \
                 pod spec unless the pod calls the API server"
            ),
        };
        sink.report(object, pod.pos, pod.path, message);
    }
}
