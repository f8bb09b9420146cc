//! A decision as text for a person, in a language: outcome, category, why, what is required,
//! what is missing, and what the decision rests on.
//!
//! Every word comes from a catalogue: the engine's for outcomes, categories, steps and headings,
//! each pack's for its findings. A finding without a message (a pack without catalogues, or a
//! decision stored before message ids) shows its stored English reason, marked as English in
//! another language. Rendering reads the decision and never changes it.

use std::fmt::Write;

use serde_json::Value;

use crate::decision::{Category, Decision, Effect, Finding, Pointer};
use crate::messages::{Arg, Lang, Message, catalogue::render_engine};
use crate::policy::PolicySet;

/// An engine message in `lang`; the id itself if the catalogue lacks it (a test checks that
/// every id used here exists in both languages).
#[must_use]
pub fn t(lang: Lang, id: &str, args: &[(&str, Arg)]) -> String {
    let mut m = Message::new(id);
    for (k, v) in args {
        m.args.insert((*k).to_owned(), v.clone());
    }
    render_engine(lang, &m).unwrap_or_else(|_| id.to_owned())
}

fn text(s: &str) -> Arg {
    Arg::Text(s.to_owned())
}

/// Renders a message of the pack that reported it, or `fallback` (English) when the message or
/// the pack's catalogue is not at hand.
fn pack_text(
    set: Option<&PolicySet>,
    pack: (&str, &str),
    message: Option<&Message>,
    fallback: &str,
    lang: Lang,
) -> String {
    let catalogue = set.and_then(|s| {
        s.packs()
            .iter()
            .find(|p| &*p.manifest.id == pack.0 && &*p.manifest.version == pack.1)
            .and_then(|p| p.catalogue.clone())
    });
    if let (Some(m), Some(c)) = (message, catalogue)
        && let Ok(s) = c.render(lang, m)
    {
        return s;
    }
    if lang == Lang::En {
        fallback.to_owned()
    } else {
        format!("{fallback} {}", t(lang, "ex-in-english", &[]))
    }
}

/// A finding's explanation in `lang`, from its pack's catalogue in `set`; its stored English
/// reason (marked as English in another language) where the message or catalogue is not at hand.
#[must_use]
pub fn finding_text(set: Option<&PolicySet>, f: &Finding, lang: Lang) -> String {
    pack_text(
        set,
        (&f.pack, &f.pack_version),
        f.message.as_ref(),
        &f.reason,
        lang,
    )
}

/// Renders `d` in `lang`; `set` is the policy set the decision was made under, for the packs'
/// catalogues (without it, findings show their stored English reasons).
#[must_use]
pub fn explain(d: &Decision, set: Option<&PolicySet>, lang: Lang) -> String {
    let mut s = String::new();
    heading(&mut s, d, set, lang);
    indicative(&mut s, d, set, lang);
    why(&mut s, d, set, lang);
    required(&mut s, d, set, lang);
    missing(&mut s, d, lang);
    basis(&mut s, d, lang);
    s
}

/// The engine's message for a category reason it wrote itself, else the message of the
/// `no_category` finding that gave it.
#[must_use]
pub fn category_reason(d: &Decision, reason: &str, set: Option<&PolicySet>, lang: Lang) -> String {
    let engine = [
        (
            "undetermined: missing information",
            "category-reason-missing",
        ),
        (
            "not categorised: trade missions are screened for a risk level",
            "category-reason-trade-mission",
        ),
        (
            "undetermined: no policy pack in force",
            "category-reason-no-pack",
        ),
        ("undetermined: a rule failed", "category-reason-failed"),
        (
            "no rule raised a category floor",
            "category-reason-no-floor",
        ),
    ];
    if let Some((_, id)) = engine.iter().find(|(r, _)| *r == reason) {
        return t(lang, id, &[]);
    }
    // Several `no_category` reasons are joined with "; " in the order of their text.
    let parts: Vec<String> = reason
        .split("; ")
        .map(|part| {
            d.findings
                .iter()
                .find(|f| f.effect == Effect::Info && &*f.reason == part)
                .map_or_else(
                    || pack_text(None, ("", ""), None, part, lang),
                    |f| finding_text(set, f, lang),
                )
        })
        .collect();
    parts.join("; ")
}

