//! A letter to the applicant from a decision, in Dutch or English: what it must supply and by
//! when (each missing fact as a question a company can answer, each required step with its due
//! date) and, for a refusal, why, with the sources. As Markdown and as a print-ready HTML page.
//!
//! Every sentence comes from a catalogue: the letter's own and the questions
//! (`engine/messages/`), the steps' names, and each finding's message from its pack. The letter
//! is drafted for an analyst to check, sign and send; it changes nothing in the decision.

use std::fmt::Write;

use chrono::NaiveDate;

use crate::application::Application;
use crate::decision::{Decision, Effect, Outcome};
use crate::messages::{Arg, Lang};
use crate::policy::PolicySet;
use crate::render::{finding_text, t};

/// The letter's print layout: A4, a serif face, the sources in a smaller grey line.
pub const LETTER_CSS: &str = "@page { size: A4; margin: 25mm 22mm; }
body { font-family: Georgia, 'Times New Roman', serif; font-size: 11pt; line-height: 1.45; max-width: 166mm; margin: 2em auto; color: #111; }
h1 { font-size: 14pt; margin: 0 0 1.2em; }
h2 { font-size: 12pt; margin: 1.4em 0 0.4em; }
li { margin: 0.3em 0; break-inside: avoid; }
.detail { display: block; color: #444; font-size: 10pt; }
footer { margin-top: 2.5em; border-top: 1px solid #999; padding-top: 0.5em; font-size: 8.5pt; color: #555; word-break: break-all; }
";

/// One entry of a section: a sentence and, where there is one, a line under it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Item {
    /// The question, step or reason.
    pub text: String,
    /// A due date, a timing note or a source.
    pub detail: Option<String>,
}

/// A titled part of the letter.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Section {
    /// The heading.
    pub heading: String,
    /// A sentence before the items.
    pub lead: Option<String>,
    /// The entries.
    pub items: Vec<Item>,
}

/// A letter, as parts; [`Letter::to_markdown`] and [`Letter::to_html`] write it out.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Letter {
    /// The language it is written in.
    pub lang: Lang,
    /// The subject line.
    pub title: String,
    /// "Date: ...".
    pub date: String,
    /// "To: <applicant>", where the applicant's name is known.
    pub to: Option<String>,
    /// "Dear Sir or Madam,".
    pub salutation: String,
    /// What the decision means for the applicant.
    pub intro: String,
    /// Questions, steps, reasons.
    pub sections: Vec<Section>,
    /// Whom to contact.
    pub outro: String,
    /// "Kind regards,".
    pub closing: String,
    /// Where the analyst signs.
    pub signature: String,
    /// What the letter was made from.
    pub footer: String,
}

/// The question id of a field path: `q-` and the path with `.` as `-`, list markers dropped.
#[must_use]
pub fn question_id(path: &str) -> String {
    format!("q-{}", path.replace("[]", "").replace('.', "-"))
}

fn questions(app: &Application, d: &Decision, lang: Lang) -> Option<Section> {
    if d.missing.is_empty() {
        return None;
    }
    let items = d
        .missing
        .iter()
        .map(|m| {
            let id = question_id(&m.path);
            let text = t(lang, &id, &[]);
            Item {
                // A field without a question (none today: a test checks) is named by its path.
                text: if text == id { m.path.clone() } else { text },
                detail: None,
            }
        })
        .collect();
    let lead = app
        .information_deadline
        .map(|date| t(lang, "letter-questions-by", &[("date", Arg::Date(date))]));
    Some(Section {
        heading: t(lang, "letter-questions", &[]),
        lead,
        items,
    })
}

fn steps(d: &Decision, lang: Lang) -> Option<Section> {
    let items: Vec<Item> = d
        .required_steps
        .iter()
        .filter(|s| !s.provided)
        .map(|s| {
            let mut detail = Vec::new();
            if let Some(due) = s.due_by {
                detail.push(t(lang, "letter-step-due", &[("date", Arg::Date(due))]));
            }
            if let Some(m) = &s.message {
                detail.extend(crate::messages::render_engine(lang, m).ok());
            }
            Item {
                text: t(lang, &format!("step-{}", s.step), &[]),
                detail: (!detail.is_empty()).then(|| detail.join("; ")),
            }
        })
        .collect();
    (!items.is_empty()).then(|| Section {
        heading: t(lang, "letter-steps", &[]),
        lead: None,
        items,
    })
}

fn reasons(d: &Decision, set: Option<&PolicySet>, lang: Lang) -> Option<Section> {
    if d.outcome != Outcome::Decline {
        return None;
    }
    let items = d
        .findings
        .iter()
        .filter(|f| f.effect == Effect::Decline)
        .map(|f| {
            let section = f
                .source
                .section
                .as_deref()
                .map(|s| format!(", {s}"))
                .unwrap_or_default();
            Item {
                text: finding_text(set, f, lang),
                detail: Some(t(
                    lang,
                    "letter-why-source",
                    &[
                        ("document", Arg::Text(f.source.document.to_string())),
                        ("section", Arg::Text(section)),
                    ],
                )),
            }
        })
        .collect();
    Some(Section {
        heading: t(lang, "letter-why", &[]),
        lead: None,
        items,
    })
}

