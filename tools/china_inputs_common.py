#!/usr/bin/python3
"""Shared helpers for the sub-provincial China inputs (prefectures, counties).

Used by tools/build_china_prefectures.py and tools/build_china_counties.py.
Every rule here is documented in inputs/china-prefectures/PROVENANCE.md and
inputs/china-counties/PROVENANCE.md; keep them in step.

Province-level figures (GDP 2020, capital stock 2020, English names, NBS
regions, coastal set, developable-land constants) are taken from
tools/build_china31.py itself, so the sub-provincial inputs always add up to
exactly the same province totals as inputs/china31/regions.csv.

Standard library only (bare /usr/bin/python3).
"""

import csv
import math
import os
import subprocess
import sys
from decimal import Decimal

TOOLS = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(TOOLS)
DEFAULT_SHARED = os.path.normpath(os.path.join(REPO, "..", "shared", "data"))
sys.path.insert(0, TOOLS)
import build_china31 as c31  # noqa: E402  (same folder; province rules live there)

COLUMNS = c31.COLUMNS
CENSUS2020_TOTAL = c31.CENSUS2020_TOTAL
LAND_AREA_SHARE = c31.LAND_AREA_SHARE
LAND_PER_URBAN_MILLION = c31.LAND_PER_URBAN_MILLION

# GDP and capital are allocated within a province with weights
#   w_i = URBAN_RURAL_RATIO * urban_pop_i + rural_pop_i,
# i.e. an urban resident is assumed to produce URBAN_RURAL_RATIO times as much
# as a rural one.  The ratio is the 2020 urban/rural per-capita disposable
# income ratio of China (NBS Statistical Communique on 2020: 43,834 vs 17,131
# yuan).  Quoted constant, not checked against a file in ../shared/data.
URBAN_INCOME_2020 = 43834.0
RURAL_INCOME_2020 = 17131.0
URBAN_RURAL_RATIO = URBAN_INCOME_2020 / RURAL_INCOME_2020

# megacity tag: a unit whose prefecture-level unit has 2020 census population
# > MEGACITY_POP and urban share > MEGACITY_URBAN_SHARE.
MEGACITY_POP = 10_000_000
MEGACITY_URBAN_SHARE = 0.80

# Decimal places of the allocated money columns.  Allocation is done in
# integer units of 10^-MONEY_DECIMALS 亿元 with largest remainders, so the
# written values add up exactly to the province value.
MONEY_DECIMALS = 6

YEARBOOK = os.path.join("china-counties", "county_census_2020_full.csv")
LEAN = os.path.join("china-counties", "county_census_2020_with_coords.csv")
ADCODES = os.path.join("china-counties", "adcodes_coordinates_cpca.csv")
PREFECTURES = os.path.join("china-prefectures", "prefecture_census_2010_2020.csv")

# Residents registered (hukou) elsewhere, by where: another township of the
# same county, another county of the same province, another province.
HUKOU_COLUMNS = ["户口登记地在外乡镇街道人口_本县", "户口登记地在外乡镇街道人口_本省其他县",
                 "户口登记地在外乡镇街道人口_省外"]

# The one source typo: 五台山风景名胜区 carries code 170971 (no province 17);
# it lies in 忻州市 (140900) of Shanxi and fills exactly that prefecture's gap.
CODE_FIX = {"170971": "140971"}


def read_csv(path):
    return c31.read_csv(path)


def num(s):
    """Float of a census count ('' -> None)."""
    s = (s or "").strip()
    return float(s) if s else None


# ----------------------------------------------------------------- provinces

