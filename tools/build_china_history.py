#!/usr/bin/python3
"""Build the China-31 province panel 2000-2020 (MODEL.md §14: dynamics from history).

From the shared data folder (../shared/data, see its PROVENANCE.md files) and a
small set of quoted public figures (REFERENCE_* constants below, each with its
source), this writes, reproducibly,

  <out>/panel.csv                      one row per province and year, 2000-2020
  <out>/panel_2021_2022_post_sample.csv  the same columns for 2021-2022 ONLY, with
                                       post_sample = 1: kept apart so that no
                                       estimator for a forecast from T <= 2020
                                       reads post-2020 data by accident
  <out>/national.csv                   national aggregates per year 2000-2020
                                       (deflator, sigma_t, sums, checks)
  <out>/census.csv                     one row per province: censuses 2000/2010/
                                       2020, Tombe-Zhu 2000 hukou stocks,
                                       registered population 2000/2010/2020,
                                       2010 measured and 2020 estimated out-migrants
  <out>/migration_od_estimated.csv     estimated origin x destination stocks of
                                       inter-provincial migrants (hukou-based),
                                       2010 and 2020

then reads every file back and checks it (exit status 1 on any failure), and
prints a short summary.  Every rule is documented in
inputs/china31-history/PROVENANCE.md; keep the two in step.

Python 3 standard library plus numpy (Debian python3-numpy).

Usage:
    /usr/bin/python3 tools/build_china_history.py [--shared ../shared/data]
        [--out inputs/china31-history] [--quiet]
"""

import argparse
import csv
import math
import os
import sys

import numpy as np

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DEFAULT_SHARED = os.path.normpath(os.path.join(REPO, "..", "shared", "data"))
DEFAULT_OUT = os.path.join(REPO, "inputs", "china31-history")

FIRST, LAST = 2000, 2020          # the panel
POST = (2021, 2022)               # the separate post-sample file
BASE_YEAR = 2020                  # price base of gdp_real and capital_stock_2020prices

# --------------------------------------------------------------------------
# GDP vintages (china-provinces/PROVENANCE.md).  One vintage: the revised one.
# --------------------------------------------------------------------------
V_REVISED = "nbs_export_2026-03_revised_5th_econ_census"   # S1, 2006-2024
V_2023 = "nbs_export_2023-04_rounded"                      # S3, 2003-2022, whole 亿元
V_UNREV = "nbs_export_2018-12_unrevised"                   # S4, 1993-2017
SPLICE_YEAR = 2006      # first year of the revised series
CHAIN_YEAR = 2003       # first year of S3

# --------------------------------------------------------------------------
# Capital (Zhang 2008 perpetual inventory, as inputs/china31)
# --------------------------------------------------------------------------
DEPRECIATION = 0.096
CQ, SC = "500000", "510000"
CQ_START = 1996          # Chongqing's investment series starts here
SPLIT_YEAR = 1995        # last year in which Sichuan's series covers both

# --------------------------------------------------------------------------
# Quoted reference figures (not in ../shared/data).  Sources in PROVENANCE.md.
# --------------------------------------------------------------------------

# 2000 (5th) census, resident population on 1 Nov 2000, quick tabulation,
# 10 000 persons.  NBS, 2000年第五次全国人口普查主要数据公报(第二号), 2 Apr 2001,
# and China Statistical Yearbook 2001 table 4-10 (same figures).
REFERENCE_CENSUS2000_10K = {
    "110000": 1382, "120000": 1001, "130000": 6744, "140000": 3297, "150000": 2376,
    "210000": 4238, "220000": 2728, "230000": 3689, "310000": 1674, "320000": 7438,
    "330000": 4677, "340000": 5986, "350000": 3471, "360000": 4140, "370000": 9079,
    "410000": 9256, "420000": 6028, "430000": 6440, "440000": 8642, "450000": 4489,
    "460000": 787, "500000": 3090, "510000": 8329, "520000": 3525, "530000": 4288,
    "540000": 262, "610000": 3605, "620000": 2562, "630000": 518, "640000": 562,
    "650000": 1925}

# National GDP deflator: World Bank WDI NY.GDP.DEFL.ZS, China (= NBS GDP at
# current prices / NBS GDP at constant prices), base 2015 = 100, as listed on
# indexmundi.com (WDI vintage with data to 2020).
REFERENCE_DEFLATOR = {
    2000: 58.13, 2001: 59.32, 2002: 59.68, 2003: 61.23, 2004: 65.49, 2005: 68.04,
    2006: 70.72, 2007: 76.20, 2008: 82.14, 2009: 81.96, 2010: 87.60, 2011: 94.68,
    2012: 96.89, 2013: 98.98, 2014: 100.00, 2015: 100.00, 2016: 101.41, 2017: 105.70,
    2018: 109.40, 2019: 110.81, 2020: 111.50}
# The later WDI vintage on knoema.com (base 2020 = 100, one decimal), used only
# to chain 2021-2022 onto 2020 and as a cross-check of the 2000-2020 path.
REFERENCE_DEFLATOR_2020BASE = {2000: 51.7, 2005: 60.6, 2010: 78.4, 2011: 84.7, 2012: 86.7,
                               2013: 88.7, 2014: 89.7, 2015: 89.8, 2016: 91.1, 2017: 94.9,
                               2018: 98.2, 2019: 99.5, 2020: 100.0, 2021: 104.5, 2022: 106.5}

# National crude birth and death rates (per mille), NBS, as exported in
# yinthan/ECON323-China-Polulation Growth_Rate.csv (commit b74dee19).  2011-2020
# are NBS's revisions after the 2020 census (births raised); the provincial
# birth rates (S10) are the original yearbook figures.
REFERENCE_NATIONAL_BIRTH = {
    2000: 14.03, 2001: 13.38, 2002: 12.86, 2003: 12.41, 2004: 12.29, 2005: 12.40,
    2006: 12.09, 2007: 12.10, 2008: 12.14, 2009: 11.95, 2010: 11.90, 2011: 13.27,
    2012: 14.57, 2013: 13.03, 2014: 13.83, 2015: 11.99, 2016: 13.57, 2017: 12.64,
    2018: 10.86, 2019: 10.41, 2020: 8.52}
REFERENCE_NATIONAL_DEATH = {
    2000: 6.45, 2001: 6.43, 2002: 6.41, 2003: 6.40, 2004: 6.42, 2005: 6.51,
    2006: 6.81, 2007: 6.93, 2008: 7.06, 2009: 7.08, 2010: 7.11, 2011: 7.14,
    2012: 7.13, 2013: 7.13, 2014: 7.12, 2015: 7.07, 2016: 7.04, 2017: 7.06,
    2018: 7.08, 2019: 7.09, 2020: 7.07}

# Provincial crude death rates (per mille).  Benchmarks:
#  1999: China Statistical Yearbook 2000, table 4-3 (stats.gov.cn English
#        yearbook YB2000e/D03E); national 6.46.
#  2014: birth rate (S10) minus the natural growth rate of China Statistical
#        Yearbook 2015 (as listed in Wikipedia's "List of Chinese administrative
#        divisions by natural growth rate").
# Relative death rates: 1999 over the table's national 6.46; 2014 over the
# national 2014 rate of REFERENCE_NATIONAL_DEATH (7.12).
# Checks (not used in the estimate): 2008 (CSY 2009 table 3-4, 28 provinces,
# national 7.06) and 2015 (CSY 2016 table 2-8, 26 provinces, national 7.11).
REFERENCE_DEATH_1999 = {
    "110000": 5.60, "120000": 6.73, "130000": 6.26, "140000": 6.07, "150000": 6.08,
    "210000": 7.05, "220000": 5.45, "230000": 5.49, "310000": 6.50, "320000": 6.94,
    "330000": 6.35, "340000": 6.50, "350000": 5.85, "360000": 7.02, "370000": 6.27,
    "410000": 6.35, "420000": 6.37, "430000": 7.12, "440000": 5.40, "450000": 6.93,
    "460000": 5.23, "500000": 6.94, "510000": 7.02, "520000": 7.68, "530000": 7.82,
    "540000": 7.40, "610000": 6.38, "620000": 6.44, "630000": 6.78, "640000": 5.65,
    "650000": 6.96}
