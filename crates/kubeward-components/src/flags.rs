//! Command-line arguments and how control-plane programs parse them.
//!
//! Kubernetes components parse flags with `spf13/pflag`: `--name=value`,
//! `--name value` for flags that take a value, a bare `--name` for a boolean
//! (which then never takes the next argument), `--` ends the flags, and a
//! single dash introduces one-letter shorthands such as `-v`. etcd parses
//! with Go's `flag` package, which also reads `-name` as a long flag. Which
//! flags are booleans comes from [`crate::spec`].

use kubeward_core::{ComponentKind, Location};

/// One command-line argument and where it is written.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Arg {
    pub text: String,
    pub location: Location,
}

/// One occurrence of a flag on a command line.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FlagUse {
    /// The name without dashes.
    pub name: String,
    /// The value; `None` for a bare flag.
    pub value: Option<String>,
    /// Where the flag is written.
    pub location: Location,
}

/// A parsed command line.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct CommandLine {
    /// Flags in the order they were given.
    pub flags: Vec<FlagUse>,
    /// Arguments that are not flags or flag values.
    pub positional: Vec<Arg>,
    /// Arguments the program would reject, with the reason.
    pub problems: Vec<(Location, String)>,
}

/// How a flag takes its value, as kubeward models the program.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Arity {
    /// A boolean: `--name` alone means true, and only `--name=value` gives
    /// it a value.
    Bool,
    /// A flag with a value: `--name value` takes the next argument, whatever
    /// it looks like, as pflag does.
    Value,
    /// A flag kubeward does not model: the next argument is taken as its
    /// value unless it looks like a flag, since the flag may be a boolean.
    Unknown,
}

/// Parses `args` (without the program name) as a component parses them.
/// `arity` gives each flag's kind; `go_flag` selects Go's `flag` package
/// rules (etcd), where `-name` is a long flag and the first argument that
/// is not a flag ends the flags.
///
/// Every argument that is not a flag or a flag's value is also recorded in
/// [`CommandLine::problems`]: the programs take no arguments, and exit when
/// given one.
pub fn parse_flags(args: &[Arg], arity: &dyn Fn(&str) -> Arity, go_flag: bool) -> CommandLine {
    let mut line = CommandLine::default();
    let mut index = 0;
    // The last flag read, when it is a bare boolean: a word after it is
    // probably meant as its value.
    let mut bare_bool: Option<&str> = None;
    while index < args.len() {
        let arg = &args[index];
        index += 1;
        let text = arg.text.as_str();
        let after_bool = bare_bool.take();
        if text == "--" {
            let rest = &args[index..];
            if let Some(first) = rest.iter().find(|a| !a.text.is_empty()) {
                line.problems.push((
                    first.location.clone(),
                    format!(
                        "`--` ends the flags, so {}, and {}; remove the `--`",
                        if rest.len() > 1 {
                            format!(
                                "`{}` and the arguments after it are not flags",
                                shown(&first.text)
                            )
                        } else {
                            format!("`{}` is an argument, not a flag", shown(&first.text))
                        },
                        exits(go_flag, &first.text),
                    ),
                ));
            }
            line.positional.extend(rest.iter().cloned());
            break;
        }
        let body = if let Some(long) = text.strip_prefix("--") {
            long
        } else if let Some(short) = text.strip_prefix('-').filter(|s| !s.is_empty()) {
            if go_flag || is_shorthand(short) {
                short
            } else {
                line.problems.push((
                    arg.location.clone(),
                    format!(
                        "`{}` has one dash; Kubernetes components read `-{}` as a \
                         one-letter shorthand and reject this argument, so the program \
                         does not start with it; write `-{}`",
                        shown(text),
                        short.chars().next().unwrap_or('?'),
                        shown(text),
                    ),
                ));
                continue;
            }
        } else {
            // An argument holding `$` may be a variable that expands to
            // flags, as `$(VAR)` in a container or `${VAR}` in a unit.
            if !text.is_empty() && !text.contains('$') {
                line.problems.push((
                    arg.location.clone(),
                    positional_problem(args, index - 1, after_bool, go_flag),
                ));
            }
            line.positional.push(arg.clone());
            if go_flag {
                // Go's flag package stops at the first argument that is not
                // a flag: the rest are arguments too.
                line.positional.extend(args[index..].iter().cloned());
                break;
            }
            continue;
        };
        let (name, value) = match body.split_once('=') {
            Some((name, value)) => (name, Some(value.to_owned())),
            None => (body, None),
        };
        let kind = arity(name);
        if value.is_none() && kind == Arity::Bool {
            bare_bool = Some(name);
        }
        let value = match (value, kind) {
            (None, Arity::Value) => take_value(args, &mut index, true),
            (None, Arity::Unknown) => take_value(args, &mut index, false),
            (value, _) => value,
        };
        line.flags.push(FlagUse {
            name: name.to_owned(),
            value,
            location: arg.location.clone(),
        });
    }
    line
}

