#!/usr/bin/python3
"""Province-pair trade scales: regio calibrate recovers known ones from the province shares they give.

    check_trade_scales.py REGIO NP OUT [--fixture tests/trade_scales] [--tolerance 1e-8]
    check_trade_scales.py REGIO 1,2,3 OUT --invariance [--tolerance 1e-10]

The fixture (tests/trade_scales/README.md): 24 regions in 6 provinces (one of a single region),
inherited province-pair trade frictions (trade.frictions: asymmetric pairs, one direction inf) and
known scales (trade.province_scales: one per direction and sector, one inf), three sectors of
θ = 4, 6, 5, migration on.

1. `regio calibrate` (no trade shares) inverts Ā and B for the known scales from the fixture's
   population and GDP; `regio run --epochs 1 --export-base` solves epoch 0, and its trade is
   aggregated to province pairs by tools/province_trade_shares.py (spending from the goods
   markets; independently of regio's aggregation): the observed shares;
2. `regio calibrate` with trade.frictions only and calibration.trade_shares = those shares must
   recover the known scales (inf where a share is 0) and the fundamentals;
3. a run with the calibrated files reproduces the province shares (aggregated again, from its
   export).
Exits 1 if a relative difference exceeds the tolerance. With --invariance (NP a list of rank
counts): step 1 at the first, step 2 at each, and the written scales must agree with the first's.
"""
import argparse
import math
import os
import shutil
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
D0, PHI, THETA = 100.0, 0.2, {"agriculture": 4.0, "manufacturing": 6.0, "services": 5.0}
sys.path.insert(0, HERE)
from check_province_costs import read, run  # noqa: E402
from province_trade_shares import aggregate  # noqa: E402

COMMON = """decomposition: auto
epochs: 1
scale_to_observed_gdp: true
trade:
  border_cost: 1
  d0_km: {d0}
  distance_elasticity: {phi}
  frictions: frictions.csv
{scales}migration:
  border_cost: 3
solver:
  atol: 1e-12
sectors:
  - {{name: agriculture, theta: 4, labor_share: 0.55, capital_share: 0.15, consumption_share: 0.1, agricultural: true}}
  - {{name: manufacturing, theta: 6, labor_share: 0.45, capital_share: 0.45, consumption_share: 0.4, agglomeration: 0.05}}
  - {{name: services, theta: 5, labor_share: 0.55, capital_share: 0.35, consumption_share: 0.5, agglomeration: 0.05}}
"""


def common(scales):
    return COMMON.format(scales=scales, d0=D0, phi=PHI)


def distance(a, b):
    """Great-circle km (haversine, 6371 km), or the internal distance (2/3) sqrt(area/π) of a region."""
    if a is b:
        return 2.0 / 3.0 * math.sqrt(float(a["area_km2"]) / math.pi)
    la1, lo1, la2, lo2 = (math.radians(float(x)) for x in (a["lat"], a["lon"], b["lat"], b["lon"]))
    h = math.sin((la2 - la1) / 2) ** 2 + math.cos(la1) * math.cos(la2) * math.sin((lo2 - lo1) / 2) ** 2
    return 2 * 6371.0 * math.asin(min(1.0, math.sqrt(h)))


