use std::fmt;
use std::str::FromStr;

use kubeward_yaml::Pos;
use serde::Serialize;

use crate::component::{Component, ComponentReader, ComponentSink};
use crate::{
    Finding, Inventory, InventorySink, Object, PodSpec, PssInfo, PssLevel, PssVersion, Severity,
};

/// A group of rules about one part of a cluster.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Family {
    /// Problems reading the input itself.
    Intake,
    PodSecurity,
    Container,
    ApiServer,
    Etcd,
    Encryption,
    Kubelet,
    Audit,
    ControllerManager,
    Scheduler,
    KubeProxy,
    /// Modes and owners of the files control-plane and node programs use.
    NodeFiles,
    Network,
    Rbac,
    Exposure,
    SupplyChain,
    Runtime,
}

impl Family {
    pub fn as_str(self) -> &'static str {
        match self {
            Family::Intake => "intake",
            Family::PodSecurity => "pod-security",
            Family::Container => "container",
            Family::ApiServer => "api-server",
            Family::Etcd => "etcd",
            Family::Encryption => "encryption",
            Family::Kubelet => "kubelet",
            Family::Audit => "audit",
            Family::ControllerManager => "controller-manager",
            Family::Scheduler => "scheduler",
            Family::KubeProxy => "kube-proxy",
            Family::NodeFiles => "node-files",
            Family::Network => "network",
            Family::Rbac => "rbac",
            Family::Exposure => "exposure",
            Family::SupplyChain => "supply-chain",
            Family::Runtime => "runtime",
        }
    }
}

impl fmt::Display for Family {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Whether a rule's id and behaviour are settled.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum RuleStatus {
    Stable,
    Preview,
    Deprecated,
}

/// How a rule is run.
#[derive(Clone, Copy)]
pub enum Check {
    /// Called once per pod spec, for every pod spec owner.
    PodSpec(fn(&PodSpec<'_, '_, '_>, &mut Sink<'_>)),
    /// Called once per object.
    Object(fn(&Object<'_, '_>, &mut Sink<'_>)),
    /// Called once per scan, after every file was read, with the objects
    /// of the listed kinds (`kind` names of any API group; `*` for all).
    Inventory {
        kinds: &'static [&'static str],
        check: fn(&Inventory, &mut InventorySink<'_>),
    },
    /// Called once per control-plane component found in the input, with
    /// its effective settings. `reader` builds components from input; every
    /// component rule names the same one.
    Component {
        reader: &'static ComponentReader,
        check: fn(&Component, &mut ComponentSink<'_>),
    },
    /// Findings made by the scan pipeline itself, such as parse errors.
    Pipeline,
}

impl fmt::Debug for Check {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Check::PodSpec(_) => "PodSpec",
            Check::Object(_) => "Object",
            Check::Inventory { .. } => "Inventory",
            Check::Component { .. } => "Component",
            Check::Pipeline => "Pipeline",
        })
    }
}

/// A rule: metadata, documentation and check.
///
/// Declare rules with [`declare_rule!`](crate::declare_rule), whose doc
/// comment becomes [`RuleDef::docs`].
#[derive(Debug)]
pub struct RuleDef {
    /// Stable kebab-case id.
    pub id: &'static str,
    pub family: Family,
    pub severity: Severity,
    /// One line naming the weakness, such as "Container runs privileged".
    pub summary: &'static str,
    /// One line saying how to fix it.
    pub remediation: &'static str,
    /// The Pod Security Standards control, for `pod-security` rules.
    pub pss: Option<PssInfo>,
    /// Whether the `recommended` profile runs this rule.
    pub recommended: bool,
    pub status: RuleStatus,
    pub check: Check,
    /// Markdown with the sections "What it checks", "Why it matters",
    /// "Failing example", "Fixed example", "Known limitations" and
    /// "References", as written in the rule's doc comment.
    pub raw_docs: &'static str,
}

impl RuleDef {
    /// The rule's documentation as Markdown, with the one-space indent of
    /// doc comments removed.
    pub fn docs(&self) -> String {
        let mut out = String::with_capacity(self.raw_docs.len());
        for line in self.raw_docs.lines() {
            out.push_str(line.strip_prefix(' ').unwrap_or(line));
            out.push('\n');
        }
        out
    }

