#!/usr/bin/python3
"""Build the default China-31 input (one region per mainland province).

Writes <out>/regions.csv (the region table that regio reads, MODEL.md §1) and
<out>/adjacency.csv (a verbatim copy of the province adjacency list), both
derived reproducibly from the shared data folder.  Every rule used here is
documented in inputs/china31/PROVENANCE.md; keep the two in step.

Standard library only, on purpose: the build must run on a bare
/usr/bin/python3 without pip.

Usage:
    /usr/bin/python3 tools/build_china31.py [--shared ../shared/data] [--out inputs/china31]
"""

import argparse
import csv
import math
import os
import shutil
import sys

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DEFAULT_SHARED = os.path.normpath(os.path.join(REPO, "..", "shared", "data"))
DEFAULT_OUT = os.path.join(REPO, "inputs", "china31")

COLUMNS = ["id", "name", "province", "lat", "lon", "area_km2", "land_km2",
           "population", "registered", "capital", "gdp", "productivity",
           "amenity", "tags"]

# GDP vintage: NBS revises history after each economic census, so one vintage
# must be used throughout (china-provinces/PROVENANCE.md).
GDP_VINTAGE = "nbs_export_2026-03_revised_5th_econ_census"
BASE_YEAR = 2020

# Known national total of the 2020 (7th) census, mainland only.
CENSUS2020_TOTAL = 1409778724

# Provinces whose polygon centroid is not a usable point for distances: it
# lies outside the province's own land.  For them we use the provincial
# capital's government seat instead.
CENTROID_OVERRIDE = {
    "130000": "centroid falls in the Beijing/Tianjin hole (PROVENANCE)",
    "620000": "crescent shape: centroid lies in Qinghai (south of the Qilian county seat)",
    "460000": "Sansha (South China Sea) polygons pull the centroid into the sea south of the island",
}

# Developable land H_i (km2): no official file exists, so it is *assumed*:
#   H_i = LAND_AREA_SHARE * area_i + LAND_PER_URBAN_MILLION * urban_pop_i / 1e6,
# capped at area_i.  The per-urban-resident term is the order of magnitude of
# China's urban construction land (~100-150 m2 per urban resident); the area
# term stands in for rural settlements, transport and mining land.
LAND_AREA_SHARE = 0.02
LAND_PER_URBAN_MILLION = 150.0

# Perpetual inventory (Zhang 2008) used for the Chongqing rebuild.
DEPRECIATION = 0.096
CQ_CODE, CQ_START, CQ_GROWTH_END = "500000", 1996, 2006

COASTAL = {"210000", "130000", "120000", "370000", "320000", "310000",
           "330000", "350000", "440000", "450000", "460000"}
MEGACITY = {"110000", "310000"}


def read_csv(path):
    """Read a CSV file into a list of dicts (UTF-8, header row)."""
    with open(path, newline="", encoding="utf-8") as f:
        return list(csv.DictReader(f))


def by_code(rows):
    """Index rows by their GB/T 2260 `code` column, refusing duplicates."""
    out = {}
    for r in rows:
        if r["code"] in out:
            raise ValueError("duplicate code %s" % r["code"])
        out[r["code"]] = r
    return out


def coordinates(p):
    """(lat, lon, source) for a province row: centroid unless overridden."""
    if p["code"] in CENTROID_OVERRIDE:
        return float(p["capital_lat"]), float(p["capital_lon"]), "capital"
    return float(p["geo_centroid_lat"]), float(p["geo_centroid_lon"]), "centroid"


def developable_land(area_km2, urban_pop):
    """Assumed developable land H_i in km2 (see LAND_* above); positive, <= area."""
    h = LAND_AREA_SHARE * area_km2 + LAND_PER_URBAN_MILLION * urban_pop / 1e6
    return min(h, area_km2)


def investment_series(rows):
    """{code: {year: row}} from province_investment_capital_stock.csv."""
    out = {}
    for r in rows:
        out.setdefault(r["code"], {})[int(r["year"])] = r
    return out


def pim_1952_prices(series, start, k0=None, end=BASE_YEAR):
    """Perpetual inventory K_t = (1-delta) K_{t-1} + I_t/P_t in 1952 prices.

    K_start = I_start/0.10 (Zhang's rule) unless k0 is given.  Used to re-check
    the shared derived column and to rebuild Chongqing.
    """
    k = None
    for year in range(start, end + 1):
        r = series[year]
        real_i = float(r["gfcf_100m_yuan_current"]) / float(r["invest_price_index_1952eq1"])
        if k is None:
            k = k0 if k0 is not None else real_i / 0.10
        else:
            k = (1.0 - DEPRECIATION) * k + real_i
    return k


