//! The impact of a policy change: every application of a portfolio screened under two policy
//! sets, with the category migration matrix, the outcome changes, the rules behind them and the
//! exposure (support amounts, per currency) that moved.

use std::collections::{BTreeMap, BTreeSet};

use chrono::NaiveDate;
use imvo_engine::decision::{Category, DataRef, Effect, Outcome, PackRef, RiskLevel};
use imvo_engine::messages::{Arg, Lang};
use imvo_engine::render::t;
use imvo_engine::script::Limits;
use imvo_engine::{Application, Decision, ENGINE_VERSION, Instrument, PolicySet, basis, screen};

use crate::batch::input::Item;
use crate::batch::{ReadFailed, ordered, rejection_value};
use crate::store::Record;
use rust_decimal::Decimal;
use serde::Serialize;

/// The impact report.
#[derive(Debug, Default, Serialize)]
pub struct Impact {
    /// Applications compared: screened under both sets, or once where their screening rests
    /// on the same basis under both ([`Impact::same_basis`]).
    pub applications: u64,
    /// Lines that are not valid applications (line numbers; with `--stored`, the sequence
    /// numbers of stored screenings whose application no longer parses).
    pub rejected: Vec<u64>,
    /// Why each of `rejected` was rejected: the line and every bad field, as in the error file
    /// of `imvo batch`.
    pub rejections: Vec<serde_json::Value>,
    /// `from -> to` category (A, B, C, none) to count, changed or not.
    pub categories: BTreeMap<String, u64>,
    /// `from -> to` outcome to count, for changed outcomes only.
    pub outcome_changes: BTreeMap<String, u64>,
    /// `from -> to` risk level (trade missions), for changed risk levels only.
    pub risk_changes: BTreeMap<String, u64>,
    /// Applications whose category, outcome or risk level changed.
    pub changed: u64,
    /// Applications screened once, not under both sets: their screening rests on the same
    /// packs, data tables and engine version under both (with `--stored`: the stored decision's,
    /// and the new set's on the same date) and had no evaluation error, so it would be decided
    /// the same (counted as unchanged). Always 0 with `--full`.
    pub same_basis: u64,
    /// Rule id to the number of changed applications in which its findings differ between the
    /// sets (fired under one only, or with another effect or value).
    pub rules: BTreeMap<String, u64>,
    /// Currency to the support amount of the changed applications.
    #[serde(with = "decimal_map")]
    pub exposure_moved: BTreeMap<String, Decimal>,
    /// The changed applications: line, reference, before and after.
    pub changes: Vec<Change>,
}

/// One changed application.
#[derive(Debug, Serialize)]
pub struct Change {
    /// Input line (0 for a stored decision).
    pub line: u64,
    /// The stored screening re-screened (`--stored`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub screening_id: Option<String>,
    /// Reference.
    pub reference: String,
    /// Category and outcome under the first set.
    pub from: String,
    /// Category and outcome under the second set.
    pub to: String,
    /// Rules whose findings differ between the sets.
    pub rules: Vec<String>,
}

mod decimal_map {
    use std::collections::BTreeMap;

    use rust_decimal::Decimal;
    use serde::Serializer;

    pub fn serialize<S: Serializer>(
        m: &BTreeMap<String, Decimal>,
        s: S,
    ) -> Result<S::Ok, S::Error> {
        s.collect_map(m.iter().map(|(k, v)| (k, v.to_string())))
    }
}

/// What the comparison needs of a decision: category, outcome, the rules that fired.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Verdict {
    /// `A`, `B`, `C` or `none`.
    pub category: String,
    /// The outcome.
    pub outcome: String,
    /// The risk level of a trade mission (`low`, `medium`, `high`), `none` otherwise.
    pub risk_level: String,
    /// The findings: rule id, effect and value (`B` for a floor, the step for a requirement).
    pub rules: BTreeSet<(String, String, String)>,
}

impl Verdict {
    /// Category and outcome, with the risk level where there is one.
    fn label(&self) -> String {
        if self.risk_level == "none" {
            format!("{} {}", self.category, self.outcome)
        } else {
            format!(
                "{} {} (risk {})",
                self.category, self.outcome, self.risk_level
            )
        }
    }

