//! The natural order of rule ids (`R-EC-06.2` before `R-EC-06.10`), in which a decision lists
//! its findings.

/// Orders rule ids naturally: `R-EC-06.2` before `R-EC-06.10`.
///
/// The comparison walks both ids once, without allocating. (`sort_findings` splits each
/// distinct id once and compares the parts, `runs_order`, which a test holds to this.)
#[must_use]
pub fn rule_order(a: &str, b: &str) -> std::cmp::Ordering {
    use std::cmp::Ordering;
    if a == b {
        return Ordering::Equal;
    }
    let (mut ca, mut cb) = (Chunks(a), Chunks(b));
    loop {
        match (ca.next(), cb.next()) {
            (Some(x), Some(y)) => {
                let ord = match (x, y) {
                    ((true, xs), (true, ys)) => {
                        let (xt, yt) = (xs.trim_start_matches('0'), ys.trim_start_matches('0'));
                        xt.len().cmp(&yt.len()).then(xt.cmp(yt))
                    }
                    ((_, xs), (_, ys)) => xs.cmp(ys),
                };
                if ord != Ordering::Equal {
                    return ord;
                }
            }
            // The id with fewer chunks first, then byte order (`R-1` and `R-01`).
            (None, Some(_)) => return Ordering::Less,
            (Some(_), None) => return Ordering::Greater,
            (None, None) => return a.cmp(b),
        }
    }
}

/// Sorts a decision's findings into its order: by rule id ([`rule_order`]), then effect, value
/// and reason. The same order as sorting with that comparison, but each distinct rule id is
/// split into its runs once and ranked once (a decision has some twenty findings from a dozen
/// rules, and a rule's findings share its id), so the sort compares numbers where it compared
/// ids; and it sorts the findings' positions, so a finding is moved a fixed number of times,
/// not at every step of the sort.
pub(crate) fn sort_findings(findings: &mut Vec<super::Finding>) {
    use std::cmp::Ordering;
    // The distinct ids, each with the findings' slots; a rule reports its findings together,
    // so the last id seen is tried first.
    let mut ids: Vec<&str> = Vec::new();
    let mut slots: Vec<usize> = Vec::with_capacity(findings.len());
    for f in findings.iter() {
        let id: &str = &f.rule_id;
        let slot = match ids.iter().rposition(|seen| *seen == id) {
            Some(slot) => slot,
            None => {
                ids.push(id);
                ids.len() - 1
            }
        };
        slots.push(slot);
    }
    let id_runs: Vec<Vec<Run<'_>>> = ids.iter().map(|id| runs(id)).collect();
    let mut by_order: Vec<usize> = (0..ids.len()).collect();
    by_order.sort_by(
        |&a, &b| match (ids.get(a), ids.get(b), id_runs.get(a), id_runs.get(b)) {
            (Some(x), Some(y), Some(rx), Some(ry)) => runs_order(x, rx, y, ry),
            _ => Ordering::Equal,
        },
    );
    let mut rank = vec![0_usize; ids.len()];
    for (r, &slot) in by_order.iter().enumerate() {
        if let Some(at) = rank.get_mut(slot) {
            *at = r;
        }
    }
    let ranks: Vec<usize> = slots
        .into_iter()
        .map(|slot| rank.get(slot).copied().unwrap_or(usize::MAX))
        .collect();
    let mut order: Vec<usize> = (0..findings.len()).collect();
    order.sort_by(|&i, &j| match (findings.get(i), findings.get(j)) {
        (Some(a), Some(b)) => ranks
            .get(i)
            .cmp(&ranks.get(j))
            .then(a.effect.cmp(&b.effect))
            .then(a.value.cmp(&b.value))
            .then(a.reason.cmp(&b.reason)),
        _ => Ordering::Equal,
    });
    let mut taken: Vec<Option<super::Finding>> = findings.drain(..).map(Some).collect();
    findings.extend(
        order
            .into_iter()
            .filter_map(|i| taken.get_mut(i).and_then(Option::take)),
    );
}

/// A run of an id as [`rule_order`] compares it: whether it is digits, the run, and the run
/// without its leading zeros.
type Run<'a> = (bool, &'a str, &'a str);

fn runs(id: &str) -> Vec<Run<'_>> {
    Chunks(id)
        .map(|(digits, part)| (digits, part, part.trim_start_matches('0')))
        .collect()
}

/// [`rule_order`] on ids split into their runs beforehand.
fn runs_order(a: &str, ra: &[Run<'_>], b: &str, rb: &[Run<'_>]) -> std::cmp::Ordering {
    use std::cmp::Ordering;
    if a == b {
        return Ordering::Equal;
    }
    for ((dx, xs, xt), (dy, ys, yt)) in ra.iter().zip(rb) {
        let ord = if *dx && *dy {
            xt.len().cmp(&yt.len()).then(xt.cmp(yt))
        } else {
            xs.cmp(ys)
        };
        if ord != Ordering::Equal {
            return ord;
        }
    }
    ra.len().cmp(&rb.len()).then(a.cmp(b))
}