/// An argument as a message quotes it: credentials in URLs are masked.
fn shown(text: &str) -> String {
    crate::mask_userinfo(text).into_owned()
}

/// What the program does when given argument `first`.
fn exits(go_flag: bool, first: &str) -> String {
    if go_flag {
        format!("etcd exits with \"'{}' is not a valid flag\"", shown(first))
    } else {
        "the program takes no arguments and exits (\"does not take any arguments\")".to_owned()
    }
}

/// Describes the argument at `at`, which is not a flag: what the program
/// reads, and how to write what was probably meant.
fn positional_problem(args: &[Arg], at: usize, after_bool: Option<&str>, go_flag: bool) -> String {
    let text = &args[at].text;
    let ignored = if go_flag {
        let later = args[at + 1..]
            .iter()
            .filter(|a| a.text.starts_with('-'))
            .count();
        match later {
            0 => String::new(),
            1 => ", and the flag after it is not read".to_owned(),
            n => format!(", and the {n} flags after it are not read"),
        }
    } else {
        String::new()
    };
    match after_bool {
        Some(flag) => format!(
            "`--{flag} {}`: `--{flag}` is a boolean flag, which takes no separate value, so \
             it is true and `{}` is an argument{ignored}; {}; write `--{flag}={}`",
            shown(text),
            shown(text),
            exits(go_flag, text),
            shown(text),
        ),
        None => format!(
            "`{}` is not a flag but an argument{ignored}; {}",
            shown(text),
            exits(go_flag, text)
        ),
    }
}

/// Whether `short` is `v` or `h` with an optional value, the only
/// shorthands Kubernetes components define (`-v=2`, `-v 2`, `-h`).
fn is_shorthand(short: &str) -> bool {
    let mut chars = short.chars();
    matches!(chars.next(), Some('v' | 'h'))
        && chars.next().is_none_or(|c| c == '=' || c.is_ascii_digit())
}

fn take_value(args: &[Arg], index: &mut usize, unconditional: bool) -> Option<String> {
    let next = args.get(*index)?;
    if unconditional || !next.text.starts_with('-') || next.text == "-" {
        *index += 1;
        return Some(next.text.clone());
    }
    None
}

/// Identifies the program a command line runs. Returns the component and
/// the index of its first argument after the program (and subcommand).
/// Recognises the programs' own names, `hyperkube SUBCOMMAND`, and the
/// names with a directory or a `.exe` suffix.
pub fn identify_program(args: &[Arg]) -> Option<(ComponentKind, usize)> {
    let first = program_name(&args.first()?.text);
    if first == "hyperkube" {
        let sub = args.get(1)?.text.as_str();
        let kind = match sub {
            "apiserver" | "kube-apiserver" => ComponentKind::ApiServer,
            "controller-manager" | "kube-controller-manager" => ComponentKind::ControllerManager,
            "scheduler" | "kube-scheduler" => ComponentKind::Scheduler,
            "proxy" | "kube-proxy" => ComponentKind::KubeProxy,
            "kubelet" => ComponentKind::Kubelet,
            _ => return None,
        };
        return Some((kind, 2));
    }
    kind_of_program(first).map(|kind| (kind, 1))
}

