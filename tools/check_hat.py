#!/usr/bin/env python3
"""Checks of `regio counterfactual` (CTest label `hat`; docs/hat-algebra.md "Tests").

  check_hat.py oracle DIR              DIR from replicate_tombe_zhu.sh: table8 = tools/tz_reference.py's
                                       (relative 1e-8), table5 = the published numbers (one unit of the
                                       last printed digit)
  check_hat.py invariance DIR_A DIR_B  every CSV of every run of two replications agrees to 1e-9 (relative)
  check_hat.py zero REGIO NP OUT       a zero shock on the Tombe & Zhu base: every hat = 1 (1e-11: the base fixed point is exact to about 1e-12)
  check_hat.py acr REGIO NP OUT        S = 1, labour and intermediates only, no migration: real wage change
                                       = π̂_nn^(−1/(θ(1−ι))) for every region (1e-10; MODEL.md §9)
Exit 0 when every check passes.
"""
import csv
import math
import os
import random
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.normpath(os.path.join(HERE, ".."))
PUBLISHED_T5 = {  # Tombe & Zhu (2019) Table 5, 2000: cost (and the overall migrant share)
    "overall": (2.82, 2), "ag_nonag": (2.63, 2), "ag_nonag_within_province": (2.21, 2),
    "ag_nonag_between_provinces": (25.21, 2), "between_provinces": (24.75, 2),
    "between_provinces_within_ag": (47.67, 2), "between_provinces_within_nonag": (21.02, 2)}
PUBLISHED_SHARE = (0.174, 3)


def rows(path):
    with open(path) as f:
        return list(csv.DictReader(f))


def num(x):
    return float("nan") if x in ("NA", "") else float(x)


def close(a, b, rel):
    if math.isnan(a) or math.isnan(b):
        return math.isnan(a) and math.isnan(b)
    return abs(a - b) <= rel * max(1.0, abs(b))


def fail(msg):
    print("FAIL:", msg)
    return 1


def check_oracle(d):
    bad = 0
    with tempfile.TemporaryDirectory() as tmp:
        subprocess.run(["/usr/bin/python3", os.path.join(HERE, "tz_reference.py"), "--data",
                        os.path.join(ROOT, "inputs", "tombe-zhu-2019"), "--out", tmp], check=True,
                       stdout=subprocess.DEVNULL)
        ref = {(r["experiment"], r["migration"]): r for r in rows(os.path.join(tmp, "table8.csv"))}
    worst = 0.0
    for r in rows(os.path.join(d, "table8.csv")):
        o = ref[(r["experiment"], r["migration"])]
        for k in r:
            if k in ("experiment", "migration"):
                continue
            a, b = num(r[k]), num(o[k])
            if not close(a, b, 1e-8):
                bad += fail("table8 %s/%s %s: regio %r, oracle %r" % (r["experiment"], r["migration"], k, a, b))
            elif not math.isnan(a):
                worst = max(worst, abs(a - b) / max(1.0, abs(b)))
    t5 = {r["statistic"]: r for r in rows(os.path.join(d, "table5.csv"))}
    for k, (pub, digits) in PUBLISHED_T5.items():
        if abs(float(t5[k]["cost"]) - pub) > 10 ** -digits * (1 + 1e-9):
            bad += fail("table5 %s: %s vs published %s" % (k, t5[k]["cost"], pub))
    share = float(t5["overall"]["share"])
    if abs(share - PUBLISHED_SHARE[0]) > 10 ** -PUBLISHED_SHARE[1]:
        bad += fail("table5 overall share %r vs published %r" % (share, PUBLISHED_SHARE[0]))
    print("table8 against tz_reference.py: max relative difference %.2e; table5 within one unit of the "
          "last printed digit: %s" % (worst, "yes" if bad == 0 else "no"))
    return bad


def check_invariance(a, b):
    bad, worst, files = 0, 0.0, 0
    for sub, _, names in os.walk(a):
        for name in names:
            if not name.endswith(".csv"):
                continue
            pa = os.path.join(sub, name)
            pb = os.path.join(b, os.path.relpath(pa, a))
            ra, rb = rows(pa), rows(pb)
            files += 1
            if len(ra) != len(rb):
                bad += fail("%s: %d rows vs %d" % (pb, len(ra), len(rb)))
                continue
            for x, y in zip(ra, rb):
                if x.get("statistic") in ("newton_iterations", "linear_iterations", "residual_norm",
                                          "base_fixed_point_residual", "base_registered_residual"):
                    continue
                for k in x:
                    try:
                        u, v = num(x[k]), num(y[k])
                    except ValueError:
                        if x[k] != y[k]:
                            bad += fail("%s %s: %r vs %r" % (pb, k, x[k], y[k]))
                        continue
                    if not close(u, v, 1e-9):
                        bad += fail("%s %s: %r vs %r" % (pb, k, u, v))
                    elif not math.isnan(u):
                        worst = max(worst, abs(u - v) / max(1.0, abs(v)))
    print("%d CSV files compared: max relative difference %.2e" % (files, worst))
    return bad if files else fail("no CSV files in " + a)


