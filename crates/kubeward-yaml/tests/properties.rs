//! Property tests: splitting, parsing arbitrary input, node positions,
//! re-parsing, and scalar typing against an independent model.

use std::borrow::Cow;
use std::fmt::Write as _;

use kubeward_yaml::{
    Chunk, Document, NodeRef, Pos, Value, decode, parse_document, parse_document_at, resolve_plain,
    split_documents, split_stream,
};
use proptest::prelude::*;

/// Lines of YAML-ish text, marker lines and odd bytes included, so the
/// splitter meets every kind of line.
fn yaml_lines() -> impl Strategy<Value = String> {
    let line = prop_oneof![
        Just("---".to_owned()),
        Just("--- # c".to_owned()),
        Just("...".to_owned()),
        Just("%YAML 1.2".to_owned()),
        Just("# comment".to_owned()),
        Just(String::new()),
        Just("a: 1".to_owned()),
        Just("- x".to_owned()),
        Just("  b: [1, {c: d}]".to_owned()),
        Just("k: |".to_owned()),
        Just("  ---".to_owned()),
        Just("----".to_owned()),
        "[ -~]{0,12}",
    ];
    let ending = prop_oneof![Just("\n"), Just("\r\n"), Just("")];
    prop::collection::vec((line, ending), 0..24).prop_map(|lines| {
        lines
            .into_iter()
            .map(|(line, ending)| line + ending)
            .collect()
    })
}

/// Documents built from a small grammar, always valid YAML, joined by
/// `---`, so the same text can be parsed whole or split.
fn yaml_stream() -> impl Strategy<Value = String> {
    let scalar = prop_oneof![
        Just("1".to_owned()),
        Just("yes".to_owned()),
        Just("~".to_owned()),
        Just("\"q: x\"".to_owned()),
        Just("'s'".to_owned()),
        "[a-z]{1,6}",
    ];
    let leaf = scalar.prop_map(|s| (s.clone(), s));
    let node = leaf.prop_recursive(4, 32, 4, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 1..4).prop_map(|items| {
                let flow = items
                    .iter()
                    .map(|(flow, _)| flow.clone())
                    .collect::<Vec<_>>();
                let block = items
                    .iter()
                    .map(|(_, block)| format!("- {}", indent(block)))
                    .collect::<Vec<_>>();
                (format!("[{}]", flow.join(", ")), block.join("\n"))
            }),
            prop::collection::vec(inner, 1..4).prop_map(|values| {
                let flow = values
                    .iter()
                    .enumerate()
                    .map(|(i, (flow, _))| format!("k{i}: {flow}"))
                    .collect::<Vec<_>>();
                let block = values
                    .iter()
                    .enumerate()
                    .map(|(i, (_, block))| format!("k{i}:\n  {}", indent(block)))
                    .collect::<Vec<_>>();
                (format!("{{{}}}", flow.join(", ")), block.join("\n"))
            }),
        ]
    });
    let document =
        (node, any::<bool>(), any::<bool>()).prop_map(|((flow, block), use_flow, comment)| {
            let body = if use_flow { flow } else { block };
            if comment {
                format!("# note\n{body}\n")
            } else {
                format!("{body}\n")
            }
        });
    prop::collection::vec(document, 1..5).prop_map(|docs| docs.join("---\n"))
}

fn indent(block: &str) -> String {
    block.replace('\n', "\n  ")
}

/// Renders a tree with positions, aliases as their own nodes, so two trees
/// compare equal only when shape, values and positions all match.
fn render(document: &Document<'_>) -> String {
    let mut out = String::new();
    let Some(root) = document.root() else {
        return out;
    };
    let mut stack = vec![(root, 0usize)];
    while let Some((node, depth)) = stack.pop() {
        let value = match node.value() {
            Value::Seq { len, .. } => format!("seq({len})"),
            Value::Map { len, .. } => format!("map({len})"),
            other => format!("{other:?}"),
        };
        let _ = writeln!(out, "{depth} {} {value}", node.pos());
        let children: Vec<NodeRef<'_, '_>> = if node.is_map() {
            node.raw_entries().flat_map(|e| [e.key, e.value]).collect()
        } else {
            node.items().collect()
        };
        stack.extend(children.into_iter().rev().map(|child| (child, depth + 1)));
    }
    out
}

/// Every node of a document, aliases not followed.
fn all_nodes<'d, 'a>(document: &'d Document<'a>) -> Vec<NodeRef<'d, 'a>> {
    let mut out = Vec::new();
    let mut stack: Vec<NodeRef<'d, 'a>> = document.root().into_iter().collect();
    while let Some(node) = stack.pop() {
        out.push(node);
        if node.is_alias() {
            continue;
        }
        if node.is_map() {
            stack.extend(node.raw_entries().flat_map(|e| [e.key, e.value]));
        } else {
            stack.extend(node.items());
        }
    }
    out
}

