#!/usr/bin/env python3
"""The safety net for moving a pack's explanations into message catalogues (issue 18).

Screens every golden scenario, calibration case and example, and N synthetic applications
(tools/make_portfolio.py, seed 7), with the working tree's binary under two policy folders: the
one at REV (default HEAD, extracted with `git archive`) and the working tree's. It then compares
the decisions with each finding's `message` removed and the provenance fields that name versions
and hashes masked. A pack moved to message ids must give the same decisions; its English
`reason` texts may change only where a typed argument is now written out (a date, an amount).

Prints the number of applications, and every distinct English text that changed (old, then
new, with how often), and exits 1 if anything other than a `reason` or `why` text differs.

    tools/compare_messages.py [--rev REV] [--n N] [--bin target/release/imvo] [--new policies]

Not part of .ci/run: it needs a release binary.
"""

import argparse
import collections
import glob
import json
import os
import subprocess
import sys
import tempfile

TEXT_KEYS = {"reason", "why", "text", "category_reason", "note"}


def applications(n):
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
    made = subprocess.run(
        [sys.executable, "tools/make_portfolio.py", str(n), "--seed", "7"],
        check=True, capture_output=True, text=True).stdout
    return "\n".join(apps) + "\n" + made


def screen(binary, policies, apps_file, out):
    subprocess.run([binary, "--policies", policies, "batch", apps_file, "--out", out,
                    "--errors", out + ".errors"], check=True, capture_output=True)
    return [json.loads(line) for line in open(out)]


def strip(v, texts, path=""):
    """Removes `message` keys, masks provenance, and moves texts aside (path -> text)."""
    if isinstance(v, dict):
        out = {}
        for k, x in v.items():
            if k == "message":
                continue
            p = f"{path}/{k}"
            if k in TEXT_KEYS and isinstance(x, str):
                texts[p] = x
                out[k] = "(text)"
            elif k == "provenance":
                out[k] = {kk: ("(masked)" if kk in ("engine_version", "policy_set", "packs", "data") else vv)
                          for kk, vv in x.items()}
            else:
                out[k] = strip(x, texts, p)
        return out
    if isinstance(v, list):
        return [strip(x, texts, f"{path}/{i}") for i, x in enumerate(v)]
    return v


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--rev", default="HEAD")
    ap.add_argument("--n", type=int, default=3000)
    ap.add_argument("--bin", default="target/release/imvo")
    ap.add_argument("--new", default="policies", help="the policy folder to compare with REV's")
    args = ap.parse_args()
    args.new = os.path.abspath(args.new)
    args.bin = os.path.abspath(args.bin)
    os.chdir(os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
    with tempfile.TemporaryDirectory() as work:
        subprocess.run(f"git archive {args.rev} policies | tar -x -C {work}", shell=True, check=True)
        apps = os.path.join(work, "apps.jsonl")
        open(apps, "w").write(applications(args.n))
        old = screen(args.bin, os.path.join(work, "policies"), apps, os.path.join(work, "old.jsonl"))
        new = screen(args.bin, args.new, apps, os.path.join(work, "new.jsonl"))
    changed = collections.Counter()
    structural = 0
    messages = 0
    for o, n in zip(old, new):
        messages += json.dumps(n).count('"message": {')
        ot, nt = {}, {}
        so, sn = strip(o, ot), strip(n, nt)
        if so != sn:
            structural += 1
            if structural <= 5:
                print("DIFFERENT DECISION at line", o.get("line"), file=sys.stderr)
                print("  old:", json.dumps(so)[:600], file=sys.stderr)
                print("  new:", json.dumps(sn)[:600], file=sys.stderr)
        for p in set(ot) | set(nt):
            if ot.get(p) != nt.get(p):
                changed[(ot.get(p), nt.get(p))] += 1
    print(f"{len(new)} applications, {messages} messages; {structural} decisions differ "
          f"beyond their texts; {len(changed)} distinct texts changed")
    for (a, b), k in sorted(changed.items(), key=lambda x: -x[1]):
        print(f"\n  x{k}\n  - {a}\n  + {b}")
    sys.exit(1 if structural or len(old) != len(new) else 0)


main()
