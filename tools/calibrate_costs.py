#!/usr/bin/python3
"""Calibrate regio's trade and migration cost parameters to Tombe & Zhu (2019).

MODEL.md §1 specifies
    trade:      tau_ni = (1 + d_ni/d0)^phi   * b^[prov(n) != prov(i)]
    migration:  mu_od  = mu_0 (1 + d_od/d0)^phi_m * b_m^[prov(o) != prov(d)] * h_d,  mu_oo = 1
and §2 the gravity (pi ~ (tau p)^-theta) and logit (m ~ (U/mu)^eps) shares.
Head-Ries (symmetric, ratio-of-ratios) indices of the observed shares remove
every origin and destination term (prices, price indices, utilities), so the
cost parameters can be fitted by OLS on distance alone.  Data: Tombe & Zhu's
2002 provincial trade shares and 2000 province x sector migration shares
(/work/shared/data/tombe-zhu-2019, see its PROVENANCE.md).

Outputs (all regenerated, deterministically, by one run):
    <report-dir>/calibration-costs.md          method, tables, chosen values
    <report-dir>/img/calibration-trade-costs.png
    <report-dir>/img/calibration-migration-costs.png
    <out-yaml>                                 scenario fragment with the chosen values

numpy + matplotlib (Debian python3-numpy, python3-matplotlib); no pip.

Usage:
    /usr/bin/python3 tools/calibrate_costs.py [--shared ../shared/data]
        [--regions inputs/china31/regions.csv]
        [--out-yaml inputs/china31/cost_calibration.yaml] [--report-dir docs]
"""

import argparse
import csv
import math
import os
import sys

import numpy as np

import matplotlib

matplotlib.use("Agg")  # headless and deterministic: no display, no GUI backend
import matplotlib.pyplot as plt  # noqa: E402  (backend must be chosen first)

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DEFAULT_SHARED = os.path.normpath(os.path.join(REPO, "..", "shared", "data"))
DEFAULT_REGIONS = os.path.join(REPO, "inputs", "china31", "regions.csv")
DEFAULT_YAML = os.path.join(REPO, "inputs", "china31", "cost_calibration.yaml")
DEFAULT_REPORT = os.path.join(REPO, "docs")

TZ_DIR = "tombe-zhu-2019"
EARTH_RADIUS_KM = 6371.0  # MODEL.md §1; must match regio's great_circle_km

# Elasticities taken as given (Tombe & Zhu 2019; regio defaults).
THETA = 4.0
EPSILON = 1.5

# Grid of distance scales d0 (km) for the tables; the fine grid only draws the
# R^2 profile used to judge whether the fit is flat in d0.
D0_GRID = [25.0, 50.0, 100.0, 200.0, 400.0]
D0_DEFAULT = 100.0
# A d0 other than the default must beat it by this much R^2 (both fits) to be
# chosen: below that the profile is "flat" and the documented default is kept.
R2_MARGIN = 0.01

# Tombe & Zhu (2019, Table 5, year 2000): flow-weighted harmonic means of
# migration costs.  Quoted only for comparison.
TZ_HM_WITHIN_PROVINCE = 2.21   # ag <-> non-ag within a province
TZ_HM_BETWEEN = 24.75          # between provinces, all units
TZ_HM_BETWEEN_NONAG = 21.02    # between provinces, non-ag -> non-ag

# Current regio defaults (docs/parameters.md), drawn for comparison.
DEFAULTS = {"d0": 100.0, "phi": 0.25, "b": 1.5, "mu0": 2.0, "phi_m": 0.3, "b_m": 6.0}

# Tombe & Zhu spell Shaanxi (陕西) "Shannxi"; every other name matches regions.csv.
TZ_NAME_FIX = {"Shannxi": "Shaanxi"}

N_PROV = 30  # Tombe & Zhu's provinces (Tibet excluded); index 30 (0-based) is ROW


# ----------------------------------------------------------------------------
# Data
# ----------------------------------------------------------------------------