/// Reference, outcome and category.
fn heading(s: &mut String, d: &Decision, set: Option<&PolicySet>, lang: Lang) {
    let p = &d.provenance;
    let instrument = t(lang, &format!("instrument-{}", d.instrument.as_str()), &[]);
    let _ = writeln!(
        s,
        "{}",
        t(
            lang,
            "ex-title",
            &[
                ("reference", text(&d.reference)),
                ("instrument", Arg::Text(instrument)),
                ("date", Arg::Date(p.as_of)),
            ]
        )
    );
    let outcome = t(lang, &format!("outcome-{}", d.outcome.as_str()), &[]);
    let _ = writeln!(
        s,
        "{}",
        t(lang, "ex-outcome", &[("outcome", Arg::Text(outcome))])
    );
    let line = match (d.category, &d.category_reason) {
        (Some(c), _) => {
            let status = t(
                lang,
                &format!("category-status-{}", d.category_status.as_str()),
                &[],
            );
            t(
                lang,
                "ex-category",
                &[
                    ("category", text(c.as_str())),
                    ("status", Arg::Text(status)),
                ],
            )
        }
        (None, reason) => {
            let r = reason
                .as_deref()
                .map(|r| category_reason(d, r, set, lang))
                .unwrap_or_default();
            t(lang, "ex-category-none", &[("reason", Arg::Text(r))])
        }
    };
    let _ = writeln!(s, "{line}");
}

fn json_value(v: Option<&Value>, lang: Lang) -> String {
    match v {
        Some(Value::String(v)) => v.clone(),
        Some(Value::Bool(b)) => t(lang, if *b { "value-true" } else { "value-false" }, &[]),
        Some(v) => v.to_string(),
        None => t(lang, "value-unknown", &[]),
    }
}

/// The indicative sentence: category, what it assumes, and what would decide it.
fn indicative_text(d: &Decision, lang: Lang) -> Option<String> {
    let i = d.indicative.as_ref()?;
    let mut parts = vec![match i.category {
        Some(c) => t(
            lang,
            "ex-indicative-category",
            &[("category", text(c.as_str()))],
        ),
        None => t(lang, "ex-indicative-none", &[]),
    }];
    if i.category.is_some() && !i.assumed.is_empty() {
        let facts: Vec<Arg> = i
            .assumed
            .iter()
            .map(|a| {
                Arg::Text(t(
                    lang,
                    "ex-indicative-assumed-fact",
                    &[("path", text(&a.path)), ("value", text(&a.value))],
                ))
            })
            .collect();
        parts.push(t(
            lang,
            "ex-indicative-assuming",
            &[("facts", Arg::List(facts))],
        ));
    }
    for dc in i
        .deciding
        .iter()
        .filter(|x| x.to == Some(crate::decision::Move::NotCategorised))
    {
        parts.push(t(
            lang,
            "ex-indicative-not-categorised-if",
            &[
                ("path", text(&dc.path)),
                ("value", Arg::Text(json_value(dc.value.as_ref(), lang))),
            ],
        ));
    }
    let mut paths: Vec<Arg> = Vec::new();
    for dc in &i.deciding {
        let p = text(&dc.path);
        if !paths.contains(&p) {
            paths.push(p);
        }
    }
    if !paths.is_empty() {
        let count = paths.len() as i64;
        parts.push(t(
            lang,
            "ex-indicative-definite-once",
            &[("paths", Arg::List(paths)), ("count", Arg::Int(count))],
        ));
    }
    Some(parts.join("; "))
}

fn pointer_text(set: Option<&PolicySet>, d: &Decision, p: &Pointer, lang: Lang) -> String {
    let pack = d
        .findings
        .iter()
        .find(|f| *f.rule_id == *p.rule_id)
        .map(|f| (&*f.pack, &*f.pack_version));
    match pack {
        Some(pk) => pack_text(set, pk, p.message.as_ref(), &p.reason, lang),
        None => rule_pack_text(set, &p.rule_id, p.message.as_ref(), &p.reason, lang),
    }
}

/// A message of the pack that holds rule `rule_id` (an assumption or a pointer names no pack).
fn rule_pack_text(
    set: Option<&PolicySet>,
    rule_id: &str,
    message: Option<&Message>,
    fallback: &str,
    lang: Lang,
) -> String {
    let pack = set.and_then(|s| {
        s.packs()
            .iter()
            .find(|p| p.rules.iter().any(|r| &*r.id == rule_id))
            .map(|p| (p.manifest.id.to_string(), p.manifest.version.to_string()))
    });
    match pack {
        Some((id, v)) => pack_text(set, (&id, &v), message, fallback, lang),
        None => pack_text(None, ("", ""), None, fallback, lang),
    }
}

