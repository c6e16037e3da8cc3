#!/usr/bin/env python3
"""`regio frictions` recovers known frictions from a levels equilibrium (MODEL.md §12; CTest frictions_round_trip_np*).

    check_frictions.py REGIO NP OUT [--tolerance 1e-10]

A synthetic levels economy (tools/synth_regions.py: 6 regions in 6 provinces, two sectors with
θ = 4 and 6, migration with ε = 1.5) is given *asymmetric* province-pair trade factors t_pqs
(trade.frictions: a factor per direction and sector, one pair given in one direction only, so
symmetric, and one direction `inf`: no trade) on top of distance and a border cost, and
asymmetric migration factors (migration.frictions, one direction `inf`) on top of μ_0, distance,
the border cost and a hukou barrier, with random amenities B. Twice:

  A. trade.distance_elasticity = 0.2: τ_nn ≠ 1, so what the data identify is τ_ni/τ_nn;
  B. trade.distance_elasticity = 0 (τ_nn = 1 with one region per province): the data identify τ.

For each: `regio run --epochs 1 --export-base` (np ranks) solves it and writes its equilibrium;
`regio frictions --trade exact`, `--trade head-ries` and `--migration-out` (np ranks) invert it.
Checked against values computed here from the regions' coordinates, exactly as regio does
(haversine, internal distance (2/3) sqrt(area/π)), independently of regio:
  exact       τ_nis/τ_nns = (1 + D_ni/d0)^φ b t_{p(i)→p(n),s} / (1 + D_nn/d0)^φ    (inf where t = inf)
  Head–Ries   sqrt(τ_nis τ_ins / (τ_nns τ_iis))
  migration   μ_od B_o/B_d = μ_0 (1 + D_od/d0)^φ_m b_m h t_{p(o)→p(d)} B_o/B_d    (inf where t = inf)
Then, for B only (the normalisation the data identify is the whole cost there):
  R. a run with the recovered frictions as the only bilateral costs (no distance, border, μ_0 or
     barrier; B ≡ 1) reproduces the original equilibrium's trade and migration shares and
     populations;
  C. `regio calibrate` of that scenario on the original equilibrium's populations and GDP writes
     amenity 1 everywhere (B ≡ 1 with migration.frictions) and recovers the original
     productivities (to 1e-8: the calibration's own tolerance), its verification passing.
Prints the largest relative differences; exits 1 if one exceeds its tolerance.
"""
import argparse
import csv
import math
import os
import random
import shutil
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
B_TRADE, D0, EPS, MU0, PHI_M, B_MIG, HUKOU = 1.4, 100.0, 1.5, 1.3, 0.5, 2.0, 1.2
SECTORS = """sectors:
  - name: food
    theta: 4
    labor_share: 0.6
    capital_share: 0.2
    consumption_share: 0.3
  - name: goods
    theta: 6
    labor_share: 0.5
    capital_share: 0.3
    consumption_share: 0.7
"""
THETA = {"food": 4.0, "goods": 6.0}


def run(cmd):
    p = subprocess.run(cmd, capture_output=True, text=True)
    if p.returncode != 0:
        sys.exit(f"failed ({p.returncode}): {' '.join(cmd)}\n{p.stdout}\n{p.stderr}")
    return p.stdout


def distance(a, b):
    if a is b:
        return (2.0 / 3.0) * math.sqrt(float(a["area_km2"]) / math.pi)
    la1, lo1, la2, lo2 = (math.radians(float(x)) for x in (a["lat"], a["lon"], b["lat"], b["lon"]))
    h = math.sin((la2 - la1) / 2) ** 2 + math.cos(la1) * math.cos(la2) * math.sin((lo2 - lo1) / 2) ** 2
    return 2 * 6371.0 * math.asin(min(1.0, math.sqrt(h)))


def read_csv(path):
    with open(path, newline="", encoding="utf-8") as f:
        return list(csv.DictReader(f))