def run(regio, np_, yaml_path, out):
    env = dict(os.environ)
    subprocess.run(["mpirun", "-np", str(np_), regio, "counterfactual", yaml_path, "--out", out, "--quiet"],
                   check=True, env=env)


def check_zero(regio, np_, out):
    os.makedirs(out, exist_ok=True)
    y = os.path.join(out, "zero.yaml")
    with open(y, "w") as f:
        f.write("base_year: %s\nmigration: true\nshocks:\n  trade_costs:\n    - change: 1\n"
                % os.path.join(ROOT, "inputs", "tombe-zhu-2019", "base-2000"))
    run(regio, np_, y, os.path.join(out, "run"))
    worst = 0.0
    for name, cols in (("units.csv", ["wage_change", "land_rent_change", "goods_price_change", "employment_change",
                                      "real_income_change", "expected_utility_change"]),
                       ("sectors.csv", ["revenue_change", "spending_change", "price_change", "unit_cost_change"])):
        for r in rows(os.path.join(out, "run", name)):
            for c in cols:
                v = num(r[c])
                if not math.isnan(v):
                    worst = max(worst, abs(v - 1))
    print("zero shock: max |hat - 1| = %.2e" % worst)
    return 0 if worst <= 1e-11 else fail("a zero shock moved a hat by %.2e" % worst)


def check_acr(regio, np_, out):
    """S = 1, α = 1 − ι, no land, housing or migration; 10 regions in 4 provinces."""
    rng = random.Random(7)
    N, iota, theta = 10, 0.35, 4.0
    base = os.path.join(out, "base")
    os.makedirs(base, exist_ok=True)
    with open(os.path.join(base, "parameters.yaml"), "w") as f:
        f.write("groups: [workers]\nsectors:\n  - name: goods\n    group: workers\n    trade_elasticity: %r\n"
                "    labour_share: %r\n    intermediate_shares: {goods: %r}\n    final_demand_share: 1\n"
                "housing_share: 0\n" % (theta, 1 - iota, iota))
    ids = ["r%d" % n for n in range(N)]
    with open(os.path.join(base, "regions.csv"), "w") as f:
        f.write("id,province\n" + "".join("%s,p%d\n" % (ids[n], n % 4) for n in range(N)))
    with open(os.path.join(base, "trade_shares.csv"), "w") as f:
        f.write("sector,importer,exporter,share\n")
        for n in range(N):
            w = [rng.uniform(0.2, 1.0) * (8.0 if i == n else 1.0) for i in range(N)]
            for i in range(N):
                f.write("goods,%s,%s,%r\n" % (ids[n], ids[i], w[i] / sum(w)))
    with open(os.path.join(base, "units.csv"), "w") as f:
        f.write("region,group,employment\n" + "".join("%s,workers,%r\n" % (i, rng.uniform(1, 5)) for i in ids))
    y = os.path.join(out, "acr.yaml")
    with open(y, "w") as f:
        f.write("base_year: base\nmigration: false\nshocks:\n  trade_costs:\n    - change: 0.8\n"
                "    - change: 1.1\n      pairs: all\n")
    run(regio, np_, y, os.path.join(out, "run"))
    units = rows(os.path.join(out, "run", "units.csv"))
    sectors = rows(os.path.join(out, "run", "sectors.csv"))
    worst = 0.0
    for u, s in zip(units, sectors):
        pihat = float(s["own_trade_share_new"]) / float(s["own_trade_share_base"])
        expect = pihat ** (-1.0 / (theta * (1 - iota)))
        real_wage = float(u["wage_change"]) / float(u["goods_price_change"])
        worst = max(worst, abs(real_wage / expect - 1), abs(float(u["real_income_change"]) / expect - 1))
    print("ACR with intermediates: max relative error %.2e over %d regions" % (worst, N))
    return 0 if worst <= 1e-10 else fail("real wage differs from π̂_nn^(−1/(θ(1−ι))) by %.2e" % worst)


def main(argv):
    mode = argv[1]
    if mode == "oracle":
        return check_oracle(argv[2])
    if mode == "invariance":
        return check_invariance(argv[2], argv[3])
    if mode == "zero":
        return check_zero(argv[2], int(argv[3]), argv[4])
    if mode == "acr":
        return check_acr(argv[2], int(argv[3]), argv[4])
    print(__doc__)
    return 2


if __name__ == "__main__":
    sys.exit(1 if main(sys.argv) else 0)
