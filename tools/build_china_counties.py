#!/usr/bin/python3
"""Build the China county-level input (every 2020 census county-level unit).

Writes <out>/regions.csv (regio's region table, MODEL.md §1) and
validates it with `regio validate <out>/calibration.yaml` (calibration.yaml and
baseline.yaml are maintained by hand: see docs/calibration.md) from the shared data folder.  Every rule is documented in
inputs/china-counties/PROVENANCE.md; keep the two in step.  The units nest
exactly in the prefecture-level units of tools/build_china_prefectures.py
(population, GDP and capital add up to them), and province totals equal
inputs/china31/regions.csv exactly.

Standard library only: runs on a bare /usr/bin/python3.

Usage:
    /usr/bin/python3 tools/build_china_counties.py [--shared ../shared/data]
        [--out inputs/china-counties] [--regio build/regio]
"""

import argparse
import math
import os
import sys

import china_inputs_common as cc

DEFAULT_OUT = os.path.join(cc.REPO, "inputs", "china-counties")
N_MIN, N_MAX = 2800, 3100

# Area split inside a prefecture-level unit: an urban resident is assumed to
# occupy URBAN_M2_PER_RESIDENT m2 (the same 150 m2 as china31's developable
# land rule); rural residents share the rest of the national area equally.
# The ratio s = urban m2 / rural m2 per resident is computed in area_ratio().
URBAN_M2_PER_RESIDENT = cc.LAND_PER_URBAN_MILLION  # 150 km2 per million = 150 m2 each

# Counties whose seat is missing from the (c. 2017) adcode list because they
# were renamed or converted after it: use the seat of the predecessor unit
# (county -> district/city conversions keep the seat; for the 2018 Datong and
# Changzhi mergers and the 2019 Yichun reform, the main predecessor's seat).
# new code: (new name, predecessor adcode, predecessor name)
PREDECESSOR_SEAT = {
    "130284": ("滦州市", "130223", "滦县"),
    "130505": ("任泽区", "130526", "任县"),
    "140213": ("平城区", "140202", "城区"),
    "140214": ("云冈区", "140211", "南郊区"),
    "140215": ("云州区", "140227", "大同县"),
    "140403": ("潞州区", "140402", "城区"),
    "140404": ("上党区", "140421", "长治县"),
    "230717": ("伊美区", "230702", "伊春区"),
    "230723": ("汤旺县", "230712", "汤旺河区"),
    "230751": ("金林区", "230705", "西林区"),
    "360404": ("柴桑区", "360421", "九江县"),
    "360704": ("赣县区", "360721", "赣县"),
    "361104": ("广信区", "361121", "上饶县"),
    "370116": ("莱芜区", "371202", "莱城区"),
    "411003": ("建安区", "411023", "许昌县"),
    "430212": ("渌口区", "430221", "株洲县"),
    "510117": ("郫都区", "510124", "郫县"),
    "511504": ("叙州区", "511521", "宜宾县"),
    "520281": ("盘州市", "520222", "盘县"),
    "540602": ("色尼区", "542421", "那曲县"),
    "610118": ("鄠邑区", "610125", "户县"),
    "610482": ("彬州市", "610427", "彬县"),
}
# 五台山风景名胜区 (source code 170971, here 140971) has no seat in any list:
# use the seat of 五台县, the county that surrounds it (imputed).
NEARBY_SEAT = {"140971": ("五台山风景名胜区", "140922", "五台县")}


def is_zone_code(code):
    """GB/T 2260 xx7x county codes are development/management zones."""
    return code[4] == "7"


def area_ratio(pref_units):
    """s = urban m2 per resident / rural m2 per resident, national.

    Rural residents share the national polygon area left after
    URBAN_M2_PER_RESIDENT m2 per urban resident.
    """
    area = math.fsum(u["area"] for u in pref_units.values())
    urban = math.fsum(u["urban"] for u in pref_units.values())
    rural = math.fsum(u["rural"] for u in pref_units.values())
    urban_km2 = URBAN_M2_PER_RESIDENT * 1e-6 * urban
    rural_m2 = (area - urban_km2) / rural * 1e6
    return URBAN_M2_PER_RESIDENT / rural_m2, rural_m2


def parent_unit(code, prov_code, prov, pref_units):
    """Prefecture-level unit (code) that a county belongs to."""
    if code in pref_units:
        return code
    if prov[prov_code]["type"] == "municipality":
        return prov_code[:2] + "0100"
    return code[:4] + "00"


