//! Numbers, amounts and dates as each language writes them.
//!
//! English groups digits with a comma and writes the decimal sign as a point
//! (`EUR 12,500,000.50`, `12 January 2023`); Dutch the other way round (`EUR 12.500.000,50`,
//! `12 januari 2023`). The pseudo-language writes them as English does.

use chrono::{Datelike, NaiveDate};
use rust_decimal::Decimal;

use super::Lang;
use crate::application::Money;

const MONTHS_EN: [&str; 12] = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];

const MONTHS_NL: [&str; 12] = [
    "januari",
    "februari",
    "maart",
    "april",
    "mei",
    "juni",
    "juli",
    "augustus",
    "september",
    "oktober",
    "november",
    "december",
];

/// The group separator and the decimal sign of a language.
fn signs(lang: Lang) -> (char, char) {
    match lang {
        Lang::Nl => ('.', ','),
        Lang::En | Lang::Pseudo => (',', '.'),
    }
}

/// `digits` (an unsigned decimal as `to_string` writes it) with groups of three and the
/// language's signs.
fn grouped(lang: Lang, digits: &str, group: bool) -> String {
    let (sep, point) = signs(lang);
    let (whole, fraction) = digits.split_once('.').unwrap_or((digits, ""));
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    let n = whole.len();
    for (i, c) in whole.chars().enumerate() {
        if group && i > 0 && (n - i) % 3 == 0 {
            out.push(sep);
        }
        out.push(c);
    }
    if !fraction.is_empty() {
        out.push(point);
        out.push_str(fraction);
    }
    out
}

/// A quantity: digits grouped from 10,000 on (a four-digit figure such as 1350 stays whole,
/// as both languages' style guides allow), with the language's decimal sign.
#[must_use]
pub fn number(lang: Lang, d: &Decimal) -> String {
    let digits = d.abs().normalize().to_string();
    let group = d.abs() >= Decimal::from(10_000);
    let sign = if d.is_sign_negative() && !d.is_zero() {
        "-"
    } else {
        ""
    };
    format!("{sign}{}", grouped(lang, &digits, group))
}

/// Money: the currency code, a space, the amount with its digits always grouped, written with
/// the scale it was given (`EUR 12.500.000`, `USD 1,250.50`).
#[must_use]
pub fn amount(lang: Lang, m: &Money) -> String {
    let sign = if m.amount.is_sign_negative() && !m.amount.is_zero() {
        "-"
    } else {
        ""
    };
    format!(
        "{} {sign}{}",
        m.currency,
        grouped(lang, &m.amount.abs().to_string(), true)
    )
}

/// A date written out: `12 January 2023`, `12 januari 2023`.
#[must_use]
pub fn date(lang: Lang, d: NaiveDate) -> String {
    let months = match lang {
        Lang::Nl => &MONTHS_NL,
        Lang::En | Lang::Pseudo => &MONTHS_EN,
    };
    let month = months.get(d.month0() as usize).copied().unwrap_or_default();
    if lang == Lang::Pseudo {
        // The month's name is the language's word: marked as catalogue text is.
        return format!("{} {} {}", d.day(), pseudo(month), d.year());
    }
    format!("{} {month} {}", d.day(), d.year())
}

/// Text as the pseudo-language shows catalogue text: wrapped in `⟦…⟧`, vowels accented.
#[must_use]
pub fn pseudo(text: &str) -> String {
    let accented: String = text
        .chars()
        .map(|c| match c {
            'a' => 'á',
            'e' => 'é',
            'i' => 'í',
            'o' => 'ó',
            'u' => 'ú',
            'A' => 'Á',
            'E' => 'É',
            'O' => 'Ó',
            c => c,
        })
        .collect();
    format!("⟦{accented}⟧")
}

/// Items joined as a list, with `and` and `more` given by the language (`a, b and c`;
/// `a, b and 3 more` beyond `max`), duplicates dropped in order.
#[must_use]
pub fn list(items: &[String], max: usize, and: &str, more: impl Fn(usize) -> String) -> String {
    let mut words: Vec<&str> = Vec::with_capacity(items.len());
    for w in items {
        if !words.contains(&w.as_str()) {
            words.push(w);
        }
    }
    let extra = words.len().saturating_sub(max);
    words.truncate(max);
    if extra > 0 {
        return format!("{} {}", words.join(", "), more(extra));
    }
    match words.split_last() {
        Some((last, rest)) if !rest.is_empty() => format!("{} {and} {last}", rest.join(", ")),
        Some((last, _)) => (*last).to_owned(),
        None => String::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn money(s: &str) -> Money {
        Money {
            amount: s.parse().unwrap_or_default(),
            currency: "EUR".to_owned(),
        }
    }

    #[test]
    fn amounts_are_grouped_as_each_language_writes_them() {
        assert_eq!(amount(Lang::Nl, &money("12500000")), "EUR 12.500.000");
        assert_eq!(amount(Lang::En, &money("12500000")), "EUR 12,500,000");
        assert_eq!(amount(Lang::Nl, &money("1250.50")), "EUR 1.250,50");
        assert_eq!(amount(Lang::En, &money("999")), "EUR 999");
        assert_eq!(amount(Lang::En, &money("-100000")), "EUR -100,000");
    }

    #[test]
    fn numbers_group_from_ten_thousand_on() {
        let n = |s: &str| s.parse::<Decimal>().unwrap_or_default();
        assert_eq!(number(Lang::En, &n("1350")), "1350");
        assert_eq!(number(Lang::Nl, &n("12000")), "12.000");
        assert_eq!(number(Lang::Nl, &n("2.50")), "2,5");
        assert_eq!(number(Lang::En, &n("300.0")), "300");
        assert_eq!(number(Lang::En, &n("-12345.6")), "-12,345.6");
    }

    #[test]
    fn dates_are_written_out() {
        let d = NaiveDate::from_ymd_opt(2023, 1, 12).unwrap_or_default();
        assert_eq!(date(Lang::Nl, d), "12 januari 2023");
        assert_eq!(date(Lang::En, d), "12 January 2023");
    }

    #[test]
    fn lists_drop_duplicates_and_cap() {
        let items: Vec<String> = ["a", "b", "a", "c"].map(str::to_owned).to_vec();
        assert_eq!(
            list(&items, 12, "en", |n| format!("en nog {n}")),
            "a, b en c"
        );
        assert_eq!(
            list(&items, 2, "and", |n| format!("and {n} more")),
            "a, b and 1 more"
        );
        assert_eq!(list(&items[..1], 12, "and", |_| String::new()), "a");
    }
}
