//! systemd unit files (`*.service`) and drop-ins (`*.service.d/*.conf`)
//! that start components.
//!
//! The unit syntax follows systemd.syntax(7) and systemd.service(5): `#`
//! and `;` start comment lines, a line ending in a backslash continues on
//! the next one (the backslash becomes a space), `ExecStart=` may carry the
//! prefixes `-@:+!`, an empty `ExecStart=` clears earlier ones (as
//! drop-ins do), and the command line is split at whitespace with quotes
//! and backslash escapes. `$NAME` as a whole word expands to the words of
//! the variable's value, `${NAME}` expands in place to one word, `$$` is a
//! dollar sign. Variables come from `Environment=` and the files
//! `EnvironmentFile=` names; those files are not among the scanned inputs,
//! so a variable that may come from one is unresolved.

use std::sync::Arc;

use kubeward_core::component::TextComponents;
use kubeward_core::yaml::Pos;
use kubeward_core::{Location, Warning};

use crate::build::{ConfigInput, EnvValue, Sources, build};
use crate::flags::{Arg, identify_program, parse_flags, program_name};
use crate::source::{k3s, static_pod};
use crate::spec;

/// One `Key=value` line of a unit, continuation lines joined.
#[derive(Clone, Debug)]
struct Entry {
    section: String,
    key: String,
    value: Vec<(char, Pos)>,
    pos: Pos,
}

/// A piece of an `ExecStart` word.
#[derive(Clone, Debug, PartialEq, Eq)]
enum Piece {
    Text(String),
    /// `${NAME}`, or `$NAME` inside a word: replaced by the value.
    Var(String),
    /// `$NAME` as a whole word: replaced by the words of the value.
    SplitVar(String),
}

#[derive(Clone, Debug)]
struct Word {
    pieces: Vec<Piece>,
    pos: Pos,
}

/// What a unit says about starting its program.
#[derive(Clone, Debug, Default)]
pub struct UnitCommand {
    /// The last effective `ExecStart=` command, as words before expansion.
    words: Vec<Word>,
    /// Position of that `ExecStart` key.
    pub exec_pos: Pos,
    /// Variables set with `Environment=`.
    pub environment: Vec<(String, String)>,
    /// Files named by `EnvironmentFile=`.
    pub environment_files: Vec<String>,
    pub has_exec: bool,
}

/// Whether `file` is named like a unit or a drop-in.
#[allow(
    clippy::case_sensitive_file_extension_comparisons,
    reason = "systemd matches unit and drop-in suffixes case-sensitively"
)]
pub fn is_unit_path(file: &str) -> bool {
    let name = file.rsplit('/').next().unwrap_or(file);
    name.ends_with(".service") || (name.ends_with(".conf") && file.contains(".service.d/"))
}

/// Whether `text` starts like a unit file: its first line that is neither
/// blank nor a comment is a section header such as `[Unit]`.
pub fn looks_like_unit(text: &str) -> bool {
    text.lines()
        .map(str::trim)
        .find(|line| !line.is_empty() && !line.starts_with('#') && !line.starts_with(';'))
        .is_some_and(|line| {
            matches!(
                line,
                "[Unit]" | "[Service]" | "[Install]" | "[Socket]" | "[Timer]"
            )
        })
}

