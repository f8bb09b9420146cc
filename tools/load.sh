#!/usr/bin/env bash
# Load figures for docs/performance.md: stored screenings per second and latency for
# POST /v1/screenings on SQLite and on PostgreSQL, next to POST /v1/simulate (screening without
# storing) and GET /healthz (the framework's ceiling), all against 127.0.0.1 on this machine.
#
#   tools/load.sh [SECONDS] [CONNECTIONS]        (defaults 20 and 64)
#
# PostgreSQL: PG_URL (default postgres://postgres@127.0.0.1:5432/test) must allow CREATE
# DATABASE; the run uses a fresh database imvo_load. Skipped if the server is not reachable.
set -euo pipefail
cd "$(dirname "$0")/.."
SECONDS_EACH="${1:-20}"
CONNS="${2:-64}"
PG_URL="${PG_URL:-postgres://postgres@127.0.0.1:5432/test}"
cargo build --release --locked -p imvo-service --bin imvo --example load >/dev/null
BIN=target/release/imvo
LOAD=target/release/examples/load
WORK="$(mktemp -d)"
trap 'kill $(jobs -p) 2>/dev/null || true; rm -rf "$WORK"' EXIT
python3 -c "import json,sys; print(json.dumps({'application': json.load(open('examples/gas-plant-id-2022.json'))}))" > "$WORK/sim.json"

run() { # name database-url port
  local name="$1" db="$2" port="$3"
  local key
  key="$($BIN --database "$db" keys create --role analyst 2>/dev/null)"
  $BIN --database "$db" serve --listen "127.0.0.1:$port" 2>"$WORK/$name.log" &
  local pid=$!
  for _ in $(seq 50); do curl -fs "http://127.0.0.1:$port/readyz" >/dev/null && break; sleep 0.2; done
  echo "== $name"
  $LOAD --url "http://127.0.0.1:$port/healthz" --connections "$CONNS" --seconds "$SECONDS_EACH"
  $LOAD --url "http://127.0.0.1:$port/v1/simulate" --key "$key" --body "$WORK/sim.json" --connections "$CONNS" --seconds "$SECONDS_EACH"
  $LOAD --url "http://127.0.0.1:$port/v1/screenings" --key "$key" --body examples/gas-plant-id-2022.json --connections "$CONNS" --seconds "$SECONDS_EACH"
  kill -TERM "$pid"; wait "$pid" || true
  $BIN --database "$db" audit verify
}

run sqlite "sqlite:$WORK/imvo.db" 18080
if command -v pg_isready >/dev/null && pg_isready -h 127.0.0.1 -p 5432 -q; then
  psql "$PG_URL" -qc 'DROP DATABASE IF EXISTS imvo_load' -c 'CREATE DATABASE imvo_load'
  run postgres "${PG_URL%/*}/imvo_load" 18081
else
  echo "== postgres: not reachable, skipped"
fi
