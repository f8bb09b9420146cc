#!/usr/bin/env bash
# The safety net for changes that must not change a decision (a restructure, a faster engine):
# builds the binary of REV (default: HEAD) in a worktree and the working tree's, screens every
# golden scenario, every calibration case, every example and N synthetic applications
# (tools/make_portfolio.py, seed 7) with both, each under its own revision's policy folder, and
# compares the decisions byte for byte. With MASK_PROVENANCE=1 the provenance fields that name versions and
# hashes (engine_version, policy_set, packs, data) are masked first, for a change that gives the
# packs a new form (so new versions and hashes) but must give the same decisions.
#
#   tools/compare_decisions.sh [REV] [N]
#
# OLD_BIN=path reuses a binary already built from REV (its policies are still REV's). With
# NO_GATES=1 the working tree's binary runs in reference mode (`--no-gates`): every rule's
# script runs, so the comparison checks the gates against the rules they skip.
#
# Prints the number of applications and "identical", or how many decisions differ and, for the
# first three, the fields that differ with both values (and any difference in rejected lines),
# and exits 1 on a difference. Not part of .ci/run: it builds a second binary.
set -euo pipefail
cd "$(dirname "$0")/.."
REV="${1:-HEAD}"
N="${2:-20000}"
WORK="$(mktemp -d)"
trap 'git worktree remove --force "$WORK/old" >/dev/null 2>&1 || true; rm -rf "$WORK"' EXIT

git worktree add --detach "$WORK/old" "$REV" >/dev/null
OLD="${OLD_BIN:-$WORK/target-old/release/imvo}"
if [ -z "${OLD_BIN:-}" ]; then
  (cd "$WORK/old" && CARGO_TARGET_DIR="$WORK/target-old" cargo build --quiet --release --locked -p imvo-service --bin imvo)
fi
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

run() { # binary policies output [flags]
  "$1" --policies "$2" ${4:-} batch "$WORK/apps.jsonl" --threads "$(nproc)" --out "$3" --errors "$3.errors" 2>/dev/null
}
run "$OLD" "$WORK/old/policies" "$WORK/old.jsonl"
if [ "${NO_GATES:-0}" = "1" ]; then
  run target/release/imvo policies "$WORK/new.jsonl" --no-gates
else
  run target/release/imvo policies "$WORK/new.jsonl"
fi

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
  # Where, not the whole lines (a decision is 10-20 KB): how many differ, and for the first three
  # the fields that differ with both values.
  python3 - "$WORK/old.jsonl" "$WORK/new.jsonl" >&2 <<'PY'
import json, sys

def walk(a, b, path, out):
    if type(a) is not type(b):
        out.append((path, a, b))
    elif isinstance(a, dict):
        for k in sorted(set(a) | set(b)):
            if k not in a or k not in b:
                out.append((f"{path}.{k}", a.get(k, "(absent)"), b.get(k, "(absent)")))
            else:
                walk(a[k], b[k], f"{path}.{k}", out)
    elif isinstance(a, list):
        if len(a) != len(b):
            out.append((f"{path} (length)", len(a), len(b)))
        for i, (x, y) in enumerate(zip(a, b)):
            walk(x, y, f"{path}[{i}]", out)
    elif a != b:
        out.append((path, a, b))

old = open(sys.argv[1]).read().splitlines()
new = open(sys.argv[2]).read().splitlines()
differ = [(i, o, n) for i, (o, n) in enumerate(zip(old, new), 1) if o != n]
print(f"{len(differ)} of {len(old)} decisions differ; the first ones, field by field (old, new):")
for i, o, n in differ[:3]:
    out = []
    walk(json.loads(o), json.loads(n), "", out)
    print(f"line {i}:")
    for path, a, b in out[:8]:
        print(f"  {path}\n    old: {json.dumps(a)[:300]}\n    new: {json.dumps(b)[:300]}")
PY
  diff "$WORK/old.jsonl.errors" "$WORK/new.jsonl.errors" | head -10 >&2 || true
  exit 1
fi
