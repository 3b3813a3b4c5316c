//! The admin interfaces kubeward recognises, and the authenticating
//! proxies that may stand in front of them.
//!
//! A container runs an admin UI when its image repository is one the UI
//! publishes (any registry or mirror, any tag), or, for images built in
//! house, when a pod label names the UI (`app.kubernetes.io/name`, `app`,
//! `k8s-app`, `name`, `component`) and the container declares the UI's
//! port. A label alone is not enough: a pod labelled
//! `app: kubernetes-dashboard` that runs `nginx` is not the Dashboard.
//!
//! For each UI the catalog knows the port it listens on, whether that port
//! speaks TLS, and whether the UI asks for a login of its own, with the
//! flags and environment variables that change these defaults.

use std::sync::LazyLock;

use kubeward_core::image::ImageRef;
use kubeward_core::yaml::{NodeRef, Pos};

use super::args::{CommandLine, env_var, parse_go_bool};
use super::dashboard::DashboardConfig;
use super::model::Field;

/// What an admin UI asks of a user before serving them.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Login {
    /// The UI requires a login; the text names it ("token login").
    Required(String),
    /// The UI has no login at all; the text says so.
    None(String),
    /// A setting turns the UI's login off.
    Disabled { reason: String, field: Field },
    /// The manifests do not show whether the UI asks for a login.
    Unknown(String),
}

impl Login {
    /// Whether anyone who reaches the UI can use it without logging in.
    pub fn is_open(&self) -> bool {
        matches!(self, Login::None(_) | Login::Disabled { .. })
    }

    /// A clause for messages, such as "its own token login is the only
    /// barrier".
    pub fn describe(&self) -> String {
        match self {
            Login::Required(kind) => format!("its own {kind} is the only barrier"),
            Login::None(reason) | Login::Disabled { reason, .. } | Login::Unknown(reason) => {
                reason.clone()
            }
        }
    }
}

/// Whether a port speaks TLS.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Scheme {
    Http,
    Https,
    Unknown,
}

/// A port an admin UI listens on.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct UiPort {
    pub number: u16,
    pub scheme: Scheme,
    /// False when the UI binds the port to loopback only.
    pub reachable: bool,
}

impl UiPort {
    pub fn new(number: u16, scheme: Scheme) -> Self {
        UiPort {
            number,
            scheme,
            reachable: true,
        }
    }
}

/// What one container's settings make of an admin UI.
#[derive(Clone, Debug)]
pub struct UiSettings {
    pub ports: Vec<UiPort>,
    pub login: Login,
    /// The release named by the image tag, when it names one.
    pub version: Option<String>,
    /// Facts worth adding to a finding, such as "the admin API is enabled".
    pub notes: Vec<String>,
}

/// A container as recognition reads it.
#[derive(Clone, Debug)]
pub struct ContainerCtx<'c, 'd, 'a> {
    pub node: NodeRef<'d, 'a>,
    /// Field path of the container, such as
    /// `spec.template.spec.containers[0]`.
    pub path: String,
    pub name: &'c str,
    pub name_pos: Pos,
    /// The repository path below the registry, such as `grafana/grafana`,
    /// or empty when the image is missing or invalid.
    pub repository: String,
    pub tag: Option<String>,
    pub image_field: Field,
    pub args: CommandLine,
    /// `containerPort` values the container declares, with their names.
    pub declared_ports: Vec<(u16, Option<String>)>,
}

impl<'c, 'd, 'a> ContainerCtx<'c, 'd, 'a> {
    /// Reads a container mapping at field path `path`.
    pub fn new(node: NodeRef<'d, 'a>, path: String, name: &'c str) -> Self {
        let name_pos = node.entry("name").map_or(node.pos(), |e| e.key.pos());
        let image_entry = node.entry("image");
        let image = image_entry.and_then(|e| e.value.as_str()).unwrap_or("");
        let (repository, tag) = match ImageRef::parse(image) {
            Ok(parsed) => (parsed.repository(), parsed.tag.map(str::to_owned)),
            Err(_) => (String::new(), None),
        };
        let image_field = Field::new(
            image_entry.map_or(name_pos, |e| e.key.pos()),
            format!("{path}.image"),
        );
        let declared_ports = node
            .get("ports")
            .into_iter()
            .flat_map(|ports| ports.items())
            .filter_map(|port| {
                let number = port_number(port.get("containerPort")?)?;
                Some((number, port.get_str("name").map(str::to_owned)))
            })
            .collect();
        ContainerCtx {
            node,
            args: CommandLine::of(node, &path),
            path,
            name,
            name_pos,
            repository,
            tag,
            image_field,
            declared_ports,
        }
    }