def county_units(shared, prov, yb, adcodes, pref_units):
    """All county-level units with population, coordinates and area.

    Returns a list of unit dicts in code order (uncoded zones after the
    coded units of their prefecture).
    """
    lean = cc.read_csv(os.path.join(shared, cc.LEAN))
    units = []
    for r in lean:
        code = cc.CODE_FIX.get(r["county_code"], r["county_code"])
        pcode = code[:2] + "0000"  # after CODE_FIX (the source row says 170000)
        if r["county_code"] not in cc.CODE_FIX and pcode != r["province_code"]:
            raise ValueError("county %s: province code %s" % (code, r["province_code"]))
        if pcode not in prov:
            raise ValueError("county %s in unknown province %s" % (code, r["province_code"]))
        src = yb["county"].get(code) or yb["prefecture"].get(code)
        pop = int(r["pop_2020"])
        if src is None or src["pop"] != pop:
            raise ValueError("county %s: lean and yearbook populations differ" % code)
        u = {"code": code, "id": code, "name": r["county_zh"], "prov_code": pcode,
             "pop": pop, "urban": src["urban"], "rural": src["rural"],
             "hukou": list(src["hukou"]), "lean_source": r["coord_source"],
             "lean_lat": cc.num(r["lat"]), "lean_lon": cc.num(r["lon"]),
             "zone": is_zone_code(code), "uncoded": False}
        u["parent"] = parent_unit(code, pcode, prov, pref_units)
        units.append(u)
    # uncoded development zones / management areas of the yearbook
    seq = {}
    for z in yb["zones"]:
        parent = z["parent"]
        if parent not in pref_units:
            raise ValueError("zone %s under unknown prefecture %s" % (z["name"], parent))
        seq[parent] = seq.get(parent, 0) + 1
        zid = "%sz%02d" % (parent, seq[parent])
        units.append({"code": zid, "id": zid, "name": z["name"],
                      "prov_code": pref_units[parent]["prov_code"],
                      "pop": int(z["pop"]), "urban": z["urban"], "rural": z["rural"],
                      "hukou": list(z["hukou"]), "lean_source": "", "lean_lat": None, "lean_lon": None,
                      "zone": True, "uncoded": True, "parent": parent})
    # the only uncoded yearbook rows left must be parts of coded units
    for s in yb["subrows"]:
        if s["pref_zh"] not in ("西沙群岛", "南沙群岛", "中沙群岛的岛礁及其海域") and \
                s["name"] not in ("省直辖县级行政区划", "自治区直辖县级行政区划"):
            raise ValueError("unexpected uncoded yearbook row %r" % s)
    units.sort(key=lambda u: (u["parent"], u["uncoded"], u["code"]))
    ids = [u["id"] for u in units]
    if len(set(ids)) != len(ids):
        raise ValueError("duplicate county ids")

    # nesting: children add up exactly to each prefecture-level unit
    kids = {}
    for u in units:
        if u["parent"] not in pref_units:
            raise ValueError("county %s: parent %s is not a prefecture unit" % (u["id"], u["parent"]))
        kids.setdefault(u["parent"], []).append(u)
    for pc, pu in pref_units.items():
        ks = kids.get(pc, [])
        if sum(k["pop"] for k in ks) != pu["pop"] or sum(k["urban"] for k in ks) != pu["urban"]:
            raise ValueError("counties of %s %s do not add up" % (pc, pu["name"]))
    census_hukou(kids, pref_units)

    # coordinates
    for u in units:
        pu = pref_units[u["parent"]]
        u["coord_imputed"] = False
        if u["code"] in PREDECESSOR_SEAT:
            name, old, old_name = PREDECESSOR_SEAT[u["code"]]
            lat, lon, got = adcodes[old]
            if got != old_name or u["name"] != name:
                raise ValueError("predecessor check failed for %s" % u["code"])
            u["lat"], u["lon"], u["coord_source"] = lat, lon, "seat_predecessor"
        elif u["code"] in NEARBY_SEAT:
            name, old, old_name = NEARBY_SEAT[u["code"]]
            lat, lon, got = adcodes[old]
            if got != old_name or u["name"] != name:
                raise ValueError("nearby-seat check failed for %s" % u["code"])
            u["lat"], u["lon"], u["coord_source"] = lat, lon, "seat_of_surrounding_county"
            u["coord_imputed"] = True
        elif u["lean_source"] in ("adcode_exact", "adcode_name_match") and u["lean_lat"] is not None:
            u["lat"], u["lon"], u["coord_source"] = u["lean_lat"], u["lean_lon"], "seat"
        elif u["code"] in pref_units:
            u["lat"], u["lon"] = pu["lat"], pu["lon"]
            u["coord_source"] = "prefecture_file_" + pu["coord_source"]
        else:
            # development zones, uncoded zones and a few new units: prefecture seat
            u["lat"], u["lon"], u["coord_source"] = pu["lat"], pu["lon"], "prefecture_seat"
            u["coord_imputed"] = True
            if u["lean_lat"] is not None and (abs(u["lean_lat"] - pu["lat"]) > 1e-6
                                              or abs(u["lean_lon"] - pu["lon"]) > 1e-6):
                raise ValueError("%s: fallback differs from the prefecture seat" % u["id"])

    # area: own polygon, else split of the prefecture-level unit's polygon
    s, rural_m2 = area_ratio(pref_units)
    for pc, ks in kids.items():
        pu = pref_units[pc]
        own = [k for k in ks if k["code"] == pc]
        if own:
            if len(ks) != 1:
                raise ValueError("%s has its own polygon and children" % pc)
            own[0]["area"], own[0]["area_imputed"] = pu["area"], False
            continue
        w = [k["rural"] + s * k["urban"] for k in ks]
        wsum = math.fsum(w)
        for k, wk in zip(ks, w):
            k["area"], k["area_imputed"] = pu["area"] * wk / wsum, True
    return units, kids, s, rural_m2