class Worst:
    """The largest relative difference of a check, and where."""

    def __init__(self, name):
        self.name, self.value, self.where, self.count, self.failed = name, 0.0, "", 0, []

    def add(self, got, want, where):
        self.count += 1
        if math.isinf(want) or math.isinf(got):
            if not (math.isinf(want) and math.isinf(got)):
                self.failed.append(f"{where}: got {got!r}, want {want!r}")
            return
        d = abs(got - want) / max(abs(want), abs(got), 1e-300)
        if d >= self.value:
            self.value, self.where = d, f"{where}: got {got!r}, want {want!r}"

    def report(self, tolerance):
        print(f"  {self.name}: {self.count} values, largest relative difference {self.value:.3g} ({self.where})")
        for f in self.failed:
            print(f"    MISMATCH {f}")
        return not self.failed and self.value <= tolerance and self.count > 0


def make_economy(out, phi, regions_csv):
    """Scenario with asymmetric trade and migration factors; returns (t, m) factors by province pair."""
    regions = read_csv(regions_csv)
    provinces = [r["province"] for r in regions]
    assert len(set(provinces)) == len(regions), "one region per province expected"
    rng = random.Random(11)
    P = len(provinces)
    t = {}
    with open(os.path.join(out, "trade_frictions.csv"), "w", encoding="utf-8") as f:
        f.write("from_province,to_province,sector,tau\n")
        for s in ("food", "goods"):
            for x in range(P):
                for y in range(P):
                    if x == y:
                        continue
                    if (x, y) == (0, 1):  # one pair given in one direction only: symmetric
                        v = rng.uniform(0.8, 3.0)
                        t[(s, x, y)] = t[(s, y, x)] = v
                        f.write(f"{provinces[x]},{provinces[y]},{s},{v!r}\n")
                        continue
                    if (x, y) == (1, 0):
                        continue
                    v = math.inf if (s, x, y) == ("goods", 2, 4) else rng.uniform(0.8, 3.0)
                    t[(s, x, y)] = v  # x exports to y
                    f.write(f"{provinces[x]},{provinces[y]},{s},{'inf' if math.isinf(v) else repr(v)}\n")
    m = {}
    with open(os.path.join(out, "migration_frictions.csv"), "w", encoding="utf-8") as f:
        f.write("from_province,to_province,mu\n")
        for x in range(P):
            for y in range(P):
                if x != y:
                    v = math.inf if (x, y) == (3, 5) else rng.uniform(0.7, 2.5)
                    m[(x, y)] = v  # hukou origin x, destination y
                    f.write(f"{provinces[x]},{provinces[y]},{'inf' if math.isinf(v) else repr(v)}\n")
    # Random amenities.
    rows = read_csv(regions_csv)
    for r in rows:
        r["amenity"] = f"{rng.uniform(0.7, 1.4):.6f}"
    with open(os.path.join(out, "regions.csv"), "w", newline="", encoding="utf-8") as f:
        w = csv.DictWriter(f, fieldnames=list(rows[0].keys()), lineterminator="\n")
        w.writeheader()
        w.writerows(rows)
    with open(os.path.join(out, "scenario.yaml"), "w", encoding="utf-8") as f:
        f.write(f"regions: regions.csv\ndecomposition: auto\nepochs: 1\nscale_to_observed_gdp: false\n"
                f"trade:\n  d0_km: {D0}\n  distance_elasticity: {phi}\n  border_cost: {B_TRADE}\n"
                "  frictions: trade_frictions.csv\n"
                f"migration:\n  elasticity: {EPS}\n  moving_cost: {MU0}\n  distance_elasticity: {PHI_M}\n"
                f"  border_cost: {B_MIG}\n  hukou_barrier: {HUKOU}\n  frictions: migration_frictions.csv\n"
                "solver:\n  atol: 1e-13\n" + SECTORS)
    return rows, provinces, t, m


