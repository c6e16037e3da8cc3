#!/usr/bin/python3
"""Build the China-31 inputs (one region per mainland province), 2020 and 2010.

From the shared data folder, reproducibly, this writes

  <out>/regions.csv         region table that regio reads (MODEL.md §1), 2020
  <out>/adjacency.csv       verbatim copy of the province adjacency list
  <out>/network.csv         adjacency as a transport network (from,to,mode,km)
  <out>/provinces.csv       province metadata (codes, names, points, censuses, ...)
  <out>/series/*.csv        long-format validation series 2000-2024
  <out2010>/regions.csv     the same 14 columns for 2010 (validation run 2010->2020)
  <out2010>/observed_2020.csv  observed 2020 populations and GDP, with shares
  <out2010>/scenario.yaml   <baseline>'s keys with start_year 2010, epochs 11

then re-reads everything and checks it (non-zero exit on any failure).  Every
rule used here is documented in inputs/china31/PROVENANCE.md and
inputs/china31-2010/PROVENANCE.md; keep them in step.

Standard library only, on purpose: the build must run on a bare
/usr/bin/python3 without pip.

Usage:
    /usr/bin/python3 tools/build_china31.py [--shared ../shared/data] [--out inputs/china31]
        [--out2010 inputs/china31-2010] [--baseline inputs/china31/baseline.yaml] [--quiet]
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
DEFAULT_OUT2010 = os.path.join(REPO, "inputs", "china31-2010")
DEFAULT_BASELINE = os.path.join(REPO, "inputs", "china31", "baseline.yaml")

COLUMNS = ["id", "name", "province", "lat", "lon", "area_km2", "land_km2",
           "population", "registered", "capital", "gdp", "productivity",
           "amenity", "tags"]

# GDP vintage: NBS revises history after each economic census, so one vintage
# must be used throughout (china-provinces/PROVENANCE.md).
GDP_VINTAGE = "nbs_export_2026-03_revised_5th_econ_census"
BASE_YEAR = 2020

# Known national totals of the 2010 (6th) and 2020 (7th) censuses, mainland only.
CENSUS2020_TOTAL = 1409778724
CENSUS2010_TOTAL = 1332810869
# Sum over provinces of the 2020 GDP in GDP_VINTAGE (亿元), as documented.
GDP2020_TOTAL = 1031101.6

# Validation run 2010 -> 2020 (inputs/china31-2010).
START_2010 = 2010
SCENARIO_2010 = {"start_year": "2010", "epochs": "11", "output": "out/china31-2010"}

# Long-format validation series (inputs/china31/series).  GDP of GDP_VINTAGE
# exists for 2006-2024 only; the older vintages are NOT spliced in (PROVENANCE).
SERIES_FIRST, SERIES_LAST = 2000, 2024
GDP_FIRST = 2006
CAPITAL_LAST = 2022  # last year of the investment / price-index file

# Transport network (MODEL.md §1): every land-adjacent pair is a `road` edge and
# these hand-added links cover the sea crossings.  km = great-circle distance
# between the two regions' points (haversine, R = EARTH_RADIUS_KM).
EARTH_RADIUS_KM = 6371.0
SEA_LINKS = [("440000", "460000", "waterway", "Qiongzhou Strait ferry Guangdong-Hainan")]

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


# --------------------------------------------------------------------------
# Shared-data helpers for the new outputs
# --------------------------------------------------------------------------

def shared_path(shared, *parts):
    """Path of a file under the shared data folder."""
    return os.path.join(shared, *parts)


def fmt_int(x):
    """Integer string of a count that the source may write as '123.0'."""
    v = float(x)
    if v != int(v):
        raise ValueError("non-integer count %r" % x)
    return "%d" % int(v)


def pim_path_1952(series, start, k0=None, end=CAPITAL_LAST):
    """{year: K_t} in 1952 prices, the same recursion as pim_1952_prices()."""
    k, out = None, {}
    for year in range(start, end + 1):
        r = series[year]
        real_i = float(r["gfcf_100m_yuan_current"]) / float(r["invest_price_index_1952eq1"])
        if k is None:
            k = k0 if k0 is not None else real_i / 0.10
        else:
            k = (1.0 - DEPRECIATION) * k + real_i
        out[year] = k
    return out


def capital_paths_1952(inv, first=SERIES_FIRST, last=CAPITAL_LAST):
    """{code: {year: K_t in 亿元 at 1952 prices}} for first..last.

    The same rule as capital_2020_prices(): the shared derived column for 30
    provinces (re-checked year by year against our own recursion, 1 %), and
    the Chongqing rebuild from 1996 (K_1996 = I/(g + delta)).
    """
    out = {}
    for code, series in inv.items():
        if code == CQ_CODE:
            _, _, k0 = chongqing_capital_1952(series)
            path = pim_path_1952(series, CQ_START, k0=k0, end=last)
        else:
            again = pim_path_1952(series, min(series), end=last)
            path = {}
            for y in range(first, last + 1):
                d = float(series[y]["capital_stock_100m_yuan_1952prices_derived"])
                if abs(again[y] - d) > 0.01 * d:
                    raise ValueError("K check failed for %s %d: %.1f vs %.1f" % (code, y, again[y], d))
                path[y] = d
        out[code] = {y: path[y] for y in range(first, last + 1)}
    return out


def gdp_panel(rows, vintage=GDP_VINTAGE):
    """{code: {year: GDP}} of one vintage; refuses duplicates and empty values."""
    out = {}
    for r in rows:
        if r["vintage"] != vintage:
            continue
        year = int(r["year"])
        d = out.setdefault(r["code"], {})
        if year in d:
            raise ValueError("duplicate GDP %s %d in vintage %s" % (r["code"], year, vintage))
        d[year] = float(r["gdp_100m_yuan"])
    return out


def scale_to_total(values, total):
    """Integers proportional to `values` ({code: int}) that sum exactly to `total`.

    Exact integer arithmetic: floor(v * total / sum) plus one for the largest
    remainders (ties by code), so the result is deterministic.
    """
    s = sum(values.values())
    out, rem = {}, {}
    for c, v in values.items():
        out[c], rem[c] = divmod(v * total, s)
    short = total - sum(out.values())
    for c in sorted(values, key=lambda c: (-rem[c], c))[:short]:
        out[c] += 1
    return out


def haversine_km(lat1, lon1, lat2, lon2, radius=EARTH_RADIUS_KM):
    """Great-circle distance in km (MODEL.md §1: R = 6371.0 km)."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2.0 * radius * math.asin(math.sqrt(a))


