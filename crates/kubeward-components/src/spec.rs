//! kubeward's model of each program's settings: which flags are
//! booleans or lists, their defaults by version, and the configuration
//! file field each maps to.
//!
//! Only the settings rules read, and the booleans whose type changes how a
//! command line is parsed, are listed; other flags are parsed generically.
//! Defaults follow the programs' own sources: the kube-apiserver,
//! kube-controller-manager and kube-scheduler option structs, the kubelet's
//! `KubeletConfiguration` v1beta1 defaulting and the legacy flag defaults it
//! keeps for kubelets started without `--config`, and etcd's documented
//! flag defaults.

use kubeward_core::ComponentKind;
use kubeward_core::component::KubeVersion;

use crate::flags::Arity;

/// How a setting takes values.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    Bool,
    /// A number, a duration, a path or any other single value.
    Scalar,
    /// A string slice: each use adds comma-separated items, and the first
    /// use on a command line replaces the default.
    List,
    /// A `key=value,key=value` map such as `--feature-gates`: each use
    /// merges its keys over earlier ones.
    Map,
}

/// One setting of a program.
#[derive(Clone, Copy, Debug)]
pub struct SettingSpec {
    /// The flag name without dashes.
    pub name: &'static str,
    pub kind: Kind,
    /// The field of the configuration file, as a dotted path, for programs
    /// that read one.
    pub field: Option<&'static str>,
}

const fn flag(name: &'static str, kind: Kind) -> SettingSpec {
    SettingSpec {
        name,
        kind,
        field: None,
    }
}

const fn field(name: &'static str, kind: Kind, field: &'static str) -> SettingSpec {
    SettingSpec {
        name,
        kind,
        field: Some(field),
    }
}

use Kind::{Bool, List, Map, Scalar};

const API_SERVER: &[SettingSpec] = &[
    flag("admission-control", List),
    flag("admission-control-config-file", Scalar),
    flag("allow-privileged", Bool),
    flag("anonymous-auth", Bool),
    flag("audit-log-maxage", Scalar),
    flag("audit-log-maxbackup", Scalar),
    flag("audit-log-maxsize", Scalar),
    flag("audit-log-path", Scalar),
    flag("audit-policy-file", Scalar),
    flag("audit-webhook-config-file", Scalar),
    flag("authorization-config", Scalar),
    flag("authorization-mode", List),
    flag("basic-auth-file", Scalar),
    flag("bind-address", Scalar),
    flag("client-ca-file", Scalar),
    flag("disable-admission-plugins", List),
    flag("enable-admission-plugins", List),
    flag("enable-bootstrap-token-auth", Bool),
    flag("enable-swagger-ui", Bool),
    flag("encryption-provider-config", Scalar),
    flag("etcd-cafile", Scalar),
    flag("etcd-certfile", Scalar),
    flag("etcd-keyfile", Scalar),
    flag("etcd-servers", List),
    flag("feature-gates", Map),
    flag("insecure-bind-address", Scalar),
    flag("insecure-port", Scalar),
    flag("kubelet-certificate-authority", Scalar),
    flag("kubelet-client-certificate", Scalar),
    flag("kubelet-client-key", Scalar),
    flag("kubelet-https", Bool),
    flag("profiling", Bool),
    flag("request-timeout", Scalar),
    flag("secure-port", Scalar),
    flag("service-account-extend-token-expiration", Bool),
    flag("service-account-key-file", List),
    flag("service-account-lookup", Bool),
    flag("tls-cert-file", Scalar),
    flag("tls-cipher-suites", List),
    flag("tls-min-version", Scalar),
    flag("tls-private-key-file", Scalar),
    flag("token-auth-file", Scalar),
];

const CONTROLLER_MANAGER: &[SettingSpec] = &[
    flag("bind-address", Scalar),
    flag("feature-gates", Map),
    flag("kubeconfig", Scalar),
    flag("leader-elect", Bool),
    flag("profiling", Bool),
    flag("root-ca-file", Scalar),
    flag("service-account-private-key-file", Scalar),
    flag("terminated-pod-gc-threshold", Scalar),
    flag("use-service-account-credentials", Bool),
];

const SCHEDULER: &[SettingSpec] = &[
    flag("bind-address", Scalar),
    flag("config", Scalar),
    flag("kubeconfig", Scalar),
    flag("leader-elect", Bool),
    field("profiling", Bool, "enableProfiling"),
];

