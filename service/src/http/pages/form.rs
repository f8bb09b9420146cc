//! The screening form per instrument: every field of the v1 contract, generated from the
//! contract's own description of its fields ([`imvo_engine::application::field_specs`]) and
//! grouped as the contract groups them. Tri-state facts are yes / no / unknown (unknown by
//! default), closed vocabularies are choices, codes have searchable lists, money is text. The
//! posted fields are read exactly as one row of a batch CSV ([`crate::batch::input::from_cells`]),
//! and a refused field's message is shown next to it with every entered value kept.

use askama::Template;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use imvo_engine::application::{FieldKind, FieldSpec, Values, field_specs};
use imvo_engine::{Application, FieldError, Instrument};

use super::screening::outcome;
use super::{Who, form_session, problem_page, render, session};
use crate::access::Action;
use crate::http::extract::{Auth, parse_date_param};
use crate::http::state::Shared;

/// Rows offered for each list of objects (NCP cases, supply chain, mission products).
const ROWS: usize = 4;

/// One input.
struct Input {
    /// The posted name: the contract path.
    name: String,
    /// The HTML id.
    id: String,
    label: String,
    value: String,
}

/// One field as the form shows it.
struct FieldView {
    input: Input,
    help: String,
    /// `text`, `tri`, `select`, `checks` or `rows`.
    widget: &'static str,
    /// The choices or check boxes.
    options: Vec<Opt>,
    /// The id of the searchable list of codes, for a code field.
    list: Option<&'static str>,
    /// For a list of objects: its members' headings and one row of inputs per item.
    columns: Vec<String>,
    rows: Vec<Vec<Input>>,
    error: Option<String>,
}

/// A choice or a check box.
struct Opt {
    value: String,
    chosen: bool,
}

/// A group of fields (a section of the contract).
struct Group {
    title: String,
    fields: Vec<FieldView>,
}

/// A searchable list of codes.
struct CodeList {
    id: &'static str,
    /// The compiled-in list itself (code to name), borrowed, not copied per page.
    codes: &'static std::collections::BTreeMap<String, String>,
}

#[derive(Template)]
#[template(path = "form.html")]
struct FormPage {
    who: Option<Who>,
    csrf: String,
    instrument: &'static str,
    instrument_words: &'static str,
    as_of: String,
    groups: Vec<Group>,
    lists: Vec<CodeList>,
    /// Every refused field: (path, what is expected, id of its input if the form has one).
    errors: Vec<(String, String, Option<String>)>,
}

/// What was posted: (name, value) in order, names repeated for lists.
type Posted = Vec<(String, String)>;

fn posted<'a>(p: &'a Posted, name: &str) -> impl Iterator<Item = &'a str> {
    p.iter()
        .filter(move |(n, _)| n == name)
        .map(|(_, v)| v.as_str())
}

fn first(p: &Posted, name: &str) -> String {
    posted(p, name).next().unwrap_or_default().to_owned()
}

/// Whether `spec` belongs on the form of `instrument` (the instrument itself is fixed).
fn on_form(spec: &FieldSpec, instrument: Instrument) -> bool {
    let top = spec.path.split(['.', '[']).next().unwrap_or_default();
    match top {
        "instrument" => false,
        "mission" => instrument == Instrument::TradeMission,
        "transaction" | "project" => instrument != Instrument::TradeMission,
        _ => true,
    }
}

/// `project.capacity.thermal_mw` → "Thermal MW".
pub(super) fn words(name: &str) -> String {
    let mut out: Vec<String> = Vec::new();
    for (i, w) in name.split('_').enumerate() {
        let w = match w {
            "oecd" | "ncp" | "mw" | "ghg" | "ccus" | "epfi" | "kv" | "sme" | "ifc" => {
                w.to_ascii_uppercase()
            }
            "kvk" => "KvK".into(),
            "mwe" => "MWe".into(),
            "km" | "kg" | "ha" | "m3" => w.into(),
            "tco2e" => "tCO2e".into(),
            "scope12" => "scope 1 and 2".into(),
            w if i == 0 => {
                let mut c = w.chars();
                c.next()
                    .map(|f| f.to_uppercase().chain(c).collect())
                    .unwrap_or_default()
            }
            w => w.into(),
        };
        out.push(w);
    }
    out.join(" ")
}

