#!/usr/bin/env python3
"""Regenerate policies/data/tvpra-goods/tvpra-goods.csv and engine/data/goods.csv.

Input (see policies/data/tvpra-goods/README.md for source, commit and licence):
  --xml FILE        the US Department of Labor's list of goods produced by child labor or forced
                    labor, as `goods_2021.xml` in the department's public repository
                    USDepartmentofLabor/Child-Labor-Android (default tools/data/dol-goods-2021.xml)
  --countries FILE  engine/data/countries.csv (ISO 3166-1 alpha-2 and names)

One row per (good, country). `good` is the DoL Good_Name in snake_case (ASCII, lower case,
every run of other characters one `_`); `country` is the ISO 3166-1 alpha-2 code of the DoL
Country_Name, found in countries.csv or, for the DoL's own spellings, in DOL_COUNTRY_NAMES below.
The flags are the XML's Yes/No as yes/no. A good produced with an input that is itself on the
list (Derived_Labor_Exploitation) carries no child/forced flag of its own: its row has
derived_labor_exploitation = yes and the input's country in derived_country.

The script stops with an error, writing nothing, on a country name it cannot map, a flag that is
not Yes or No, a row with no flag set, or two DoL good names that fall on one snake_case code.
A (good, country) pair listed twice is merged (flags OR-ed) and reported on stderr.
The output is sorted and deterministic, so a re-run shows any upstream change as a diff.
Usage: python3 tools/make_tvpra_goods.py   (from the repository root or anywhere)
"""
import argparse, csv, os, re, sys, unicodedata
import xml.etree.ElementTree as ET

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..")

# DoL country names that are not a `name` in engine/data/countries.csv (iso-codes' common names).
DOL_COUNTRY_NAMES = {
    "Burma": "MM",                              # iso-codes: Myanmar
    "Congo, Democratic Republic of the": "CD",  # iso-codes: Congo, The Democratic Republic of the
    "Kyrgyz Republic": "KG",                    # iso-codes: Kyrgyzstan
    "Russia": "RU",                             # iso-codes: Russian Federation
    "Turkey": "TR",                             # iso-codes: Türkiye
}

FLAGS = ["Child_Labor", "Forced_Labor", "Forced_Child_Labor", "Derived_Labor_Exploitation"]
HEADER = ["good", "country", "child_labor", "forced_labor", "forced_child_labor",
          "good_name", "country_name", "derived_labor_exploitation", "derived_country"]


def snake(name):
    ascii_ = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode("ascii")
    return re.sub(r"[^a-z0-9]+", "_", ascii_.lower()).strip("_")


def write(path, header, rows):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(header)
        w.writerows(rows)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--xml", default=os.path.join(ROOT, "tools", "data", "dol-goods-2021.xml"))
    ap.add_argument("--countries", default=os.path.join(ROOT, "engine", "data", "countries.csv"))
    ap.add_argument("--table-out", default=os.path.join(ROOT, "policies", "data", "tvpra-goods", "tvpra-goods.csv"))
    ap.add_argument("--goods-out", default=os.path.join(ROOT, "engine", "data", "goods.csv"))
    a = ap.parse_args()

    with open(a.countries, encoding="utf-8") as f:
        iso = {r["name"]: r["alpha2"] for r in csv.DictReader(f)}
    codes = set(iso.values())
    errors = []
    for n, c in DOL_COUNTRY_NAMES.items():
        if c not in codes:
            errors.append(f"DOL_COUNTRY_NAMES maps {n!r} to {c}, which is not in {a.countries}")
    used = set()

    def country(name, where):
        name = name.strip()
        if name in DOL_COUNTRY_NAMES:
            used.add(name)
            return DOL_COUNTRY_NAMES[name]
        if name in iso:
            return iso[name]
        errors.append(f"{where}: country name {name!r} is neither in countries.csv nor in DOL_COUNTRY_NAMES")
        return None

    root = ET.parse(a.xml).getroot()
    rows = {}        # (good, country) -> [flags..., good_name, country_name, derived_country]
    names = {}       # good -> DoL name
    merged = []
    for g in root.findall("Good"):
        gname = (g.findtext("Good_Name") or "").strip()
        good = snake(gname)
        if not good:
            errors.append(f"a Good has no usable Good_Name: {gname!r}")
            continue
        if names.setdefault(good, gname) != gname:
            errors.append(f"{names[good]!r} and {gname!r} both give the code {good!r}")
        countries = g.findall("Countries/Country")
        if not countries:
            errors.append(f"{gname}: no Country")
        for c in countries:
            cname = (c.findtext("Country_Name") or "").strip()
            where = f"{gname} / {cname}"
            code = country(cname, where)
            flags = []
            for tag in FLAGS:
                v = (c.findtext(tag) or "").strip()
                if v not in ("Yes", "No"):
                    errors.append(f"{where}: {tag} is {v!r}, not Yes or No")
                flags.append(v == "Yes")
            dc = (c.findtext("Derived_Country") or "").strip()
            if flags[3] != (dc not in ("", "No")):
                errors.append(f"{where}: Derived_Labor_Exploitation and Derived_Country {dc!r} disagree")
            dcode = country(dc, where + " (Derived_Country)") if flags[3] else ""
            if not any(flags):
                errors.append(f"{where}: no flag is Yes")
            if code is None:
                continue
            key = (good, code)
            if key in rows:
                old = rows[key]
                if old[5] != dcode and old[5] and dcode:
                    errors.append(f"{where}: listed twice with derived countries {old[5]} and {dcode}")
                rows[key] = [x or y for x, y in zip(old[:4], flags)] + [old[4], old[5] or dcode]
                merged.append(where)
            else:
                rows[key] = flags + [cname, dcode]
    for n in sorted(set(DOL_COUNTRY_NAMES) - used):
        print(f"note: DOL_COUNTRY_NAMES entry {n!r} is not used by this input", file=sys.stderr)
    if errors:
        for e in errors:
            print("error:", e, file=sys.stderr)
        sys.exit(1)

    yn = lambda b: "yes" if b else "no"
    out = []
    for (good, code), r in sorted(rows.items()):
        out.append([good, code, yn(r[0]), yn(r[1]), yn(r[2]), names[good], r[4], yn(r[3]), r[5]])
    write(a.table_out, HEADER, out)
    write(a.goods_out, ["good", "name"], sorted(names.items()))

    print(f"{len(out)} rows, {len(names)} goods, {len({c for _, c in rows})} countries; "
          f"yes: child_labor {sum(r[0] for r in rows.values())}, forced_labor {sum(r[1] for r in rows.values())}, "
          f"forced_child_labor {sum(r[2] for r in rows.values())}, "
          f"derived_labor_exploitation {sum(r[3] for r in rows.values())}", file=sys.stderr)
    print(f"merged duplicates: {len(merged)}" + (" (" + "; ".join(merged) + ")" if merged else ""), file=sys.stderr)
    print("country names mapped by DOL_COUNTRY_NAMES: " + ", ".join(sorted(used)), file=sys.stderr)


if __name__ == "__main__":
    main()