const ETCD: &[SettingSpec] = &[
    field("auto-tls", Bool, "client-transport-security.auto-tls"),
    field("cert-file", Scalar, "client-transport-security.cert-file"),
    field(
        "client-cert-auth",
        Bool,
        "client-transport-security.client-cert-auth",
    ),
    flag("config-file", Scalar),
    field("data-dir", Scalar, "data-dir"),
    field("key-file", Scalar, "client-transport-security.key-file"),
    field("listen-client-urls", Scalar, "listen-client-urls"),
    field("listen-metrics-urls", Scalar, "listen-metrics-urls"),
    field("listen-peer-urls", Scalar, "listen-peer-urls"),
    field("name", Scalar, "name"),
    field("peer-auto-tls", Bool, "peer-transport-security.auto-tls"),
    field(
        "peer-cert-file",
        Scalar,
        "peer-transport-security.cert-file",
    ),
    field(
        "peer-client-cert-auth",
        Bool,
        "peer-transport-security.client-cert-auth",
    ),
    field("peer-key-file", Scalar, "peer-transport-security.key-file"),
    field(
        "peer-trusted-ca-file",
        Scalar,
        "peer-transport-security.trusted-ca-file",
    ),
    field(
        "trusted-ca-file",
        Scalar,
        "client-transport-security.trusted-ca-file",
    ),
];

const KUBELET: &[SettingSpec] = &[
    field("address", Scalar, "address"),
    field("anonymous-auth", Bool, "authentication.anonymous.enabled"),
    field(
        "authentication-token-webhook",
        Bool,
        "authentication.webhook.enabled",
    ),
    field("authorization-mode", Scalar, "authorization.mode"),
    flag("bootstrap-kubeconfig", Scalar),
    field("client-ca-file", Scalar, "authentication.x509.clientCAFile"),
    flag("cni-conf-dir", Scalar),
    flag("config", Scalar),
    field("event-qps", Scalar, "eventRecordQPS"),
    field("feature-gates", Map, "featureGates"),
    flag("hostname-override", Scalar),
    flag("kubeconfig", Scalar),
    field("make-iptables-util-chains", Bool, "makeIPTablesUtilChains"),
    field("pod-max-pids", Scalar, "podPidsLimit"),
    field("protect-kernel-defaults", Bool, "protectKernelDefaults"),
    field("read-only-port", Scalar, "readOnlyPort"),
    field("rotate-certificates", Bool, "rotateCertificates"),
    field("seccomp-default", Bool, "seccompDefault"),
    field(
        "streaming-connection-idle-timeout",
        Scalar,
        "streamingConnectionIdleTimeout",
    ),
    field("tls-cert-file", Scalar, "tlsCertFile"),
    field("tls-cipher-suites", List, "tlsCipherSuites"),
    field("tls-private-key-file", Scalar, "tlsPrivateKeyFile"),
    field("server-tls-bootstrap", Bool, "serverTLSBootstrap"),
];

const KUBE_PROXY: &[SettingSpec] = &[
    flag("config", Scalar),
    flag("kubeconfig", Scalar),
    field("metrics-bind-address", Scalar, "metricsBindAddress"),
];

/// Old flag names that programs still accept under a new name.
const ALIASES: &[(ComponentKind, &str, &str)] = &[(
    ComponentKind::ApiServer,
    "experimental-encryption-provider-config",
    "encryption-provider-config",
)];

/// The settings of `kind`.
pub fn settings(kind: ComponentKind) -> &'static [SettingSpec] {
    match kind {
        ComponentKind::ApiServer => API_SERVER,
        ComponentKind::Etcd => ETCD,
        ComponentKind::Kubelet => KUBELET,
        ComponentKind::ControllerManager => CONTROLLER_MANAGER,
        ComponentKind::Scheduler => SCHEDULER,
        ComponentKind::KubeProxy => KUBE_PROXY,
    }
}

/// The spec of setting `name` of `kind`.
pub fn setting(kind: ComponentKind, name: &str) -> Option<&'static SettingSpec> {
    settings(kind).iter().find(|spec| spec.name == name)
}

/// The current name of flag `name`, which may be an old alias.
pub fn canonical(kind: ComponentKind, name: &str) -> &str {
    ALIASES
        .iter()
        .find(|(k, old, _)| *k == kind && *old == name)
        .map_or(name, |(_, _, new)| new)
}

/// How flag `name` of `kind` takes its value.
pub fn arity(kind: ComponentKind, name: &str) -> Arity {
    match setting(kind, canonical(kind, name)) {
        Some(spec) if spec.kind == Kind::Bool => Arity::Bool,
        Some(_) => Arity::Value,
        None if is_known_bool(name) => Arity::Bool,
        None => Arity::Unknown,
    }
}

/// Boolean flags that kubeward reads no value of but that appear on
/// command lines, so a following word is not taken as their value.
fn is_known_bool(name: &str) -> bool {
    matches!(
        name,
        "alsologtostderr"
            | "logtostderr"
            | "enable-custom-metrics"
            | "require-kubeconfig"
            | "register-node"
            | "fail-swap-on"
            | "cgroups-per-qos"
            | "enable-server"
            | "allocate-node-cidrs"
            | "configure-cloud-routes"
            | "enable-hostpath-provisioner"
            | "experimental-initial-corrupt-check"
            | "enable-v2"
            | "enable-pprof"
            | "strict-reconfig-check"
            | "force-new-cluster"
            | "cluster-init"
    )
}

/// The field of the configuration file that holds setting `name`.
pub fn config_field(kind: ComponentKind, name: &str) -> Option<&'static str> {
    setting(kind, name)?.field
}