def check_inversion(a, out, phi, rows, provinces, t, m, mpi):
    base = os.path.join(out, "base")
    run(mpi + ["run", os.path.join(out, "scenario.yaml"), "--quiet", "--out", os.path.join(out, "levels"),
               "--export-base", base])
    for mode in ("exact", "head-ries"):
        run(mpi + ["frictions", base, "--trade", mode, "--trade-out", os.path.join(out, f"{mode}.csv")] +
            (["--migration-out", os.path.join(out, "migration.csv")] if mode == "exact" else []))
    index = {p: k for k, p in enumerate(provinces)}
    tau = {}  # τ_nis of importer n, exporter i: (1 + D/d0)^φ b^[n≠i] t_{i→n}
    for s in THETA:
        for n, rn in enumerate(rows):
            for i, ri in enumerate(rows):
                d = (1 + distance(rn, ri) / D0) ** phi
                tau[(s, n, i)] = d if n == i else d * B_TRADE * t[(s, i, n)]
    ok = True
    exact = Worst(f"exact τ_ni/τ_nn (φ = {phi})")
    seen = set()
    for r in read_csv(os.path.join(out, "exact.csv")):
        assert r["inversion"] == "exact"
        s, i, n = r["sector"], index[r["from_province"]], index[r["to_province"]]
        seen.add((s, i, n))
        exact.add(float(r["tau"]), tau[(s, n, i)] / tau[(s, n, n)], f"{s} {provinces[i]}→{provinces[n]}")
    ok &= exact.report(a.tolerance) and len(seen) == 2 * len(rows) * (len(rows) - 1)
    hr = Worst(f"Head–Ries sqrt(τ_ni τ_in/(τ_nn τ_ii)) (φ = {phi})")
    seen = set()
    for r in read_csv(os.path.join(out, "head-ries.csv")):
        assert r["inversion"] == "head-ries"
        s, i, n = r["sector"], index[r["from_province"]], index[r["to_province"]]
        seen.add((s, min(i, n), max(i, n)))
        want = math.sqrt(tau[(s, n, i)] * tau[(s, i, n)] / (tau[(s, n, n)] * tau[(s, i, i)]))
        hr.add(float(r["tau"]), want, f"{s} {provinces[i]}–{provinces[n]}")
    ok &= hr.report(a.tolerance) and len(seen) == 2 * len(rows) * (len(rows) - 1) // 2
    mig = Worst(f"migration μ_od B_o/B_d (φ = {phi})")
    seen = set()
    for r in read_csv(os.path.join(out, "migration.csv")):
        o, d = index[r["from_province"]], index[r["to_province"]]
        seen.add((o, d))
        mu = (MU0 * (1 + distance(rows[o], rows[d]) / D0) ** PHI_M * B_MIG * HUKOU * m[(o, d)] *
              float(rows[o]["amenity"]) / float(rows[d]["amenity"]))
        mig.add(float(r["mu"]), mu, f"{provinces[o]}→{provinces[d]}")
    ok &= mig.report(a.tolerance) and len(seen) == len(rows) * (len(rows) - 1)
    return ok


def shares(base):
    """Trade and migration shares and populations of a base-year folder, by key."""
    out = {}
    for r in read_csv(os.path.join(base, "trade_shares.csv")):
        out[("π", r["sector"], r["importer"], r["exporter"])] = float(r["share"])
    for r in read_csv(os.path.join(base, "migration_shares.csv")):
        out[("m", r["origin_region"], r["destination_region"])] = float(r["share"])
    for r in read_csv(os.path.join(base, "units.csv")):
        out[("L", r["region"])] = float(r["employment"])
    return out


