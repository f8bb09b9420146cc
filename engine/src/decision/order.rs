//! The natural order of rule ids (`R-EC-06.2` before `R-EC-06.10`), in which a decision lists
//! its findings.

/// Orders rule ids naturally: `R-EC-06.2` before `R-EC-06.10`.
///
/// Sorting a decision's findings compares ids thousands of times, mostly equal ones: the
/// comparison walks both ids once, without allocating.
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
