//! Running programs, read from the process table, and saved command
//! lines.

use std::path::Path;
use std::sync::Arc;

use kubeward_components::build::{ConfigInput, EnvValue, Sources, build};
use kubeward_components::config::read_settings_text;
use kubeward_components::flags::Arg;
use kubeward_components::source::{cmdline, k3s, static_pod};
use kubeward_core::{Component, ComponentKind, Warning};

use crate::paths::Resolver;
use crate::{NodeAudit, NodeOptions, display};

/// Whether the effective user id in `/proc/self/status` is 0. A status
/// that cannot be read counts as not root.
pub fn running_as_root() -> bool {
    std::fs::read_to_string("/proc/self/status").is_ok_and(|status| {
        status
            .lines()
            .find_map(|line| line.strip_prefix("Uid:"))
            .and_then(|ids| ids.split_whitespace().nth(1).map(|euid| euid == "0"))
            .unwrap_or(false)
    })
}

/// Reads every process of `proc_dir` (or those of `options.pids`) that
/// runs a component.
pub fn read_processes(
    proc_dir: &Path,
    options: &NodeOptions,
    found: &mut Vec<(Component, Resolver)>,
    out: &mut NodeAudit,
) {
    let pids: Vec<u32> = if options.pids.is_empty() {
        match std::fs::read_dir(proc_dir) {
            Ok(entries) => {
                let mut pids: Vec<u32> = entries
                    .flatten()
                    .filter_map(|e| e.file_name().to_str()?.parse().ok())
                    .collect();
                pids.sort_unstable();
                pids
            }
            Err(err) => {
                out.warnings.push(warning(
                    proc_dir,
                    format!("cannot list processes: {err}; no running component was read"),
                ));
                return;
            }
        }
    } else {
        options.pids.clone()
    };
    let mut denied = 0;
    for pid in pids {
        let dir = proc_dir.join(pid.to_string());
        let cmdline = dir.join("cmdline");
        let bytes = match std::fs::read(&cmdline) {
            Ok(bytes) => bytes,
            Err(err) => {
                if err.kind() == std::io::ErrorKind::PermissionDenied {
                    denied += 1;
                }
                // A process may exit while the table is read, which is
                // expected unless the process was requested by id.
                if !options.pids.is_empty() {
                    let reason = if err.kind() == std::io::ErrorKind::NotFound {
                        format!("no process {pid} in {}", proc_dir.display())
                    } else {
                        format!("cannot read {}: {}", cmdline.display(), describe_io(&err))
                    };
                    out.failed.push((format!("process {pid}"), reason));
                }
                continue;
            }
        };
        if bytes.is_empty() {
            if !options.pids.is_empty() {
                out.failed.push((
                    format!("process {pid}"),
                    format!(
                        "{} is empty: the process is a kernel thread or has exited",
                        cmdline.display()
                    ),
                ));
            }
            continue;
        }
        out.files_read.insert(cmdline.clone());
        let text = String::from_utf8_lossy(&bytes);
        let file = display(&cmdline);
        let args = cmdline::split_args(&file, text.trim_end_matches('\0'));
        let resolver = Resolver::with_cwd(&dir.join("root"), &dir.join("cwd"));
        let label = format!("(pid {pid})");
        let before = found.len();
        read_args(&args, &label, &resolver, Some(&dir), found);
        if found.len() == before && !options.pids.is_empty() {
            out.warnings.push(warning(
                &cmdline,
                format!("process {pid} runs no component kubeward checks"),
            ));
        }
    }
    if denied > 0 {
        out.warnings.push(warning(
            proc_dir,
            format!(
                "permission denied reading the command line of {denied} processes; components \
                 among them were not checked (run kubeward node as root)"
            ),
        ));
    }
}

/// Reads a saved command line whose files are under the node root.
pub fn read_saved(
    path: &Path,
    options: &NodeOptions,
    found: &mut Vec<(Component, Resolver)>,
    warnings: &mut Vec<Warning>,
) {
    let text = match std::fs::read(path) {
        Ok(bytes) => String::from_utf8_lossy(&bytes).into_owned(),
        Err(err) => {
            warnings.push(warning(path, format!("cannot read command line: {err}")));
            return;
        }
    };
    let file = display(path);
    let args = cmdline::split_args(&file, text.trim_end_matches(['\n', '\0']));
    let resolver = Resolver::at(&options.root);
    let before = found.len();
    read_args(
        &args,
        &format!("from {}", path.display()),
        &resolver,
        None,
        found,
    );
    if found.len() == before {
        warnings.push(warning(
            path,
            "the command line runs no component kubeward checks".into(),
        ));
    }
}

