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
import matplotlib.ticker  # noqa: E402

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


# ----------------------------------------------------------------------------
# Moment checks: do the fitted costs reproduce aggregate openness?
# ----------------------------------------------------------------------------

def _scale_to_match(kernel, weights, target, what):
    """Find column scales s so that weights @ rownorm(kernel * s) = target.

    This is what regio's calibration (MODEL.md §6) does with productivities
    (trade) and amenities (migration): origin/destination terms are inverted
    so that sizes match the data exactly, and only the bilateral costs are
    left to decide how much crosses provincial borders.
    """
    s = np.ones(kernel.shape[1])
    for _ in range(200000):
        M = kernel * s[None, :]
        M /= M.sum(axis=1, keepdims=True)
        fit = weights @ M
        err = np.abs(fit / target - 1.0).max()
        if err < 1e-12:
            return M
        s *= np.sqrt(target / fit)  # damped: the plain update can oscillate
    sys.exit(f"error: {what}: size-matching did not converge (max rel. error {err:.2e})")


def migration_share_check(mu, Fp):
    """Inter-provincial migrant share implied by costs mu when populations match.

    With utilities chosen so that every province's 2000 workforce L_d and
    hukou population R_o are those of the data, the logit m_od ~ (U_d/mu_od)^eps
    leaves the share of workers outside their hukou province to the costs.
    The data value is 4.1%.  Returns the model share.
    """
    off = ~np.eye(mu.shape[0], dtype=bool)
    kernel = np.where(off, mu, 1.0) ** (-EPSILON)
    R, L = Fp.sum(axis=1), Fp.sum(axis=0)
    M = _scale_to_match(kernel, R, L, "migration check")
    Fh = R[:, None] * M
    return float(Fh[off].sum() / Fh.sum())


def trade_share_check(pi, X, tau):
    """Inter-provincial trade share implied by costs tau when revenues match.

    Domestic shares (ROW column dropped, rows renormalised), expenditure X_n
    proxied by sector value added; exporter terms p_i^-theta are inverted so
    each province's revenue sum_n pi_ni X_n equals the data's.  Returns
    (data share, model share, RMS log error of own shares pi_nn).
    """
    P = pi[:N_PROV, :N_PROV]
    P = P / P.sum(axis=1, keepdims=True)
    M = _scale_to_match(tau ** (-THETA), X, X @ P, "trade check")
    data = float((X * (1 - np.diag(P))).sum() / X.sum())
    model = float((X * (1 - np.diag(M))).sum() / X.sum())
    rms = float(np.sqrt(np.mean(np.log(np.diag(M) / np.diag(P)) ** 2)))
    return data, model, rms


def trade_cost_matrix(dist, dint, d0, phi, b):
    """regio's tau at province resolution: internal distance on the diagonal, border off it."""
    d = dist.copy()
    np.fill_diagonal(d, dint)
    off = ~np.eye(d.shape[0], dtype=bool)
    return (1.0 + d / d0) ** phi * np.where(off, b, 1.0)


# ----------------------------------------------------------------------------
# Figures
# ----------------------------------------------------------------------------

def plain_log_ticks(axis, ticks):
    """Label a log axis with plain numbers at the given ticks (10^1 alone is unreadable)."""
    axis.set_major_locator(matplotlib.ticker.FixedLocator(ticks))
    axis.set_major_formatter(matplotlib.ticker.FuncFormatter(lambda v, _: f"{v:g}"))
    axis.set_minor_formatter(matplotlib.ticker.NullFormatter())


COLOURS = {"agriculture": "#d95f02", "non-agriculture": "#1b9e77",
           "pooled": "#4b4b9b", "defaults": "0.45", "weighted": "#7570b3"}