def load_provinces(shared, repo=REPO):
    """Province table with the exact china31 GDP and capital values.

    Returns {code: dict(code, name_en, nbs_region, type, capital_code, pop,
    urban, gdp_str, capital_str, tags_c31)}.  Re-runs build_china31's row
    builder (deterministic, from shared data) and, if
    inputs/china31/regions.csv exists, requires it to hold the same GDP,
    capital and population strings.
    """
    prov_dir = os.path.join(shared, "china-provinces")
    provinces = c31.by_code(read_csv(os.path.join(prov_dir, "provinces.csv")))
    census = c31.by_code(read_csv(os.path.join(prov_dir, "province_census_2010_2020.csv")))
    rows, _ = c31.build_rows(shared)
    c31rows = {r["id"]: r for r in rows}
    existing = os.path.join(repo, "inputs", "china31", "regions.csv")
    if os.path.exists(existing):
        for r in read_csv(existing):
            mine = c31rows.get(r["id"])
            if mine is None or any(r[k] != mine[k] for k in ("province", "gdp", "capital", "population")):
                raise ValueError("inputs/china31/regions.csv differs from build_china31 for %s; "
                                 "rebuild china31 first" % r["id"])
    out = {}
    for code, p in provinces.items():
        r = c31rows[code]
        out[code] = {
            "code": code,
            "name_en": p["name_en"],
            "name_zh": p["name_zh"],
            "nbs_region": p["nbs_region"].lower(),
            "type": p["type"],
            "capital_code": p["capital_code"],
            "pop": int(census[code]["pop_census2020"]),
            "urban": int(census[code]["urban_pop_census2020"]),
            "gdp_str": r["gdp"],
            "capital_str": r["capital"],
            "coastal": code in c31.COASTAL,
            "area": float(p["area_km2_polygon"]),
        }
    return out


# ------------------------------------------------------ census county yearbook

def load_yearbook(shared):
    """Parse the 2020 census county yearbook (all levels).

    Returns dict with
      province:   {code: rec}  (codes ending 0000)
      prefecture: {code: rec}  (codes ending 00)
      county:     {code: rec}  (other codes; CODE_FIX applied)
      zones:      [rec]        uncoded statistical units (development zones,
                               management areas) with rec['parent'] = the
                               prefecture code they are listed under
      subrows:    [rec]        uncoded rows that are parts of a coded unit
                               or aggregates (not units themselves)
    rec = {code, name, prov_zh, pref_zh, pop, urban, rural, hukou}; hukou =
    the residents registered elsewhere (HUKOU_COLUMNS: another township of the
    same county, another county of the same province, another province), a
    value None where the yearbook cell is blank.
    """
    rows = read_csv(os.path.join(shared, YEARBOOK))
    out = {"province": {}, "prefecture": {}, "county": {}, "zones": [], "subrows": []}
    current_pref = None
    for r in rows:
        code = CODE_FIX.get(r["区划代码"].strip(), r["区划代码"].strip())
        rec = {"code": code, "name": r["区县"].strip(), "prov_zh": r["省"].strip(),
               "pref_zh": r["市"].strip(), "pop": num(r["人口数_合计"]),
               "urban": num(r["城镇人口"]), "rural": num(r["乡村人口"]),
               "hukou": [num(r[c]) for c in HUKOU_COLUMNS]}
        if rec["pop"] is None or rec["urban"] is None or rec["rural"] is None:
            raise ValueError("yearbook row without population: %r" % rec)
        if abs(rec["urban"] + rec["rural"] - rec["pop"]) > 0.5:
            raise ValueError("yearbook urban+rural != total: %r" % rec)
        if not code:
            if rec["prov_zh"] == "全国":
                continue
            if current_pref and rec["pref_zh"] == current_pref["pref_zh"] \
                    and rec["name"] != rec["pref_zh"]:
                rec["parent"] = current_pref["code"]
                out["zones"].append(rec)
            else:
                out["subrows"].append(rec)
            continue
        if code.endswith("0000"):
            table = "province"
        elif code.endswith("00"):
            table = "prefecture"
            current_pref = rec
        else:
            table = "county"
        if code in out[table]:
            raise ValueError("duplicate yearbook code %s" % code)
        out[table][code] = rec
    return out


def load_prefecture_file(shared):
    """{city_code: row} of china-prefectures/prefecture_census_2010_2020.csv."""
    out = {}
    for r in read_csv(os.path.join(shared, PREFECTURES)):
        if r["city_code"] in out:
            raise ValueError("duplicate prefecture code %s" % r["city_code"])
        out[r["city_code"]] = r
    return out


