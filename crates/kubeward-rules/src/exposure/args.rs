//! A container's command line, read the way Go's `pflag` package (used by
//! the Dashboard, Argo and most Kubernetes tools) reads flags: `--name=v`,
//! `--name v` for flags that take a value, a bare `--name` for booleans,
//! and the last occurrence of a flag wins.
//!
//! `command` and `args` are read as one list, `command` first, because a
//! flag may sit in either. Flags hidden inside a shell string such as
//! `sh -c "dashboard --enable-skip-login"` are not seen.

use kubeward_core::yaml::{NodeRef, Pos};

use super::model::Field;

/// One item of `command` or `args`.
#[derive(Clone, Debug)]
pub struct Arg {
    pub text: String,
    pub field: Field,
}

/// A flag found on the command line, with the item that sets it.
#[derive(Clone, Debug)]
pub struct Flag {
    /// The value: the text after `=`, the next item, or `true` for a bare
    /// boolean flag.
    pub value: String,
    pub field: Field,
}

/// The `command` and `args` items of one container.
#[derive(Clone, Debug, Default)]
pub struct CommandLine {
    pub items: Vec<Arg>,
    /// Number of items that come from `command`.
    pub command_len: usize,
}

impl CommandLine {
    /// Reads `command` and `args` of a container mapping whose field path
    /// is `container_path`.
    pub fn of(container: NodeRef<'_, '_>, container_path: &str) -> Self {
        let mut line = CommandLine::default();
        for key in ["command", "args"] {
            let Some(list) = container.get(key) else {
                continue;
            };
            for (index, item) in list.items().enumerate() {
                let Some(text) = item.scalar_text() else {
                    continue;
                };
                line.items.push(Arg {
                    text: text.into_owned(),
                    field: Field::new(item.pos(), format!("{container_path}.{key}[{index}]")),
                });
                if key == "command" {
                    line.command_len += 1;
                }
            }
        }
        line
    }

    /// Whether an item names `program`, as a path (`/usr/local/bin/x`)
    /// or alone, among the first two items (a program can follow a
    /// wrapper such as `uid_entrypoint.sh` or `tini`).
    pub fn runs(&self, program: &str) -> bool {
        self.items.iter().take(3).any(|arg| {
            let base = arg.text.rsplit('/').next().unwrap_or(&arg.text);
            base == program
        })
    }

    /// The first item that is not a flag, after the program when the
    /// container sets `command`: the subcommand of `argo server`.
    pub fn first_word(&self) -> Option<&Arg> {
        self.items.iter().find(|arg| !arg.text.starts_with('-'))
    }

    /// The last value of flag `name` (written without dashes) that takes a
    /// value: `--name=v` or `--name v`.
    pub fn value(&self, name: &str) -> Option<Flag> {
        self.values(name).pop()
    }

    /// Every value of a flag that may be repeated, such as `--upstream`.
    pub fn values(&self, name: &str) -> Vec<Flag> {
        let long = format!("--{name}");
        let with_value = format!("--{name}=");
        let mut out = Vec::new();
        let mut items = self.items.iter().peekable();
        while let Some(arg) = items.next() {
            if let Some(value) = arg.text.strip_prefix(&with_value) {
                out.push(Flag {
                    value: value.to_owned(),
                    field: arg.field.clone(),
                });
            } else if arg.text == long {
                if let Some(next) = items.next() {
                    out.push(Flag {
                        value: next.text.clone(),
                        field: arg.field.clone(),
                    });
                }
            }
        }
        out
    }

    /// The last setting of boolean flag `name`: bare `--name` is true,
    /// `--name=v` takes `v` as Go's `strconv.ParseBool` reads it. A value
    /// that is not a boolean is skipped, as the program would fail to
    /// start.
    pub fn bool_flag(&self, name: &str) -> Option<(bool, Field)> {
        let long = format!("--{name}");
        let with_value = format!("--{name}=");
        let mut found = None;
        for arg in &self.items {
            if arg.text == long {
                found = Some((true, arg.field.clone()));
            } else if let Some(value) = arg.text.strip_prefix(&with_value) {
                if let Some(value) = parse_go_bool(value) {
                    found = Some((value, arg.field.clone()));
                }
            }
        }
        found
    }

    /// The item to point at when a flag is missing: the `args` list, or
    /// `command`, or `fallback` when the container has neither.
    pub fn anchor(container: NodeRef<'_, '_>, container_path: &str, fallback: Pos) -> Field {
        for key in ["args", "command"] {
            if let Some(entry) = container.entry(key) {
                return Field::new(entry.key.pos(), format!("{container_path}.{key}"));
            }
        }
        Field::new(fallback, container_path.to_owned())
    }
}

/// Reads a boolean as Go's `strconv.ParseBool` does.
pub fn parse_go_bool(text: &str) -> Option<bool> {
    match text {
        "1" | "t" | "T" | "true" | "TRUE" | "True" => Some(true),
        "0" | "f" | "F" | "false" | "FALSE" | "False" => Some(false),
        _ => None,
    }
}

/// An environment variable of a container, set with a literal `value`.
#[derive(Clone, Debug)]
pub struct EnvVar {
    pub value: Option<String>,
    /// Whether the value comes from `valueFrom`, which manifests do not show.
    pub from_reference: bool,
    pub field: Field,
}

/// The last `env` entry named `name` (the last one wins, as the kubelet
/// applies them in order).
pub fn env_var(container: NodeRef<'_, '_>, container_path: &str, name: &str) -> Option<EnvVar> {
    let list = container.get("env")?;
    let mut found = None;
    for (index, item) in list.items().enumerate() {
        if item.get_str("name") != Some(name) {
            continue;
        }
        found = Some(EnvVar {
            value: item
                .get("value")
                .and_then(|v| v.scalar_text())
                .map(Into::into),
            from_reference: item.get("valueFrom").is_some(),
            field: Field::new(item.pos(), format!("{container_path}.env[{index}]")),
        });
    }
    found
}

#[cfg(test)]
mod tests {
    use super::*;

    fn line(items: &[&str]) -> CommandLine {
        CommandLine {
            items: items
                .iter()
                .map(|text| Arg {
                    text: (*text).to_owned(),
                    field: Field::new(Pos::default(), String::new()),
                })
                .collect(),
            command_len: 0,
        }
    }

    #[test]
    fn flag_forms() {
        let args = line(&["--a=1", "--b", "2", "--c", "--a=3"]);
        assert_eq!(args.value("a").map(|f| f.value), Some("3".to_owned()));
        assert_eq!(args.value("b").map(|f| f.value), Some("2".to_owned()));
        assert_eq!(args.bool_flag("c").map(|(v, _)| v), Some(true));
        assert!(args.value("d").is_none());
    }

    #[test]
    fn bool_flag_last_wins() {
        let args = line(&["--skip", "--skip=false"]);
        assert_eq!(args.bool_flag("skip").map(|(v, _)| v), Some(false));
        let args = line(&["--skip=no", "--skip=T"]);
        assert_eq!(args.bool_flag("skip").map(|(v, _)| v), Some(true));
    }

    #[test]
    fn program_and_subcommand() {
        let args = line(&[
            "uid_entrypoint.sh",
            "/usr/local/bin/argocd-server",
            "--insecure",
        ]);
        assert!(args.runs("argocd-server"));
        assert!(!args.runs("argocd-repo-server"));
        let args = line(&["server", "--auth-mode=client"]);
        assert_eq!(args.first_word().map(|a| a.text.as_str()), Some("server"));
    }
}
