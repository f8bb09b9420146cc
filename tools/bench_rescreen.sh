#!/usr/bin/env bash
# The impact of a policy change over the stored screenings (issue 16's acceptance: `imvo rescreen`
# over 1,000,000 stored screenings on SQLite, the impact report timed on its own).
#
#   tools/bench_rescreen.sh [N]            (default 1,000,000)
#
# 1. The database: a release `imvo serve` on a fresh SQLite file stores N applications of
#    tools/make_portfolio.py (seed 7) as stored batches (POST /v1/batches, in parts of at most
#    250,000 lines), and the record chain is verified. About 15 KB a screening: 1,000,000 take
#    about 15 GB and, on 2 cores, 7 minutes. DB=path keeps the database and reuses it when it
#    holds N screenings (only steps 2 and 3 run again); a file there that holds anything else
#    is refused, never replaced.
# 2. The policy change, a copy of policies/ with one parameter changed. CHANGE=ca (default): the
#    Common Approaches' size threshold (`ca.size_threshold`, R-EC-02) at SDR 5 million instead
#    of 10 million, so export-credit applications between the two move into review (export
#    credit is 60 % of the portfolio). CHANGE=ep: the Equator Principles' alternatives-analysis line
#    (`ep.alt_analysis_t_co2e`) at 50,000 t CO2e a year instead of 100,000 (project finance,
#    25 %).
# 3. Timed on its own: `imvo rescreen --stored --to CHANGED --threads T --json` (T from THREADS,
#    default the number of cores), with its wall time, rate and peak RSS (GNU time), and the
#    report's counts. The change touches the export-credit pack only, so the stored decisions of
#    the other instruments stand without being screened again (`same_basis`); FULL=1 passes
#    `--full`, which screens every one. The figures in docs/performance.md are THREADS=2 (this
#    machine's cores).
set -euo pipefail
cd "$(dirname "$0")/.."
N="${1:-1000000}"
THREADS="${THREADS:-$(nproc)}"
cargo build --release --locked -p imvo-service --bin imvo >/dev/null
BIN="$PWD/target/release/imvo"
WORK="$(mktemp -d)"
trap 'kill $(jobs -p) 2>/dev/null || true; rm -rf "$WORK"' EXIT
DB="${DB:-$WORK/imvo.db}"
URL="sqlite:$DB"

stored() { # screenings in the database, 0 if there is none
  [ -f "$DB" ] || { echo 0; return; }
  python3 -c "import sqlite3,sys; print(sqlite3.connect(sys.argv[1]).execute(\"SELECT count(*) FROM records WHERE kind = 'screening'\").fetchone()[0])" "$DB"
}

if [ "$(stored)" != "$N" ]; then
  if [ -e "$DB" ]; then
    echo "$DB exists and does not hold $N screenings: give another DB=path" >&2
    exit 2
  fi
  python3 tools/make_portfolio.py "$N" --seed 7 > "$WORK/portfolio.jsonl"
  split -l 250000 -d "$WORK/portfolio.jsonl" "$WORK/part."
  rm "$WORK/portfolio.jsonl"
  key="$("$BIN" --database "$URL" keys create --role analyst 2>/dev/null)"
  port=18093
  "$BIN" --database "$URL" serve --listen "127.0.0.1:$port" 2>"$WORK/serve.log" &
  pid=$!
  for _ in $(seq 50); do curl -fs "http://127.0.0.1:$port/readyz" >/dev/null && break; sleep 0.2; done
  t0=$(date +%s.%N)
  for part in "$WORK"/part.*; do
    id=$(curl -fsS -X POST "http://127.0.0.1:$port/v1/batches" -H "Authorization: Bearer $key" \
          -H 'Content-Type: application/x-ndjson' --data-binary "@$part" | jq -r .id)
    rm "$part"
    while :; do
      status=$(curl -fsS "http://127.0.0.1:$port/v1/batches/$id" -H "Authorization: Bearer $key" | jq -r .status) \
        || { echo "the server stopped; see $WORK/serve.log" >&2; exit 1; }
      case "$status" in
        done) break ;;
        receiving|queued) sleep 1 ;;
        *) echo "batch $id ended $status" >&2; exit 1 ;;
      esac
    done
  done
  t1=$(date +%s.%N)
  kill -TERM "$pid"; wait "$pid" || true
  echo "database: $(stored) screenings stored in $(python3 -c "print(f'{$t1 - $t0:.0f}')") s, $(du -h "$DB" | cut -f1)"
  "$BIN" --database "$URL" audit verify >/dev/null
  echo "record chain verified"
else
  echo "database: reusing $DB ($N screenings, $(du -h "$DB" | cut -f1))"
fi

cp -r policies "$WORK/changed"
case "${CHANGE:-ca}" in
  ca) CHANGED=(oecd-common-approaches-2016.1.0 ca.size_threshold 10000000 5000000) ;;
  ep) CHANGED=(equator-principles-2020.1.0 ep.alt_analysis_t_co2e 100000 50000) ;;
  *) echo "CHANGE is ca or ep" >&2; exit 2 ;;
esac
python3 - "$WORK/changed/${CHANGED[0]}/params.csv" "${CHANGED[@]:1}" <<'PYEOF'
import csv, io, sys
path, name, old, new = sys.argv[1:5]
rows = list(csv.reader(open(path, newline="")))
head, hits = rows[0], 0
for r in rows[1:]:
    if r and r[head.index("name")] == name:
        col = head.index("value")
        assert r[col] == old, r
        r[col] = new
        hits += 1
assert hits == 1, f"{name} not found once"
out = io.StringIO()
csv.writer(out, lineterminator="\n").writerows(rows)
open(path, "w").write(out.getvalue())
PYEOF

FULL_FLAG=()
[ "${FULL:-0}" = 1 ] && FULL_FLAG=(--full)
echo "rescreen: --stored --to (${CHANGED[1]} ${CHANGED[2]} -> ${CHANGED[3]}) --threads $THREADS ${FULL_FLAG[*]}"
# Exit 1 means some stored screening was rejected (counted in the report): not a failure here.
/usr/bin/time -f "%e %M" -o "$WORK/time" \
  "$BIN" --database "$URL" --json rescreen --stored --to "$WORK/changed" \
  --threads "$THREADS" "${FULL_FLAG[@]}" > "$WORK/report.json" || [ $? = 1 ]
read -r secs kib < "$WORK/time"
python3 - "$WORK/report.json" "$secs" "$kib" <<'PYEOF'
import json, sys
r, secs, kib = json.load(open(sys.argv[1]))["impact"], float(sys.argv[2]), int(sys.argv[3])
n = r["applications"]
print(f"impact report: {n:,} applications in {secs:.1f} s = {n / secs:,.0f}/s, peak RSS {kib // 1024} MiB")
print(f"changed: {r['changed']:,}; stood without screening (same basis): {r.get('same_basis', 0):,}; rejected: {len(r['rejected']):,}")
print("categories (from -> to):", json.dumps(r["categories"]))
PYEOF