/// An id's runs of digits and of other characters, each with whether it is digits.
struct Chunks<'a>(&'a str);

impl<'a> Iterator for Chunks<'a> {
    type Item = (bool, &'a str);

    fn next(&mut self) -> Option<Self::Item> {
        let digits = self.0.as_bytes().first()?.is_ascii_digit();
        let end = self
            .0
            .bytes()
            .position(|b| b.is_ascii_digit() != digits)
            .unwrap_or(self.0.len());
        let (part, rest) = self.0.split_at(end);
        self.0 = rest;
        Some((digits, part))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The first version of the order, restated: split both ids into chunk lists, then compare.
    fn rule_order_by_chunk_lists(a: &str, b: &str) -> std::cmp::Ordering {
        let chunks = |s: &str| -> Vec<(bool, String)> {
            let mut out: Vec<(bool, String)> = Vec::new();
            for ch in s.chars() {
                let digit = ch.is_ascii_digit();
                match out.last_mut() {
                    Some((d, part)) if *d == digit => part.push(ch),
                    _ => out.push((digit, ch.to_string())),
                }
            }
            out
        };
        let (ca, cb) = (chunks(a), chunks(b));
        for ((dx, x), (dy, y)) in ca.iter().zip(cb.iter()) {
            let ord = if *dx && *dy {
                let (xt, yt) = (x.trim_start_matches('0'), y.trim_start_matches('0'));
                xt.len().cmp(&yt.len()).then(xt.cmp(yt))
            } else {
                x.cmp(y)
            };
            if ord != std::cmp::Ordering::Equal {
                return ord;
            }
        }
        ca.len().cmp(&cb.len()).then(a.cmp(b))
    }

    proptest::proptest! {
        #[test]
        fn rule_order_is_the_chunk_order(a in "[R0-9.-]{0,8}|R-[A-Z]{1,3}-[0-9]{1,3}(\\.[0-9]{1,2})?",
                                          b in "[R0-9.-]{0,8}|R-[A-Z]{1,3}-[0-9]{1,3}(\\.[0-9]{1,2})?") {
            proptest::prop_assert_eq!(rule_order(&a, &b), rule_order_by_chunk_lists(&a, &b));
            proptest::prop_assert_eq!(rule_order(&a, &b), rule_order(&b, &a).reverse());
            proptest::prop_assert_eq!(runs_order(&a, &runs(&a), &b, &runs(&b)), rule_order(&a, &b));
        }
    }

    fn finding(
        id: &str,
        effect: u8,
        value: Option<&str>,
        reason: &str,
        n: usize,
    ) -> super::super::Finding {
        use super::super::{Effect, Finding, Source};
        use std::sync::Arc;
        let effect = match effect % 3 {
            0 => Effect::Refer,
            1 => Effect::InsufficientInformation,
            _ => Effect::Info,
        };
        Finding {
            rule_id: Arc::from(id),
            pack: Arc::from("p"),
            pack_version: Arc::from("1"),
            effect,
            value: value.map(str::to_owned),
            source: Source {
                document: Arc::from("d"),
                section: None,
            },
            evidence_level: Arc::from("S"),
            verified: false,
            // Which finding this was, so that a change of order among equal keys shows.
            facts: Arc::new(std::iter::once(("n".into(), serde_json::json!(n))).collect()),
            reason: Arc::from(reason),
            message: None,
        }
    }

    proptest::proptest! {
        /// Ranking each id once sorts as the comparison of ids, effect, value and reason
        /// does, stably (equal findings keep their order, as `dedup` then expects).
        #[test]
        fn findings_sort_by_ranked_ids_as_by_comparing_them(
            items in proptest::collection::vec(
                ("R-(EC|X)-0?[0-9]{1,2}(\\.[0-9]{1,2})?", 0_u8..3,
                 proptest::option::of("[ab]"), "[xy]"),
                0..40,
            )
        ) {
            let findings: Vec<_> = items
                .iter()
                .enumerate()
                .map(|(n, (id, e, v, r))| finding(id, *e, v.as_deref(), r, n))
                .collect();
            let mut expected = findings.clone();
            expected.sort_by(|a, b| {
                rule_order(&a.rule_id, &b.rule_id)
                    .then(a.effect.cmp(&b.effect))
                    .then(a.value.cmp(&b.value))
                    .then(a.reason.cmp(&b.reason))
            });
            let mut got = findings;
            sort_findings(&mut got);
            proptest::prop_assert_eq!(got, expected);
        }
    }

    #[test]
    fn rule_ids_sort_naturally() {
        let mut ids = vec![
            "R-EC-06.10",
            "R-EC-06.2",
            "R-EC-10",
            "R-EC-06",
            "R-X-01",
            "R-EC-01",
        ];
        ids.sort_by(|a, b| rule_order(a, b));
        assert_eq!(
            ids,
            vec![
                "R-EC-01",
                "R-EC-06",
                "R-EC-06.2",
                "R-EC-06.10",
                "R-EC-10",
                "R-X-01"
            ]
        );
    }
}