/// A missing fact as a question to the applicant: its name and what the contract takes.
pub(super) fn question(path: &str) -> String {
    let label = words(path.rsplit('.').next().unwrap_or(path));
    match field_specs().iter().find(|s| s.path == path) {
        Some(s) if s.kind == FieldKind::Bool => format!("{label}? (yes or no)"),
        Some(s) if !s.expected.is_empty() => format!("{label}: {}", s.expected),
        _ => label,
    }
}

fn html_id(path: &str) -> String {
    format!("f-{}", path.replace("[]", "").replace(['.', '_'], "-"))
}

/// A field's group: the section or list it sits in (`""` for the application itself).
fn group_of(path: &str) -> &str {
    if matches!(path, "documents" | "refusals" | "information_deadline") {
        return "documents";
    }
    match path.split_once("[].") {
        Some((list, _)) => list,
        None => path.rsplit_once('.').map_or("", |(g, _)| g),
    }
}

fn group_title(path: &str) -> String {
    match path {
        "" => "Application".into(),
        "documents" => "Documents, refusals and deadline".into(),
        "project.location" => "Location".into(),
        "project.land" => "Land".into(),
        "project.supply_chain" => "Supply chain".into(),
        p => words(p.rsplit('.').next().unwrap_or(p)),
    }
}

fn list_id(l: &imvo_engine::codes::CodeList) -> &'static str {
    match l.name {
        "iso-3166-1" => "countries",
        "iso-4217" => "currencies",
        "isic-rev4" => "isic",
        _ => "goods",
    }
}

fn opts(values: &[&str], p: &Posted, name: &str) -> Vec<Opt> {
    values
        .iter()
        .map(|t| Opt {
            value: (*t).to_owned(),
            chosen: posted(p, name).any(|v| v == *t),
        })
        .collect()
}

fn field_view(spec: &FieldSpec, p: &Posted, members: &[&FieldSpec]) -> FieldView {
    let input = Input {
        name: spec.path.clone(),
        id: html_id(&spec.path),
        label: words(spec.path.rsplit('.').next().unwrap_or(&spec.path)),
        value: first(p, &spec.path),
    };
    let mut v = FieldView {
        input,
        help: spec.expected.clone(),
        widget: "text",
        options: Vec::new(),
        list: None,
        columns: Vec::new(),
        rows: Vec::new(),
        error: None,
    };
    match (spec.kind, spec.values) {
        (FieldKind::Bool, _) => v.widget = "tri",
        (FieldKind::List, Values::Terms(vocab)) => {
            v.widget = "checks";
            v.options = opts(vocab.values, p, &spec.path);
        }
        (FieldKind::List, _) => v.help = format!("{}; several separated by `;`", spec.expected),
        (FieldKind::ObjectList, _) => {
            v.widget = "rows";
            v.help = "one item per row; rows left empty are ignored".into();
            v.columns = members
                .iter()
                .map(|m| words(m.path.rsplit('.').next().unwrap_or(&m.path)))
                .collect();
            v.rows = (0..ROWS)
                .map(|i| {
                    members
                        .iter()
                        .map(|m| Input {
                            name: m.path.clone(),
                            id: format!("{}-{}", html_id(&m.path), i + 1),
                            label: format!(
                                "{}, item {}",
                                words(m.path.rsplit('.').next().unwrap_or(&m.path)),
                                i + 1
                            ),
                            value: posted(p, &m.path).nth(i).unwrap_or_default().to_owned(),
                        })
                        .collect()
                })
                .collect();
        }
        (_, Values::Terms(vocab)) => {
            v.widget = "select";
            v.options = opts(vocab.values, p, &spec.path);
        }
        (_, Values::Codes(list)) => v.list = Some(list_id(list)),
        _ => {}
    }
    v
}

/// The form's groups for `instrument`, with the posted values.
fn groups(instrument: Instrument, p: &Posted) -> (Vec<Group>, Vec<CodeList>) {
    let specs: Vec<&FieldSpec> = field_specs()
        .iter()
        .filter(|s| on_form(s, instrument))
        .collect();
    let mut groups: Vec<(String, Group)> = Vec::new();
    let mut lists: Vec<CodeList> = Vec::new();
    for spec in &specs {
        if spec.kind == FieldKind::Section || spec.path.contains("[].") {
            continue;
        }
        let members: Vec<&FieldSpec> = specs
            .iter()
            .filter(|m| {
                m.path
                    .strip_prefix(&spec.path)
                    .is_some_and(|r| r.starts_with("[]."))
            })
            .copied()
            .collect();
        let view = field_view(spec, p, &members);
        for m in members.iter().map(|m| m.values).chain([spec.values]) {
            if let Values::Codes(l) = m
                && !lists.iter().any(|c| c.id == list_id(l))
            {
                lists.push(CodeList {
                    id: list_id(l),
                    codes: &l.entries,
                });
            }
        }
        let key = group_of(&spec.path).to_owned();
        match groups.iter_mut().find(|(k, _)| *k == key) {
            Some((_, g)) => g.fields.push(view),
            None => groups.push((
                key.clone(),
                Group {
                    title: group_title(&key),
                    fields: vec![view],
                },
            )),
        }
    }
    (groups.into_iter().map(|(_, g)| g).collect(), lists)
}

