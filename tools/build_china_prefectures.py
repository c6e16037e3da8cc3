#!/usr/bin/python3
"""Build the China prefecture-level input (367 units in 31 mainland provinces).

Writes <out>/regions.csv (regio's region table, MODEL.md §1) and
validates it with `regio validate <out>/calibration.yaml` (calibration.yaml and
baseline.yaml are maintained by hand: see docs/calibration.md) from the shared data folder.  Every rule is documented in
inputs/china-prefectures/PROVENANCE.md; keep the two in step.  Province
totals (population, GDP, capital) equal inputs/china31/regions.csv exactly.

Standard library only: runs on a bare /usr/bin/python3.

Usage:
    /usr/bin/python3 tools/build_china_prefectures.py [--shared ../shared/data]
        [--out inputs/china-prefectures] [--regio build/regio]
"""

import argparse
import os
import sys

import build_china_counties as bcc
import china_inputs_common as cc

DEFAULT_OUT = os.path.join(cc.REPO, "inputs", "china-prefectures")
N_MIN, N_MAX = 360, 370


def prefecture_tags(u, prov):
    """NBS region; municipality; coastal;port; provincial_capital; megacity; gdp_imputed."""
    p = prov[u["prov_code"]]
    t = [p["nbs_region"]]
    if p["type"] == "municipality":
        t.append("municipality")
    if p["coastal"]:
        t += ["coastal", "port"]
    if p["type"] == "municipality" or u["code"] == p["capital_code"]:
        t.append("provincial_capital")
    if u["pop"] > cc.MEGACITY_POP and u["urban"] > cc.MEGACITY_URBAN_SHARE * u["pop"]:
        t.append("megacity")
    t.append("gdp_imputed")
    return t


def build(shared):
    prov = cc.load_provinces(shared)
    yb = cc.load_yearbook(shared)
    pf = cc.load_prefecture_file(shared)
    adcodes = cc.load_adcodes(shared)
    units, dropped = cc.prefecture_units(prov, yb, pf, adcodes)
    ulist = list(units.values())
    for u in ulist:
        u["id"] = u["code"]
    cc.money_columns(ulist, prov)
    # Registered populations: the sums of the county units' (build_china_counties.py).
    counties, kids, _, _ = bcc.county_units(shared, prov, yb, adcodes, units)
    emigrants, _ = cc.emigrants_2020(shared, prov, sum(int(u["hukou"][2]) for u in counties))
    cc.registered_counties(counties, prov, emigrants)
    for u in ulist:
        u["registered"] = sum(k["registered"] for k in kids[u["code"]])
        if [sum(k["hukou"][c] for k in kids[u["code"]]) for c in range(3)] != u["hukou"]:
            raise ValueError("%s: the counties' census migrants do not add up to the prefecture row" % u["code"])
    rows = [cc.format_row(u, prov, prefecture_tags(u, prov)) for u in ulist]
    return prov, units, rows, dropped


def print_extra(units, dropped):
    """Data notes: dropped units, coordinate sources, bulletin vs yearbook."""
    print("dropped (not mainland): " + ", ".join(
        "%s %s (%d)" % (c, n, p) for c, n, p in dropped))
    srcs = {}
    for u in units.values():
        srcs.setdefault(u["coord_source"], []).append(u["name"])
    for k, v in sorted(srcs.items()):
        print("coordinates %-16s %3d%s" % (k, len(v), "" if k == "seat" else ": " + " ".join(v)))
    xpcc = [u for u in units.values() if u["code"].startswith("6590")]
    print("XPCC cities kept with yearbook population: %d units, %d persons"
          % (len(xpcc), sum(u["pop"] for u in xpcc)))
    diff = [u for u in units.values()
            if u["bulletin_pop"] is None or abs(u["bulletin_pop"] - u["pop"]) > 0.5]
    print("units whose prefecture-file (local bulletin) popu_2020 differs from the census "
          "yearbook: %d" % len(diff))
    for u in diff:
        b = u["bulletin_pop"]
        print("  %s %-14s yearbook %11d  bulletin %11s  diff %s" % (
            u["code"], u["name"], u["pop"], "-" if b is None else "%d" % b,
            "-" if b is None else "%+d" % (b - u["pop"])))
    mega = [u["name"] for u in units.values()
            if u["pop"] > cc.MEGACITY_POP and u["urban"] > cc.MEGACITY_URBAN_SHARE * u["pop"]]
    print("megacity: " + " ".join(mega))


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--shared", default=cc.DEFAULT_SHARED)
    ap.add_argument("--out", default=DEFAULT_OUT)
    ap.add_argument("--regio", default=os.path.join(cc.REPO, "build", "regio"),
                    help="regio binary for `regio validate` (skipped if missing)")
    ap.add_argument("--no-regio", action="store_true", help="skip the C++ validator")
    ap.add_argument("--quiet", action="store_true")
    args = ap.parse_args(argv)

    prov, units, rows, dropped = build(args.shared)
    os.makedirs(args.out, exist_ok=True)
    path = os.path.join(args.out, "regions.csv")
    cc.write_regions(rows, path)
    cc.write_census_migrants(list(units.values()), os.path.join(args.out, "census_migrants.csv"),
                             ("other_county_same_province", "other_province"))
    checked, problems, stats = cc.validate(path, prov, N_MIN, N_MAX)
    if not args.quiet:
        cc.print_checks(checked, prov, stats)
        print_extra(units, dropped)
    ok = True
    if not args.no_regio:
        ok = cc.run_regio(os.path.join(args.out, "calibration.yaml"), args.regio)
        if not ok:
            problems.append("regio validate failed")
    if problems:
        for p in problems:
            print("ERROR:", p, file=sys.stderr)
        return 1
    print("wrote %s (%d units): all checks passed" % (path, len(rows)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
