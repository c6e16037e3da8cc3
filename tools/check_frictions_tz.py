#!/usr/bin/env python3
"""`regio frictions` on Tombe & Zhu's shares (MODEL.md §12–§13; CTest frictions_tombe_zhu).

    check_frictions_tz.py REGIO NP OUT [--tolerance 1e-9]

Runs, on NP ranks,

    regio frictions inputs/tombe-zhu-2019/base-2000 --trade head-ries --trade-out OUT/head-ries.csv \\
        --onto inputs/china31/baseline.yaml --sectors manufacturing=nonagriculture,services=nonagriculture \\
        --rename Shannxi=Shaanxi --proxy Tibet=Qinghai --zero-trade max --migration-out OUT/migration.csv

and checks
  1. trade: every row equals inputs/china31/frictions/head-ries-2002.csv, which the former
     tools/head_ries_frictions.py wrote from TZ's raw share matrices (relative 1e-12: the two read
     the shares through differently normalised rows);
  2. migration: every μ_uv equals the NumPy oracle tools/tz_reference.py's
     1/μ_uv = (m_uv/m_uu)^(1/ε) C_u V_u / V_v (its own base year: renormalised shares, hukou
     stocks R = (mᵀ)⁻¹ L, rebate factors C_u), relative --tolerance; infinite where m_uv = 0;
  3. Table 5: the flow-weighted harmonic means of those μ (weights R_u m_uv, Tombe & Zhu's masks)
     are the published numbers within one unit of the last printed digit.
"""
import argparse
import csv
import math
import os
import shutil
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
sys.path.insert(0, HERE)
import numpy as np  # noqa: E402
import tz_reference as tz  # noqa: E402


def run(cmd):
    p = subprocess.run(cmd, capture_output=True, text=True)
    if p.returncode != 0:
        sys.exit(f"failed ({p.returncode}): {' '.join(cmd)}\n{p.stdout}\n{p.stderr}")
    return p.stdout


def read_csv(path):
    with open(path, newline="", encoding="utf-8") as f:
        return list(csv.DictReader(f))


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("regio")
    ap.add_argument("np")
    ap.add_argument("out")
    ap.add_argument("--tolerance", type=float, default=1e-9)
    a = ap.parse_args()
    shutil.rmtree(a.out, ignore_errors=True)
    os.makedirs(a.out)
    data = os.path.join(ROOT, "inputs", "tombe-zhu-2019")
    trade, migration = os.path.join(a.out, "head-ries.csv"), os.path.join(a.out, "migration.csv")
    report = run([os.environ.get("MPIEXEC", "mpirun"), "-np", a.np, a.regio, "frictions",
                  os.path.join(data, "base-2000"), "--trade", "head-ries", "--trade-out", trade,
                  "--onto", os.path.join(ROOT, "inputs", "china31", "baseline.yaml"),
                  "--sectors", "manufacturing=nonagriculture,services=nonagriculture", "--rename", "Shannxi=Shaanxi",
                  "--proxy", "Tibet=Qinghai", "--zero-trade", "max", "--migration-out", migration])
    print(report.rstrip())
    ok = True

    # 1. Trade against the shipped file.
    shipped = {(r["from_province"], r["to_province"], r["sector"]): float(r["tau"])
               for r in read_csv(os.path.join(ROOT, "inputs", "china31", "frictions", "head-ries-2002.csv"))}
    got = {(r["from_province"], r["to_province"], r["sector"]): float(r["tau"]) for r in read_csv(trade)}
    worst, where = 0.0, ""
    for k, v in shipped.items():
        if k not in got:
            print(f"  trade: {k} missing")
            ok = False
            continue
        d = abs(got[k] - v) / v
        if d >= worst:
            worst, where = d, f"{k}: {got[k]!r} vs {v!r}"
    print(f"trade: {len(got)} rows ({len(shipped)} shipped); largest relative difference {worst:.3g} ({where})")
    ok &= set(got) == set(shipped) and worst <= 1e-12

    # 2. Migration against the oracle.
    p = tz.read_params(os.path.join(data, "parameters.yaml"))
    b = tz.build_base(tz.read_data(data), p, "consistent")
    m0 = b["m0"]
    inv_mu = (m0 / np.diag(m0)[:, None]) ** (1.0 / p["eps"]) * (b["C0"] * b["V"])[:, None] / b["V"][None, :]
    names = [r["id"] for r in read_csv(os.path.join(data, "base-2000", "regions.csv")) if r["outside"] == "0"]
    names = ["Shaanxi" if n == "Shannxi" else n for n in names]
    unit = lambda prov, group: 2 * names.index(prov) + {"ag": 0, "nonag": 1}[group]
    mu = np.full((tz.NU, tz.NU), np.nan)
    for r in read_csv(migration):
        mu[unit(r["from_province"], r["from_group"]), unit(r["to_province"], r["to_group"])] = float(r["mu"])
    np.fill_diagonal(mu, 1.0)
    worst, where, zeros, mismatched = 0.0, "", 0, 0
    for u in range(tz.NU):
        for v in range(tz.NU):
            if u == v:
                continue
            if inv_mu[u, v] == 0:
                zeros += 1
                mismatched += not math.isinf(mu[u, v])
                continue
            want = 1.0 / inv_mu[u, v]
            d = abs(mu[u, v] - want) / want
            if not d <= worst:
                worst, where = d, f"unit {u} → {v}: {mu[u, v]!r} vs {want!r}"
    print(f"migration: {tz.NU * (tz.NU - 1)} unit pairs ({zeros} without migrants: inf, {mismatched} not); largest "
          f"relative difference from tools/tz_reference.py {worst:.3g} ({where})")
    ok &= mismatched == 0 and worst <= a.tolerance and not np.isnan(mu).any()

    # 3. Table 5 from the μ of the file.
    W = b["Rh"][:, None] * b["m_stats"]
    inv = np.where(np.isinf(mu), 0.0, 1.0 / mu)
    masks = tz.unit_masks(b)
    for name, cost, _share, decimals in tz.TABLE5_PUBLISHED:
        w = np.where(masks[name], W, 0.0)
        h = w.sum() / (w * inv).sum()
        good = abs(h - cost) <= 10.0 ** -decimals * (1 + 1e-9)
        ok &= good
        print(f"  Table 5 {name}: {h:.4f} (published {cost:.{decimals}f}){'' if good else '  MISMATCH'}")
    print("all checks passed" if ok else "FAILED")
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
