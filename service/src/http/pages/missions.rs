//! A trade mission's participant list: one CSV row per participant (columns named by the
//! contract's paths, as a batch CSV), with the mission's own fields entered once on the page and
//! applied to every row that does not give them. The list is stored and screened as a batch, on
//! the same function as `POST /v1/batches`; its page shows one row per participant: risk level,
//! outcome and what to ask.

use askama::Template;
use axum::body::Bytes;
use axum::extract::{Multipart, Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use imvo_engine::application::{FieldKind, field_specs};

use super::batches::{LinesQuery, show};
use super::multipart::{FormHead, csrf_refused, text_field, unreadable_form};
use super::{Who, problem_page, render, same, session};
use crate::access::Action;
use crate::batch::input::Format;
use crate::http::extract::Auth;
use crate::http::state::Shared;
use crate::http::upload::{Upload, store_upload};

/// A field of the mission entered once.
struct MissionField {
    name: String,
    id: String,
    label: String,
    help: String,
    tri: bool,
    value: String,
}

#[derive(Template)]
#[template(path = "missions.html")]
struct MissionsPage {
    who: Option<Who>,
    csrf: String,
    fields: Vec<MissionField>,
    errors: Vec<(String, String)>,
}

/// The fields entered once for the whole list: the application date, the mission's own scalar
/// fields and the information deadline.
fn shared_fields() -> impl Iterator<Item = &'static imvo_engine::application::FieldSpec> {
    field_specs().iter().filter(|s| {
        (s.path.starts_with("mission.")
            && !s.path.contains('[')
            && s.kind != FieldKind::List
            && s.kind != FieldKind::ObjectList
            && s.kind != FieldKind::Section)
            || matches!(s.path.as_str(), "application_date" | "information_deadline")
    })
}

fn page(status: StatusCode, who: Who, head: &FormHead, errors: Vec<(String, String)>) -> Response {
    render(
        status,
        &MissionsPage {
            csrf: who.csrf.clone(),
            who: Some(who),
            fields: shared_fields()
                .map(|s| MissionField {
                    name: s.path.clone(),
                    id: format!("m-{}", s.path.replace(['.', '_'], "-")),
                    label: super::form::words(s.path.rsplit('.').next().unwrap_or(&s.path)),
                    help: s.expected.clone(),
                    tri: s.kind == FieldKind::Bool,
                    value: head.get(&s.path).to_owned(),
                })
                .collect(),
            errors,
        },
    )
}

pub(super) async fn missions_page(State(state): State<Shared>, headers: HeaderMap) -> Response {
    let s = match session(&state, &headers).await {
        Ok(s) => s,
        Err(r) => return r,
    };
    if let Err(p) = Auth(s.principal).allow(Action::UploadBatch) {
        return problem_page(&p, s.who);
    }
    page(
        StatusCode::OK,
        s.who,
        &FormHead { fields: Vec::new() },
        Vec::new(),
    )
}

/// The list with the mission's fields added: a column for each field entered on the page that
/// the header lacks (every row takes the page's value), and the page's value in every empty
/// cell of a column the header has; `instrument` is `trade_mission` where not given.
fn with_mission(csv_text: &[u8], head: &FormHead) -> Result<Vec<u8>, String> {
    let mut r = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(csv_text);
    let mut records = r.byte_records();
    let header = match records.next() {
        Some(Ok(h)) => h,
        _ => return Err("a CSV file whose first row names the columns".into()),
    };
    let names: Vec<String> = header
        .iter()
        .map(|c| String::from_utf8_lossy(c).trim().replace("[]", ""))
        .collect();
    let mut given: Vec<(String, String)> = shared_fields()
        .filter_map(|s| {
            let v = head.get(&s.path).trim();
            (!v.is_empty()).then(|| (s.path.clone(), v.to_owned()))
        })
        .collect();
    given.push(("instrument".into(), "trade_mission".into()));
    let added: Vec<&(String, String)> = given.iter().filter(|(p, _)| !names.contains(p)).collect();
    let mut w = csv::Writer::from_writer(Vec::new());
    let mut out_header: Vec<&[u8]> = header.iter().collect();
    out_header.extend(added.iter().map(|(p, _)| p.as_bytes()));
    w.write_record(&out_header).map_err(|e| e.to_string())?;
    for rec in records {
        let rec = rec.map_err(|e| format!("a readable CSV file ({e})"))?;
        let mut row: Vec<Vec<u8>> = rec.iter().map(<[u8]>::to_vec).collect();
        for (i, name) in names.iter().enumerate() {
            if let (Some(cell), Some((_, v))) =
                (row.get_mut(i), given.iter().find(|(p, _)| p == name))
                && cell.trim_ascii().is_empty()
            {
                *cell = v.as_bytes().to_vec();
            }
        }
        row.extend(added.iter().map(|(_, v)| v.as_bytes().to_vec()));
        w.write_record(&row).map_err(|e| e.to_string())?;
    }
    w.into_inner().map_err(|e| e.to_string())
}

