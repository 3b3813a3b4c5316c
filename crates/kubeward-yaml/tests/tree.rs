//! Trees built from small documents: merge keys, duplicate keys, aliases,
//! tags, positions and limits.

use std::borrow::Cow;
use std::fmt::Write as _;

use kubeward_yaml::{Chunk, Document, ParsedChunk, Pos, Value, parse_document, split_documents};

fn parse(text: &str) -> ParsedChunk<'_> {
    parse_document(Chunk {
        text,
        first_line: 1,
    })
}

fn one(text: &str) -> Document<'_> {
    let parsed = parse(text);
    assert!(parsed.error.is_none(), "{:?}", parsed.error);
    assert_eq!(parsed.documents.len(), 1);
    parsed.documents.into_iter().next().expect("one document")
}

fn pos(line: u32, col: u32) -> Pos {
    Pos { line, col }
}

#[test]
fn merge_key_after_explicit_key_wins() {
    // go-yaml v2 decodes `<<` at its place in the mapping, so a later merge
    // overwrites a key written before it.
    let doc = one("base: &b {a: 1, c: 3}\nm:\n  a: 0\n  <<: *b\n  c: 4\n");
    let m = doc.root().and_then(|r| r.get("m")).expect("m");
    assert_eq!(m.get("a").and_then(|n| n.as_i64()), Some(1));
    assert_eq!(m.get("c").and_then(|n| n.as_i64()), Some(4));
}

#[test]
fn merge_entries_follow_lookup() {
    let doc = one("base: &b {a: 1, c: 3}\nm:\n  a: 0\n  <<: *b\n  c: 4\n");
    let m = doc.root().and_then(|r| r.get("m")).expect("m");
    let entries: Vec<(String, i64)> = m
        .entries()
        .iter()
        .map(|e| {
            let key = e.key_str().expect("key").into_owned();
            (key, e.value.as_i64().expect("int"))
        })
        .collect();
    assert_eq!(entries, vec![("a".into(), 1), ("c".into(), 4)]);
}

#[test]
fn merge_sequence_earlier_source_wins() {
    let doc = one("x: &x {a: 1}\ny: &y {a: 2, b: 2}\nm:\n  <<: [*x, *y]\n");
    let m = doc.root().and_then(|r| r.get("m")).expect("m");
    assert_eq!(m.get("a").and_then(|n| n.as_i64()), Some(1));
    assert_eq!(m.get("b").and_then(|n| n.as_i64()), Some(2));
    assert_eq!(m.entries().len(), 2);
}

#[test]
fn merge_value_position_is_the_source() {
    let doc = one("x: &x\n  a: 1\nm:\n  <<: *x\n");
    let m = doc.root().and_then(|r| r.get("m")).expect("m");
    let entry = m.entry("a").expect("merged a");
    assert_eq!(entry.key.pos(), pos(2, 3));
}

#[test]
fn quoted_merge_key_is_ordinary() {
    let doc = one("x: &x {a: 1}\nm:\n  \"<<\": *x\n");
    let m = doc.root().and_then(|r| r.get("m")).expect("m");
    assert!(m.get("a").is_none());
    assert!(m.get("<<").is_some());
    assert!(doc.invalid_merges().is_empty());
}

#[test]
fn merge_of_scalar_is_recorded() {
    let doc = one("m:\n  <<: 5\n  a: 1\nn:\n  <<: [{b: 1}, 2]\n");
    assert_eq!(doc.invalid_merges(), &[pos(2, 3), pos(5, 3)]);
    let m = doc.root().and_then(|r| r.get("m")).expect("m");
    assert_eq!(m.get("a").and_then(|n| n.as_i64()), Some(1));
}

#[test]
fn merge_chain_is_bounded() {
    // Each level merges the previous one twice; without a bound a lookup
    // would visit 2^40 mappings.
    let mut text = String::from("l0: &l0 {a: 1}\n");
    for level in 1..=40 {
        let prev = level - 1;
        writeln!(text, "l{level}: &l{level} {{<<: [*l{prev}, *l{prev}]}}").expect("write");
    }
    let parsed = parse(&text);
    // go-yaml rejects this document for its aliasing; the tree up to the
    // error is dropped, so only the error is left.
    let error = parsed.error.expect("excessive aliasing");
    assert!(error.message.contains("excessive aliasing"), "{error}");
}

#[test]
fn duplicate_keys_are_recorded() {
    let doc = one("a: 1\nb: 2\na: 3\n80: x\n\"80\": y\n");
    let keys: Vec<(&str, Pos)> = doc
        .duplicate_keys()
        .iter()
        .map(|d| (d.key.as_str(), d.pos))
        .collect();
    assert_eq!(keys, vec![("a", pos(3, 1)), ("80", pos(5, 1))]);
    let root = doc.root().expect("root");
    assert_eq!(root.get("a").and_then(|n| n.as_i64()), Some(3));
}