def chongqing_capital_1952(series):
    """Chongqing's K_2020 in 1952 prices, rebuilt from 1996 (no 1952 base).

    K_1996 = I_1996/(g + delta), g = geometric-mean real GFCF growth 1996-2006,
    deflated with Chongqing's own investment price index (1952 = 1).
    Returns (K_2020, g, K_1996).
    """
    real = {y: float(series[y]["gfcf_100m_yuan_current"])
            / float(series[y]["invest_price_index_1952eq1"]) for y in series}
    g = (real[CQ_GROWTH_END] / real[CQ_START]) ** (1.0 / (CQ_GROWTH_END - CQ_START)) - 1.0
    k0 = real[CQ_START] / (g + DEPRECIATION)
    return pim_1952_prices(series, CQ_START, k0=k0), g, k0


def capital_2020_prices(inv):
    """K_i for 2020 in 亿元 at 2020 prices: K(1952 prices) x P_2020 (1952 = 1).

    Returns ({code: K}, notes) where notes holds the Chongqing rebuild values.
    """
    out, notes = {}, {}
    for code, series in inv.items():
        p2020 = float(series[BASE_YEAR]["invest_price_index_1952eq1"])
        derived = series[BASE_YEAR]["capital_stock_100m_yuan_1952prices_derived"]
        if code == CQ_CODE:
            if derived:
                raise ValueError("Chongqing now has a derived K; revisit the rebuild")
            k1952, g, k0 = chongqing_capital_1952(series)
            notes = {"g": g, "K1996_1952prices": k0, "K2020_1952prices": k1952,
                     "P2020": p2020}
        else:
            k1952 = float(derived)
            # Re-check the shared derived column (it rounds early years).
            again = pim_1952_prices(series, min(series))
            if abs(again - k1952) > 0.01 * k1952:
                raise ValueError("K check failed for %s: %.1f vs %.1f" % (code, again, k1952))
        out[code] = k1952 * p2020
    return out, notes


def gdp_2020(rows):
    """{code: GDP 2020 in 亿元} for the chosen vintage."""
    out = {}
    for r in rows:
        if r["vintage"] == GDP_VINTAGE and int(r["year"]) == BASE_YEAR:
            out[r["code"]] = float(r["gdp_100m_yuan"])
    return out


def tags(p):
    """Semicolon-separated tags: NBS region, municipality, coastal, port, megacity."""
    t = [p["nbs_region"].lower()]
    if p["type"] == "municipality":
        t.append("municipality")
    if p["code"] in COASTAL:
        t += ["coastal", "port"]
    if p["code"] in MEGACITY:
        t.append("megacity")
    return ";".join(t)


def build_rows(shared):
    """Assemble the 31 region rows (dicts of formatted strings) in code order."""
    prov_dir = os.path.join(shared, "china-provinces")
    provinces = by_code(read_csv(os.path.join(prov_dir, "provinces.csv")))
    census = by_code(read_csv(os.path.join(prov_dir, "province_census_2010_2020.csv")))
    gdp = gdp_2020(read_csv(os.path.join(prov_dir, "province_gdp_nbs_long.csv")))
    inv = investment_series(read_csv(os.path.join(prov_dir, "province_investment_capital_stock.csv")))
    capital, cq = capital_2020_prices(inv)

    codes = sorted(provinces, key=int)
    for name, table in (("census", census), ("gdp", gdp), ("capital", capital)):
        if set(table) != set(codes):
            raise ValueError("%s table does not cover the 31 provinces" % name)

    pop = {c: int(float(provinces[c]["pop_census2020"])) for c in codes}
    for c in codes:
        if pop[c] != int(census[c]["pop_census2020"]):
            raise ValueError("census population mismatch for %s" % c)
    national_gdp_pc = sum(gdp.values()) / sum(pop.values())

    rows = []
    for c in codes:
        p = provinces[c]
        lat, lon, _ = coordinates(p)
        area = float(p["area_km2_polygon"])
        land = developable_land(area, int(census[c]["urban_pop_census2020"]))
        rows.append({
            "id": c,
            "name": p["name_en"],
            "province": p["name_en"],
            "lat": "%.6f" % lat,
            "lon": "%.6f" % lon,
            "area_km2": "%.1f" % area,
            "land_km2": "%.1f" % land,
            "population": "%d" % pop[c],
            "registered": "%d" % pop[c],  # R_i defaults to L_i (no 2020 origin data)
            "capital": "%.2f" % capital[c],
            "gdp": "%.1f" % gdp[c],
            "productivity": "%.6f" % ((gdp[c] / pop[c]) / national_gdp_pc),
            "amenity": "1",
            "tags": tags(p),
        })
    return rows, cq


def write_regions(rows, path):
    """Write regions.csv unquoted; refuse values that would need quoting."""
    for r in rows:
        for k, v in r.items():
            if any(ch in v for ch in ',"\n\r') or v == "":
                raise ValueError("bad value %r in column %s" % (v, k))
    with open(path, "w", newline="", encoding="utf-8") as f:
        w = csv.DictWriter(f, fieldnames=COLUMNS, lineterminator="\n",
                           quoting=csv.QUOTE_NONE)
        w.writeheader()
        w.writerows(rows)