def census_hukou(kids, pref_units):
    """Fill the blank census cells of residents registered elsewhere and check the nesting.

    A blank county cell (one in the yearbook: 长汀县's residents registered in
    another county of Fujian) is its prefecture row less the prefecture's other
    counties; at most one blank per prefecture and column.  Afterwards the
    counties of every prefecture unit add up exactly to its row, in all three
    columns (HUKOU_COLUMNS), and u['hukou_imputed'] lists the imputed columns.
    """
    for pc, ks in kids.items():
        whole = pref_units[pc]["hukou"]
        for c in range(len(cc.HUKOU_COLUMNS)):
            blank = [k for k in ks if k["hukou"][c] is None]
            if len(blank) > 1 or whole[c] is None:
                raise ValueError("%s: %d blank %s cells" % (pc, len(blank), cc.HUKOU_COLUMNS[c]))
            rest = sum(k["hukou"][c] for k in ks if k["hukou"][c] is not None)
            if blank:
                blank[0]["hukou"][c] = whole[c] - rest
                blank[0].setdefault("hukou_imputed", []).append(c)
                if not 0 <= blank[0]["hukou"][c] <= blank[0]["pop"]:
                    raise ValueError("%s: imputed %s out of range" % (blank[0]["id"], cc.HUKOU_COLUMNS[c]))
            elif rest != whole[c]:
                raise ValueError("counties of %s: %s add up to %d, the prefecture row says %d"
                                 % (pc, cc.HUKOU_COLUMNS[c], rest, whole[c]))
        for k in ks:
            if sum(k["hukou"]) > k["pop"]:
                raise ValueError("%s: more residents registered elsewhere than residents" % k["id"])


def county_tags(u, prov, pref_units):
    """NBS region; municipality; coastal;port; provincial_capital; megacity;
    dev_zone; gdp_imputed; area_imputed; coord_imputed."""
    p = prov[u["prov_code"]]
    pu = pref_units[u["parent"]]
    t = [p["nbs_region"]]
    if p["type"] == "municipality":
        t.append("municipality")
    if p["coastal"]:
        t += ["coastal", "port"]
    capital_pref = p["type"] == "municipality" or pu["code"] == p["capital_code"]
    if capital_pref and u["name"].endswith("区"):
        t.append("provincial_capital")
    if pu["pop"] > cc.MEGACITY_POP and pu["urban"] > cc.MEGACITY_URBAN_SHARE * pu["pop"]:
        t.append("megacity")
    if u["zone"]:
        t.append("dev_zone")
    t.append("gdp_imputed")
    if u["area_imputed"]:
        t.append("area_imputed")
    if u["coord_imputed"]:
        t.append("coord_imputed")
    return t


def build(shared):
    prov = cc.load_provinces(shared)
    yb = cc.load_yearbook(shared)
    pf = cc.load_prefecture_file(shared)
    adcodes = cc.load_adcodes(shared)
    pref_units, _ = cc.prefecture_units(prov, yb, pf, adcodes)
    units, kids, s, rural_m2 = county_units(shared, prov, yb, adcodes, pref_units)
    cc.money_columns(units, prov)
    emigrants, notes = cc.emigrants_2020(shared, prov, sum(int(u["hukou"][2]) for u in units))
    cc.registered_counties(units, prov, emigrants)
    rows = [cc.format_row(u, prov, county_tags(u, prov, pref_units), area_fmt="%.2f")
            for u in units]
    return prov, pref_units, units, rows, s, rural_m2