#[test]
fn duplicate_keys_in_large_mapping() {
    let mut text = String::new();
    for i in 0..20 {
        writeln!(text, "k{i}: {i}").expect("write");
    }
    text.push_str("k7: again\n");
    let doc = one(&text);
    assert_eq!(doc.duplicate_keys().len(), 1);
    assert_eq!(doc.duplicate_keys()[0].key, "k7");
    assert_eq!(doc.duplicate_keys()[0].pos, pos(21, 1));
}

#[test]
fn repeated_merge_keys_are_not_duplicates() {
    let doc = one("x: &x {a: 1}\ny: &y {b: 1}\nm:\n  <<: *x\n  <<: *y\n");
    assert!(doc.duplicate_keys().is_empty());
    let m = doc.root().and_then(|r| r.get("m")).expect("m");
    assert_eq!(m.entries().len(), 2);
}

#[test]
fn alias_to_open_collection_is_an_error() {
    let parsed = parse("a: &a [1, *a]\n");
    let error = parsed.error.expect("error");
    assert!(error.message.contains("contains it"), "{error}");
}

#[test]
fn unknown_alias_is_an_error() {
    let parsed = parse("a: *nowhere\n");
    assert!(parsed.error.is_some());
    assert!(parsed.documents.is_empty());
}

#[test]
fn billion_laughs_is_rejected() {
    let mut text = String::from("a: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n");
    let names = ["a", "b", "c", "d", "e", "f", "g", "h", "i"];
    for pair in names.windows(2) {
        let (prev, cur) = (pair[0], pair[1]);
        let refs = vec![format!("*{prev}"); 9].join(", ");
        writeln!(text, "{cur}: &{cur} [{refs}]").expect("write");
    }
    let parsed = parse(&text);
    let error = parsed.error.expect("excessive aliasing");
    assert!(error.message.contains("excessive aliasing"), "{error}");
}

#[test]
fn moderate_aliasing_is_accepted() {
    let text = "base: &b {image: nginx}\nitems: [*b, *b, *b, *b, *b]\n";
    let doc = one(text);
    let items = doc.root().and_then(|r| r.get("items")).expect("items");
    assert_eq!(items.len(), 5);
    for item in items.items() {
        assert_eq!(item.get_str("image"), Some("nginx"));
    }
}

#[test]
fn tags_decide_types() {
    let doc = one("a: !!str 5\nb: !!int \"5\"\nc: !custom 5\nd: !!float 5\ne: !!binary aGk=\n");
    let root = doc.root().expect("root");
    let value = |key: &str| root.get(key).map(|n| n.value().clone());
    assert_eq!(value("a"), Some(Value::Str("5".into())));
    assert_eq!(value("b"), Some(Value::Int(5)));
    assert_eq!(value("c"), Some(Value::Str("5".into())));
    assert_eq!(value("d"), Some(Value::Float(5.0)));
    assert_eq!(value("e"), Some(Value::Str("aGk=".into())));
}

#[test]
fn tagged_merge_key_merges() {
    let doc = one("x: &x {a: 1}\nm:\n  !!merge <<: *x\n");
    let m = doc.root().and_then(|r| r.get("m")).expect("m");
    assert_eq!(m.get("a").and_then(|n| n.as_i64()), Some(1));
}

#[test]
fn null_values_count_as_absent() {
    let doc = one("a: null\nb: ~\nc:\nd: 1\n");
    let root = doc.root().expect("root");
    for key in ["a", "b", "c"] {
        assert!(root.get(key).is_none(), "{key}");
    }
    assert!(root.get("d").is_some());
}

#[test]
fn flow_nesting_limit() {
    let deep = format!("{}{}", "[".repeat(300), "]".repeat(300));
    let error = parse(&deep).error.expect("too deep");
    assert!(error.message.contains("nested deeper than 255"), "{error}");
    let ok = format!("{}{}", "[".repeat(200), "]".repeat(200));
    assert!(parse(&ok).error.is_none());
}

#[test]
fn block_nesting_limit() {
    let deep = format!("{}x\n", "- ".repeat(10_001));
    let error = parse(&deep).error.expect("too deep");
    assert!(
        error.message.contains("nested deeper than 10000"),
        "{error}"
    );
    assert_eq!(error.pos.line, 1);
    let ok = format!("{}x\n", "- ".repeat(10_000));
    assert!(parse(&ok).error.is_none());
}