def write_table(path, columns, rows):
    """Write a CSV (UTF-8, LF, minimal quoting) of dict rows in column order."""
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w", newline="", encoding="utf-8") as f:
        w = csv.DictWriter(f, fieldnames=columns, lineterminator="\n")
        w.writeheader()
        w.writerows(rows)


# --------------------------------------------------------------------------
# 2010 region table (inputs/china31-2010)
# --------------------------------------------------------------------------

def build_rows_2010(shared, rows2020):
    """The 14 region columns for 2010; geography and tags copied from 2020 rows.

    Returns (rows, info) with info holding the registered-population scaling.
    """
    prov_dir = shared_path(shared, "china-provinces")
    census = by_code(read_csv(os.path.join(prov_dir, "province_census_2010_2020.csv")))
    gdp = gdp_panel(read_csv(os.path.join(prov_dir, "province_gdp_nbs_long.csv")))
    inv = investment_series(read_csv(os.path.join(prov_dir, "province_investment_capital_stock.csv")))
    k1952 = capital_paths_1952(inv)
    codes = [r["id"] for r in rows2020]

    pop = {c: int(fmt_int(census[c]["pop_census2010"])) for c in codes}
    hukou = {c: int(fmt_int(census[c]["hukou_pop_census2010"])) for c in codes}
    registered = scale_to_total(hukou, sum(pop.values()))
    g = {c: gdp[c][START_2010] for c in codes}
    cap = {c: k1952[c][START_2010] * float(inv[c][START_2010]["invest_price_index_1952eq1"])
           for c in codes}
    national_gdp_pc = sum(g.values()) / sum(pop.values())

    rows = []
    for r20 in rows2020:
        c = r20["id"]
        area = float(r20["area_km2"])
        land = developable_land(area, int(fmt_int(census[c]["urban_pop_census2010"])))
        rows.append({
            "id": c, "name": r20["name"], "province": r20["province"],
            "lat": r20["lat"], "lon": r20["lon"], "area_km2": r20["area_km2"],
            "land_km2": "%.1f" % land,
            "population": "%d" % pop[c],
            "registered": "%d" % registered[c],
            "capital": "%.2f" % cap[c],
            "gdp": "%.1f" % g[c],
            "productivity": "%.6f" % ((g[c] / pop[c]) / national_gdp_pc),
            "amenity": "1",
            "tags": r20["tags"],
        })
    info = {"hukou_total": sum(hukou.values()), "pop_total": sum(pop.values()),
            "factor": sum(pop.values()) / sum(hukou.values())}
    return rows, info


