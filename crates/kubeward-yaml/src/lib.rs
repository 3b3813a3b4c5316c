//! YAML documents as compact trees that keep the position of every node.
//!
//! A stream is first cut into documents at `---` and `...` markers
//! ([`split_documents`]), so that a syntax error ends only the document it is
//! in. Each document is then parsed with `saphyr-parser` into a [`Document`]:
//! an arena of nodes, each with its line and column, whose scalars borrow from
//! the input where the parser allows it.
//!
//! Plain scalars are typed the way Kubernetes tools type them. `kubectl` and
//! the API server read YAML through `sigs.k8s.io/yaml`, which follows YAML 1.1
//! as implemented by go-yaml v2, so `yes`, `on` and `off` are booleans and
//! `0755` is an octal integer. JSON is parsed as the YAML flow subset.
//!
//! Aliases are not expanded: an alias node refers to its anchor's node, so an
//! "alias bomb" costs one node per alias and traversals follow the reference.

mod build;
mod compat;
mod decode;
mod node;
mod scalar;
mod split;

pub use build::{MAX_DEPTH, ParseError, ParsedChunk, parse_document};
pub use decode::{DecodeProblem, Decoded, decode};
pub use node::{Document, Entry, Node, NodeId, NodeRef, Pos, Value};
pub use scalar::resolve_plain;
pub use split::{Chunk, split_documents};
