#!/bin/bash
# The HDF5 files read by an independent reader (h5py and pandas, Debian's python3-h5py and
# python3-pandas), as docs/outputs.md and include/regio/checkpoint.hpp document them. Usage:
#   check_h5py.sh REGIO MPIEXEC SOURCE_DIR WORK_DIR
# One run of the 367 prefectures on 3 ranks (auto decomposition: each rank's regions are
# scattered through CSV order), 3 epochs, `output_format: both`, `checkpoint_every: 1`. Checks:
# 1. regions.h5: the root attributes, exactly one dataset per regions.csv column after
#    `province` plus id / province / year, shapes [epochs, N], ids and provinces in CSV order,
#    and every value equal to regions.csv (15 significant digits there: rtol 1e-14); the
#    docs/outputs.md pandas recipe; tools/regio_outputs.py's reader gives the CSV's table;
# 2. each kept checkpoint: its attributes, /state datasets of the documented shapes holding the
#    state at the start of its epoch (capital, registered of that epoch's rows of regions.csv;
#    population and prices of the previous epoch's solution, the warm start), and /solver
#    datasets of N rows (the per-pair drift is 1-D).
set -u
REGIO=$1 MPIEXEC=$2 SRC=$3 W=$4
fail() { echo "FAIL: $*"; exit 1; }
/usr/bin/python3 -c "import h5py, pandas" 2>/dev/null \
  || fail "this test reads the HDF5 files with h5py and pandas: apt-get install python3-h5py python3-pandas (scripts/install-deps.sh does)"
rm -rf "$W"; mkdir -p "$W"
printf 'base: %s\noutput_format: both\ncheckpoint_every: 1\n' "$SRC/inputs/china-prefectures/baseline.yaml" > "$W/s.yaml"
timeout 300 "$MPIEXEC" -np 3 "$REGIO" run "$W/s.yaml" --decomp auto --epochs 3 --quiet --out "$W/out" \
  || fail "the prefecture run"
[ "$(tail -1 "$W/out/run.yaml")" = "status: complete" ] || fail "the run did not complete"

PYTHONPATH="$SRC/tools" /usr/bin/python3 - "$W/out" <<'PY' || fail "the HDF5 files disagree with their documentation"
import glob, sys
import h5py, numpy as np, pandas as pd
import regio_outputs

out = sys.argv[1]
csv = pd.read_csv(f"{out}/regions.csv", dtype={"region": str}, float_precision="round_trip")
epochs = sorted(csv["epoch"].unique())
first = csv[csv["epoch"] == epochs[0]]
ids, provinces, N = list(first["region"]), list(first["province"]), len(first)
columns = list(csv.columns[csv.columns.get_loc("province") + 1:])

def same(a, b, what, rtol=1e-14):
    a, b = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
    assert a.shape == b.shape, f"{what}: shape {a.shape} vs {b.shape}"
    bad = ~np.isclose(a, b, rtol=rtol, atol=0.0)
    assert not bad.any(), f"{what}: {bad.sum()} values differ, e.g. {a[bad][0]!r} vs {b[bad][0]!r}"

