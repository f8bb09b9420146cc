//! The `imvo` command line and HTTP service over the imvo engine, with the decision record.

#![deny(missing_docs)]

pub mod access;
pub mod auth;
pub mod batch;
pub mod calibration;
pub mod embedded;
pub mod four_eyes;
pub mod http;

pub mod metrics;

pub mod scenarios;
pub mod screening;
pub mod store;
pub mod writer;
