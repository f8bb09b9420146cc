#!/usr/bin/env bash
# Stored batches through the API (docs/performance.md): upload N synthetic applications (default
# 100,000) to POST /v1/batches of a release `imvo serve` on SQLite and on PostgreSQL, wait until
# the batch is done, and report the upload time and the screening rate (lines stored per second
# between the upload being queued and the last chunk done), then verify the record chain.
#
#   tools/bench_stored_batch.sh [N]
#
# BATCH_WORKERS=N sets --batch-workers (default: the number of cores).
# PostgreSQL: PG_URL (default postgres://postgres@127.0.0.1:5432/test) must allow CREATE
# DATABASE; the run uses a fresh database imvo_batch_bench. Skipped if the server is not reachable.
set -euo pipefail
cd "$(dirname "$0")/.."
N="${1:-100000}"
PG_URL="${PG_URL:-postgres://postgres@127.0.0.1:5432/test}"
cargo build --release --locked -p imvo-service --bin imvo >/dev/null
BIN=target/release/imvo
WORK="$(mktemp -d)"
trap 'kill $(jobs -p) 2>/dev/null || true; rm -rf "$WORK"' EXIT
python3 tools/make_portfolio.py "$N" --seed 7 > "$WORK/portfolio.jsonl"
echo "input: $N applications, $(du -h "$WORK/portfolio.jsonl" | cut -f1)"

run() { # name database-url port
  local name="$1" db="$2" port="$3" key pid id status
  key="$($BIN --database "$db" keys create --role analyst 2>/dev/null)"
  $BIN --database "$db" serve --listen "127.0.0.1:$port" ${BATCH_WORKERS:+--batch-workers "$BATCH_WORKERS"} 2>"$WORK/$name.log" &
  pid=$!
  for _ in $(seq 50); do curl -fs "http://127.0.0.1:$port/readyz" >/dev/null && break; sleep 0.2; done
  echo "== $name"
  local t0 t1 t2
  t0=$(date +%s.%N)
  id=$(curl -fsS -X POST "http://127.0.0.1:$port/v1/batches" -H "Authorization: Bearer $key" \
        -H 'Content-Type: application/x-ndjson' --data-binary "@$WORK/portfolio.jsonl" | jq -r .id)
  t1=$(date +%s.%N)
  while :; do
    status=$(curl -fsS "http://127.0.0.1:$port/v1/batches/$id" -H "Authorization: Bearer $key")
    [ "$(echo "$status" | jq -r .status)" = done ] && break
    sleep 0.5
  done
  t2=$(date +%s.%N)
  python3 - "$N" "$t0" "$t1" "$t2" "$status" <<'PY'
import json, sys
from datetime import datetime
n, t0, t1, t2, s = int(sys.argv[1]), float(sys.argv[2]), float(sys.argv[3]), float(sys.argv[4]), json.loads(sys.argv[5])
q = datetime.fromisoformat(s["queued_at"].replace("Z", "+00:00"))
f = datetime.fromisoformat(s["finished_at"].replace("Z", "+00:00"))
work = (f - q).total_seconds()
print(f"upload (stored, 202): {t1 - t0:.1f} s ({n / (t1 - t0):,.0f} lines/s)")
print(f"screened and stored: {s['screened']:,} of {s['total']:,} in {work:.1f} s = {s['screened'] / work:,.0f}/s")
print(f"end to end: {t2 - t0:.1f} s = {n / (t2 - t0):,.0f}/s; by outcome {s['by_outcome']}")
PY
  kill -TERM "$pid"; wait "$pid" || true
  $BIN --database "$db" audit verify
}

run sqlite "sqlite:$WORK/imvo.db" 18090
if command -v pg_isready >/dev/null && pg_isready -h 127.0.0.1 -p 5432 -q; then
  psql "$PG_URL" -qc 'DROP DATABASE IF EXISTS imvo_batch_bench' -c 'CREATE DATABASE imvo_batch_bench'
  run postgres "${PG_URL%/*}/imvo_batch_bench" 18091
else
  echo "PostgreSQL not reachable: skipped"
fi