NATIONAL_DEATH_1999 = 6.46
REFERENCE_NGR_2014 = {
    "650000": 11.47, "540000": 10.55, "460000": 8.61, "640000": 8.57, "630000": 8.49,
    "450000": 7.86, "350000": 7.50, "370000": 7.39, "360000": 6.98, "340000": 6.97,
    "130000": 6.95, "430000": 6.63, "530000": 6.20, "440000": 6.10, "620000": 6.10,
    "520000": 5.80, "410000": 5.78, "330000": 5.00, "140000": 4.99, "420000": 4.90,
    "110000": 4.83, "610000": 3.87, "500000": 3.62, "150000": 3.56, "510000": 3.20,
    "310000": 3.14, "320000": 2.43, "120000": 2.14, "230000": 0.91, "220000": 0.40,
    "210000": 0.26}
REFERENCE_DEATH_2008 = {
    "110000": 4.75, "120000": 5.94, "130000": 6.49, "140000": 6.01, "150000": 5.54,
    "210000": 5.22, "220000": 5.04, "230000": 5.68, "310000": 6.17, "320000": 7.04,
    "330000": 5.62, "340000": 6.60, "350000": 5.90, "360000": 6.01, "370000": 6.16,
    "410000": 6.45, "420000": 6.50, "430000": 7.28, "440000": 4.55, "450000": 5.70,
    "460000": 5.72, "500000": 6.30, "510000": 7.15, "520000": 6.77, "530000": 6.31,
    "540000": 5.20, "610000": 6.21, "620000": 6.68}
REFERENCE_DEATH_2015 = {
    "110000": 4.95, "120000": 5.61, "130000": 5.79, "140000": 5.56, "150000": 5.32,
    "210000": 6.59, "220000": 5.53, "230000": 6.60, "310000": 5.07, "320000": 7.03,
    "330000": 5.50, "340000": 5.94, "350000": 6.10, "360000": 6.24, "370000": 6.67,
    "410000": 7.05, "420000": 5.83, "430000": 6.86, "440000": 4.32, "450000": 6.15,
    "460000": 6.00, "500000": 7.19, "510000": 6.94, "520000": 7.20, "530000": 6.48,
    "540000": 5.10}

# National GDP (亿元), NBS annual data after the 5th economic-census revision,
# as exported in AfterMaxQ/Economic-growth-line-chart-drawing 年度数据.csv
# (commit 5f6d7d77).  Check of the provincial sum only.
REFERENCE_NATIONAL_GDP = {2015: 702511.5, 2016: 761193.0, 2017: 847382.9,
                          2018: 936010.1, 2019: 1005872.4, 2020: 1034867.6,
                          2021: 1173823.0, 2022: 1234029.4}
# National year-end population (10 000 persons, incl. the military), NBS, as
# exported in 576656893/--- 年度数据.csv (commit 83081b4c).  Check only.
REFERENCE_NATIONAL_POP_10K = {
    2003: 129227, 2004: 129988, 2005: 130756, 2006: 131448, 2007: 132129, 2008: 132802,
    2009: 133450, 2010: 134091, 2011: 134916, 2012: 135922, 2013: 136726, 2014: 137646,
    2015: 138326, 2016: 139232, 2017: 140011, 2018: 140541, 2019: 141008, 2020: 141212,
    2021: 141260, 2022: 141175}
# 2020 census: Henan-registered residents of other provinces, 16.10 million
# (Henan's 7th-census release as reported by Yicai / 第一财经日报, 2021-07-15,
# "30省份流动人口数据: 广东流入最多 河南外流最多").  The one published origin total
# found; used as a check of the 2020 origin estimate, not as an input.
REFERENCE_HENAN_OUT_2020 = 16.10e6
# Same source family (2020 census yearbook, reported by 21世纪经济报道): Henan,
# Anhui and Sichuan each have more than 10 million registered residents living
# in other provinces.
REFERENCE_OVER_10M_2020 = ("410000", "340000", "510000")

# Population break detection: |log ratio| above this counts as a break.
POP_BREAK_THRESHOLD = 0.015
# Which 2020 origin estimate is the default (outmig2020_est, registered 2020,
# the 2020 OD matrix): "geomean" (of shares and accounting), "shares",
# "destinations" or "accounting".  All four are written to census.csv.
ORIGIN_DEFAULT = "geomean"
# Floor of measured 2010 out-migrants, as a share of the registered population
# (three destinations come out negative in H - L + D).
OUTMIG_FLOOR_SHARE = 0.005

TZ_NAME_FIX = {"Shannxi": "Shaanxi"}


# ==========================================================================
# helpers
# ==========================================================================

def read_csv(path):
    with open(path, newline="", encoding="utf-8") as f:
        return list(csv.DictReader(f))


def fnum(s):
    s = (s or "").strip()
    return float(s) if s else None


