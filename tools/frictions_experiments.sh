#!/bin/bash
# The border-removal scenario re-examined against observed province-pair trade frictions
# (docs/frictions.md): runs the shipped China-31 baseline and border removal, the baseline with
# Tombe & Zhu's Head–Ries frictions (inputs/china31/frictions/), and three changes of those
# frictions; compares each with its baseline (regio compare) and prints the table of
# docs/frictions.md (changes in 2021 and in 2029).
#   bash tools/frictions_experiments.sh [RANKS] [OUT]   (needs build/regio; default 2, out/frictions)
set -euo pipefail
cd "$(dirname "$0")/.."
RANKS=${1:-2}
OUT=${2:-out/frictions}
. scripts/mpi-env.sh
mkdir -p "$OUT"
OUT=$(cd "$OUT" && pwd)
IN=$(pwd)/inputs/china31
run() { mpirun -np "$RANKS" build/regio run "$1" --quiet --overwrite --out "$OUT/$2"; }
compare() { mpirun -np 1 build/regio compare "$OUT/$1" "$OUT/$2" --out "$OUT/compare-$2" > /dev/null; }
# Variants of the observed frictions: /3.34 (the shipped border cost divided out, some pairs then
# below the within-province level), the same floored at 1, and 1 everywhere (header only).
/usr/bin/python3 - "$IN/frictions/head-ries-2002.csv" "$OUT" <<'PY'
import csv, sys
rows = list(csv.DictReader(open(sys.argv[1])))
for name, f in (("border-divided", lambda t: t / 3.34), ("border-divided-floor", lambda t: max(1.0, t / 3.34)),
                ("half-gap", lambda t: t ** 0.5), ("within", None)):
    with open(f"{sys.argv[2]}/{name}.csv", "w") as out:
        out.write("from_province,to_province,sector,tau\n")
        for r in rows if f else []:
            out.write(f"{r['from_province']},{r['to_province']},{r['sector']},{f(float(r['tau']))!r}\n")
PY
# Counterfactuals from 2020 (epoch 0) on the baseline's calibrated fundamentals: no rescaling of Ā.
variant() {  # NAME BASE_YAML TRADE_LINES
  printf 'base: %s\nscale_to_observed_gdp: false\ntrade:\n%b' "$2" "$3" > "$OUT/$1.yaml"
}
variant shipped-removal-2020 "$IN/baseline.yaml" '  border_cost: 1\n'
for v in border-divided border-divided-floor half-gap within; do
  variant "frictions-$v" "$IN/frictions/baseline.yaml" "  frictions: $OUT/$v.csv\n"
done
run "$IN/baseline.yaml" shipped-baseline
run "$IN/scenarios/border-removal.yaml" shipped-removal-2021
run "$OUT/shipped-removal-2020.yaml" shipped-removal-2020
run "$IN/frictions/baseline.yaml" frictions-baseline
for v in shipped-removal-2021 shipped-removal-2020; do compare shipped-baseline "$v"; done
for v in border-divided border-divided-floor half-gap within; do
  run "$OUT/frictions-$v.yaml" "frictions-$v"
  compare frictions-baseline "frictions-$v"
done
/usr/bin/python3 - "$OUT" <<'PY'
import csv, glob, math, os, sys
print("| scenario | year | GDP % | real GDP % | welfare (CE) % | internal trade share pp | inter-provincial trade share pp |")
print("|---|---|---:|---:|---:|---:|---:|")
for d in sorted(glob.glob(os.path.join(sys.argv[1], "compare-*"))):
    rows = list(csv.DictReader(open(os.path.join(d, "national.csv"))))
    for r in (rows[1], rows[-1]):
        g = lambda k: float(r[k]) if r.get(k) not in (None, "", "nan") else math.nan
        print(f"| {os.path.basename(d)[8:]} | {r['year']} | {g('gdp_pct'):+.2f} | {g('real_gdp_pct'):+.2f} | "
              f"{g('welfare_equivalent_pct'):+.2f} | {100 * g('internal_trade_share_diff'):+.2f} | "
              f"{100 * g('interprovincial_trade_share_diff'):+.2f} |")
PY