def load_provinces(shared):
    """Province names in Tombe & Zhu's order (the employment file's rows).

    Every TZ matrix uses this order (PROVENANCE.md), so it is read from the
    file rather than typed in, and mapped to regions.csv spelling.
    """
    path = os.path.join(shared, TZ_DIR, "employment_realGDP_2000_2005.csv")
    with open(path, newline="") as f:
        rows = list(csv.DictReader(f))
    if len(rows) != N_PROV:
        sys.exit(f"error: {path}: expected {N_PROV} provinces, found {len(rows)}")
    names = [TZ_NAME_FIX.get(r["province"], r["province"]) for r in rows]
    emp = np.array([[float(r["La2000"]), float(r["Ln2000"])] for r in rows])
    va = np.array([[float(r["La2000"]) * float(r["rYLa2000"]),
                    float(r["Ln2000"]) * float(r["rYLn2000"])] for r in rows])
    return names, emp, va


def load_geography(regions_csv, names):
    """Centroids and areas of the TZ provinces, taken from regio's region table.

    Uses the same coordinates regio uses, so the fitted distance elasticities
    apply to the distances regio computes.  Fails loudly on a missing province.
    """
    with open(regions_csv, newline="") as f:
        rows = {r["province"]: r for r in csv.DictReader(f)}
    missing = [n for n in names if n not in rows]
    if missing:
        sys.exit(f"error: {regions_csv}: no region for province(s) {missing}")
    lat = np.array([float(rows[n]["lat"]) for n in names])
    lon = np.array([float(rows[n]["lon"]) for n in names])
    area = np.array([float(rows[n]["area_km2"]) for n in names])
    return lat, lon, area


def great_circle_km(lat, lon):
    """Haversine distance matrix (km), R = 6371.0, exactly as MODEL.md §1."""
    p = np.radians(lat)
    q = np.radians(lon)
    dp = p[:, None] - p[None, :]
    dq = q[:, None] - q[None, :]
    a = np.sin(dp / 2) ** 2 + np.cos(p)[:, None] * np.cos(p)[None, :] * np.sin(dq / 2) ** 2
    return 2.0 * EARTH_RADIUS_KM * np.arcsin(np.sqrt(np.clip(a, 0.0, 1.0)))


def internal_distance_km(area):
    """Mean distance within a disc of the region's area: (2/3) sqrt(area/pi) (MODEL.md §1)."""
    return (2.0 / 3.0) * np.sqrt(area / math.pi)


def load_trade(shared):
    """The 2002 trade-share matrices, 31x31, row n = importer, column i = exporter."""
    out = {}
    for key, fname in (("agriculture", "trade_shares_agriculture_2002.csv"),
                       ("non-agriculture", "trade_shares_nonagriculture_2002.csv")):
        m = np.loadtxt(os.path.join(shared, TZ_DIR, fname), delimiter=",")
        if m.shape != (N_PROV + 1, N_PROV + 1):
            sys.exit(f"error: {fname}: expected 31x31, got {m.shape}")
        out[key] = m
    return out


def load_migration(shared):
    """The 2000 migration shares m_uv (60x60, origin-major; unit = 2*province + sector)."""
    path = os.path.join(shared, TZ_DIR, "migration_shares_2000.csv")
    col = np.loadtxt(path, delimiter=",", skiprows=1, usecols=1)
    if col.size != (2 * N_PROV) ** 2:
        sys.exit(f"error: {path}: expected 3600 shares, got {col.size}")
    return col.reshape(2 * N_PROV, 2 * N_PROV)


def migration_flows(m, emp):
    """Worker flows F_uv = L0_u m_uv by hukou unit u and work unit v (millions, 2000).

    Hukou populations L0 solve L_2000 = m^T L0 (PROVENANCE.md): the shares alone
    do not say how many people each row stands for, and the province
    aggregation needs flows, not shares.
    """
    L = emp.reshape(-1)  # (ag, non-ag) per province, in unit order
    L0 = np.linalg.solve(m.T, L)
    if np.any(L0 <= 0):
        sys.exit("error: hukou populations L0 from L = m^T L0 are not all positive")
    return L0[:, None] * m, L0


# ----------------------------------------------------------------------------
# Estimation
# ----------------------------------------------------------------------------

