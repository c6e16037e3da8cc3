#!/usr/bin/python3
"""Independent reference ("oracle") for Tombe & Zhu (2019, AER), Tables 5 and 8.

Tombe, T. and X. Zhu (2019), "Trade, Migration, and Productivity: A Quantitative
Analysis of China", American Economic Review 109(5): 1843-72.

This is our own numpy implementation of the model as MODEL.md §13 states it, in
exact hat algebra (MODEL.md §12). The conventions (orientation of the data, the
way Table 8 applies the trade-cost changes, ROW, the statistics) follow the
authors' MATLAB, which was read but not copied; docs/replication-tombe-zhu.md
gives every equation and the evidence for every convention.

Inputs (--data, default inputs/tombe-zhu-2019): the five CSVs of that folder
(see its PROVENANCE.md) and parameters.yaml.

Outputs (--out DIR):
    table5.csv          flow-weighted harmonic means of migration costs, 2000
    table8.csv          the six Table 8 experiments (internal/external/all x migration yes/no)
    base_year.csv       base-year objects by region x sector (revenues, spending, L, R, C, ...)
    table8_detail.csv   per region x sector hat changes of every Table 8 experiment
    table8_supplement.csv  levels behind Table 8 (trade and migrant shares before/after) and
                        MODEL.md §7's log-mean welfare
    convergence.csv     Newton iterations and residuals of every solve

Usage:
    /usr/bin/python3 tools/tz_reference.py --data inputs/tombe-zhu-2019 --out DIR
        [--base consistent|authors] [--tol 1e-13] [--no-crosscheck]

--base consistent (default): migration shares m are the data rows renormalised to
sum to 1 and hukou stocks are R = (m^T)^-1 L, so the base year is an exact
equilibrium of the model (a zero shock gives every hat = 1).
--base authors: exactly the authors' mixture (R from the raw rows, which sum to 1
only within +-6e-7, the model's m renormalised, L-hats measured against data L);
the two differ by about 1e-7 relative, far below the printed precision.

Exit status 0 when all self-checks pass (Table 5 within one unit of the last
printed digit, every solve at relative residual <= 1e-12, the identities below).

Only numpy is required; scipy (if present) gives an independent second solve.
"""

import argparse
import csv
import os
import sys
import time

import numpy as np

try:
    import yaml
except ImportError:  # pragma: no cover - Debian python3-yaml is expected
    yaml = None

NPROV = 30          # provinces (Tibet excluded)
NREG = 31           # provinces + rest of the world (index 30)
NS = 2              # sectors / labour groups: 0 agriculture, 1 non-agriculture
NU = NPROV * NS     # migration units u = 2*province + sector
ROW = NREG - 1

SECTOR_NAMES = ["ag", "na"]
FILES = {
    "employment": "employment_realGDP_2000_2005.csv",
    "trade_ag": "trade_shares_agriculture_2002.csv",
    "trade_na": "trade_shares_nonagriculture_2002.csv",
    "migration": "migration_shares_2000.csv",
    "tauhat": "tauhat.csv",
    "parameters": "parameters.yaml",
}

# Published values of Tombe & Zhu (2019), Table 5, column 2000 (MODEL.md §13).
TABLE5_PUBLISHED = [
    # statistic, cost, migrant share (None where not printed), printed decimals
    ("overall", 2.82, 0.174, 2),
    ("ag_nonag", 2.63, None, 2),
    ("ag_nonag_within_province", 2.21, None, 2),
    ("ag_nonag_between_provinces", 25.21, None, 2),
    ("between_provinces", 24.75, None, 2),
    ("between_provinces_within_ag", 47.67, None, 2),
    ("between_provinces_within_nonag", 21.02, None, 2),
]

EXPERIMENTS = ["internal", "external", "all"]


# --------------------------------------------------------------------------------------
# Input
# --------------------------------------------------------------------------------------

class InputError(Exception):
    pass


