//! The I/O floor of the batch benchmark (issue 16; docs/performance.md): reads JSON Lines from
//! stdin, parses each line into a generic JSON value and writes it back out to stdout, on one
//! thread. Whatever `imvo batch` does beyond this (validating, screening, assembling and
//! serialising decisions) is the cost the benchmark compares with it.
//!
//! ```text
//! cargo run --release --example io_floor < portfolio.jsonl > echoed.jsonl
//! ```
//! (`tools/bench_batch.sh` runs the whole comparison.)

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "a benchmark tool: failing loudly is right"
)]

use std::io::{BufRead, BufWriter, Write};

fn main() {
    let stdin = std::io::stdin().lock();
    let mut out = BufWriter::with_capacity(1 << 20, std::io::stdout().lock());
    let mut lines = 0u64;
    for line in stdin.lines() {
        let line = line.expect("read a line");
        let value: serde_json::Value = serde_json::from_str(&line).expect("a JSON line");
        serde_json::to_writer(&mut out, &value).expect("write");
        out.write_all(b"\n").expect("write");
        lines += 1;
    }
    out.flush().expect("flush");
    eprintln!("{lines} lines");
}
