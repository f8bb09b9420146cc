#!/usr/bin/env bash
# Page-speed figures for docs/performance.md (issue 17): the decision page, the cases list over
# 10,000 stored screenings and a batch's results page, each rendered for a signed-in analyst
# with 16 keep-alive connections on 127.0.0.1 (the load tool of tools/load.sh, with a session
# cookie). The screenings are stored first through POST /v1/batches (not counted).
#
#   tools/load_pages.sh [SECONDS] [CONNECTIONS]        (defaults 10 and 16)
set -euo pipefail
cd "$(dirname "$0")/.."
SECONDS_EACH="${1:-10}"
CONNS="${2:-16}"
PORT=18090
cargo build --release --locked -p imvo-service --bin imvo --example load >/dev/null
BIN=target/release/imvo
LOAD=target/release/examples/load
WORK="$(mktemp -d)"
trap 'kill $(jobs -p) 2>/dev/null || true; rm -rf "$WORK"' EXIT
DB="sqlite:$WORK/imvo.db"
KEY="$($BIN --database "$DB" keys create --role analyst --holder Load 2>/dev/null)"
$BIN --database "$DB" serve --listen "127.0.0.1:$PORT" 2>"$WORK/serve.log" &
BASE="http://127.0.0.1:$PORT"
for _ in $(seq 50); do curl -fs "$BASE/readyz" >/dev/null && break; sleep 0.2; done

python3 tools/make_portfolio.py --seed 7 10000 > "$WORK/portfolio.jsonl"
BATCH="$(curl -fs -H "Authorization: Bearer $KEY" -H 'Content-Type: application/x-ndjson' \
  --data-binary @"$WORK/portfolio.jsonl" "$BASE/v1/batches" | python3 -c 'import json,sys; print(json.load(sys.stdin)["id"])')"
until curl -fs -H "Authorization: Bearer $KEY" "$BASE/v1/batches/$BATCH" | grep -q '"status":"done"'; do sleep 1; done
curl -fs -H "Authorization: Bearer $KEY" "$BASE/v1/batches/$BATCH/results" > "$WORK/results.jsonl"
SCREENING="$(python3 -c 'import json,sys; print(json.loads(open(sys.argv[1]).readline())["screening_id"])' "$WORK/results.jsonl")"

# Sign in as a person would: the sign-in form's token, then the key.
curl -fsi "$BASE/sign-in" > "$WORK/sign-in.txt"
TOKEN="$(sed -n 's/^set-cookie: imvo_sign_in=\([0-9a-f]*\).*/\1/Ip' "$WORK/sign-in.txt")"
curl -si -b "imvo_sign_in=$TOKEN" --data-urlencode "key=$KEY" --data "csrf=$TOKEN" "$BASE/sign-in" > "$WORK/session.txt"
SESSION="$(sed -n 's/^set-cookie: \(imvo_session=[0-9a-f]*\).*/\1/Ip' "$WORK/session.txt")"
[ -n "$SESSION" ] || { echo "sign-in failed" >&2; exit 1; }

echo "== pages, $CONNS connections, $SECONDS_EACH s each, 10,000 stored screenings"
for path in "/screenings/$SCREENING" "/cases" "/batches/$BATCH"; do
  $LOAD --url "$BASE$path" --cookie "$SESSION" --connections "$CONNS" --seconds "$SECONDS_EACH"
done