    /// The text of one `## Section` of the docs, without its heading.
    pub fn section(&self, heading: &str) -> Option<String> {
        let docs = self.docs();
        let marker = format!("## {heading}\n");
        let start = docs.find(&marker)? + marker.len();
        let rest = &docs[start..];
        let end = rest.find("\n## ").map_or(rest.len(), |i| i + 1);
        Some(rest[..end].trim().to_owned())
    }

    /// Whether `profile` runs this rule.
    pub fn in_profile(&self, profile: Profile) -> bool {
        match profile {
            Profile::All => true,
            Profile::Recommended => self.recommended,
            Profile::PssBaseline => {
                self.family == Family::Intake
                    || self.pss.is_some_and(|p| p.level == PssLevel::Baseline)
            }
            Profile::PssRestricted => self.family == Family::Intake || self.pss.is_some(),
        }
    }
}

/// Declares a rule: a `static` [`RuleDef`] whose doc comment becomes its
/// documentation.
///
/// ```ignore
/// declare_rule! {
///     /// ## What it checks
///     /// ...
///     pub static PRIVILEGED = {
///         id: "pss-privileged",
///         family: Family::PodSecurity,
///         ...
///     };
/// }
/// ```
#[macro_export]
macro_rules! declare_rule {
    (
        $(#[doc = $doc:expr])*
        $vis:vis static $name:ident = { $($field:ident : $value:expr),* $(,)? };
    ) => {
        $(#[doc = $doc])*
        $vis static $name: $crate::RuleDef = $crate::RuleDef {
            raw_docs: concat!($($doc, "\n"),*),
            $($field: $value),*
        };
    };
}

/// A named set of rules.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum Profile {
    /// The rules most users want: a finding is worth acting on.
    #[default]
    Recommended,
    /// Pod Security Standards baseline controls.
    PssBaseline,
    /// Pod Security Standards baseline and restricted controls.
    PssRestricted,
    All,
}

impl Profile {
    pub const NAMES: [&'static str; 4] = ["recommended", "pss-baseline", "pss-restricted", "all"];
}

/// Error for an unknown profile name.
#[derive(Debug, thiserror::Error)]
#[error("unknown profile `{0}`: expected one of recommended, pss-baseline, pss-restricted, all")]
pub struct UnknownProfile(String);

impl FromStr for Profile {
    type Err = UnknownProfile;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "recommended" => Ok(Profile::Recommended),
            "pss-baseline" => Ok(Profile::PssBaseline),
            "pss-restricted" => Ok(Profile::PssRestricted),
            "all" => Ok(Profile::All),
            _ => Err(UnknownProfile(s.to_owned())),
        }
    }
}

/// Settings that change what rules decide.
#[derive(Clone, Copy, Debug)]
pub struct ScanOptions {
    /// The Pod Security Standards version `pod-security` rules decide at.
    pub pss_version: PssVersion,
    /// Settings of individual rules, usually from the configuration file.
    /// A reference with a static lifetime keeps the options `Copy`: the CLI
    /// builds the configuration once per process and leaks it.
    pub config: &'static RuleConfig,
}

impl Default for ScanOptions {
    fn default() -> Self {
        ScanOptions {
            pss_version: PssVersion::default(),
            config: &DEFAULT_RULE_CONFIG,
        }
    }
}

impl ScanOptions {
    /// Options with `config` in place of the defaults. The configuration is
    /// leaked so that the options stay `Copy`; call this once per scan
    /// setup, not per file.
    #[must_use]
    pub fn with_config(self, config: RuleConfig) -> Self {
        ScanOptions {
            config: Box::leak(Box::new(config)),
            ..self
        }
    }
}

/// Settings that rules read, with defaults that suit most clusters.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct RuleConfig {
    /// Registries images may come from, as host names with an optional
    /// port (`registry.example.com`, `localhost:5000`) or a host and path
    /// prefix (`ghcr.io/example`). Empty means every registry is allowed.
    pub allowed_registries: Vec<String>,
    /// Namespaces whose Secrets and ServiceAccounts give control of the
    /// cluster, where `rbac` rules treat read access to Secrets like
    /// cluster-wide access. `None` means [`DEFAULT_SENSITIVE_NAMESPACES`].
    pub sensitive_namespaces: Option<Vec<String>>,
    /// Namespace label keys whose values name an environment (`prod`,
    /// `staging`, `dev`, `test`, ...), for the `network` rule on traffic
    /// across environments. `None` means
    /// [`DEFAULT_ENVIRONMENT_LABEL_KEYS`].
    pub environment_label_keys: Option<Vec<String>>,
}