def print_registered(units, prov):
    """Registered populations against residents, and the census migrants written."""
    within = sum(int(u["hukou"][1]) for u in units)
    other = sum(int(u["hukou"][2]) for u in units)
    pop = sum(u["pop"] for u in units)
    print("census migrants: registered in another county of the province %s (%.2f%%), in another province %s "
          "(%.2f%%)" % ("{:,}".format(within), 100 * within / pop, "{:,}".format(other), 100 * other / pop))
    imp = [u for u in units if u.get("hukou_imputed")]
    print("imputed census cells: " + ", ".join("%s %s %s = %d" % (u["id"], u["name"], cc.HUKOU_COLUMNS[c],
                                                                  u["hukou"][c]) for u in imp for c in u["hukou_imputed"]))
    ratio = sorted(units, key=lambda u: u["registered"] / u["pop"])
    print("registered / population: %.3f (%s %s) .. %.3f (%s %s)" % (
        ratio[0]["registered"] / ratio[0]["pop"], ratio[0]["id"], ratio[0]["name"],
        ratio[-1]["registered"] / ratio[-1]["pop"], ratio[-1]["id"], ratio[-1]["name"]))


def print_extra(units, pref_units, rows, s, rural_m2):
    zones = [u for u in units if u["zone"]]
    unc = [u for u in units if u["uncoded"]]
    print("units: %d = %d coded county-level units + %d uncoded zones; of them %d development/"
          "management zones (%d persons)" % (
              len(units), len(units) - len(unc), len(unc), len(zones),
              sum(u["pop"] for u in zones)))
    print("uncoded zones added (%d persons): %s" % (
        sum(u["pop"] for u in unc), " ".join("%s=%s" % (u["id"], u["name"]) for u in unc)))
    srcs = {}
    for u in units:
        srcs[u["coord_source"]] = srcs.get(u["coord_source"], 0) + 1
    print("coordinates: " + ", ".join("%s %d" % kv for kv in sorted(srcs.items())))
    pts = {}
    for u in units:
        pts.setdefault(("%.6f" % u["lat"], "%.6f" % u["lon"]), []).append(u["id"])
    dup = [v for v in pts.values() if len(v) > 1]
    print("coordinate points shared by more than one unit: %d points, %d units"
          % (len(dup), sum(len(v) for v in dup)))
    print("area split ratio s = %.5f (urban %g m2 vs rural %.0f m2 per resident); "
          "imputed areas: %d units, own polygon: %d"
          % (s, URBAN_M2_PER_RESIDENT, rural_m2, sum(u["area_imputed"] for u in units),
             sum(not u["area_imputed"] for u in units)))
    # nesting check of the money columns against the prefecture builder's weights
    smallest = sorted(rows, key=lambda r: int(r["population"]))[:3]
    print("smallest units: " + ", ".join("%s %s %s" % (r["id"], r["name"], r["population"])
                                         for r in smallest))
    for code in ("110101", "110119", "310101", "440305"):
        r = next((r for r in rows if r["id"] == code), None)
        if r:
            print("  %s %s area %s km2 (imputed) land %s pop %s" % (
                code, r["name"], r["area_km2"], r["land_km2"], r["population"]))


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--shared", default=cc.DEFAULT_SHARED)
    ap.add_argument("--out", default=DEFAULT_OUT)
    ap.add_argument("--regio", default=os.path.join(cc.REPO, "build", "regio"),
                    help="regio binary for `regio validate` (skipped if missing)")
    ap.add_argument("--no-regio", action="store_true", help="skip the C++ validator")
    ap.add_argument("--quiet", action="store_true")
    args = ap.parse_args(argv)

    prov, pref_units, units, rows, s, rural_m2 = build(args.shared)
    os.makedirs(args.out, exist_ok=True)
    path = os.path.join(args.out, "regions.csv")
    cc.write_regions(rows, path)
    cc.write_census_migrants(units, os.path.join(args.out, "census_migrants.csv"),
                             ("within_province", "other_province"))
    checked, problems, stats = cc.validate(path, prov, N_MIN, N_MAX)
    if not args.quiet:
        cc.print_checks(checked, prov, stats)
        print_extra(units, pref_units, checked, s, rural_m2)
        print_registered(units, prov)
    if not args.no_regio:
        if not cc.run_regio(os.path.join(args.out, "calibration.yaml"), args.regio):
            problems.append("regio validate failed")
    if problems:
        for p in problems:
            print("ERROR:", p, file=sys.stderr)
        return 1
    print("wrote %s (%d units): all checks passed" % (path, len(rows)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