#[test]
fn libyaml_fallback_accepts_kubectl_input() {
    // A flow sequence closed at its key's indentation: YAML 1.2 parsers
    // reject it, libyaml (and so kubectl) reads it.
    let text = "args: [\n  a,\n  b\n]\nname: x\n";
    let doc = one(text);
    let root = doc.root().expect("root");
    assert_eq!(root.get("args").map(|a| a.len()), Some(2));
    assert_eq!(root.entry("name").map(|e| e.key.pos()), Some(pos(5, 1)));
}

#[test]
fn positions_shift_to_file_lines() {
    let text = "a: 1\n---\nb:\n  c: 2\n";
    let chunks = split_documents(text);
    assert_eq!(chunks.len(), 2);
    let parsed = parse_document(chunks[1]);
    let doc = &parsed.documents[0];
    let b = doc.root().and_then(|r| r.get("b")).expect("b");
    assert_eq!(b.entry("c").map(|e| e.key.pos()), Some(pos(4, 3)));
    assert_eq!(doc.start, pos(2, 1));
}

#[test]
fn columns_count_characters() {
    let doc = one("é: {ü: 1, k: 2}\n");
    let inner = doc.root().and_then(|r| r.get("é")).expect("inner");
    assert_eq!(inner.entry("k").map(|e| e.key.pos()), Some(pos(1, 11)));
}

#[test]
fn subtree_contains_its_nodes() {
    let doc = one("items:\n  - {a: [1, 2]}\n  - {b: 3}\nafter: 4\n");
    let root = doc.root().expect("root");
    let items: Vec<_> = root.get("items").expect("items").items().collect();
    let inner = items[0].get("a").expect("a").items().last().expect("2");
    assert!(items[0].contains(inner.id()));
    assert!(!items[1].contains(inner.id()));
    let after = root.entry("after").expect("after");
    assert!(!items[1].contains(after.key.id()));
}

#[test]
fn scalars_borrow_the_input() {
    // A tree whose scalars were copies would cost several times its input.
    for text in [
        "a: plain\nb: 'single'\nc: \"double\"\n",
        "é: plain\nb: 'sïngle'\nc: \"dоuble\"\n",
    ] {
        let doc = one(text);
        let root = doc.root().expect("root");
        for entry in root.raw_entries() {
            for node in [entry.key, entry.value] {
                assert!(
                    matches!(node.value(), Value::Str(Cow::Borrowed(_))),
                    "{:?} in {text:?}",
                    node.value()
                );
            }
        }
    }
    let doc = one("a: \"esc\\u00e9\"\nb: folded\n  text\n");
    let root = doc.root().expect("root");
    assert_eq!(root.get_str("a"), Some("escé"));
    assert_eq!(root.get_str("b"), Some("folded text"));
}

#[test]
fn integral_floats_read_as_integers() {
    let doc = one("a: 0.0\nb: 1.0\nc: -3.0\nd: 1.5\ne: .nan\nf: 1e300\ng: \"1\"\nh: 7\n");
    let root = doc.root().expect("root");
    let int = |key: &str| root.get(key).and_then(|n| n.as_i64());
    assert_eq!(int("a"), Some(0));
    assert_eq!(int("b"), Some(1));
    assert_eq!(int("c"), Some(-3));
    assert_eq!(int("d"), None, "a fraction is not an integer");
    assert_eq!(int("e"), None, "NaN is not an integer");
    assert_eq!(int("f"), None, "out of the i64 range");
    assert_eq!(int("g"), None, "a string is not an integer");
    assert_eq!(int("h"), Some(7));
}

#[test]
fn subtree_and_next_node() {
    let doc = one("a: {b: 1, c: [2, 3]}\nd: 4\n");
    let root = doc.root().expect("root");
    let a = root.get("a").expect("a");
    let values: Vec<_> = a.subtree().filter_map(|n| n.as_i64()).collect();
    assert_eq!(values, [1, 2, 3]);
    let next = a.next_after_subtree().expect("the key d follows");
    assert_eq!(next.as_str(), Some("d"));
    assert_eq!(next.pos(), pos(2, 1));
    let last = root.get("d").expect("d");
    assert!(last.next_after_subtree().is_none());
}

#[test]
fn alias_target_is_the_anchor() {
    let doc = one("a: &x {b: 1}\nc: *x\n");
    let root = doc.root().expect("root");
    let alias = root.raw_entries().nth(1).expect("c").value;
    let target = alias.alias_target().expect("an alias");
    assert_eq!(target.pos(), pos(1, 4));
    assert!(root.get("a").expect("a").alias_target().is_none());
}