    /// Whether the image repository matches `pattern`: a path such as
    /// `grafana/grafana` matches that path below any registry or mirror
    /// prefix; a single name matches the last path component.
    pub fn image_is(&self, pattern: &str) -> bool {
        repository_matches(&self.repository, pattern)
    }

    fn env(&self, name: &str) -> Option<super::args::EnvVar> {
        env_var(self.node, &self.path, name)
    }

    /// The value of environment variable `name` when set literally.
    fn env_value(&self, name: &str) -> Option<String> {
        self.env(name).and_then(|var| var.value)
    }
}

/// Whether `repository` matches `pattern`: a path such as
/// `grafana/grafana` matches that path below any registry or mirror
/// prefix, by whole path components; a single name matches the last
/// component.
fn repository_matches(repository: &str, pattern: &str) -> bool {
    if repository.is_empty() {
        return false;
    }
    if pattern.contains('/') {
        repository
            .strip_suffix(pattern)
            .is_some_and(|prefix| prefix.is_empty() || prefix.ends_with('/'))
    } else {
        repository.rsplit('/').next() == Some(pattern)
    }
}

/// Reads a port number written as an integer or a numeric string.
pub fn port_number(node: NodeRef<'_, '_>) -> Option<u16> {
    match node.as_i64() {
        Some(number) => u16::try_from(number).ok().filter(|n| *n > 0),
        None => node.as_str()?.parse().ok().filter(|n: &u16| *n > 0),
    }
}

/// An admin interface kubeward recognises.
#[derive(Debug)]
pub struct AdminUi {
    /// Stable short id, such as `kubernetes-dashboard`.
    pub id: &'static str,
    /// Name for messages, such as "Kubernetes Dashboard".
    pub name: &'static str,
    /// Image repositories: a path below any registry, or a last path
    /// component.
    images: &'static [&'static str],
    /// Values of app-name labels that name the UI.
    labels: &'static [&'static str],
    /// The port the UI listens on by default, for label recognition.
    default_port: u16,
    /// Extra condition on the container, for images that run several
    /// programs (the Argo CD image also runs the repo server).
    runs_ui: fn(&ContainerCtx<'_, '_, '_>) -> bool,
    /// The UI's ports and login, as the container's settings make them.
    configure: fn(&ContainerCtx<'_, '_, '_>) -> UiSettings,
}

impl AdminUi {
    fn image_matches(&self, ctx: &ContainerCtx<'_, '_, '_>) -> bool {
        self.images.iter().any(|pattern| ctx.image_is(pattern)) && (self.runs_ui)(ctx)
    }

    /// The UI's settings in this container.
    pub fn settings(&self, ctx: &ContainerCtx<'_, '_, '_>) -> UiSettings {
        (self.configure)(ctx)
    }

    /// Whether this is the Kubernetes Dashboard.
    pub fn is_dashboard(&self) -> bool {
        self.id == DASHBOARD_ID
    }

    /// Whether a request that the UI lets in without a login acts with
    /// the Kubernetes rights of the UI's own ServiceAccount: the
    /// Dashboard (skip-login, or no login before v1.7.0) and the Argo
    /// Workflows server in `--auth-mode=server`.
    pub fn acts_as_service_account(&self) -> bool {
        matches!(self.id, DASHBOARD_ID | "argo-workflows")
    }
}

/// The id of the Kubernetes Dashboard in the catalog.
pub const DASHBOARD_ID: &str = "kubernetes-dashboard";

/// How a container was recognised.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Evidence {
    Image,
    /// A pod label named the UI and the container declares its port.
    LabelAndPort,
}

