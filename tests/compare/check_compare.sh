#!/bin/bash
# `regio compare` end to end (issue #4). Usage:
#   check_compare.sh REGIO MPIEXEC SOURCE_DIR WORK_DIR
# 1. Two 3-epoch China-31 runs, the baseline and a copy with `trade: {border_cost: 2.0}`;
#    `regio compare A B --out C` exits 0 on 2 ranks and writes national.csv (3 epochs),
#    provinces.csv (epochs 0 and 2 x 31 provinces) and summary.md naming the changed parameter;
# 2. the baseline against itself written as regions.h5: every difference is zero (the HDF5
#    panel holds full doubles, regions.csv 15 digits: provinces agree to 1e-12);
# 3. a partial run (status: running) is refused: exit 1 on every rank, one `regio: error:` line.
set -u
REGIO=$1 MPIEXEC=$2 SRC=$3 W=$4
fail() { echo "FAIL: $*"; exit 1; }
rm -rf "$W"; mkdir -p "$W"
sed -e "s|^regions: \([^ ]*\)|regions: $SRC/inputs/china31/\1|" "$SRC/inputs/china31/baseline.yaml" > "$W/base.yaml"
cp "$W/base.yaml" "$W/border.yaml"
echo "trade: {border_cost: 2.0}" >> "$W/border.yaml"
cp "$W/base.yaml" "$W/h5.yaml"
echo "output_format: hdf5" >> "$W/h5.yaml"
run() { timeout 120 "$MPIEXEC" -np 2 "$REGIO" run "$@" --epochs 3 --quiet; }
run "$W/base.yaml" --out "$W/A" || fail "baseline run"
run "$W/border.yaml" --out "$W/B" || fail "border_cost run"
run "$W/h5.yaml" --out "$W/H" || fail "hdf5 run"
[ -f "$W/H/regions.h5" ] && [ ! -f "$W/H/regions.csv" ] || fail "the hdf5 run did not write regions.h5 only"

timeout 60 "$MPIEXEC" -np 2 "$REGIO" compare "$W/A" "$W/B" --out "$W/C" > "$W/C.log" 2>&1
rc=$?
[ $rc = 0 ] || { cat "$W/C.log"; fail "regio compare A B: exit $rc"; }
for f in national.csv provinces.csv summary.md; do [ -s "$W/C/$f" ] || fail "C/$f missing or empty"; done
[ "$(wc -l < "$W/C/national.csv")" = 4 ] || fail "national.csv: expected a header and 3 epochs"
[ "$(wc -l < "$W/C/provinces.csv")" = 63 ] || fail "provinces.csv: expected a header and 2 x 31 rows"
grep -q '| `trade.border_cost` | 3.34 | 2 |' "$W/C/summary.md" || fail "summary.md does not name the changed parameter"
grep -q '^## National, epoch 2 (2022)' "$W/C/summary.md" || fail "summary.md lacks the national table"
echo "ok: compare A B"

timeout 60 "$MPIEXEC" -np 1 "$REGIO" compare "$W/A" "$W/H" --out "$W/S" --epochs 0,1,last > "$W/S.log" 2>&1 \
  || { cat "$W/S.log"; fail "regio compare A H"; }
/usr/bin/python3 - "$W/S" <<'PY' || fail "the baseline against itself is not zero"
import csv, math, sys
d = sys.argv[1]
def check(name, tol):
    rows = list(csv.DictReader(open(f"{d}/{name}")))
    assert rows, name
    for r in rows:
        for k, v in r.items():
            if k.endswith("_diff") or k.endswith("_pct"):
                x = float(v)
                base = abs(float(r[k.rsplit("_", 1)[0] + "_baseline"])) if k.endswith("_diff") else 100.0
                if not math.isnan(x) and abs(x) > tol * max(base, 1e-300):
                    sys.exit(f"{name} epoch {r['epoch']} {r.get('province', '')} {k} = {v}")
    return len(rows)
assert check("national.csv", 0.0) == 3
assert check("provinces.csv", 1e-12) == 3 * 31
print("ok: zero differences against itself (regions.csv vs regions.h5)")
PY

cp -r "$W/B" "$W/P"
sed -i 's/^status: complete$/status: running/' "$W/P/run.yaml"
timeout 60 "$MPIEXEC" -np 2 "$REGIO" compare "$W/A" "$W/P" --out "$W/D" > "$W/D.log" 2> "$W/D.err"
rc=$?
[ $rc = 1 ] || { cat "$W/D.err"; fail "partial run: exit $rc, expected 1"; }
[ "$(grep -c '^regio: error:' "$W/D.err")" = 1 ] || { cat "$W/D.err"; fail "expected exactly one error line"; }
grep -q "P/run.yaml: the run is not complete (status: running).*--allow-partial" "$W/D.err" || { cat "$W/D.err"; fail "message"; }
[ ! -e "$W/D/national.csv" ] || fail "outputs written for a refused comparison"
echo "ok: a partial run is refused"
echo "ALL OK"
