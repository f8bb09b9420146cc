//! Prometheus text metrics: requests by route and status with latency histograms, screenings
//! by outcome and category.

use std::collections::BTreeMap;
use std::fmt::Write;
use std::sync::Mutex;
use std::time::Duration;

/// Latency bucket bounds, in seconds.
const BUCKETS: [f64; 12] = [
    0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 10.0,
];

#[derive(Debug, Default, Clone)]
struct Histogram {
    counts: [u64; 12],
    count: u64,
    sum_micros: u64,
}

/// The service's counters.
#[derive(Debug, Default)]
pub struct Metrics {
    requests: Mutex<BTreeMap<(String, String, u16), Histogram>>,
    screenings: Mutex<BTreeMap<(String, String), u64>>,
}

impl Metrics {
    /// Records one request.
    pub fn request(&self, method: &str, route: &str, status: u16, took: Duration) {
        let Ok(mut m) = self.requests.lock() else {
            return;
        };
        let h = m
            .entry((method.to_owned(), route.to_owned(), status))
            .or_default();
        let secs = took.as_secs_f64();
        for (c, b) in h.counts.iter_mut().zip(BUCKETS) {
            if secs <= b {
                *c += 1;
            }
        }
        h.count += 1;
        h.sum_micros += u64::try_from(took.as_micros()).unwrap_or(u64::MAX);
    }

    /// Records one stored screening.
    pub fn screening(&self, outcome: &str, category: Option<&str>) {
        let Ok(mut m) = self.screenings.lock() else {
            return;
        };
        *m.entry((outcome.to_owned(), category.unwrap_or("none").to_owned()))
            .or_default() += 1;
    }

    /// The Prometheus text exposition.
    #[must_use]
    pub fn render(&self) -> String {
        let mut s = String::new();
        family(
            &mut s,
            "imvo_http_requests_total",
            "counter",
            "HTTP requests by method, route and status.",
        );
        let requests = self.requests.lock().map(|m| m.clone()).unwrap_or_default();
        for ((method, route, status), h) in &requests {
            let _ = writeln!(
                s,
                "imvo_http_requests_total{{method=\"{method}\",route=\"{route}\",status=\"{status}\"}} {}",
                h.count
            );
        }
        family(
            &mut s,
            "imvo_http_request_duration_seconds",
            "histogram",
            "HTTP request latency.",
        );
        for ((method, route, status), h) in &requests {
            let labels = format!("method=\"{method}\",route=\"{route}\",status=\"{status}\"");
            for (c, b) in h.counts.iter().zip(BUCKETS) {
                let _ = writeln!(
                    s,
                    "imvo_http_request_duration_seconds_bucket{{{labels},le=\"{b}\"}} {c}"
                );
            }
            let _ = writeln!(
                s,
                "imvo_http_request_duration_seconds_bucket{{{labels},le=\"+Inf\"}} {}",
                h.count
            );
            let _ = writeln!(
                s,
                "imvo_http_request_duration_seconds_sum{{{labels}}} {}.{:06}",
                h.sum_micros / 1_000_000,
                h.sum_micros % 1_000_000
            );
            let _ = writeln!(
                s,
                "imvo_http_request_duration_seconds_count{{{labels}}} {}",
                h.count
            );
        }
        family(
            &mut s,
            "imvo_screenings_total",
            "counter",
            "Stored screenings by outcome and category.",
        );
        let screenings = self
            .screenings
            .lock()
            .map(|m| m.clone())
            .unwrap_or_default();
        for ((outcome, category), n) in &screenings {
            let _ = writeln!(
                s,
                "imvo_screenings_total{{outcome=\"{outcome}\",category=\"{category}\"}} {n}"
            );
        }
        s
    }
}

/// The `# HELP` and `# TYPE` lines of a metric family.
fn family(s: &mut String, name: &str, kind: &str, help: &str) {
    let _ = writeln!(s, "# HELP {name} {help}");
    let _ = writeln!(s, "# TYPE {name} {kind}");
}