def observed_2020_rows(rows2020):
    """code,name_en,population_2020,gdp_2020 and their shares, from the 2020 table."""
    tp = sum(int(r["population"]) for r in rows2020)
    tg = sum(float(r["gdp"]) for r in rows2020)
    return [{"code": r["id"], "name_en": r["name"], "population_2020": r["population"],
             "gdp_2020": r["gdp"],
             "population_share_2020": "%.8f" % (int(r["population"]) / tp),
             "gdp_share_2020": "%.8f" % (float(r["gdp"]) / tg)} for r in rows2020]


def write_scenario_2010(baseline, path):
    """Copy baseline.yaml's keys, replacing start_year, epochs and output.

    Line-based on purpose (flat YAML, standard library only); fails if a key
    to replace is missing so that a changed baseline is noticed.
    """
    with open(baseline, encoding="utf-8") as f:
        lines = f.read().splitlines()
    body, seen = [], set()
    for line in lines:
        if not body and (line.startswith("#") or not line.strip()):
            continue  # the baseline's header comment describes the 2020 run
        key = line.split(":", 1)[0].strip() if ":" in line and not line.startswith((" ", "#")) else None
        if key in SCENARIO_2010:
            seen.add(key)
            value_comment = line.split(":", 1)[1]
            comment = ""
            if "#" in value_comment:
                comment = "  #" + value_comment.split("#", 1)[1]
            line = "%s: %s%s" % (key, SCENARIO_2010[key], comment)
        body.append(line)
    missing = set(SCENARIO_2010) - seen
    if missing:
        raise ValueError("%s lacks key(s) %s" % (baseline, ", ".join(sorted(missing))))
    header = [
        "# China, 31 provinces, validation run 2010 -> 2020: epoch 0 = 2010 (6th census),",
        "# epoch 10 = 2020; compare with observed_2020.csv.  Written by tools/build_china31.py",
        "# from inputs/china31/baseline.yaml (same keys; start_year, epochs, output replaced).",
        "# Uncalibrated like the baseline; see PROVENANCE.md here.",
    ]
    with open(path, "w", encoding="utf-8", newline="\n") as f:
        f.write("\n".join(header + body) + "\n")


# --------------------------------------------------------------------------
# provinces.csv, series/, network.csv (inputs/china31)
# --------------------------------------------------------------------------

PROVINCE_COLUMNS = [
    "code", "name_zh", "name_en", "type", "nbs_region", "capital_zh", "capital_en",
    "capital_code", "capital_lat", "capital_lon", "centroid_lat", "centroid_lon",
    "region_lat", "region_lon", "area_km2", "pop_census2010", "pop_census2020",
    "urban_share_census2010_pct", "urban_share_census2020_pct", "hukou_pop_census2010",
    "gdp_2020_100m_yuan", "capital_stock_2020_100m_yuan", "land_km2"]