def copy_adjacency(shared, out_dir, codes):
    """Copy the province adjacency list verbatim and check it against the regions."""
    src = os.path.join(shared, "china-province-network", "province_adjacency.csv")
    dst = os.path.join(out_dir, "adjacency.csv")
    shutil.copyfile(src, dst)
    edges = read_csv(dst)
    for e in edges:
        if e["code_a"] not in codes or e["code_b"] not in codes:
            raise ValueError("adjacency edge with unknown code: %r" % e)
    return dst, len(edges)


def validate(path):
    """Re-read regions.csv and check shape, completeness, positivity, totals."""
    rows = read_csv(path)
    numeric = ["lat", "lon", "area_km2", "land_km2", "population", "registered",
               "capital", "gdp", "productivity", "amenity"]
    problems = []
    if len(rows) != 31:
        problems.append("expected 31 rows, got %d" % len(rows))
    if rows and list(rows[0].keys()) != COLUMNS:
        problems.append("columns differ: %s" % list(rows[0].keys()))
    for r in rows:
        for k in COLUMNS:
            if not r.get(k):
                problems.append("%s: empty %s" % (r.get("id"), k))
        for k in numeric:
            x = float(r[k])
            if not (math.isfinite(x) and x > 0):
                problems.append("%s: %s=%s not positive/finite" % (r["id"], k, r[k]))
        if float(r["land_km2"]) > float(r["area_km2"]):
            problems.append("%s: land > area" % r["id"])
    total = sum(int(r["population"]) for r in rows)
    if total != CENSUS2020_TOTAL:
        problems.append("population total %d != %d" % (total, CENSUS2020_TOTAL))
    wmean = sum(float(r["productivity"]) * int(r["population"]) for r in rows) / total
    if abs(wmean - 1.0) > 1e-5:
        problems.append("population-weighted productivity mean %.8f != 1" % wmean)
    return rows, problems, total, wmean


def print_summary(rows, total, wmean, cq, n_edges):
    """Human-readable table of the written values (stdout)."""
    hdr = "%-6s %-15s %9s %9s %10s %9s %13s %11s %10s %7s  %s" % (
        "id", "name", "lat", "lon", "area_km2", "land_km2", "population",
        "capital", "gdp", "prod", "tags")
    print(hdr)
    print("-" * len(hdr))
    for r in rows:
        print("%-6s %-15s %9s %9s %10s %9s %13s %11s %10s %7.3f  %s" % (
            r["id"], r["name"], r["lat"], r["lon"], r["area_km2"], r["land_km2"],
            "{:,}".format(int(r["population"])), r["capital"], r["gdp"],
            float(r["productivity"]), r["tags"]))
    print("-" * len(hdr))
    gdp = sum(float(r["gdp"]) for r in rows)
    cap = sum(float(r["capital"]) for r in rows)
    land = sum(float(r["land_km2"]) for r in rows)
    area = sum(float(r["area_km2"]) for r in rows)
    print("rows %d | population %s | GDP %.1f 亿元 | K %.0f 亿元 (K/GDP %.2f)"
          % (len(rows), "{:,}".format(total), gdp, cap, cap / gdp))
    print("area %.0f km2 | developable land %.0f km2 (%.2f%% of area) | "
          "pop-weighted productivity mean %.6f" % (area, land, 100 * land / area, wmean))
    print("coordinates from the capital (centroid unusable): %s" % ", ".join(
        r["name"] for r in rows if r["id"] in CENTROID_OVERRIDE))
    print("Chongqing capital rebuild: g=%.4f, K_1996=%.2f, K_2020=%.2f (1952 prices), "
          "P_2020=%.4f" % (cq["g"], cq["K1996_1952prices"], cq["K2020_1952prices"], cq["P2020"]))
    print("adjacency edges copied: %d" % n_edges)


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--shared", default=DEFAULT_SHARED,
                    help="shared data folder (default: <repo>/../shared/data)")
    ap.add_argument("--out", default=DEFAULT_OUT,
                    help="output folder (default: <repo>/inputs/china31)")
    ap.add_argument("--quiet", action="store_true", help="no summary table")
    args = ap.parse_args(argv)

    rows, cq = build_rows(args.shared)
    os.makedirs(args.out, exist_ok=True)
    path = os.path.join(args.out, "regions.csv")
    write_regions(rows, path)
    _, n_edges = copy_adjacency(args.shared, args.out, {r["id"] for r in rows})

    checked, problems, total, wmean = validate(path)
    if not args.quiet:
        print_summary(checked, total, wmean, cq, n_edges)
    if problems:
        for p in problems:
            print("ERROR:", p, file=sys.stderr)
        return 1
    print("wrote %s and adjacency.csv: all checks passed" % path)
    return 0


if __name__ == "__main__":
    sys.exit(main())
