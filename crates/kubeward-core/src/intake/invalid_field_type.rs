use std::borrow::Cow;
use std::fmt::Write as _;

use kubeward_yaml::{NodeRef, Pos, Value, resolve_plain};

use super::field_types::{Field, FieldType, METADATA, POD_SPEC};
use crate::{
    Check, ContainerInfo, ContainerKind, Family, Object, PodSpec, RuleStatus, Severity, Sink,
    declare_rule,
};

declare_rule! {
    /// ## What it checks
    ///
    /// Fields of an object's `metadata` and of its pod template whose YAML
    /// type is not the type the Kubernetes API declares. Examples are a boolean written as a string
    /// (`privileged: "true"`), a number written as a string
    /// (`runAsUser: "0"`), a list written as a string (`containers: web`)
    /// and a mapping written as a number (`securityContext: 5`). It covers the pod spec, every
    /// container, init container and ephemeral container, their security
    /// contexts, ports, environment, volume mounts, probes and volumes.
    /// The `metadata` of every object, of any kind, is checked the same
    /// way, and so is the pod template's: `name`, `generateName`,
    /// `namespace`, label and annotation values, `finalizers` and
    /// `ownerReferences`. An unquoted `namespace: n` or `name: on` is a
    /// boolean, not a string.
    ///
    /// Types are judged after YAML typing as `kubectl` does it (YAML 1.1
    /// through go-yaml v2): `yes` and `on` are booleans, `0755` is an
    /// integer, `"true"` is a string. A `null` value counts as absent. A
    /// float without a fraction (`1.0`) is accepted where an integer is
    /// expected, because YAML-to-JSON conversion writes it as `1`.
    ///
    /// The message names the field's full path and its container, and
    /// never the value, which may be a secret.
    ///
    /// ## Why it matters
    ///
    /// The API server rejects the object, so it never runs as written; but
    /// kubeward's other rules read a field of the wrong type as unset. A
    /// container with `privileged: "true"` passes `pss-privileged`
    /// silently, and a later edit that only fixes the quoting makes it
    /// privileged. Reporting the type error keeps the scan honest about
    /// what it could not check.
    ///
    /// An object whose `metadata.name`, `metadata.generateName` or
    /// `metadata.namespace` is not a string has no name or namespace the
    /// API server would accept. kubeward leaves it out of the rules that
    /// read several objects at once (network policies, RBAC bindings,
    /// exposure paths) rather than guess that it lives in `default`.
    ///
    /// ## Failing example
    ///
    /// ```yaml
    /// apiVersion: v1
    /// kind: Pod
    /// metadata:
    ///   name: web
    /// spec:
    ///   containers:
    ///     - name: web
    ///       image: nginx:1.27
    ///       securityContext:
    ///         runAsUser: "1000"
    ///         privileged: "false"
    /// ```
    ///
    /// ## Fixed example
    ///
    /// ```yaml
    /// apiVersion: v1
    /// kind: Pod
    /// metadata:
    ///   name: web
    /// spec:
    ///   containers:
    ///     - name: web
    ///       image: nginx:1.27
    ///       securityContext:
    ///         runAsUser: 1000
    ///         privileged: false
    /// ```
    ///
    /// ## Known limitations
    ///
    /// Only fields in kubeward's table of metadata and pod template fields
    /// are checked; unknown fields, and fields outside `metadata` of
    /// objects that are not pod spec owners, are not. A pod
    /// spec that is itself of the wrong type (`spec: "x"`, `template: 5`)
    /// is not reported, because there is no pod spec to check. Values are
    /// checked for their type only: an integer out of the `int32` range or
    /// an unknown enum string passes.
    ///
    /// ## References
    ///
    /// - Kubernetes API reference, Pod v1 core
    ///   (<https://kubernetes.io/docs/reference/kubernetes-api/workload-resources/pod-v1/>)
    /// - YAML 1.1 type repository: bool, int, float, null
    ///   (<https://yaml.org/type/>)
    pub static RULE = {
        id: "invalid-field-type",
        family: Family::Intake,
        severity: Severity::Medium,
        summary: "Metadata or pod template field has the wrong type",
        remediation: "Write the value with the type the Kubernetes API expects: booleans and numbers unquoted, strings quoted when YAML would read them as another type.",
        pss: None,
        recommended: true,
        status: RuleStatus::Stable,
        check: Check::Object(check),
    };
}