# ---- 1. the region panel
with h5py.File(f"{out}/regions.h5", "r") as f:
    assert f.attrs["regions"] == N and f.attrs["start_year"] == first["year"].iloc[0], dict(f.attrs)
    g = f["regions"]
    assert set(g) == set(columns) | {"id", "province", "year"}, sorted(set(g) ^ (set(columns) | {"id", "province", "year"}))
    assert [s.decode() for s in g["id"][:]] == ids, "ids not in CSV order"
    assert [s.decode() for s in g["province"][:]] == provinces, "provinces not in CSV order"
    years = g["year"][:]
    assert g["year"].dtype == np.int64 and list(years) == sorted(csv["year"].unique()), years
    for c in columns:
        assert g[c].dtype == np.float64 and g[c].shape == (len(epochs), N), (c, g[c].dtype, g[c].shape)
        same(g[c][:], csv[c].to_numpy().reshape(len(epochs), N), f"regions/{c}")
    # docs/outputs.md, as written there
    wage = pd.DataFrame(f["regions/wage"][:], index=f["regions/year"][:], columns=[s.decode() for s in f["regions/id"][:]])
    row = csv[(csv["year"] == years[-1]) & (csv["region"] == ids[N // 2])]
    same(wage.loc[years[-1], ids[N // 2]], row["wage"].iloc[0], "the pandas recipe")
print(f"ok: regions.h5 holds regions.csv ({len(columns)} columns x {len(epochs)} epochs x {N} regions)")

table = regio_outputs.read_regions_h5(f"{out}/regions.h5")
assert list(table["region"]) == list(csv["region"]), "regio_outputs: region order"
for c in columns:
    same(table[c], csv[c], f"regio_outputs {c}")
print("ok: tools/regio_outputs.py reads regions.h5 as regions.csv")

# ---- 2. the checkpoints
paths = sorted(glob.glob(f"{out}/checkpoints/checkpoint-e*.h5"))
assert len(paths) == 2, f"expected the last two checkpoints, found {paths}"
S = sum(c.startswith("employment_") for c in columns)
for path in paths:
    with h5py.File(path, "r") as f:
        e = int(f.attrs["epoch"])
        assert path.endswith(f"checkpoint-e{e:06d}.h5"), (path, e)
        assert f.attrs["regions"] == N and f.attrs["sectors"] == S and f.attrs["format_version"] == 2, dict(f.attrs)
        for k in ("scenario_hash", "geography_hash", "regio_version", "run_id", "identity_checksum"):
            assert k in f.attrs, k
        # Every dataset's checksum, as include/regio/checkpoint_arrays.hpp documents it: the sum
        # mod 2^64 of FNV-1a over (row index as uint64, the row's float64 bytes).
        def fnv1a(data, h=1469598103934665603):
            for b in data:
                h = ((h ^ b) * 1099511628211) & 0xFFFFFFFFFFFFFFFF
            return h
        def checksum(d):
            rows = d[:].reshape(1, -1) if d.ndim == 1 else d[:]
            return sum(fnv1a(r.astype("<f8").tobytes(), fnv1a(np.uint64(i).tobytes())) for i, r in enumerate(rows)) % 2**64
        for group in ("state", "solver"):
            for name, d in f[group].items():
                assert int(d.attrs["checksum"]) == checksum(d), (path, group, name)
        st = f["state"]
        widths = {"log_productivity": S, "prices": 3}
        for name in ("capital", "registered", "population", "amenity", "land", "capital_friction",
                     "hukou_barrier", "conversion_rate", "lagged_capital_rent", "log_productivity", "prices"):
            assert st[name].shape == (N, widths.get(name, 1)), (path, name, st[name].shape)
            assert np.isfinite(st[name][:]).all(), (path, name)
        now, before = csv[csv["epoch"] == e], csv[csv["epoch"] == e - 1]
        same(st["capital"][:, 0], now["capital"], f"{path}: capital", 1e-13)
        same(st["registered"][:, 0], now["registered"], f"{path}: registered", 1e-13)
        same(st["population"][:, 0], before["population"], f"{path}: population", 1e-13)
        for k, c in enumerate(("wage", "capital_rent", "land_rent")):
            same(st["prices"][:, k], before[c], f"{path}: prices {c}", 1e-11)
        solver = f["solver"]
        assert "province_coarse_correction" in solver and "recycled_sources" in solver, sorted(solver)
        for name in solver:
            d = solver[name]
            assert (d.ndim == 1) if name == "recycled_drift" else (d.ndim == 2 and d.shape[0] == N), (name, d.shape)
            assert np.isfinite(d[:]).all(), (path, name)
        coarse = solver["province_coarse_correction"][:]
        assert coarse.shape[1] == 17  # 4 unknowns: the province's 4x4 block and the region's weight in R
        weights = pd.Series(coarse[:, 16]).groupby(np.array(provinces)).sum()
        assert (coarse[:, 16] > 0).all() and np.allclose(weights, 1.0, rtol=0, atol=1e-12), weights.describe()
        # The warm-start trend (numerics.md): the last solution, and from the checkpoint after
        # epoch 2 on (e = 3) the step that epoch took; 4 unknowns per region.
        assert solver["warm_start_solution"].shape == (N, 4), solver["warm_start_solution"].shape
        assert ("warm_start_step1" in solver) == (e >= 3), (e, sorted(solver))
        if e >= 3:
            assert solver["warm_start_step1"].shape == (N, 4)
            assert 0 < np.abs(solver["warm_start_step1"][:]).max() < 1, "a year's step is a small move in logs"
        pairs = solver["recycled_drift"].shape[0]
        assert solver["recycled_sources"].shape[1] == 4 * pairs == solver["recycled_images"].shape[1], pairs
    print(f"ok: {path.rsplit('/', 1)[1]}: epoch {e}, /state and /solver as documented ({pairs} recycled pairs)")
PY
echo "ok: h5py and pandas read regio's HDF5 files as documented"
