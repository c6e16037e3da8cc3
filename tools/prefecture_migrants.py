#!/usr/bin/python3
"""The prefecture baseline's census targets, split with the calibrated county model.

The 2020 county census counts, for every county, the residents registered in
another county of the same province (W_c) and in another province (X_c).  At
prefecture level a migrant is a resident registered in another *prefecture*:
the census does not say which of a county's W_c come from the same prefecture.
The calibrated county model does: for county c of prefecture P,

    share_c = sum_{o in prov, pref(o) != P} L_oc / sum_{o in prov, o != c} L_oc,
    L_oc = R_o (U_c / mu_oc)^eps h_c^-eps / D_o,

and the prefecture target is W_P = round(sum_{c in P} W_c share_c) (persons),
X_P = sum_{c in P} X_c (exact: a resident registered in another province is a
migrant at every resolution).  L_oc needs the county run's epoch 0 (regions.csv:
utility U, registered R, migrants_out, from which D_o = U_o^eps R_o / (R_o -
migrants_out)) and mu inside provinces: mu_0 (1 + d/d0)^phi_m w_p, with the
run's parameters (run.yaml) and within-province scales (--province-costs).
Only pairs inside a province are needed.  docs/calibration.md, "Finer
geographies' migration".

Usage:
    /usr/bin/python3 tools/prefecture_migrants.py COUNTY_RUN \
        [--province-costs inputs/china-counties/province_costs.csv] \
        [--census inputs/china-counties/census_migrants.csv] \
        [-o inputs/china-prefectures/migrants_between_prefectures.csv] [--compare FILE]
"""

import argparse
import csv
import math
import os
import sys

import numpy as np
import yaml

TOOLS = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(TOOLS)
sys.path.insert(0, TOOLS)
import build_china_counties as bcc  # noqa: E402
import china_inputs_common as cc  # noqa: E402

EARTH_RADIUS_KM = 6371.0


def unit_vectors(lat, lon):
    la, lo = np.radians(lat), np.radians(lon)
    return np.stack([np.cos(la) * np.cos(lo), np.cos(la) * np.sin(lo), np.sin(la)], axis=1)


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("county_run", help="output folder of the calibrated county baseline (epoch 0 is used)")
    ap.add_argument("--province-costs", default=os.path.join(REPO, "inputs", "china-counties", "province_costs.csv"))
    ap.add_argument("--census", default=os.path.join(REPO, "inputs", "china-counties", "census_migrants.csv"))
    ap.add_argument("--shared", default=cc.DEFAULT_SHARED)
    ap.add_argument("-o", "--out",
                    default=os.path.join(REPO, "inputs", "china-prefectures", "migrants_between_prefectures.csv"))
    ap.add_argument("--compare", help="exit 1 if the file written differs from this one by more than one person "
                                      "anywhere (the CTest of the shipped file)")
    args = ap.parse_args(argv)

    with open(os.path.join(args.county_run, "run.yaml"), encoding="utf-8") as f:
        run = yaml.safe_load(f)
    sc = run["scenario"] if "scenario" in run else run
    mig, trade = sc["migration"], sc["trade"]
    eps, mu0, phi, d0 = mig["elasticity"], mig["moving_cost"], mig["distance_elasticity"], trade["d0_km"]
    if sc.get("network", {}).get("file"):
        sys.exit("prefecture_migrants.py: the county run has a transport network; only great-circle distances "
                 "are implemented here")
    within_scale = {r["province"]: float(r["within_scale"]) for r in cc.read_csv(args.province_costs)}

    rows = [r for r in cc.read_csv(os.path.join(args.county_run, "regions.csv")) if r["epoch"] == "0"]
    census = {r["id"]: r for r in cc.read_csv(args.census)}
    # Parents (prefecture units) and coordinates from the county builder: the same units, in order.
    prov, pref_units, units, region_rows, _, _ = bcc.build(args.shared)
    if [u["id"] for u in units] != [r["region"] for r in rows]:
        sys.exit("prefecture_migrants.py: the county run's regions are not the county builder's units")
    n = len(units)
    ids = [u["id"] for u in units]
    parent = np.array([u["parent"] for u in units])
    province = np.array([r["province"] for r in rows])
    lat = np.array([float(r["lat"]) for r in region_rows])
    lon = np.array([float(r["lon"]) for r in region_rows])
    U = np.array([float(r["utility"]) for r in rows])
    R = np.array([float(r["registered"]) for r in rows])
    out = np.array([float(r["migrants_out"]) for r in rows])
    D = U ** eps * R / (R - out)                  # D_o = U_o^eps R_o / (R_o m_oo)
    W = np.array([float(census[i]["within_province"]) for i in ids])
    X = np.array([float(census[i]["other_province"]) for i in ids])

    share = np.zeros(n)
    vec = unit_vectors(lat, lon)
    for p in sorted(set(province)):
        idx = np.flatnonzero(province == p)
        v = vec[idx]
        chord = np.sqrt(((v[:, None, :] - v[None, :, :]) ** 2).sum(axis=2))
        dist = 2 * EARTH_RADIUS_KM * np.arcsin(np.minimum(1.0, 0.5 * chord))
        kernel = (mu0 * (1 + dist / d0) ** phi * within_scale.get(p, 1.0)) ** -eps
        np.fill_diagonal(kernel, 0.0)
        weight = (R[idx] / D[idx])[:, None] * kernel          # ∝ L_oc by origin o (rows), destination c
        other = parent[idx][:, None] != parent[idx][None, :]
        total = weight.sum(axis=0)
        share[idx] = np.where(total > 0, (weight * other).sum(axis=0) / np.where(total > 0, total, 1), 0.0)

    prefs = sorted(set(parent), key=lambda c: list(pref_units).index(c))
    with open(args.out, "w", newline="", encoding="utf-8") as f:
        f.write("id,within_province,other_province\n")
        for code in prefs:
            m = parent == code
            f.write("%s,%d,%d\n" % (code, int(round(float((W[m] * share[m]).sum()))), int(X[m].sum())))
    kept = float((W * share).sum())
    print("wrote %s: %d prefecture units; of the census's %s residents registered in another county of their "
          "province, the county model puts %s (%.1f%%) in another prefecture"
          % (args.out, len(prefs), "{:,}".format(int(W.sum())), "{:,}".format(int(round(kept))),
             100 * kept / W.sum()))
    if args.compare:
        mine = {r["id"]: r for r in cc.read_csv(args.out)}
        theirs = {r["id"]: r for r in cc.read_csv(args.compare)}
        bad = [i for i in theirs if i not in mine or any(abs(int(mine[i][k]) - int(theirs[i][k])) > 1
                                                         for k in ("within_province", "other_province"))]
        if bad or len(mine) != len(theirs):
            print("differs from %s: %s; regenerate with bash tools/calibrate_baselines.sh"
                  % (args.compare, ", ".join(bad[:10]) or "row count"))
            return 1
        print("same as %s (to one person)" % args.compare)
    return 0


if __name__ == "__main__":
    sys.exit(main())
