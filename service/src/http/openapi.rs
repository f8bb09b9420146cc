//! The OpenAPI document: every path, schema and the answers every operation may give.

use axum::Json;
use axum::response::{IntoResponse, Response};
use serde_json::Value;
use utoipa::OpenApi;

use super::history::{History, HistoryEntry, Replay, ReviewRecord, Simulate};
use super::keys::{CreatedKey, NewKey};
use super::policies::{PackSummary, Policies};
use super::problem::{FieldProblem, Problem};
use super::reviews::ReviewBody;
use super::screenings::{ScreeningPage, ScreeningRecord};
use super::{audit, history, keys, ops, policies, reviews, screenings};
use crate::auth::Role;

/// The OpenAPI 3.1 document.
#[derive(OpenApi)]
#[openapi(
    info(title = "imvo", description = "Screening of applications for government support abroad against responsible business conduct policies, with a tamper-evident decision record."),
    paths(screenings::post_screening, screenings::get_screening, screenings::list_screenings, super::letters::get_letter,
          history::application_history, history::replay, history::simulate, reviews::post_review,
          super::approvals::approve, super::approvals::reject,
          policies::list_policies, policies::get_policy, audit::verify,
          keys::create_key, keys::list_keys, keys::revoke_key, ops::healthz, ops::readyz, ops::metrics,
          super::upload::post_batch, super::batches::get_batch, super::batches::list_batches,
          super::results::batch_results, super::results::batch_errors),
    components(schemas(Problem, FieldProblem, ScreeningRecord, ScreeningPage, ReviewRecord, ReviewBody, super::approvals::SecondOpinion, History, HistoryEntry,
                       Replay, Simulate, Policies, PackSummary, NewKey, CreatedKey, Role,
                       super::batches::BatchStatus, super::batches::BatchLinks)),
    modifiers(&BearerAuth, &ProblemResponses),
)]
pub struct ApiDoc;

/// Errors are `application/problem+json` (RFC 9457), and every operation that takes a body may
/// answer `400` (not JSON), `408` (too slow), `413` (too large) and `415` (another content type), and every `/v1`
/// operation `503` (shed, timed out, database unreachable): stated once here rather than on
/// every handler.
struct ProblemResponses;

impl utoipa::Modify for ProblemResponses {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let Ok(mut doc) = serde_json::to_value(&*openapi) else {
            return;
        };
        let problem = |description: &str| {
            serde_json::json!({
                "description": description,
                "content": {"application/problem+json": {"schema": {"$ref": "#/components/schemas/Problem"}}}
            })
        };
        if let Some(paths) = doc.get_mut("paths").and_then(Value::as_object_mut) {
            for (path, item) in paths.iter_mut() {
                let Some(item) = item.as_object_mut() else {
                    continue;
                };
                for op in item.values_mut() {
                    let has_body = op.get("requestBody").is_some();
                    let Some(responses) = op.get_mut("responses").and_then(Value::as_object_mut)
                    else {
                        continue;
                    };
                    for resp in responses.values_mut() {
                        let Some(content) = resp.get_mut("content").and_then(Value::as_object_mut)
                        else {
                            continue;
                        };
                        let is_problem = content.get("application/json").is_some_and(|c| {
                            c.pointer("/schema/$ref").and_then(Value::as_str)
                                == Some("#/components/schemas/Problem")
                        });
                        if is_problem && let Some(c) = content.remove("application/json") {
                            content.insert("application/problem+json".to_owned(), c);
                        }
                    }
                    if has_body {
                        for (code, what) in [
                            ("400", "the body is not JSON, or a header is malformed"),
                            ("408", "the body did not arrive in time"),
                            ("413", "the body is larger than the operation takes"),
                            (
                                "415",
                                "the body's Content-Type is not one the operation takes",
                            ),
                        ] {
                            responses
                                .entry(code.to_owned())
                                .or_insert_with(|| problem(what));
                        }
                    }
                    if path.starts_with("/v1/") {
                        responses.entry("503".to_owned()).or_insert_with(|| {
                            problem("shed under load, timed out, the database cannot be reached, or (`outcome-unknown`) a write it did not confirm; retry after `Retry-After`")
                        });
                    }
                }
            }
        }
        if let Ok(new) = serde_json::from_value(doc) {
            *openapi = new;
        }
    }
}

struct BearerAuth;

impl utoipa::Modify for BearerAuth {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(
                HttpBuilder::new()
                    .scheme(HttpAuthScheme::Bearer)
                    .description(Some("an imvo API key: imvo_<id>_<secret>"))
                    .build(),
            ),
        );
    }
}

/// `GET /openapi.json`: the document.
pub(super) async fn openapi() -> Response {
    Json(ApiDoc::openapi()).into_response()
}
