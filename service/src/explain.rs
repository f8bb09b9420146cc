//! A decision as text for a person at a terminal: outcome, category, why, what is required,
//! what is missing, and what the decision rests on.

use std::fmt::Write;

use imvo_engine::Decision;
use imvo_engine::decision::Effect;

fn effect_label(effect: Effect, value: Option<&str>) -> String {
    match (effect, value) {
        (Effect::CategoryFloor, Some(v)) => format!("category {v}"),
        (Effect::Require, Some(v)) => format!("requires {v}"),
        (Effect::Trigger, Some(v)) => format!("applies {v}"),
        (Effect::RiskLevel, Some(v)) => format!("risk {v}"),
        (Effect::Decline, _) => "DECLINE".to_owned(),
        (Effect::Refer, _) => "REFER".to_owned(),
        (Effect::InsufficientInformation, _) => "needs information".to_owned(),
        _ => "note".to_owned(),
    }
}

/// Renders `d` as readable text.
#[must_use]
pub fn explain(d: &Decision) -> String {
    let mut s = String::new();
    heading(&mut s, d);
    indicative(&mut s, d);
    why(&mut s, d);
    required(&mut s, d);
    missing(&mut s, d);
    basis(&mut s, d);
    s
}

/// Reference, outcome and category.
fn heading(s: &mut String, d: &Decision) {
    let p = &d.provenance;
    let _ = writeln!(s, "{}  {}  as of {}", d.reference, d.instrument, p.as_of);
    let _ = writeln!(
        s,
        "Outcome:   {}",
        d.outcome.as_str().replace('_', " ").to_uppercase()
    );
    // Without a category the reason says where it stands ("undetermined: ...", "not
    // categorised: ...", "outside ..."); with one, the status says whether it can still rise.
    match (d.category, &d.category_reason) {
        (Some(c), _) => {
            let status = d.category_status.as_str().replace('_', " ");
            let _ = writeln!(s, "Category:  {} ({status})", c.as_str());
        }
        (None, Some(r)) => {
            let _ = writeln!(s, "Category:  none ({r})");
        }
        (None, None) => {
            let _ = writeln!(s, "Category:  none");
        }
    }
}

/// The indicative category, with what it assumes and what would decide it.
fn indicative(s: &mut String, d: &Decision) {
    if let Some(i) = &d.indicative {
        let _ = writeln!(s, "Indicative: {}", i.text);
        let _ = writeln!(
            s,
            "           range {} to {}{}",
            i.range.lowest.as_str(),
            i.range.highest.as_str(),
            if i.may_be_not_categorised {
                ", or not categorised"
            } else {
                ""
            }
        );
        for a in &i.assumed {
            let _ = writeln!(
                s,
                "           assumed {} = {} ({}: {})",
                a.path, a.value, a.rule_id, a.why
            );
        }
        for t in &i.typical {
            let _ = writeln!(
                s,
                "           typically {} ({}): {}",
                t.category.as_str(),
                t.rule_id,
                t.reason
            );
        }
        for dc in &i.deciding {
            let value = match &dc.value {
                Some(serde_json::Value::String(v)) => v.clone(),
                Some(v) => v.to_string(),
                None => "?".to_owned(),
            };
            let to = dc.to.map_or("?", |m| m.as_str());
            let _ = writeln!(
                s,
                "           deciding {} = {value} -> {to} ({})",
                dc.path,
                dc.rule_ids.join(", ")
            );
        }
    }
}

/// The risk level and every finding, with its source.
fn why(s: &mut String, d: &Decision) {
    if let Some(r) = d.risk_level {
        let level = serde_json::to_value(r)
            .ok()
            .and_then(|v| v.as_str().map(str::to_owned))
            .unwrap_or_default();
        let _ = writeln!(s, "Risk:      {level}");
    }

    let _ = writeln!(s, "\nWhy");
    if d.findings.is_empty() {
        let _ = writeln!(s, "  no rule reported a finding");
    }
    for f in &d.findings {
        let label = effect_label(f.effect, f.value.as_deref());
        let _ = writeln!(s, "  {:<11} {:<30} {}", f.rule_id, label, f.reason);
        let section = f
            .source
            .section
            .as_deref()
            .map(|x| format!(", {x}"))
            .unwrap_or_default();
        let verified = if f.verified { "verified" } else { "unverified" };
        let _ = writeln!(
            s,
            "  {:<11} {:<30} source: {}{section} [{}, {verified}]",
            "", "", f.source.document, f.evidence_level
        );
    }
}

/// The required steps with their dates, and the Performance Standards that apply.
fn required(s: &mut String, d: &Decision) {
    let _ = writeln!(s, "\nRequired");
    if d.required_steps.is_empty() {
        let _ = writeln!(s, "  nothing");
    }
    for st in &d.required_steps {
        let mark = if st.provided {
            "provided"
        } else {
            "TO DELIVER"
        };
        let mut line = format!("  {:<28} {:<11} {}", st.step, mark, st.rule_ids.join(", "));
        if let Some(due) = st.due_by {
            let _ = write!(line, "  due by {due}");
        }
        if let Some(e) = st.earliest_final_commitment {
            let _ = write!(line, "  earliest final commitment {e}");
        }
        let _ = writeln!(s, "{line}");
        if let Some(n) = &st.note {
            let _ = writeln!(s, "  {:<28} {n}", "");
        }
    }
    if !d.performance_standards.is_empty() {
        let _ = writeln!(s, "\nPerformance Standards");
        for ps in &d.performance_standards {
            let _ = writeln!(
                s,
                "  {:<4} {} ({})",
                ps.standard,
                ps.reason,
                ps.rule_ids.join(", ")
            );
        }
    }
}

/// The missing facts, and the errors (which make the decision fail closed).
fn missing(s: &mut String, d: &Decision) {
    let _ = writeln!(s, "\nMissing");
    if d.missing.is_empty() {
        let _ = writeln!(s, "  nothing");
    }
    for m in &d.missing {
        let _ = writeln!(s, "  {:<45} needed by {}", m.path, m.needed_by.join(", "));
    }
    if !d.errors.is_empty() {
        let _ = writeln!(s, "\nErrors (the decision fails closed)");
        for e in &d.errors {
            let who = match (&e.pack, &e.rule_id) {
                (Some(p), Some(r)) => format!("{p} {r}"),
                (Some(p), None) => p.clone(),
                _ => "engine".to_owned(),
            };
            let _ = writeln!(s, "  {who} [{:?}]: {}", e.kind, e.message);
        }
    }
}

/// What the decision rests on: policy set, packs, rates, engine, input.
fn basis(s: &mut String, d: &Decision) {
    let p = &d.provenance;
    let _ = writeln!(s, "\nBasis");
    let packs: Vec<String> = p
        .packs
        .iter()
        .map(|x| format!("{} {}", x.id, x.version))
        .collect();
    let _ = writeln!(
        s,
        "  policy set {}  ({})",
        p.policy_set,
        if packs.is_empty() {
            "no pack in force".to_owned()
        } else {
            packs.join(", ")
        }
    );
    for r in &p.rates {
        let _ = writeln!(
            s,
            "  rate: 1 {} = {} {} on {} ({})",
            r.from, r.rate, r.to, r.date, r.source
        );
    }
    let _ = writeln!(s, "  engine {}, input {}", p.engine_version, p.input_hash);
}