    /// Of a decision just made.
    #[must_use]
    pub fn of(d: &Decision) -> Verdict {
        Verdict {
            category: d.category.map_or("none", |c| c.as_str()).to_owned(),
            outcome: d.outcome.as_str().to_owned(),
            risk_level: d.risk_level.map_or("none", |r| r.as_str()).to_owned(),
            rules: d
                .findings
                .iter()
                .map(|f| {
                    (
                        f.rule_id.to_string(),
                        f.effect.as_str().to_owned(),
                        f.value.clone().unwrap_or_default(),
                    )
                })
                .collect(),
        }
    }

    /// Of a stored decision (its JSON), reading only what the verdict needs: the outcome,
    /// category, risk level and each finding's rule, effect and value, typed as a
    /// [`Decision`] types them, the rest skipped. The same verdict as [`Verdict::of`] the
    /// decision read back whole, without building the whole decision. `None` where the text is
    /// not a decision.
    #[must_use]
    pub fn of_stored(json: &str) -> Option<Verdict> {
        Stored::read(json).map(|s| s.verdict)
    }
}

/// A stored decision, as far as the comparison reads it: its verdict, and whether a screening
/// under another set would decide it the same.
struct Stored {
    verdict: Verdict,
    /// The engine version, date, packs and data it rests on; `None` where it had an
    /// evaluation error (which may be a rule that ran out of time).
    basis: Option<(String, NaiveDate, Vec<PackRef>, Vec<DataRef>)>,
}

impl Stored {
    fn read(json: &str) -> Option<Stored> {
        use serde::de::IgnoredAny;
        // The members a `Decision` requires are required here too (read past, where the
        // comparison does not need them), so a record that is not a whole decision is
        // unreadable, as it was when the decision was read back whole.
        #[derive(serde::Deserialize)]
        #[allow(dead_code, reason = "required members that are read past")]
        struct Lean {
            reference: IgnoredAny,
            instrument: Instrument,
            outcome: Outcome,
            category: Option<Category>,
            risk_level: Option<RiskLevel>,
            findings: Vec<LeanFinding>,
            required_steps: IgnoredAny,
            performance_standards: IgnoredAny,
            missing: IgnoredAny,
            errors: Vec<IgnoredAny>,
            provenance: LeanProvenance,
        }
        #[derive(serde::Deserialize)]
        struct LeanFinding {
            rule_id: String,
            effect: Effect,
            value: Option<String>,
        }
        #[derive(serde::Deserialize)]
        struct LeanProvenance {
            engine_version: String,
            as_of: NaiveDate,
            packs: Vec<PackRef>,
            data: Vec<DataRef>,
        }
        let d: Lean = serde_json::from_str(json).ok()?;
        let verdict = Verdict {
            category: d.category.map_or("none", Category::as_str).to_owned(),
            outcome: d.outcome.as_str().to_owned(),
            risk_level: d.risk_level.map_or("none", RiskLevel::as_str).to_owned(),
            rules: d
                .findings
                .into_iter()
                .map(|f| {
                    (
                        f.rule_id,
                        f.effect.as_str().to_owned(),
                        f.value.unwrap_or_default(),
                    )
                })
                .collect(),
        };
        let p = d.provenance;
        let basis = d
            .errors
            .is_empty()
            .then_some((p.engine_version, p.as_of, p.packs, p.data));
        Some(Stored { verdict, basis })
    }

    /// Whether `to` would decide it the same: the same engine version, date, packs and data
    /// (what [`imvo_engine::basis`] says a screening rests on), no evaluation error, and `to`
    /// compiled with the limits every stored decision was made with (the engine's defaults:
    /// the service and the command line use no others).
    fn stands_under(&self, to: &PolicySet, instrument: Instrument, as_of: NaiveDate) -> bool {
        self.basis
            .as_ref()
            .is_some_and(|(engine, date, packs, data)| {
                engine == ENGINE_VERSION && *date == as_of && *to.limits() == Limits::default() && {
                    let (p, d) = basis(to, instrument, as_of);
                    *packs == p && *data == d
                }
            })
    }
}