def read_params(path):
    """parameters.yaml -> dict of numpy values, MODEL.md notation."""
    if yaml is None:
        raise InputError("PyYAML (Debian python3-yaml) is needed to read " + path)
    with open(path) as f:
        doc = yaml.safe_load(f)
    known = {"sectors", "theta", "epsilon", "labour_share", "land_share", "capital_share",
             "intermediate_mix", "housing_share", "final_demand_share", "row_labour",
             "land_income"}
    unknown = set(doc) - known
    if unknown:
        raise InputError("%s: unknown keys %s (allowed: %s)" % (path, sorted(unknown), sorted(known)))
    missing = known - set(doc)
    if missing:
        raise InputError("%s: missing keys %s" % (path, sorted(missing)))
    p = {
        "theta": float(doc["theta"]["value"]),
        "eps": float(doc["epsilon"]["value"]),
        "alpha": np.array(doc["labour_share"]["value"], float),
        "lam": np.array(doc["land_share"]["value"], float),
        "beta": np.array(doc["capital_share"]["value"], float),
        "gamma": np.array(doc["intermediate_mix"]["value"], float),
        "delta_h": float(doc["housing_share"]["value"]),
        "eta": np.array(doc["final_demand_share"]["value"], float),
        "L_row": float(doc["row_labour"]["value"]),
        "land_income": doc["land_income"],
    }
    if p["land_income"] != "stayers":
        raise InputError("%s: land_income is %r; this reference implements only 'stayers'"
                         % (path, p["land_income"]))
    if np.any(p["beta"] != 0.0):
        raise InputError("%s: capital_share must be 0 (Tombe & Zhu have no capital)" % path)
    if not np.allclose(p["gamma"].sum(axis=1), 1.0, atol=1e-12):
        raise InputError("%s: intermediate_mix rows must sum to 1, got %s" % (path, p["gamma"].sum(axis=1)))
    if abs(p["eta"].sum() - 1.0) > 1e-12:
        raise InputError("%s: final_demand_share must sum to 1, got %r" % (path, p["eta"].sum()))
    # ι_sk = γ_sk (1 − α_s − λ_s): what sector-s producers spend on sector-k goods per unit revenue.
    p["iota"] = p["gamma"] * (1.0 - p["alpha"] - p["lam"])[:, None]
    tot = p["alpha"] + p["lam"] + p["beta"] + p["iota"].sum(axis=1)
    if not np.allclose(tot, 1.0, atol=1e-12):
        raise InputError("%s: input shares do not sum to 1: %s" % (path, tot))
    # Rebate coefficient of C_u (MODEL.md §11): land + housing rent per unit of wage bill.
    p["k_rebate"] = (p["lam"] + p["delta_h"] * p["alpha"]) / ((1.0 - p["delta_h"]) * p["alpha"])
    return p


def read_matrix_csv(path, nrows, ncols):
    with open(path) as f:
        rows = [r for r in csv.reader(f) if r]
    m = np.array([[float(x) for x in r] for r in rows])
    if m.shape != (nrows, ncols):
        raise InputError("%s: expected %dx%d numbers, got %s" % (path, nrows, ncols, m.shape))
    return m


def read_data(ddir):
    d = {}
    # Employment and real income per worker, 30 provinces in the file's (alphabetical) order.
    with open(os.path.join(ddir, FILES["employment"])) as f:
        rows = list(csv.DictReader(f))
    if len(rows) != NPROV:
        raise InputError("%s: expected %d provinces, got %d" % (FILES["employment"], NPROV, len(rows)))
    d["provinces"] = [r["province"] for r in rows]
    d["V"] = np.array([[float(r["rYLa2000"]), float(r["rYLn2000"])] for r in rows])   # (30, 2)
    d["L"] = np.array([[float(r["La2000"]), float(r["Ln2000"])] for r in rows])       # (30, 2)
    # Trade shares pi[s][n, i]: row n importer (spender), column i exporter; 31 = ROW.
    d["pi_raw"] = np.stack([read_matrix_csv(os.path.join(ddir, FILES["trade_ag"]), NREG, NREG),
                            read_matrix_csv(os.path.join(ddir, FILES["trade_na"]), NREG, NREG)])
    # Migration shares, 3600 lines origin-major: m[u, v], u = hukou unit, v = work unit.
    with open(os.path.join(ddir, FILES["migration"])) as f:
        rows = list(csv.DictReader(f))
    if len(rows) != NU * NU:
        raise InputError("%s: expected %d rows, got %d" % (FILES["migration"], NU * NU, len(rows)))
    d["m_raw"] = np.array([float(r["mij"]) for r in rows]).reshape(NU, NU)
    # Trade-cost changes, 961 lines importer-major: dhat[n, i].
    with open(os.path.join(ddir, FILES["tauhat"])) as f:
        rows = list(csv.DictReader(f))
    if len(rows) != NREG * NREG:
        raise InputError("%s: expected %d rows, got %d" % (FILES["tauhat"], NREG * NREG, len(rows)))
    d["tauhat"] = {k: np.array([float(r[k]) for r in rows]).reshape(NREG, NREG)
                   for k in rows[0].keys()}
    return d


# --------------------------------------------------------------------------------------
# Base year
# --------------------------------------------------------------------------------------

def base_spending(pi, p):
    """Base spending X[s, n] from the fixed point X = M(pi) X (MODEL.md §13).

    X_s = η_s (1−δ_h) I + Σ_k ι_ks R_k,  R_k = π_kᵀ X_k,  I = Σ_k (α_k+λ_k) R_k / (1−δ_h),
    so X_s = Σ_k [η_s (α_k+λ_k) + ι_ks] π_kᵀ X_k. M is column-stochastic (each column sums
    to α_k + λ_k + Σ_s ι_ks = 1), so it has the eigenvalue 1; the level is fixed by Σ_n I_n = 1
    (the authors' normalisation, initial_eqm.m:102-103).
    """
    va = p["alpha"] + p["lam"]
    M = np.zeros((NS * NREG, NS * NREG))
    for s in range(NS):
        for k in range(NS):
            M[s * NREG:(s + 1) * NREG, k * NREG:(k + 1) * NREG] = \
                (p["eta"][s] * va[k] + p["iota"][k, s]) * pi[k].T
    A = np.eye(NS * NREG) - M
    # Replace one (redundant) row by the normalisation Σ_n I_n = Σ_k (α_k+λ_k)/(1−δ_h) Σ_n X_kn = 1
    # (Σ_n R_kn = Σ_n X_kn because the rows of π_k sum to 1).
    A[-1, :] = np.repeat(va / (1.0 - p["delta_h"]), NREG)
    b = np.zeros(NS * NREG)
    b[-1] = 1.0
    x = np.linalg.solve(A, b)
    for _ in range(3):                       # iterative refinement to the last bits
        x = x + np.linalg.solve(A, b - A @ x)
    res = np.max(np.abs(x - M @ x) / np.abs(x))   # element-wise relative
    if not np.all(x > 0):
        raise InputError("base-year spending is not positive: check the trade shares")
    return x.reshape(NS, NREG), res


