#!/bin/bash
# The plotting tools (tools/plot_scenario.py, plot_map.py, plot_flows.py) on real regio runs, and
# the province polygons (inputs/geo/china_provinces.geojson). CTest label: tools.
#
#   bash tests/test_plot_tools.sh REGIO_BINARY MPIEXEC SOURCE_DIR WORK_DIR
#
# Runs the China-31 baseline and a trade-integration scenario (3 epochs, 1 rank) into WORK_DIR,
# draws every kind of figure from them and checks that each PNG exists, is large enough
# (bytes and pixels) and is not blank; checks that the GeoJSON has exactly the 31 mainland
# provinces of inputs/china31/regions.csv (and of the prefecture and county inputs) and the
# province aggregation, that regio's migration.csv adds up to the migrants in and out of
# regions.csv, and that the CSV headers regio wrote are tools/output_schema.json's.
set -euo pipefail
REGIO=${1:?regio binary}; MPIEXEC=${2:?mpiexec}; SRC=${3:?source dir}; WORK=${4:?work dir}
PY=/usr/bin/python3
TOOLS=$SRC/tools
rm -rf "$WORK"; mkdir -p "$WORK"
fail=0; passed=0
ok()   { echo "PASS: $*"; passed=$((passed + 1)); }
bad()  { echo "FAIL: $*"; fail=$((fail + 1)); }

# ---- two real runs: baseline and a scenario with lower provincial trade barriers
"$MPIEXEC" -np 1 "$REGIO" run "$SRC/inputs/china31/baseline.yaml" --epochs 3 --quiet \
  --decomp "$SRC/decomp/china31-np1.yaml" --out "$WORK/baseline"
sed -e "s|^regions: .*|regions: $SRC/inputs/china31/regions_calibrated.csv|" \
  "$SRC/inputs/china31/baseline.yaml" > "$WORK/trade.yaml"
printf 'trade:\n  border_cost: 2.0\n' >> "$WORK/trade.yaml"
"$MPIEXEC" -np 1 "$REGIO" run "$WORK/trade.yaml" --epochs 3 --quiet \
  --decomp "$SRC/decomp/china31-np1.yaml" --out "$WORK/trade"
for r in baseline trade; do
  [ "$(tail -1 "$WORK/$r/run.yaml")" = "status: complete" ] || { echo "FAIL: run $r did not complete"; exit 1; }
done

# ---- migration.csv written by regio: with one region per province, each origin's row sums to its
#      migrants_out and each destination's column to its migrants_in (regions.csv), every epoch.
for r in baseline trade; do
  [ -f "$WORK/$r/migration.csv" ] || { echo "FAIL: regio did not write $r/migration.csv"; exit 1; }
  "$PY" - "$WORK/$r" <<'EOF' || { echo "FAIL: $r/migration.csv disagrees with regions.csv"; exit 1; }
import csv, sys
from collections import defaultdict
run = sys.argv[1]
out, inn = defaultdict(float), defaultdict(float)
for f in csv.DictReader(open(f"{run}/migration.csv", encoding="utf-8")):
    out[f["epoch"], f["origin"]] += float(f["migrants"])
    inn[f["epoch"], f["destination"]] += float(f["migrants"])
n = 0
for r in csv.DictReader(open(f"{run}/regions.csv", encoding="utf-8")):
    k = (r["epoch"], r["province"])
    for got, want in ((out[k], float(r["migrants_out"])), (inn[k], float(r["migrants_in"]))):
        assert abs(got - want) <= 1e-9 * want, (k, got, want)
    n += 1
print(f"migration.csv agrees with migrants_in/out of regions.csv ({n} region-epochs)")
EOF
done

# ---- the figures
run_tool() {  # name, command...
  local name=$1; shift
  if "$@" > "$WORK/$name.log" 2>&1; then ok "$name: $(tail -1 "$WORK/$name.log")"; else bad "$name"; cat "$WORK/$name.log"; fi
}
run_tool scenario "$PY" "$TOOLS/plot_scenario.py" "$WORK/baseline" "$WORK/trade" \
  --labels Baseline "Trade integration" -o "$WORK/scenario.png" --dpi 100
run_tool scenario_diff "$PY" "$TOOLS/plot_scenario.py" "$WORK/baseline" "$WORK/trade" --diff -o "$WORK/scenario_diff.png" --dpi 100
run_tool map_gdp_pc "$PY" "$TOOLS/plot_map.py" "$WORK/baseline" --var gdp_pc --epoch last -o "$WORK/map_gdp_pc.png" --dpi 100
run_tool map_diff "$PY" "$TOOLS/plot_map.py" "$WORK/trade" --var population --epoch 2022 \
  --baseline "$WORK/baseline" -o "$WORK/map_diff.png" --dpi 100
run_tool map_net "$PY" "$TOOLS/plot_map.py" "$WORK/trade" --var net_migration --baseline "$WORK/baseline" \
  --no-bars -o "$WORK/map_net.png" --dpi 100
run_tool flows "$PY" "$TOOLS/plot_flows.py" "$WORK/baseline" --epoch last --top 40 -o "$WORK/flows.png" --dpi 100
run_tool flows_diff "$PY" "$TOOLS/plot_flows.py" "$WORK/trade" --baseline "$WORK/baseline" --top 15 \
  -o "$WORK/flows_diff.png" --dpi 100

# bad arguments fail with a message, not a traceback
if "$PY" "$TOOLS/plot_map.py" "$WORK/baseline" --var no_such_variable -o "$WORK/x.png" > "$WORK/badvar.log" 2>&1; then
  bad "unknown variable accepted"