def province_rows(shared, rows2020):
    """Province metadata; source values verbatim, derived ones as in regions.csv."""
    prov_dir = shared_path(shared, "china-provinces")
    provinces = by_code(read_csv(os.path.join(prov_dir, "provinces.csv")))
    census = by_code(read_csv(os.path.join(prov_dir, "province_census_2010_2020.csv")))
    out = []
    for r in rows2020:
        c = r["id"]
        p, z = provinces[c], census[c]
        for k in ("pop_census2010", "pop_census2020"):
            if fmt_int(p[k]) != fmt_int(z[k]):
                raise ValueError("%s: %s differs between provinces.csv and the census file" % (c, k))
        for k in ("urban_share_census2010_pct", "urban_share_census2020_pct"):
            if float(p[k]) != float(z[k]):
                raise ValueError("%s: %s differs between provinces.csv and the census file" % (c, k))
        if abs(float(p["gdp_2020_100m_yuan"]) - float(r["gdp"])) > 0.05:
            raise ValueError("%s: provinces.csv GDP 2020 is not vintage %s" % (c, GDP_VINTAGE))
        out.append({
            "code": c, "name_zh": p["name_zh"], "name_en": p["name_en"], "type": p["type"],
            "nbs_region": p["nbs_region"], "capital_zh": p["capital_zh"],
            "capital_en": p["capital_en"], "capital_code": p["capital_code"],
            "capital_lat": p["capital_lat"], "capital_lon": p["capital_lon"],
            "centroid_lat": p["geo_centroid_lat"], "centroid_lon": p["geo_centroid_lon"],
            "region_lat": r["lat"], "region_lon": r["lon"], "area_km2": r["area_km2"],
            "pop_census2010": fmt_int(z["pop_census2010"]),
            "pop_census2020": fmt_int(z["pop_census2020"]),
            "urban_share_census2010_pct": z["urban_share_census2010_pct"],
            "urban_share_census2020_pct": z["urban_share_census2020_pct"],
            "hukou_pop_census2010": fmt_int(z["hukou_pop_census2010"]),
            "gdp_2020_100m_yuan": r["gdp"],
            "capital_stock_2020_100m_yuan": r["capital"],
            "land_km2": r["land_km2"],
        })
    return out


def series_rows(shared, names):
    """{file name: (columns, rows)} for inputs/china31/series.

    Source values are kept as strings, unchanged; names are checked against
    provinces.csv; rows are sorted by code, then year.
    """
    prov_dir = shared_path(shared, "china-provinces")

    def copy(fname, columns, first=SERIES_FIRST, last=SERIES_LAST):
        out = []
        for r in read_csv(os.path.join(prov_dir, fname)):
            if r["code"] not in names:
                raise ValueError("%s: unknown code %s" % (fname, r["code"]))
            if r["name_en"] != names[r["code"]]:
                raise ValueError("%s: name %r for %s" % (fname, r["name_en"], r["code"]))
            if first <= int(r["year"]) <= last:
                out.append({k: r[k] for k in columns})
        out.sort(key=lambda r: (int(r["code"]), int(r["year"])))
        return columns, out

    files = {
        "population_yearend.csv": copy("province_population_yearend.csv",
                                       ["code", "name_en", "year", "pop_10k", "source"]),
        "urbanization.csv": copy("province_urbanization.csv",
                                 ["code", "name_en", "year", "urban_share_pct"]),
        "employment.csv": copy("province_employment.csv",
                               ["code", "name_en", "year", "urban_unit_employment_10k",
                                "private_and_individual_employment_10k"]),
    }

    gdp = gdp_panel(read_csv(os.path.join(prov_dir, "province_gdp_nbs_long.csv")))
    rows = []
    for c in sorted(names, key=int):
        for y in range(GDP_FIRST, SERIES_LAST + 1):
            rows.append({"code": c, "name_en": names[c], "year": "%d" % y,
                         "gdp_100m_yuan": "%.1f" % gdp[c][y], "vintage": GDP_VINTAGE})
    files["gdp.csv"] = (["code", "name_en", "year", "gdp_100m_yuan", "vintage"], rows)

    inv = investment_series(read_csv(os.path.join(prov_dir, "province_investment_capital_stock.csv")))
    k1952 = capital_paths_1952(inv)
    rows = []
    for c in sorted(names, key=int):
        p2020 = float(inv[c][BASE_YEAR]["invest_price_index_1952eq1"])
        for y in range(SERIES_FIRST, CAPITAL_LAST + 1):
            py = float(inv[c][y]["invest_price_index_1952eq1"])
            rows.append({"code": c, "name_en": names[c], "year": "%d" % y,
                         "capital_100m_yuan_2020prices": "%.2f" % (k1952[c][y] * p2020),
                         "capital_100m_yuan_current_prices": "%.2f" % (k1952[c][y] * py),
                         "capital_100m_yuan_1952prices": "%.2f" % k1952[c][y],
                         "invest_price_index_1952eq1": "%.6f" % py})
    files["capital_stock.csv"] = (
        ["code", "name_en", "year", "capital_100m_yuan_2020prices",
         "capital_100m_yuan_current_prices", "capital_100m_yuan_1952prices",
         "invest_price_index_1952eq1"], rows)
    return files


