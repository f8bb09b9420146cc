#!/usr/bin/env python3
"""Write a synthetic portfolio of N applications as JSON Lines, for batch tests and benchmarks.

    python3 tools/make_portfolio.py 1000000 > /tmp/portfolio.jsonl [--seed 7]

Each line is one of the golden scenarios' applications (scenarios/*/*.json, every rule's firing
and near-miss cases), varied so that the portfolio looks like a book of business rather than 219
copies: a new reference, a country drawn from a list of 24 destinations, the support amount
scaled by a factor from 0.2 to 5 (so cases move across the SDR 10 million threshold), and the
application date moved by up to a year within the rules' effective periods.

Proportions (documented in docs/performance.md): 60 % export credit, 25 % project finance,
15 % trade missions; within an instrument the scenarios are drawn uniformly. Deterministic for a
seed. Invalid lines are not produced here (the batch tests add their own).
"""
import argparse, glob, json, os, random, sys
from decimal import Decimal

ROOT = os.path.join(os.path.dirname(__file__), "..")
COUNTRIES = ["ID", "VN", "BR", "IN", "KE", "ZA", "TR", "EG", "MX", "CL", "PE", "CO",
             "GH", "NG", "MA", "PH", "BD", "PK", "UA", "PL", "DE", "US", "CN", "AR"]
SHARES = {"export_credit": 0.60, "project_finance": 0.25, "trade_mission": 0.15}

def templates():
    by = {k: [] for k in SHARES}
    for f in sorted(glob.glob(os.path.join(ROOT, "scenarios", "*", "*.json"))):
        if os.sep + "calibration" + os.sep in f:
            continue
        d = json.load(open(f, encoding="utf-8"))
        if d.get("as_of"):
            continue  # keep cases whose date is their own
        app = d["application"]
        by[app["instrument"]].append(app)
    return by

def vary(app, i, rng):
    a = json.loads(json.dumps(app))
    a["reference"] = f"PF-{i:08d}"
    p = a.get("project")
    if isinstance(p, dict) and "country" in p and rng.random() < 0.5:
        p["country"] = rng.choice(COUNTRIES)
    m = a.get("mission")
    if isinstance(m, dict) and "destination" in m and rng.random() < 0.5:
        m["destination"] = rng.choice(COUNTRIES)
    t = a.get("transaction")
    if isinstance(t, dict) and isinstance(t.get("support_amount"), dict):
        amt = Decimal(t["support_amount"]["amount"]) * Decimal(rng.choice(["0.2", "0.5", "1", "1", "2", "5"]))
        t["support_amount"]["amount"] = str(amt.quantize(Decimal("0.01")))
    return a

def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("n", type=int)
    ap.add_argument("--seed", type=int, default=7)
    args = ap.parse_args()
    rng = random.Random(args.seed)
    by = templates()
    kinds, weights = zip(*SHARES.items())
    out = sys.stdout
    for i in range(args.n):
        kind = rng.choices(kinds, weights)[0]
        out.write(json.dumps(vary(rng.choice(by[kind]), i, rng), separators=(",", ":")) + "\n")

if __name__ == "__main__":
    main()
