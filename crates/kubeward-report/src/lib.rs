//! Renderers: each formats one [`Report`](kubeward_core::Report) and
//! decides nothing.

pub mod json;
pub mod text;