def build_base(data, p, variant):
    """Every base-year object the hat algebra needs (arrays indexed [region, sector] or [unit])."""
    b = {"variant": variant}
    pi = data["pi_raw"] / data["pi_raw"].sum(axis=2, keepdims=True)   # initial_eqm.m:31,33
    b["pi"] = pi
    X, res = base_spending(pi, p)
    b["fixed_point_residual"] = res
    R = np.stack([pi[s].T @ X[s] for s in range(NS)])                  # R[s, i] = Σ_n π_nis X_ns
    b["X"] = X.T.copy()            # (31, 2)
    b["Rev"] = R.T.copy()          # (31, 2)  revenue R_is
    b["I"] = b["Rev"] * (p["alpha"] + p["lam"]) / (1.0 - p["delta_h"])   # group income (31, 2)
    # Employment L (30 provinces x 2) and ROW's split at one base wage (initial_eqm.m:172-173).
    Lrow_na = p["L_row"] / (1.0 + (p["alpha"][0] / p["alpha"][1]) * (R[0, ROW] / R[1, ROW]))
    Lreg = np.vstack([data["L"], [p["L_row"] - Lrow_na, Lrow_na]])       # (31, 2)
    b["Lreg"] = Lreg
    Ldata = data["L"].reshape(NU)                                         # unit u = 2*prov + sector
    m_raw = data["m_raw"]
    m0 = m_raw / m_raw.sum(axis=1, keepdims=True)   # the model's base shares (initial_eqm.m:141-142)
    if variant == "consistent":
        Rh = np.linalg.solve(m0.T, Ldata)            # hukou stocks: L = m0ᵀ R exactly
        m_stats = m0
    elif variant == "authors":
        Rh = np.linalg.solve(m_raw.T, Ldata)         # L0 = (L1' inv(mij2000))', initial_eqm.m:55
        m_stats = m_raw                              # post_simulate.m:98-109 use the raw mij2000
    else:
        raise ValueError(variant)
    Lmodel = m0.T @ Rh                               # L1base during initial_eqm (initial_eqm.m:144)
    b["m0"], b["m_stats"], b["Rh"], b["Lmodel"] = m0, m_stats, Rh, Lmodel
    b["Lref"] = Ldata          # L-hats and real-GDP weights are relative to data L (initial_eqm.m:261)
    b["V"] = data["V"].reshape(NU)
    sec = np.tile(np.arange(NS), NPROV)
    prov = np.repeat(np.arange(NPROV), NS)
    b["sec"], b["prov"] = sec, prov
    k = p["k_rebate"][sec]
    b["k"] = k
    b["C0"] = 1.0 + k * Lmodel / (np.diag(m0) * Rh)  # rebate factor of stayers (initial_eqm.m:149-156)
    # Welfare weights ω_u ∝ R_u V_u C_u m_uu^(−1/ε) (initial_eqm.m:255).
    om = Rh * b["V"] * b["C0"] * np.diag(m0) ** (-1.0 / p["eps"])
    b["omega"] = om / om.sum()
    # Real-GDP weights ∝ V_u L_u (post_simulate.m:153).
    g = b["V"] * b["Lref"]
    b["gdp_w"] = g / g.sum()
    return b


# --------------------------------------------------------------------------------------
# Table 5
# --------------------------------------------------------------------------------------

def unit_masks(b):
    sec, prov = b["sec"], b["prov"]
    same_prov = prov[:, None] == prov[None, :]
    same_sec = sec[:, None] == sec[None, :]
    off = ~np.eye(NU, dtype=bool)
    ag_o = (sec == 0)[:, None]
    ag_d = (sec == 0)[None, :]
    return {
        "overall": off,
        "ag_nonag": off & ~same_sec,                               # both directions (Table5.m:6)
        "ag_nonag_within_province": off & ~same_sec & same_prov,
        "ag_nonag_between_provinces": off & ~same_sec & ~same_prov,
        "between_provinces": off & ~same_prov,                     # Table5.m:7
        "between_provinces_within_ag": off & ~same_prov & ag_o & ag_d,         # Table5.m:9 + :7
        "between_provinces_within_nonag": off & ~same_prov & ~ag_o & ~ag_d,    # Table5.m:10 + :7
        "within_province": off & same_prov,                        # Table5.m:8
    }