/// Reads a unit or drop-in, and the component its `ExecStart` runs.
pub fn read(file: &Arc<str>, text: &str) -> TextComponents {
    let entries = parse_entries(text);
    let command = command_of(&entries);
    let mut out = TextComponents::default();
    if !command.has_exec {
        out.warnings.push(Warning {
            file: file.clone(),
            line: None,
            message: "systemd unit without an ExecStart command, so it starts no component \
                      kubeward checks"
                .into(),
        });
        return out;
    }
    let lines: Vec<&str> = text.lines().collect();
    let source_line = |line: u32| lines.get(line.saturating_sub(1) as usize).copied();
    let (args, unresolved) = expand(&command, file, &source_line);
    let unit_name = unit_name(file);
    if let Some(server) = k3s::server_command(&args) {
        out.components = k3s::from_command(server, &args, &unit_name);
        return out;
    }
    let Some((kind, start)) = identify_program(&args) else {
        let program = args.first().map_or("", |a| program_name(&a.text));
        out.warnings.push(Warning {
            file: file.clone(),
            line: Some(command.exec_pos.line),
            message: format!(
                "systemd unit starts `{program}`, which is not a component kubeward checks"
            ),
        });
        return out;
    };
    let anchor = locate(file, command.exec_pos, "ExecStart".into(), &source_line);
    let label = format!("{kind} started by systemd unit {unit_name}");
    let mut sources = Sources::new(kind, label, anchor.clone());
    let line = parse_flags(
        &args[start..],
        &|name| spec::arity(kind, name),
        kind == kubeward_core::ComponentKind::Etcd,
    );
    sources.add_command_line(line);
    for (input, reason) in unresolved {
        sources.unresolved.push((input, reason, anchor.clone()));
    }
    if kind == kubeward_core::ComponentKind::Etcd {
        add_etcd_environment(&mut sources, &command, &anchor);
    }
    if let Some((name, flag)) = static_pod::config_flag(&sources) {
        sources.config = ConfigInput::Unavailable {
            path: flag.value.clone().unwrap_or_default(),
            reason: format!(
                "the file is on the node and not among the scanned files; scan it too, or run \
                 `kubeward node` there (--{name})"
            ),
            location: flag.location.clone(),
        };
    }
    out.components.push(build(sources));
    out
}

/// Adds the `ETCD_*` variables of `Environment=` lines, which etcd reads as
/// flags. An `EnvironmentFile=` may set more of them, so each such file
/// leaves every setting no flag gives undetermined.
fn add_etcd_environment(sources: &mut Sources, command: &UnitCommand, anchor: &Location) {
    for (variable, value) in &command.environment {
        if let Some(name) = static_pod::etcd_flag_of_env(variable) {
            sources.env.push(EnvValue {
                name,
                variable: variable.clone(),
                value: value.clone(),
                location: anchor.clone(),
            });
        }
    }
    for file in &command.environment_files {
        sources.unresolved.push((
            format!("environment file {file}"),
            "etcd reads ETCD_* variables from it, and it is not among the scanned files".into(),
            anchor.clone(),
        ));
    }
}

/// The unit a file belongs to: `kubelet.service` for
/// `kubelet.service.d/10-kubeadm.conf`.
#[allow(
    clippy::case_sensitive_file_extension_comparisons,
    reason = "systemd matches drop-in suffixes case-sensitively"
)]
fn unit_name(file: &str) -> String {
    let mut parts = file.rsplit('/');
    let name = parts.next().unwrap_or(file);
    if name.ends_with(".conf") {
        if let Some(dir) = parts.next().and_then(|d| d.strip_suffix(".d")) {
            return format!("{dir} (drop-in {name})");
        }
    }
    name.to_owned()
}

/// A location in a unit file, quoting the line unless it may hold a
/// credential.
fn locate<'t>(
    file: &Arc<str>,
    pos: Pos,
    path: String,
    source_line: &dyn Fn(u32) -> Option<&'t str>,
) -> Location {
    let mut location = Location::bare(file.clone(), pos, path);
    location.source_line = source_line(pos.line)
        .filter(|line| {
            line.len() <= kubeward_core::MAX_QUOTED_LINE && !crate::may_hold_secret(line)
        })
        .map(str::to_owned);
    location
}

