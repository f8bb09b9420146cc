//! Parameters: `param`, and `meets` / `meeting` (a fact against a threshold, money compared
//! through the SDR rate in force).

use chrono::NaiveDate;
use rhai::Dynamic;
use rust_decimal::Decimal;

use super::{Res, fail};
use crate::application::Money;
use crate::decision::RateUsed;
use crate::policy::ParamValue;
use crate::script::context::{self, Ctx};

pub(super) fn param_value(name: &str) -> Res<ParamValue> {
    context::with(|c| -> Res<ParamValue> {
        let Some(pack) = c.pack.as_ref() else {
            return fail("`param` may only be called from a rule function");
        };
        match pack.params.get(name) {
            Some(p) => Ok(p.value.clone()),
            None => fail(format!(
                "parameter `{name}` is not in the table of pack `{}`",
                pack.manifest.id
            )),
        }
    })
    .unwrap_or_else(|| fail("`param` may only be called during a screening"))
}

pub(super) fn param_dyn(v: ParamValue) -> Dynamic {
    match v {
        ParamValue::Decimal(d) => Dynamic::from_decimal(d),
        ParamValue::Int(i) => Dynamic::from_int(i),
        ParamValue::Money(m) => Dynamic::from(m),
        ParamValue::Date(d) => Dynamic::from(d),
    }
}

/// Compares two amounts without dividing: `a.amount * u(b) <=> b.amount * u(a)`, where `u(x)` is
/// units of x per SDR at the rate in force on the application date. Records the rates used.
///
/// Only a pack that declares `uses = ["sdr-rates"]` reads the rates: that is how its decisions'
/// provenance names the rate table (version and hash), so everything a decision rests on is
/// named in it (`imvo rescreen` relies on that to leave alone what a change cannot touch).
fn compare_money(c: &mut Ctx, a: &Money, b: &Money) -> Res<std::cmp::Ordering> {
    if a.currency == b.currency {
        return Ok(a.amount.cmp(&b.amount));
    }
    let date = c.app.application_date;
    if let Some(pack) = &c.pack
        && !pack.manifest.uses.iter().any(|u| u == "sdr-rates")
    {
        return fail(format!(
            "pack `{}` compares amounts in {} and {} but does not declare `uses = [\"sdr-rates\"]` in its pack.toml",
            pack.manifest.id, a.currency, b.currency
        ));
    }
    let Some(rates) = c.rates.clone() else {
        return fail("the policy set has no SDR rate table (`data/sdr-rates`)");
    };
    let mut units = |cur: &str| -> Res<Decimal> {
        match rates.rate(cur, date) {
            Some(r) => {
                if cur != "XDR"
                    && !c
                        .out
                        .rates_used
                        .iter()
                        .any(|u| u.to == cur && u.date == r.date)
                {
                    c.out.rates_used.insert(RateUsed {
                        from: "XDR".into(),
                        to: cur.to_owned(),
                        rate: r.units_per_sdr.to_string(),
                        date: r.date,
                        source: format!("{}; {}", r.method, rates.source),
                    });
                }
                Ok(r.units_per_sdr)
            }
            None => fail(format!(
                "no SDR rate for `{cur}` on or before {date} in table `sdr-rates` (version {}); the rates cover EUR, USD, GBP, JPY and CNY",
                rates.version
            )),
        }
    };
    let (ua, ub) = (units(&a.currency)?, units(&b.currency)?);
    match (a.amount.checked_mul(ub), b.amount.checked_mul(ua)) {
        (Some(x), Some(y)) => Ok(x.cmp(&y)),
        _ => fail(format!(
            "amounts too large to compare exactly: {} {} and {} {}",
            a.currency, a.amount, b.currency, b.amount
        )),
    }
}

/// `meeting(name)`: a value of the fact that meets a threshold parameter: the threshold itself
/// where the comparator includes it, one unit past it where it does not. A rule reports it as the
/// value that would move the category (`missing(rule, path, reason, meeting(name), "A")`).
pub(super) fn meeting(name: &str) -> Res<Dynamic> {
    use crate::policy::Comparator;
    let (value, comparator) = context::with(|c| {
        c.pack
            .as_ref()
            .and_then(|p| p.params.get(name))
            .map(|p| (p.value.clone(), p.comparator))
    })
    .flatten()
    .ok_or_else(|| format!("parameter `{name}` is not in the pack's table"))
    .or_else(fail)?;
    let step = match comparator {
        Some(Comparator::MoreThan) => 1,
        Some(Comparator::LessThan) => -1,
        Some(Comparator::AtLeast | Comparator::AtMost) => 0,
        None => return fail(format!("parameter `{name}` has no comparator")),
    };
    Ok(match value {
        ParamValue::Decimal(d) => Dynamic::from_decimal(d + Decimal::from(step)),
        ParamValue::Int(i) => Dynamic::from_int(i.saturating_add(step)),
        other => param_dyn(other),
    })
}

pub(super) fn meets(name: &str, fact: &Dynamic) -> Res<bool> {
    let cmp = context::with(
        |c| -> Res<(ParamValue, Option<crate::policy::Comparator>)> {
            let Some(pack) = c.pack.as_ref() else {
                return fail("`meets` may only be called from a rule function");
            };
            match pack.params.get(name) {
                Some(p) => Ok((p.value.clone(), p.comparator)),
                None => fail(format!(
                    "parameter `{name}` is not in the table of pack `{}`",
                    pack.manifest.id
                )),
            }
        },
    )
    .unwrap_or_else(|| fail("`meets` may only be called during a screening"))?;
    let (threshold, Some(comparator)) = cmp else {
        return fail(format!(
            "parameter `{name}` has no comparator, so `meets` cannot use it; read it with `param`"
        ));
    };
    if fact.is_unit() {
        return fail(format!(
            "`meets(\"{name}\", ...)` got an unknown value: check for `()` first and report it as missing"
        ));
    }
    let ordering = match &threshold {
        ParamValue::Decimal(t) => match (fact.as_decimal(), fact.as_int()) {
            (Ok(x), _) => x.cmp(t),
            (_, Ok(i)) => Decimal::from(i).cmp(t),
            _ => {
                return fail(format!(
                    "`meets(\"{name}\", ...)` compares a number with a {}",
                    fact.type_name()
                ));
            }
        },
        ParamValue::Int(t) => match (fact.as_int(), fact.as_decimal()) {
            (Ok(i), _) => i.cmp(t),
            (_, Ok(x)) => x.cmp(&Decimal::from(*t)),
            _ => {
                return fail(format!(
                    "`meets(\"{name}\", ...)` compares a number with a {}",
                    fact.type_name()
                ));
            }
        },
        ParamValue::Date(t) => match fact.read_lock::<NaiveDate>() {
            Some(d) => d.cmp(t),
            None => {
                return fail(format!(
                    "`meets(\"{name}\", ...)` compares a date with a {}",
                    fact.type_name()
                ));
            }
        },
        ParamValue::Money(t) => {
            let Some(m) = fact.read_lock::<Money>().map(|m| m.clone()) else {
                return fail(format!(
                    "`meets(\"{name}\", ...)` compares an amount of money with a {}",
                    fact.type_name()
                ));
            };
            context::with(|c| compare_money(c, &m, t))
                .unwrap_or_else(|| fail("`meets` may only be called during a screening"))?
        }
    };
    Ok(comparator.holds(ordering))
}