impl Impact {
    /// Counts one application screened under both sets.
    pub fn add(
        &mut self,
        line: u64,
        screening_id: Option<String>,
        app: &Application,
        a: &Verdict,
        b: &Verdict,
    ) {
        self.applications += 1;
        *self
            .categories
            .entry(format!("{} -> {}", a.category, b.category))
            .or_default() += 1;
        if a.category == b.category && a.outcome == b.outcome && a.risk_level == b.risk_level {
            return;
        }
        self.changed += 1;
        if a.risk_level != b.risk_level {
            *self
                .risk_changes
                .entry(format!("{} -> {}", a.risk_level, b.risk_level))
                .or_default() += 1;
        }
        if a.outcome != b.outcome {
            *self
                .outcome_changes
                .entry(format!("{} -> {}", a.outcome, b.outcome))
                .or_default() += 1;
        }
        // The rules whose findings differ: fired under one set only, or with another effect or
        // value (a floor of B instead of A).
        let diff: Vec<String> = a
            .rules
            .symmetric_difference(&b.rules)
            .map(|(id, _, _)| id.clone())
            .collect::<BTreeSet<_>>()
            .into_iter()
            .collect();
        for r in &diff {
            *self.rules.entry(r.clone()).or_default() += 1;
        }
        if let Some(m) = app
            .transaction
            .as_ref()
            .and_then(|t| t.support_amount.as_ref())
        {
            *self.exposure_moved.entry(m.currency.clone()).or_default() += m.amount;
        }
        self.changes.push(Change {
            line,
            screening_id,
            reference: app.reference.clone(),
            from: a.label(),
            to: b.label(),
            rules: diff,
        });
    }
}