/// Finds the admin UI a container runs. `labels` are the pod's labels.
pub fn recognise(
    ctx: &ContainerCtx<'_, '_, '_>,
    labels: &[(String, String)],
) -> Option<(&'static AdminUi, Evidence)> {
    if let Some(ui) = CATALOG.iter().find(|ui| ui.image_matches(ctx)) {
        return Some((ui, Evidence::Image));
    }
    let known_image = CATALOG
        .iter()
        .any(|ui| ui.images.iter().any(|p| ctx.image_is(p)))
        || auth_proxy_kind(ctx).is_some();
    if known_image {
        return None;
    }
    CATALOG
        .iter()
        .find(|ui| {
            labels
                .iter()
                .filter(|(key, _)| NAME_LABELS.contains(&key.as_str()))
                .any(|(_, value)| ui.labels.contains(&value.as_str()))
                && ctx
                    .declared_ports
                    .iter()
                    .any(|(n, _)| *n == ui.default_port)
        })
        .map(|ui| (ui, Evidence::LabelAndPort))
}

/// Returns whether a container running `image` may be recognised by its image:
/// the last path component of its repository is that of a catalog image.
/// [`recognise`] reads the image in full, and this test only rules images out.
pub fn image_may_match(image: &str) -> bool {
    let name = image.split('@').next().unwrap_or(image);
    let last = name.rsplit('/').next().unwrap_or(name);
    let last = last.split(':').next().unwrap_or(last);
    !last.is_empty() && IMAGE_NAMES.binary_search(&last).is_ok()
}

/// The last path components of every catalog image, sorted.
static IMAGE_NAMES: LazyLock<Vec<&'static str>> = LazyLock::new(|| {
    let mut names: Vec<&'static str> = CATALOG
        .iter()
        .flat_map(|ui| ui.images)
        .filter_map(|pattern| pattern.rsplit('/').next())
        .collect();
    names.sort_unstable();
    names.dedup();
    names
});

/// Returns whether the pod labels `labels` may name an admin UI, as
/// [`recognise`] reads them when a container's image does not.
pub fn may_name_ui(labels: NodeRef<'_, '_>) -> bool {
    labels.entries().into_iter().any(|entry| {
        let named = entry
            .key_str()
            .is_some_and(|key| NAME_LABELS.contains(&&*key));
        named
            && entry
                .value
                .scalar_text()
                .is_some_and(|value| CATALOG.iter().any(|ui| ui.labels.contains(&&*value)))
    })
}

/// Pod labels whose value names the application.
const NAME_LABELS: &[&str] = &[
    "app.kubernetes.io/name",
    "app",
    "k8s-app",
    "name",
    "component",
    "app.kubernetes.io/component",
];

fn always(_: &ContainerCtx<'_, '_, '_>) -> bool {
    true
}

fn fixed(port: u16, scheme: Scheme, login: Login) -> UiSettings {
    UiSettings {
        ports: vec![UiPort::new(port, scheme)],
        login,
        version: None,
        notes: Vec::new(),
    }
}