/// The letter for `app`'s decision `d`, in `lang`, dated `date`; `set` is the policy set the
/// decision was made under (for the packs' messages).
#[must_use]
pub fn letter(
    app: &Application,
    d: &Decision,
    set: Option<&PolicySet>,
    lang: Lang,
    date: NaiveDate,
) -> Letter {
    let reference = Arg::Text(d.reference.clone());
    let instrument = Arg::Text(t(
        lang,
        &format!("instrument-{}", d.instrument.as_str()),
        &[],
    ));
    let sections = [
        questions(app, d, lang),
        steps(d, lang),
        reasons(d, set, lang),
    ]
    .into_iter()
    .flatten()
    .collect();
    Letter {
        lang,
        title: t(
            lang,
            "letter-title",
            &[
                ("reference", reference.clone()),
                ("instrument", instrument.clone()),
            ],
        ),
        date: t(lang, "letter-date", &[("date", Arg::Date(date))]),
        to: app
            .applicant
            .name
            .as_ref()
            .map(|n| t(lang, "letter-to", &[("applicant", Arg::Text(n.clone()))])),
        salutation: t(lang, "letter-salutation", &[]),
        intro: t(
            lang,
            &format!("letter-intro-{}", d.outcome.as_str()),
            &[("reference", reference.clone()), ("instrument", instrument)],
        ),
        sections,
        outro: t(lang, "letter-outro", &[("reference", reference.clone())]),
        closing: t(lang, "letter-closing", &[]),
        signature: t(lang, "letter-signature", &[]),
        footer: t(
            lang,
            "letter-footer",
            &[
                ("version", Arg::Text(d.provenance.engine_version.clone())),
                ("reference", reference),
                ("set", Arg::Text(d.provenance.policy_set.clone())),
            ],
        ),
    }
}

/// Escapes text for HTML.
fn esc(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// Text as Markdown shows it literally: line breaks folded to spaces (a value from the
/// application cannot start a heading or a list of its own), and every character Markdown could
/// read as markup escaped.
fn md(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        let c = if matches!(c, '\r' | '\n' | '\u{2028}' | '\u{2029}') {
            ' '
        } else {
            c
        };
        if matches!(
            c,
            '\\' | '*'
                | '_'
                | '['
                | ']'
                | '<'
                | '>'
                | '#'
                | '`'
                | '|'
                | '&'
                | '!'
                | '+'
                | '='
                | '~'
        ) {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

impl Letter {
    /// The letter as Markdown.
    #[must_use]
    pub fn to_markdown(&self) -> String {
        let mut s = String::new();
        let _ = writeln!(s, "# {}\n", md(&self.title));
        let _ = writeln!(s, "{}\n", md(&self.date));
        if let Some(to) = &self.to {
            let _ = writeln!(s, "{}\n", md(to));
        }
        let _ = writeln!(s, "{}\n", md(&self.salutation));
        let _ = writeln!(s, "{}\n", md(&self.intro));
        for sec in &self.sections {
            let _ = writeln!(s, "## {}\n", md(&sec.heading));
            if let Some(lead) = &sec.lead {
                let _ = writeln!(s, "{}\n", md(lead));
            }
            for (i, item) in sec.items.iter().enumerate() {
                let _ = writeln!(s, "{}. {}", i + 1, md(&item.text));
                if let Some(d) = &item.detail {
                    let _ = writeln!(s, "   {}", md(d));
                }
            }
            s.push('\n');
        }
        let _ = writeln!(s, "{}\n", md(&self.outro));
        let _ = writeln!(s, "{}\n", md(&self.closing));
        let _ = writeln!(s, "{}\n", md(&self.signature));
        let _ = writeln!(s, "---\n\n{}", md(&self.footer));
        s
    }

    /// The letter as a self-contained HTML page, laid out for printing on A4 (and so for
    /// "print to PDF").
    #[must_use]
    pub fn to_html(&self) -> String {
        self.html(&format!("<style>\n{LETTER_CSS}</style>"))
    }

    /// The letter as an HTML page that takes its layout from the stylesheet at `href` (for a
    /// site whose content security policy allows no inline style; serve [`LETTER_CSS`] there).
    #[must_use]
    pub fn to_html_linking(&self, href: &str) -> String {
        self.html(&format!("<link rel=\"stylesheet\" href=\"{}\">", esc(href)))
    }

    fn html(&self, style: &str) -> String {
        let mut s = String::new();
        let _ = write!(
            s,
            "<!doctype html>\n<html lang=\"{}\">\n<head>\n<meta charset=\"utf-8\">\n<title>{}</title>\n{style}\n</head>\n<body>\n",
            match self.lang {
                Lang::Nl => "nl",
                Lang::En | Lang::Pseudo => "en",
            },
            esc(&self.title)
        );
        let _ = writeln!(s, "<h1>{}</h1>", esc(&self.title));
        let _ = writeln!(s, "<p>{}</p>", esc(&self.date));
        if let Some(to) = &self.to {
            let _ = writeln!(s, "<p>{}</p>", esc(to));
        }
        let _ = writeln!(
            s,
            "<p>{}</p>\n<p>{}</p>",
            esc(&self.salutation),
            esc(&self.intro)
        );
        for sec in &self.sections {
            let _ = writeln!(s, "<h2>{}</h2>", esc(&sec.heading));
            if let Some(lead) = &sec.lead {
                let _ = writeln!(s, "<p>{}</p>", esc(lead));
            }
            s.push_str("<ol>\n");
            for item in &sec.items {
                let _ = write!(s, "<li>{}", esc(&item.text));
                if let Some(d) = &item.detail {
                    let _ = write!(s, "<span class=\"detail\">{}</span>", esc(d));
                }
                s.push_str("</li>\n");
            }
            s.push_str("</ol>\n");
        }
        let _ = writeln!(
            s,
            "<p>{}</p>\n<p>{}<br><br>{}</p>\n<footer>{}</footer>\n</body>\n</html>",
            esc(&self.outro),
            esc(&self.closing),
            esc(&self.signature),
            esc(&self.footer)
        );
        s
    }
}