def write_csv(path, columns, rows):
    with open(path, "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(columns)
        for r in rows:
            w.writerow([r.get(c, "") for c in columns])


def fmt(x, nd):
    if x is None or (isinstance(x, float) and not math.isfinite(x)):
        return ""
    return "%.*f" % (nd, x)


def fint(x):
    return "" if x is None else "%d" % int(round(x))


# ==========================================================================
# loading
# ==========================================================================

def load(shared):
    p = os.path.join(shared, "china-provinces")
    prov = read_csv(os.path.join(p, "provinces.csv"))
    codes = [r["code"] for r in prov]
    names = {r["code"]: r["name_en"] for r in prov}
    d = {"codes": codes, "names": names, "prov": {r["code"]: r for r in prov}}

    gdp = {}
    for r in read_csv(os.path.join(p, "province_gdp_nbs_long.csv")):
        key = (r["vintage"], r["code"], int(r["year"]))
        if key in gdp:
            raise ValueError("duplicate GDP %r" % (key,))
        gdp[key] = float(r["gdp_100m_yuan"])
    d["gdp"] = gdp

    pop = {}
    for r in read_csv(os.path.join(p, "province_population_yearend.csv")):
        pop[(r["code"], int(r["year"]))] = float(r["pop_10k"]) * 1e4
    d["pop"] = pop

    d["birth"] = {(r["code"], int(r["year"])): float(r["birth_rate_per_mille"])
                  for r in read_csv(os.path.join(p, "province_birth_rate.csv"))}
    d["census"] = {r["code"]: r for r in read_csv(os.path.join(p, "province_census_2010_2020.csv"))}

    inv = {}
    for r in read_csv(os.path.join(p, "province_investment_capital_stock.csv")):
        inv.setdefault(r["code"], {})[int(r["year"])] = r
    d["inv"] = inv

    tz = os.path.join(shared, "tombe-zhu-2019")
    d["tz_emp"] = read_csv(os.path.join(tz, "employment_realGDP_2000_2005.csv"))
    d["tz_m"] = [float(r["mij"]) for r in read_csv(os.path.join(tz, "migration_shares_2000.csv"))]

    # region points for distances (inputs/china31/regions.csv, written by build_china31.py)
    rp = os.path.join(REPO, "inputs", "china31", "regions.csv")
    d["points"] = {r["id"]: (float(r["lat"]), float(r["lon"])) for r in read_csv(rp)}
    d["china31_capital"] = {r["id"]: r["capital"] for r in read_csv(rp)}
    rp10 = os.path.join(REPO, "inputs", "china31-2010", "regions.csv")
    d["china31_2010"] = {r["id"]: r for r in read_csv(rp10)}
    return d


# ==========================================================================
# GDP: one vintage, spliced backwards
# ==========================================================================

def build_gdp(d):
    """Nominal GDP 2000-2022 on the revised vintage.

    2006+: the revised series as given.  2003-2005: the 2023-04 export (S3, the
    4th-census vintage) times the province's ratio revised/S3 in 2006.
    2000-2002: the unrevised export (S4) times the ratio (chained value)/S4 in
    2003.  Also the one-step alternative asked for in the brief: S4 times the
    ratio revised/S4 in 2006 for 2000-2005.
    """
    g = d["gdp"]
    out, ratios = {}, {}
    for c in d["codes"]:
        r06 = g[(V_REVISED, c, SPLICE_YEAR)] / g[(V_2023, c, SPLICE_YEAR)]
        chained03 = g[(V_2023, c, CHAIN_YEAR)] * r06
        r03 = chained03 / g[(V_UNREV, c, CHAIN_YEAR)]
        u06 = g[(V_REVISED, c, SPLICE_YEAR)] / g[(V_UNREV, c, SPLICE_YEAR)]
        u10 = g[(V_UNREV, c, 2010)] / g[(V_REVISED, c, 2010)]
        ratios[c] = {"s3_2006": r06, "u_2003_chain": r03, "u_2006": u06,
                     "unrev_over_rev_2010": u10,
                     "u_growth_03_06": g[(V_UNREV, c, 2006)] / g[(V_UNREV, c, 2003)],
                     "s3_growth_03_06": g[(V_2023, c, 2006)] / g[(V_2023, c, 2003)]}
        for y in range(FIRST, POST[-1] + 1):
            if y >= SPLICE_YEAR:
                v, src, ratio = g[(V_REVISED, c, y)], V_REVISED, 1.0
            elif y >= CHAIN_YEAR:
                v, src, ratio = g[(V_2023, c, y)] * r06, V_2023 + " x ratio 2006", r06
            else:
                v, src, ratio = g[(V_UNREV, c, y)] * r03, V_UNREV + " x chained ratio 2003", r03
            alt = g[(V_REVISED, c, y)] if y >= SPLICE_YEAR else g[(V_UNREV, c, y)] * u06
            out[(c, y)] = {"gdp_nominal": v, "gdp_source": src, "gdp_spliced": int(y < SPLICE_YEAR),
                           "gdp_splice_ratio": ratio, "gdp_nominal_alt_u2006": alt}
    return out, ratios


def build_deflator():
    """National GDP deflator, 2020 = 1, 2000-2022."""
    base = REFERENCE_DEFLATOR[BASE_YEAR]
    defl = {y: v / base for y, v in REFERENCE_DEFLATOR.items()}
    for y in POST:
        defl[y] = REFERENCE_DEFLATOR_2020BASE[y] / REFERENCE_DEFLATOR_2020BASE[BASE_YEAR]
    return defl


# ==========================================================================
# population
# ==========================================================================

def build_population(d):
    """Year-end resident population 2000-2022, corrected for the 2000-2010 breaks.

    Anchors: the 2000 census (1 Nov 2000, taken as year-end 2000), year-end 2005
    (resident basis, from the 2005 1% sample survey) and year-end 2010 (census
    based).  Inside each segment [a, b] the published series keeps its
    year-to-year shape and the closure error is spread log-linearly:

        P_t = raw_t * exp( (b-t)/(b-a) * log(A_a/raw_a) + (t-a)/(b-a) * log(A_b/S_b) )

    where S_b = raw_{b-1} * (raw_{b-1}/raw_a)^(1/(b-1-a)) is the published series
    carried one year past its last on-basis value at its own mean growth.  2010+
    are unchanged (already census based; 2011-2020 revised to the 2020 census).
    """
    pop = d["pop"]
    out, info = {}, {}
    for c in d["codes"]:
        raw = {y: pop[(c, y)] for y in range(FIRST, POST[-1] + 1)}
        c2000 = REFERENCE_CENSUS2000_10K[c] * 1e4
        corr = dict(raw)
        segs = []
        for a, b, anchor_a in ((2000, 2005, c2000), (2005, 2010, raw[2005])):
            g = (raw[b - 1] / raw[a]) ** (1.0 / (b - 1 - a))
            s_b = raw[b - 1] * g
            la = math.log(anchor_a / raw[a])
            lb = math.log(raw[b] / s_b)
            for t in range(a, b):
                corr[t] = raw[t] * math.exp((b - t) / (b - a) * la + (t - a) / (b - a) * lb)
            segs.append((la, lb))
        (r2000, c2005), (_, c2010) = segs
        info[c] = {"log_r2000": r2000, "log_closure2005": c2005, "log_closure2010": c2010,
                   "rebased_2000": int(abs(r2000) > POP_BREAK_THRESHOLD),
                   "break_2005": int(abs(c2005) > POP_BREAK_THRESHOLD),
                   "break_2010": int(abs(c2010) > POP_BREAK_THRESHOLD)}
        for y in raw:
            out[(c, y)] = {"population": corr[y], "population_raw": raw[y]}
    return out, info


# ==========================================================================
# births, deaths, natural increase
# ==========================================================================

def build_vital(d, popc):
    """Births (2001-2019), estimated deaths and natural increase.

    births_t = b_t * (P_{t-1} + P_t)/2 / 1000 with the corrected population.
    Death rates: relative death rate rho_i = d_i / d_national at the two full
    benchmarks (1999, 2014), linear in time between them and constant after
    2014; d_i,t = rho_i,t * national d_t.
    """
    # relative to the national rate: the table's own (1999: 6.46) and, for 2014,
    # NBS's national 2014 death rate of REFERENCE_NATIONAL_DEATH (7.12)
    rho99 = {c: REFERENCE_DEATH_1999[c] / NATIONAL_DEATH_1999 for c in d["codes"]}
    rho14 = {c: (d["birth"][(c, 2014)] - REFERENCE_NGR_2014[c]) / REFERENCE_NATIONAL_DEATH[2014]
             for c in d["codes"]}
    out = {}
    for c in d["codes"]:
        for y in range(FIRST, POST[-1] + 1):
            w = min(max((y - 1999) / (2014 - 1999), 0.0), 1.0)
            rho = (1 - w) * rho99[c] + w * rho14[c]
            dr = rho * REFERENCE_NATIONAL_DEATH[y] if y in REFERENCE_NATIONAL_DEATH else None
            br = d["birth"].get((c, y))
            pm = None
            if (c, y - 1) in popc:
                pm = 0.5 * (popc[(c, y - 1)]["population"] + popc[(c, y)]["population"])
            rec = {"birth_rate": br, "death_rate_est": dr}
            rec["births"] = br * pm / 1000 if (br is not None and pm is not None) else None
            rec["deaths_est"] = dr * pm / 1000 if (dr is not None and pm is not None) else None
            rec["natural_increase_est"] = (rec["births"] - rec["deaths_est"]
                                           if rec["births"] is not None and rec["deaths_est"] is not None
                                           else None)
            out[(c, y)] = rec
    checks = {}
    for yr, table in ((2008, REFERENCE_DEATH_2008), (2015, REFERENCE_DEATH_2015)):
        errs = [out[(c, yr)]["death_rate_est"] - v for c, v in table.items()]
        checks[yr] = (len(errs), float(np.mean(np.abs(errs))), float(np.max(np.abs(errs))))
    return out, checks, rho99, rho14


# ==========================================================================
# investment and capital
# ==========================================================================

def pim(series, start, end, k0):
    k, path = None, {}
    for y in range(start, end + 1):
        r = series[y]
        real_i = float(r["gfcf_100m_yuan_current"]) / float(r["invest_price_index_1952eq1"])
        k = k0 if k is None else (1.0 - DEPRECIATION) * k + real_i
        path[y] = k
    return path


def build_capital(d):
    """Capital stock paths in 1952 prices 1995-2022, with the Sichuan/Chongqing split.

    30 provinces: the shared derived column (re-checked against our recursion).
    Sichuan's series includes Chongqing until 1995.  The 1995 stock is split by
    1995 GDP shares (unrevised vintage, the only one for 1995), i.e. Chongqing
    gets Sichuan's (old-border) K/Y: K_CQ,1995 (current prices) =
    K_SC,1995 * P_SC,1995 * Y_CQ / (Y_SC + Y_CQ).  Chongqing then accumulates its
    own investment from 1996 with its own price index; Sichuan's stock loses the
    depreciated Chongqing share: K_SC,t = K_SC,t(shared) - 0.904^(t-1995) * s * K_SC,1995.
    """
    inv = d["inv"]
    last = max(inv[CQ])
    paths = {}
    for c in d["codes"]:
        if c == CQ:
            continue
        s = inv[c]
        again = pim(s, min(s), last, float(s[min(s)]["gfcf_100m_yuan_current"])
                    / float(s[min(s)]["invest_price_index_1952eq1"]) / 0.10)
        path = {}
        for y in range(1995, last + 1):
            v = float(s[y]["capital_stock_100m_yuan_1952prices_derived"])
            if abs(again[y] - v) > 0.01 * v:
                raise ValueError("K check failed %s %d: %.2f vs %.2f" % (c, y, again[y], v))
            path[y] = v
        paths[c] = path
    g = d["gdp"]
    y_sc, y_cq = g[(V_UNREV, SC, SPLIT_YEAR)], g[(V_UNREV, CQ, SPLIT_YEAR)]
    share = y_cq / (y_sc + y_cq)
    ksc95 = paths[SC][SPLIT_YEAR]
    psc95 = float(inv[SC][SPLIT_YEAR]["invest_price_index_1952eq1"])
    psc96 = float(inv[SC][CQ_START]["invest_price_index_1952eq1"])
    pcq96 = float(inv[CQ][CQ_START]["invest_price_index_1952eq1"])
    pcq95 = pcq96 / (psc96 / psc95)       # Chongqing's 1995 level, moved with Sichuan's 1995->96 inflation
    kcq95_current = share * ksc95 * psc95
    kcq95 = kcq95_current / pcq95
    cq = {SPLIT_YEAR: kcq95}
    k = kcq95
    for y in range(CQ_START, last + 1):
        r = inv[CQ][y]
        k = (1 - DEPRECIATION) * k + float(r["gfcf_100m_yuan_current"]) / float(r["invest_price_index_1952eq1"])
        cq[y] = k
    paths[CQ] = cq
    sc_shared = dict(paths[SC])
    for y in range(SPLIT_YEAR, last + 1):
        paths[SC][y] = sc_shared[y] - (1 - DEPRECIATION) ** (y - SPLIT_YEAR) * share * ksc95
    # alternatives for the report: inputs/china31's rule (K_1996 = I/(g+delta)) and
    # the CHNCapitalStock package's rule (1995 GFCF ratio; here the 1996 ratio, as
    # the shared file has no Chongqing GFCF for 1995).
    real = {y: float(inv[CQ][y]["gfcf_100m_yuan_current"]) / float(inv[CQ][y]["invest_price_index_1952eq1"])
            for y in inv[CQ]}
    gr = (real[2006] / real[CQ_START]) ** (1.0 / 10) - 1
    alt31 = pim(inv[CQ], CQ_START, last, real[CQ_START] / (gr + DEPRECIATION))
    ratio96 = float(inv[CQ][CQ_START]["gfcf_100m_yuan_current"]) / float(inv[SC][CQ_START]["gfcf_100m_yuan_current"])
    altpkg = pim(inv[CQ], CQ_START, last, ratio96 * ksc95)
    notes = {"share": share, "kcq95_1952p": kcq95, "kcq95_current": kcq95_current,
             "ksc95": ksc95, "pcq95": pcq95, "alt_china31": alt31, "alt_package": altpkg,
             "sc_shared": sc_shared, "g_china31": gr, "ratio96": ratio96}
    return paths, notes


# ==========================================================================
# Tombe-Zhu 2000, migration origins
# ==========================================================================

def tz_2000(d):
    """Resident and hukou (registered) workers 2000 by province and sector.

    R = (m^T)^{-1} L (tombe-zhu-2019/PROVENANCE.md), and the province x province
    stock of workers by hukou province (rows) and work province (columns).
    """
    name2code = {v: k for k, v in d["names"].items()}
    emp = d["tz_emp"]
    codes30 = [name2code[TZ_NAME_FIX.get(r["province"], r["province"])] for r in emp]
    m = np.array(d["tz_m"]).reshape(60, 60)
    L = np.array([[float(r["La2000"]), float(r["Ln2000"])] for r in emp]).ravel()
    R = np.linalg.solve(m.T, L)
    flows = (m * R[:, None]).reshape(30, 2, 30, 2).sum(axis=(1, 3))
    codes = d["codes"]
    M = np.zeros((31, 31))
    idx = [codes.index(c) for c in codes30]
    for a, i in enumerate(idx):
        for b, j in enumerate(idx):
            M[i, j] = flows[a, b]
    by = {}
    for a, c in enumerate(codes30):
        by[c] = {"L_ag": L[2 * a], "L_na": L[2 * a + 1], "R_ag": R[2 * a], "R_na": R[2 * a + 1]}
    return by, M


def ras(seed, rows, cols, iters=5000, tol=1e-9):
    X = seed.astype(float).copy()
    for _ in range(iters):
        r = X.sum(1)
        X *= np.divide(rows, r, out=np.zeros_like(r), where=r > 0)[:, None]
        c = X.sum(0)
        X *= np.divide(cols, c, out=np.zeros_like(c), where=c > 0)[None, :]
        if np.abs(X.sum(1) - rows).max() <= tol * rows.sum():
            break
    return X


def haversine(p, q):
    la1, lo1, la2, lo2 = map(math.radians, (p[0], p[1], q[0], q[1]))
    a = math.sin((la2 - la1) / 2) ** 2 + math.cos(la1) * math.cos(la2) * math.sin((lo2 - lo1) / 2) ** 2
    return 2 * 6371.0 * math.asin(math.sqrt(a))


def accounting(d, vital, popc, H0, L1, D1, O0, O1_guess, y0, y1):
    """Registered stock carried forward: H1 = H0 + sum_t (births - deaths of
    residents) + births to the province's migrants living elsewhere (national
    birth rate x their number, interpolated between O0 and O1_guess), scaled so
    that sum H1 = sum L1; out-migrants O1 = H1 - L1 + D1, floored at
    OUTMIG_FLOOR_SHARE x H1 and rescaled to sum D1.  Returns (O1, H1, O1 raw)."""
    codes = d["codes"]
    n = len(codes)
    ni = np.zeros(n)
    mb = np.zeros(n)
    for k, c in enumerate(codes):
        for y in range(y0, y1 + 1):
            v = vital[(c, y)]
            pm = 0.5 * (popc[(c, y - 1)]["population"] + popc[(c, y)]["population"])
            br = v["birth_rate"]
            if br is None:     # 2020: the 2019 rate moved with the national 2019->2020 change
                br = vital[(c, 2019)]["birth_rate"] * REFERENCE_NATIONAL_BIRTH[2020] / REFERENCE_NATIONAL_BIRTH[2019]
            ni[k] += (br - v["death_rate_est"]) * pm / 1000
            w = (y - y0 + 1) / (y1 - y0 + 1)
            mb[k] += REFERENCE_NATIONAL_BIRTH[y] * ((1 - w) * O0[k] + w * O1_guess[k]) / 1000
    H1 = H0 + ni + mb
    H1 = H1 * L1.sum() / H1.sum()
    raw = H1 - L1 + D1
    O1 = np.maximum(raw, OUTMIG_FLOOR_SHARE * H1)
    O1 *= D1.sum() / O1.sum()
    return O1, H1, raw


def build_migration(d, vital, popc):
    """2010 measured origins, 2020 estimated origins, OD matrices.  See PROVENANCE.md."""
    codes = d["codes"]
    n = len(codes)
    cen = d["census"]
    L10 = np.array([float(cen[c]["pop_census2010"]) for c in codes])
    H10 = np.array([float(cen[c]["hukou_pop_census2010"]) for c in codes])
    D10 = np.array([float(cen[c]["inmigrants_from_other_prov_census2010"]) for c in codes])
    L20 = np.array([float(cen[c]["pop_census2020"]) for c in codes])
    D20 = np.array([float(cen[c]["hukou_in_other_province_census2020"]) for c in codes])
    Hs = H10 * L10.sum() / H10.sum()                   # registered 2010, scaled to sum L
    O10_raw = Hs - L10 + D10                             # measured out-migrants (sum = sum D10)
    O10 = np.maximum(O10_raw, OUTMIG_FLOOR_SHARE * Hs)
    O10 *= D10.sum() / O10.sum()

    tzby, M00 = tz_2000(d)
    tib = codes.index("540000")
    out00, in00 = M00.sum(1) - np.diag(M00), M00.sum(0) - np.diag(M00)
    np.fill_diagonal(M00, 0.0)

    # seed for the OD interior: Tombe-Zhu 2000 worker stocks; Tibet (absent
    # there) from a gravity fit on the 870 other pairs: log M_od = a_o + b_d - phi log dist
    dist = np.array([[haversine(d["points"][a], d["points"][b]) if a != b else 1.0 for b in codes] for a in codes])
    obs = [(i, j) for i in range(n) for j in range(n) if i != j and i != tib and j != tib and M00[i, j] > 0]
    A = np.zeros((len(obs), 2 * n + 1))
    yv = np.zeros(len(obs))
    for k, (i, j) in enumerate(obs):
        A[k, i] = 1.0
        A[k, n + j] = 1.0
        A[k, 2 * n] = -math.log(dist[i, j])
        yv[k] = math.log(M00[i, j])
    A[:, [tib, n + tib]] = 0.0
    coef, *_ = np.linalg.lstsq(A, yv, rcond=None)
    phi = coef[2 * n]
    seed = M00.copy()
    for j in range(n):
        if j != tib:
            seed[tib, j] = math.exp(coef[n + j] - phi * math.log(dist[tib, j]))
            seed[j, tib] = math.exp(coef[j] - phi * math.log(dist[j, tib]))
    seed[tib, tib] = 0.0

    X10 = ras(seed, O10, D10)                 # 2010 OD: both margins measured
    S10 = X10 / X10.sum(0)[None, :]           # share of destination d's migrants from o

    # --- 2020 origins, method A ("shares"): 2010 origin shares x 2020 total
    O20_A = O10 / O10.sum() * D20.sum()
    # --- method B ("destinations"): each 2020 destination stock split over
    # origins with its 2010 origin mix
    O20_B = S10 @ D20
    # --- method C ("accounting"): the registered stock carried forward from 2010
    O20_C, H20, O20_C_raw = accounting(d, vital, popc, Hs, L20, D20, O10, O20_A, 2011, 2020)

    # default (ORIGIN_DEFAULT): the geometric mean of A and C, renormalised (PROVENANCE.md)
    O20 = {"shares": O20_A, "destinations": O20_B, "accounting": O20_C,
           "geomean": np.sqrt(O20_A * O20_C)}[ORIGIN_DEFAULT].copy()
    O20 *= D20.sum() / O20.sum()
    X20 = ras(X10, O20, D20)

    # --- back-tests one decade earlier: predict the measured 2010 out-migrants
    # from 2000 information only.  2000 stocks in persons: census 2000 residents
    # times the Tombe-Zhu hukou/resident worker ratio (registered), and the
    # Tombe-Zhu worker stocks times the province's persons per worker.
    C2000 = np.array([REFERENCE_CENSUS2000_10K[c] * 1e4 for c in codes])
    Lw = np.array([tzby[c]["L_ag"] + tzby[c]["L_na"] if c in tzby else 0.0 for c in codes]) * 1e6
    Rw = np.array([tzby[c]["R_ag"] + tzby[c]["R_na"] if c in tzby else 0.0 for c in codes]) * 1e6
    R00 = C2000 * np.where(Lw > 0, Rw / np.where(Lw > 0, Lw, 1.0), 1.0)
    R00 *= C2000.sum() / R00.sum()
    ppw = np.where(Lw > 0, C2000 / np.where(Lw > 0, Lw, 1.0), 1.0)
    O00 = out00 * 1e6 * ppw
    O10_A_bt = O00 / O00.sum() * D10.sum()
    S00 = M00 / np.where(in00 > 0, in00, 1.0)[None, :]
    S00[:, tib] = out00 / out00.sum()
    O10_B_bt = S00 @ D10
    O10_C_bt = accounting(d, vital, popc, R00, L10, D10, O00, O10_A_bt, 2001, 2010)[0]
    O10_D_bt = np.sqrt(O10_A_bt * O10_C_bt)
    O10_D_bt *= D10.sum() / O10_D_bt.sum()

    def err(pred, act):
        sp, sa = pred / pred.sum(), act / act.sum()
        return {"mae_pp": 100 * float(np.abs(sp - sa).mean()),
                "rmse_pp": 100 * float(np.sqrt(((sp - sa) ** 2).mean())),
                "corr": float(np.corrcoef(sp, sa)[0, 1]),
                "max_abs_m": float(np.abs(pred - act).max() / 1e6)}

    hen = codes.index("410000")
    res = {
        "L10": L10, "H10": H10, "Hs": Hs, "D10": D10, "O10_raw": O10_raw, "O10": O10,
        "L20": L20, "D20": D20, "O20_A": O20_A, "O20_B": O20_B, "O20_C": O20_C,
        "O20_C_raw": O20_C_raw, "H20": H20, "O20": O20, "X10": X10, "X20": X20, "phi": phi,
        "tz": tzby, "M00": M00,
        "backtest_A": err(O10_A_bt, O10), "backtest_B": err(O10_B_bt, O10),
        "backtest_C": err(O10_C_bt, O10), "backtest_default": err(O10_D_bt, O10),
        "R00": R00, "bt": {"A": O10_A_bt, "C": O10_C_bt, "default": O10_D_bt},
        "henan": {k: float(v[hen]) for k, v in (("A", O20_A), ("B", O20_B), ("C", O20_C), ("default", O20))},
        "agree_AC": err(O20_A, O20_C),
        "over_10m": {m: all(v[codes.index(c)] > 10e6 for c in REFERENCE_OVER_10M_2020)
                     for m, v in (("A", O20_A), ("B", O20_B), ("C", O20_C), ("default", O20))},
        "henan_largest": {m: int(np.argmax(v)) == hen
                          for m, v in (("A", O20_A), ("B", O20_B), ("C", O20_C), ("default", O20))},
    }
    return res


# ==========================================================================
# assemble
# ==========================================================================

PANEL_COLUMNS = [
    "code", "name_en", "year",
    "gdp_nominal", "gdp_source", "gdp_spliced", "gdp_splice_ratio", "gdp_nominal_alt_u2006",
    "gdp_deflator", "gdp_real",
    "population", "population_raw", "pop_correction_ratio", "pop_corrected", "pop_rebased_2000", "pop_break_2005", "pop_break_2010",
    "birth_rate", "births", "death_rate_est", "deaths_est", "natural_increase_est",
    "gfcf_nominal", "investment_share", "investment_share_samevintage",
    "invest_price_index", "capital_stock_1952prices", "capital_stock_current", "capital_stock_2020prices",
    "capital_imputed",
    "census_population", "registered_population", "registered_source",
]
POST_COLUMNS = PANEL_COLUMNS + ["post_sample"]


def assemble(d, gdp, defl, popc, popinfo, vital, kpaths, mig):
    codes, names, inv = d["codes"], d["names"], d["inv"]
    cen = d["census"]
    rows = {}
    reg = {}
    # registered population: 2000 estimate (TZ worker ratio R/L applied to the census),
    # 2010 census hukou scaled, 2020 estimate
    c2000 = {c: REFERENCE_CENSUS2000_10K[c] * 1e4 for c in codes}
    for k, c in enumerate(codes):
        reg[(c, 2000)] = (mig["R00"][k], "est_census2000_x_tombe_zhu_hukou_ratio")
        reg[(c, 2010)] = (mig["Hs"][k], "census2010_hukou_scaled")
        reg[(c, 2020)] = (mig["L20"][k] - mig["D20"][k] + mig["O20"][k],
                          "est_census2020_minus_inmigrants_plus_outmig2020_est")
    for c in codes:
        for y in range(FIRST, POST[-1] + 1):
            r = {"code": c, "name_en": names[c], "year": y}
            gg = gdp[(c, y)]
            r["gdp_nominal"] = fmt(gg["gdp_nominal"], 2)
            r["gdp_source"] = gg["gdp_source"]
            r["gdp_spliced"] = gg["gdp_spliced"]
            r["gdp_splice_ratio"] = fmt(gg["gdp_splice_ratio"], 6)
            r["gdp_nominal_alt_u2006"] = fmt(gg["gdp_nominal_alt_u2006"], 2)
            r["gdp_deflator"] = fmt(defl[y], 6)
            r["gdp_real"] = fmt(gg["gdp_nominal"] / defl[y], 2)
            pp = popc[(c, y)]
            r["population"] = fint(pp["population"])
            r["population_raw"] = fint(pp["population_raw"])
            ratio = pp["population"] / pp["population_raw"]
            r["pop_correction_ratio"] = fmt(ratio, 6)
            r["pop_corrected"] = int(abs(ratio - 1) > 5e-4)
            r["pop_rebased_2000"] = popinfo[c]["rebased_2000"]
            r["pop_break_2005"] = popinfo[c]["break_2005"]
            r["pop_break_2010"] = popinfo[c]["break_2010"]
            v = vital[(c, y)]
            r["birth_rate"] = fmt(v["birth_rate"], 2)
            r["births"] = fint(v["births"])
            r["death_rate_est"] = fmt(v["death_rate_est"], 3) if y <= LAST else ""
            r["deaths_est"] = fint(v["deaths_est"]) if v["births"] is not None else ""
            r["natural_increase_est"] = fint(v["natural_increase_est"])
            gf = float(inv[c][y]["gfcf_100m_yuan_current"])
            r["gfcf_nominal"] = fmt(gf, 2)
            r["investment_share"] = fmt(gf / gg["gdp_nominal"], 6)
            uv = d["gdp"].get((V_UNREV, c, y))
            r["investment_share_samevintage"] = fmt(gf / uv, 6) if uv else ""
            P = float(inv[c][y]["invest_price_index_1952eq1"])
            P20 = float(inv[c][BASE_YEAR]["invest_price_index_1952eq1"])
            K = kpaths[c][y]
            r["invest_price_index"] = fmt(P, 6)
            r["capital_stock_1952prices"] = fmt(K, 2)
            r["capital_stock_current"] = fmt(K * P, 2)
            r["capital_stock_2020prices"] = fmt(K * P20, 2)
            r["capital_imputed"] = int(c in (CQ, SC))
            if y == 2000:
                r["census_population"] = fint(c2000[c])
            elif y in (2010, 2020):
                r["census_population"] = cen[c]["pop_census%d" % y].split(".")[0]
            if (c, y) in reg:
                r["registered_population"] = fint(reg[(c, y)][0])
                r["registered_source"] = reg[(c, y)][1]
            if y > LAST:
                r["post_sample"] = 1
            rows[(c, y)] = r
    return rows, reg


def census_rows(d, mig, popinfo, reg):
    codes, cen = d["codes"], d["census"]
    tz = mig["tz"]
    out = []
    for k, c in enumerate(codes):
        r = {"code": c, "name_en": d["names"][c]}
        r["census2000_population"] = fint(REFERENCE_CENSUS2000_10K[c] * 1e4)
        t = tz.get(c)
        for key, col in (("L_ag", "tz2000_resident_workers_ag"), ("L_na", "tz2000_resident_workers_na"),
                         ("R_ag", "tz2000_hukou_workers_ag"), ("R_na", "tz2000_hukou_workers_na")):
            r[col] = fmt(t[key] * 1e6, 0) if t else ""
        r["registered2000_est"] = fint(reg[(c, 2000)][0])
        r["census2010_population"] = cen[c]["pop_census2010"].split(".")[0]
        r["census2010_hukou"] = cen[c]["hukou_pop_census2010"].split(".")[0]
        r["registered2010"] = fint(mig["Hs"][k])
        r["census2010_inmig_other_prov"] = cen[c]["inmigrants_from_other_prov_census2010"].split(".")[0]
        r["outmig2010_measured_raw"] = fint(mig["O10_raw"][k])
        r["outmig2010"] = fint(mig["O10"][k])
        r["census2020_population"] = cen[c]["pop_census2020"].split(".")[0]
        r["census2020_hukou_other_prov"] = cen[c]["hukou_in_other_province_census2020"].split(".")[0]
        r["census2020_hukou_other_county_same_prov"] = cen[c]["hukou_in_other_county_same_prov_census2020"].split(".")[0]
        r["outmig2020_est"] = fint(mig["O20"][k])
        r["outmig2020_shares"] = fint(mig["O20_A"][k])
        r["outmig2020_destinations"] = fint(mig["O20_B"][k])
        r["outmig2020_accounting"] = fint(mig["O20_C"][k])
        r["registered2020_est"] = fint(reg[(c, 2020)][0])
        r["pop_rebased_2000"] = popinfo[c]["rebased_2000"]
        r["pop_break_2005"] = popinfo[c]["break_2005"]
        r["pop_break_2010"] = popinfo[c]["break_2010"]
        r["pop_log_ratio_census2000"] = fmt(popinfo[c]["log_r2000"], 5)
        r["pop_log_closure_2005"] = fmt(popinfo[c]["log_closure2005"], 5)
        r["pop_log_closure_2010"] = fmt(popinfo[c]["log_closure2010"], 5)
        out.append(r)
    return out


CENSUS_COLUMNS = [
    "code", "name_en", "census2000_population",
    "tz2000_resident_workers_ag", "tz2000_resident_workers_na",
    "tz2000_hukou_workers_ag", "tz2000_hukou_workers_na", "registered2000_est",
    "census2010_population", "census2010_hukou", "registered2010", "census2010_inmig_other_prov",
    "outmig2010_measured_raw", "outmig2010",
    "census2020_population", "census2020_hukou_other_prov", "census2020_hukou_other_county_same_prov",
    "outmig2020_est", "outmig2020_shares", "outmig2020_destinations", "outmig2020_accounting",
    "registered2020_est",
    "pop_rebased_2000", "pop_break_2005", "pop_break_2010", "pop_log_ratio_census2000", "pop_log_closure_2005",
    "pop_log_closure_2010"]

NATIONAL_COLUMNS = [
    "year", "gdp_deflator", "deflator_growth", "sum_gdp_nominal", "sum_gdp_real", "real_growth",
    "nbs_gdp_nominal", "sum_over_nbs_gdp", "sum_gfcf_nominal", "sigma", "sigma_samevintage",
    "sum_population", "sum_population_raw", "nbs_population", "sum_over_nbs_population",
    "sum_births", "nbs_births_revised", "sum_births_over_nbs", "national_birth_rate", "national_death_rate"]


def national_rows(d, rows, defl, years):
    out = []
    prev = None
    for y in years:
        rs = [rows[(c, y)] for c in d["codes"]]
        sg = math.fsum(float(r["gdp_nominal"]) for r in rs)
        sr = math.fsum(float(r["gdp_real"]) for r in rs)
        sf = math.fsum(float(r["gfcf_nominal"]) for r in rs)
        sp = sum(int(r["population"]) for r in rs)
        spr = sum(int(r["population_raw"]) for r in rs)
        rec = {"year": y, "gdp_deflator": fmt(defl[y], 6), "sum_gdp_nominal": fmt(sg, 1),
               "sum_gdp_real": fmt(sr, 1), "sum_gfcf_nominal": fmt(sf, 1), "sigma": fmt(sf / sg, 5),
               "sum_population": sp, "sum_population_raw": spr}
        if prev is not None:
            rec["deflator_growth"] = fmt(defl[y] / defl[y - 1] - 1, 5)
            rec["real_growth"] = fmt(sr / prev - 1, 5)
        prev = sr
        uv = [d["gdp"].get((V_UNREV, c, y)) for c in d["codes"]]
        if all(uv):
            rec["sigma_samevintage"] = fmt(sf / math.fsum(uv), 5)
        if y in REFERENCE_NATIONAL_GDP:
            rec["nbs_gdp_nominal"] = fmt(REFERENCE_NATIONAL_GDP[y], 1)
            rec["sum_over_nbs_gdp"] = fmt(sg / REFERENCE_NATIONAL_GDP[y], 5)
        if y in REFERENCE_NATIONAL_POP_10K:
            rec["nbs_population"] = REFERENCE_NATIONAL_POP_10K[y] * 10000
            rec["sum_over_nbs_population"] = fmt(sp / (REFERENCE_NATIONAL_POP_10K[y] * 1e4), 5)
        bs = [r["births"] for r in rs]
        if all(bs):
            sb = sum(int(b) for b in bs)
            rec["sum_births"] = sb
            if y in REFERENCE_NATIONAL_POP_10K and y - 1 in REFERENCE_NATIONAL_POP_10K:
                nb = REFERENCE_NATIONAL_BIRTH[y] / 1000 * 0.5e4 * (REFERENCE_NATIONAL_POP_10K[y] + REFERENCE_NATIONAL_POP_10K[y - 1])
                rec["nbs_births_revised"] = fint(nb)
                rec["sum_births_over_nbs"] = fmt(sb / nb, 4)
        if y in REFERENCE_NATIONAL_BIRTH:
            rec["national_birth_rate"] = fmt(REFERENCE_NATIONAL_BIRTH[y], 2)
            rec["national_death_rate"] = fmt(REFERENCE_NATIONAL_DEATH[y], 2)
        out.append(rec)
    return out


def od_rows(d, mig):
    codes = d["codes"]
    out = []
    for year, X in ((2010, mig["X10"]), (2020, mig["X20"])):
        for i, o in enumerate(codes):
            for j, dd in enumerate(codes):
                if i != j:
                    out.append({"year": year, "origin": o, "destination": dd, "persons": fint(X[i, j])})
    return out


# ==========================================================================
# checks
# ==========================================================================

def check(out_dir, d, mig, kpaths, knotes):
    problems = []
    codes = d["codes"]
    panel = read_csv(os.path.join(out_dir, "panel.csv"))
    post = read_csv(os.path.join(out_dir, "panel_2021_2022_post_sample.csv"))
    with open(os.path.join(out_dir, "panel.csv"), encoding="utf-8") as f:
        if next(csv.reader(f)) != PANEL_COLUMNS:
            problems.append("panel.csv columns differ")
    if len(panel) != 31 * (LAST - FIRST + 1):
        problems.append("panel.csv has %d rows" % len(panel))
    keys = {(r["code"], int(r["year"])) for r in panel}
    if len(keys) != len(panel) or keys != {(c, y) for c in codes for y in range(FIRST, LAST + 1)}:
        problems.append("panel.csv keys are not 31 provinces x 2000-2020")
    if any(int(r["year"]) <= LAST for r in post) or len(post) != 31 * len(POST):
        problems.append("post-sample file holds in-sample years or wrong row count")
    if any(r["post_sample"] != "1" for r in post):
        problems.append("post_sample flag not 1")
    must = ["gdp_nominal", "gdp_real", "gdp_deflator", "population", "population_raw", "gfcf_nominal",
            "investment_share", "capital_stock_1952prices", "capital_stock_current",
            "capital_stock_2020prices", "invest_price_index"]
    for r in panel + post:
        for k in must:
            try:
                x = float(r[k])
            except ValueError:
                problems.append("%s %s: %s empty or not a number" % (r["code"], r["year"], k))
                continue
            if not (math.isfinite(x) and x > 0):
                problems.append("%s %s: %s = %s not > 0" % (r["code"], r["year"], k, r[k]))
    g = d["gdp"]
    for r in panel + post:
        c, y = r["code"], int(r["year"])
        if y >= SPLICE_YEAR and abs(float(r["gdp_nominal"]) - g[(V_REVISED, c, y)]) > 0.005:
            problems.append("%s %d: gdp_nominal != revised vintage" % (c, y))
        if (y >= SPLICE_YEAR) == (r["gdp_spliced"] == "1"):
            problems.append("%s %d: gdp_spliced flag wrong" % (c, y))
        if y >= 2010 and r["population"] != r["population_raw"]:
            problems.append("%s %d: population changed in a census-based year" % (c, y))
        if y == 2000 and int(r["population"]) != REFERENCE_CENSUS2000_10K[c] * 10000:
            problems.append("%s 2000: population != 2000 census" % c)
        if y == 2005 and r["population"] != r["population_raw"]:
            problems.append("%s 2005: population != year-end 2005" % c)
        if y == BASE_YEAR and abs(float(r["gdp_real"]) - float(r["gdp_nominal"])) > 0.011:
            problems.append("%s: gdp_real != gdp_nominal in the base year" % c)
        if y == BASE_YEAR and abs(float(r["capital_stock_current"]) - float(r["capital_stock_2020prices"])) > 0.011:
            problems.append("%s: current != 2020 prices capital in 2020" % c)
    # splice continuity: ratio at the seam equals the applied ratio
    for c in codes:
        ratio = float([r for r in panel if r["code"] == c and r["year"] == "2005"][0]["gdp_splice_ratio"])
        exp = g[(V_REVISED, c, SPLICE_YEAR)] / g[(V_2023, c, SPLICE_YEAR)]
        if abs(ratio - exp) > 1e-6:
            problems.append("%s: splice ratio %.6f != %.6f" % (c, ratio, exp))
    # capital vs inputs/china31 and inputs/china31-2010 (29 provinces exactly)
    by = {(r["code"], int(r["year"])): r for r in panel}
    for c in codes:
        if c in (CQ, SC):
            continue
        k20 = float(by[(c, 2020)]["capital_stock_2020prices"])
        if abs(k20 - float(d["china31_capital"][c])) > 0.011:
            problems.append("%s: capital 2020 %.2f != inputs/china31 %s" % (c, k20, d["china31_capital"][c]))
        k10 = float(by[(c, 2010)]["capital_stock_current"])
        if abs(k10 - float(d["china31_2010"][c]["capital"])) > 0.011:
            problems.append("%s: capital 2010 %.2f != inputs/china31-2010 %s" % (c, k10, d["china31_2010"][c]["capital"]))
    # Sichuan + Chongqing: the 1995 split keeps the old-border stock (current prices)
    p95 = float(d["inv"][SC][SPLIT_YEAR]["invest_price_index_1952eq1"])
    comb = kpaths[SC][SPLIT_YEAR] * p95 + kpaths[CQ][SPLIT_YEAR] * knotes["pcq95"]
    if abs(comb - knotes["sc_shared"][SPLIT_YEAR] * p95) > 1e-6 * comb:
        problems.append("Sichuan/Chongqing 1995 split does not add up")
    # registered = residents in total, out-migrants sum to in-migrants
    cen = read_csv(os.path.join(out_dir, "census.csv"))
    for tag, a, b in (("2010", "registered2010", "census2010_population"),
                      ("2020", "registered2020_est", "census2020_population"),
                      ("2000", "registered2000_est", "census2000_population")):
        sa, sb = sum(int(r[a]) for r in cen), sum(int(r[b]) for r in cen)
        if abs(sa - sb) > 31:
            problems.append("sum %s %d != sum %s %d" % (a, sa, b, sb))
    for a, b in (("outmig2010", "census2010_inmig_other_prov"), ("outmig2020_est", "census2020_hukou_other_prov"),
                 ("outmig2020_shares", "census2020_hukou_other_prov"),
                 ("outmig2020_accounting", "census2020_hukou_other_prov"),
                 ("outmig2020_destinations", "census2020_hukou_other_prov")):
        sa, sb = sum(int(r[a]) for r in cen), sum(int(r[b]) for r in cen)
        if abs(sa - sb) > 31:
            problems.append("sum %s %d != sum %s %d" % (a, sa, b, sb))
    if any(int(r["outmig2020_est"]) <= 0 or int(r["registered2020_est"]) <= 0 for r in cen):
        problems.append("non-positive 2020 out-migrants or registered population")
    od = read_csv(os.path.join(out_dir, "migration_od_estimated.csv"))
    for year, rowcol, colcol in ((2010, "outmig2010", "census2010_inmig_other_prov"),
                                 (2020, "outmig2020_est", "census2020_hukou_other_prov")):
        sub = [r for r in od if r["year"] == str(year)]
        for r in cen:
            so = sum(int(x["persons"]) for x in sub if x["origin"] == r["code"])
            sd = sum(int(x["persons"]) for x in sub if x["destination"] == r["code"])
            if abs(so - int(r[rowcol])) > max(50, 1e-5 * int(r[rowcol])):
                problems.append("OD %d row %s sums to %d, margin %s" % (year, r["code"], so, r[rowcol]))
            if abs(sd - int(r[colcol])) > 50:
                problems.append("OD %d column %s sums to %d, margin %s" % (year, r["code"], sd, r[colcol]))
    return problems


# ==========================================================================
# main
# ==========================================================================

def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--shared", default=DEFAULT_SHARED)
    ap.add_argument("--out", default=DEFAULT_OUT)
    ap.add_argument("--quiet", action="store_true")
    a = ap.parse_args(argv)
    os.makedirs(a.out, exist_ok=True)

    d = load(a.shared)
    gdp, ratios = build_gdp(d)
    defl = build_deflator()
    popc, popinfo = build_population(d)
    vital, dchecks, rho99, rho14 = build_vital(d, popc)
    kpaths, knotes = build_capital(d)
    mig = build_migration(d, vital, popc)
    rows, reg = assemble(d, gdp, defl, popc, popinfo, vital, kpaths, mig)

    codes = d["codes"]
    write_csv(os.path.join(a.out, "panel.csv"), PANEL_COLUMNS,
              [rows[(c, y)] for c in codes for y in range(FIRST, LAST + 1)])
    write_csv(os.path.join(a.out, "panel_2021_2022_post_sample.csv"), POST_COLUMNS,
              [rows[(c, y)] for c in codes for y in POST])
    nat = national_rows(d, rows, defl, range(FIRST, LAST + 1))
    write_csv(os.path.join(a.out, "national.csv"), NATIONAL_COLUMNS, nat)
    write_csv(os.path.join(a.out, "census.csv"), CENSUS_COLUMNS, census_rows(d, mig, popinfo, reg))
    write_csv(os.path.join(a.out, "migration_od_estimated.csv"), ["year", "origin", "destination", "persons"],
              od_rows(d, mig))

    problems = check(a.out, d, mig, kpaths, knotes)
    summary(d, ratios, defl, popinfo, nat, dchecks, knotes, kpaths, mig, rows, a.quiet)
    if problems:
        for p in problems:
            print("ERROR: " + p)
        return 1
    print("all checks passed; wrote %s" % os.path.relpath(a.out, REPO))
    return 0


def summary(d, ratios, defl, popinfo, nat, dchecks, knotes, kpaths, mig, rows, quiet):
    names, codes = d["names"], d["codes"]
    print("== GDP splice (ratios applied to reach the revised vintage)")
    print("   %-15s %9s %9s %9s | %9s %9s" % ("province", "rev/S3'06", "chain'03", "rev/U'06",
                                            "U/rev'10", "U03-06/S3"))
    order = sorted(codes, key=lambda c: ratios[c]["u_2006"])
    for c in (order if not quiet else [c for c in codes if c in ("150000", "210000", "220000", "230000", "120000")]):
        r = ratios[c]
        print("   %-15s %9.3f %9.3f %9.3f | %9.3f %9.3f" % (
            names[c], r["s3_2006"], r["u_2003_chain"], r["u_2006"], r["unrev_over_rev_2010"],
            r["u_growth_03_06"] / r["s3_growth_03_06"]))
    print("   (rev/S3'06: 2003-05 splice; chain'03: 2000-02 splice; rev/U'06: the one-step alternative;"
          " U/rev'10 - 1 = 2010 overstatement of the unrevised vintage;"
          " U03-06/S3: unrevised 2003-06 growth over the 4th-census vintage's)")
    print("== national GDP deflator (WDI NY.GDP.DEFL.ZS), 2020 = 1: 2000 %.4f, 2010 %.4f, 2020 1"
          % (defl[2000], defl[2010]))
    print("== sigma_t = sum GFCF / sum GDP (revised GDP; same-vintage GDP in brackets)")
    line = []
    for r in nat:
        line.append("%d %s%s" % (r["year"], r["sigma"], (" (%s)" % r["sigma_samevintage"]) if r.get("sigma_samevintage") else ""))
    for i in range(0, len(line), 4):
        print("   " + " | ".join(line[i:i + 4]))
    print("== population breaks (log ratio census2000/raw2000, closure at 2005, closure at 2010)")
    for c in codes:
        p = popinfo[c]
        if p["rebased_2000"] or p["break_2005"] or p["break_2010"]:
            print("   %-15s %+7.3f %+7.3f %+7.3f  rebased2000=%d break2005=%d break2010=%d" % (
                names[c], p["log_r2000"], p["log_closure2005"], p["log_closure2010"], p["rebased_2000"],
                p["break_2005"], p["break_2010"]))
    print("== estimated vs published provincial death rates (per mille): 2008 n=%d mean|err| %.2f max %.2f;"
          " 2015 n=%d mean|err| %.2f max %.2f" % (dchecks[2008] + dchecks[2015]))
    print("== capital: 1952-price stock x P_t (P_2020 range %.2f %s .. %.2f %s); delta = %.3f"
          % tuple([min((float(d["inv"][c][2020]["invest_price_index_1952eq1"]), names[c]) for c in codes)[0],
                   min((float(d["inv"][c][2020]["invest_price_index_1952eq1"]), names[c]) for c in codes)[1],
                   max((float(d["inv"][c][2020]["invest_price_index_1952eq1"]), names[c]) for c in codes)[0],
                   max((float(d["inv"][c][2020]["invest_price_index_1952eq1"]), names[c]) for c in codes)[1],
                   DEPRECIATION]))
    kn = knotes
    for y in (2000, 2010, 2020):
        print("   Chongqing K_%d (1952 prices): split %.1f | china31 rule %.1f | package rule %.1f;"
              " Sichuan %.1f (shared %.1f)" % (y, kpaths[CQ][y], kn["alt_china31"][y], kn["alt_package"][y],
                                              kpaths[SC][y], kn["sc_shared"][y]))
    print("   split share (Chongqing's 1995 GDP share of old Sichuan) %.4f" % kn["share"])
    print("== 2020 out-migrants by hukou province (million): default = geometric mean of shares (A) and accounting (C)")
    for m in ("A", "B", "C", "default"):
        print("   back-test 2000 -> 2010, %-7s: %s" % (m, {k: round(v, 3) for k, v in mig["backtest_" + m].items()}))
    print("   Henan 2020 (published 16.10): A %.2f, B %.2f, C %.2f, default %.2f" % tuple(
        mig["henan"][k] / 1e6 for k in ("A", "B", "C", "default")))
    print("   Henan, Anhui, Sichuan all > 10 M (published): %s; Henan the largest (published): %s"
          % (mig["over_10m"], mig["henan_largest"]))
    print("   agreement A vs C: %s" % {k: round(v, 3) for k, v in mig["agree_AC"].items()})
    if not quiet:
        print("   %-15s %8s %8s %8s %8s %8s %8s" % ("province", "2010", "A", "B", "C", "default", "R/L 2020"))
        for k, c in enumerate(codes):
            print("   %-15s %8.2f %8.2f %8.2f %8.2f %8.2f %8.3f" % (
                names[c], mig["O10"][k] / 1e6, mig["O20_A"][k] / 1e6, mig["O20_B"][k] / 1e6,
                mig["O20_C"][k] / 1e6, mig["O20"][k] / 1e6,
                (mig["L20"][k] - mig["D20"][k] + mig["O20"][k]) / mig["L20"][k]))
    hub = [rows[("420000", y)] for y in (2019, 2020)]
    print("== Hubei (COVID year): GDP real 2019 %s, 2020 %s (%.1f%%); population 2019 %s, 2020 %s" % (
        hub[0]["gdp_real"], hub[1]["gdp_real"], 100 * (float(hub[1]["gdp_real"]) / float(hub[0]["gdp_real"]) - 1),
        hub[0]["population"], hub[1]["population"]))


if __name__ == "__main__":
    sys.exit(main())
