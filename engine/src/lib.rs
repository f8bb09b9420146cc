#![doc = include_str!("../README.md")]
#![deny(missing_docs)]
#![deny(clippy::float_arithmetic)]

// Layers, lowest first; a module imports only those before it (tests/layout.rs checks it):
// `codes`, `json` -> `application` (the contract) -> `messages` (message ids, Fluent catalogues,
// number and date forms) -> `decision` -> `policy` (packs, manifests,
// rule and parameter tables, data tables, the pack checks, `PolicySet`: no rhai engine of its
// own, and never `script`) -> `script` (the one engine builder, the rule budget, the API
// scripts see, the per-screening context) -> `load` (`PolicySet::load` and `from_files`, which
// build the engine and assemble the set with the script API's surface) -> `screen` -> `render` (a
// decision explained in a language) -> `letter` (a letter to the applicant).

pub mod application;
pub mod codes;
pub mod decision;
pub mod json;
pub mod letter;
mod load;
pub mod messages;
pub mod policy;
pub mod render;
mod screen;
pub mod script;

pub use application::{Application, FieldError, InputError, Instrument};
pub use decision::{
    Category, CategoryStatus, Decision, Effect, Finding, Indicative, Move, Outcome,
};
pub use policy::{LoadError, LoadErrors, PolicySet};
pub use screen::{ENGINE_VERSION, basis, screen};