/// The defaults of `kind` at `version` (newest when unknown), as setting
/// names and values. `has_config` is whether the program was given a
/// configuration file, which changes the kubelet's defaults.
pub fn defaults(
    kind: ComponentKind,
    version: Option<KubeVersion>,
    has_config: bool,
) -> Vec<(&'static str, &'static str)> {
    let minor = version.map_or(u32::MAX, |v| if v.major == 1 { v.minor } else { u32::MAX });
    match kind {
        ComponentKind::ApiServer => api_server_defaults(minor),
        ComponentKind::Etcd => vec![
            ("auto-tls", "false"),
            ("client-cert-auth", "false"),
            ("data-dir", "${name}.etcd"),
            ("listen-client-urls", "http://localhost:2379"),
            ("listen-peer-urls", "http://localhost:2380"),
            ("name", "default"),
            ("peer-auto-tls", "false"),
            ("peer-client-cert-auth", "false"),
        ],
        ComponentKind::Kubelet => kubelet_defaults(minor, has_config),
        ComponentKind::ControllerManager => vec![
            ("bind-address", "0.0.0.0"),
            ("leader-elect", "true"),
            ("profiling", "true"),
            ("terminated-pod-gc-threshold", "12500"),
            ("use-service-account-credentials", "false"),
        ],
        ComponentKind::Scheduler => vec![
            ("bind-address", "0.0.0.0"),
            ("leader-elect", "true"),
            ("profiling", "true"),
        ],
        ComponentKind::KubeProxy => vec![("metrics-bind-address", "127.0.0.1:10249")],
    }
}

fn api_server_defaults(minor: u32) -> Vec<(&'static str, &'static str)> {
    let mut out = vec![
        ("allow-privileged", "false"),
        ("anonymous-auth", "true"),
        ("audit-log-maxage", "0"),
        ("audit-log-maxbackup", "0"),
        ("audit-log-maxsize", "0"),
        ("authorization-mode", "AlwaysAllow"),
        ("bind-address", "0.0.0.0"),
        ("enable-bootstrap-token-auth", "false"),
        ("profiling", "true"),
        ("request-timeout", "1m0s"),
        ("secure-port", "6443"),
        ("service-account-lookup", "true"),
    ];
    // The flag appeared in 1.19 with true as its default.
    if minor >= 19 {
        out.push(("service-account-extend-token-expiration", "true"));
    }
    // The insecure port served on 127.0.0.1:8080 by default until 1.20,
    // was off by default in 1.20 to 1.23, and was removed in 1.24.
    if minor < 20 {
        out.push(("insecure-port", "8080"));
        out.push(("insecure-bind-address", "127.0.0.1"));
    }
    out
}

fn kubelet_defaults(minor: u32, has_config: bool) -> Vec<(&'static str, &'static str)> {
    let mut out = vec![
        ("address", "0.0.0.0"),
        ("make-iptables-util-chains", "true"),
        ("pod-max-pids", "-1"),
        ("protect-kernel-defaults", "false"),
        ("rotate-certificates", "false"),
        ("seccomp-default", "false"),
        ("server-tls-bootstrap", "false"),
        ("streaming-connection-idle-timeout", "4h0m0s"),
    ];
    // KubeletConfiguration v1beta1 raised eventRecordQPS from 5 to 50 in
    // Kubernetes 1.27.
    out.push(("event-qps", if minor >= 27 { "50" } else { "5" }));
    if has_config {
        // The defaults of the KubeletConfiguration API.
        out.extend([
            ("anonymous-auth", "false"),
            ("authentication-token-webhook", "true"),
            ("authorization-mode", "Webhook"),
            ("read-only-port", "0"),
        ]);
    } else {
        // The legacy defaults the kubelet keeps for its command-line flags
        // when no config file is given (`applyLegacyDefaults`).
        out.extend([
            ("anonymous-auth", "true"),
            ("authentication-token-webhook", "false"),
            ("authorization-mode", "AlwaysAllow"),
            ("read-only-port", "10255"),
        ]);
    }
    out
}

/// The admission plugins kube-apiserver enables when no
/// `--enable-admission-plugins` or `--admission-control` says otherwise:
/// the complement of `DefaultOffAdmissionPlugins` in kube-apiserver 1.30
/// and later. Plugins outside this list, such as NodeRestriction,
/// AlwaysPullImages or EventRateLimit, are off unless enabled.
pub const DEFAULT_ADMISSION_PLUGINS: &[&str] = &[
    "NamespaceLifecycle",
    "LimitRanger",
    "ServiceAccount",
    "TaintNodesByCondition",
    "PodSecurity",
    "Priority",
    "DefaultTolerationSeconds",
    "DefaultStorageClass",
    "StorageObjectInUseProtection",
    "PersistentVolumeClaimResize",
    "RuntimeClass",
    "CertificateApproval",
    "CertificateSigning",
    "ClusterTrustBundleAttest",
    "CertificateSubjectRestriction",
    "DefaultIngressClass",
    "MutatingAdmissionWebhook",
    "ValidatingAdmissionPolicy",
    "ValidatingAdmissionWebhook",
    "ResourceQuota",
];
