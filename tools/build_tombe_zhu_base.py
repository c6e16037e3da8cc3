#!/usr/bin/env python3
"""Tombe & Zhu's (2019) data in regio's hat-algebra formats (docs/hat-algebra.md).

Reads inputs/tombe-zhu-2019/ (the authors' files, PROVENANCE.md) and writes
  inputs/tombe-zhu-2019/base-2000/   parameters.yaml, regions.csv, trade_shares.csv, units.csv,
                                     migration_shares.csv  (the base-year folder)
  inputs/tombe-zhu-2019/trade_cost_changes_2002_2007.csv  (tauhat's asymmetric columns)
Only layouts change (matrices -> long tables, parameter names -> regio's); no number is computed
here except ι_sk = γ_sk (1 − α_s − λ_s). Everything else (row renormalisation, revenues from the
trade-share fixed point, hukou stocks R = (mᵀ)⁻¹L, ROW's labour split) is regio's C++
(`regio counterfactual`). Run: /usr/bin/python3 tools/build_tombe_zhu_base.py
"""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import tz_reference as tz  # noqa: E402  (its readers: same parsing and orientation checks)

HERE = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "inputs", "tombe-zhu-2019")
SECTORS = ["agriculture", "nonagriculture"]
GROUPS = ["ag", "nonag"]


def main():
    ddir = os.path.normpath(HERE)
    p = tz.read_params(os.path.join(ddir, "parameters.yaml"))
    d = tz.read_data(ddir)
    ids = d["provinces"] + ["ROW"]
    out = os.path.join(ddir, "base-2000")
    os.makedirs(out, exist_ok=True)
    with open(os.path.join(out, "parameters.yaml"), "w") as f:
        f.write("# Tombe & Zhu (2019) in regio's hat-algebra base-year format (docs/hat-algebra.md).\n"
                "# Written by tools/build_tombe_zhu_base.py from ../parameters.yaml (values and sources there).\n"
                "# intermediate_shares: iota_sk = gamma_sk (1 - alpha_s - lambda_s), MODEL.md §13.\n")
        f.write("groups: [%s]\n" % ", ".join(GROUPS))
        f.write("sectors:\n")
        for s, name in enumerate(SECTORS):
            f.write("  - name: %s\n    group: %s\n    trade_elasticity: %r\n    labour_share: %r\n"
                    "    capital_share: 0\n    land_share: %r\n    final_demand_share: %r\n"
                    "    intermediate_shares: {%s}\n"
                    % (name, GROUPS[s], p["theta"], p["alpha"][s], p["lam"][s], p["eta"][s],
                       ", ".join("%s: %r" % (SECTORS[k], float(p["iota"][s, k])) for k in range(2))))
        f.write("housing_share: %r\nmigration_elasticity: %r\nland: by_group\nland_income: stayers\n"
                % (p["delta_h"], p["eps"]))
        f.write("# The stored trade-share rows sum to 1 within 2.8e-3 (ROW's agriculture row: 0.99726);\n"
                "# regio renormalises every row, as the authors do (initial_eqm.m:31,33).\n"
                "share_tolerance: 0.003\n")
    with open(os.path.join(out, "regions.csv"), "w") as f:
        f.write("id,province,outside,employment\n")
        for n, name in enumerate(ids):
            f.write("%s,%s,%d,%s\n" % (name, name, n == tz.ROW, repr(p["L_row"]) if n == tz.ROW else ""))
    with open(os.path.join(out, "trade_shares.csv"), "w") as f:
        f.write("sector,importer,exporter,share\n")
        for s in range(2):
            for n in range(tz.NREG):
                for i in range(tz.NREG):
                    if d["pi_raw"][s, n, i] != 0:
                        f.write("%s,%s,%s,%r\n" % (SECTORS[s], ids[n], ids[i], float(d["pi_raw"][s, n, i])))
    with open(os.path.join(out, "units.csv"), "w") as f:
        f.write("region,group,employment,real_income\n")
        for n in range(tz.NPROV):
            for g in range(2):
                f.write("%s,%s,%r,%r\n" % (ids[n], GROUPS[g], float(d["L"][n, g]), float(d["V"][n, g])))
    with open(os.path.join(out, "migration_shares.csv"), "w") as f:
        f.write("origin_region,origin_group,destination_region,destination_group,share\n")
        for u in range(tz.NU):
            for v in range(tz.NU):
                if d["m_raw"][u, v] != 0:
                    f.write("%s,%s,%s,%s,%r\n" % (ids[u // 2], GROUPS[u % 2], ids[v // 2], GROUPS[v % 2],
                                                  float(d["m_raw"][u, v])))
    with open(os.path.join(ddir, "trade_cost_changes_2002_2007.csv"), "w") as f:
        f.write("sector,importer,exporter,change\n")
        for s, col in enumerate(["dni_asym_ag", "dni_asym_na"]):
            for n in range(tz.NREG):
                for i in range(tz.NREG):
                    f.write("%s,%s,%s,%r\n" % (SECTORS[s], ids[n], ids[i], float(d["tauhat"][col][n, i])))
    print("wrote", out, "and trade_cost_changes_2002_2007.csv")


if __name__ == "__main__":
    main()
