//! Reading input: finding manifest files under the given paths and reading
//! them or stdin.
//!
//! This crate does the file IO of a scan; parsing and rules happen
//! elsewhere.

mod read;
mod walk;

pub use read::{MAX_INPUT_BYTES, read_input, read_input_with_limit};
pub use walk::{InputPath, IntakeError, collect_inputs, is_manifest_path, is_unit_path};
