#!/usr/bin/env bash
# The safety net for changes that must not change a decision (a restructure, a faster engine):
# builds the binary of REV (default: HEAD) in a worktree and the working tree's, screens every
# golden scenario, every calibration case, every example and N synthetic applications
# (tools/make_portfolio.py, seed 7) with both, under the same policy folder, and compares the
# decisions byte for byte. With MASK_PROVENANCE=1 the provenance fields that name versions and
# hashes (engine_version, policy_set, packs, data) are masked first, for a change that gives the
# packs a new form (so new versions and hashes) but must give the same decisions.
#
#   tools/compare_decisions.sh [REV] [N]
#
# Prints the number of applications and "identical", or the first differing lines, and exits 1
# on a difference. Not part of .ci/run: it builds a second binary.
set -euo pipefail
cd "$(dirname "$0")/.."
REV="${1:-HEAD}"
N="${2:-20000}"
WORK="$(mktemp -d)"
trap 'git worktree remove --force "$WORK/old" >/dev/null 2>&1 || true; rm -rf "$WORK"' EXIT

git worktree add --detach "$WORK/old" "$REV" >/dev/null
(cd "$WORK/old" && CARGO_TARGET_DIR="$WORK/target-old" cargo build --quiet --release --locked -p imvo-service --bin imvo)
cargo build --quiet --release --locked -p imvo-service --bin imvo

python3 - "$WORK/apps.jsonl" <<'EOF'
import glob, json, sys
apps = []
for f in sorted(glob.glob("scenarios/**/*.json", recursive=True)):
    try:
        d = json.load(open(f))
    except Exception:
        continue
    a = d.get("application") if isinstance(d, dict) else None
    if a is not None:
        apps.append(json.dumps(a, separators=(",", ":")))
for f in sorted(glob.glob("examples/*.json")):
    apps.append(json.dumps(json.load(open(f)), separators=(",", ":")))
open(sys.argv[1], "w").write("\n".join(apps) + "\n")
EOF
python3 tools/make_portfolio.py "$N" --seed 7 >> "$WORK/apps.jsonl"

run() { # binary output
  "$1" --policies policies batch "$WORK/apps.jsonl" --threads "$(nproc)" --out "$2" --errors "$2.errors" 2>/dev/null
}
run "$WORK/target-old/release/imvo" "$WORK/old.jsonl"
run target/release/imvo "$WORK/new.jsonl"

if [ "${MASK_PROVENANCE:-0}" = "1" ]; then
  for f in old new; do
    python3 - "$WORK/$f.jsonl" <<'EOF'
import json, sys
out = []
for line in open(sys.argv[1]):
    v = json.loads(line)
    p = v.get("decision", {}).get("provenance")
    if p is not None:
        for k in ("engine_version", "policy_set", "packs", "data"):
            p[k] = "(masked)"
    out.append(json.dumps(v, sort_keys=True))
open(sys.argv[1], "w").write("\n".join(out) + "\n")
EOF
  done
fi

lines=$(wc -l < "$WORK/new.jsonl")
if cmp -s "$WORK/old.jsonl" "$WORK/new.jsonl" && cmp -s "$WORK/old.jsonl.errors" "$WORK/new.jsonl.errors"; then
  echo "$lines applications: decisions identical ($REV and the working tree)"
else
  echo "$lines applications: decisions differ ($REV and the working tree):" >&2
  diff <(cat "$WORK/old.jsonl" "$WORK/old.jsonl.errors") <(cat "$WORK/new.jsonl" "$WORK/new.jsonl.errors") | head -20 >&2
  exit 1
fi
