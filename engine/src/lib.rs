#![doc = include_str!("../README.md")]
#![deny(missing_docs)]
#![deny(clippy::float_arithmetic)]

pub mod application;
pub mod codes;
pub mod decision;
pub mod json;
pub mod policy;
mod screen;
pub mod script;

pub use application::{Application, FieldError, InputError, Instrument};
pub use decision::{
    Category, CategoryStatus, Decision, Effect, Finding, Indicative, Move, Outcome,
};
pub use policy::{LoadError, LoadErrors, PolicySet};
pub use screen::{ENGINE_VERSION, screen};
