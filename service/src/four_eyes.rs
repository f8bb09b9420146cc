//! Four eyes on reviews: which override needs a second person, and the status of every review
//! of an application, derived from its records (never stored).
//!
//! An override that lowers the category (to a lower one, or to none) or softens a `decline` or
//! `refer` (a less severe outcome) is `pending` until another person approves or rejects it;
//! any other agreement or override is `final`. The first approval or rejection of a review in
//! the chain decides; a later one is refused by the API, and one racing it is stored but does
//! not count.

use std::collections::HashMap;

use imvo_engine::Outcome;
use serde_json::Value;

use crate::store::{Record, RecordKind};

/// Whether an override review (its JSON) lowers the screening's category (to a lower one, or to
/// none) or softens its `decline` or `refer`: such an override needs a second person.
pub fn lowers(screening: &Record, review: &Value) -> bool {
    if field(review, "verdict") != Some("override") {
        return false;
    }
    let rank = |c: Option<&str>| match c {
        Some("A") => 3,
        Some("B") => 2,
        Some("C") => 1,
        _ => 0,
    };
    let lower = rank(field(review, "category")) < rank(screening.category.as_deref());
    let before = screening.outcome.as_deref().and_then(Outcome::parse);
    let after = field(review, "outcome").and_then(Outcome::parse);
    let softer = matches!(before, Some(Outcome::Decline | Outcome::Refer))
        && after.is_some_and(|a| Some(a) < before);
    lower || softer
}

/// A string member of a JSON object.
fn field<'a>(v: &'a Value, name: &str) -> Option<&'a str> {
    v.get(name).and_then(Value::as_str)
}

fn review_json(r: &Record) -> Value {
    r.review
        .as_deref()
        .and_then(|t| serde_json::from_str(t).ok())
        .unwrap_or(Value::Null)
}

/// The status of every agreement and override among `rows` (one application's records, oldest
/// first), by record id.
pub fn statuses(rows: &[Record]) -> HashMap<String, &'static str> {
    let mut decided: HashMap<String, &'static str> = HashMap::new();
    for r in rows.iter().filter(|r| r.kind == RecordKind::Review) {
        let v = review_json(r);
        let verdict = match field(&v, "verdict") {
            Some("approve") => "approved",
            Some("reject") => "rejected",
            _ => continue,
        };
        if let Some(of) = field(&v, "review_id") {
            decided.entry(of.to_owned()).or_insert(verdict);
        }
    }
    let mut out = HashMap::new();
    for r in rows.iter().filter(|r| r.kind == RecordKind::Review) {
        let v = review_json(r);
        if !matches!(field(&v, "verdict"), Some("agree" | "override")) {
            continue;
        }
        let screening = rows.iter().find(|s| Some(&s.id) == r.review_of.as_ref());
        let status = if screening.is_some_and(|s| lowers(s, &v)) {
            decided.get(&r.id).copied().unwrap_or("pending")
        } else {
            "final"
        };
        out.insert(r.id.clone(), status);
    }
    out
}