/// `POST /missions`: the participant list with the mission's fields.
pub(super) async fn upload(
    State(state): State<Shared>,
    headers: HeaderMap,
    mut multipart: Multipart,
) -> Response {
    let s = match session(&state, &headers).await {
        Ok(s) => s,
        Err(r) => return r,
    };
    let mut head = FormHead { fields: Vec::new() };
    while let Ok(Some(field)) = multipart.next_field().await {
        let name = field.name().unwrap_or_default().to_owned();
        if name != "file" {
            if let Err(r) = text_field(&mut head, name, field).await {
                return r;
            }
            continue;
        }
        if !same(head.get("csrf"), &s.who.csrf) {
            return csrf_refused();
        }
        let auth = Auth(s.principal);
        // A participant list is small: it is read whole, within the batch size limit.
        let limit = usize::try_from(state.settings.batch_max_bytes).unwrap_or(usize::MAX);
        let bytes = match field.bytes().await {
            Ok(b) if b.len() <= limit => b,
            _ => return unreadable_form(),
        };
        let csv_text = match with_mission(&bytes, &head) {
            Ok(t) => t,
            Err(e) => {
                let errors = vec![("file".to_owned(), e)];
                return page(StatusCode::UNPROCESSABLE_ENTITY, s.who, &head, errors);
            }
        };
        let upload = Upload {
            format: Format::Csv,
            as_of: None,
            idem: None,
            declared: None,
        };
        let stream = futures_util::stream::iter([Ok::<_, std::io::Error>(Bytes::from(csv_text))]);
        return match store_upload(&state, &auth, upload, stream).await {
            Ok((row, _, _)) => Redirect::to(&format!("/missions/{}", row.id)).into_response(),
            Err(p) if p.status == 403 => problem_page(&p, s.who),
            Err(p) => {
                let mut errors = vec![("file".to_owned(), p.detail.clone())];
                errors.extend(
                    p.errors
                        .iter()
                        .map(|e| (e.path.clone(), e.expected.clone())),
                );
                let code = StatusCode::from_u16(p.status).unwrap_or(StatusCode::BAD_REQUEST);
                page(code, s.who, &head, errors)
            }
        };
    }
    unreadable_form()
}

/// `GET /missions/{id}`: the participants of a list.
pub(super) async fn participants(
    State(state): State<Shared>,
    headers: HeaderMap,
    Path(id): Path<String>,
    Query(q): Query<LinesQuery>,
) -> Response {
    show(state, headers, id, q, true).await
}

/// `GET /missions/{id}/participants.csv`: one row per participant (line, reference, outcome,
/// risk level, what to ask, or why the row was not screened), in line order.
pub(super) async fn participants_csv(
    State(state): State<Shared>,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> Response {
    let s = match session(&state, &headers).await {
        Ok(s) => s,
        Err(r) => return r,
    };
    let auth = Auth(s.principal);
    if let Err(p) = crate::http::batches::visible_batch(&state, &auth, &id).await {
        return problem_page(&p, s.who);
    }
    let mut out = String::from("line,reference,outcome,risk_level,ask,not_screened_because\n");
    let mut after = 0;
    loop {
        let filter = crate::store::LineFilter {
            after,
            limit: 500,
            decisions: true,
            ..Default::default()
        };
        let rows = match state.store.batch_lines(&id, &filter).await {
            Ok(r) => r,
            Err(e) => return problem_page(&crate::http::problem::unavailable(e), s.who),
        };
        let Some(last) = rows.last().map(|r| r.line) else {
            break;
        };
        after = last;
        for l in rows.into_iter().map(super::batches::line_view) {
            let ask: Vec<String> = l.missing.iter().map(|m| super::form::question(m)).collect();
            let cells = [
                l.line.to_string(),
                l.reference,
                l.outcome,
                l.risk,
                ask.join("; "),
                l.error,
            ];
            let row: Vec<String> = cells.iter().map(|c| crate::batch::csv_field(c)).collect();
            out.push_str(&row.join(","));
            out.push('\n');
        }
    }
    let disposition = format!(
        "attachment; filename=\"participants-{}.csv\"",
        id.get(..8).unwrap_or(&id)
    );
    (
        [
            (
                axum::http::header::CONTENT_TYPE,
                "text/csv; charset=utf-8".to_owned(),
            ),
            (axum::http::header::CONTENT_DISPOSITION, disposition),
        ],
        out,
    )
        .into_response()
}