/// Generates a stream of JSON objects, each with an `"id"` naming its
/// place, joined by JSON whitespace or nothing, and the 1-based line and
/// column of each object's `{`.
fn json_stream() -> impl Strategy<Value = (String, Vec<(u32, u32)>)> {
    let body = prop_oneof![
        Just(String::new()),
        Just(", \"a\": [1, {\"b\": null}]".to_owned()),
        Just(",\n  \"a\": {\n    \"ü\": \"x\"\n  }\n".to_owned()),
        Just(",\t\"a\":\t\"tab\"".to_owned()),
    ];
    let separator = prop_oneof![
        Just(""),
        Just(" "),
        Just("\n"),
        Just("\r\n"),
        Just("\n\n  "),
        Just("\t"),
    ];
    (
        separator.clone(),
        prop::collection::vec((body, separator), 1..6),
    )
        .prop_map(|(leading, objects)| {
            let mut text = leading.to_owned();
            let mut starts = Vec::new();
            for (index, (body, separator)) in objects.into_iter().enumerate() {
                let line_start = text.rfind('\n').map_or(0, |i| i + 1);
                let line = text.matches('\n').count() + 1;
                let col = text[line_start..].chars().count() + 1;
                starts.push((line as u32, col as u32));
                let _ = write!(text, "{{\"id\": \"{index}\"{body}}}{separator}");
            }
            (text, starts)
        })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn json_stream_values_keep_their_positions((text, starts) in json_stream()) {
        let mut found = Vec::new();
        for piece in split_stream(&text) {
            let parsed = parse_document_at(piece.chunk, piece.first_col);
            prop_assert!(parsed.error.is_none(), "{:?} in {:?}", parsed.error, text);
            for document in &parsed.documents {
                let Some(root) = document.root() else { continue };
                let id = root.get("id").and_then(|id| id.as_str().map(str::to_owned));
                found.push((id, root.pos()));
            }
        }
        let expected: Vec<_> = starts
            .iter()
            .enumerate()
            .map(|(index, &(line, col))| (Some(index.to_string()), Pos { line, col }))
            .collect();
        prop_assert_eq!(found, expected, "{:?}", text);
    }

    #[test]
    fn chunks_concatenate_to_input(text in yaml_lines()) {
        let chunks = split_documents(&text);
        let joined: String = chunks.iter().map(|c| c.text).collect();
        prop_assert_eq!(joined, text.clone());
        let mut offset = 0usize;
        for chunk in &chunks {
            let before = &text[..offset];
            prop_assert!(before.is_empty() || before.ends_with('\n'));
            let line = before.matches('\n').count() + 1;
            prop_assert_eq!(chunk.first_line as usize, line);
            offset += chunk.text.len();
        }
    }

    #[test]
    fn arbitrary_bytes_never_panic(bytes in prop::collection::vec(any::<u8>(), 0..512)) {
        let decoded = decode(&bytes);
        for chunk in split_documents(&decoded.text) {
            let parsed = parse_document(chunk);
            for document in &parsed.documents {
                for node in all_nodes(document) {
                    let _ = node.entries();
                    let _ = node.get("a");
                }
            }
        }
    }

    #[test]
    fn arbitrary_yaml_lines_never_panic(text in yaml_lines()) {
        for chunk in split_documents(&text) {
            let _ = parse_document(chunk);
        }
    }

    #[test]
    fn positions_lie_inside_input(text in prop_oneof![yaml_lines(), yaml_stream()]) {
        let lines: Vec<&str> = text.split('\n').collect();
        for chunk in split_documents(&text) {
            let parsed = parse_document(chunk);
            let nodes = parsed.documents.iter().flat_map(all_nodes);
            let error = parsed.error.iter().map(|e| e.pos);
            for pos in nodes.map(|n| n.pos()).chain(error) {
                prop_assert!(pos.line >= 1 && pos.col >= 1, "{pos}");
                let line = lines.get(pos.line as usize - 1);
                prop_assert!(line.is_some(), "line of {} beyond the input", pos);
                let width = line.map_or(0, |l| l.trim_end_matches('\r').chars().count());
                prop_assert!(pos.col as usize <= width + 1, "{} beyond its line", pos);
            }
        }
    }

    #[test]
    fn split_parse_matches_whole_parse(text in yaml_stream()) {
        let whole = parse_document(Chunk { text: &text, first_line: 1 });
        prop_assert!(whole.error.is_none(), "{:?}", whole.error);
        let mut split = Vec::new();
        for chunk in split_documents(&text) {
            let parsed = parse_document(chunk);
            prop_assert!(parsed.error.is_none(), "{:?}", parsed.error);
            split.extend(parsed.documents);
        }
        let whole: Vec<String> = whole.documents.iter().map(render).collect();
        let split: Vec<String> = split.iter().map(render).collect();
        prop_assert_eq!(whole, split);
    }

    #[test]
    fn reparsing_a_chunk_gives_the_same_tree(text in yaml_stream()) {
        for chunk in split_documents(&text) {
            let first = parse_document(chunk);
            let resplit = split_documents(chunk.text);
            prop_assert_eq!(resplit.len(), 1);
            let again = parse_document(Chunk {
                text: resplit[0].text,
                first_line: chunk.first_line,
            });
            let first: Vec<String> = first.documents.iter().map(render).collect();
            let again: Vec<String> = again.documents.iter().map(render).collect();
            prop_assert_eq!(first, again);
        }
    }

    #[test]
    fn resolve_plain_never_panics(text in "\\PC{0,16}") {
        let _ = resolve_plain(Cow::Borrowed(&text));
    }

    #[test]
    fn integers_in_any_go_base(value in any::<i64>(), base in 0..5u8, underscores in any::<bool>()) {
        let text = render_int(value, base, underscores);
        prop_assert_eq!(resolve_plain(Cow::Borrowed(&text)), Value::Int(value), "{}", text);
    }

    #[test]
    fn floats_in_yaml_form(value in -1.0e300f64..1.0e300, exponent in any::<bool>()) {
        let text = if exponent { format!("{value:e}") } else { format!("{value:?}") };
        // `{:?}` of a whole float prints `1.0`, never a bare integer.
        prop_assert_eq!(resolve_plain(Cow::Borrowed(&text)), Value::Float(value), "{}", text);
    }

    #[test]
    fn keywords_only_in_listed_cases(index in 0..KEYWORDS.len(), mask in any::<u8>()) {
        let (word, _) = &KEYWORDS[index];
        let variant: String = word
            .chars()
            .enumerate()
            .map(|(i, c)| if mask & (1 << (i % 8)) != 0 { c.to_ascii_uppercase() } else { c })
            .collect();
        let listed = KEYWORDS.iter().find(|(w, _)| *w == variant);
        let resolved = resolve_plain(Cow::Borrowed(&variant));
        let expected = listed.map_or_else(|| Value::Str(variant.clone().into()), |(_, v)| v.clone());
        prop_assert_eq!(resolved, expected, "{}", variant);
    }

    #[test]
    fn words_stay_strings(word in "[a-zA-Z][a-zA-Z0-9-]{0,10}") {
        let listed = KEYWORDS.iter().any(|(w, _)| *w == word);
        prop_assume!(!listed);
        prop_assert_eq!(resolve_plain(Cow::Borrowed(&word)), Value::Str(word.clone().into()));
    }
}