def network_rows(adjacency_path, rows2020):
    """Road edge per adjacent pair plus SEA_LINKS; km between the region points."""
    pts = {r["id"]: (float(r["lat"]), float(r["lon"])) for r in rows2020}

    def edge(a, b, mode):
        return {"from": a, "to": b, "mode": mode,
                "km": "%.1f" % haversine_km(pts[a][0], pts[a][1], pts[b][0], pts[b][1])}

    out = [edge(e["code_a"], e["code_b"], "road") for e in read_csv(adjacency_path)]
    out += [edge(a, b, mode) for a, b, mode, _ in SEA_LINKS]
    return out


def network_check(edges, codes):
    """Problems (list of str) and stats of the network: connectivity, duplicates, km.

    Also the detour of the shortest path (every mode at cost factor 1) over the
    great-circle distance between the region points, for the summary.
    """
    problems, adj, seen = [], {c: [] for c in codes}, set()
    for e in edges:
        a, b, km = e["from"], e["to"], float(e["km"])
        if a not in adj or b not in adj:
            problems.append("network: unknown region in %r" % e)
            continue
        if a == b or frozenset((a, b)) in seen:
            problems.append("network: self-loop or duplicate edge %s-%s" % (a, b))
        seen.add(frozenset((a, b)))
        if e["mode"] not in ("road", "waterway") or not (math.isfinite(km) and km > 0):
            problems.append("network: bad edge %r" % e)
        adj[a].append((b, km))
        adj[b].append((a, km))
    start = sorted(codes)[0]
    reached, todo = {start}, [start]
    while todo:
        for b, _ in adj[todo.pop()]:
            if b not in reached:
                reached.add(b)
                todo.append(b)
    if reached != set(codes):
        problems.append("network: not connected; unreachable %s" % sorted(set(codes) - reached))
    # Floyd-Warshall over 31 nodes (stats only).
    idx = {c: i for i, c in enumerate(sorted(codes))}
    n = len(idx)
    d = [[0.0 if i == j else math.inf for j in range(n)] for i in range(n)]
    for a in adj:
        for b, km in adj[a]:
            d[idx[a]][idx[b]] = min(d[idx[a]][idx[b]], km)
    for k in range(n):
        for i in range(n):
            for j in range(n):
                if d[i][k] + d[k][j] < d[i][j]:
                    d[i][j] = d[i][k] + d[k][j]
    return problems, {"edges": len(edges), "reached": len(reached), "dist": d, "idx": idx}


# --------------------------------------------------------------------------
# Checks (re-read what was written)
# --------------------------------------------------------------------------