/// Builds the components a command line runs. `process` is the process's
/// `/proc` directory, whose environment etcd reads settings from.
fn read_args(
    args: &[Arg],
    label: &str,
    resolver: &Resolver,
    process: Option<&Path>,
    found: &mut Vec<(Component, Resolver)>,
) {
    if let Some(start) = k3s::server_command(args) {
        let config = read_server_config(&k3s::config_path_of(start, args), resolver);
        for component in k3s::from_command_and_config(start, args, label, config) {
            found.push((component, resolver.clone()));
        }
        return;
    }
    let Some(mut sources) = cmdline::sources_from_args(args, label) else {
        return;
    };
    if sources.kind == ComponentKind::Etcd {
        if let Some(dir) = process {
            read_etcd_environment(&mut sources, dir);
        }
    }
    if let Some((name, flag)) = static_pod::config_flag(&sources) {
        let named = flag.value.clone().unwrap_or_default();
        let location = flag.location.clone();
        let path = resolver.resolve(&named);
        sources.config = match std::fs::read(&path) {
            Ok(bytes) => {
                let text = String::from_utf8_lossy(&bytes);
                let file: Arc<str> = Arc::from(named.as_str());
                match read_settings_text(sources.kind, &file, &text) {
                    Ok(values) => ConfigInput::Read {
                        path: named,
                        values,
                    },
                    Err(reason) => ConfigInput::Unavailable {
                        path: named,
                        reason,
                        location,
                    },
                }
            }
            Err(err) => ConfigInput::Unavailable {
                path: named,
                reason: format!(
                    "--{name}: cannot read {}: {}",
                    path.display(),
                    describe_io(&err)
                ),
                location,
            },
        };
    }
    found.push((build(sources), resolver.clone()));
}

/// Reads a k3s or RKE2 server's config file and the drop-ins of its
/// `config.yaml.d` directory, in name order, as the server reads them.
fn read_server_config(named: &str, resolver: &Resolver) -> k3s::ServerConfig {
    let path = resolver.resolve(named);
    let text = match std::fs::read(&path) {
        Ok(bytes) => String::from_utf8_lossy(&bytes).into_owned(),
        Err(err) if err.kind() == std::io::ErrorKind::NotFound => {
            return k3s::ServerConfig::Absent;
        }
        Err(err) => {
            return k3s::ServerConfig::Unavailable {
                path: named.to_owned(),
                reason: describe_io(&err),
            };
        }
    };
    let mut files = vec![(named.to_owned(), text)];
    let drop_in_dir = format!("{named}.d");
    let mut drop_ins: Vec<_> = std::fs::read_dir(resolver.resolve(&drop_in_dir))
        .into_iter()
        .flatten()
        .flatten()
        .map(|entry| entry.file_name().to_string_lossy().into_owned())
        .filter(|name| {
            Path::new(name)
                .extension()
                .is_some_and(|e| e == "yaml" || e == "yml")
        })
        .collect();
    drop_ins.sort();
    for name in drop_ins {
        let file = format!("{drop_in_dir}/{name}");
        match std::fs::read(resolver.resolve(&file)) {
            Ok(bytes) => files.push((file, String::from_utf8_lossy(&bytes).into_owned())),
            Err(err) => {
                return k3s::ServerConfig::Unavailable {
                    path: file,
                    reason: describe_io(&err),
                };
            }
        }
    }
    let mut settings = Vec::new();
    for (file, text) in files {
        match k3s::read_config_file(&Arc::from(file.as_str()), &text) {
            Ok(read) => settings.extend(read),
            Err(reason) => return k3s::ServerConfig::Unavailable { path: file, reason },
        }
    }
    k3s::ServerConfig::Read(settings)
}

/// Adds etcd's `ETCD_*` environment variables, which it reads as flags.
/// An environment that cannot be read leaves every setting no flag gives
/// undetermined.
fn read_etcd_environment(sources: &mut Sources, dir: &Path) {
    let environ = dir.join("environ");
    match std::fs::read(&environ) {
        Ok(bytes) => {
            let text = String::from_utf8_lossy(&bytes);
            for pair in text.split('\0') {
                let Some((variable, value)) = pair.split_once('=') else {
                    continue;
                };
                let Some(name) = static_pod::etcd_flag_of_env(variable) else {
                    continue;
                };
                sources.env.push(EnvValue {
                    name,
                    variable: variable.to_owned(),
                    value: value.to_owned(),
                    location: sources.anchor.clone(),
                });
            }
        }
        Err(err) => sources.unresolved.push((
            format!("environment {}", environ.display()),
            describe_io(&err),
            sources.anchor.clone(),
        )),
    }
}

/// Describes an IO error for findings: "the file does not exist",
/// "permission denied (run kubeward node as root)", or the error itself.
pub fn describe_io(err: &std::io::Error) -> String {
    match err.kind() {
        std::io::ErrorKind::NotFound => "the file does not exist".to_owned(),
        std::io::ErrorKind::PermissionDenied => {
            "permission denied (run kubeward node as root)".to_owned()
        }
        _ => err.to_string(),
    }
}

fn warning(path: &Path, message: String) -> Warning {
    Warning {
        file: display(path),
        line: None,
        message,
    }
}