fn parse_entries(text: &str) -> Vec<Entry> {
    let mut entries = Vec::new();
    let mut section = String::new();
    let lines: Vec<&str> = text.lines().collect();
    let mut index = 0;
    while index < lines.len() {
        let line_no = u32::try_from(index + 1).unwrap_or(u32::MAX);
        let line = lines[index];
        index += 1;
        let trimmed = line.trim();
        if trimmed.is_empty() || trimmed.starts_with('#') || trimmed.starts_with(';') {
            continue;
        }
        if trimmed.starts_with('[') && trimmed.ends_with(']') {
            trimmed[1..trimmed.len() - 1].clone_into(&mut section);
            continue;
        }
        let Some(eq) = line.find('=') else {
            continue;
        };
        let key = line[..eq].trim().to_owned();
        let key_col = column_of(line, line.len() - line.trim_start().len());
        let mut value: Vec<(char, Pos)> = Vec::new();
        let mut current = (line, eq + 1, line_no);
        loop {
            let (text, start, number) = current;
            let chars: Vec<(usize, char)> = text[start..].char_indices().collect();
            let continued = text.trim_end().ends_with('\\');
            // Byte offset of the continuation backslash, or the line's end.
            let end = if continued {
                text.trim_end().len() - 1
            } else {
                text.len()
            };
            // Columns are counted along the line, so a long line costs time
            // in proportion to its length.
            let mut col = column_of(text, start);
            for (offset, c) in chars {
                if start + offset >= end {
                    break;
                }
                value.push((c, Pos { line: number, col }));
                col = col.saturating_add(1);
            }
            if !continued {
                break;
            }
            value.push((
                ' ',
                Pos {
                    line: number,
                    col: column_of(text, end),
                },
            ));
            // Comment lines inside a continued value are skipped.
            while index < lines.len() {
                let next = lines[index].trim_start();
                if next.starts_with('#') || next.starts_with(';') {
                    index += 1;
                } else {
                    break;
                }
            }
            let Some(next) = lines.get(index) else {
                break;
            };
            current = (next, 0, u32::try_from(index + 1).unwrap_or(u32::MAX));
            index += 1;
        }
        let leading = value.iter().take_while(|(c, _)| c.is_whitespace()).count();
        value.drain(..leading);
        entries.push(Entry {
            section: section.clone(),
            key,
            value,
            pos: Pos {
                line: line_no,
                col: key_col,
            },
        });
    }
    entries
}

/// The 1-based character column of byte offset `byte` in `line`.
fn column_of(line: &str, byte: usize) -> u32 {
    let chars = line.get(..byte).map_or(0, |prefix| prefix.chars().count());
    u32::try_from(chars + 1).unwrap_or(u32::MAX)
}

fn command_of(entries: &[Entry]) -> UnitCommand {
    let mut command = UnitCommand::default();
    for entry in entries.iter().filter(|e| e.section == "Service") {
        let text: String = entry.value.iter().map(|(c, _)| c).collect();
        match entry.key.as_str() {
            "ExecStart" => {
                let mut value = &entry.value[..];
                while value
                    .first()
                    .is_some_and(|(c, _)| matches!(c, '-' | '@' | ':' | '+' | '!'))
                {
                    value = &value[1..];
                }
                if text.trim().is_empty() {
                    command.words.clear();
                    command.has_exec = false;
                } else {
                    command.words = split_exec(value);
                    command.exec_pos = entry.pos;
                    command.has_exec = !command.words.is_empty();
                }
            }
            "Environment" => {
                for word in split_exec(&entry.value) {
                    let text = literal(&word);
                    if let Some((name, value)) = text.split_once('=') {
                        command.environment.retain(|(n, _)| n != name);
                        command
                            .environment
                            .push((name.to_owned(), value.to_owned()));
                    }
                }
            }
            "EnvironmentFile" => {
                let path = text.trim();
                let path = path.strip_prefix('-').unwrap_or(path);
                if !path.is_empty() {
                    command.environment_files.push(path.to_owned());
                }
            }
            _ => {}
        }
    }
    command
}

fn literal(word: &Word) -> String {
    word.pieces
        .iter()
        .map(|piece| match piece {
            Piece::Text(text) => text.clone(),
            Piece::Var(name) => format!("${{{name}}}"),
            Piece::SplitVar(name) => format!("${name}"),
        })
        .collect()
}