def validate(path, expected_total=CENSUS2020_TOTAL):
    """Re-read a region table and check shape, completeness, positivity, totals."""
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
    if total != expected_total:
        problems.append("%s: population total %d != %d" % (path, total, expected_total))
    registered = sum(int(r["registered"]) for r in rows)
    if registered != total:
        problems.append("%s: registered total %d != population total %d" % (path, registered, total))
    wmean = sum(float(r["productivity"]) * int(r["population"]) for r in rows) / total
    if abs(wmean - 1.0) > 1e-5:
        problems.append("population-weighted productivity mean %.8f != 1" % wmean)
    return rows, problems, total, wmean


def check_outputs(out, out2010, codes):
    """Cross-checks of the new outputs against each other; returns problems."""
    problems = []
    r20 = by_code([dict(r, code=r["id"]) for r in read_csv(os.path.join(out, "regions.csv"))])
    r10 = by_code([dict(r, code=r["id"]) for r in read_csv(os.path.join(out2010, "regions.csv"))])

    def positive(fname, rows, cols, allow_empty=False):
        for r in rows:
            for k in cols:
                if r[k] == "" and allow_empty:
                    continue
                x = float(r[k])
                if not (math.isfinite(x) and x > 0):
                    problems.append("%s: %s %s %s=%r" % (fname, r["code"], r.get("year", ""), k, r[k]))

    # provinces.csv
    prov = read_csv(os.path.join(out, "provinces.csv"))
    if [p["code"] for p in prov] != codes or list(prov[0]) != PROVINCE_COLUMNS:
        problems.append("provinces.csv: rows or columns out of order")
    positive("provinces.csv", prov, PROVINCE_COLUMNS[7:])
    for k, total in (("pop_census2010", CENSUS2010_TOTAL), ("pop_census2020", CENSUS2020_TOTAL)):
        if sum(int(p[k]) for p in prov) != total:
            problems.append("provinces.csv: %s total != %d" % (k, total))
    for p in prov:
        r = r20[p["code"]]
        pairs = (("region_lat", "lat"), ("region_lon", "lon"), ("area_km2", "area_km2"),
                 ("gdp_2020_100m_yuan", "gdp"), ("capital_stock_2020_100m_yuan", "capital"),
                 ("land_km2", "land_km2"), ("pop_census2020", "population"))
        for a, b in pairs:
            if p[a] != r[b]:
                problems.append("provinces.csv: %s %s=%s but regions.csv %s=%s" % (p["code"], a, p[a], b, r[b]))
        if p["pop_census2010"] != r10[p["code"]]["population"]:
            problems.append("provinces.csv: %s 2010 population differs from china31-2010" % p["code"])

    # series
    sdir = os.path.join(out, "series")
    gdp = read_csv(os.path.join(sdir, "gdp.csv"))
    vintages = {r["vintage"] for r in gdp}
    if vintages != {GDP_VINTAGE}:
        problems.append("gdp.csv: vintages %s, expected only %s" % (sorted(vintages), GDP_VINTAGE))
    if len(gdp) != 31 * (SERIES_LAST - GDP_FIRST + 1):
        problems.append("gdp.csv: %d rows" % len(gdp))
    positive("gdp.csv", gdp, ["gdp_100m_yuan"])
    g = {(r["code"], int(r["year"])): r["gdp_100m_yuan"] for r in gdp}
    for c in codes:
        if g[(c, BASE_YEAR)] != r20[c]["gdp"] or g[(c, START_2010)] != r10[c]["gdp"]:
            problems.append("gdp.csv: %s GDP 2010/2020 differ from the region tables" % c)
    if abs(sum(float(g[(c, BASE_YEAR)]) for c in codes) - GDP2020_TOTAL) > 0.05:
        problems.append("gdp.csv: 2020 total != %.1f" % GDP2020_TOTAL)

    cap = read_csv(os.path.join(sdir, "capital_stock.csv"))
    if len(cap) != 31 * (CAPITAL_LAST - SERIES_FIRST + 1):
        problems.append("capital_stock.csv: %d rows" % len(cap))
    positive("capital_stock.csv", cap, ["capital_100m_yuan_2020prices", "capital_100m_yuan_current_prices",
                                        "capital_100m_yuan_1952prices", "invest_price_index_1952eq1"])
    k = {(r["code"], int(r["year"])): r for r in cap}
    for c in codes:
        a, b = k[(c, BASE_YEAR)], k[(c, START_2010)]
        if a["capital_100m_yuan_2020prices"] != r20[c]["capital"] \
                or a["capital_100m_yuan_current_prices"] != r20[c]["capital"]:
            problems.append("capital_stock.csv: %s 2020 differs from regions.csv" % c)
        if b["capital_100m_yuan_current_prices"] != r10[c]["capital"]:
            problems.append("capital_stock.csv: %s 2010 differs from china31-2010/regions.csv" % c)

    pop = read_csv(os.path.join(sdir, "population_yearend.csv"))
    if len(pop) != 31 * (SERIES_LAST - SERIES_FIRST + 1):
        problems.append("population_yearend.csv: %d rows" % len(pop))
    positive("population_yearend.csv", pop, ["pop_10k"])
    urb = read_csv(os.path.join(sdir, "urbanization.csv"))
    positive("urbanization.csv", urb, ["urban_share_pct"])
    if any(float(r["urban_share_pct"]) > 100 for r in urb):
        problems.append("urbanization.csv: share > 100 %")
    emp = read_csv(os.path.join(sdir, "employment.csv"))
    positive("employment.csv", emp, ["urban_unit_employment_10k",
                                     "private_and_individual_employment_10k"], allow_empty=True)
    for fname, rows in (("population_yearend.csv", pop), ("urbanization.csv", urb),
                        ("employment.csv", emp), ("gdp.csv", gdp), ("capital_stock.csv", cap)):
        keys = [(r["code"], r["year"]) for r in rows]
        if len(set(keys)) != len(keys) or {r["code"] for r in rows} != set(codes):
            problems.append("%s: duplicate keys or not all 31 provinces" % fname)

    # china31-2010 against 2020: identical geography and tags.
    for c in codes:
        for col in ("name", "province", "lat", "lon", "area_km2", "tags", "amenity"):
            if r10[c][col] != r20[c][col]:
                problems.append("china31-2010: %s %s differs from 2020" % (c, col))
    obs = read_csv(os.path.join(out2010, "observed_2020.csv"))
    if [o["code"] for o in obs] != codes:
        problems.append("observed_2020.csv: codes out of order")
    for o in obs:
        if o["population_2020"] != r20[o["code"]]["population"] or o["gdp_2020"] != r20[o["code"]]["gdp"]:
            problems.append("observed_2020.csv: %s differs from regions.csv" % o["code"])
    for col in ("population_share_2020", "gdp_share_2020"):
        if abs(sum(float(o[col]) for o in obs) - 1.0) > 1e-6:
            problems.append("observed_2020.csv: %s does not sum to 1" % col)
    return problems


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