/// Every admin UI kubeward recognises.
pub static CATALOG: &[AdminUi] = &[
    AdminUi {
        id: DASHBOARD_ID,
        name: "Kubernetes Dashboard",
        images: &[
            "kubernetesui/dashboard",
            "kubernetesui/dashboard-web",
            "kubernetesui/dashboard-api",
            "kubernetesui/dashboard-auth",
            "kubernetes-dashboard-amd64",
            "kubernetes-dashboard-arm64",
            "kubernetes-dashboard-arm",
            "kubernetes-dashboard-ppc64le",
            "kubernetes-dashboard-s390x",
            "kubernetes-dashboard",
        ],
        labels: &["kubernetes-dashboard"],
        default_port: 8443,
        runs_ui: always,
        configure: |ctx| DashboardConfig::read(ctx).ui_settings(),
    },
    AdminUi {
        id: "headlamp",
        name: "Headlamp",
        images: &["headlamp-k8s/headlamp", "kinvolk/headlamp"],
        labels: &["headlamp"],
        default_port: 4466,
        runs_ui: always,
        configure: |_| fixed(4466, Scheme::Http, Login::Required("token login".into())),
    },
    AdminUi {
        id: "argocd",
        name: "Argo CD",
        images: &["argoproj/argocd"],
        labels: &["argocd-server"],
        default_port: 8080,
        runs_ui: |ctx| ctx.args.runs("argocd-server"),
        configure: argocd,
    },
    AdminUi {
        id: "argo-workflows",
        name: "Argo Workflows server",
        images: &["argoproj/argocli"],
        labels: &["argo-server"],
        default_port: 2746,
        runs_ui: |ctx| ctx.args.first_word().is_some_and(|w| w.text == "server"),
        configure: argo_workflows,
    },
    AdminUi {
        id: "grafana",
        name: "Grafana",
        images: &[
            "grafana/grafana",
            "grafana/grafana-oss",
            "grafana/grafana-enterprise",
            "bitnami/grafana",
        ],
        labels: &["grafana"],
        default_port: 3000,
        runs_ui: always,
        configure: grafana,
    },
    AdminUi {
        id: "prometheus",
        name: "Prometheus",
        images: &[
            "prom/prometheus",
            "prometheus/prometheus",
            "bitnami/prometheus",
        ],
        labels: &["prometheus", "prometheus-server"],
        default_port: 9090,
        runs_ui: always,
        configure: |ctx| prometheus_like(ctx, 9090, "Prometheus"),
    },
    AdminUi {
        id: "alertmanager",
        name: "Alertmanager",
        images: &[
            "prom/alertmanager",
            "prometheus/alertmanager",
            "bitnami/alertmanager",
        ],
        labels: &["alertmanager"],
        default_port: 9093,
        runs_ui: always,
        configure: |ctx| prometheus_like(ctx, 9093, "Alertmanager"),
    },
    AdminUi {
        id: "kibana",
        name: "Kibana",
        images: &[
            "kibana/kibana",
            "elastic/kibana",
            "bitnami/kibana",
            "kibana",
        ],
        labels: &["kibana"],
        default_port: 5601,
        runs_ui: always,
        configure: kibana,
    },
    AdminUi {
        id: "jenkins",
        name: "Jenkins",
        images: &[
            "jenkins/jenkins",
            "jenkinsci/jenkins",
            "jenkinsci/blueocean",
            "bitnami/jenkins",
            "library/jenkins",
        ],
        labels: &["jenkins", "jenkins-server"],
        default_port: 8080,
        runs_ui: always,
        configure: |_| fixed(8080, Scheme::Http, Login::Required("user login".into())),
    },
    AdminUi {
        id: "rancher",
        name: "Rancher",
        images: &["rancher/rancher"],
        labels: &["rancher"],
        default_port: 443,
        runs_ui: always,
        configure: |_| UiSettings {
            ports: vec![
                UiPort::new(80, Scheme::Http),
                UiPort::new(443, Scheme::Https),
            ],
            login: Login::Required("user login".into()),
            version: None,
            notes: Vec::new(),
        },
    },
    AdminUi {
        id: "portainer",
        name: "Portainer",
        images: &[
            "portainer/portainer",
            "portainer/portainer-ce",
            "portainer/portainer-ee",
        ],
        labels: &["portainer"],
        default_port: 9000,
        runs_ui: always,
        configure: |_| UiSettings {
            ports: vec![
                UiPort::new(9000, Scheme::Http),
                UiPort::new(9443, Scheme::Https),
            ],
            login: Login::Required("user login".into()),
            version: None,
            notes: Vec::new(),
        },
    },
    AdminUi {
        id: "weave-scope",
        name: "Weave Scope",
        images: &["weaveworks/scope"],
        labels: &["weave-scope-app", "weave-scope"],
        default_port: 4040,
        runs_ui: |ctx| {
            !ctx.args.bool_flag("probe-only").is_some_and(|(on, _)| on)
                && ctx
                    .args
                    .value("mode")
                    .is_none_or(|mode| mode.value != "probe")
        },
        configure: |_| {
            fixed(
                4040,
                Scheme::Http,
                Login::None(
                    "Weave Scope has no login, and its UI opens shells in any container".into(),
                ),
            )
        },
    },
    AdminUi {
        id: "kiali",
        name: "Kiali",
        images: &["kiali/kiali"],
        labels: &["kiali"],
        default_port: 20001,
        runs_ui: always,
        configure: |_| {
            fixed(
                20001,
                Scheme::Http,
                Login::Unknown(
                    "Kiali's login depends on auth.strategy in its ConfigMap, which kubeward \
                     does not read"
                        .into(),
                ),
            )
        },
    },
    AdminUi {
        id: "jaeger",
        name: "Jaeger UI",
        images: &[
            "jaegertracing/all-in-one",
            "jaegertracing/jaeger",
            "jaegertracing/jaeger-query",
        ],
        labels: &["jaeger"],
        default_port: 16686,
        runs_ui: always,
        configure: |_| {
            fixed(
                16686,
                Scheme::Http,
                Login::None("the Jaeger UI has no login".into()),
            )
        },
    },
    AdminUi {
        id: "hubble-ui",
        name: "Hubble UI",
        images: &["cilium/hubble-ui"],
        labels: &["hubble-ui"],
        default_port: 8081,
        runs_ui: always,
        configure: |_| {
            fixed(
                8081,
                Scheme::Http,
                Login::None("the Hubble UI has no login".into()),
            )
        },
    },
    AdminUi {
        id: "longhorn-ui",
        name: "Longhorn UI",
        images: &["longhornio/longhorn-ui"],
        labels: &["longhorn-ui"],
        default_port: 8000,
        runs_ui: always,
        configure: |_| {
            fixed(
                8000,
                Scheme::Http,
                Login::None("the Longhorn UI has no login and can delete volumes".into()),
            )
        },
    },
    AdminUi {
        id: "jupyter",
        name: "Jupyter",
        images: &[
            "jupyter/base-notebook",
            "jupyter/minimal-notebook",
            "jupyter/scipy-notebook",
            "jupyter/datascience-notebook",
            "jupyter/tensorflow-notebook",
            "jupyter/pyspark-notebook",
            "jupyter/all-spark-notebook",
            "jupyter/r-notebook",
            "jupyter/pytorch-notebook",
        ],
        labels: &["jupyter", "jupyterlab", "notebook"],
        default_port: 8888,
        runs_ui: always,
        configure: jupyter,
    },
    AdminUi {
        id: "zeppelin",
        name: "Apache Zeppelin",
        images: &["apache/zeppelin", "zeppelin"],
        labels: &["zeppelin"],
        default_port: 8080,
        runs_ui: always,
        configure: |_| {
            fixed(
                8080,
                Scheme::Http,
                Login::None(
                    "Zeppelin lets anonymous users run notebook code unless Shiro \
                     authentication is configured"
                        .into(),
                ),
            )
        },
    },
    AdminUi {
        id: "rethinkdb",
        name: "RethinkDB administration UI",
        images: &["rethinkdb"],
        labels: &["rethinkdb-admin"],
        default_port: 8080,
        runs_ui: always,
        configure: |_| {
            fixed(
                8080,
                Scheme::Http,
                Login::None("the RethinkDB web UI acts as the admin user without a login".into()),
            )
        },
    },
    AdminUi {
        id: "ray-dashboard",
        name: "Ray dashboard",
        images: &["rayproject/ray", "rayproject/ray-ml"],
        labels: &["ray-head", "ray-dashboard"],
        default_port: 8265,
        runs_ui: always,
        configure: |_| {
            fixed(
                8265,
                Scheme::Http,
                Login::None("the Ray dashboard has no login and accepts job submissions".into()),
            )
        },
    },
    AdminUi {
        id: "mlflow",
        name: "MLflow",
        images: &["mlflow/mlflow", "bitnami/mlflow"],
        labels: &["mlflow"],
        default_port: 5000,
        runs_ui: always,
        configure: mlflow,
    },
    AdminUi {
        id: "vllm",
        name: "vLLM server",
        images: &["vllm/vllm-openai"],
        labels: &["vllm"],
        default_port: 8000,
        runs_ui: always,
        configure: vllm,
    },
    AdminUi {
        id: "ollama",
        name: "Ollama",
        images: &["ollama/ollama"],
        labels: &["ollama"],
        default_port: 11434,
        runs_ui: always,
        configure: |_| {
            fixed(
                11434,
                Scheme::Http,
                Login::None(
                    "Ollama's API has no authentication and can pull and delete models".into(),
                ),
            )
        },
    },
    AdminUi {
        id: "phpmyadmin",
        name: "phpMyAdmin",
        images: &[
            "phpmyadmin/phpmyadmin",
            "library/phpmyadmin",
            "bitnami/phpmyadmin",
        ],
        labels: &["phpmyadmin"],
        default_port: 80,
        runs_ui: always,
        configure: |_| fixed(80, Scheme::Http, Login::Required("database login".into())),
    },
    AdminUi {
        id: "pgadmin",
        name: "pgAdmin",
        images: &["dpage/pgadmin4"],
        labels: &["pgadmin", "pgadmin4"],
        default_port: 80,
        runs_ui: always,
        configure: |_| fixed(80, Scheme::Http, Login::Required("user login".into())),
    },
];

