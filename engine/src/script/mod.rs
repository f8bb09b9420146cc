//! The rhai side: the one engine builder with its limits, the API registered for scripts, and
//! the per-evaluation context those functions report into.

pub(crate) mod api;
pub(crate) mod budget;
pub(crate) mod context;
pub mod engine;
pub mod profile;
pub(crate) mod warm;

pub use engine::{Limits, build_engine};
