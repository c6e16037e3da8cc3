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


def share_matched_border(trade, va, dist, dint, d0, phi, sector_w):
    """Border cost b that, with phi fixed, reproduces the aggregate inter-provincial trade share.

    Log-OLS on Head-Ries indices fits log costs; flows are convex in costs,
    so an unbiased fit in logs need not match the level of trade.  This
    moment-matching b (bisection on log b; the share falls monotonically in
    b) shows how large that gap is.  Returns (b, data share).
    """
    def gap(logb):
        tot_d = tot_m = 0.0
        for k, s in enumerate(("agriculture", "non-agriculture")):
            dd, mm, _ = trade_share_check(trade[s], va[:, k],
                                          trade_cost_matrix(dist, dint, d0, phi, math.exp(logb)))
            tot_d += sector_w[s] * dd
            tot_m += sector_w[s] * mm
        return tot_m - tot_d, tot_d
    lo, hi = 0.0, math.log(50.0)
    for _ in range(60):
        mid = 0.5 * (lo + hi)
        if gap(mid)[0] > 0:
            lo = mid
        else:
            hi = mid
    return math.exp(0.5 * (lo + hi)), gap(lo)[1]


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
        ax.set_ylim(1.4, 60)  # headroom so the legend covers no data
        plain_log_ticks(ax.yaxis, [1.5, 2, 3, 4, 5, 7, 10, 15, 20, 30, 50])
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
  d0_km: {d0:g}    # also the distance scale of migration costs in regio
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

    b_match, tshare_data = share_matched_border(trade, va, dist, dint, d0, chosen_t["phi"], sector_w)
    tshare_chosen = sum(sector_w[s] * tcheck[s]["chosen"][1] for s in sector_w)
    tshare_def = sum(sector_w[s] * tcheck[s]["defaults"][1] for s in sector_w)

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
               area=area, yaml=args.out_yaml, b_match=b_match,
               tshare=(tshare_data, tshare_chosen, tshare_def), report_dir=args.report_dir,
               figs=(os.path.relpath(f_trade, args.report_dir), os.path.relpath(f_mig, args.report_dir)))
    with open(os.path.join(args.report_dir, "calibration-costs.md"), "w") as f:
        f.write(render_report(ctx))
    print(f"d0 = {d0:g} km; trade phi = {chosen_t['phi']:g}, b = {chosen_t['b']:g} "
          f"(R2 {t_est[TS]['r2']:.3f}); migration mu0 = {chosen_m['mu0']:g}, phi_m = {chosen_m['phi']:g}, "
          f"b_m = {chosen_m['b_m']:g} (R2 {m_ols['r2']:.3f})")
    print(f"wrote {args.out_yaml}, {os.path.join(args.report_dir, 'calibration-costs.md')}, {f_trade}, {f_mig}")
    return 0