def table5(b, p):
    """Flow-weighted harmonic means of bilateral migration costs μ_uv (Table5.m:13-15).

    1/μ_uv = (m_uv/m_uu)^(1/ε) C_u V_u / V_v  (MODEL.md §12 with Ũ_u = C_u U_u; the
    authors' Cnijk2000, initial_eqm.m:136,157); weights R_u m_uv over the pairs of a mask.
    """
    m = b["m_stats"]
    inv_mu = (m / np.diag(m)[:, None]) ** (1.0 / p["eps"]) * (b["C0"] * b["V"])[:, None] / b["V"][None, :]
    W = b["Rh"][:, None] * m
    out = []
    for name, mask in unit_masks(b).items():
        w = np.where(mask, W, 0.0)
        share = w.sum() / b["Rh"].sum()
        cost = 1.0 / (np.where(mask, inv_mu, 0.0) * w).sum() * w.sum()
        out.append((name, cost, share))
    return out


# --------------------------------------------------------------------------------------
# Exact hat algebra
# --------------------------------------------------------------------------------------

def trade_cost_change(tauhat, experiment):
    """d̂[s, n, i] as Table8.m applies the asymmetric columns (lines 7-8, 19-24, 35-36)."""
    asym = np.stack([tauhat["dni_asym_ag"], tauhat["dni_asym_na"]])
    d = np.ones_like(asym)
    if experiment == "internal":          # province block only; ROW row and column stay 1
        d[:, :NPROV, :NPROV] = asym[:, :NPROV, :NPROV]
    elif experiment == "external":        # ROW row (ROW imports) and column (ROW exports) only
        d[:, ROW, :] = asym[:, ROW, :]
        d[:, :, ROW] = asym[:, :, ROW]
    elif experiment == "all":
        d = asym.copy()
    elif experiment == "none":
        pass
    else:
        raise ValueError(experiment)
    return d


class HatModel:
    """Residual of the system in changes for one experiment (MODEL.md §12-§13).

    Unknowns (logs): ŵ[n, s], P̂[n, s], and with migration L̂[n, s], for all 31 regions.
    """

    def __init__(self, b, p, dhat, migration):
        self.b, self.p, self.dhat, self.migration = b, p, dhat, migration
        self.nvar = NREG * NS * (3 if migration else 2)
        # Equation dropped for Walras' law (replaced by the numeraire): goods market of ROW, na.
        self.drop = (ROW, 1)

    def unpack(self, x):
        z = np.exp(x).reshape(-1, NREG, NS)
        w, P = z[0], z[1]
        Lh = z[2] if self.migration else np.ones((NREG, NS))
        return w, P, Lh

    def evaluate(self, x, full=False):
        b, p = self.b, self.p
        w, P, Lh = self.unpack(x)
        a, lam, iota, th = p["alpha"], p["lam"], p["iota"], p["theta"]
        Rn = w * Lh * b["Rev"]                        # R'_ns = ŵ L̂ R_ns        (α_s R = w L)
        q = w * Lh                                    # q̂_ns: land+housing rent ∝ R_ns, fixed land
        logP = np.log(P)
        c = np.empty((NREG, NS))
        for s in range(NS):                           # ĉ_ns = ŵ^α q̂^λ Π_k P̂_nk^ι_sk
            c[:, s] = np.exp(a[s] * np.log(w[:, s]) + lam[s] * np.log(q[:, s]) + logP @ iota[s])
        pin = np.empty((NS, NREG, NREG))
        logD = np.empty((NREG, NS))
        for s in range(NS):
            A = b["pi"][s] * (self.dhat[s] * c[None, :, s]) ** (-th)
            D = A.sum(axis=1)
            pin[s] = A / D[:, None]                   # π'_nis
            logD[:, s] = np.log(D)
        In = (Rn * (a + lam)).sum(axis=1) / (1.0 - p["delta_h"])           # I'_n
        Xn = np.empty((NREG, NS))
        for s in range(NS):                           # X'_ns = η_s (1−δ_h) I'_n + Σ_k ι_ks R'_nk
            Xn[:, s] = p["eta"][s] * (1.0 - p["delta_h"]) * In + Rn @ iota[:, s]
        goods = np.empty((NREG, NS))
        for s in range(NS):                           # R'_is = Σ_n π'_nis X'_ns
            goods[:, s] = (pin[s].T @ Xn[:, s] - Rn[:, s]) / b["Rev"][:, s]
        price = logP + logD / th                      # P̂_ns = (Σ_i π_nis (d̂ ĉ)^−θ)^(−1/θ)
        Pc = np.exp(logP @ p["eta"])                  # consumer goods price P̂_n = Π_s P̂_ns^η_s
        V = w / (Pc[:, None] ** (1.0 - p["delta_h"]) * q ** p["delta_h"])   # V̂: real income per worker
        walras = goods[self.drop]
        goods[self.drop] = 0.0
        wb = a * b["Rev"][ROW]                        # ROW wage bill by sector (base)
        numeraire = np.log((w[ROW] * wb).sum() / wb.sum())                   # ROW's mean wage = 1
        res = [price.ravel(), goods.ravel()]
        mig = None
        if self.migration:
            mig = self.migration_block(V[:NPROV].reshape(NU), Lh[:NPROV].reshape(NU))
            Lrow = b["Lreg"][ROW]
            res.append(np.log(mig["Lnew"] / b["Lref"]) - np.log(Lh[:NPROV].reshape(NU)))
            res.append([(Lh[ROW] * Lrow).sum() / Lrow.sum() - 1.0,            # ROW labour fixed
                        np.log(w[ROW, 0]) - np.log(w[ROW, 1])])             # one ROW wage
        r = np.concatenate(res)
        r[NREG * NS + self.drop[0] * NS + self.drop[1]] = numeraire
        if not full:
            return r
        return dict(res=r, walras=walras, w=w, P=P, Lh=Lh, q=q, c=c, pin=pin, Rn=Rn, Xn=Xn,
                    In=In, Pc=Pc, V=V, mig=mig)

    def migration_block(self, Vh, Lh):
        """New migration shares with the stayers' rebate (MODEL.md §11-§12).

        m'_uv = m_uv V̂_v^ε / Φ_u (v ≠ u),  m'_uu = m_uu (Ĉ_u V̂_u)^ε / Φ_u,
        Φ_u = Σ_{v≠u} m_uv V̂_v^ε + m_uu (Ĉ_u V̂_u)^ε,
        C'_u = 1 + k_s L'_u/(m'_uu R_u) with L'_u = L̂_u L_u (the outer unknown, as the authors:
        main_simulate.m:59), solved per unit for m'_uu (unique root; Newton in log m'_uu).
        """
        b, eps = self.b, self.p["eps"]
        m0 = b["m0"]
        mu0 = np.diag(m0)
        Ve = Vh ** eps
        off = m0 * Ve[None, :]
        np.fill_diagonal(off, 0.0)
        bb = off.sum(axis=1)                          # Σ_{v≠u} m_uv V̂_v^ε
        aa = mu0 * Ve / b["C0"] ** eps                # m'_uu numerator = aa · C'^ε
        cc = b["k"] * Lh * b["Lref"] / b["Rh"]        # C' = 1 + cc / m'_uu
        y = np.log(mu0)
        for it in range(100):
            C = 1.0 + cc * np.exp(-y)
            z = aa * C ** eps
            g = np.log(z) - np.log(z + bb) - y
            dg = -eps * (C - 1.0) / C * bb / (z + bb) - 1.0
            step = -g / dg
            y = np.minimum(y + step, 0.0)
            if np.max(np.abs(step)) < 1e-15:
                break
        C = 1.0 + cc * np.exp(-y)
        z = aa * C ** eps
        Phi = z + bb
        m = off / Phi[:, None]
        m[np.diag_indices(NU)] = z / Phi
        Lnew = m.T @ b["Rh"]
        return dict(m=m, C=C, Phi=Phi, Lnew=Lnew, inner_iterations=it + 1,
                    inner_residual=np.max(np.abs(g)))