def load_adcodes(shared):
    """{6-digit code: (lat, lon, name)} of the government-seat list."""
    out = {}
    for r in read_csv(os.path.join(shared, ADCODES)):
        if r["latitude"] and r["longitude"]:
            out[r["adcode"][:6]] = (float(r["latitude"]), float(r["longitude"]), r["name"])
    return out


def prefecture_units(prov, yb, pf, adcodes):
    """The prefecture-level units: every mainland row of the prefecture file.

    Population, urban and rural come from the census county yearbook row with
    the same code (municipalities: the province row), so that units add up
    exactly to the province census totals.  Returns (units, notes):
    units = {code: dict(code, name, prov_code, pop, urban, rural, area,
    lat, lon, coord_source, bulletin_pop)} in code order.
    """
    units, dropped = {}, []
    for code, r in sorted(pf.items()):
        pcode = r["province_code"]
        if pcode not in prov:
            dropped.append((code, r["city"], num(r["popu_2020"]) or 0.0))
            continue
        if prov[pcode]["type"] == "municipality":
            src = yb["province"][pcode]
        else:
            src = yb["prefecture"].get(code) or yb["county"].get(code)
            if src is None:
                raise ValueError("no yearbook row for prefecture unit %s %s" % (code, r["city"]))
        if r["seat_lat"] and r["seat_lon"]:
            lat, lon, cs = float(r["seat_lat"]), float(r["seat_lon"]), "seat"
        elif code in PREF_PREDECESSOR_SEAT:
            old, old_name = PREF_PREDECESSOR_SEAT[code]
            lat, lon, name = adcodes[old]
            if name != old_name:
                raise ValueError("adcode %s is %s, expected %s" % (old, name, old_name))
            cs = "seat_predecessor"
        else:
            lat, lon, cs = float(r["interior_point_lat"]), float(r["interior_point_lon"]), "interior_point"
        units[code] = {
            "code": code, "name": r["city"], "prov_code": pcode,
            "pop": src["pop"], "urban": src["urban"], "rural": src["rural"],
            "area": float(r["area_km2_polygon"]), "lat": lat, "lon": lon,
            "coord_source": cs, "bulletin_pop": num(r["popu_2020"]),
            "hukou": list(src["hukou"]),
            "bulletin_urban": num(r["popu_urban_2020"]),
        }
    # exact province totals
    for pcode, p in prov.items():
        s = sum(u["pop"] for u in units.values() if u["prov_code"] == pcode)
        su = sum(u["urban"] for u in units.values() if u["prov_code"] == pcode)
        if s != p["pop"] or su != p["urban"]:
            raise ValueError("prefecture units of %s sum to %d (urban %d), census %d (urban %d)"
                             % (p["name_en"], s, su, p["pop"], p["urban"]))
    return units, dropped


# 那曲市 (540600) has no seat in the prefecture file: the adcode list predates
# the 2017 conversion of 那曲地区 (542400) into 那曲市; the seat (那曲镇) is the same.
PREF_PREDECESSOR_SEAT = {"540600": ("542400", "那曲地区")}


# ---------------------------------------------------------------- allocation

