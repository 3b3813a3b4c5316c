//! Components run as containers: static pods such as kubeadm writes to
//! `/etc/kubernetes/manifests`, mirror pods listed from `kube-system`, and
//! workloads such as the kube-proxy DaemonSet.

use kubeward_core::{Component, Container, Location, Object, PodSpec};

use crate::build::{ConfigInput, EnvValue, Sources, build};
use crate::flags::{Arg, identify_program, parse_flags, split_words};
use crate::{spec, version};

/// The components the containers of `object` run.
pub fn components(object: &Object<'_, '_>) -> Vec<Component> {
    let Some(pod) = PodSpec::of(object) else {
        return Vec::new();
    };
    pod.containers()
        .iter()
        .filter_map(|container| component(object, container))
        .collect()
}

fn component(object: &Object<'_, '_>, container: &Container<'_, '_, '_>) -> Option<Component> {
    let args = container_args(object, container);
    let (kind, start) = identify_program(&args)?;
    let anchor_key = if container.node.get("command").is_some() {
        "command"
    } else {
        "args"
    };
    let anchor = Location::in_object(
        object,
        container.locate(&[anchor_key]),
        container.path(anchor_key),
    );
    let label = format!(
        "{kind} in {} {}",
        object.kind(),
        object
            .reference
            .display_name()
            .split_once('/')
            .map_or("", |(_, n)| n)
    );
    let mut sources = Sources::new(kind, label, anchor);
    sources.version = container
        .node
        .get_str("image")
        .and_then(version::from_image);
    let line = parse_flags(
        &args[start..],
        &|name| spec::arity(kind, name),
        kind == kubeward_core::ComponentKind::Etcd,
    );
    sources.add_command_line(line);
    sources.env = env_values(object, container, kind);
    if let Some((name, flag)) = config_flag(&sources) {
        sources.config = ConfigInput::Unavailable {
            path: flag.value.clone().unwrap_or_default(),
            reason: format!(
                "the file is on the node, not in the scanned manifests; run `kubeward node` \
                 there to check the settings it holds (--{name})"
            ),
            location: flag.location.clone(),
        };
    }
    Some(build(sources))
}

/// The config-file flag of the component, if given: `--config` for the
/// kubelet, kube-scheduler and kube-proxy, `--config-file` for etcd.
pub fn config_flag(sources: &Sources) -> Option<(&'static str, &crate::flags::FlagUse)> {
    let name = match sources.kind {
        kubeward_core::ComponentKind::Etcd => "config-file",
        kubeward_core::ComponentKind::Kubelet
        | kubeward_core::ComponentKind::Scheduler
        | kubeward_core::ComponentKind::KubeProxy => "config",
        _ => return None,
    };
    let flag = sources.flag_value(name)?;
    flag.value.as_deref().filter(|v| !v.is_empty())?;
    Some((name, flag))
}

/// The container's `command` and `args` as one argument list. A command
/// run through a shell (`sh -c "..."`) is split into the words of its
/// script.
fn container_args(object: &Object<'_, '_>, container: &Container<'_, '_, '_>) -> Vec<Arg> {
    let mut args = Vec::new();
    for key in ["command", "args"] {
        let Some(list) = container.node.get(key) else {
            continue;
        };
        for (index, item) in list.items().enumerate() {
            let Some(text) = item.scalar_text() else {
                continue;
            };
            let mut location = Location::in_object(
                object,
                item.pos(),
                container.path(&format!("{key}[{index}]")),
            );
            location.source_line = location
                .source_line
                .map(|line| crate::mask_userinfo(&line).into_owned());
            args.push(Arg {
                text: text.into_owned(),
                location,
            });
        }
    }
    unwrap_shell(args)
}

/// Replaces `sh -c SCRIPT` (or `bash -c`) with the words of the script, all
/// located at the script.
fn unwrap_shell(args: Vec<Arg>) -> Vec<Arg> {
    let is_shell = args.first().is_some_and(|a| {
        matches!(
            crate::flags::program_name(&a.text),
            "sh" | "bash" | "ash" | "dash"
        )
    });
    if !is_shell || args.get(1).is_none_or(|a| a.text != "-c") {
        return args;
    }
    let Some(script) = args.get(2) else {
        return args;
    };
    split_words(&script.text)
        .into_iter()
        .map(|(word, _)| Arg {
            text: word,
            location: script.location.clone(),
        })
        .collect()
}

/// The `ETCD_*` variables of an etcd container, which etcd reads for every
/// flag the command line does not set.
fn env_values(
    object: &Object<'_, '_>,
    container: &Container<'_, '_, '_>,
    kind: kubeward_core::ComponentKind,
) -> Vec<EnvValue> {
    if kind != kubeward_core::ComponentKind::Etcd {
        return Vec::new();
    }
    let mut out = Vec::new();
    let list = container.node.get("env");
    for (index, item) in list
        .iter()
        .flat_map(kubeward_yaml::NodeRef::items)
        .enumerate()
    {
        let (Some(variable), Some(value)) = (item.get_str("name"), item.get("value")) else {
            continue;
        };
        let Some(name) = etcd_flag_of_env(variable) else {
            continue;
        };
        let Some(value) = value.scalar_text() else {
            continue;
        };
        out.push(EnvValue {
            name,
            variable: variable.to_owned(),
            value: value.into_owned(),
            location: Location::in_object(
                object,
                item.pos(),
                container.path(&format!("env[{index}]")),
            ),
        });
    }
    out
}

/// The flag etcd reads from environment variable `variable`:
/// `ETCD_CLIENT_CERT_AUTH` is `client-cert-auth`.
pub fn etcd_flag_of_env(variable: &str) -> Option<String> {
    let rest = variable.strip_prefix("ETCD_")?;
    if rest.is_empty() {
        return None;
    }
    Some(rest.to_ascii_lowercase().replace('_', "-"))
}