/// The indicative category, with what it assumes and what would decide it.
fn indicative(s: &mut String, d: &Decision, set: Option<&PolicySet>, lang: Lang) {
    let (Some(i), Some(sentence)) = (&d.indicative, indicative_text(d, lang)) else {
        return;
    };
    let _ = writeln!(
        s,
        "{}",
        t(lang, "ex-indicative", &[("text", Arg::Text(sentence))])
    );
    let range = if i.may_be_not_categorised {
        "ex-range-or-none"
    } else {
        "ex-range"
    };
    let cat = |c: Category| text(c.as_str());
    let _ = writeln!(
        s,
        "           {}",
        t(
            lang,
            range,
            &[
                ("lowest", cat(i.range.lowest)),
                ("highest", cat(i.range.highest))
            ]
        )
    );
    for a in &i.assumed {
        let why = rule_pack_text(set, &a.rule_id, a.message.as_ref(), &a.why, lang);
        let args = [
            ("path", text(&a.path)),
            ("value", text(&a.value)),
            ("rule", text(&a.rule_id)),
            ("why", Arg::Text(why)),
        ];
        let _ = writeln!(s, "           {}", t(lang, "ex-assumed", &args));
    }
    for p in &i.typical {
        let args = [
            ("category", text(p.category.as_str())),
            ("rule", text(&p.rule_id)),
            ("reason", Arg::Text(pointer_text(set, d, p, lang))),
        ];
        let _ = writeln!(s, "           {}", t(lang, "ex-typical", &args));
    }
    for dc in &i.deciding {
        let to = dc.to.map_or_else(
            || t(lang, "value-unknown", &[]),
            |m| t(lang, &format!("move-{}", m.as_str()), &[]),
        );
        let args = [
            ("path", text(&dc.path)),
            ("value", Arg::Text(json_value(dc.value.as_ref(), lang))),
            ("to", Arg::Text(to)),
            ("rules", text(&dc.rule_ids.join(", "))),
        ];
        let _ = writeln!(s, "           {}", t(lang, "ex-deciding", &args));
    }
}

fn effect_label(f: &Finding, lang: Lang) -> String {
    let value = f.value.as_deref().unwrap_or_default();
    match f.effect {
        Effect::Require => f
            .value
            .as_deref()
            .map_or_else(|| t(lang, "effect-require", &[]), |v| v.to_owned()),
        Effect::RiskLevel => t(lang, &format!("risk-{value}"), &[]),
        e => {
            let name = serde_json::to_value(e)
                .ok()
                .and_then(|v| v.as_str().map(str::to_owned))
                .unwrap_or_default();
            t(lang, &format!("effect-{name}"), &[("value", text(value))])
        }
    }
}

/// The risk level and every finding, with its source.
fn why(s: &mut String, d: &Decision, set: Option<&PolicySet>, lang: Lang) {
    if let Some(r) = d.risk_level {
        let level = t(lang, &format!("risk-{}", r.as_str()), &[]);
        let _ = writeln!(s, "{}", t(lang, "ex-risk", &[("level", Arg::Text(level))]));
    }
    let _ = writeln!(s, "\n{}", t(lang, "ex-why", &[]));
    if d.findings.is_empty() {
        let _ = writeln!(s, "  {}", t(lang, "ex-why-none", &[]));
    }
    for f in &d.findings {
        let label = effect_label(f, lang);
        let reason = finding_text(set, f, lang);
        let _ = writeln!(s, "  {:<11} {:<30} {reason}", f.rule_id, label);
        let section = f
            .source
            .section
            .as_deref()
            .map(|x| format!(", {x}"))
            .unwrap_or_default();
        let verified = t(
            lang,
            if f.verified {
                "ex-verified"
            } else {
                "ex-unverified"
            },
            &[],
        );
        let source = t(
            lang,
            "ex-source",
            &[
                ("document", text(&f.source.document)),
                ("section", Arg::Text(section)),
                ("level", text(&f.evidence_level)),
                ("verified", Arg::Text(verified)),
            ],
        );
        let _ = writeln!(s, "  {:<11} {:<30} {source}", "", "");
    }
}