/// The catalog entry with this id.
pub fn find(id: &str) -> Option<&'static AdminUi> {
    CATALOG.iter().find(|ui| ui.id == id)
}

fn argocd(ctx: &ContainerCtx<'_, '_, '_>) -> UiSettings {
    // argocd-server answers HTTPS on its port and redirects plain HTTP to
    // it, unless --insecure turns TLS off.
    let insecure_flag = ctx.args.bool_flag("insecure").is_some_and(|(on, _)| on);
    let insecure_env = ctx.env("ARGOCD_SERVER_INSECURE");
    let scheme = if insecure_flag
        || insecure_env
            .as_ref()
            .and_then(|v| v.value.as_deref())
            .and_then(parse_go_bool)
            == Some(true)
    {
        Scheme::Http
    } else if insecure_env.is_some_and(|v| v.from_reference) {
        Scheme::Unknown
    } else {
        Scheme::Https
    };
    let port = ctx
        .args
        .value("port")
        .and_then(|f| f.value.parse().ok())
        .unwrap_or(8080);
    let login = match ctx.args.bool_flag("disable-auth") {
        Some((true, field)) => Login::Disabled {
            reason: "--disable-auth turns Argo CD's login off, so every request acts as the \
                     admin"
                .into(),
            field,
        },
        _ => Login::Required("user login".into()),
    };
    fixed(port, scheme, login)
}