def plot_trade(path, hr, dist, dint, est, d0, chosen):
    """Data vs fitted trade-cost index against distance (two panels).

    Left: against the exact regressor, where each fit is a straight line.
    Right: against bilateral distance, the unit people think in; curves are
    drawn for a pair of provinces of median internal distance.
    """
    fig, axes = plt.subplots(1, 2, figsize=(13.5, 5.6), constrained_layout=True)
    dropped = {s: v[3] for s, v in hr.items()}
    dmed = float(np.median(dint))
    dd = np.geomspace(100, 4000, 200)
    xx_d = np.log1p(dd / d0) - np.log1p(dmed / d0)
    for s in ("agriculture", "non-agriculture"):
        n, i, y, _ = hr[s]
        x = trade_regressor(n, i, dist, dint, d0)
        axes[0].scatter(x, np.exp(y), s=12, alpha=0.45, color=COLOURS[s],
                        label=f"data, {s} ({y.size} pairs"
                              + (f"; {dropped[s]} with a zero share dropped)" if dropped[s] else ")"))
        axes[1].scatter(dist[n, i], np.exp(y), s=12, alpha=0.45, color=COLOURS[s])
    xr = np.linspace(min(0.0, axes[0].get_xlim()[0]), axes[0].get_xlim()[1], 50)
    for s in ("agriculture", "non-agriculture"):
        e = est[s]
        axes[0].plot(xr, e["b"] * np.exp(e["phi"] * xr), color=COLOURS[s], lw=2,
                     label=f"fit, {s}: φ={e['phi']:.3f}, b={e['b']:.2f}, R²={e['r2']:.3f}")
        axes[1].plot(dd, e["b"] * np.exp(e["phi"] * xx_d), color=COLOURS[s], lw=2)
    axes[0].plot(xr, chosen["b"] * np.exp(chosen["phi"] * xr), color=COLOURS["pooled"], lw=3,
                 label=f"chosen, pooled (expenditure-weighted): φ={chosen['phi']:.3f}, "
                       f"b={chosen['b']:.2f}, R²={chosen['r2']:.3f}")
    axes[1].plot(dd, chosen["b"] * np.exp(chosen["phi"] * xx_d), color=COLOURS["pooled"], lw=3)
    dfl = DEFAULTS
    axes[0].plot(xr, dfl["b"] * np.exp(dfl["phi"] * xr), color=COLOURS["defaults"], lw=2, ls="--",
                 label=f"previous regio defaults: φ={dfl['phi']}, b={dfl['b']}")
    axes[1].plot(dd, dfl["b"] * np.exp(dfl["phi"] * xx_d), color=COLOURS["defaults"], lw=2, ls="--")
    for ax in axes:
        ax.set_yscale("log")
        plain_log_ticks(ax.yaxis, [1.5, 2, 3, 4, 5, 7, 10, 15])
        ax.set_ylabel("Head–Ries trade-cost index τ̃_ni (log scale)")
        ax.grid(True, which="both", alpha=0.3)
    axes[0].set_xlabel(f"log(1+d_ni/d0) − ½log(1+d_nn/d0) − ½log(1+d_ii/d0),  d0 = {d0:g} km")
    axes[0].set_title("Fit on the model's regressor (straight lines)")
    axes[1].set_xscale("log")
    plain_log_ticks(axes[1].xaxis, [100, 200, 500, 1000, 2000, 4000])
    axes[1].set_xlabel("great-circle distance between province centroids d_ni (km, log scale)")
    axes[1].set_title(f"Against distance (curves for d_nn = d_ii = {dmed:.0f} km, the median)")
    axes[0].legend(loc="upper left", fontsize=8.5, framealpha=0.9)
    fig.suptitle("Inter-provincial trade costs, China 2002 (Tombe & Zhu data, θ = 4)", fontsize=13)
    fig.savefig(path, dpi=110, metadata={"Software": None})
    plt.close(fig)