def kernel_check(o, truth):
    """The truth run's τ_ni/τ_nn = (p_n/p_i)(π_ni/π_nn)^(−1/θ) (its export's prices and shares) against
    (1 + d/d0)^φ t x between provinces and (1 + d/d0)^φ within, computed here; π = 0 where t x = inf."""
    regions = read(o("regions.csv"))
    by_id = {r["id"]: r for r in regions}
    t = {}
    for r in read(o("frictions.csv")):  # one direction given: both
        t[(r["from_province"], r["to_province"], r["sector"])] = float(r["tau"])
    for (q, p, s), v in list(t.items()):
        t.setdefault((p, q, s), v)
    price = {(r["region"], r["sector"]): float(r["price"]) for r in read(o("truth_base", "revenues.csv"))}
    pi = {(r["sector"], r["importer"], r["exporter"]): float(r["share"])
          for r in read(o("truth_base", "trade_shares.csv"))}
    pairs, closed = [], 0
    for (s, n, i), v in pi.items():
        a, b = by_id[n], by_id[i]
        p, q = a["province"], b["province"]
        factor = 1.0 if p == q else t[(q, p, s)] * truth[(q, p, s)]
        if math.isinf(factor):
            closed += 1
            pairs.append((f"π {n} from {i} ({s}), no trade", v + 1.0, 1.0))
            continue
        tau = (1 + distance(a, b) / D0) ** PHI * factor / (1 + distance(a, a) / D0) ** PHI
        got = price[(n, s)] / price[(i, s)] * (v / pi[(s, n, n)]) ** (-1 / THETA[s])
        pairs.append((f"τ {n} from {i} ({s})", got, tau))
    worst, where = worst_of(pairs)
    print(f"1. kernel: {len(pairs)} pairs ({closed} without trade); largest relative difference {worst:.3g} ({where})")
    return worst


def scales(path):
    """{(from, to, sector): scale} of a trade.province_scales file (both directions as written)."""
    return {(r["from_province"], r["to_province"], r["sector"]): float(r["scale"]) for r in read(path)}


def write(path, text):
    with open(path, "w", encoding="utf-8") as f:
        f.write(text)


def worst_of(pairs):
    """Largest relative difference over (label, got, want), inf == inf; and where."""
    worst, where = 0.0, "nothing compared"
    for label, got, want in pairs:
        d = 0.0 if math.isinf(got) and math.isinf(want) else abs(got / want - 1)
        if not d < worst:
            worst, where = d, f"{label}: {got!r} against {want!r}"
    return worst, where


def symmetric_most(fixture):
    """The fixture's scales moved along the family x_pqs c_p/c_q (docs/frictions.md §5) to the
    member closest to symmetric: Σ_{q,s} (log x_pqs − log x_qps) = 0 for every province p over the
    pairs open in both directions (neither the scale nor trade.frictions inf). Independent of regio:
    a dense least-squares solve here."""
    import numpy as np
    x = scales(os.path.join(fixture, "scales.csv"))
    closed = {k for k, v in x.items() if math.isinf(v)}
    closed |= {(r["from_province"], r["to_province"], r["sector"]) for r in read(os.path.join(fixture, "frictions.csv"))
               if math.isinf(float(r["tau"]))}
    provinces = list(dict.fromkeys(r["province"] for r in read(os.path.join(fixture, "regions.csv"))))
    P = len(provinces)
    two_way = [k for k in x if k not in closed and (k[1], k[0], k[2]) not in closed]
    # c minimising Σ over two-way (from q, to p) of (log x_qp + c_p − c_q − log x_pq − c_q + c_p)²
    rows, rhs = [], []
    for q, p, s in two_way:
        row = np.zeros(P)
        row[provinces.index(p)] += 2
        row[provinces.index(q)] -= 2
        rows.append(row)
        rhs.append(math.log(x[(p, q, s)]) - math.log(x[(q, p, s)]))
    c = np.linalg.lstsq(np.array(rows), np.array(rhs), rcond=None)[0]
    return {k: (v if math.isinf(v) else v * math.exp(c[provinces.index(k[1])] - c[provinces.index(k[0])]))
            for k, v in x.items()}


def observed_shares(a, o, mpi):
    """Step 1: the known scales' equilibrium and its province shares (target.csv)."""
    write(o("truth.yaml"), "regions: regions.csv\n" + common("  province_scales: truth.csv\n"))
    run(mpi + ["calibrate", o("truth.yaml"), "--out", o("regions_truth.csv")])
    write(o("truth_run.yaml"), open(o("truth.yaml"), encoding="utf-8").read().replace(
        "regions: regions.csv", "regions: regions_truth.csv"))
    run(mpi + ["run", o("truth_run.yaml"), "--quiet", "--out", o("truth_run"), "--export-base", o("truth_base")])
    run([sys.executable, os.path.join(HERE, "province_trade_shares.py"), o("truth_base"), "-o", o("target.csv")])