def summary_line(label, rows):
    """One line of totals for a region table."""
    pop = sum(int(r["population"]) for r in rows)
    reg = sum(int(r["registered"]) for r in rows)
    gdp = sum(float(r["gdp"]) for r in rows)
    cap = sum(float(r["capital"]) for r in rows)
    land = sum(float(r["land_km2"]) for r in rows)
    prod = [float(r["productivity"]) for r in rows]
    return ("%s: population %s, registered %s, GDP %.1f, K %.0f (K/GDP %.2f), land %.0f km2, "
            "productivity %.3f..%.3f" % (label, "{:,}".format(pop), "{:,}".format(reg), gdp, cap,
                                         cap / gdp, land, min(prod), max(prod)))


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--shared", default=DEFAULT_SHARED,
                    help="shared data folder (default: <repo>/../shared/data)")
    ap.add_argument("--out", default=DEFAULT_OUT,
                    help="output folder (default: <repo>/inputs/china31)")
    ap.add_argument("--out2010", default=DEFAULT_OUT2010,
                    help="output folder of the 2010 input (default: <repo>/inputs/china31-2010)")
    ap.add_argument("--baseline", default=DEFAULT_BASELINE,
                    help="scenario whose keys the 2010 scenario copies "
                         "(default: <repo>/inputs/china31/baseline.yaml)")
    ap.add_argument("--quiet", action="store_true", help="no summary table")
    args = ap.parse_args(argv)

    # 2020 region table and adjacency (unchanged rules).
    rows, cq = build_rows(args.shared)
    os.makedirs(args.out, exist_ok=True)
    path = os.path.join(args.out, "regions.csv")
    write_regions(rows, path)
    codes = [r["id"] for r in rows]
    adj_path, n_edges = copy_adjacency(args.shared, args.out, set(codes))
    names = {r["id"]: r["name"] for r in rows}

    # Province metadata, series, network.
    write_table(os.path.join(args.out, "provinces.csv"), PROVINCE_COLUMNS,
                province_rows(args.shared, rows))
    series = series_rows(args.shared, names)
    for fname, (columns, srows) in series.items():
        write_table(os.path.join(args.out, "series", fname), columns, srows)
    edges = network_rows(adj_path, rows)
    write_table(os.path.join(args.out, "network.csv"), ["from", "to", "mode", "km"], edges)

    # 2010 validation input.
    rows10, info10 = build_rows_2010(args.shared, rows)
    os.makedirs(args.out2010, exist_ok=True)
    path10 = os.path.join(args.out2010, "regions.csv")
    write_regions(rows10, path10)
    write_table(os.path.join(args.out2010, "observed_2020.csv"),
                ["code", "name_en", "population_2020", "gdp_2020",
                 "population_share_2020", "gdp_share_2020"], observed_2020_rows(rows))
    write_scenario_2010(args.baseline, os.path.join(args.out2010, "scenario.yaml"))

    # Checks on what was written.
    checked, problems, total, wmean = validate(path)
    checked10, problems10, _, _ = validate(path10, CENSUS2010_TOTAL)
    problems += problems10
    net_edges = read_csv(os.path.join(args.out, "network.csv"))
    net_problems, net = network_check(net_edges, codes)
    problems += net_problems
    problems += check_outputs(args.out, args.out2010, codes)

    if not args.quiet:
        print_summary(checked, total, wmean, cq, n_edges)
        print()
    print(summary_line("2020", checked))
    print(summary_line("2010", checked10))
    print("2010 registered: hukou_pop_census2010 total %s scaled by %.6f to the census total %s"
          % ("{:,}".format(info10["hukou_total"]), info10["factor"], "{:,}".format(info10["pop_total"])))
    d, idx = net["dist"], net["idx"]
    pts = {r["id"]: (float(r["lat"]), float(r["lon"])) for r in checked}
    ratios = [d[idx[a]][idx[b]] / haversine_km(*pts[a], *pts[b])
              for a in codes for b in codes if a < b]
    modes = {}
    for e in net_edges:
        modes[e["mode"]] = modes.get(e["mode"], 0) + 1
    print("network: %d edges (%s), %d/31 regions reachable; shortest path / great circle "
          "(all modes factor 1): mean %.3f, max %.3f"
          % (net["edges"], ", ".join("%s %d" % m for m in sorted(modes.items())), net["reached"],
             sum(ratios) / len(ratios), max(ratios)))
    print("series: %s" % ", ".join("%s %d rows" % (f, len(r)) for f, (_, r) in sorted(series.items())))
    print("GDP vintage %s (%d-%d); capital stock %d-%d at 2020 prices"
          % (GDP_VINTAGE, GDP_FIRST, SERIES_LAST, SERIES_FIRST, CAPITAL_LAST))
    if problems:
        for p in problems:
            print("ERROR:", p, file=sys.stderr)
        return 1
    print("wrote %s, %s: all checks passed" % (args.out, args.out2010))
    return 0


if __name__ == "__main__":
    sys.exit(main())
