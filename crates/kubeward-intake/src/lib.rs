//! Reading input: finding manifest files under the given paths and reading
//! them or stdin.
//!
//! This crate does the file IO of a scan; parsing and rules happen
//! elsewhere.

mod walk;

pub use walk::{
    InputPath, IntakeError, MAX_INPUT_BYTES, collect_inputs, is_manifest_path, is_unit_path,
    read_input, read_input_with_limit,
};