def allocate(total_str, weights, decimals=MONEY_DECIMALS):
    """Split the decimal string total_str in proportion to weights.

    Works in integer units of 10^-decimals (largest-remainder method, ties by
    input order), so the returned strings add up exactly to total_str.
    """
    scale = 10 ** decimals
    total = int((Decimal(total_str) * scale).to_integral_value())
    if Decimal(total) != Decimal(total_str) * scale:
        raise ValueError("%s has more than %d decimals" % (total_str, decimals))
    wsum = math.fsum(weights)
    exact = [total * w / wsum for w in weights]
    base = [int(math.floor(x)) for x in exact]
    rest = total - sum(base)
    order = sorted(range(len(weights)), key=lambda i: (-(exact[i] - base[i]), i))
    for i in order[:rest]:
        base[i] += 1
    if sum(base) != total or any(b <= 0 for b in base):
        raise ValueError("allocation of %s failed" % total_str)
    return ["%d.%0*d" % (b // scale, decimals, b % scale) for b in base]


def gdp_weight(urban, rural):
    """Allocation weight of a unit: urban residents count URBAN_RURAL_RATIO times."""
    return URBAN_RURAL_RATIO * urban + rural


def developable_land(area_km2, urban_pop):
    """china31's rule H = min(area, 0.02 area + 150 km2 per million urban)."""
    return c31.developable_land(area_km2, urban_pop)


def money_columns(units, prov):
    """Fill u['gdp'], u['capital'] (strings) for every unit, per province."""
    by_prov = {}
    for u in units:
        by_prov.setdefault(u["prov_code"], []).append(u)
    for pcode, members in by_prov.items():
        w = [gdp_weight(u["urban"], u["rural"]) for u in members]
        for u, g, k in zip(members, allocate(prov[pcode]["gdp_str"], w),
                           allocate(prov[pcode]["capital_str"], w)):
            u["gdp"], u["capital"] = g, k
    national_pc = math.fsum(float(p["gdp_str"]) for p in prov.values()) / CENSUS2020_TOTAL
    for u in units:
        u["productivity"] = (float(u["gdp"]) / u["pop"]) / national_pc


# ------------------------------------------------- registered (hukou) populations

def emigrants_2020(shared, prov, x_total):
    """Residents of other provinces registered in each province, 2020 (persons, integers).

    The 2020 census counts migrants by destination only.  By origin we use the
    2010 census: O_p = hukou_pop_2010 - pop_2010 + in-migrants from other
    provinces 2010 (registered in p, living in another province).  Three
    provinces come out negative (Beijing, Tianjin, Shanxi: the 2010 hukou count
    and the resident count differ by more than the in-migrants); they get the
    lowest positive rate O/hukou_pop of 2010 (Jilin's).  The 2010 origin shares
    are then scaled to the 2020 total x_total (= the census's residents
    registered in another province), exactly, by largest remainders.
    Returns ({prov_code: O_p}, notes).
    """
    census = c31.by_code(read_csv(os.path.join(shared, "china-provinces", "province_census_2010_2020.csv")))
    raw, hukou = {}, {}
    for code in prov:
        r = census[code]
        hukou[code] = int(c31.fmt_int(r["hukou_pop_census2010"]))
        raw[code] = (hukou[code] - int(c31.fmt_int(r["pop_census2010"]))
                     + int(c31.fmt_int(r["inmigrants_from_other_prov_census2010"])))
    lowest = min((c for c in prov if raw[c] > 0), key=lambda c: (raw[c] / hukou[c], c))
    floored = [c for c in sorted(prov) if raw[c] <= 0]
    base = {c: raw[c] if raw[c] > 0 else hukou[c] * raw[lowest] // hukou[lowest] for c in prov}
    return c31.scale_to_total(base, x_total), {"raw": raw, "lowest": lowest, "floored": floored}


def registered_counties(units, prov, emigrants):
    """u['registered'] of every county unit: R = S + out (persons, integers).

    S = residents registered in the unit (population less those registered in
    another county or province).  A province's registered living outside
    their county, out_p = W_p + O_p (W_p: its residents registered in another
    of its counties, O_p: emigrants_2020), are allocated to its counties in
    proportion to S (one out-migration rate per province), exactly, by largest
    remainders.  So province totals are L_p - X_p + O_p and sum R = sum L.
    """
    by_prov = {}
    for u in units:
        u["stayers"] = u["pop"] - int(u["hukou"][1]) - int(u["hukou"][2])
        by_prov.setdefault(u["prov_code"], []).append(u)
    for code, members in by_prov.items():
        out = sum(int(u["hukou"][1]) for u in members) + emigrants[code]
        share = c31.scale_to_total({u["id"]: u["stayers"] for u in members}, out)
        for u in members:
            u["registered"] = u["stayers"] + share[u["id"]]


def write_census_migrants(units, path, columns):
    """id and two census counts per unit (HUKOU_COLUMNS 1 and 2) under the given names."""
    with open(path, "w", newline="", encoding="utf-8") as f:
        f.write("id,%s,%s\n" % columns)
        for u in units:
            f.write("%s,%d,%d\n" % (u["id"], int(u["hukou"][1]), int(u["hukou"][2])))


# ---------------------------------------------------------------- output

def format_row(u, prov, tags, area_fmt="%.1f"):
    area_s = area_fmt % u["area"]
    area_r = float(area_s)
    land = min(developable_land(area_r, u["urban"]), area_r)
    land_s = area_fmt % land
    if float(land_s) > area_r:
        land_s = area_s
    return {
        "id": u["id"],
        "name": u["name"],
        "province": prov[u["prov_code"]]["name_en"],
        "lat": "%.6f" % u["lat"],
        "lon": "%.6f" % u["lon"],
        "area_km2": area_s,
        "land_km2": land_s,
        "population": "%d" % u["pop"],
        "registered": "%d" % u["registered"],  # registered_counties
        "capital": u["capital"],
        "gdp": u["gdp"],
        "productivity": "%.6f" % u["productivity"],
        "amenity": "1",
        "tags": ";".join(tags),
    }


def write_regions(rows, path):
    c31.write_regions(rows, path)


# ---------------------------------------------------------------- checks

NUMERIC = ["lat", "lon", "area_km2", "land_km2", "population", "registered",
           "capital", "gdp", "productivity", "amenity"]


def validate(path, prov, n_min, n_max):
    """Re-read regions.csv and check it; returns (rows, problems, stats)."""
    with open(path, newline="", encoding="utf-8") as f:
        header = next(csv.reader(f))
    rows = read_csv(path)
    problems = []
    if header != COLUMNS:
        problems.append("columns differ: %s" % header)
    if not (n_min <= len(rows) <= n_max):
        problems.append("row count %d outside [%d, %d]" % (len(rows), n_min, n_max))
    ids = set()
    names_en = {p["name_en"]: c for c, p in prov.items()}
    for r in rows:
        if r["id"] in ids:
            problems.append("duplicate id %s" % r["id"])
        ids.add(r["id"])
        for k in COLUMNS:
            if not r.get(k):
                problems.append("%s: empty %s" % (r.get("id"), k))
        for k in NUMERIC:
            try:
                x = float(r[k])
            except ValueError:
                problems.append("%s: %s=%r not a number" % (r["id"], k, r[k]))
                continue
            if not math.isfinite(x):
                problems.append("%s: %s not finite" % (r["id"], k))
            elif k not in ("lat", "lon") and not x > 0:
                problems.append("%s: %s=%s not > 0" % (r["id"], k, r[k]))
        if not (-90 <= float(r["lat"]) <= 90 and -180 <= float(r["lon"]) <= 180):
            problems.append("%s: lat/lon out of range" % r["id"])
        if not (17 <= float(r["lat"]) <= 54 and 73 <= float(r["lon"]) <= 136) \
                and r["id"] != "460300":  # Sansha lies in the South China Sea
            problems.append("%s: lat/lon outside mainland China box" % r["id"])
        if float(r["land_km2"]) > float(r["area_km2"]):
            problems.append("%s: land > area" % r["id"])
        if r["province"] not in names_en:
            problems.append("%s: unknown province %r" % (r["id"], r["province"]))
        if "gdp_imputed" not in r["tags"].split(";"):
            problems.append("%s: missing gdp_imputed tag" % r["id"])
    stats = {"pop": {}, "gdp": {}, "capital": {}, "n": {}}
    for r in rows:
        c = names_en.get(r["province"])
        if c is None:
            continue
        stats["n"][c] = stats["n"].get(c, 0) + 1
        stats["pop"][c] = stats["pop"].get(c, 0) + int(r["population"])
        stats["gdp"][c] = stats["gdp"].get(c, Decimal(0)) + Decimal(r["gdp"])
        stats["capital"][c] = stats["capital"].get(c, Decimal(0)) + Decimal(r["capital"])
    for c, p in prov.items():
        if c not in stats["n"]:
            problems.append("province %s has no unit" % p["name_en"])
            continue
        for key, want in (("gdp", p["gdp_str"]), ("capital", p["capital_str"])):
            got = stats[key][c]
            rel = abs(float(got) - float(want)) / float(want)
            if rel > 1e-9:
                problems.append("%s: %s sums to %s, province %s (rel %.2e)"
                                % (p["name_en"], key, got, want, rel))
            # float sum of the written strings, as a reader would do it
            fsum = math.fsum(float(r[key]) for r in rows if r["province"] == p["name_en"])
            if abs(fsum - float(want)) > 1e-9 * float(want):
                problems.append("%s: float %s sum %.9f vs %s" % (p["name_en"], key, fsum, want))
    total = sum(int(r["population"]) for r in rows)
    stats["total"] = total
    if sum(int(r["registered"]) for r in rows) != total:
        problems.append("registered total %d != population total %d"
                        % (sum(int(r["registered"]) for r in rows), total))
    if total != CENSUS2020_TOTAL:
        problems.append("population total %d != census %d" % (total, CENSUS2020_TOTAL))
    wmean = sum(float(r["productivity"]) * int(r["population"]) for r in rows) / total
    stats["wmean"] = wmean
    if abs(wmean - 1.0) > 1e-5:
        problems.append("population-weighted productivity mean %.8f != 1" % wmean)
    return rows, problems, stats


def print_checks(rows, prov, stats):
    """Per-province table: units, population vs census, GDP and K sums."""
    hdr = "%-6s %-15s %5s %14s %14s %10s %12s %12s" % (
        "code", "province", "units", "population", "census", "pop diff",
        "gdp sum", "capital sum")
    print(hdr)
    print("-" * len(hdr))
    for c in sorted(prov):
        p = prov[c]
        print("%-6s %-15s %5d %14s %14s %10d %12s %12s" % (
            c, p["name_en"], stats["n"].get(c, 0), "{:,}".format(stats["pop"].get(c, 0)),
            "{:,}".format(p["pop"]), stats["pop"].get(c, 0) - p["pop"],
            "%.1f" % stats["gdp"].get(c, 0), "%.2f" % stats["capital"].get(c, 0)))
    print("-" * len(hdr))
    gdp = sum(stats["gdp"].values())
    cap = sum(stats["capital"].values())
    land = math.fsum(float(r["land_km2"]) for r in rows)
    area = math.fsum(float(r["area_km2"]) for r in rows)
    prod = sorted(rows, key=lambda r: float(r["productivity"]))
    print("units %d | population %s (census %s, diff %d) | GDP %s 亿元 | K %s 亿元"
          % (len(rows), "{:,}".format(stats["total"]), "{:,}".format(CENSUS2020_TOTAL),
             stats["total"] - CENSUS2020_TOTAL, gdp, cap))
    print("area %.0f km2 | developable land %.0f km2 (%.2f%%) | pop-weighted productivity "
          "mean %.6f | productivity %.3f (%s %s) .. %.3f (%s %s)"
          % (area, land, 100 * land / area, stats["wmean"],
             float(prod[0]["productivity"]), prod[0]["id"], prod[0]["name"],
             float(prod[-1]["productivity"]), prod[-1]["id"], prod[-1]["name"]))
    land_capped = sum(1 for r in rows if r["land_km2"] == r["area_km2"])
    print("land capped at area: %d units" % land_capped)
    tagc = {}
    for r in rows:
        for t in r["tags"].split(";"):
            tagc[t] = tagc.get(t, 0) + 1
    print("tags: " + ", ".join("%s %d" % kv for kv in sorted(tagc.items())))


def run_regio(yaml_path, regio):
    """Run `regio validate <yaml> --ranks 2`; returns True on success."""
    if not os.path.exists(regio):
        print("regio binary %s not found: skipped the C++ validator" % regio)
        return True
    res = subprocess.run([regio, "validate", yaml_path, "--ranks", "2"],
                         capture_output=True, text=True)
    print(res.stdout.strip())
    if res.returncode != 0:
        print(res.stderr.strip(), file=sys.stderr)
        return False
    return True