def fd_jacobian(f, x, r0, h=1e-7):
    J = np.empty((r0.size, x.size))
    for j in range(x.size):
        xp = x.copy()
        xp[j] += h
        xm = x.copy()
        xm[j] -= h
        J[:, j] = (f(xp) - f(xm)) / (2.0 * h)
    return J


def newton(model, x0, tol, log, label, maxit=50):
    """Damped Newton with a central-difference Jacobian (recomputed every iteration)."""
    x = x0.copy()
    r = model.evaluate(x)
    hist = []
    for it in range(maxit + 1):
        nr = np.max(np.abs(r))
        hist.append((it, nr))
        log.append((label, it, nr))
        if nr <= tol:
            return x, hist, True
        J = fd_jacobian(model.evaluate, x, r)
        dx = np.linalg.solve(J, -r)
        t = 1.0
        while True:
            xn = x + t * dx
            rn = model.evaluate(xn)
            if np.all(np.isfinite(rn)) and np.max(np.abs(rn)) < (1.0 - 1e-4 * t) * nr or t < 1e-6:
                break
            t *= 0.5
        x, r = xn, rn
    return x, hist, False


# --------------------------------------------------------------------------------------
# Statistics (post_simulate.m, post_simulate_fixedlabor.m)
# --------------------------------------------------------------------------------------

def trade_stats(pi, X):
    """Spending-weighted internal and international import shares of the 30 provinces.

    Sectors aggregated with spending weights (post_simulate.m:129-137).
    pi: (2, 31, 31), X: (31, 2).
    """
    Xi = X.sum(axis=1)
    agg = (pi[0] * X[:, 0, None] + pi[1] * X[:, 1, None]) / Xi[:, None]
    wts = Xi[:NPROV] / Xi[:NPROV].sum()
    intl = (wts * agg[:NPROV, ROW]).sum()
    block = agg[:NPROV, :NPROV]
    internal = (wts * (block.sum(axis=1) - np.diag(block))).sum()
    return internal, intl


def migration_stats(m, b):
    """Shares of hukou holders living in another unit of the own province / another province."""
    same_prov = b["prov"][:, None] == b["prov"][None, :]
    off = ~np.eye(NU, dtype=bool)
    within = (b["Rh"] * np.where(same_prov & off, m, 0.0).sum(axis=1)).sum() / b["Rh"].sum()
    between = (b["Rh"] * np.where(~same_prov, m, 0.0).sum(axis=1)).sum() / b["Rh"].sum()
    return within, between


