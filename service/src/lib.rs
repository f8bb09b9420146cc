//! The `imvo` command line and HTTP service over the imvo engine, with the decision record.

pub mod access;
pub mod auth;
pub mod batch;
pub mod calibration;
pub mod explain;
pub mod http;
pub mod input;
pub mod metrics;
pub mod rescreen;
pub mod scenarios;
pub mod screening;
pub mod store;
pub mod writer;
