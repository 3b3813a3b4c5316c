use std::sync::Arc;

use serde::Serialize;

use crate::{PssLevel, Severity};

/// The object a finding is about, as Kubernetes names it.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ObjectRef {
    pub api_version: String,
    pub kind: String,
    pub namespace: Option<String>,
    pub name: Option<String>,
}

impl ObjectRef {
    /// `Kind/namespace/name`, or `Kind/name` for an object without a
    /// namespace, as used in text output.
    pub fn display_name(&self) -> String {
        let name = self.name.as_deref().unwrap_or("<unnamed>");
        match &self.namespace {
            Some(ns) => format!("{}/{ns}/{name}", self.kind),
            None => format!("{}/{name}", self.kind),
        }
    }
}

/// Which list of the pod spec a container is in.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum ContainerKind {
    Init,
    Regular,
    Ephemeral,
}

impl ContainerKind {
    /// The pod spec field that holds this list.
    pub fn field(self) -> &'static str {
        match self {
            ContainerKind::Init => "initContainers",
            ContainerKind::Regular => "containers",
            ContainerKind::Ephemeral => "ephemeralContainers",
        }
    }

    /// How messages name a container of this list: "init container",
    /// "container", "ephemeral container".
    pub fn noun(self) -> &'static str {
        match self {
            ContainerKind::Init => "init container",
            ContainerKind::Regular => "container",
            ContainerKind::Ephemeral => "ephemeral container",
        }
    }
}

/// The container a finding is about.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize)]
pub struct ContainerInfo {
    pub name: String,
    pub kind: ContainerKind,
}

/// The Pod Security Standards control a finding violates.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
pub struct PssInfo {
    pub level: PssLevel,
    /// The control's name in the Pod Security Standards, e.g. "Privileged
    /// Containers".
    pub control: &'static str,
}

/// One rule's verdict on one place.
#[derive(Clone, Debug, Serialize)]
pub struct Finding {
    pub rule: &'static str,
    pub severity: Severity,
    pub message: String,
    /// Path of the file as given on the command line, or `-` for stdin.
    pub file: Arc<str>,
    /// 1-based line.
    pub line: u32,
    /// 1-based column, counted in characters.
    pub column: u32,
    /// Shared by every finding on the same object, which a scan with many
    /// findings per object would otherwise copy once per finding.
    pub object: Option<Arc<ObjectRef>>,
    /// Field path inside the object, such as
    /// `spec.template.spec.containers[0].securityContext.privileged`.
    pub path: Option<String>,
    pub container: Option<ContainerInfo>,
    pub pss: Option<PssInfo>,
    /// How to fix it, from the rule's documentation.
    pub remediation: &'static str,
    /// The source line the finding points at, for text output. Empty for
    /// findings on Secrets, so no Secret value is ever printed.
    #[serde(skip)]
    pub source_line: Option<String>,
}

impl Finding {
    /// Records the container this finding is about.
    pub fn in_container(&mut self, container: &crate::Container<'_, '_, '_>) -> &mut Self {
        self.container = Some(container.info());
        self
    }

    /// Sort key: file, position, rule.
    pub fn sort_key(&self) -> (&str, u32, u32, &str) {
        (&self.file, self.line, self.column, self.rule)
    }
}