/// The component a program name runs, such as `kube-apiserver`.
pub fn kind_of_program(name: &str) -> Option<ComponentKind> {
    Some(match name {
        "kube-apiserver" => ComponentKind::ApiServer,
        "etcd" => ComponentKind::Etcd,
        "kubelet" => ComponentKind::Kubelet,
        "kube-controller-manager" => ComponentKind::ControllerManager,
        "kube-scheduler" => ComponentKind::Scheduler,
        "kube-proxy" => ComponentKind::KubeProxy,
        _ => return None,
    })
}

/// The file name of a program path, without a `.exe` suffix.
pub fn program_name(path: &str) -> &str {
    let name = path.rsplit(['/', '\\']).next().unwrap_or(path);
    name.strip_suffix(".exe").unwrap_or(name)
}

/// Splits a shell command string into words: whitespace separates words,
/// single and double quotes group, a backslash escapes the next character
/// outside single quotes. Returns each word with its character offset.
/// Expansions (`$X`, backquotes) are kept as written.
pub fn split_words(text: &str) -> Vec<(String, usize)> {
    let mut words = Vec::new();
    let mut current: Option<(String, usize)> = None;
    let mut quote: Option<char> = None;
    let mut chars = text.chars().enumerate().peekable();
    while let Some((offset, c)) = chars.next() {
        match (quote, c) {
            (Some(q), c) if c == q => quote = None,
            (Some('\''), c) => push_char(&mut current, offset, c),
            (Some(_) | None, '\\') => {
                let next = chars.next().map_or('\\', |(_, next)| next);
                if next != '\n' {
                    push_char(&mut current, offset, next);
                }
            }
            (None, '\'' | '"') => {
                quote = Some(c);
                current.get_or_insert_with(|| (String::new(), offset));
            }
            (None, c) if c.is_whitespace() => {
                if let Some(word) = current.take() {
                    words.push(word);
                }
            }
            (Some(_) | None, c) => push_char(&mut current, offset, c),
        }
    }
    if let Some(word) = current {
        words.push(word);
    }
    words
}

