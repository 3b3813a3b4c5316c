//! The `intake` family: problems with the input itself. The scan pipeline
//! makes the `parse-error` and `duplicate-key` findings while it reads
//! files; `invalid-field-type` is a per-object check like other rules.

use crate::RuleDef;

mod duplicate_key;
mod field_types;
mod invalid_field_type;
mod parse_error;

pub use duplicate_key::RULE as DUPLICATE_KEY;
pub use invalid_field_type::RULE as INVALID_FIELD_TYPE;
pub use parse_error::RULE as PARSE_ERROR;

pub static RULES: &[&RuleDef] = &[
    &parse_error::RULE,
    &duplicate_key::RULE,
    &invalid_field_type::RULE,
];
