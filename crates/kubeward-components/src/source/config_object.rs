//! Component configuration objects checked on their own:
//! `KubeletConfiguration`, `KubeSchedulerConfiguration` and
//! `KubeProxyConfiguration`. Each gives a component whose settings are the
//! file's fields over the defaults of that configuration API. Settings only
//! a command line can give are unknown, and rules leave them alone.

use kubeward_core::component::Undetermined;
use kubeward_core::yaml::Pos;
use kubeward_core::{Component, ComponentKind, Location, Object};

use crate::build::{ConfigInput, Sources, build};
use crate::config::{read_problems, read_settings};
use crate::source::object_label;

/// The component a configuration object configures, if it is one.
pub fn components(object: &Object<'_, '_>) -> Vec<Component> {
    let kind = match (object.api_group(), object.kind()) {
        ("kubelet.config.k8s.io", "KubeletConfiguration") => ComponentKind::Kubelet,
        ("kubescheduler.config.k8s.io", "KubeSchedulerConfiguration") => ComponentKind::Scheduler,
        ("kubeproxy.config.k8s.io", "KubeProxyConfiguration") => ComponentKind::KubeProxy,
        _ => return Vec::new(),
    };
    vec![component(object, kind)]
}

fn component(object: &Object<'_, '_>, kind: ComponentKind) -> Component {
    let anchor = Location::in_object(object, object.pos(), "kind");
    let label = format!("{kind} configured by {}", object_label(object));
    let mut sources = Sources::new(kind, label, anchor.clone());
    sources.config_only = true;
    let locate = |pos: Pos, field: &str| Location::in_object(object, pos, field);
    sources.config = ConfigInput::Read {
        path: object.source.file.to_string(),
        values: read_settings(kind, object.root, &locate),
    };
    sources.problems = read_problems(kind, object.root, &locate);
    let mut component = build(sources);
    let command_line_only: Vec<String> = crate::spec::settings(kind)
        .iter()
        .filter(|spec| spec.field.is_none())
        .map(|spec| spec.name.to_owned())
        .collect();
    component.undetermined.push(Undetermined {
        input: format!("the command line of the {kind} this file configures"),
        reason: "a configuration file is checked on its own".into(),
        settings: command_line_only,
        location: anchor,
    });
    component
}