fn argo_workflows(ctx: &ContainerCtx<'_, '_, '_>) -> UiSettings {
    let major = ctx
        .tag
        .as_deref()
        .and_then(super::dashboard::Version::parse)
        .map(|v| v.0);
    let modes = ctx.args.values("auth-mode");
    let login = if let Some(server) = modes.iter().find(|m| m.value == "server") {
        Login::Disabled {
            reason: "--auth-mode=server lets every request act as the Argo Server's service \
                     account without a login"
                .into(),
            field: server.field.clone(),
        }
    } else if modes.is_empty() && major.is_some_and(|m| m < 3) {
        Login::Disabled {
            reason: "Argo Workflows before v3.0 defaults to --auth-mode=server, so every \
                     request acts as the Argo Server's service account"
                .into(),
            field: ctx.image_field.clone(),
        }
    } else {
        Login::Required("client token login".into())
    };
    // TLS is on by default from v3.0; --secure=false turns it off.
    let secure = match ctx.args.bool_flag("secure") {
        Some((secure, _)) => secure,
        None => major.is_none_or(|m| m >= 3),
    };
    let scheme = if secure { Scheme::Https } else { Scheme::Http };
    fixed(2746, scheme, login)
}

fn grafana(ctx: &ContainerCtx<'_, '_, '_>) -> UiSettings {
    let port = ctx
        .env_value("GF_SERVER_HTTP_PORT")
        .and_then(|p| p.parse().ok())
        .unwrap_or(3000);
    let scheme = match ctx.env("GF_SERVER_PROTOCOL") {
        Some(var) if var.from_reference => Scheme::Unknown,
        Some(var) => match var.value.as_deref() {
            Some("https" | "h2") => Scheme::Https,
            _ => Scheme::Http,
        },
        None => Scheme::Http,
    };
    let anonymous = ctx.env("GF_AUTH_ANONYMOUS_ENABLED");
    let enabled = anonymous
        .as_ref()
        .and_then(|v| v.value.as_deref())
        .and_then(parse_go_bool)
        == Some(true);
    let role = ctx
        .env_value("GF_AUTH_ANONYMOUS_ORG_ROLE")
        .unwrap_or_else(|| "Viewer".to_owned());
    let login = match anonymous {
        Some(var) if enabled && matches!(role.as_str(), "Admin" | "Editor") => Login::Disabled {
            reason: format!(
                "GF_AUTH_ANONYMOUS_ENABLED lets anyone in without a login, with the \
                 {role} role"
            ),
            field: var.field,
        },
        _ => Login::Required("user login".into()),
    };
    let mut settings = fixed(port, scheme, login);
    if enabled && role == "Viewer" {
        settings
            .notes
            .push("anonymous users can view every dashboard".into());
    }
    settings
}

