//! The JSON types of the metadata and pod template fields that kubeward's
//! rules read, as the Kubernetes API (`k8s.io/api/core/v1` and
//! `k8s.io/apimachinery/pkg/apis/meta/v1`) declares them.
//!
//! The table starts at an object's metadata (which is also the pod
//! template's), the pod spec and a container. Fields that are absent here
//! are not checked. Fields whose type is here but whose subfields are not
//! are checked only as a whole.

/// The JSON type the API expects for a field.
#[derive(Debug)]
pub(crate) enum FieldType {
    Bool,
    /// `int32` or `int64`. A float without a fraction, such as `1.0` or
    /// `1e3`, counts: YAML-to-JSON conversion writes it as an integer.
    Int,
    Str,
    /// A resource quantity (`500m`, `1Gi`, `2`): a string or a number.
    Quantity,
    /// `IntOrString`, as used for probe ports: a string or an integer.
    IntOrString,
    /// A JSON array whose items have this type.
    List(&'static FieldType),
    /// A JSON object whose values all have this type, such as labels.
    MapOf(&'static FieldType),
    /// A JSON object with these known fields. Other fields are not checked.
    Object(&'static [Field]),
}

/// One field of an object: its JSON name and type.
#[derive(Debug)]
pub(crate) struct Field {
    pub name: &'static str,
    pub ty: FieldType,
}

const fn field(name: &'static str, ty: FieldType) -> Field {
    Field { name, ty }
}

use FieldType::{Bool, Int, IntOrString, List, MapOf, Object, Quantity, Str};

const STRINGS: FieldType = List(&Str);

/// `ObjectMeta`: the `metadata` of every object, and of a pod template.
pub(crate) static METADATA: &[Field] = &[
    field("name", Str),
    field("generateName", Str),
    field("namespace", Str),
    field("uid", Str),
    field("resourceVersion", Str),
    field("generation", Int),
    field("labels", MapOf(&Str)),
    field("annotations", MapOf(&Str)),
    field("finalizers", STRINGS),
    field("ownerReferences", List(&Object(OWNER_REFERENCE))),
];

static OWNER_REFERENCE: &[Field] = &[
    field("apiVersion", Str),
    field("kind", Str),
    field("name", Str),
    field("uid", Str),
    field("controller", Bool),
    field("blockOwnerDeletion", Bool),
];

/// `PodSpec`.
pub(crate) static POD_SPEC: &[Field] = &[
    field("initContainers", List(&Object(CONTAINER))),
    field("containers", List(&Object(CONTAINER))),
    field("ephemeralContainers", List(&Object(CONTAINER))),
    field("volumes", List(&Object(VOLUME))),
    field("securityContext", Object(POD_SECURITY_CONTEXT)),
    field("hostNetwork", Bool),
    field("hostPID", Bool),
    field("hostIPC", Bool),
    field("hostUsers", Bool),
    field("shareProcessNamespace", Bool),
    field("automountServiceAccountToken", Bool),
    field("enableServiceLinks", Bool),
    field("setHostnameAsFQDN", Bool),
    field("serviceAccountName", Str),
    field("serviceAccount", Str),
    field("nodeName", Str),
    field("hostname", Str),
    field("subdomain", Str),
    field("restartPolicy", Str),
    field("dnsPolicy", Str),
    field("schedulerName", Str),
    field("priorityClassName", Str),
    field("runtimeClassName", Str),
    field("preemptionPolicy", Str),
    field("priority", Int),
    field("terminationGracePeriodSeconds", Int),
    field("activeDeadlineSeconds", Int),
    field("nodeSelector", MapOf(&Str)),
    field("imagePullSecrets", List(&Object(NAME_REFERENCE))),
    field("os", Object(&[field("name", Str)])),
    field("resources", Object(RESOURCES)),
];

/// `PodSecurityContext`.
static POD_SECURITY_CONTEXT: &[Field] = &[
    field("runAsUser", Int),
    field("runAsGroup", Int),
    field("runAsNonRoot", Bool),
    field("fsGroup", Int),
    field("fsGroupChangePolicy", Str),
    field("supplementalGroups", List(&Int)),
    field("supplementalGroupsPolicy", Str),
    field("sysctls", List(&Object(SYSCTL))),
    field("seccompProfile", Object(PROFILE)),
    field("appArmorProfile", Object(PROFILE)),
    field("seLinuxOptions", Object(SE_LINUX_OPTIONS)),
    field("seLinuxChangePolicy", Str),
    field("windowsOptions", Object(WINDOWS_OPTIONS)),
];

/// `Container`; ephemeral containers share these fields.
pub(super) static CONTAINER: &[Field] = &[
    field("name", Str),
    field("image", Str),
    field("imagePullPolicy", Str),
    field("command", STRINGS),
    field("args", STRINGS),
    field("workingDir", Str),
    field("restartPolicy", Str),
    field("stdin", Bool),
    field("stdinOnce", Bool),
    field("tty", Bool),
    field("terminationMessagePath", Str),
    field("terminationMessagePolicy", Str),
    field("ports", List(&Object(CONTAINER_PORT))),
    field("env", List(&Object(ENV_VAR))),
    field("envFrom", List(&Object(ENV_FROM))),
    field("resources", Object(RESOURCES)),
    field("volumeMounts", List(&Object(VOLUME_MOUNT))),
    field("securityContext", Object(SECURITY_CONTEXT)),
    field("livenessProbe", Object(PROBE)),
    field("readinessProbe", Object(PROBE)),
    field("startupProbe", Object(PROBE)),
    field("lifecycle", Object(LIFECYCLE)),
];

/// `SecurityContext` of a container.
static SECURITY_CONTEXT: &[Field] = &[
    field("privileged", Bool),
    field("allowPrivilegeEscalation", Bool),
    field("readOnlyRootFilesystem", Bool),
    field("runAsNonRoot", Bool),
    field("runAsUser", Int),
    field("runAsGroup", Int),
    field("procMount", Str),
    field(
        "capabilities",
        Object(&[field("add", STRINGS), field("drop", STRINGS)]),
    ),
    field("seccompProfile", Object(PROFILE)),
    field("appArmorProfile", Object(PROFILE)),
    field("seLinuxOptions", Object(SE_LINUX_OPTIONS)),
    field("windowsOptions", Object(WINDOWS_OPTIONS)),
];

/// `SeccompProfile` and `AppArmorProfile`, which have the same fields.
static PROFILE: &[Field] = &[field("type", Str), field("localhostProfile", Str)];

static SE_LINUX_OPTIONS: &[Field] = &[
    field("user", Str),
    field("role", Str),
    field("type", Str),
    field("level", Str),
];

static WINDOWS_OPTIONS: &[Field] = &[
    field("gmsaCredentialSpecName", Str),
    field("gmsaCredentialSpec", Str),
    field("runAsUserName", Str),
    field("hostProcess", Bool),
];

static SYSCTL: &[Field] = &[field("name", Str), field("value", Str)];

static CONTAINER_PORT: &[Field] = &[
    field("name", Str),
    field("containerPort", Int),
    field("hostPort", Int),
    field("hostIP", Str),
    field("protocol", Str),
];

static ENV_VAR: &[Field] = &[
    field("name", Str),
    field("value", Str),
    field(
        "valueFrom",
        Object(&[
            field("secretKeyRef", Object(KEY_SELECTOR)),
            field("configMapKeyRef", Object(KEY_SELECTOR)),
        ]),
    ),
];

static ENV_FROM: &[Field] = &[
    field("prefix", Str),
    field("secretRef", Object(OPTIONAL_NAME_REFERENCE)),
    field("configMapRef", Object(OPTIONAL_NAME_REFERENCE)),
];

static KEY_SELECTOR: &[Field] = &[
    field("name", Str),
    field("key", Str),
    field("optional", Bool),
];

static NAME_REFERENCE: &[Field] = &[field("name", Str)];

static OPTIONAL_NAME_REFERENCE: &[Field] = &[field("name", Str), field("optional", Bool)];

static RESOURCES: &[Field] = &[
    field("limits", MapOf(&Quantity)),
    field("requests", MapOf(&Quantity)),
];

static VOLUME_MOUNT: &[Field] = &[
    field("name", Str),
    field("mountPath", Str),
    field("subPath", Str),
    field("subPathExpr", Str),
    field("readOnly", Bool),
    field("recursiveReadOnly", Str),
    field("mountPropagation", Str),
];

static VOLUME: &[Field] = &[
    field("name", Str),
    field(
        "hostPath",
        Object(&[field("path", Str), field("type", Str)]),
    ),
    field(
        "secret",
        Object(&[
            field("secretName", Str),
            field("optional", Bool),
            field("defaultMode", Int),
        ]),
    ),
    field(
        "configMap",
        Object(&[
            field("name", Str),
            field("optional", Bool),
            field("defaultMode", Int),
        ]),
    ),
    field(
        "persistentVolumeClaim",
        Object(&[field("claimName", Str), field("readOnly", Bool)]),
    ),
    field(
        "emptyDir",
        Object(&[field("medium", Str), field("sizeLimit", Quantity)]),
    ),
];

static PROBE: &[Field] = &[
    field("httpGet", Object(HTTP_GET)),
    field("tcpSocket", Object(TCP_SOCKET)),
    field("grpc", Object(&[field("port", Int), field("service", Str)])),
    field("exec", Object(&[field("command", STRINGS)])),
    field("initialDelaySeconds", Int),
    field("periodSeconds", Int),
    field("timeoutSeconds", Int),
    field("successThreshold", Int),
    field("failureThreshold", Int),
    field("terminationGracePeriodSeconds", Int),
];

/// `LifecycleHandler`, the type of `postStart` and `preStop`.
static LIFECYCLE_HANDLER: &[Field] = &[
    field("httpGet", Object(HTTP_GET)),
    field("tcpSocket", Object(TCP_SOCKET)),
    field("exec", Object(&[field("command", STRINGS)])),
];

static LIFECYCLE: &[Field] = &[
    field("postStart", Object(LIFECYCLE_HANDLER)),
    field("preStop", Object(LIFECYCLE_HANDLER)),
];

static HTTP_GET: &[Field] = &[
    field("host", Str),
    field("path", Str),
    field("port", IntOrString),
    field("scheme", Str),
];

static TCP_SOCKET: &[Field] = &[field("host", Str), field("port", IntOrString)];

impl FieldType {
    /// How messages name the type, with an article.
    pub(crate) fn describe(&self) -> &'static str {
        match self {
            Bool => "a boolean",
            Int => "an integer",
            Str => "a string",
            Quantity => "a quantity (a string or a number)",
            IntOrString => "an integer or a string",
            List(_) => "a list",
            MapOf(_) | Object(_) => "a mapping",
        }
    }
}