impl RuleConfig {
    /// Whether `namespace` is one of the sensitive namespaces.
    pub fn is_sensitive_namespace(&self, namespace: &str) -> bool {
        match &self.sensitive_namespaces {
            Some(namespaces) => namespaces.iter().any(|ns| ns == namespace),
            None => DEFAULT_SENSITIVE_NAMESPACES.contains(&namespace),
        }
    }

    /// The namespace label keys that name an environment.
    pub fn environment_label_keys(&self) -> Vec<&str> {
        match &self.environment_label_keys {
            Some(keys) => keys.iter().map(String::as_str).collect(),
            None => DEFAULT_ENVIRONMENT_LABEL_KEYS.to_vec(),
        }
    }
}

/// The default namespace label keys that name an environment, most
/// specific first.
pub const DEFAULT_ENVIRONMENT_LABEL_KEYS: &[&str] = &[
    "environment",
    "env",
    "stage",
    "tier",
    "app.kubernetes.io/environment",
];

/// The default sensitive namespaces: the control plane's, and those where
/// widely used cluster-wide tools keep credentials that control the
/// cluster (GitOps controllers, certificate and policy managers, service
/// meshes, CNI operators, Rancher).
pub const DEFAULT_SENSITIVE_NAMESPACES: &[&str] = &[
    "kube-system",
    "argocd",
    "flux-system",
    "cert-manager",
    "istio-system",
    "kyverno",
    "gatekeeper-system",
    "tigera-operator",
    "calico-system",
    "cattle-system",
];

static DEFAULT_RULE_CONFIG: RuleConfig = RuleConfig {
    allowed_registries: Vec::new(),
    sensitive_namespaces: None,
    environment_label_keys: None,
};

/// Longest source line, in bytes, that a finding quotes.
pub const MAX_QUOTED_LINE: usize = 1_000;

/// Where a running rule puts its findings. It fills in the rule, the file,
/// the object and the quoted source line, so a check only says where and
/// what.
#[derive(Debug)]
pub struct Sink<'s> {
    pub(crate) rule: &'static RuleDef,
    pub(crate) object: &'s Object<'s, 's>,
    pub(crate) options: ScanOptions,
    pub(crate) findings: &'s mut Vec<Finding>,
}

impl<'s> Sink<'s> {
    pub fn new(
        rule: &'static RuleDef,
        object: &'s Object<'s, 's>,
        options: ScanOptions,
        findings: &'s mut Vec<Finding>,
    ) -> Self {
        Sink {
            rule,
            object,
            options,
            findings,
        }
    }

    pub fn options(&self) -> ScanOptions {
        self.options
    }

    /// Records a finding at `pos` on the field `path`, and returns it so
    /// the caller can add details such as the container.
    pub fn report(
        &mut self,
        pos: Pos,
        path: impl Into<String>,
        message: impl Into<String>,
    ) -> &mut Finding {
        let object = self.object;
        // Long lines (minified JSON) are not quoted: one copy per finding
        // of a line that holds a whole file would multiply memory use.
        let source_line = if object.kind() == "Secret" {
            None
        } else {
            object.source.quotable_line(pos.line).map(str::to_owned)
        };
        // A message may repeat a value, such as an image reference written
        // as a URL with a password in it.
        let message = message.into();
        let message = crate::redact::mask_userinfo(&message).unwrap_or(message);
        self.findings.push(Finding {
            rule: self.rule.id,
            severity: self.rule.severity,
            message,
            file: object.source.file.clone(),
            line: pos.line,
            column: pos.col,
            object: Some(object.shared_reference()),
            path: Some(path.into()),
            container: None,
            pss: self.rule.pss,
            remediation: self.rule.remediation,
            source_line,
        });
        self.findings.last_mut().expect("a finding was just pushed")
    }
}