/// Why a re-screening stopped.
#[derive(Debug, thiserror::Error)]
pub enum ImpactError {
    /// Reading the input failed ([`impact`]).
    #[error("{0}")]
    Read(std::io::Error),
    /// Reading the decision record failed ([`impact_stored`]).
    #[error(transparent)]
    Store(#[from] crate::store::StoreError),
    /// A screening thread could not be started, or failed.
    #[error("{0}")]
    Threads(std::io::Error),
}

/// Screens every application of `input` (from [`crate::batch::input::open`]) under `from` and `to` on
/// `as_of` (default: each application's date), on `threads` threads, streaming.
///
/// Unless `full`, an application whose screening rests on the same packs and data under both
/// sets ([`imvo_engine::basis`]), compiled with the same limits, is screened once, under
/// `from`, and that decision stands for `to` where it had no evaluation error (counted in
/// [`Impact::same_basis`]).
///
/// # Errors
/// Reading the input failed, or a thread could not be started.
pub fn impact(
    from: &PolicySet,
    to: &PolicySet,
    input: impl Iterator<Item = std::io::Result<Item>> + Send,
    as_of: Option<NaiveDate>,
    threads: usize,
    full: bool,
) -> Result<Impact, ImpactError> {
    let mut out = Impact::default();
    let compare = |item: Item| {
        let app = item.json.and_then(|t| Application::parse(&t));
        let r = app.map_err(|e| rejection_value(item.line, &e)).map(|app| {
            let date = as_of.unwrap_or(app.application_date);
            let before = screen(from, &app, date);
            let stands = !full
                && before.errors.is_empty()
                && from.limits() == to.limits()
                && basis(from, app.instrument, date) == basis(to, app.instrument, date);
            let a = Verdict::of(&before);
            let b = if stands {
                a.clone()
            } else {
                Verdict::of(&screen(to, &app, date))
            };
            (app, a, b, stands)
        });
        (item.line, r)
    };
    let counted = ordered(input, threads, "imvo-rescreen", compare, |(line, r)| {
        match r {
            Ok((app, a, b, stands)) => {
                out.same_basis += u64::from(stands);
                out.add(line, None, &app, &a, &b);
            }
            Err(why) => {
                out.rejected.push(line);
                out.rejections.push(why);
            }
        }
        Ok(())
    });
    counted.map_err(
        |e| match e.into_inner().map(|i| i.downcast::<ReadFailed>()) {
            Some(Ok(read)) => ImpactError::Read(read.0),
            Some(Err(other)) => ImpactError::Threads(std::io::Error::other(other)),
            None => ImpactError::Threads(std::io::Error::other("a screening thread failed")),
        },
    )?;
    Ok(out)
}

/// Stored screenings read from the database at a time.
const PAGE: i64 = 512;

/// Re-screens the latest stored screening of every application (reference and instrument)
/// under `to`, on `as_of` (default: the date each was screened on, so only the policy change
/// shows), and compares with the stored decision.
///
/// Unless `full`, a stored decision that rests on the same packs, data tables and engine version
/// as a screening under `to` on the same date would, and has no evaluation error, stands as it
/// is (the engine is deterministic and reads nothing else): a change to one instrument's pack
/// screens that instrument's applications only. Such applications are counted in
/// [`Impact::same_basis`].
///
/// The database is read a page at a time while the pages before are screened on `threads`
/// threads (at most two pages wait), so reading and screening overlap and memory stays flat.
///
/// # Errors
/// Database errors, or a thread could not be started; a stored application that no longer
/// parses, or a stored decision that cannot be read, is counted as rejected (the application of
/// a decision that stands is not read: this engine version stored it, and it met the contract
/// then).
pub async fn impact_stored(
    store: &crate::store::Store,
    to: &PolicySet,
    as_of: Option<NaiveDate>,
    threads: usize,
    full: bool,
) -> Result<Impact, ImpactError> {
    impact_stored_in_pages(store, to, as_of, threads, full, PAGE).await
}

/// [`impact_stored`] with pages of `page` screenings (tests read several small pages).
///
/// # Errors
/// As [`impact_stored`].
#[doc(hidden)]
pub async fn impact_stored_in_pages(
    store: &crate::store::Store,
    to: &PolicySet,
    as_of: Option<NaiveDate>,
    threads: usize,
    full: bool,
    page: i64,
) -> Result<Impact, ImpactError> {
    let threads = threads.clamp(1, crate::batch::MAX_THREADS);
    let upto = store.head().await?.map_or(0, |h| h.seq);
    let (pages, rx) = tokio::sync::mpsc::channel::<Vec<Record>>(2);
    let (done, result) = tokio::sync::oneshot::channel();
    let to = to.clone();
    // The screening runs on threads of its own (this may be a runtime's only thread); the
    // pages reach it through the channel, which waits while two pages are queued.
    std::thread::Builder::new()
        .name("imvo-rescreen-sink".into())
        .spawn(move || {
            let _ = done.send(screen_pages(rx, &to, as_of, threads, full));
        })
        .map_err(ImpactError::Threads)?;
    let mut after = 0i64;
    let read = loop {
        let records = match store.latest_screenings(after, upto, page.max(1)).await {
            Ok(r) => r,
            Err(e) => break Err(e),
        };
        let Some(last) = records.last() else {
            break Ok(());
        };
        after = last.seq;
        if pages.send(records).await.is_err() {
            break Ok(()); // the screening stopped; its result says why
        }
    };
    drop(pages);
    let screened = result.await.unwrap_or_else(|_| {
        Err(ImpactError::Threads(std::io::Error::other(
            "the screening thread stopped",
        )))
    });
    read?;
    screened
}

/// One stored screening, compared.
enum Rescreened {
    /// Its decision stands under the new set (its category).
    Stands(String),
    /// Screened under the new set: the application, the stored verdict and the new one.
    Screened(Box<(Application, Verdict, Verdict)>),
    /// The application or the decision cannot be read.
    Unreadable,
}

/// Screens the pages `rx` gives, in order, and counts them into the report.
fn screen_pages(
    mut rx: tokio::sync::mpsc::Receiver<Vec<Record>>,
    to: &PolicySet,
    as_of: Option<NaiveDate>,
    threads: usize,
    full: bool,
) -> Result<Impact, ImpactError> {
    let mut out = Impact::default();
    let input = std::iter::from_fn(move || rx.blocking_recv())
        .flatten()
        .map(Ok);
    let rescreen = |r: Record| {
        let stored = r.decision.as_deref().and_then(Stored::read);
        let date = as_of.or_else(|| {
            r.as_of
                .as_deref()
                .and_then(imvo_engine::application::parse_date)
        });
        // A decision that stands needs neither its application nor a screening: it was stored
        // by this engine version, whose contract its application met then and meets now.
        if let (false, Some(s), Some(d), Some(i)) =
            (full, &stored, date, Instrument::from_name(&r.instrument))
            && s.stands_under(to, i, d)
        {
            return (r.id, r.seq, Rescreened::Stands(s.verdict.category.clone()));
        }
        let app = r.input.as_deref().and_then(|t| Application::parse(t).ok());
        let v = match (app, stored) {
            (Some(app), Some(stored)) => {
                let d = date.unwrap_or(app.application_date);
                let after = Verdict::of(&screen(to, &app, d));
                Rescreened::Screened(Box::new((app, stored.verdict, after)))
            }
            _ => Rescreened::Unreadable,
        };
        (r.id, r.seq, v)
    };
    ordered(input, threads, "imvo-rescreen", rescreen, |(id, seq, v)| {
        match v {
            Rescreened::Stands(category) => {
                out.same_basis += 1;
                out.applications += 1;
                *out
                    .categories
                    .entry(format!("{category} -> {category}"))
                    .or_default() += 1;
            }
            Rescreened::Screened(s) => {
                let (app, a, b) = *s;
                out.add(0, Some(id), &app, &a, &b);
            }
            Rescreened::Unreadable => {
                out.rejected.push(u64::try_from(seq).unwrap_or(0));
                out.rejections.push(serde_json::json!({
                    "seq": seq, "screening_id": id, "error": "unreadable_record",
                    "detail": "the stored application no longer parses under the v1 contract, or the stored decision cannot be read",
                }));
            }
        }
        Ok(())
    })
    .map_err(ImpactError::Threads)?;
    Ok(out)
}

impl Impact {
    /// The report as text, in `lang`.
    #[must_use]
    pub fn render(&self, from: &str, to: &str, lang: Lang) -> String {
        let n = |x: usize| Arg::Int(i64::try_from(x).unwrap_or(i64::MAX));
        let text = |x: &str| Arg::Text(x.to_owned());
        let mut s = t(
            lang,
            "report-impact-head",
            &[
                (
                    "applications",
                    Arg::Int(i64::try_from(self.applications).unwrap_or(0)),
                ),
                ("from", text(from)),
                ("to", text(to)),
                (
                    "changed",
                    Arg::Int(i64::try_from(self.changed).unwrap_or(0)),
                ),
                ("rejected", n(self.rejected.len())),
            ],
        );
        if self.same_basis > 0 {
            s.push_str(&format!(
                "\n{}",
                t(
                    lang,
                    "report-impact-same-basis",
                    &[(
                        "count",
                        Arg::Int(i64::try_from(self.same_basis).unwrap_or(i64::MAX))
                    )]
                )
            ));
        }
        s.push_str(&format!(
            "\n\n{}\n",
            t(lang, "report-impact-categories", &[])
        ));
        for (k, v) in &self.categories {
            s.push_str(&format!("  {k:<14} {v}\n"));
        }
        s.push_str(&format!("\n{}\n", t(lang, "report-impact-outcomes", &[])));
        for (k, v) in &self.outcome_changes {
            s.push_str(&format!("  {k:<50} {v}\n"));
        }
        if !self.risk_changes.is_empty() {
            s.push_str(&format!("\n{}\n", t(lang, "report-impact-risk", &[])));
            for (k, v) in &self.risk_changes {
                s.push_str(&format!("  {k:<20} {v}\n"));
            }
        }
        s.push_str(&format!("\n{}\n", t(lang, "report-impact-rules", &[])));
        for (k, v) in &self.rules {
            s.push_str(&format!("  {k:<12} {v}\n"));
        }
        s.push_str(&format!("\n{}\n", t(lang, "report-impact-exposure", &[])));
        for (k, v) in &self.exposure_moved {
            s.push_str(&format!("  {k} {v}\n"));
        }
        // A list's heading, saying when only the first entries are shown.
        let heading = |id: &str, len: usize, shown: usize| {
            let title = t(lang, id, &[]);
            if len > shown {
                let args = [
                    ("title", text(&title)),
                    ("shown", n(shown)),
                    ("count", n(len)),
                ];
                format!("\n{}\n", t(lang, "report-impact-first", &args))
            } else {
                format!("\n{title}\n")
            }
        };
        if !self.rejections.is_empty() {
            const SHOWN: usize = 20;
            s.push_str(&heading(
                "report-impact-rejected",
                self.rejections.len(),
                SHOWN,
            ));
            for r in self.rejections.iter().take(SHOWN) {
                s.push_str(&format!("  {r}\n"));
            }
        }
        if !self.changes.is_empty() {
            const SHOWN: usize = 50;
            s.push_str(&heading("report-impact-changed", self.changes.len(), SHOWN));
            for c in self.changes.iter().take(SHOWN) {
                let at = match &c.screening_id {
                    Some(id) => t(lang, "report-impact-screening", &[("id", text(id))]),
                    None => t(
                        lang,
                        "report-impact-line",
                        &[("line", Arg::Int(i64::try_from(c.line).unwrap_or(0)))],
                    ),
                };
                s.push_str(&format!(
                    "  {at}  {}: {} -> {}  [{}]\n",
                    c.reference,
                    c.from,
                    c.to,
                    c.rules.join(", ")
                ));
            }
        }
        s
    }
}