/// The posted form as (field path, cell) pairs of one CSV row; a list's values joined with `;`.
fn cells(instrument: Instrument, p: &Posted) -> Result<Vec<(String, String)>, Vec<FieldError>> {
    let mut out = vec![("instrument".to_owned(), instrument.as_str().to_owned())];
    let mut errors = Vec::new();
    let specs = field_specs().iter().filter(|s| on_form(s, instrument));
    for spec in specs {
        let values: Vec<&str> = posted(p, &spec.path).map(str::trim).collect();
        match spec.kind {
            FieldKind::Section => {}
            _ if spec.path.contains("[].") => {}
            FieldKind::List | FieldKind::ObjectList if values.contains(&"[]") => {
                let more = values.iter().any(|v| !v.is_empty() && *v != "[]")
                    || (spec.kind == FieldKind::ObjectList && has_rows(spec, p));
                if more {
                    errors.push(FieldError {
                        path: spec.path.clone(),
                        expected: "either none, or the items: not both".into(),
                        found: None,
                    });
                }
                out.push((spec.path.clone(), "[]".into()));
            }
            FieldKind::ObjectList => out.extend(rows(spec, p)),
            FieldKind::List => {
                let kept: Vec<&str> = values.into_iter().filter(|v| !v.is_empty()).collect();
                out.push((spec.path.clone(), kept.join(";")));
            }
            _ => out.push((
                spec.path.clone(),
                values.first().copied().unwrap_or("").to_owned(),
            )),
        }
    }
    if errors.is_empty() {
        Ok(out)
    } else {
        Err(errors)
    }
}

/// The member columns of a list of objects, over the rows with anything in them.
fn members(spec: &FieldSpec) -> impl Iterator<Item = &'static FieldSpec> {
    let prefix = format!("{}[].", spec.path);
    field_specs()
        .iter()
        .filter(move |m| m.path.starts_with(&prefix))
}

fn has_rows(spec: &FieldSpec, p: &Posted) -> bool {
    members(spec).any(|m| posted(p, &m.path).any(|v| !v.trim().is_empty()))
}

fn rows(spec: &FieldSpec, p: &Posted) -> Vec<(String, String)> {
    let cols: Vec<(&str, Vec<&str>)> = members(spec)
        .map(|m| (m.path.as_str(), posted(p, &m.path).map(str::trim).collect()))
        .collect();
    let used: Vec<usize> = (0..ROWS)
        .filter(|&i| {
            cols.iter()
                .any(|(_, v)| v.get(i).is_some_and(|c| !c.is_empty()))
        })
        .collect();
    if used.is_empty() {
        return Vec::new();
    }
    cols.iter()
        .map(|(path, v)| {
            let cells: Vec<&str> = used
                .iter()
                .map(|&i| v.get(i).copied().unwrap_or(""))
                .collect();
            ((*path).to_owned(), cells.join(";"))
        })
        .collect()
}

/// `a.list[2].b` → (`a.list.b`, item 3).
fn plain(path: &str) -> (String, Option<usize>) {
    let mut out = String::with_capacity(path.len());
    let mut index = String::new();
    let mut in_index = false;
    for ch in path.chars() {
        match ch {
            '[' => in_index = true,
            ']' => in_index = false,
            c if in_index => index.push(c),
            c => out.push(c),
        }
    }
    (out, index.parse::<usize>().ok().map(|i| i + 1))
}

/// Puts each error next to its field; returns the summary (path, expected, input id).
fn place(groups: &mut [Group], errors: &[FieldError]) -> Vec<(String, String, Option<String>)> {
    let mut summary = Vec::new();
    for e in errors {
        let (path, item) = plain(&e.path);
        let text = match item {
            Some(i) => format!("item {i}: {}", e.expected),
            None => e.expected.clone(),
        };
        let field = groups
            .iter_mut()
            .flat_map(|g| g.fields.iter_mut())
            .find(|f| {
                let name = f.input.name.as_str();
                name == path || path.starts_with(&format!("{name}."))
            });
        let id = match field {
            Some(f) => {
                f.error = Some(match f.error.take() {
                    Some(before) => format!("{before}; {text}"),
                    None => text,
                });
                Some(f.input.id.clone())
            }
            None => None,
        };
        summary.push((e.path.clone(), e.expected.clone(), id));
    }
    summary
}