def plot_migration(path, hr, Fp, dist, names, d0, ols_fit, wls_fit):
    """Data vs fitted symmetric migration-cost index against distance.

    Marker area grows with the pair's two-way flow so that the corridors that
    carry the migrants (and dominate harmonic means) stand out.
    """
    o, d, y = hr
    flow = Fp[o, d] + Fp[d, o]
    fig, ax = plt.subplots(figsize=(11, 6.4), constrained_layout=True)
    ax.scatter(dist[o, d], np.exp(y), s=8 + 220 * np.sqrt(flow / flow.max()), alpha=0.45,
               color=COLOURS["non-agriculture"], edgecolor="none",
               label=f"data, province pairs ({y.size}); marker area ∝ √(two-way flow)")
    dd = np.geomspace(100, 4000, 200)
    g = np.log1p(dd / d0)
    ax.plot(dd, math.exp(ols_fit["c"]) * np.exp(ols_fit["phi"] * g), color=COLOURS["pooled"], lw=3,
            label=f"chosen OLS fit: μ0·b_m = {ols_fit['mub']:.1f}, φ_m = {ols_fit['phi']:.3f}, "
                  f"R² = {ols_fit['r2']:.3f}")
    ax.plot(dd, math.exp(wls_fit["c"]) * np.exp(wls_fit["phi"] * g), color=COLOURS["weighted"],
            lw=2, ls="-.", label=f"flow-weighted fit (sensitivity): μ0·b_m = {wls_fit['mub']:.1f}, "
                                 f"φ_m = {wls_fit['phi']:.3f}")
    dfl = DEFAULTS
    ax.plot(dd, dfl["mu0"] * dfl["b_m"] * (1 + dd / dfl["d0"]) ** dfl["phi_m"],
            color=COLOURS["defaults"], lw=2, ls="--",
            label=f"previous regio defaults: μ0·b_m = {dfl['mu0'] * dfl['b_m']:g}, φ_m = {dfl['phi_m']}")
    for k in np.argsort(-flow)[:5]:
        big, small = (o[k], d[k]) if Fp[o[k], d[k]] >= Fp[d[k], o[k]] else (d[k], o[k])
        ax.annotate(f"{names[big]}→{names[small]}", (dist[o[k], d[k]], math.exp(y[k])),
                    xytext=(6, -12), textcoords="offset points", fontsize=8.5)
    ax.set_xscale("log")
    ax.set_yscale("log")
    plain_log_ticks(ax.xaxis, [100, 200, 500, 1000, 2000, 4000])
    plain_log_ticks(ax.yaxis, [10, 20, 50, 100, 200, 500, 1000])
    ax.set_xlabel("great-circle distance between province centroids d_od (km, log scale)")
    ax.set_ylabel("symmetric migration cost √(μ_od μ_do) = HR^(−1/(2ε))  (log scale)")
    ax.set_title("Inter-provincial migration costs, China 2000 (Tombe & Zhu data, all workers, ε = 1.5)")
    ax.grid(True, which="both", alpha=0.3)
    ax.legend(loc="lower right", fontsize=9, framealpha=0.9)
    fig.savefig(path, dpi=110, metadata={"Software": None})
    plt.close(fig)


# ----------------------------------------------------------------------------
# Outputs
# ----------------------------------------------------------------------------

def sig3(v):
    """Three significant digits: more than the data support would be false precision."""
    return float(f"{v:.3g}")


def write_yaml(path, d0, trade, mig):
    """The scenario fragment; keys are regio's exact scenario keys (docs/parameters.md)."""
    text = f"""# Trade and migration costs calibrated to Tombe & Zhu (2019) data by tools/calibrate_costs.py
# (2002 trade shares, 2000 migration shares; theta = 4, epsilon = 1.5; see docs/calibration-costs.md).
# Regenerate with: /usr/bin/python3 tools/calibrate_costs.py
trade:
  d0_km: {d0:g}                      # also the distance scale of migration costs in regio
  distance_elasticity: {trade['phi']:g}
  border_cost: {trade['b']:g}
migration:
  moving_cost: {mig['mu0']:g}
  distance_elasticity: {mig['phi']:g}
  border_cost: {mig['b_m']:g}
"""
    with open(path, "w") as f:
        f.write(text)


def trade_table(rows, d0_list):
    """Markdown table of the trade fits, one row per (d0, sample)."""
    out = ["| d0 (km) | sample | pairs | φ (s.e.) | b (log b s.e.) | θφ | R² |",
           "|---:|---|---:|---|---|---:|---:|"]
    for d0 in d0_list:
        for r in (x for x in rows if x["d0"] == d0):
            out.append(f"| {d0:g} | {r['sample']} | {r['n']} | {r['phi']:.3f} ({r['se_phi']:.3f}) | "
                       f"{r['b']:.2f} ({r['se_logb']:.3f}) | {THETA * r['phi']:.2f} | {r['r2']:.3f} |")
    return "\n".join(out)


def migration_table(rows, d0_list):
    """Markdown table of the migration fits, one row per (d0, sample)."""
    out = ["| d0 (km) | sample | pairs | φ_m (s.e.) | μ0·b_m (log s.e.) | μ̂ at 1,000 km | R² |",
           "|---:|---|---:|---|---|---:|---:|"]
    for d0 in d0_list:
        for r in (x for x in rows if x["d0"] == d0):
            out.append(f"| {d0:g} | {r['sample']} | {r['n']} | {r['phi']:.3f} ({r['se_phi']:.3f}) | "
                       f"{r['mub']:.1f} ({r['se_c']:.3f}) | "
                       f"{r['mub'] * (1 + 1000 / d0) ** r['phi']:.0f} | {r['r2']:.3f} |")
    return "\n".join(out)