/// Splits an `ExecStart` value into words, systemd's way.
fn split_exec(value: &[(char, Pos)]) -> Vec<Word> {
    let mut words = Vec::new();
    let mut current: Option<Word> = None;
    let mut quote: Option<char> = None;
    let mut i = 0;
    while i < value.len() {
        let (c, pos) = value[i];
        i += 1;
        match (quote, c) {
            (None, c) if c.is_whitespace() => {
                if let Some(done) = current.take() {
                    words.push(done);
                }
            }
            (Some(q), c) if c == q => quote = None,
            (None, '"' | '\'') => {
                quote = Some(c);
                word_at(&mut current, pos);
            }
            (_, '\\') => {
                let escaped = value.get(i).map_or('\\', |(next, _)| *next);
                i += 1;
                let decoded = match escaped {
                    'n' => '\n',
                    't' => '\t',
                    other => other,
                };
                push_text(word_at(&mut current, pos), decoded);
            }
            (_, '$') => {
                let next = value.get(i).map(|(n, _)| *n);
                if next == Some('$') {
                    i += 1;
                    push_text(word_at(&mut current, pos), '$');
                } else if next == Some('{') {
                    let name: String = value[i + 1..]
                        .iter()
                        .map(|(c, _)| *c)
                        .take_while(|c| *c != '}')
                        .collect();
                    let closed = value
                        .get(i + 1 + name.chars().count())
                        .is_some_and(|(c, _)| *c == '}');
                    if closed {
                        i += name.chars().count() + 2;
                        word_at(&mut current, pos).pieces.push(Piece::Var(name));
                    } else {
                        push_text(word_at(&mut current, pos), '$');
                    }
                } else {
                    let name: String = value[i..]
                        .iter()
                        .map(|(c, _)| *c)
                        .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
                        .collect();
                    if name.is_empty() {
                        push_text(word_at(&mut current, pos), '$');
                    } else {
                        i += name.chars().count();
                        let whole = current.is_none()
                            && quote.is_none()
                            && value.get(i).is_none_or(|(c, _)| c.is_whitespace());
                        let piece = if whole {
                            Piece::SplitVar(name)
                        } else {
                            Piece::Var(name)
                        };
                        word_at(&mut current, pos).pieces.push(piece);
                    }
                }
            }
            (_, c) => push_text(word_at(&mut current, pos), c),
        }
    }
    if let Some(done) = current {
        words.push(done);
    }
    words
}

fn word_at(current: &mut Option<Word>, pos: Pos) -> &mut Word {
    current.get_or_insert_with(|| Word {
        pieces: Vec::new(),
        pos,
    })
}

fn push_text(word: &mut Word, c: char) {
    if let Some(Piece::Text(text)) = word.pieces.last_mut() {
        text.push(c);
    } else {
        word.pieces.push(Piece::Text(c.to_string()));
    }
}

/// Expands the command's variables into arguments. Returns the arguments
/// and the variables that could not be resolved, with why.
fn expand<'t>(
    command: &UnitCommand,
    file: &Arc<str>,
    source_line: &dyn Fn(u32) -> Option<&'t str>,
) -> (Vec<Arg>, Vec<(String, String)>) {
    let mut args = Vec::new();
    let mut unresolved = Vec::new();
    let lookup = |name: &str| {
        command
            .environment
            .iter()
            .rev()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.clone())
    };
    let mut note_unresolved = |name: &str| {
        if command.environment_files.is_empty() {
            return;
        }
        let input = format!(
            "variable ${name}, set in {}",
            command.environment_files.join(" or ")
        );
        if !unresolved.iter().any(|(i, _)| i == &input) {
            unresolved.push((
                input,
                "environment files are not among the scanned inputs; run `kubeward node` on \
                 the node to read the command line in force"
                    .to_owned(),
            ));
        }
    };
    for word in &command.words {
        let at = |text: &str| {
            let path = format!("ExecStart {}", redact(text));
            locate(file, word.pos, path, source_line)
        };
        if let [Piece::SplitVar(name)] = word.pieces.as_slice() {
            match lookup(name) {
                Some(value) => {
                    for (text, _) in crate::flags::split_words(&value) {
                        args.push(Arg {
                            location: at(&text),
                            text,
                        });
                    }
                }
                None => note_unresolved(name),
            }
            continue;
        }
        let mut text = String::new();
        for piece in &word.pieces {
            match piece {
                Piece::Text(t) => text.push_str(t),
                Piece::Var(name) | Piece::SplitVar(name) => {
                    if let Some(value) = lookup(name) {
                        text.push_str(&value);
                    } else {
                        note_unresolved(name);
                        text.push_str("${");
                        text.push_str(name);
                        text.push('}');
                    }
                }
            }
        }
        args.push(Arg {
            location: at(&text),
            text,
        });
    }
    (args, unresolved)
}

