#!/usr/bin/env python3
"""Finish blind-encoded calibration cases: add the label and the record metadata.

The encoders write `<id>.json` with `source_id`, `summary`, `application`, `basis` and an optional
`encoding_note`, from the record's country, sector, name and description only (their input has the
label and the automatic hints removed). This script, run afterwards, adds what they never saw:
`half`, `institution`, `published_category`, `source`, and `applicant.financial_intermediary` from
the record's metadata (World Bank IBRD/IDA lending goes to member governments; an IFC record's
industry group "Financial Institutions" marks an intermediary), with that metadata as its basis.

    tools/calibration_label.py ENCODED_DIR OUT_DIR HALF   # HALF: tuning | held_out
"""
import json
import os
import sys

DATA = os.path.join(os.path.dirname(__file__), "..", "..", "shared", "data", "calibration",
                    "mdb-categorisations.jsonl")
SOURCES = {
    "IFC": "World Bank Group, IFC Investment Services Projects dataset (DS00499, April 2025), CC BY 4.0",
    "WB": "World Bank Group, World Bank Projects API snapshot (December 2013), CC BY 4.0",
}
WB_BASIS = (" to a member government (IBRD/IDA lend to governments, not through financial "
            "intermediaries)")


def main(encoded, out_dir, half):
    records = {}
    with open(DATA, encoding="utf-8") as f:
        for line in f:
            r = json.loads(line)
            records[r["id"]] = r
    for name in sorted(os.listdir(encoded)):
        case = json.load(open(os.path.join(encoded, name), encoding="utf-8"))
        extra = set(case) - {"source_id", "summary", "application", "basis", "encoding_note"}
        if extra:
            sys.exit(f"{name}: unexpected keys {sorted(extra)} (the encoder may not add them)")
        r = records[case["source_id"]]
        prefix = "IFC" if case["source_id"].startswith("IFC") else "WB"
        if prefix == "WB":
            fi, basis = False, f"lending instrument: {r['lending_instrument']}{WB_BASIS}"
        else:
            group = r["sector_primary"] or r["sector"]
            fi, basis = group == "Financial Institutions", f"IFC industry group: {group}"
        app = case["application"]
        ordered = {k: app[k] for k in ("reference", "instrument", "application_date")}
        ordered["applicant"] = {"financial_intermediary": fi}
        ordered.update({k: v for k, v in app.items() if k not in ordered})
        facts = dict(case["basis"], **{"applicant.financial_intermediary": basis})
        out = {
            "source_id": case["source_id"], "half": half, "institution": r["institution"],
            "published_category": r["category"], "source": SOURCES[prefix],
            "summary": case["summary"], "application": ordered, "basis": dict(sorted(facts.items())),
        }
        if case.get("encoding_note"):
            out["encoding_note"] = case["encoding_note"]
        with open(os.path.join(out_dir, name), "w", encoding="utf-8") as f:
            f.write(json.dumps(out, indent=2, ensure_ascii=False) + "\n")


if __name__ == "__main__":
    if len(sys.argv) != 4 or sys.argv[3] not in ("tuning", "held_out"):
        sys.exit(__doc__)
    main(*sys.argv[1:])