def statistics(sol, b, p, migration):
    V = sol["V"][:NPROV].reshape(NU)
    Lh = sol["Lh"][:NPROV].reshape(NU)
    gdp = (b["gdp_w"] * V * Lh).sum()                              # post_simulate.m:153
    if migration:
        mig = sol["mig"]
        Chat = mig["C"] / b["C0"]
        mhat = np.diag(mig["m"]) / np.diag(b["m0"])
        welfare = (b["omega"] * V * Chat * mhat ** (-1.0 / p["eps"])).sum()   # post_simulate.m:72
        # Identity check: V̂ Ĉ m̂_uu^(−1/ε) = Φ_u^(1/ε) (expected utility of hukou u, in changes).
        ident = np.max(np.abs(V * Chat * mhat ** (-1.0 / p["eps"]) / mig["Phi"] ** (1.0 / p["eps"]) - 1.0))
        # MODEL.md §7 aggregator: registered-weighted mean of log expected utility, (1/ε) log Φ̂_u.
        welfare_log = np.exp((b["Rh"] * np.log(mig["Phi"]) / p["eps"]).sum() / b["Rh"].sum())
        w0, b0 = migration_stats(b["m_stats"], b)
        w1, b1 = migration_stats(mig["m"], b)
        within, between = 100.0 * (w1 / w0 - 1.0), 100.0 * (b1 / b0 - 1.0)
    else:
        welfare = gdp                                               # post_simulate_fixedlabor.m:67
        # MODEL.md §7 with migration off: population-weighted mean of log U (U_u changes by V̂_u).
        welfare_log = np.exp((b["Lref"] * np.log(V)).sum() / b["Lref"].sum())
        ident = 0.0
        w0, b0 = migration_stats(b["m_stats"], b)
        w1, b1 = w0, b0
        within = between = float("nan")
    int0, intl0 = trade_stats(b["pi"], b["X"])
    int1, intl1 = trade_stats(sol["pin"], sol["Xn"])
    return dict(real_gdp_pct=100.0 * (gdp - 1.0), welfare_pct=100.0 * (welfare - 1.0),
                internal_trade_pp=100.0 * (int1 - int0), international_trade_pp=100.0 * (intl1 - intl0),
                within_province_migration_pct=within, between_province_migration_pct=between,
                welfare_identity=ident, base_internal=int0, base_international=intl0,
                new_internal=int1, new_international=intl1, welfare_logmean_pct=100.0 * (welfare_log - 1.0),
                within_share_base=w0, within_share_new=w1, between_share_base=b0, between_share_new=b1)


# --------------------------------------------------------------------------------------
# Driver
# --------------------------------------------------------------------------------------

def solve_all(data, p, variant, tol, log, verbose=True, x_start=None):
    b = build_base(data, p, variant)
    results = []
    for exp in EXPERIMENTS:
        dhat = trade_cost_change(data["tauhat"], exp)
        xmig = None
        for migration in (True, False):
            model = HatModel(b, p, dhat, migration)
            if migration:
                x0 = np.zeros(model.nvar)
            else:   # start from the migration solution's ŵ, P̂ as Table8.m:14 does
                x0 = xmig[:2 * NREG * NS].copy()
            label = "%s/%s/%s" % (variant, exp, "yes" if migration else "no")
            t0 = time.time()
            x, hist, ok = newton(model, x0, tol, log, label)
            sol = model.evaluate(x, full=True)
            if migration:
                xmig = x
            st = statistics(sol, b, p, migration)
            info = dict(experiment=exp, migration="yes" if migration else "no", ok=ok,
                        iterations=hist[-1][0], residual=hist[-1][1], walras=abs(sol["walras"]),
                        seconds=time.time() - t0, x=x, sol=sol, model=model)
            if migration:
                info["inner_residual"] = sol["mig"]["inner_residual"]
                info["pop_conservation"] = abs(sol["mig"]["Lnew"].sum() / b["Rh"].sum() - 1.0)
            st.update(info)
            results.append(st)
            if verbose:
                extra = ""
                if migration:
                    extra = " | inner m_uu residual %.1e | sum L'/sum R - 1 = %.1e | welfare identity %.1e" % (
                        info["inner_residual"], info["pop_conservation"], st["welfare_identity"])
                print("  solve %-24s newton %2d  max|F| %.2e (history %s)  dropped goods eq. (Walras) %.1e%s  %.2f s"
                      % (label, info["iterations"], info["residual"],
                         " ".join("%.0e" % h[1] for h in hist), info["walras"], extra, info["seconds"]))
    return b, results


def write_csv(path, header, rows):
    with open(path, "w", newline="") as f:
        wr = csv.writer(f, lineterminator="\n")
        wr.writerow(header)
        for r in rows:
            wr.writerow(r)