def render_report(c):
    """The Markdown fit report.  All numbers come from this run, so the prose
    states only what holds for any re-run on the same files."""
    d0 = c["d0"]
    te, ct, cm = c["t_est"], c["chosen_t"], c["chosen_m"]
    mo, mw, hm, sh = c["m_ols"], c["m_wls"], c["hm"], c["share"]
    tc, dg = c["tcheck"], c["diag"]
    TS = "pooled (expenditure-weighted)"
    dist, dint = c["dist"], c["dint"]
    off = ~np.eye(N_PROV, dtype=bool)
    ag, na = te["agriculture"], te["non-agriculture"]
    r2t = {d: pick(c["trows"], d, TS)["r2"] for d in D0_GRID}
    r2m = {d: pick(c["mrows"], d, "all workers")["r2"] for d in D0_GRID}
    grid = ", ".join(f"{d:g}" for d in D0_GRID)
    mna = pick(c["mrows"], d0, "non-ag → non-ag")
    mu_at = lambda km: cm["mu0"] * cm["b_m"] * (1 + km / d0) ** cm["phi"]  # noqa: E731
    tau_at = lambda km: ct["b"] * (1 + km / d0) ** ct["phi"]  # noqa: E731
    fig_t, fig_m = c["figs"]
    tsd, tsc, tsdef = c["tshare"]
    a_mu0, a_bm = c["alt_a"]
    b_mu0, b_bm = c["alt_b"]
    L0 = c["L0"]
    return f"""# Trade and migration costs calibrated to Tombe & Zhu (2019)

*Generated by `tools/calibrate_costs.py`; do not edit by hand. Regenerate with
`/usr/bin/python3 tools/calibrate_costs.py` (deterministic: same inputs, same
bytes). The chosen values are in `inputs/china31/cost_calibration.yaml`.*

This page fits the trade- and migration-cost functions of MODEL.md §1 to the
province-level data of Tombe & Zhu (2019, AER; "TZ"). The trade data are for
2002 and the migration data for 2000. The elasticities are taken as given:
θ = {THETA:g} and ε = {EPSILON:g}.

## Result

| scenario key | symbol | previous default | calibrated | identified by |
|---|---|---:|---:|---|
| `trade.d0_km` | d0 | {DEFAULTS['d0']:g} | **{d0:g}** | kept: the fit is flat in d0 (below) |
| `trade.distance_elasticity` | φ | {DEFAULTS['phi']:g} | **{ct['phi']:g}** | trade Head–Ries slope, R² = {te[TS]['r2']:.3f} |
| `trade.border_cost` | b | {DEFAULTS['b']:g} | **{ct['b']:g}** | trade Head–Ries intercept |
| `migration.moving_cost` | μ0 | {DEFAULTS['mu0']:g} | **{cm['mu0']:g}** | assumed: anchored to the within-province cost |
| `migration.distance_elasticity` | φ_m | {DEFAULTS['phi_m']:g} | **{cm['phi']:g}** | migration Head–Ries slope, R² = {mo['r2']:.3f} |
| `migration.border_cost` | b_m | {DEFAULTS['b_m']:g} | **{cm['b_m']:g}** | intercept μ0·b_m = {mo['mub']:.1f}, divided by μ0 |

- **Trade:** province borders matter a lot and distance hardly at all. Pooled over
  both sectors, b = {ct['b']:g}, so crossing a provincial border costs the equivalent of
  a {100 * (ct['b'] - 1):.0f}% tariff. The slope is φ = {ct['phi']:g}, so θφ = {THETA * ct['phi']:.2f}.
  Gravity studies usually find a distance elasticity of trade near 1. Distance
  explains only {100 * te[TS]['r2']:.1f}% of the variation in the pairwise index. Fitted separately, the
  sectors give φ = {ag['phi']:.3f}, b = {ag['b']:.2f} for agriculture and φ = {na['phi']:.3f},
  b = {na['b']:.2f} for non-agriculture. regio has a single φ and a single b, so the pooled,
  expenditure-weighted values are the ones recommended.
- **Migration:** costs rise steeply with distance (φ_m = {cm['phi']:g}, R² = {mo['r2']:.3f}).
  The data identify only the product μ0·b_m = {mo['mub']:.1f}, because every move between
  provinces also crosses a provincial border. The fitted inter-provincial cost is
  μ = {mu_at(300):.0f} at 300 km and {mu_at(1000):.0f} at 1,000 km.
- **Checks against aggregate openness** (§3): the inter-provincial migrant share is
  {100 * sh['data']:.1f}% in the data. With the chosen costs the model gives {100 * sh['chosen']:.1f}%, and with the
  previous defaults {100 * sh['defaults']:.1f}%. The inter-provincial share of spending is {100 * tsd:.1f}% in the data,
  {100 * tsc:.1f}% with the chosen costs and {100 * tsdef:.1f}% with the previous defaults.
- **TZ's "≈ 25" is not a target for regio.** TZ's figure is a flow-weighted harmonic mean
  of *directional* costs. The Head–Ries index measures *symmetric* costs, and regio's μ is
  symmetric when h = 1. On the same flows, the data's symmetric costs have a harmonic
  mean of {hm['data_prov']:.0f}, and the fitted costs have one of {hm['chosen']:.0f} (§2.4). The previous
  defaults reproduced about 25 ({hm['defaults']:.1f}), but they give {sh['defaults'] / sh['data']:.1f} times the observed
  number of inter-provincial migrants.

## Data

- Source folder: `tombe-zhu-2019/` in the shared data directory; read its `PROVENANCE.md`.
  It holds the trade shares π_ni for 2002 (31×31: row n is the importer, column i the
  exporter, index 31 is the rest of the world). It also holds the migration shares
  m_uv for 2000 (60×60, with hukou province×sector u and work province×sector v) and
  employment by province and sector in 2000.
- Provinces: the 30 of TZ, in TZ's order. TZ's "Shannxi" is Shaanxi. Tibet is not in
  the TZ data. The calibrated values apply to regio's Tibet as well, which is an
  extrapolation.
- Distances: the centroids and areas come from `inputs/china31/regions.csv`. These are
  the points regio itself uses; for Hebei, Gansu and Hainan they are the provincial
  capitals (see `inputs/china31/PROVENANCE.md`). Distances are great-circle, by the
  haversine formula with R = 6371.0 km. The internal distance is d_ii = (2/3)·√(area_i/π),
  which ranges from {dint.min():.0f} to {dint.max():.0f} km (median {np.median(dint):.0f}). Distances between provinces
  run from {dist[off].min():.0f} to {dist[off].max():.0f} km. The costs at distances below about
  {dist[off].min():.0f} km, which matter for prefecture- or county-level runs, are therefore
  *extrapolated*.
- Standard errors in the tables assume homoskedastic, independent pairs. Pairs that
  share a province are correlated (dyadic data), so the true uncertainty is larger.
  Use the errors as a sense of scale only.

## 1. Trade

### 1.1 Method

In MODEL.md §2, π_ni = (τ_ni p_i)^(−θ)/Φ_n. In the product π_ni π_in / (π_nn π_ii),
every price p and every price index Φ cancels. This gives the Head–Ries index

    τ̃_ni = (π_ni π_in / (π_nn π_ii))^(−1/(2θ)),    τ̃_ni² = τ_ni τ_in / (τ_nn τ_ii).

In regio, τ_ni = (1 + d_ni/d0)^φ · b for two different provinces, and
τ_nn = (1 + d_nn/d0)^φ: internal trade costs something too. Therefore

    log τ̃_ni = log b + φ · [log(1+d_ni/d0) − ½ log(1+d_nn/d0) − ½ log(1+d_ii/d0)].

For each d0 in {{{grid}}} km, this is fitted by OLS (`numpy.linalg.lstsq`) in three ways:

- for each sector separately;
- **pooled (simple)**: both sectors' pairs stacked, with equal weights;
- **pooled (expenditure-weighted)**: the same stack, but the pairs of each sector share
  a total weight equal to that sector's share of national value added in 2000
  (agriculture {c['sector_w']['agriculture']:.3f}, non-agriculture {c['sector_w']['non-agriculture']:.3f}, from TZ's employment and output per
  worker). Value added stands in for expenditure, which the TZ files do not hold.

The sample is all 435 pairs among the 30 provinces, each taken once (the index is
symmetric); pairs with the rest of the world are left out. In agriculture, {c['dropped']['agriculture']} pairs
have a zero share in one direction, and they are dropped because a zero has no log.
No pair has zeros in both directions. Most of the zeros are in the Shanxi column (see
PROVENANCE). That leaves {ag['n']} agricultural pairs. Non-agriculture has no zeros,
so all {na['n']} pairs are used.

### 1.2 Estimates

{trade_table(c['trows'], D0_GRID)}

The figure below shows the fit. Left: the data against the model's regressor, where
every fit is a straight line. Right: the same data against distance, with the fitted
curves drawn for two provinces of median internal distance.

![Trade cost index: data and fits]({fig_t})

### 1.3 Choice of d0 and of the pooled values

R² barely moves with d0. For the expenditure-weighted pool it is
{', '.join(f'{r2t[d]:.3f}' for d in D0_GRID)} at d0 = {grid} km. For migration it is
{', '.join(f'{r2m[d]:.3f}' for d in D0_GRID)}. As d0 grows, trade gains a little and
migration loses a little. regio uses one d0 for both, so the tool keeps the documented
100 km unless some other d0 raises *both* R² by at least {R2_MARGIN}. None does. What d0
changes is φ (0.05–0.11 for trade), because it sets how far the curve bends. Neither b
nor the predicted cost over the observed distances changes much.

The recommended values are the expenditure-weighted pooled ones, φ = {ct['phi']:g} and
b = {ct['b']:g}. regio applies a single φ and b to every sector, and in TZ's data
non-agriculture is about four-fifths of output. It carries most of the inter-provincial
trade too, so its costs should set the common values. The simple pool gives
φ = {te['pooled (simple)']['phi']:.3f}, b = {te['pooled (simple)']['b']:.2f}. It is pulled towards agriculture's higher border cost.
A scenario with an agricultural sector may prefer the agricultural values
(φ = {ag['phi']:.3f}, b = {ag['b']:.2f}), but regio cannot yet set them per sector.

### 1.4 What the data say, and what is surprising

- **Distance hardly matters; the border does.** The index rises by only about
  {100 * (tau_at(2000) / tau_at(500) - 1):.0f}% between 500 and 2,000 km. At any given distance, pairs scatter by a
  factor of about 2 (non-agriculture) to 3 (agriculture), measured as ±2 residual standard
  deviations. Most of the cost of trading between provinces is a level common to all
  pairs, log b. This matches the picture of a fragmented internal market around 2000
  (local protection between provinces). But since every pair crosses a border, b is
  just the intercept: it is "what the distance function leaves unexplained at zero
  distance", and it absorbs anything common to all inter-provincial pairs.
- **Internal distance has the "wrong" sign in the data.** If the internal-distance
  term may take its own coefficient (at d0 = {d0:g}), it gets +{dg['non-agriculture']['c2']:.2f}
  (non-agriculture) and +{dg['agriculture']['c2']:.2f} (agriculture). The model ties that
  coefficient to −φ. The R² of this unrestricted fit is {dg['non-agriculture']['r2']:.3f} and {dg['agriculture']['r2']:.3f}. Large provinces have
  *higher* own shares: the correlation of log π_nn with log area is {dg['non-agriculture']['corr_area']:.2f}
  (non-agriculture) and {dg['agriculture']['corr_area']:.2f} (agriculture). The model predicts the opposite,
  because a large province's internal trade is costly. The likely reason is that
  (2/3)·√(area/π) overstates how far goods travel inside large, sparsely populated
  provinces whose activity is concentrated, such as Xinjiang, Inner Mongolia and
  Qinghai. Head & Mayer (2010) document this mismeasurement of internal distance. In the
  restricted fit this misfit pulls φ down. On bilateral distance alone (no internal
  terms), φ = {dg['non-agriculture']['phi_dist']:.3f} with R² = {dg['non-agriculture']['r2_dist']:.3f} for non-agriculture, and
  φ = {dg['agriculture']['phi_dist']:.3f} with R² = {dg['agriculture']['r2_dist']:.3f} for agriculture. The restricted values are the ones
  consistent with how regio builds τ, which includes the d_ii term, so they are the ones
  recommended.
- **Agriculture is noisy.** R² is at most 0.011 at every d0. Its index is higher, with b near
  {ag['b']:.1f}, and its zeros are concentrated in one province.

## 2. Migration

### 2.1 Province flows

In the TZ file, m_uv is the share of workers with hukou in province×sector u who
work in v. Rows are shares, so turning them into flows needs hukou populations. TZ's
L0 solves L_2000 = mᵀ L0, where L_2000 is employment by province×sector
(PROVENANCE.md). The total is {L0.sum():.2f} million, of whom {L0[0::2].sum():.2f} million hold
agricultural hukou. The flows F_uv = L0_u m_uv are summed over both sectors at each end,
giving a 30×30 matrix of workers by hukou province and work province. This is the
**all-worker** matrix, and it is the one fitted. In it, moves between agriculture and
non-agriculture within a province count as staying. That matches regio, which has no
sectoral hukou and sets μ_oo = 1. Of all workers, {100 * sh['data']:.2f}% work outside their hukou
province. No province pair has a zero flow, so all 435 pairs are used. As a robustness
check, the tool also fits the **non-ag → non-ag** block: workers with non-agricultural
hukou who work in non-agriculture.

### 2.2 Method

In the logit of MODEL.md §2, m_od/m_oo = (U_d/U_o)^ε μ_od^(−ε), because μ_oo = 1. In
the symmetric product, the utilities cancel:

    (m_od m_do)/(m_oo m_dd) = (μ_od μ_do)^(−ε)
    −(1/(2ε)) log HR_od = log(μ0 b_m) + φ_m log(1 + d_od/d0) + ½ log(h_o h_d).

**Assumption: h = 1 in 2000.** regio's default is `migration.hukou_barrier = 1`. If
barriers differed across destinations, the constant would absorb their average
½log(h_o h_d), and the deviations would go into the residual. Symmetric indices cannot
identify barriers that depend on the destination alone: in a regio calibration they are
indistinguishable from amenities B_d, which are inverted from population. **The
constant is log(μ0·b_m).** At province resolution, every off-diagonal pair crosses a
border, so μ0 and b_m enter only as a product.

### 2.3 Estimates

{migration_table(c['mrows'], D0_GRID)}

For the all-worker matrix at d0 = {d0:g}, the slope is φ_m = {mo['phi']:.3f} (s.e. {mo['se_phi']:.3f}), the
intercept gives μ0·b_m = {mo['mub']:.1f}, and R² = {mo['r2']:.3f}. The non-ag → non-ag block gives
φ_m = {mna['phi']:.3f} and μ0·b_m = {mna['mub']:.1f}. As a sensitivity check, a fit that weights each pair by
its two-way flow gives φ_m = {mw['phi']:.3f} and μ0·b_m = {mw['mub']:.1f}. Its costs are lower
because the heavily used corridors lie far below the unweighted line (figure).

![Migration cost index: data and fits]({fig_m})

**Surprise: the corridors into Guangdong.** The largest flows are Hunan, Sichuan,
Guangxi, Jiangxi and Hubei → Guangdong. Their symmetric costs are 2.5–4.5 times lower
than the distance fit predicts for their distances. Distance and a border cannot reproduce
this, and any province-pair residual is outside the model. In a regio run it shows up
through the calibrated amenities, and only in part.

### 2.4 Harmonic means, and why TZ's ≈ 25 is not the target

The harmonic means are weighted by the observed flows, as TZ weight theirs:

| quantity (between provinces, 2000) | all workers | non-ag → non-ag |
|---|---:|---:|
| TZ Table 5: directional costs, province×sector units | {TZ_HM_BETWEEN} | {TZ_HM_BETWEEN_NONAG} |
| data, symmetric √(μ_od μ_do), province×sector units | {hm['data_unit']:.1f} | {hm['data_unit_na']:.1f} |
| data, symmetric √(μ_od μ_do), province matrix | {hm['data_prov']:.1f} | – |
| fitted μ̂_od, chosen OLS fit | {hm['chosen']:.1f} | {hm['chosen_na']:.1f} (own fit) |
| fitted μ̂_od, flow-weighted fit (sensitivity) | {hm['wls']:.1f} | – |
| previous regio defaults | {hm['defaults']:.1f} | – |

PROVENANCE.md gives TZ's cost for u → v as τ_uv = (m_uv/m_uu)^(−1/κ) · V_v/V_u. Their κ
equals the ε used here, and V is real income per worker, including any adjustment
specific to the unit. So the geometric mean of the two directions, √(τ_uv τ_vu), is
*exactly* the Head–Ries index: the V terms cancel. So the symmetric row of the
table measures the same costs as TZ's, averaged over the two directions. The
flow-weighted harmonic mean nonetheless differs a lot. Within each pair, almost all the
weight goes to the direction with the large flow. That direction must be the cheaper one
in TZ's accounting, or their mean could not lie so far below the symmetric one. The
province matrix gives a lower symmetric mean than the province×sector units
({hm['data_prov']:.0f} against {hm['data_unit']:.0f}). Among the units, the heaviest flow is agricultural hukou
moving to non-agricultural work in another province. Its reverse flow, non-agricultural
hukou moving into farming, is almost empty, so the symmetric cost of those pairs is
high. Pooling the sectors into provinces removes that mismatch. regio has symmetric costs and
puts the directional asymmetry into U_d (incomes and inverted amenities). Its
harmonic-mean benchmark is therefore the symmetric one, {hm['data_prov']:.0f}, not 25.

The fitted OLS costs have a harmonic mean of {hm['chosen']:.0f}, {hm['chosen'] / hm['data_prov']:.1f} times the data's
{hm['data_prov']:.0f}. The harmonic mean is dominated by the cheap Guangdong corridors, which the
distance fit misses. The flow-weighted fit comes close ({hm['wls']:.0f}), but it predicts too
many migrants (§3). The aggregate migrant share is the moment a regio run actually
reproduces, so it decides: the OLS fit is chosen.

### 2.5 Splitting μ0·b_m

The split matters only at finer resolutions, such as prefectures or counties, where
moves between regions of the same province pay μ0(1 + d/d0)^φ_m without b_m. At
province resolution (`inputs/china31`), only the product μ0·b_m = {mo['mub']:.1f} enters.
The anchor is the within-province cost. Three options were computed, all with the same
product:

| option | within-province anchor | μ0 | b_m |
|---|---|---:|---:|
| A: μ0 = TZ's within-province cost | TZ Table 5 directional harmonic mean, {TZ_HM_WITHIN_PROVINCE} | {a_mu0:.2f} | {a_bm:.1f} |
| B: harmonic mean of μ0(1+d_ii/d0)^φ_m = TZ's value | {TZ_HM_WITHIN_PROVINCE} (directional) | {b_mu0:.2f} | {b_bm:.1f} |
| **C (chosen)**: harmonic mean of μ0(1+d_ii/d0)^φ_m = symmetric value | {c['within_sym']:.2f} (symmetric, same data) | **{c['mu0']:.2f}** | **{c['bm']:.1f}** |

In option C, the within-province cost is the Head–Ries index of each province's two
hukou units (agriculture ↔ non-agriculture). It is the same symmetric object that was
fitted between provinces. Its flow-weighted harmonic mean is {c['within_sym']:.2f}, against TZ's
directional {TZ_HM_WITHIN_PROVINCE}, with a range over provinces of {c['wcost'].min():.1f}–{c['wcost'].max():.1f}. μ0 is set so
that a within-province move over the province's internal distance d_ii costs that much
on average, with weights given by each province's ag↔non-ag flows. Option C is chosen
because it compares like with like, as §2.4 did for inter-provincial costs. Option A
ignores the distance a within-province move covers, and option B mixes directional and
symmetric costs. With the rounded values, crossing a provincial border multiplies the
cost by b_m = {cm['b_m']:g} at any distance. A within-province move between regions
{d0:g} km apart costs μ0·2^φ_m = {cm['mu0'] * 2 ** cm['phi']:.1f}.

## 3. Does the calibration reproduce aggregate openness?

The Head–Ries fits are fits in logs. What a regio run needs is the right amount of
trade and migration across provincial borders. regio's calibration (MODEL.md §6) inverts
productivities and amenities so that sizes match the data exactly, and the bilateral
costs then decide how much crosses borders. The tool mimics that with the TZ data, at
province resolution:

- **Migration.** Hukou populations R_o and workforces L_d come from the 2000 data. The
  utilities U_d are solved so that the logit reproduces every L_d. The output is the
  share of workers outside their hukou province.
- **Trade.** Domestic shares are used (rest of the world dropped, rows renormalised),
  with expenditure proxied by sector value added. The exporter terms are solved so that
  every province's revenue matches the data. The output is the expenditure-weighted
  share of spending bought from other provinces, plus the RMS log error of the own
  shares π_nn.

| moment | data | chosen costs | sector's own fit | previous defaults |
|---|---:|---:|---:|---:|
| inter-provincial migrant share | {100 * sh['data']:.2f}% | {100 * sh['chosen']:.2f}% | – | {100 * sh['defaults']:.2f}% |
| inter-provincial trade share, agriculture | {100 * tc['agriculture']['chosen'][0]:.1f}% | {100 * tc['agriculture']['chosen'][1]:.1f}% | {100 * tc['agriculture']['own'][1]:.1f}% | {100 * tc['agriculture']['defaults'][1]:.1f}% |
| inter-provincial trade share, non-agriculture | {100 * tc['non-agriculture']['chosen'][0]:.1f}% | {100 * tc['non-agriculture']['chosen'][1]:.1f}% | {100 * tc['non-agriculture']['own'][1]:.1f}% | {100 * tc['non-agriculture']['defaults'][1]:.1f}% |
| RMS log error of own shares, agriculture | – | {tc['agriculture']['chosen'][2]:.3f} | {tc['agriculture']['own'][2]:.3f} | {tc['agriculture']['defaults'][2]:.3f} |
| RMS log error of own shares, non-agriculture | – | {tc['non-agriculture']['chosen'][2]:.3f} | {tc['non-agriculture']['own'][2]:.3f} | {tc['non-agriculture']['defaults'][2]:.3f} |

Other variants of the migrant share: with the observed pair-by-pair symmetric costs it
is {100 * sh['pairwise']:.2f}%, and with the flow-weighted fit {100 * sh['wls']:.2f}%.

- Migration: the chosen fit reproduces the migrant share within {abs(100 * (sh['chosen'] - sh['data'])):.1f} percentage
  points. The previous defaults (μ = 12·(1+d/100)^0.3, tuned to TZ's 25) give
  {sh['defaults'] / sh['data']:.1f} times too many inter-provincial migrants.
- Trade: the previous defaults (φ = 0.25, b = 1.5) make provinces far too open: more
  than half of spending would cross a provincial border, against {100 * tsd:.0f}% in the data
  (expenditure-weighted). The chosen costs err the other way, at {100 * tsc:.1f}%. The reason is
  that a fit in logs does not fit the level of flows, which are convex in costs. With φ
  held at {ct['phi']:g}, the border cost that matches the aggregate share is b = {c['b_match']:.2f}.
  That is a defensible alternative if openness matters more than the pairwise fit. The
  YAML keeps the Head–Ries value {ct['b']:g}.

## 4. What is identified and what is assumed

- **Assumed:** θ = {THETA:g} and ε = {EPSILON:g}. The estimates scale with them:
  φ and log b scale as 1/θ, and φ_m and log(μ0 b_m) as 1/ε. The functional forms of
  MODEL.md §1 are assumed too, including the area-based internal distance d_ii.
  Migration also assumes h = 1.
- **Identified from the data, given those:** the trade φ and b, that is, the symmetric
  part of trade costs; and the migration φ_m and the product μ0·b_m, the symmetric part
  of migration costs. Asymmetric costs cannot be separated from origin and destination
  terms. This includes exporter- or importer-specific trade costs, the destination
  hukou barriers h_d, and TZ's directional migration costs. In regio they fall into
  productivities and amenities.
- **Weakly identified:** d0. The R² profiles are flat, and the smallest
  inter-provincial distance is {dist[off].min():.0f} km.
- **Not identified, set by assumption:** the split of μ0·b_m into μ0 and b_m (§2.5).
  The same single φ and b for all sectors is a restriction of regio, not a finding.
- **Fit quality:** distance and a border explain {100 * te[TS]['r2']:.0f}% of the pairwise trade-cost
  variation and {100 * mo['r2']:.0f}% of the migration-cost variation. The rest is pair-specific. At province
  resolution regio cannot represent it, and the calibrated fundamentals absorb only
  the part that is specific to an origin or a destination.

## 5. Vintage: 2000–2002 data and a 2020 baseline

These are the costs of 2000 (migration) and 2002 (trade). regio's baseline year is
2020, and both kinds of friction have fallen since.

- TZ measure falling trade costs from 2002 to 2007 (their `tauhat.csv`, non-agricultural
  factors 0.66–1.0). Since then, China has built its expressway and high-speed-rail
  networks.
- Migration has grown roughly threefold. Censuses count about 42 million
  inter-provincial migrants in 2000 and about 125 million in 2020, all ages; these
  totals are not from the files used here. Hukou rules have also been relaxed outside
  the largest cities.

With the 2000–2002 costs, a 2020 baseline calibrated to 2020 populations and GDP would
**overstate frictions**. It would have too little trade and too few migrants, and the
inverted amenities and productivities would absorb the difference. It would also
misstate the response to hukou or market-integration reforms. Two recommendations
follow. Treat these values as an upper bound for 2020. Before drawing conclusions that
depend on the level of mobility, re-anchor the constants to 2020 aggregates:

- μ0·b_m, to the 2020 inter-provincial migrant share, with the moment check of §3;
- b, to the 2020 inter-provincial trade share, if that share can be measured (the 2017
  multi-regional input–output tables).

The distance elasticities φ and φ_m are less likely to have changed in proportion,
but that is an assumption.

## Reproduce

```
/usr/bin/python3 tools/calibrate_costs.py [--shared ../shared/data] \\
    [--regions inputs/china31/regions.csv] \\
    [--out-yaml inputs/china31/cost_calibration.yaml] [--report-dir docs]
```

The tool needs numpy and matplotlib (`apt-get install python3-numpy python3-matplotlib`).
It writes this page, `img/calibration-trade-costs.png`, `img/calibration-migration-costs.png`
and the YAML fragment. Merge the fragment's `trade:` and `migration:` keys into a
scenario to use these values.

Reference: Head, K. and T. Mayer (2010), "Illusory border effects: distance
mismeasurement inflates estimates of home bias in trade", in *The Gravity Model in
International Trade*, Cambridge University Press.
"""


if __name__ == "__main__":
    sys.exit(main())
