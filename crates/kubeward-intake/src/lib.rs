//! Reading input: finding manifest files under the given paths, reading them
//! or stdin, and decoding their bytes to text.
//!
//! This crate does the file IO of a scan; parsing and rules happen
//! elsewhere.

mod decode;
mod walk;

pub use decode::{DecodeProblem, Decoded, decode};
pub use walk::{InputPath, IntakeError, collect_inputs, is_manifest_path, read_input};