def ols(x, y, w=None):
    """Weighted least squares y = a + b x by numpy.linalg.lstsq.

    Returns (a, b, R^2, se_a, se_b).  R^2 is the weighted one (1 - SSR/SST
    about the weighted mean).  Standard errors are the textbook homoskedastic
    ones: pairs that share a province are correlated (dyadic data), so they
    understate the uncertainty; they are reported for scale only.
    """
    w = np.ones_like(y) if w is None else w / w.sum() * y.size
    sw = np.sqrt(w)
    X = np.column_stack([np.ones_like(x), x])
    coef, _, _, _ = np.linalg.lstsq(X * sw[:, None], y * sw, rcond=None)
    resid = y - X @ coef
    ssr = float(np.sum(w * resid ** 2))
    ybar = float(np.sum(w * y) / np.sum(w))
    sst = float(np.sum(w * (y - ybar) ** 2))
    dof = max(y.size - 2, 1)
    cov = ssr / dof * np.linalg.inv((X * w[:, None]).T @ X)
    return (float(coef[0]), float(coef[1]), 1.0 - ssr / sst,
            float(math.sqrt(cov[0, 0])), float(math.sqrt(cov[1, 1])))


def trade_head_ries(pi):
    """Head-Ries index for every province pair n < i with both flows positive.

    log tau~_ni = -(1/(2 theta)) log(pi_ni pi_in / (pi_nn pi_ii)).  All price
    and price-index terms cancel in the product.  A zero share has no log, so
    the pair is dropped (and counted).  Returns (n, i, y, dropped).
    """
    P = pi[:N_PROV, :N_PROV]
    n, i = np.triu_indices(N_PROV, 1)
    ok = (P[n, i] > 0) & (P[i, n] > 0)
    n, i = n[ok], i[ok]
    y = -np.log(P[n, i] * P[i, n] / (P[n, n] * P[i, i])) / (2.0 * THETA)
    return n, i, y, int((~ok).sum())


def trade_regressor(n, i, dist, dint, d0):
    """x = log(1+d_ni/d0) - ½log(1+d_nn/d0) - ½log(1+d_ii/d0).

    In regio tau_nn = (1+d_nn/d0)^phi (internal trade is costly too), so the
    Head-Ries ratio tau_ni tau_in / (tau_nn tau_ii) nets out the internal
    distance terms; the province border b appears twice in the numerator and
    never in the denominator, giving log tau~ = phi x + log b.
    """
    return (np.log1p(dist[n, i] / d0) - 0.5 * np.log1p(dint[n] / d0)
            - 0.5 * np.log1p(dint[i] / d0))


def fit_trade(trade, dist, dint, sector_weights, d0_list):
    """OLS of log tau~ on the trade regressor, per sector and pooled, for each d0.

    Pooled fits stack both sectors' pairs with one phi and one b (regio has one
    of each for all sectors): 'pooled (simple)' weighs every pair equally;
    'pooled (expenditure-weighted)' gives each sector a total weight equal to
    its share of national value added (the expenditure proxy available in the
    TZ files), so non-agriculture, which is most of China's spending and
    trade, dominates as it does in regio's aggregates.
    """
    hr = {s: trade_head_ries(pi) for s, pi in trade.items()}
    rows = []
    for d0 in d0_list:
        xs, ys, ws = [], [], []
        for s, (n, i, y, _) in hr.items():
            x = trade_regressor(n, i, dist, dint, d0)
            a, b, r2, sea, seb = ols(x, y)
            rows.append(dict(d0=d0, sample=s, n=y.size, phi=b, se_phi=seb,
                             logb=a, se_logb=sea, b=math.exp(a), r2=r2))
            xs.append(x)
            ys.append(y)
            ws.append(np.full(y.size, sector_weights[s] / y.size))
        x, y, w = np.concatenate(xs), np.concatenate(ys), np.concatenate(ws)
        for label, wt in (("pooled (simple)", None), ("pooled (expenditure-weighted)", w)):
            a, b, r2, sea, seb = ols(x, y, wt)
            rows.append(dict(d0=d0, sample=label, n=y.size, phi=b, se_phi=seb,
                             logb=a, se_logb=sea, b=math.exp(a), r2=r2))
    return hr, rows


