#!/usr/bin/env bash
# The batch benchmark of docs/performance.md: `imvo batch` over N synthetic applications (default
# 1,000,000; tools/make_portfolio.py, seed 7), measured next to the I/O floor in the same run:
# `imvo batch --floor` reads, parses and validates every line and writes it back without
# screening. Prints applications per second, wall time, peak memory (max RSS) and the ratio.
#
#   tools/bench_batch.sh [N] [THREADS]
set -euo pipefail
cd "$(dirname "$0")/.."
N="${1:-1000000}"
THREADS="${2:-$(nproc)}"
cargo build --release --locked -p imvo-service --bin imvo >/dev/null
BIN=target/release/imvo
WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT
python3 tools/make_portfolio.py "$N" --seed 7 > "$WORK/portfolio.jsonl"
echo "input: $N applications, $(du -h "$WORK/portfolio.jsonl" | cut -f1), $THREADS thread(s), $(nproc) core(s)"

measure() { # name args...
  local name="$1"; shift
  /usr/bin/time -f "%e %M" -o "$WORK/$name.time" "$BIN" batch "$WORK/portfolio.jsonl" --threads "$THREADS" "$@" 2>"$WORK/$name.log" || true
  read -r secs kb < "$WORK/$name.time"
  local rate
  rate=$(python3 -c "print(f'{$N / $secs:,.0f}')")
  echo "$name: ${secs} s, ${rate} applications/s, peak RSS $((kb / 1024)) MiB"
  echo "$secs" > "$WORK/$name.secs"
}

# Warm the page cache so both runs read from memory.
cat "$WORK/portfolio.jsonl" > /dev/null
measure floor --out "$WORK/floor.jsonl" --floor
measure batch --out "$WORK/decisions.jsonl" --errors "$WORK/errors.jsonl"
tail -n 4 "$WORK/batch.log"
python3 -c "f=float(open('$WORK/floor.secs').read()); b=float(open('$WORK/batch.secs').read()); print(f'batch / floor: {b/f:.1f}x; per core: {$N/b/$(nproc):,.0f} applications/s')"
echo "output: $(du -h "$WORK/decisions.jsonl" | cut -f1) of decisions"