elif grep -q "unknown variable 'no_such_variable'" "$WORK/badvar.log" && ! grep -q Traceback "$WORK/badvar.log"; then
  ok "unknown variable rejected: $(tail -1 "$WORK/badvar.log")"
else
  bad "unknown variable: unexpected message"; cat "$WORK/badvar.log"
fi

# ---- PNGs exist, are large and not blank; GeoJSON and aggregation
"$PY" - "$WORK" "$SRC" <<'EOF' || fail=$((fail + 1))
import csv, json, os, sys
import numpy as np
import matplotlib
matplotlib.use("Agg")
import matplotlib.image as mpimg
work, src = sys.argv[1], sys.argv[2]
sys.path.insert(0, os.path.join(src, "tools"))
import regio_outputs as ro
problems = []
for name in ["scenario", "scenario_diff", "map_gdp_pc", "map_diff", "map_net", "flows", "flows_diff"]:
    path = os.path.join(work, name + ".png")
    if not os.path.exists(path):
        problems.append(f"{name}.png missing"); continue
    size = os.path.getsize(path)
    img = mpimg.imread(path)
    h, w = img.shape[:2]
    rgb = img[..., :3].reshape(-1, 3)
    colours = len(np.unique((rgb * 255).astype(np.uint8), axis=0))
    non_white = float(np.mean(rgb.min(axis=1) < 0.95))
    print(f"{name}.png: {size / 1024:.0f} KiB, {w}x{h} px, {colours} colours, {100 * non_white:.0f}% non-white")
    if size < 20_000 or w < 900 or h < 700 or colours < 50 or non_white < 0.05:
        problems.append(f"{name}.png looks blank or too small")
# GeoJSON: exactly the 31 mainland provinces of the region inputs
geo = json.load(open(os.path.join(src, "inputs/geo/china_provinces.geojson"), encoding="utf-8"))
model = sorted(f["properties"]["province"] for f in geo["features"] if f["properties"]["model"])
for res in ["china31", "china-prefectures", "china-counties"]:
    with open(os.path.join(src, "inputs", res, "regions.csv"), newline="", encoding="utf-8") as f:
        provs = sorted({r["province"] for r in csv.DictReader(f)})
    if model != provs:
        problems.append(f"GeoJSON model provinces differ from inputs/{res}/regions.csv: "
                        f"{sorted(set(model) ^ set(provs))}")
if len(model) != 31 or len(set(model)) != 31:
    problems.append(f"GeoJSON has {len(model)} model provinces, not 31 distinct ones")
for f in geo["features"]:
    g = f["geometry"]
    polys = [g["coordinates"]] if g["type"] == "Polygon" else g["coordinates"]
    if not polys or any(len(r) < 4 or r[0] != r[-1] for p in polys for r in p):
        problems.append(f"{f['properties']['province']}: empty or unclosed polygon")
print(f"GeoJSON: {len(geo['features'])} features, {len(model)} model provinces, "
      f"{os.path.getsize(os.path.join(src, 'inputs/geo/china_provinces.geojson')) / 1024:.0f} KiB")
# aggregation: two regions of one province
t = {"epoch": np.zeros(3), "year": np.full(3, 2020.0), "province": np.array(["A", "A", "B"], dtype=object),
     "population": np.array([1.0, 3.0, 2.0]), "gdp": np.array([2.0, 2.0, 5.0]),
     "migrants_in": np.array([0.5, 0.5, 0.0]), "migrants_out": np.array([0.0, 1.0, 0.0]),
     "wage": np.array([1.0, 2.0, 4.0]), "price_index": np.array([1.0, 1.0, 1.0])}
a = ro.aggregate_provinces(t)
checks = [(list(a["province"]), ["A", "B"]), (list(a["population"]), [4.0, 2.0]),
          (list(ro.province_column(a, "gdp_pc")), [1.0, 2.5]), (list(a["wage"]), [1.75, 4.0]),
          (list(ro.province_column(a, "net_migration")), [0.0, 0.0])]
for got, want in checks:
    same = got == want if isinstance(want[0], str) else np.allclose(got, want)
    if not same:
        problems.append(f"aggregation: got {got}, want {want}")
# China-31: provinces = regions, gdp_pc of the output reproduced
run = ro.Run(os.path.join(work, "baseline"))
names, vals, var = run.province_values("gdp_pc", 0)
reg = run.regions()
rows = reg["epoch"] == 0
if not np.allclose(vals, reg["gdp_pc"][rows] * var.scale, rtol=1e-9):
    problems.append("China-31 gdp_pc aggregated from gdp / population differs from regions.csv gdp_pc")
# The reader's schema (tools/output_schema.json) is what regio wrote: every CSV's header.
sectors = [s["name"] for s in run.scenario["sectors"]]
io = any(s.get("intermediate_shares") for s in run.scenario["sectors"])
for name in ["regions.csv", "aggregates.csv", "migration.csv", "solver.csv"]:
    with open(os.path.join(work, "baseline", name), newline="", encoding="utf-8") as f:
        header = next(csv.reader(f))
    if header != ro.column_names(name, sectors, io):
        problems.append(f"{name}: header {header} is not tools/output_schema.json's {ro.column_names(name, sectors, io)}")
for p in problems:
    print("FAIL:", p)
print("PASS: PNGs, GeoJSON, aggregation, output schema" if not problems else f"FAIL: {len(problems)} problems")
sys.exit(1 if problems else 0)
EOF
[ $fail -eq 0 ] && passed=$((passed + 1))
echo "$passed passed, $fail failed"
[ $fail -eq 0 ]