/// Shortens an argument for a finding's path, hiding values of flags that
/// may hold credentials.
fn redact(arg: &str) -> String {
    if crate::has_userinfo(arg) {
        return crate::mask_userinfo(arg).into_owned();
    }
    if crate::may_hold_secret(arg) {
        let name = arg.split('=').next().unwrap_or(arg);
        return format!("{name}=…");
    }
    arg.to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args_of(text: &str) -> (Vec<String>, usize) {
        let file: Arc<str> = Arc::from("u.service");
        let entries = parse_entries(text);
        let command = command_of(&entries);
        let (args, unresolved) = expand(&command, &file, &|_| None);
        (args.into_iter().map(|a| a.text).collect(), unresolved.len())
    }

    #[test]
    fn joins_continuation_lines() {
        let (args, _) = args_of(
            "[Service]\nExecStart=/usr/local/bin/etcd \\\n  --name controller \\\n  --data-dir=/var/lib/etcd\n",
        );
        assert_eq!(
            args,
            [
                "/usr/local/bin/etcd",
                "--name",
                "controller",
                "--data-dir=/var/lib/etcd"
            ]
        );
    }

    #[test]
    fn expands_environment() {
        let (args, unresolved) = args_of(
            "[Service]\nEnvironment=\"KUBELET_CONFIG_ARGS=--config=/var/lib/kubelet/config.yaml --v=2\"\n\
             ExecStart=\nExecStart=/usr/bin/kubelet $KUBELET_CONFIG_ARGS\n",
        );
        assert_eq!(
            args,
            [
                "/usr/bin/kubelet",
                "--config=/var/lib/kubelet/config.yaml",
                "--v=2"
            ]
        );
        assert_eq!(unresolved, 0);
    }

    #[test]
    fn variables_from_files_are_unresolved() {
        let (args, unresolved) = args_of(
            "[Service]\nEnvironmentFile=-/var/lib/kubelet/kubeadm-flags.env\n\
             ExecStart=/usr/bin/kubelet $KUBELET_KUBEADM_ARGS\n",
        );
        assert_eq!(args, ["/usr/bin/kubelet"]);
        assert_eq!(unresolved, 1);
    }

    #[test]
    fn braced_placeholders_stay_literal() {
        let (args, unresolved) = args_of(
            "[Service]\nExecStart=/usr/local/bin/etcd --name ${ETCD_NAME} --listen-peer-urls https://${INTERNAL_IP}:2380\n",
        );
        assert_eq!(
            args,
            [
                "/usr/local/bin/etcd",
                "--name",
                "${ETCD_NAME}",
                "--listen-peer-urls",
                "https://${INTERNAL_IP}:2380"
            ]
        );
        assert_eq!(unresolved, 0);
    }

    #[test]
    fn quotes_and_prefixes() {
        let (args, _) = args_of("[Service]\nExecStart=-/bin/prog \"--a=x y\" '--b=c' --d=$$e\n");
        assert_eq!(args, ["/bin/prog", "--a=x y", "--b=c", "--d=$e"]);
    }

    #[test]
    fn empty_exec_start_clears() {
        let entries = parse_entries("[Service]\nExecStart=/bin/a\nExecStart=\n");
        assert!(!command_of(&entries).has_exec);
    }

    #[test]
    fn etcd_environment_sets_flags() {
        let file: Arc<str> = Arc::from("etcd.service");
        let read = read(
            &file,
            "[Service]\nEnvironment=ETCD_CLIENT_CERT_AUTH=true\n\
             ExecStart=/usr/bin/etcd --cert-file=/a.crt --key-file=/a.key\n",
        );
        let etcd = &read.components[0];
        let auth = etcd.setting("client-cert-auth").expect("set");
        assert_eq!(auth.as_bool(), Some(true));
        assert!(etcd.undetermined.is_empty(), "{:?}", etcd.undetermined);
    }

    #[test]
    fn etcd_environment_file_leaves_settings_unknown() {
        let file: Arc<str> = Arc::from("etcd.service");
        let read = read(
            &file,
            "[Service]\nEnvironmentFile=-/etc/default/etcd\n\
             ExecStart=/usr/bin/etcd --cert-file=/a.crt\n",
        );
        let etcd = &read.components[0];
        assert!(matches!(
            etcd.lookup("client-cert-auth"),
            kubeward_core::component::Lookup::Unknown(_)
        ));
        assert!(matches!(
            etcd.lookup("cert-file"),
            kubeward_core::component::Lookup::Set(_)
        ));
    }

    #[test]
    fn recognises_units() {
        assert!(looks_like_unit("# comment\n\n[Unit]\nDescription=x\n"));
        assert!(!looks_like_unit("apiVersion: v1\n"));
        assert!(is_unit_path(
            "/etc/systemd/system/kubelet.service.d/10-kubeadm.conf"
        ));
        assert!(!is_unit_path("/etc/foo.conf"));
    }
}