def main(argv=None):
    """Run every fit, write the YAML fragment, the report and the two figures."""
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--shared", default=DEFAULT_SHARED,
                    help="shared data folder holding tombe-zhu-2019/ (default: %(default)s)")
    ap.add_argument("--regions", default=DEFAULT_REGIONS,
                    help="regio region table with province centroids and areas (default: %(default)s)")
    ap.add_argument("--out-yaml", default=DEFAULT_YAML, help="scenario fragment to write (default: %(default)s)")
    ap.add_argument("--report-dir", default=DEFAULT_REPORT,
                    help="folder for calibration-costs.md; figures go to its img/ (default: %(default)s)")
    args = ap.parse_args(argv)

    # 1. Data and distances.
    names, emp, va = load_provinces(args.shared)
    lat, lon, area = load_geography(args.regions, names)
    dist = great_circle_km(lat, lon)
    dint = internal_distance_km(area)
    off = ~np.eye(N_PROV, dtype=bool)
    trade = load_trade(args.shared)
    va_share = va.sum(axis=0) / va.sum()
    sector_w = {"agriculture": float(va_share[0]), "non-agriculture": float(va_share[1])}
    m = load_migration(args.shared)
    F, L0 = migration_flows(m, emp)
    F4 = F.reshape(N_PROV, 2, N_PROV, 2)
    Fp = F4.sum(axis=(1, 3))            # all workers, hukou province -> work province
    Fn = F4[:, 1, :, 1]                 # non-ag hukou working in non-ag

    # 2. Fits over the d0 grid and the choice of d0.
    hr_t, trows = fit_trade(trade, dist, dint, sector_w, D0_GRID)
    msamples = {"all workers": Fp, "non-ag → non-ag": Fn}
    hr_m, mrows = fit_migration(msamples, dist, D0_GRID)
    TS, MS = "pooled (expenditure-weighted)", "all workers"
    d0 = choose_d0(trows, mrows, TS, MS)
    t_est = {s: pick(trows, d0, s) for s in ("agriculture", "non-agriculture", "pooled (simple)", TS)}
    m_ols = pick(mrows, d0, MS)
    o, d, y = hr_m[MS]
    a, b, r2w, sea, seb = ols(np.log1p(dist[o, d] / d0), y, Fp[o, d] + Fp[d, o])
    m_wls = dict(c=a, phi=b, r2=r2w, mub=math.exp(a), se_c=sea, se_phi=seb)
    dropped = {s: hr_t[s][3] for s in trade}

    # 3. Split mu_0 and b_m (not identified at province level; anchored).
    wcost, wflow = within_province_cost(m, F)
    within_sym = harmonic_mean(wcost, wflow)
    mu0, bm = split_mu0(m_ols["c"], m_ols["phi"], d0, dint, wflow, within_sym)
    alt_b = split_mu0(m_ols["c"], m_ols["phi"], d0, dint, wflow, TZ_HM_WITHIN_PROVINCE)
    alt_a = (TZ_HM_WITHIN_PROVINCE, m_ols["mub"] / TZ_HM_WITHIN_PROVINCE)

    chosen_t = {"phi": sig3(t_est[TS]["phi"]), "b": sig3(t_est[TS]["b"])}
    chosen_m = {"mu0": sig3(mu0), "phi": sig3(m_ols["phi"]), "b_m": sig3(bm)}

    # 4. Harmonic means and aggregate-openness checks.
    def mu_matrix(mu0b, phi_m, scale):
        return mu0b * (1.0 + dist / scale) ** phi_m
    mm = Fp / Fp.sum(axis=1, keepdims=True)
    sym_data = (mm * mm.T / np.outer(np.diag(mm), np.diag(mm))) ** (-1.0 / (2.0 * EPSILON))
    mu_chosen = mu_matrix(chosen_m["mu0"] * chosen_m["b_m"], chosen_m["phi"], d0)
    mu_wls = mu_matrix(m_wls["mub"], m_wls["phi"], d0)
    mu_def = mu_matrix(DEFAULTS["mu0"] * DEFAULTS["b_m"], DEFAULTS["phi_m"], DEFAULTS["d0"])
    usym = (m * m.T / np.outer(np.diag(m), np.diag(m))) ** (-1.0 / (2.0 * EPSILON))
    prov = np.repeat(np.arange(N_PROV), 2)
    sec = np.tile([0, 1], N_PROV)
    ubtw = prov[:, None] != prov[None, :]
    unon = ubtw & (sec[:, None] == 1) & (sec[None, :] == 1)
    hm = {
        "data_prov": harmonic_mean(sym_data[off], Fp[off]),
        "data_unit": harmonic_mean(usym[ubtw], F[ubtw]),
        "data_unit_na": harmonic_mean(usym[unon], F[unon]),
        "chosen": harmonic_mean(mu_chosen[off], Fp[off]),
        "wls": harmonic_mean(mu_wls[off], Fp[off]),
        "defaults": harmonic_mean(mu_def[off], Fp[off]),
        "chosen_na": harmonic_mean(mu_matrix(pick(mrows, d0, "non-ag → non-ag")["mub"],
                                             pick(mrows, d0, "non-ag → non-ag")["phi"], d0)[off], Fn[off]),
    }
    share = {
        "data": float(Fp[off].sum() / Fp.sum()),
        "pairwise": migration_share_check(sym_data, Fp),
        "chosen": migration_share_check(mu_chosen, Fp),
        "wls": migration_share_check(mu_wls, Fp),
        "defaults": migration_share_check(mu_def, Fp),
    }
    tcheck = {}
    for k, s in enumerate(("agriculture", "non-agriculture")):
        X = va[:, k]
        own = t_est[s]
        tcheck[s] = {
            "chosen": trade_share_check(trade[s], X, trade_cost_matrix(dist, dint, d0, chosen_t["phi"], chosen_t["b"])),
            "own": trade_share_check(trade[s], X, trade_cost_matrix(dist, dint, d0, own["phi"], own["b"])),
            "defaults": trade_share_check(trade[s], X, trade_cost_matrix(
                dist, dint, DEFAULTS["d0"], DEFAULTS["phi"], DEFAULTS["b"])),
        }

    # 5. Diagnostic: let internal distance enter freely (the model ties it to -phi).
    diag = {}
    for s in trade:
        n, i, yt, _ = hr_t[s]
        x1 = np.log1p(dist[n, i] / d0)
        x2 = 0.5 * (np.log1p(dint[n] / d0) + np.log1p(dint[i] / d0))
        X = np.column_stack([np.ones_like(x1), x1, x2])
        coef = np.linalg.lstsq(X, yt, rcond=None)[0]
        r = yt - X @ coef
        P = trade[s][:N_PROV, :N_PROV]
        diag[s] = dict(c1=float(coef[1]), c2=float(coef[2]), r2=float(1 - r.var() / yt.var()),
                       r2_dist=ols(x1, yt)[2], phi_dist=ols(x1, yt)[1],
                       corr_area=float(np.corrcoef(np.log(np.diag(P)), np.log(area))[0, 1]))

    # 6. Figures, YAML, report.
    img = os.path.join(args.report_dir, "img")
    os.makedirs(img, exist_ok=True)
    os.makedirs(os.path.dirname(os.path.abspath(args.out_yaml)), exist_ok=True)
    f_trade = os.path.join(img, "calibration-trade-costs.png")
    f_mig = os.path.join(img, "calibration-migration-costs.png")
    plot_trade(f_trade, hr_t, dist, dint, t_est, d0, t_est[TS])
    plot_migration(f_mig, hr_m[MS], Fp, dist, names, d0, m_ols, m_wls)
    write_yaml(args.out_yaml, d0, chosen_t, chosen_m)
    ctx = dict(names=names, dist=dist, dint=dint, d0=d0, trows=trows, mrows=mrows, t_est=t_est,
               m_ols=m_ols, m_wls=m_wls, dropped=dropped, sector_w=sector_w, within_sym=within_sym,
               wcost=wcost, mu0=mu0, bm=bm, alt_a=alt_a, alt_b=alt_b, chosen_t=chosen_t,
               chosen_m=chosen_m, hm=hm, share=share, tcheck=tcheck, diag=diag, L0=L0, Fp=Fp,
               area=area, yaml=args.out_yaml, report_dir=args.report_dir,
               figs=(os.path.relpath(f_trade, args.report_dir), os.path.relpath(f_mig, args.report_dir)))
    with open(os.path.join(args.report_dir, "calibration-costs.md"), "w") as f:
        f.write(render_report(ctx))
    print(f"d0 = {d0:g} km; trade phi = {chosen_t['phi']:g}, b = {chosen_t['b']:g} "
          f"(R2 {t_est[TS]['r2']:.3f}); migration mu0 = {chosen_m['mu0']:g}, phi_m = {chosen_m['phi']:g}, "
          f"b_m = {chosen_m['b_m']:g} (R2 {m_ols['r2']:.3f})")
    print(f"wrote {args.out_yaml}, {os.path.join(args.report_dir, 'calibration-costs.md')}, {f_trade}, {f_mig}")
    return 0


def render_report(c):
    """Stub."""
    import pprint
    return pprint.pformat({k: v for k, v in c.items() if k not in ("dist", "trows", "mrows", "Fp", "names", "dint", "area", "L0")})


if __name__ == "__main__":
    sys.exit(main())