def fmt(x, nd=10):
    if isinstance(x, str):
        return x
    if x is None or (isinstance(x, float) and np.isnan(x)):
        return "NA"
    return "%.*g" % (nd, x)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--data", default=os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))),
                                                   "inputs", "tombe-zhu-2019"))
    ap.add_argument("--out", required=True)
    ap.add_argument("--base", choices=["consistent", "authors"], default="consistent")
    ap.add_argument("--tol", type=float, default=1e-13,
                    help="max |residual| (every residual is relative or in logs); default 1e-13")
    ap.add_argument("--no-crosscheck", action="store_true",
                    help="skip the other base variant and the scipy second solve")
    args = ap.parse_args()
    np.set_printoptions(linewidth=140)
    failures = []

    try:
        p = read_params(os.path.join(args.data, FILES["parameters"]))
        data = read_data(args.data)
    except (InputError, OSError, KeyError, ValueError) as e:
        print("tz_reference: input error: %s" % e, file=sys.stderr)
        return 2
    os.makedirs(args.out, exist_ok=True)
    print("tz_reference: Tombe & Zhu (2019) exact hat algebra | data %s | base %s | tol %.0e"
          % (args.data, args.base, args.tol))
    print("  parameters: theta %g, eps %g, alpha %s, lambda %s, iota %s, delta_h %g, eta %s, L_ROW %g"
          % (p["theta"], p["eps"], p["alpha"], p["lam"], p["iota"].round(6).tolist(), p["delta_h"],
             p["eta"], p["L_row"]))

    log = []
    t0 = time.time()
    b, res = solve_all(data, p, args.base, args.tol, log)
    print("  base-year fixed point X = M(pi) X: max_n |X - MX|_n / X_n = %.1e" % b["fixed_point_residual"])
    if b["fixed_point_residual"] > 1e-13:
        failures.append("base fixed point residual %.1e" % b["fixed_point_residual"])

    # Zero shock: the base must be a solution (every hat 1) — exact for --base consistent.
    for migration in (True, False):
        m0 = HatModel(b, p, trade_cost_change(data["tauhat"], "none"), migration)
        r0 = np.max(np.abs(m0.evaluate(np.zeros(m0.nvar))))
        print("  zero shock, migration %-3s: max|F(hats = 1)| = %.1e" % ("yes" if migration else "no", r0))
        if args.base == "consistent" and r0 > 1e-12:
            failures.append("zero shock residual %.1e" % r0)

    # ---- Table 5
    t5 = table5(b, p)
    rows5 = []
    print("\nTable 5 (2000): flow-weighted harmonic mean of migration costs")
    pub = {r[0]: r for r in TABLE5_PUBLISHED}
    for name, cost, share in t5:
        rows5.append([name, "%.6f" % cost, "%.6f" % share])
        tag = ""
        if name in pub:
            _, pc, ps, nd = pub[name]
            ok = abs(cost - pc) <= 10.0 ** (-nd) * (1 + 1e-9)
            ok_s = ps is None or abs(share - ps) <= 1e-3 * (1 + 1e-9)
            tag = "published %.2f%s -> %s" % (pc, "" if ps is None else " (share %.3f)" % ps,
                                             "ok" if ok and ok_s else "MISMATCH")
            if not (ok and ok_s):
                failures.append("Table 5 %s: %.4f vs %.2f" % (name, cost, pc))
        print("  %-32s cost %8.3f  migrant share %.4f  %s" % (name, cost, share, tag))
    write_csv(os.path.join(args.out, "table5.csv"), ["statistic", "cost", "share"], rows5)

    # ---- Table 8
    cols = ["real_gdp_pct", "welfare_pct", "internal_trade_pp", "international_trade_pp",
            "within_province_migration_pct", "between_province_migration_pct"]
    rows8 = []
    print("\nTable 8: 2002->2007 trade-cost changes (base-year internal import share %.4f, international %.4f)"
          % (res[0]["base_internal"], res[0]["base_international"]))
    print("  %-9s %-4s %9s %9s %9s %9s %9s %9s" % ("exp", "mig", "realGDP%", "welfare%", "int.pp",
                                                    "intl.pp", "withinM%", "betwM%"))
    for r in res:
        rows8.append([r["experiment"], r["migration"]] + [fmt(r[c]) for c in cols])
        print("  %-9s %-4s %s" % (r["experiment"], r["migration"],
                                  " ".join("%9.3f" % r[c] if not np.isnan(r[c]) else "%9s" % "NA" for c in cols)))
        if not r["ok"] or r["residual"] > 1e-12:
            failures.append("solve %s/%s residual %.1e" % (r["experiment"], r["migration"], r["residual"]))
        if r["walras"] > 1e-10:
            failures.append("Walras %s/%s %.1e" % (r["experiment"], r["migration"], r["walras"]))
        if r["welfare_identity"] > 1e-10:
            failures.append("welfare identity %.1e" % r["welfare_identity"])
    write_csv(os.path.join(args.out, "table8.csv"), ["experiment", "migration"] + cols, rows8)

    # ---- base_year.csv
    rows = []
    for n in range(NREG):
        for s in range(NS):
            u = 2 * n + s if n < NPROV else None
            name = data["provinces"][n] if n < NPROV else "ROW"
            w_level = p["alpha"][s] * b["Rev"][n, s] / b["Lreg"][n, s]
            rows.append([n + 1, name, SECTOR_NAMES[s], "" if u is None else u + 1,
                         fmt(b["Rev"][n, s], 15), fmt(b["X"][n, s], 15), fmt(b["I"][n, s], 15),
                         fmt(b["Lreg"][n, s], 15), fmt(w_level, 15),
                         "" if u is None else fmt(b["Lmodel"][u], 15),
                         "" if u is None else fmt(b["Rh"][u], 15),
                         "" if u is None else fmt(b["V"][u], 15),
                         "" if u is None else fmt(b["C0"][u], 15),
                         "" if u is None else fmt(b["m0"][u, u], 15),
                         fmt(b["pi"][s][n, n], 15)])
    write_csv(os.path.join(args.out, "base_year.csv"),
              ["region_index", "region", "sector", "unit_index", "revenue", "spending", "group_income",
               "employment", "wage_implied", "employment_model", "hukou", "real_income_V", "rebate_C",
               "stay_share_m_uu", "own_trade_share"], rows)

    # ---- table8_detail.csv
    rows = []
    for r in res:
        sol = r["sol"]
        for n in range(NREG):
            for s in range(NS):
                u = 2 * n + s if n < NPROV else None
                mig = sol["mig"]
                rows.append([r["experiment"], r["migration"], n + 1,
                             data["provinces"][n] if n < NPROV else "ROW", SECTOR_NAMES[s],
                             fmt(sol["w"][n, s], 15), fmt(sol["P"][n, s], 15), fmt(sol["Pc"][n], 15),
                             fmt(sol["Lh"][n, s], 15), fmt(sol["q"][n, s], 15), fmt(sol["V"][n, s], 15),
                             fmt(sol["Rn"][n, s] / b["Rev"][n, s], 15), fmt(sol["Xn"][n, s] / b["X"][n, s], 15),
                             fmt(sol["pin"][s][n, n], 15),
                             "" if (u is None or mig is None) else fmt(mig["C"][u] / b["C0"][u], 15),
                             "" if (u is None or mig is None) else fmt(mig["m"][u, u], 15)])
    write_csv(os.path.join(args.out, "table8_detail.csv"),
              ["experiment", "migration", "region_index", "region", "sector", "w_hat", "P_sector_hat",
               "P_goods_hat", "L_hat", "q_hat", "V_hat", "revenue_hat", "spending_hat", "own_trade_share_new",
               "C_hat", "stay_share_new"], rows)

    # ---- table8_supplement.csv: levels behind the Table 8 changes, and MODEL.md §7's welfare
    sup = ["base_internal", "new_internal", "base_international", "new_international",
           "within_share_base", "within_share_new", "between_share_base", "between_share_new",
           "welfare_logmean_pct", "iterations", "residual"]
    write_csv(os.path.join(args.out, "table8_supplement.csv"), ["experiment", "migration"] + sup,
              [[r["experiment"], r["migration"]] + [fmt(r[c]) for c in sup] for r in res])

    # ---- convergence.csv
    write_csv(os.path.join(args.out, "convergence.csv"), ["solve", "newton_iteration", "max_abs_residual"],
              [[l, i, "%.3e" % v] for (l, i, v) in log])

    # ---- cross-checks
    if not args.no_crosscheck:
        other = "authors" if args.base == "consistent" else "consistent"
        print("\nCross-check 1: base variant '%s'" % other)
        b2, res2 = solve_all(data, p, other, args.tol, [], verbose=False)
        t5b = table5(b2, p)
        d5 = max(abs(a[1] - c[1]) for a, c in zip(t5, t5b))
        d8 = max(abs(r[c] - q[c]) for r, q in zip(res, res2) for c in cols if not np.isnan(r[c]))
        print("  max |difference| Table 5 cost %.2e, Table 8 entries %.2e (pp or %%)" % (d5, d8))
        try:
            from scipy.optimize import root
        except ImportError:
            root = None
            print("Cross-check 2 skipped: scipy not available")
        if root is not None:
            print("Cross-check 2: scipy.optimize.root (hybr, MINPACK) from all hats = 1")
            dmax = 0.0
            for r in res:
                sol = root(r["model"].evaluate, np.zeros(r["model"].nvar), method="hybr",
                           options={"xtol": 1e-14, "maxfev": 200000})
                dx = np.max(np.abs(sol.x - r["x"]))
                rr = np.max(np.abs(r["model"].evaluate(sol.x)))
                dmax = max(dmax, dx)
                print("  %-9s mig %-3s: hybr max|F| %.1e (MINPACK: %s), max |log difference| from Newton %.1e"
                      % (r["experiment"], r["migration"], rr, sol.message.split(".")[0], dx))
            if dmax > 1e-9:
                failures.append("scipy root differs from Newton by %.1e" % dmax)

    print("\nwrote %s/{table5,table8,table8_supplement,base_year,table8_detail,convergence}.csv in %.1f s"
          % (args.out, time.time() - t0))
    if failures:
        print("FAILED checks:\n  " + "\n  ".join(failures))
        return 1
    print("all checks passed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
