//! RFC 9457 problem details: every error the service returns.

use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::Serialize;

use imvo_engine::InputError;

use crate::writer::WriteError;

/// One invalid field of a request.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct FieldProblem {
    /// Dotted path of the field.
    pub path: String,
    /// What was expected there.
    pub expected: String,
}

/// An `application/problem+json` response.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Problem {
    /// A stable identifier of the kind of problem (`urn:imvo:problem:invalid-application`).
    #[serde(rename = "type")]
    pub kind: String,
    /// A short summary of the kind.
    pub title: String,
    /// The HTTP status.
    pub status: u16,
    /// What happened, for a person.
    pub detail: String,
    /// For validation errors: every invalid field.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub errors: Vec<FieldProblem>,
    /// Seconds to wait before retrying (503, 429).
    #[serde(skip)]
    pub retry_after: Option<u64>,
}

impl Problem {
    /// A problem of kind `name` (the last part of the `type` URN).
    #[must_use]
    pub fn new(status: StatusCode, name: &str, title: &str, detail: impl Into<String>) -> Problem {
        Problem {
            kind: format!("urn:imvo:problem:{name}"),
            title: title.to_owned(),
            status: status.as_u16(),
            detail: detail.into(),
            errors: Vec::new(),
            retry_after: None,
        }
    }

    /// 400: the request cannot be read.
    #[must_use]
    pub fn bad_request(name: &str, detail: impl Into<String>) -> Problem {
        Problem::new(StatusCode::BAD_REQUEST, name, "bad request", detail)
    }

    /// 401.
    #[must_use]
    pub fn unauthorized(detail: impl Into<String>) -> Problem {
        Problem::new(
            StatusCode::UNAUTHORIZED,
            "unauthorized",
            "authentication required",
            detail,
        )
    }

    /// 403.
    #[must_use]
    pub fn forbidden(detail: impl Into<String>) -> Problem {
        Problem::new(
            StatusCode::FORBIDDEN,
            "forbidden",
            "not allowed for this key",
            detail,
        )
    }

    /// 404.
    #[must_use]
    pub fn not_found(detail: impl Into<String>) -> Problem {
        Problem::new(StatusCode::NOT_FOUND, "not-found", "not found", detail)
    }

    /// 409.
    #[must_use]
    pub fn conflict(name: &str, detail: impl Into<String>) -> Problem {
        Problem::new(StatusCode::CONFLICT, name, "conflict", detail)
    }

    /// 422 with the invalid fields.
    #[must_use]
    pub fn invalid(name: &str, detail: impl Into<String>, errors: Vec<FieldProblem>) -> Problem {
        let mut p = Problem::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            name,
            "invalid request",
            detail,
        );
        p.errors = errors;
        p
    }

    /// 503 with a retry hint.
    #[must_use]
    pub fn unavailable(name: &str, detail: impl Into<String>) -> Problem {
        let mut p = Problem::new(
            StatusCode::SERVICE_UNAVAILABLE,
            name,
            "service unavailable",
            detail,
        );
        p.retry_after = Some(1);
        p
    }

    /// 500 without internals: the details go to the log, with the request id.
    #[must_use]
    pub fn internal() -> Problem {
        Problem::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            "internal",
            "internal error",
            "the request failed on the server; the log has the details under this request's X-Request-Id",
        )
    }
}

impl IntoResponse for Problem {
    fn into_response(self) -> Response {
        let status = StatusCode::from_u16(self.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        let body = serde_json::to_vec(&self).unwrap_or_default();
        let mut resp = (status, body).into_response();
        resp.headers_mut().insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/problem+json"),
        );
        if let Some(s) = self.retry_after
            && let Ok(v) = HeaderValue::from_str(&s.to_string())
        {
            resp.headers_mut().insert(header::RETRY_AFTER, v);
        }
        resp
    }
}

pub(crate) fn internal<E: std::fmt::Display>(e: E) -> Problem {
    tracing::error!(error = %e, "internal error");
    Problem::internal()
}

pub(super) fn too_large() -> Problem {
    Problem::new(
        StatusCode::PAYLOAD_TOO_LARGE,
        "body-too-large",
        "request body too large",
        format!(
            "the body is larger than {} bytes, or could not be read",
            crate::screening::MAX_APPLICATION_BYTES
        ),
    )
}

/// A body that is not the expected JSON: 400 when it is not JSON, 422 naming the problem.
pub(super) fn body_problem(name: &str, e: &serde_json::Error) -> Problem {
    if e.is_data() {
        let msg = e.to_string();
        let msg = msg
            .find(" at line ")
            .map_or(msg.clone(), |i| msg.get(..i).unwrap_or(&msg).to_owned());
        let path = msg
            .split('`')
            .nth(1)
            .filter(|_| msg.starts_with("missing field") || msg.starts_with("unknown field"))
            .unwrap_or("body")
            .to_owned();
        Problem::invalid(
            name,
            format!("the body is not a valid request: {msg}"),
            vec![FieldProblem {
                path,
                expected: msg,
            }],
        )
    } else {
        Problem::bad_request("malformed-json", format!("malformed JSON: {e}"))
    }
}

pub(super) fn input_problem(e: &InputError) -> Problem {
    match e {
        InputError::Syntax {
            line,
            column,
            message,
        } => Problem::bad_request(
            "malformed-json",
            format!("malformed JSON at line {line}, column {column}: {message}"),
        ),
        InputError::Invalid(errors) => Problem::invalid(
            "invalid-application",
            format!(
                "the application breaks the v1 contract in {} place{}",
                errors.len(),
                if errors.len() == 1 { "" } else { "s" }
            ),
            errors
                .iter()
                .map(|f| FieldProblem {
                    path: f.path.clone(),
                    expected: f.expected.clone(),
                })
                .collect(),
        ),
    }
}

/// A record the writer did not acknowledge: `503 database` when it certainly was not stored,
/// `503 outcome-unknown` when it may have been.
pub(crate) fn write_problem(e: WriteError) -> Problem {
    match e {
        WriteError::NotStored(e) => unavailable(e),
        WriteError::Unknown(e) => {
            tracing::warn!(error = %e, "write outcome unknown");
            Problem::unavailable(
                "outcome-unknown",
                "the database did not confirm the write, so the record may or may not have been stored: \
                 retry with the same Idempotency-Key to learn which (without one, look for the application under \
                 GET /v1/applications/{reference}/screenings before sending it again)",
            )
        }
    }
}

pub(crate) fn unavailable<E: std::fmt::Display>(e: E) -> Problem {
    tracing::warn!(error = %e, "database unavailable");
    Problem::unavailable(
        "database",
        "the decision record cannot be reached now; retry shortly",
    )
}