/// Field path of an object's own metadata.
const OBJECT_METADATA_PATH: &str = "metadata";

/// Paths of the fields that name and place an object; see
/// [`Object::has_valid_identity`].
const IDENTITY_PATHS: &[&str] = &[
    OBJECT_METADATA_PATH,
    "metadata.name",
    "metadata.generateName",
    "metadata.namespace",
];

fn check(object: &Object<'_, '_>, sink: &mut Sink<'_>) {
    if let Some(entry) = object.root.entry(OBJECT_METADATA_PATH) {
        let mut walk = Walk::new(OBJECT_METADATA_PATH, sink);
        walk.check_value(entry.value, &FieldType::Object(METADATA), entry.key.pos());
    }
    let Some(pod) = PodSpec::of(object) else {
        return;
    };
    // A Pod's pod metadata is its own metadata, checked above.
    if let Some(metadata) = pod
        .metadata
        .filter(|_| pod.metadata_prefix != OBJECT_METADATA_PATH)
    {
        let mut walk = Walk::new(pod.metadata_prefix, sink);
        walk.check_fields(metadata, METADATA);
    }
    let mut walk = Walk::new(pod.prefix, sink);
    walk.check_fields(pod.spec, POD_SPEC);
}

/// A walk over the pod template along the field table.
///
/// Work follows the table, which is a few levels deep: each known field is
/// looked up, and each list item and each entry of a `MapOf` field is
/// visited once per path that reaches it. Aliases can reach one value by
/// many paths, but the parser already rejects documents whose aliases
/// expand beyond go-yaml's limit, which bounds the walk.
struct Walk<'w, 's> {
    /// Field path of the value being checked, extended and cut back as the
    /// walk goes down and up, so that no path is built unless reported.
    path: String,
    /// Length of the path of the mapping the walk started at, to tell the
    /// pod spec's own container lists apart.
    start_len: usize,
    /// The container the value being checked is in, if any.
    container: Option<ContainerInfo>,
    sink: &'w mut Sink<'s>,
}

impl<'w, 's> Walk<'w, 's> {
    fn new(prefix: &str, sink: &'w mut Sink<'s>) -> Self {
        Walk {
            path: prefix.to_owned(),
            start_len: prefix.len(),
            container: None,
            sink,
        }
    }

    /// Returns the kind of container list the walk is at, when the current
    /// path is one of the pod spec's container lists.
    fn container_list(&self) -> Option<ContainerKind> {
        let field = self.path.get(self.start_len..)?.strip_prefix('.')?;
        [
            ContainerKind::Init,
            ContainerKind::Regular,
            ContainerKind::Ephemeral,
        ]
        .into_iter()
        .find(|kind| kind.field() == field)
    }

    /// Checks the known fields of the mapping `node`.
    fn check_fields(&mut self, node: NodeRef<'_, '_>, fields: &[Field]) {
        for field in fields {
            let Some(entry) = node.entry(field.name) else {
                continue;
            };
            let parent = self.path.len();
            self.path.push('.');
            self.path.push_str(field.name);
            self.check_value(entry.value, &field.ty, entry.key.pos());
            self.path.truncate(parent);
        }
    }