fn push_char(current: &mut Option<(String, usize)>, offset: usize, c: char) {
    current
        .get_or_insert_with(|| (String::new(), offset))
        .0
        .push(c);
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use kubeward_core::Location;
    use kubeward_core::yaml::Pos;

    use super::*;

    fn args(words: &[&str]) -> Vec<Arg> {
        words
            .iter()
            .enumerate()
            .map(|(i, w)| Arg {
                text: (*w).to_owned(),
                location: Location::bare(
                    Arc::from("t"),
                    Pos {
                        line: 1,
                        col: u32::try_from(i).unwrap_or(0) + 1,
                    },
                    "",
                ),
            })
            .collect()
    }

    fn flags(line: &CommandLine) -> Vec<(String, Option<String>)> {
        line.flags
            .iter()
            .map(|f| (f.name.clone(), f.value.clone()))
            .collect()
    }

    fn arity(name: &str) -> Arity {
        match name {
            "peer-client-cert-auth" | "profiling" => Arity::Bool,
            "audit-log-maxage" | "name" => Arity::Value,
            _ => Arity::Unknown,
        }
    }

    #[test]
    fn space_separated_values() {
        let line = parse_flags(
            &args(&["--audit-log-maxage", "30", "--profiling=false"]),
            &arity,
            false,
        );
        assert_eq!(
            flags(&line),
            [
                ("audit-log-maxage".into(), Some("30".into())),
                ("profiling".into(), Some("false".into())),
            ]
        );
        assert!(line.positional.is_empty());
    }

    #[test]
    fn bare_boolean_takes_no_value() {
        let line = parse_flags(
            &args(&["--peer-client-cert-auth", "--auto-tls=false"]),
            &arity,
            false,
        );
        assert_eq!(
            flags(&line),
            [
                ("peer-client-cert-auth".into(), None),
                ("auto-tls".into(), Some("false".into())),
            ]
        );
    }

    #[test]
    fn boolean_never_takes_next_word() {
        let line = parse_flags(&args(&["--profiling", "false"]), &arity, false);
        assert_eq!(flags(&line), [("profiling".into(), None)]);
        assert_eq!(line.positional.len(), 1);
    }

    #[test]
    fn unknown_bare_flag_before_flag() {
        let line = parse_flags(&args(&["--unknown", "--other=1"]), &arity, false);
        assert_eq!(
            flags(&line),
            [("unknown".into(), None), ("other".into(), Some("1".into()))]
        );
    }

    #[test]
    fn known_value_flag_takes_dashed_word() {
        let line = parse_flags(&args(&["--name", "-x"]), &arity, false);
        assert_eq!(flags(&line), [("name".into(), Some("-x".into()))]);
    }

    #[test]
    fn double_dash_ends_flags() {
        let line = parse_flags(&args(&["--a=1", "--", "--b=2"]), &arity, false);
        assert_eq!(flags(&line), [("a".into(), Some("1".into()))]);
        assert_eq!(line.positional.len(), 1);
    }

    #[test]
    fn single_dash_long_flag_in_go_flag() {
        let line = parse_flags(&args(&["-name", "x", "-client-cert-auth"]), &arity, true);
        assert_eq!(
            flags(&line),
            [
                ("name".into(), Some("x".into())),
                ("client-cert-auth".into(), None)
            ]
        );
    }

    #[test]
    fn single_dash_long_flag_rejected_by_pflag() {
        let line = parse_flags(&args(&["-anonymous-auth=false", "-v=2"]), &arity, false);
        assert_eq!(flags(&line), [("v".into(), Some("2".into()))]);
        assert_eq!(line.problems.len(), 1);
    }

    #[test]
    fn go_flag_stops_at_first_argument() {
        let line = parse_flags(
            &args(&["-name=a", "-peer-client-cert-auth", "false", "-name=b"]),
            &arity,
            true,
        );
        assert_eq!(
            flags(&line),
            [
                ("name".into(), Some("a".into())),
                ("peer-client-cert-auth".into(), None)
            ]
        );
        assert_eq!(line.positional.len(), 2);
        assert_eq!(line.problems.len(), 1);
        assert!(line.problems[0].1.contains("'false' is not a valid flag"));
    }

    #[test]
    fn empty_and_variable_arguments_are_not_problems() {
        let line = parse_flags(&args(&["", "$(EXTRA_ARGS)", "--a=1"]), &arity, false);
        assert_eq!(line.positional.len(), 2);
        assert!(line.problems.is_empty(), "{:?}", line.problems);
    }

    #[test]
    fn empty_value_after_equals() {
        let line = parse_flags(&args(&["--runtime-config="]), &arity, false);
        assert_eq!(
            flags(&line),
            [("runtime-config".into(), Some(String::new()))]
        );
    }

    #[test]
    fn identifies_hyperkube() {
        let found = identify_program(&args(&["/hyperkube", "apiserver", "--x=1"]));
        assert_eq!(found, Some((ComponentKind::ApiServer, 2)));
        let found = identify_program(&args(&["/usr/local/bin/kubelet"]));
        assert_eq!(found, Some((ComponentKind::Kubelet, 1)));
        assert_eq!(identify_program(&args(&["containerd"])), None);
    }

    #[test]
    fn splits_shell_words() {
        let words: Vec<String> = split_words(r#"kube-apiserver --a="x y" --b='$c' \"d"#)
            .into_iter()
            .map(|(w, _)| w)
            .collect();
        assert_eq!(words, ["kube-apiserver", "--a=x y", "--b=$c", "\"d"]);
    }
}
