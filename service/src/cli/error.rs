//! A command's failure: its exit code (as documented in the README), kind and message.

use imvo_engine::InputError;
use serde_json::json;

/// Exit codes, as documented in the README.
pub(crate) mod exit {
    pub const OK: u8 = 0;
    pub const CHECK_FAILED: u8 = 1;
    pub const INVALID_INPUT: u8 = 2;
    pub const POLICIES: u8 = 3;
    pub const USAGE_OR_IO: u8 = 4;
}

pub(crate) struct Failure {
    pub(crate) code: u8,
    pub(crate) kind: &'static str,
    pub(crate) message: String,
    pub(crate) details: serde_json::Value,
}

impl Failure {
    pub(super) fn io(message: String) -> Failure {
        Failure {
            code: exit::USAGE_OR_IO,
            kind: "io",
            message,
            details: json!(null),
        }
    }
}

pub(super) fn usage(message: String) -> Failure {
    Failure {
        code: exit::USAGE_OR_IO,
        kind: "usage",
        message,
        details: json!(null),
    }
}

pub(super) fn db_failure(e: &imvo_service::store::StoreError) -> Failure {
    Failure {
        code: exit::USAGE_OR_IO,
        kind: "database",
        message: e.to_string(),
        details: json!(null),
    }
}

pub(super) fn input_failure(file: &str, e: &InputError) -> Failure {
    let (message, details) = match e {
        InputError::Syntax {
            line,
            column,
            message,
        } => (
            format!("`{file}` is not valid JSON: line {line}, column {column}: {message}"),
            json!({"line": line, "column": column}),
        ),
        InputError::Invalid(errors) => (
            format!(
                "`{file}` is not a valid application ({} problem{}):\n  {}",
                errors.len(),
                if errors.len() == 1 { "" } else { "s" },
                errors
                    .iter()
                    .map(ToString::to_string)
                    .collect::<Vec<_>>()
                    .join("\n  ")
            ),
            json!(errors),
        ),
    };
    Failure {
        code: exit::INVALID_INPUT,
        kind: "invalid_input",
        message,
        details,
    }
}
