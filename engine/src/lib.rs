#![doc = "imvo engine (work in progress)"]
pub mod application;
pub mod codes;
pub mod json;