def migration_head_ries(F):
    """Head-Ries index for every pair o < d of a square flow matrix.

    -(1/(2 eps)) log(m_od m_do / (m_oo m_dd)) = log(mu_0 b_m) + phi_m log(1+d/d0)
    (+ ½ log(h_o h_d), taken as 0: see the report).  Utilities and the logit
    denominators cancel.  Returns (o, d, y).
    """
    m = F / F.sum(axis=1, keepdims=True)
    o, d = np.triu_indices(m.shape[0], 1)
    ok = (m[o, d] > 0) & (m[d, o] > 0)
    o, d = o[ok], d[ok]
    y = -np.log(m[o, d] * m[d, o] / (m[o, o] * m[d, d])) / (2.0 * EPSILON)
    return o, d, y


def fit_migration(samples, dist, d0_list):
    """OLS of the migration Head-Ries cost on log(1+d/d0), per sample and d0.

    The constant is log(mu_0 b_m): at province resolution every move crosses
    a province border, so mu_0 and b_m are not separately identified.
    """
    hr = {s: migration_head_ries(F) for s, F in samples.items()}
    rows = []
    for d0 in d0_list:
        for s, (o, d, y) in hr.items():
            x = np.log1p(dist[o, d] / d0)
            a, b, r2, sea, seb = ols(x, y)
            rows.append(dict(d0=d0, sample=s, n=y.size, phi=b, se_phi=seb,
                             c=a, se_c=sea, mub=math.exp(a), r2=r2))
    return hr, rows


def pick(rows, d0, sample):
    """The single estimate for (d0, sample)."""
    return next(r for r in rows if r["d0"] == d0 and r["sample"] == sample)


def choose_d0(trade_rows, mig_rows, trade_sample, mig_sample):
    """Choose the common d0 (regio uses trade.d0_km for both cost functions).

    Keep the default 100 km unless some grid value raises the R^2 of *both*
    the recommended trade fit and the migration fit by at least R2_MARGIN:
    d0 is weakly identified (it only bends the curve at short distances, and
    the shortest inter-provincial distance is ~100 km), so a flat profile is
    no reason to move away from the documented default.
    """
    base_t = pick(trade_rows, D0_DEFAULT, trade_sample)["r2"]
    base_m = pick(mig_rows, D0_DEFAULT, mig_sample)["r2"]
    best, best_gain = D0_DEFAULT, 0.0
    for d0 in D0_GRID:
        gt = pick(trade_rows, d0, trade_sample)["r2"] - base_t
        gm = pick(mig_rows, d0, mig_sample)["r2"] - base_m
        if gt >= R2_MARGIN and gm >= R2_MARGIN and gt + gm > best_gain:
            best, best_gain = d0, gt + gm
    return best


def harmonic_mean(cost, weight):
    """Weighted harmonic mean sum(w) / sum(w/cost), Tombe & Zhu's summary of costs.

    Weights are observed flows, so cheap, heavily used corridors dominate.
    """
    return float(weight.sum() / (weight / cost).sum())


def within_province_cost(m, F):
    """Symmetric (Head-Ries) ag<->non-ag cost within each province, and its flow weights.

    sqrt(mu_an mu_na) = (m_an m_na / (m_aa m_nn))^(-1/(2 eps)) for the two
    hukou units of one province: the same symmetric object as the
    inter-provincial index, so it is the consistent counterpart of Tombe &
    Zhu's directional within-province harmonic mean (2.21).  Weights are the
    flows in both directions, as in TZ's two-directional average.
    """
    a = 2 * np.arange(N_PROV)
    n = a + 1
    cost = (m[a, n] * m[n, a] / (m[a, a] * m[n, n])) ** (-1.0 / (2.0 * EPSILON))
    weight = F[a, n] + F[n, a]
    return cost, weight


def split_mu0(c, phi_m, d0, dint, within_flow, target):
    """Split the identified constant exp(c) = mu_0 b_m into mu_0 and b_m.

    mu_0 is anchored so that the within-province, inter-region cost at each
    province's typical internal distance d_ii, mu_0 (1+d_ii/d0)^phi_m, has a
    flow-weighted harmonic mean equal to `target` (a within-province cost
    measured in the data), weights being the within-province ag<->non-ag
    flows.  Clipped at 1 (regio requires mu_0 >= 1).
    """
    g = (1.0 + dint / d0) ** phi_m
    mu0 = max(1.0, target * float((within_flow / g).sum() / within_flow.sum()))
    return mu0, math.exp(c) / mu0
