//! Command lines: saved copies of `/proc/PID/cmdline` (arguments separated
//! by NUL bytes) or `ps` output on one line, and the arguments of running
//! processes that `kubeward node` reads.

use std::sync::Arc;

use kubeward_core::component::TextComponents;
use kubeward_core::yaml::Pos;
use kubeward_core::{ComponentKind, Location, Warning};

use crate::build::{ConfigInput, Sources, build};
use crate::flags::{Arg, identify_program, parse_flags, program_name, split_words};
use crate::source::{k3s, static_pod};
use crate::spec;

/// Whether `text` is a command line kubeward reads: a `.cmdline` file, or
/// text whose first words (up to the first NUL byte or line break) run a
/// component. Only the start of the text is examined, so YAML input costs
/// nothing here.
pub fn looks_like_cmdline(file: &str, text: &str) -> bool {
    if file.ends_with(".cmdline") {
        return true;
    }
    let head: String = text.chars().take(512).collect();
    let first_line = head.trim_start().split('\n').next().unwrap_or("");
    let words: Vec<Arg> = first_line
        .split(['\0', ' ', '\t'])
        .filter(|w| !w.is_empty())
        .take(2)
        .map(|w| Arg {
            text: w.to_owned(),
            location: Location::bare(Arc::from(file), Pos::default(), ""),
        })
        .collect();
    identify_program(&words).is_some() || k3s::server_command(&words).is_some()
}

/// Splits a command line into arguments with their places: at NUL bytes
/// when there are any, else as shell words.
pub fn split_args(file: &Arc<str>, text: &str) -> Vec<Arg> {
    let printable: String = text.replace('\0', " ");
    let line_starts: Vec<usize> = std::iter::once(0)
        .chain(
            text.char_indices()
                .filter(|(_, c)| *c == '\n')
                .map(|(i, _)| i + 1),
        )
        .collect();
    // Byte offset of each character, so a word's place is found without
    // rescanning the text.
    let char_bytes: Vec<usize> = text.char_indices().map(|(b, _)| b).collect();
    // Each line as it may be quoted: lines that may hold a credential or
    // are too long are never quoted.
    let printable_lines: Vec<Option<&str>> = printable
        .lines()
        .map(|line| {
            (line.len() <= kubeward_core::MAX_QUOTED_LINE && !crate::may_hold_secret(line))
                .then_some(line)
        })
        .collect();
    let position = |char_offset: usize| -> Pos {
        let byte = char_bytes.get(char_offset).copied().unwrap_or(text.len());
        let line = line_starts.partition_point(|start| *start <= byte).max(1);
        let start = line_starts[line - 1];
        let col = char_offset - char_bytes.partition_point(|b| *b < start) + 1;
        Pos {
            line: u32::try_from(line).unwrap_or(u32::MAX),
            col: u32::try_from(col).unwrap_or(u32::MAX),
        }
    };
    let words: Vec<(String, usize)> = if text.contains('\0') {
        let mut out = Vec::new();
        let mut offset = 0;
        for part in text.split('\0') {
            let length = part.chars().count();
            if !part.is_empty() {
                out.push((part.to_owned(), offset));
            }
            offset += length + 1;
        }
        out
    } else {
        split_words(text)
    };
    words
        .into_iter()
        .map(|(word, offset)| {
            let pos = position(offset);
            let path = format!("argument {}", redact_arg(&word));
            let mut location = Location::bare(file.clone(), pos, path);
            location.source_line = printable_lines
                .get(pos.line.saturating_sub(1) as usize)
                .copied()
                .flatten()
                .map(str::to_owned);
            Arg {
                text: word,
                location,
            }
        })
        .collect()
}

fn redact_arg(arg: &str) -> String {
    if crate::has_userinfo(arg) {
        crate::mask_userinfo(arg).into_owned()
    } else if crate::may_hold_secret(arg) {
        format!("{}=…", arg.split('=').next().unwrap_or(arg))
    } else {
        arg.to_owned()
    }
}

/// The sources of the component a command line runs, before any config
/// file is read: `None` when it runs no component. `label` names the
/// process or file in labels.
pub fn sources_from_args(args: &[Arg], label: &str) -> Option<Sources> {
    let (kind, start) = identify_program(args)?;
    let anchor = args[0].location.clone();
    let mut sources = Sources::new(kind, format!("{kind} {label}"), anchor);
    let line = parse_flags(
        &args[start..],
        &|name| spec::arity(kind, name),
        kind == ComponentKind::Etcd,
    );
    sources.add_command_line(line);
    Some(sources)
}

/// Reads a saved command line.
pub fn read(file: &Arc<str>, text: &str) -> TextComponents {
    let mut out = TextComponents::default();
    let args = split_args(file, text.trim_end_matches(['\n', '\0']));
    if let Some(start) = k3s::server_command(&args) {
        out.components = k3s::from_command(start, &args, &format!("command line {file}"));
        return out;
    }
    let Some(mut sources) = sources_from_args(&args, &format!("from command line {file}")) else {
        let program = args.first().map_or("", |a| program_name(&a.text));
        out.warnings.push(Warning {
            file: file.clone(),
            line: Some(1),
            message: format!(
                "command line runs `{program}`, which is not a component kubeward checks"
            ),
        });
        return out;
    };
    if let Some((name, flag)) = static_pod::config_flag(&sources) {
        sources.config = ConfigInput::Unavailable {
            path: flag.value.clone().unwrap_or_default(),
            reason: format!(
                "the file is on the node and not among the scanned files; run `kubeward node` \
                 there, or `kubeward node --root` on a copy of its files (--{name})"
            ),
            location: flag.location.clone(),
        };
    }
    out.components.push(build(sources));
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nul_separated_arguments() {
        let file: Arc<str> = Arc::from("p.cmdline");
        let args = split_args(&file, "etcd\0--name\0a b\0--x=1");
        let texts: Vec<&str> = args.iter().map(|a| a.text.as_str()).collect();
        assert_eq!(texts, ["etcd", "--name", "a b", "--x=1"]);
        assert_eq!(args[3].location.pos, Pos { line: 1, col: 17 });
    }

    #[test]
    fn shell_words_with_columns() {
        let file: Arc<str> = Arc::from("p.cmdline");
        let args = split_args(&file, "kube-apiserver --a=1 --b 2");
        assert_eq!(args[2].location.pos, Pos { line: 1, col: 22 });
    }

    #[test]
    fn recognises_command_lines() {
        assert!(looks_like_cmdline("x.txt", "/usr/bin/kubelet --v=2"));
        assert!(looks_like_cmdline("x.cmdline", "anything"));
        assert!(!looks_like_cmdline("x.yaml", "apiVersion: v1"));
    }
}