fn prometheus_like(ctx: &ContainerCtx<'_, '_, '_>, default_port: u16, name: &str) -> UiSettings {
    let port = ctx
        .args
        .value("web.listen-address")
        .and_then(|f| f.value.rsplit(':').next().and_then(|p| p.parse().ok()))
        .unwrap_or(default_port);
    let web_config = ctx.args.value("web.config.file").is_some();
    let (scheme, login) = if web_config {
        (
            Scheme::Unknown,
            Login::Unknown(format!(
                "{name} reads TLS and basic authentication from --web.config.file, which \
                 kubeward does not read"
            )),
        )
    } else {
        (
            Scheme::Http,
            Login::None(format!(
                "{name} has no login unless --web.config.file sets one"
            )),
        )
    };
    let mut settings = fixed(port, scheme, login);
    if ctx
        .args
        .bool_flag("web.enable-admin-api")
        .is_some_and(|(on, _)| on)
    {
        settings
            .notes
            .push("its admin API (--web.enable-admin-api) can delete all stored data".into());
    }
    if ctx
        .args
        .bool_flag("web.enable-lifecycle")
        .is_some_and(|(on, _)| on)
    {
        settings
            .notes
            .push("--web.enable-lifecycle lets any caller shut it down".into());
    }
    settings
}

fn kibana(ctx: &ContainerCtx<'_, '_, '_>) -> UiSettings {
    let scheme = match ctx.env("SERVER_SSL_ENABLED") {
        Some(var) if var.from_reference => Scheme::Unknown,
        Some(var) if var.value.as_deref().and_then(parse_go_bool) == Some(true) => Scheme::Https,
        _ => Scheme::Http,
    };
    fixed(
        5601,
        scheme,
        Login::Unknown(
            "whether Kibana asks for a login depends on Elasticsearch security, which the \
             manifests do not show"
                .into(),
        ),
    )
}

fn jupyter(ctx: &ContainerCtx<'_, '_, '_>) -> UiSettings {
    let flag = [
        "ServerApp.token",
        "NotebookApp.token",
        "IdentityProvider.token",
    ]
    .iter()
    .find_map(|name| ctx.args.value(name));
    let login = match flag {
        Some(flag) if matches!(flag.value.as_str(), "" | "''" | "\"\"") => Login::Disabled {
            reason: "an empty token turns Jupyter's login off, and the notebook runs any code"
                .into(),
            field: flag.field,
        },
        _ => Login::Required("token login".into()),
    };
    fixed(8888, Scheme::Http, login)
}

fn mlflow(ctx: &ContainerCtx<'_, '_, '_>) -> UiSettings {
    let login = match ctx.args.value("app-name") {
        Some(app) if app.value == "basic-auth" => Login::Required("basic authentication".into()),
        _ => Login::None("the MLflow tracking server has no login by default".into()),
    };
    fixed(5000, Scheme::Http, login)
}