def check_reproduction(a, out, rows, mpi):
    """R and C of the docstring, on economy B."""
    ok = True
    rec = os.path.join(out, "recovered")
    os.makedirs(rec, exist_ok=True)
    with open(os.path.join(rec, "regions.csv"), "w", newline="", encoding="utf-8") as f:
        w = csv.DictWriter(f, fieldnames=list(rows[0].keys()), lineterminator="\n")
        w.writeheader()
        w.writerows([dict(r, amenity="1") for r in rows])
    body = (f"decomposition: auto\nepochs: 1\nscale_to_observed_gdp: false\n"
            f"trade:\n  d0_km: {D0}\n  distance_elasticity: 0\n  border_cost: 1\n  frictions: ../exact.csv\n"
            f"migration:\n  elasticity: {EPS}\n  moving_cost: 1\n  distance_elasticity: 0\n  border_cost: 1\n"
            "  hukou_barrier: 1\n  frictions: ../migration.csv\nsolver:\n  atol: 1e-13\n" + SECTORS)
    with open(os.path.join(rec, "scenario.yaml"), "w", encoding="utf-8") as f:
        f.write("regions: regions.csv\n" + body)
    run(mpi + ["run", os.path.join(rec, "scenario.yaml"), "--quiet", "--out", os.path.join(rec, "levels"),
               "--export-base", os.path.join(rec, "base")])
    before, after = shares(os.path.join(out, "base")), shares(os.path.join(rec, "base"))
    rep = Worst("R: recovered frictions, B ≡ 1: shares and populations against the original")
    for k, v in before.items():
        if v == 0:
            if after[k] != 0:
                rep.failed.append(f"{k}: 0 in the original, {after[k]!r} with the recovered frictions")
            rep.count += 1
        else:
            rep.add(after[k], v, str(k))
    ok &= rep.report(a.tolerance) and set(before) == set(after)
    # C: calibrate on the original equilibrium's populations and GDP.
    levels = [r for r in read_csv(os.path.join(out, "levels", "regions.csv")) if r["epoch"] == "0"]
    by_id = {r["region"]: r for r in levels}
    cal_rows = []
    for r in rows:
        e = by_id[r["id"]]
        cal_rows.append(dict(r, population=e["population"], gdp=e["gdp"], amenity="0.5",
                             **{k: "1" for k in r if k.startswith("productivity")}))
    with open(os.path.join(rec, "observed.csv"), "w", newline="", encoding="utf-8") as f:
        w = csv.DictWriter(f, fieldnames=list(rows[0].keys()), lineterminator="\n")
        w.writeheader()
        w.writerows(cal_rows)
    with open(os.path.join(rec, "calibration.yaml"), "w", encoding="utf-8") as f:
        f.write("regions: observed.csv\n" + body)
    text = run(mpi + ["calibrate", os.path.join(rec, "calibration.yaml"), "--out", os.path.join(rec, "calibrated.csv")])
    print("  C: regio calibrate with migration.frictions:\n    " + text.strip().replace("\n", "\n    "))
    cal = Worst("C: calibrated productivity against the original (amenity must be 1)")
    for r in read_csv(os.path.join(rec, "calibrated.csv")):
        if float(r["amenity"]) != 1.0:
            cal.failed.append(f"region {r['id']}: amenity {r['amenity']}, not 1")
        orig = next(x for x in rows if x["id"] == r["id"])
        for k in r:
            if k.startswith("productivity"):
                cal.add(float(r[k]), float(orig[k]), f"{r['id']} {k}")
    ok &= cal.report(1e-8)
    return ok


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("regio")
    ap.add_argument("np")
    ap.add_argument("out")
    ap.add_argument("--tolerance", type=float, default=1e-10)
    a = ap.parse_args()
    shutil.rmtree(a.out, ignore_errors=True)
    os.makedirs(a.out)
    synth = os.path.join(a.out, "synth")
    run([sys.executable, os.path.join(HERE, "synth_regions.py"), "--regions", "6", "--provinces", "6", "--seed", "3",
         "-o", synth, "--no-network", "--common-productivity"])
    mpi = [os.environ.get("MPIEXEC", "mpirun"), "-np", a.np, a.regio]
    ok = True
    for name, phi in (("A", 0.2), ("B", 0.0)):
        out = os.path.join(a.out, name)
        os.makedirs(out)
        print(f"economy {name}: trade.distance_elasticity {phi}")
        rows, provinces, t, m = make_economy(out, phi, os.path.join(synth, "regions.csv"))
        ok &= check_inversion(a, out, phi, rows, provinces, t, m, mpi)
        if phi == 0:
            ok &= check_reproduction(a, out, rows, mpi)
    print("all checks passed" if ok else "FAILED")
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
