//! RFC 9457 problem details: every error the service returns.

use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::Serialize;

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