fn vllm(ctx: &ContainerCtx<'_, '_, '_>) -> UiSettings {
    let keyed = ctx.args.value("api-key").is_some() || ctx.env("VLLM_API_KEY").is_some();
    let login = if keyed {
        Login::Required("API key".into())
    } else {
        Login::None("the vLLM server accepts requests without an API key".into())
    };
    let port = ctx
        .args
        .value("port")
        .and_then(|f| f.value.parse().ok())
        .unwrap_or(8000);
    fixed(port, Scheme::Http, login)
}

/// A kind of proxy that authenticates users before passing requests on.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AuthProxyKind {
    OAuth2Proxy,
    OpenShiftOAuthProxy,
    KubeRbacProxy,
    Gatekeeper,
    Pomerium,
}

impl AuthProxyKind {
    pub fn name(self) -> &'static str {
        match self {
            AuthProxyKind::OAuth2Proxy => "oauth2-proxy",
            AuthProxyKind::OpenShiftOAuthProxy => "OpenShift oauth-proxy",
            AuthProxyKind::KubeRbacProxy => "kube-rbac-proxy",
            AuthProxyKind::Gatekeeper => "Keycloak Gatekeeper",
            AuthProxyKind::Pomerium => "Pomerium",
        }
    }

    /// The flags that name where the proxy passes authenticated requests.
    pub fn upstream_flags(self) -> &'static [&'static str] {
        match self {
            AuthProxyKind::OAuth2Proxy
            | AuthProxyKind::OpenShiftOAuthProxy
            | AuthProxyKind::KubeRbacProxy => &["upstream"],
            AuthProxyKind::Gatekeeper => &["upstream-url"],
            AuthProxyKind::Pomerium => &[],
        }
    }
}

/// The authenticating proxy a container runs, if any.
pub fn auth_proxy_kind(ctx: &ContainerCtx<'_, '_, '_>) -> Option<AuthProxyKind> {
    let table: &[(&str, AuthProxyKind)] = &[
        ("oauth2-proxy", AuthProxyKind::OAuth2Proxy),
        ("origin-oauth-proxy", AuthProxyKind::OpenShiftOAuthProxy),
        ("oauth-proxy", AuthProxyKind::OpenShiftOAuthProxy),
        ("kube-rbac-proxy", AuthProxyKind::KubeRbacProxy),
        ("keycloak-gatekeeper", AuthProxyKind::Gatekeeper),
        ("louketo-proxy", AuthProxyKind::Gatekeeper),
        ("gogatekeeper/gatekeeper", AuthProxyKind::Gatekeeper),
        ("pomerium/pomerium", AuthProxyKind::Pomerium),
    ];
    table
        .iter()
        .find(|(pattern, _)| ctx.image_is(pattern))
        .map(|(_, kind)| *kind)
}

#[cfg(test)]
mod tests {
    use super::{CATALOG, image_may_match, repository_matches};
    use kubeward_core::image::ImageRef;

    #[test]
    fn quick_image_test_keeps_every_catalog_image() {
        for pattern in CATALOG.iter().flat_map(|ui| ui.images) {
            for image in [
                (*pattern).to_owned(),
                format!("{pattern}:v1.2"),
                format!("registry.example:5000/mirror/{pattern}:v1"),
                format!("{pattern}@sha256:{}", "a".repeat(64)),
            ] {
                let repository = ImageRef::parse(&image).map(|r| r.repository()).ok();
                assert!(
                    repository.is_some_and(|r| repository_matches(&r, pattern)),
                    "{image}"
                );
                assert!(image_may_match(&image), "{image}");
            }
        }
        for image in [
            "nginx:1.25",
            "grafana/grafana-agent:v1",
            "",
            "registry:5000",
        ] {
            assert!(!image_may_match(image), "{image}");
        }
    }

    #[test]
    fn repository_patterns_match_whole_components() {
        assert!(repository_matches("grafana/grafana", "grafana/grafana"));
        assert!(repository_matches(
            "mirror/grafana/grafana",
            "grafana/grafana"
        ));
        assert!(!repository_matches("mygrafana/grafana", "grafana/grafana"));
        assert!(repository_matches("team/grafana", "grafana"));
        assert!(!repository_matches("team/grafana-agent", "grafana"));
        assert!(!repository_matches("", "grafana"));
    }
}
