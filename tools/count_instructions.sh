#!/usr/bin/env bash
# Instructions per screened application, counted by valgrind (callgrind): unlike wall time on
# this shared machine (20-45 % from run to run), the count moves by well under 1 %, so a change
# of a few percent can be told. `imvo batch --threads 1` over N applications of
# tools/make_portfolio.py (seed 11) and over one, in reference mode (--no-gates) and with gates
# and table rules; the difference over N-1 is the cost of an application without the policy
# set's loading. With OLD_BIN (and OLD_POLICIES, its policy folder) another build is counted
# the same way, for a before and after.
#
#   tools/count_instructions.sh [N]            (default 1000; about a minute per 1,000)
#
# Caveats: valgrind's CPU has no SHA extensions, so SHA-256 runs in software here (about 5 % of
# the count; natively it is hardware); and valgrind runs about 50 times slower, so a rule may hit
# its wall-clock deadline (a `deadline` error in that decision), which makes that decision
# cheaper. Compare counts, not seconds.
set -euo pipefail
cd "$(dirname "$0")/.."
N="${1:-1000}"
cargo build --release --locked -p imvo-service --bin imvo >/dev/null 2>&1
WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT
python3 tools/make_portfolio.py "$N" --seed 11 > "$WORK/n.jsonl"
head -1 "$WORK/n.jsonl" > "$WORK/one.jsonl"

count() { # binary policies input [flags]
  valgrind --tool=callgrind --callgrind-out-file="$WORK/cg.out" "$1" --policies "$2" ${4:-} \
    batch "$3" --threads 1 --out "$WORK/out.jsonl" 2>&1 | sed -n 's/.*refs: *//p' | tr -d ,
}
measure() { # name binary policies [flags]
  local all one
  all=$(count "$2" "$3" "$WORK/n.jsonl" "${4:-}")
  one=$(count "$2" "$3" "$WORK/one.jsonl" "${4:-}")
  python3 -c "print(f'$1: {($all - $one) / ($N - 1):,.0f} instructions an application (loading the set: {$one:,})')"
}
measure "reference mode" target/release/imvo policies --no-gates
measure "gates and table rules" target/release/imvo policies
if [ -n "${OLD_BIN:-}" ]; then
  measure "OLD_BIN ($OLD_BIN)" "$OLD_BIN" "${OLD_POLICIES:-policies}"
fi