/// The required steps with their dates, and the Performance Standards that apply.
fn required(s: &mut String, d: &Decision, set: Option<&PolicySet>, lang: Lang) {
    let _ = writeln!(s, "\n{}", t(lang, "ex-required", &[]));
    if d.required_steps.is_empty() {
        let _ = writeln!(s, "  {}", t(lang, "ex-nothing", &[]));
    }
    for st in &d.required_steps {
        let mark = t(
            lang,
            if st.provided {
                "ex-provided"
            } else {
                "ex-to-deliver"
            },
            &[],
        );
        let name = t(lang, &format!("step-{}", st.step), &[]);
        let mut line = format!("  {name}  [{mark}]  {}", st.rule_ids.join(", "));
        if let Some(due) = st.due_by {
            let _ = write!(
                line,
                "  {}",
                t(lang, "ex-due-by", &[("date", Arg::Date(due))])
            );
        }
        if let Some(e) = st.earliest_final_commitment {
            let _ = write!(
                line,
                "  {}",
                t(lang, "ex-earliest-commitment", &[("date", Arg::Date(e))])
            );
        }
        let _ = writeln!(s, "{line}");
        let note = match (&st.message, &st.note) {
            (Some(m), _) => render_engine(lang, m).ok(),
            (None, Some(n)) => Some(pack_text(None, ("", ""), None, n, lang)),
            (None, None) => None,
        };
        if let Some(n) = note {
            let _ = writeln!(s, "      {n}");
        }
    }
    if !d.performance_standards.is_empty() {
        let _ = writeln!(s, "\n{}", t(lang, "ex-standards", &[]));
        for ps in &d.performance_standards {
            let reasons: Vec<String> = d
                .findings
                .iter()
                .filter(|f| f.effect == Effect::Trigger && f.value.as_deref() == Some(&ps.standard))
                .map(|f| finding_text(set, f, lang))
                .collect();
            let reason = if reasons.is_empty() {
                pack_text(None, ("", ""), None, &ps.reason, lang)
            } else {
                reasons.join("; ")
            };
            let _ = writeln!(
                s,
                "  {:<4} {reason} ({})",
                ps.standard,
                ps.rule_ids.join(", ")
            );
        }
    }
}

/// The missing facts, and the errors (which make the decision fail closed).
fn missing(s: &mut String, d: &Decision, lang: Lang) {
    let _ = writeln!(s, "\n{}", t(lang, "ex-missing", &[]));
    if d.missing.is_empty() {
        let _ = writeln!(s, "  {}", t(lang, "ex-nothing", &[]));
    }
    for m in &d.missing {
        let by = t(
            lang,
            "ex-needed-by",
            &[("rules", text(&m.needed_by.join(", ")))],
        );
        let _ = writeln!(s, "  {:<45} {by}", m.path);
    }
    if !d.errors.is_empty() {
        let _ = writeln!(s, "\n{}", t(lang, "ex-errors", &[]));
        for e in &d.errors {
            let who = match (&e.pack, &e.rule_id) {
                (Some(p), Some(r)) => format!("{p} {r}"),
                (Some(p), None) => p.clone(),
                _ => t(lang, "ex-engine-who", &[]),
            };
            // Errors are the engine's and rhai's own words, for whoever maintains the packs.
            let _ = writeln!(s, "  {who} [{:?}]: {}", e.kind, e.message);
        }
    }
}

/// What the decision rests on: policy set, packs, rates, engine, input.
fn basis(s: &mut String, d: &Decision, lang: Lang) {
    let p = &d.provenance;
    let _ = writeln!(s, "\n{}", t(lang, "ex-basis", &[]));
    let packs: Vec<String> = p
        .packs
        .iter()
        .map(|x| format!("{} {}", x.id, x.version))
        .collect();
    let packs = if packs.is_empty() {
        t(lang, "ex-no-pack", &[])
    } else {
        packs.join(", ")
    };
    let set = t(
        lang,
        "ex-policy-set",
        &[("hash", text(&p.policy_set)), ("packs", Arg::Text(packs))],
    );
    let _ = writeln!(s, "  {set}");
    for r in &p.rates {
        let args = [
            ("from", text(&r.from)),
            (
                "rate",
                r.rate
                    .parse::<rust_decimal::Decimal>()
                    .map_or_else(|_| text(&r.rate), Arg::Number),
            ),
            ("to", text(&r.to)),
            ("date", Arg::Date(r.date)),
            ("source", text(&r.source)),
        ];
        let _ = writeln!(s, "  {}", t(lang, "ex-rate", &args));
    }
    let engine = t(
        lang,
        "ex-engine",
        &[
            ("version", text(&p.engine_version)),
            ("hash", text(&p.input_hash)),
        ],
    );
    let _ = writeln!(s, "  {engine}");
}
