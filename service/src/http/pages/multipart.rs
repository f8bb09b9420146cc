//! Multipart forms of the pages (uploads): their short text fields, read before the file, and
//! the refusals of a form that cannot be read or did not come from these pages.

use axum::http::StatusCode;
use axum::response::Response;

use super::message;

/// The fields of an upload form before its file: the CSRF token first, then any others.
pub(super) struct FormHead {
    pub(super) fields: Vec<(String, String)>,
}

impl FormHead {
    pub(super) fn get(&self, name: &str) -> &str {
        self.fields
            .iter()
            .find(|(n, _)| n == name)
            .map_or("", |(_, v)| v.as_str())
    }
}

/// The refusal of a form that did not come from this service's pages.
pub(super) fn csrf_refused() -> Response {
    message(
        StatusCode::FORBIDDEN,
        "Refused",
        "This request did not come from one of this service's own pages, so it was refused.",
    )
}

/// A multipart form that could not be read.
pub(super) fn unreadable_form() -> Response {
    message(
        StatusCode::BAD_REQUEST,
        "No file",
        "The upload could not be read or held no file. Choose a file and send the form again.",
    )
}

/// Reads one text field of a multipart form into `head` (a short one: anything long is not one
/// of ours).
pub(super) async fn text_field(
    head: &mut FormHead,
    name: String,
    field: axum::extract::multipart::Field<'_>,
) -> Result<(), Response> {
    match field.text().await {
        Ok(v) if v.len() <= 1024 => {
            head.fields.push((name, v));
            Ok(())
        }
        _ => Err(unreadable_form()),
    }
}
