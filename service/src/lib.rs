//! The `imvo` command line and HTTP service over the imvo engine, with the decision record.

pub mod access;
pub mod api;
pub mod auth;
pub mod batch;
pub mod batches;
pub mod calibration;
pub mod explain;
pub mod input;
pub mod metrics;
pub mod problem;
pub mod rescreen;
pub mod scenarios;
pub mod serve;
pub mod store;
pub mod writer;
