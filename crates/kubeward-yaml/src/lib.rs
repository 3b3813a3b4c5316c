//! YAML documents as compact trees that keep the position of every node.
//!
//! A stream is first cut into documents at `---` and `...` markers
//! ([`split_documents`]), so that a syntax error ends only the document it is
//! in. A stream of JSON values is cut at the start of each value
//! ([`split_stream`]), as `kubectl` reads it. Each document is then parsed
//! with `saphyr-parser` into a [`Document`]: an arena of nodes, each with its
//! line and column, whose scalars borrow from the input where their text
//! appears in it unchanged. A document that `saphyr-parser` rejects is parsed
//! again with `libyaml-safer`, which accepts what `kubectl` accepts.
//!
//! Plain scalars are typed the way Kubernetes tools type them. `kubectl` and
//! the API server read YAML through `sigs.k8s.io/yaml`, which follows YAML 1.1
//! as implemented by go-yaml v2, so `yes`, `on` and `off` are booleans and
//! `0755` is an octal integer. JSON is parsed as the YAML flow subset.
//!
//! Aliases are not expanded: an alias node refers to its anchor's node, so an
//! "alias bomb" costs one node per alias and traversals follow the reference.
//! A document whose aliases would expand beyond go-yaml's limit is rejected,
//! as `kubectl` rejects it. A walk that follows aliases then visits at most
//! about 4 million nodes or 1.12 times the document's own nodes, whichever
//! is more. Merge keys (`<<`) are read as go-yaml v2 reads them.

mod arena;
mod build;
mod compat;
mod decode;
mod extract;
mod node;
mod parse;
mod scalar;
mod split;
mod stream;

pub use build::MAX_DEPTH;
pub use decode::{DecodeProblem, Decoded, decode, normalize_line_breaks};
pub use node::{Document, DuplicateKey, Entry, Node, NodeId, NodeRef, Pos, Value};
pub use parse::{ParseError, ParsedChunk, parse_document, parse_document_at};
pub use scalar::{resolve_plain, resolve_tagged};
pub use split::{Chunk, split_documents};
pub use stream::{StreamChunk, split_stream};