    /// Checks one value, reported at `pos` (its key, or the list item),
    /// then its fields, items or entries. Messages name the value by its
    /// field path and its container, never by its value, which may be a
    /// secret.
    fn check_value(&mut self, node: NodeRef<'_, '_>, ty: &FieldType, pos: Pos) {
        if node.is_null() {
            return;
        }
        if !has_type(node, ty) {
            let message = message(node, ty, &self.path, self.container.as_ref());
            let finding = self.sink.report(pos, self.path.clone(), message);
            finding.container.clone_from(&self.container);
            return;
        }
        let parent = self.path.len();
        match ty {
            FieldType::Object(fields) => self.check_fields(node, fields),
            FieldType::List(item_type) => {
                let container_kind = self.container_list();
                for (index, item) in node.items().enumerate() {
                    let _ = write!(self.path, "[{index}]");
                    if let Some(kind) = container_kind {
                        self.container = item.get_str("name").map(|name| ContainerInfo {
                            name: name.to_owned(),
                            kind,
                        });
                    }
                    self.check_value(item, item_type, item.pos());
                    self.path.truncate(parent);
                }
                if container_kind.is_some() {
                    self.container = None;
                }
            }
            FieldType::MapOf(value_type) => {
                for entry in node.entries() {
                    self.path.push('.');
                    self.path.push_str(&entry.key_str().unwrap_or_default());
                    self.check_value(entry.value, value_type, entry.key.pos());
                    self.path.truncate(parent);
                }
            }
            _ => {}
        }
    }
}

fn has_type(node: NodeRef<'_, '_>, ty: &FieldType) -> bool {
    let value = node.value();
    match ty {
        FieldType::Bool => matches!(value, Value::Bool(_)),
        FieldType::Int => is_integer(value),
        FieldType::Str => matches!(value, Value::Str(_)),
        FieldType::Quantity => {
            matches!(value, Value::Str(_) | Value::Int(_))
                || matches!(value, Value::Float(f) if f.is_finite())
        }
        FieldType::IntOrString => matches!(value, Value::Str(_)) || is_integer(value),
        FieldType::List(_) => matches!(value, Value::Seq { .. }),
        FieldType::MapOf(_) | FieldType::Object(_) => matches!(value, Value::Map { .. }),
    }
}

fn is_integer(value: &Value<'_>) -> bool {
    match value {
        Value::Int(_) => true,
        Value::Float(f) => f.is_finite() && f.fract() == 0.0,
        _ => false,
    }
}

fn message(
    node: NodeRef<'_, '_>,
    ty: &FieldType,
    path: &str,
    container: Option<&ContainerInfo>,
) -> String {
    let place = match container {
        Some(container) => format!(" of {} \"{}\"", container.kind.noun(), container.name),
        None => String::new(),
    };
    let fix = match (ty, node.value()) {
        (FieldType::Bool | FieldType::Int, Value::Str(text)) if unquoted_fits(text, ty) => {
            " Remove the quotes."
        }
        (FieldType::Str, Value::Bool(_) | Value::Int(_) | Value::Float(_)) => " Quote the value.",
        _ => "",
    };
    // Without a string name or namespace the object is kept from the rules
    // that read several objects; other fields only read as unset.
    let effect = if IDENTITY_PATHS.contains(&path) {
        "rules that compare objects (network policies, RBAC, attack paths) leave it out"
    } else {
        "other rules read the field as unset"
    };
    format!(
        "field `{path}`{place} is {}, but the Kubernetes API expects {}. The API server rejects \
         this object, and {effect}.{fix}",
        article_type(node),
        ty.describe(),
    )
}

/// Returns whether `text` without its quotes would be read as `ty`.
fn unquoted_fits(text: &str, ty: &FieldType) -> bool {
    let value = resolve_plain(Cow::Borrowed(text));
    match ty {
        FieldType::Bool => matches!(value, Value::Bool(_)),
        _ => is_integer(&value),
    }
}

fn article_type(node: NodeRef<'_, '_>) -> String {
    let name = node.type_name();
    let article = if name.starts_with(['a', 'e', 'i', 'o', 'u']) {
        "an"
    } else {
        "a"
    };
    format!("{article} {name}")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::intake::field_types::CONTAINER;

    #[test]
    fn table_names_are_unique() {
        fn visit(fields: &[Field]) {
            for (i, field) in fields.iter().enumerate() {
                assert!(
                    fields[..i].iter().all(|other| other.name != field.name),
                    "field `{}` is listed twice",
                    field.name
                );
                visit_type(&field.ty);
            }
        }
        fn visit_type(ty: &FieldType) {
            match ty {
                FieldType::Object(fields) => visit(fields),
                FieldType::List(inner) | FieldType::MapOf(inner) => visit_type(inner),
                _ => {}
            }
        }
        visit(POD_SPEC);
        visit(CONTAINER);
        visit(METADATA);
    }
}
