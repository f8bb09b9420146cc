//! The `imvo` command line (and, later, the HTTP service) over the imvo engine.

pub mod calibration;
pub mod explain;
pub mod scenarios;
pub mod store;
