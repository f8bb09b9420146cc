#!/usr/bin/env bash
# The batch benchmark of docs/performance.md (issue 16's acceptance): `imvo batch` over N
# synthetic applications (default 1,000,000; tools/make_portfolio.py, seed 7), each measured in
# the same run as the I/O floor:
#
#   floor      service/examples/io_floor.rs, one thread: read the file, parse each line into a
#              generic JSON value, write it back out;
#   1 thread   imvo batch --threads 1 (goal: within 5x of the floor);
#   N threads  imvo batch --threads THREADS (default: the number of cores; goal: within 3x of
#              the floor and at least 40,000 applications a second);
#
# with wall time, applications a second, peak memory (max RSS) and the ratios.
#
#   tools/bench_batch.sh [N] [THREADS]
set -euo pipefail
cd "$(dirname "$0")/.."
N="${1:-1000000}"
THREADS="${2:-$(nproc)}"
cargo build --release --locked -p imvo-service --bin imvo --example io_floor >/dev/null 2>&1
BIN=target/release/imvo
FLOOR=target/release/examples/io_floor
WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT
python3 tools/make_portfolio.py "$N" --seed 7 > "$WORK/portfolio.jsonl"
echo "input: $N applications, $(du -h "$WORK/portfolio.jsonl" | cut -f1), $(nproc) core(s)"

report() { # name
  read -r secs kb < "$WORK/$1.time"
  python3 -c "print(f'$1: {$secs} s, {$N / $secs:,.0f} applications/s, peak RSS {$kb // 1024} MiB')"
  echo "$secs" > "$WORK/$1.secs"
}

# Warm the page cache so every run reads from memory.
cat "$WORK/portfolio.jsonl" > /dev/null
/usr/bin/time -f "%e %M" -o "$WORK/floor.time" "$FLOOR" < "$WORK/portfolio.jsonl" > "$WORK/floor.jsonl" 2>/dev/null
report floor
/usr/bin/time -f "%e %M" -o "$WORK/batch-1.time" "$BIN" batch "$WORK/portfolio.jsonl" --threads 1 \
  --out "$WORK/decisions.jsonl" --errors "$WORK/errors.jsonl" 2>"$WORK/batch-1.log" || true
report batch-1
/usr/bin/time -f "%e %M" -o "$WORK/batch-$THREADS.time" "$BIN" batch "$WORK/portfolio.jsonl" --threads "$THREADS" \
  --out "$WORK/decisions.jsonl" --errors "$WORK/errors.jsonl" 2>"$WORK/batch-$THREADS.log" || true
report "batch-$THREADS"
tail -n 4 "$WORK/batch-$THREADS.log"
python3 - "$WORK" "$N" "$THREADS" <<'PY'
import sys
work, n, threads = sys.argv[1], int(sys.argv[2]), sys.argv[3]
secs = lambda name: float(open(f"{work}/{name}.secs").read())
floor, one, many = secs("floor"), secs("batch-1"), secs(f"batch-{threads}")
print(f"1 thread: {one / floor:.1f}x the floor (goal: at most 5x)")
print(f"{threads} threads: {many / floor:.1f}x the floor (goal: at most 3x), {n / many:,.0f} applications/s (goal: at least 40,000)")
PY
echo "output: $(du -h "$WORK/decisions.jsonl" | cut -f1) of decisions"