/// go-yaml v2's keyword table: each spelling it lists, and nothing else.
static KEYWORDS: &[(&str, Value<'static>)] = &[
    ("y", Value::Bool(true)),
    ("Y", Value::Bool(true)),
    ("yes", Value::Bool(true)),
    ("Yes", Value::Bool(true)),
    ("YES", Value::Bool(true)),
    ("true", Value::Bool(true)),
    ("True", Value::Bool(true)),
    ("TRUE", Value::Bool(true)),
    ("on", Value::Bool(true)),
    ("On", Value::Bool(true)),
    ("ON", Value::Bool(true)),
    ("n", Value::Bool(false)),
    ("N", Value::Bool(false)),
    ("no", Value::Bool(false)),
    ("No", Value::Bool(false)),
    ("NO", Value::Bool(false)),
    ("false", Value::Bool(false)),
    ("False", Value::Bool(false)),
    ("FALSE", Value::Bool(false)),
    ("off", Value::Bool(false)),
    ("Off", Value::Bool(false)),
    ("OFF", Value::Bool(false)),
    ("null", Value::Null),
    ("Null", Value::Null),
    ("NULL", Value::Null),
];

/// Writes `value` as a Go integer literal: decimal, `0x`, `0o`, a leading
/// `0` (octal) or `0b`, optionally with `_` between digits.
fn render_int(value: i64, base: u8, underscores: bool) -> String {
    let magnitude = value.unsigned_abs();
    let digits = match base {
        0 => magnitude.to_string(),
        1 => format!("0x{magnitude:x}"),
        2 => format!("0o{magnitude:o}"),
        3 => format!("0{magnitude:o}"),
        _ => format!("0b{magnitude:b}"),
    };
    let digits = if underscores {
        let mut out = String::new();
        for (i, c) in digits.chars().enumerate() {
            if i > 0 && i % 3 == 0 {
                out.push('_');
            }
            out.push(c);
        }
        out
    } else {
        digits
    };
    if value < 0 {
        format!("-{digits}")
    } else {
        digits
    }
}