def calibrate(o, mpi, tag):
    """Step 2: regio calibrate from the inherited frictions and the observed shares."""
    write(o("calibration.yaml"), "regions: regions.csv\n" + common("") +
          "calibration:\n  trade_shares: target.csv\n")
    out = run(mpi + ["calibrate", o("calibration.yaml"), "--out", o(f"regions_{tag}.csv"), "--trade-scales",
                     o(f"scales_{tag}.csv")])
    print(out.strip())
    return scales(o(f"scales_{tag}.csv"))


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("regio")
    ap.add_argument("np")
    ap.add_argument("out")
    ap.add_argument("--fixture", default=os.path.join(HERE, "..", "tests", "trade_scales"))
    ap.add_argument("--tolerance", type=float)
    ap.add_argument("--invariance", action="store_true")
    a = ap.parse_args()
    tolerance = a.tolerance if a.tolerance is not None else (1e-10 if a.invariance else 1e-8)
    shutil.rmtree(a.out, ignore_errors=True)
    shutil.copytree(a.fixture, a.out)
    with open(os.path.join(a.out, "truth.csv"), "w", encoding="utf-8") as f:
        f.write("from_province,to_province,sector,scale\n")
        for (q, p, s), v in symmetric_most(a.fixture).items():
            f.write(f"{q},{p},{s},{v!r}\n")
    o = lambda *p: os.path.join(a.out, *p)  # noqa: E731
    nps = a.np.split(",")
    mpi = lambda np_: [os.environ.get("MPIEXEC", "mpirun"), "-np", np_, a.regio]  # noqa: E731
    observed_shares(a, o, mpi(nps[0]))
    target = {(r["sector"], r["importer"], r["exporter"]): float(r["share"]) for r in read(o("target.csv"))}

    if a.invariance:
        first = calibrate(o, mpi(nps[0]), f"np{nps[0]}")
        failed = False
        for n in nps[1:]:
            got = calibrate(o, mpi(n), f"np{n}")
            worst, where = worst_of((f"{k[0]} → {k[1]} ({k[2]}) at np {n}", got[k], first[k]) for k in first)
            print(f"invariance: {len(first)} scales at np {n} against np {nps[0]}: largest relative difference "
                  f"{worst:.3g} ({where})")
            failed = failed or not worst <= tolerance
        sys.exit(1 if failed else 0)

    truth = scales(o("truth.csv"))
    failed = not kernel_check(o, truth) <= tolerance
    got = calibrate(o, mpi(nps[0]), "calibrated")
    pairs = []
    for (q, p, s), v in got.items():
        want = truth[(q, p, s)] if target[(s, p, q)] > 0 else math.inf
        pairs.append((f"scale {q} → {p} ({s})", v, want))
    for r1, r2 in zip(read(o("regions_calibrated.csv")), read(o("regions_truth.csv"))):
        for col in [c for c in r1 if c.startswith("productivity") or c == "amenity"]:
            pairs.append((f"{r1['id']} {col}", float(r1[col]), float(r2[col])))
    worst, where = worst_of(pairs)
    zeros = sum(1 for v in target.values() if v == 0)
    print(f"2. calibration: {len(got)} scales ({zeros} pairs without trade) and the fundamentals of "
          f"{len(read(o('regions.csv')))} regions recovered; largest relative difference {worst:.3g} ({where})")
    failed = failed or not worst <= tolerance

    write(o("calibrated_run.yaml"), "regions: regions_calibrated.csv\n" +
          common("  province_scales: scales_calibrated.csv\n"))
    run(mpi(nps[0]) + ["run", o("calibrated_run.yaml"), "--quiet", "--out", o("calibrated_run"), "--export-base",
                       o("calibrated_base")])
    _, _, again, _ = aggregate(o("calibrated_base"))
    worst, where = worst_of((f"{k[1]} from {k[2]} ({k[0]})", float(again[k]), v) for k, v in target.items() if v > 0)
    closed = max(float(again[k]) for k, v in target.items() if v == 0)
    print(f"3. run: {len(target) - zeros} positive province shares; largest relative difference {worst:.3g} "
          f"({where}); largest share where there is no trade {closed!r}")
    failed = failed or not worst <= tolerance or closed != 0
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