fn instrument_of(name: &str) -> Option<(Instrument, &'static str)> {
    let i = Instrument::from_name(name)?;
    let words = match i {
        Instrument::ExportCredit => "an export credit",
        Instrument::ProjectFinance => "project finance",
        Instrument::TradeMission => "a trade-mission participant",
    };
    Some((i, words))
}

/// The instrument a form's path names, if the caller may screen it (`404` for a name that is
/// none, `403` for one the role may not screen).
fn allowed_instrument(
    auth: &Auth,
    name: &str,
) -> Result<(Instrument, &'static str), crate::http::problem::Problem> {
    let inst = instrument_of(name).ok_or_else(|| {
        crate::http::problem::Problem::not_found(format!("no instrument `{name}`"))
    })?;
    auth.allow_instrument(Action::Simulate, inst.0)?;
    Ok(inst)
}

fn page(
    status: StatusCode,
    who: Who,
    (instrument, words): (Instrument, &'static str),
    p: &Posted,
    errors: &[FieldError],
) -> Response {
    let (mut groups, lists) = groups(instrument, p);
    let errors = place(&mut groups, errors);
    render(
        status,
        &FormPage {
            csrf: who.csrf.clone(),
            who: Some(who),
            instrument: instrument.as_str(),
            instrument_words: words,
            as_of: first(p, "as_of"),
            groups,
            lists,
            errors,
        },
    )
}

/// `GET /screen/{instrument}`: the empty form (every fact unknown).
pub(super) async fn form_page(
    State(state): State<Shared>,
    headers: HeaderMap,
    Path(name): Path<String>,
) -> Response {
    let s = match session(&state, &headers).await {
        Ok(s) => s,
        Err(r) => return r,
    };
    let auth = Auth(s.principal);
    match allowed_instrument(&auth, &name) {
        Ok(inst) => page(StatusCode::OK, s.who, inst, &Vec::new(), &[]),
        Err(p) => problem_page(&p, s.who),
    }
}

/// `POST /screen/{instrument}`: the form read as one CSV row; refused fields shown next to
/// their inputs, or the application screened as *Try* or *Screen and record* says.
pub(super) async fn form_post(
    State(state): State<Shared>,
    headers: HeaderMap,
    Path(name): Path<String>,
    body: Bytes,
) -> Response {
    let p: Posted = form_urlencoded::parse(&body).into_owned().collect();
    let s = match form_session(&state, &headers, &first(&p, "csrf")).await {
        Ok(s) => s,
        Err(r) => return r,
    };
    let auth = Auth(s.principal);
    let inst = match allowed_instrument(&auth, &name) {
        Ok(inst) => inst,
        Err(p) => return problem_page(&p, s.who),
    };
    let mut errors = Vec::new();
    let as_of = match first(&p, "as_of").trim() {
        "" => None,
        text => match parse_date_param("as_of", text) {
            Ok(d) => Some(d),
            Err(_) => {
                errors.push(FieldError {
                    path: "as_of".into(),
                    expected: "a date YYYY-MM-DD, or nothing for the application date".into(),
                    found: Some(text.to_owned()),
                });
                None
            }
        },
    };
    let json = cells(inst.0, &p).and_then(|c| {
        let refs: Vec<(&str, &str)> = c.iter().map(|(a, b)| (a.as_str(), b.as_str())).collect();
        crate::batch::input::from_cells(&refs)
    });
    let app = match json.map(|j| Application::parse(&j)) {
        Ok(Ok(app)) if errors.is_empty() => app,
        Ok(Ok(_)) => return page(StatusCode::UNPROCESSABLE_ENTITY, s.who, inst, &p, &errors),
        Ok(Err(e)) => {
            errors.push(FieldError {
                path: "$".into(),
                expected: e.to_string(),
                found: None,
            });
            return page(StatusCode::UNPROCESSABLE_ENTITY, s.who, inst, &p, &errors);
        }
        Err(more) => {
            errors.extend(more);
            return page(StatusCode::UNPROCESSABLE_ENTITY, s.who, inst, &p, &errors);
        }
    };
    let record = first(&p, "action") == "record";
    outcome(&state, s.who, &auth, app, as_of, record).await
}
