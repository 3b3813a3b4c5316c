//! The `intake` family: problems with the input itself. The scan pipeline
//! makes these findings while it reads files; they have no check function.

use crate::RuleDef;

mod duplicate_key;
mod parse_error;

pub use duplicate_key::RULE as DUPLICATE_KEY;
pub use parse_error::RULE as PARSE_ERROR;

pub static RULES: &[&RuleDef] = &[&parse_error::RULE, &duplicate_key::RULE];
