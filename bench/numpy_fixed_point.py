#!/usr/bin/python3
"""Epoch-0 equilibrium of a regio scenario by a damped fixed point in NumPy (reference solver).

An independent, deliberately plain implementation of MODEL.md §2 with regio's documented
choices (docs/numerics.md, "Modelling choices"), used (a) as a reference to check regio's
C++/PETSc solver region by region (tests/reference/) and (b) as the "what applied papers do"
baseline for regio's iteration counts and timings (bench/README.md).

    /usr/bin/python3 bench/numpy_fixed_point.py SCENARIO.yaml [--out regions.csv]
        [--damping auto] [--population-damping D] [--tol 1e-10] [--max-iterations 50000]
        [--regio build/regio | --defaults params.yaml]

The model (first epoch, N regions, S sectors; every symbol as in MODEL.md):

  geography  d_ni great-circle km (haversine, R = 6371.0), d_ii = (2/3) sqrt(area_i/pi);
             tau_ni = (1 + d/d0)^phi * b^[prov(n) != prov(i)]   (one phi and b for all sectors)
             mu_od = mu0 (1 + d/d0)^phi_m * b_m^[prov(o) != prov(d)] * h_d  (o != d), mu_oo = 1
  prices     A_is = Abar_is (L_i/H_i)^gamma_s
             p_is = (w/alpha)^alpha (r/beta)^beta (q/lambda)^lambda / A_is   (0^0 = 1)
             Phi_ns = sum_k (tau_nk p_ks)^-theta_s,  P_n = prod_s Phi_ns^(-eta_s/theta_s)
  spending   I_n = w L + r K + q H over the factor markets that exist; T = 0, zeta = 1,
             rbar = 1 so omega_n = K_n / sum K;  J_n = phi S_n + (1 - phi) omega_n sum S,
             S = sigma I;  X_ns = eta_s [(1 - delta_h - sigma) I_n + J_n]
  markets    R_is = sum_n pi_nis X_ns;  labor  sum_s alpha_s R_is = w L
             capital  sum_s beta_s R_is = r K;  land  sum_s lambda_s R_is + delta_h I = q H
  migration  U_d = B_d (I_d/L_d) / (P_d^(1-delta_h) q_d^delta_h),
             L_d = sum_o R_o (U_d/mu_od)^eps / sum_k (U_k/mu_ok)^eps     (if enabled; else L = R)
  numeraire  sum_n L_n P_n / sum_n L_n = 1

The iteration (Gauss-Jacobi tatonnement, as in applied quantitative-spatial papers): with
demand D_f and supply value V_f (w L, r K, q H) of every market,

    w <- w (D_L / (w L))^lambda,   r <- r (D_K / (r K))^lambda,   q <- q (D_H / (q H))^lambda,
    L <- L + lambda_L (Lhat - L)    (keeps sum L = sum R),

then every factor price is divided by the price level Pbar = sum L P / sum L (P is
homogeneous of degree one in factor prices, so this sets Pbar = 1 exactly; it costs nothing:
it is done at the start of the next evaluation, rescaling Phi and P with the prices).
A factor that no sector uses has no market: its price stays 1 and it earns nothing (as in
regio, a land share 1 - alpha - beta within 1e-12 of 0 counts as 0). The default damping
lambda = lambda_L = 1/(1 + max_s theta_s max(alpha_s, beta_s, lambda_s)) is about the inverse
of the largest own-price elasticity of excess demand (0.31 for regio's default economy; the
iteration cycles above about twice that).

Stops when max(|log(D_f/V_f)|, |log(Lhat/L)|) <= tol over all regions and markets (the raw
excess demands), or after --max-iterations, or when the residual has not improved for 1000
iterations (cycling: lower --damping). regio stops on ||G||_2 <= solver.atol (1e-10), G =
log x - log T(x) after local clearing. Measured by loosening either solver on synthetic
geographies, the relative error of prices and populations is at most ~3x either residual, so
--tol 1e-10 gives about the accuracy of regio's default.

Initial guess as regio's (docs/numerics.md): w = 1, r = (sum eta beta / sum eta alpha) L/K,
q = ((sum eta lambda + delta_h) / sum eta alpha) L/H, L = the CSV population.

Scenario: regio's YAML; defaults come from `regio params` (the full default scenario; the
per-sector defaults from `regio params --markdown`), or from --defaults FILE (a YAML written by
`regio params`). `scale_to_observed_gdp: true` multiplies Abar by sum gdp / model GDP after the
solve (w, r, q, GDP scale by that factor; shares and P do not change: MODEL.md §6).

Prints iterations, residual evaluations and seconds; writes a CSV with columns region,
population, wage, capital_rent, land_rent, price_index, gdp (gdp = sum_s R_is + delta_h I_i).
Exit codes: 0 converged, 1 bad input, 2 no convergence (the CSV is still written).
Needs python3-numpy and python3-yaml.
"""

import argparse
import copy
import csv
import json
import math
import os
import re
import subprocess
import sys
import time

import numpy as np
import yaml

EARTH_KM = 6371.0
HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(HERE)

# Used only if neither `regio params --markdown` nor --defaults can tell them.
SECTOR_DEFAULTS_FALLBACK = {"theta": 4.0, "agglomeration": 0.0, "productivity_growth": 0.0, "agricultural": False}


# ------------------------------------------------------------------------------- inputs
def fail(msg):
    sys.stderr.write("numpy_fixed_point: error: %s\n" % msg)
    sys.exit(1)


def regio_defaults(regio, defaults_file):
    """(full default scenario dict, per-sector defaults dict)."""
    sector_defaults = dict(SECTOR_DEFAULTS_FALLBACK)
    if defaults_file:
        with open(defaults_file, encoding="utf-8") as f:
            return yaml.safe_load(f), sector_defaults
    if not (regio and os.path.exists(regio)):
        fail("cannot find the regio executable (%s) for `regio params`; pass --regio PATH or --defaults FILE" % regio)
    text = subprocess.run([regio, "params"], check=True, capture_output=True, text=True).stdout
    md = subprocess.run([regio, "params", "--markdown"], check=True, capture_output=True, text=True).stdout
    in_sectors = False
    for line in md.splitlines():
        if line.startswith("## "):
            in_sectors = line.startswith("## Sector parameters")
        m = re.match(r"\|\s*`(\w+)`\s*\|[^|]*\|\s*`([^`]*)`\s*\|", line) if in_sectors else None
        if m:
            key, val = m.group(1), m.group(2)
            sector_defaults[key] = yaml.safe_load(val)
    return yaml.safe_load(text), sector_defaults


def merge(base, over):
    out = copy.deepcopy(base)
    for k, v in (over or {}).items():
        if isinstance(v, dict) and isinstance(out.get(k), dict):
            out[k] = merge(out[k], v)
        else:
            out[k] = v
    return out


def load_scenario(path, regio, defaults_file):
    defaults, sector_defaults = regio_defaults(regio, defaults_file)
    with open(path, encoding="utf-8") as f:
        user = yaml.safe_load(f) or {}
    sc = merge(defaults, user)
    sc["sectors"] = [merge(sector_defaults, s) for s in sc["sectors"]]
    if not sc.get("regions"):
        fail("%s: 'regions' is required" % path)
    sc["regions_path"] = os.path.join(os.path.dirname(os.path.abspath(path)), sc["regions"])
    return sc


def load_regions(path, sector_names):
    with open(path, newline="", encoding="utf-8-sig") as f:
        rows = list(csv.DictReader(f))
    if not rows:
        fail("%s: no regions" % path)

    def col(name, default=None):
        out = []
        for r in rows:
            v = (r.get(name) or "").strip()
            if v == "":
                if default is None:
                    fail("%s: region %s lacks %s" % (path, r.get("id"), name))
                out.append(default(r) if callable(default) else default)
            else:
                out.append(float(v))
        return np.array(out)
    g = {
        "id": [r["id"] for r in rows],
        "province": [r["province"] for r in rows],
        "lat": col("lat"), "lon": col("lon"), "area": col("area_km2"), "H": col("land_km2"),
        "L0": col("population"), "K": col("capital"), "B": col("amenity", 1.0),
        "gdp_obs": col("gdp", 0.0),
    }
    g["R"] = col("registered", lambda r: float(r["population"]))
    prods = []
    for s in sector_names:
        key = "productivity_" + s if "productivity_" + s in rows[0] else "productivity"
        if key not in rows[0]:
            fail("%s: no column productivity_%s or productivity" % (path, s))
        prods.append(col(key))
    g["Abar"] = np.column_stack(prods)
    return g


# ------------------------------------------------------------------------------- model
class Economy:
    def __init__(self, sc, g):
        sec = sc["sectors"]
        self.S = len(sec)
        self.names = [s["name"] for s in sec]
        self.theta = np.array([float(s["theta"]) for s in sec])
        self.alpha = np.array([float(s["labor_share"]) for s in sec])
        self.beta = np.array([float(s["capital_share"]) for s in sec])
        lam = 1.0 - self.alpha - self.beta
        # as regio: a land share within 1e-12 of 0 is 0 (1 - 0.7 - 0.3 = 5.6e-17 must not
        # create a land market)
        self.lam = np.where(np.abs(lam) < 1e-12, 0.0, np.maximum(0.0, lam))
        self.eta = np.array([float(s["consumption_share"]) for s in sec])
        self.gamma = np.array([float(s.get("agglomeration", 0.0)) for s in sec])
        hh = sc["households"]
        self.dh, self.sigma = float(hh["housing_share"]), float(hh["saving_rate"])
        self.home_bias = float(sc["capital"]["home_bias"])
        self.active = [True, bool((self.beta > 0).any()), bool((self.lam > 0).any() or self.dh > 0)]
        self.migration = bool(sc["migration"]["enabled"])
        self.eps = float(sc["migration"]["elasticity"])

        def xlogx(a):
            return np.where(a > 0, a * np.log(np.where(a > 0, a, 1.0)), 0.0)
        self.logc = -(xlogx(self.alpha) + xlogx(self.beta) + xlogx(self.lam))  # log alpha^-alpha beta^-beta lambda^-lambda

        self.g = g
        self.N = len(g["id"])
        self.logAbar = np.log(g["Abar"])
        self.logH = np.log(g["H"])

        # Bilateral kernels (dense N x N).
        la, lo = np.radians(g["lat"]), np.radians(g["lon"])
        h = (np.sin((la[None, :] - la[:, None]) / 2) ** 2
             + np.cos(la[:, None]) * np.cos(la[None, :]) * np.sin((lo[None, :] - lo[:, None]) / 2) ** 2)
        d = 2.0 * EARTH_KM * np.arcsin(np.minimum(1.0, np.sqrt(h)))
        np.fill_diagonal(d, (2.0 / 3.0) * np.sqrt(g["area"] / math.pi))
        prov = np.array(g["province"])
        border = prov[:, None] != prov[None, :]
        tr, mg = sc["trade"], sc["migration"]
        d0 = float(tr["d0_km"])
        log1p = np.log1p(d / d0)
        log_tau = float(tr["distance_elasticity"]) * log1p + np.where(border, math.log(float(tr["border_cost"])), 0.0)
        # one kernel tau^-theta per distinct theta
        self.groups = {}
        for s, th in enumerate(self.theta):
            self.groups.setdefault(th, []).append(s)
        self.T = {th: np.exp(-th * log_tau) for th in self.groups}
        del log_tau
        if self.migration:
            log_mu = (math.log(float(mg["moving_cost"])) + float(mg["distance_elasticity"]) * log1p
                      + np.where(border, math.log(float(mg["border_cost"])), 0.0)
                      + math.log(float(mg["hukou_barrier"])))            # h_d, same for every d
            self.M = np.exp(-self.eps * log_mu)                           # M_od = mu_od^-eps
            np.fill_diagonal(self.M, 1.0)                                 # mu_oo = 1
        self.omega = g["K"] / g["K"].sum()
        self.evaluations = 0

    def default_damping(self):
        """1 / (1 + max_s theta_s max(alpha_s, beta_s, lambda_s)): about the inverse of the largest
        own-price elasticity of a market's excess demand, so the step is a damped diagonal Newton
        step; twice that is the stability limit (0.31 for regio's default economy)."""
        share = np.maximum(np.maximum(self.alpha, self.beta), self.lam)
        return float(1.0 / (1.0 + np.max(self.theta * share)))

    def initial_guess(self):
        g = self.g
        a, b, l = (self.eta * self.alpha).sum(), (self.eta * self.beta).sum(), (self.eta * self.lam).sum()
        L = g["L0"].copy() if self.migration else g["R"].copy()
        w = np.ones(self.N)
        r = (b / a) * L / g["K"] if self.active[1] else np.ones(self.N)
        q = ((l + self.dh) / a) * L / g["H"] if self.active[2] else np.ones(self.N)
        return w, r, q, L

    def evaluate(self, w, r, q, L):
        """Normalise prices so that Pbar = 1, then every quantity of MODEL.md §2 at (w, r, q, L).
        Returns (w, r, q) normalised and a dict of results."""
        self.evaluations += 1
        g = self.g
        logA = self.logAbar + self.gamma[None, :] * (np.log(L) - self.logH)[:, None]
        logp = (self.logc[None, :] + self.alpha[None, :] * np.log(w)[:, None]
                + self.beta[None, :] * np.log(r)[:, None] + self.lam[None, :] * np.log(q)[:, None] - logA)
        pp = np.exp(-self.theta[None, :] * logp)                          # p^-theta
        Phi = np.empty_like(pp)
        for th, ss in self.groups.items():
            Phi[:, ss] = self.T[th] @ pp[:, ss]
        logP = -(self.eta[None, :] * np.log(Phi) / self.theta[None, :]).sum(axis=1)
        Pbar = (L * np.exp(logP)).sum() / L.sum()
        # numeraire: scale factor prices by c = 1/Pbar; p scales by c, Phi by c^-theta, P by c
        c = 1.0 / Pbar
        w = w * c
        if self.active[1]:
            r = r * c
        if self.active[2]:
            q = q * c
        scale = c ** -self.theta
        pp = pp * scale[None, :]
        Phi = Phi * scale[None, :]
        P = np.exp(logP) * c

        I = w * L
        if self.active[1]:
            I = I + r * g["K"]
        if self.active[2]:
            I = I + q * g["H"]
        Sv = self.sigma * I
        J = self.home_bias * Sv + (1.0 - self.home_bias) * self.omega * Sv.sum()
        X = self.eta[None, :] * ((1.0 - self.dh - self.sigma) * I + J)[:, None]
        MA = np.empty_like(pp)
        ratio = X / Phi
        for th, ss in self.groups.items():
            MA[:, ss] = self.T[th].T @ ratio[:, ss]
        Rev = pp * MA                                                      # R_is
        res = {"P": P, "I": I, "Rev": Rev, "X": X, "Pbar_before": Pbar}
        res["D"] = [Rev @ self.alpha, Rev @ self.beta, Rev @ self.lam + self.dh * I]
        res["V"] = [w * L, r * g["K"], q * g["H"]]
        if self.migration:
            qh = q if self.active[2] else np.ones(self.N)
            U = g["B"] * (I / L) / (P ** (1.0 - self.dh) * qh ** self.dh)
            Ue = U ** self.eps
            D = self.M @ Ue                                                # origin denominators
            res["Lhat"] = Ue * (self.M.T @ (g["R"] / D))
            res["U"] = U
        return w, r, q, res

    def residuals(self, L, res):
        """max |log(D/V)| per market (None if it does not exist), max |log(Lhat/L)|."""
        out = []
        for f in range(3):
            out.append(float(np.max(np.abs(np.log(res["D"][f] / res["V"][f])))) if self.active[f] else None)
        mig = float(np.max(np.abs(np.log(res["Lhat"] / L)))) if self.migration else 0.0
        return out, mig

    def solve(self, damping, pop_damping, tol, max_iterations, monitor=0):
        w, r, q, L = self.initial_guess()
        history = []
        it = 0
        while True:
            w, r, q, res = self.evaluate(w, r, q, L)
            fres, mres = self.residuals(L, res)
            norm = max([x for x in fres if x is not None] + [mres])
            history.append(norm)
            if monitor and (it % monitor == 0):
                print("  iteration %6d  max|log D/S| %.3e  max|log Lhat/L| %.3e" % (
                    it, max(x for x in fres if x is not None), mres))
            if not math.isfinite(norm) or norm <= tol or it >= max_iterations or norm > 1e3 * max(1.0, history[0]):
                break
            if it >= 2000 and min(history[-1000:]) >= 0.999 * min(history[:-1000]):
                break  # no progress in 1000 iterations: cycling (damping too large) or stalled
            # damped tatonnement on every market, simultaneously (Gauss-Jacobi)
            w = w * (res["D"][0] / res["V"][0]) ** damping
            if self.active[1]:
                r = r * (res["D"][1] / res["V"][1]) ** damping
            if self.active[2]:
                q = q * (res["D"][2] / res["V"][2]) ** damping
            if self.migration:
                L = L + pop_damping * (res["Lhat"] - L)
            it += 1
        return dict(w=w, r=r, q=q, L=L, res=res, iterations=it, norm=norm, factor_residuals=fres,
                    migration_residual=mres, converged=math.isfinite(norm) and norm <= tol, history=history)


def write_csv(path, econ, sol, gdp_scale):
    g = econ.g
    res = sol["res"]
    gdp = res["Rev"].sum(axis=1) + econ.dh * res["I"]
    cols = [sol["w"], sol["r"], sol["q"]]
    out = [c * gdp_scale if econ.active[f] else np.ones(econ.N) for f, c in enumerate(cols)]
    d = os.path.dirname(os.path.abspath(path))
    os.makedirs(d, exist_ok=True)
    with open(path, "w", newline="", encoding="utf-8") as f:
        wr = csv.writer(f, lineterminator="\n")
        wr.writerow(["region", "population", "wage", "capital_rent", "land_rent", "price_index", "gdp"])
        for i in range(econ.N):
            wr.writerow([g["id"][i]] + ["%.17g" % v for v in (sol["L"][i], out[0][i], out[1][i], out[2][i],
                                                                res["P"][i], gdp[i] * gdp_scale)])


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("scenario", help="regio scenario YAML")
    ap.add_argument("--out", default="numpy_fixed_point.csv", help="output CSV (default: ./numpy_fixed_point.csv)")
    ap.add_argument("--damping", type=float, default=None,
                    help="price step exponent lambda (default 1/(1 + max_s theta_s max(alpha_s, beta_s, "
                         "lambda_s)), the inverse of the largest own-price elasticity of excess demand)")
    ap.add_argument("--population-damping", type=float, default=None,
                    help="population step lambda_L (default: = --damping)")
    ap.add_argument("--tol", type=float, default=1e-10,
                    help="stop when max |log(D/S)| and max |log(Lhat/L)| <= tol (default 1e-10)")
    ap.add_argument("--max-iterations", type=int, default=50000)
    ap.add_argument("--regio", default=os.path.join(REPO, "build", "regio"),
                    help="regio executable for the default parameters (default: build/regio)")
    ap.add_argument("--defaults", default=None, help="YAML of defaults (from `regio params`) instead of running regio")
    ap.add_argument("--monitor", type=int, default=0, help="print the residual every K iterations")
    ap.add_argument("--summary", default=None,
                    help="also write a JSON summary (iterations, evaluations, seconds, residuals) to this file")
    args = ap.parse_args(argv)

    sc = load_scenario(args.scenario, args.regio, args.defaults)
    t0 = time.perf_counter()
    g = load_regions(sc["regions_path"], [s["name"] for s in sc["sectors"]])
    econ = Economy(sc, g)
    t1 = time.perf_counter()
    if args.damping is None:
        args.damping = econ.default_damping()
    with np.errstate(all="ignore"):  # a diverging iteration is reported, not warned about
        sol = econ.solve(args.damping, args.damping if args.population_damping is None else args.population_damping,
                         args.tol, args.max_iterations, args.monitor)
    t2 = time.perf_counter()
    gdp_scale = 1.0
    if sc.get("scale_to_observed_gdp"):
        model = (sol["res"]["Rev"].sum(axis=1) + econ.dh * sol["res"]["I"]).sum()
        gdp_scale = g["gdp_obs"].sum() / model
    out = args.out
    write_csv(out, econ, sol, gdp_scale)

    fr = sol["factor_residuals"]
    names = ["labor", "capital", "land"]
    parts = ", ".join("%s %.2e" % (names[f], fr[f]) for f in range(3) if fr[f] is not None)
    print("numpy fixed point | %d regions, %d sectors, migration %s | damping %.4g/%.4g | tol %.1e" % (
        econ.N, econ.S, "on" if econ.migration else "off", args.damping,
        args.damping if args.population_damping is None else args.population_damping, args.tol))
    print("%s after %d iterations (%d residual evaluations) | max|log D/S|: %s | max|log Lhat/L| %.2e | "
          "setup %.3f s, solve %.3f s" % ("converged" if sol["converged"] else "NOT converged", sol["iterations"],
                                           econ.evaluations, parts, sol["migration_residual"], t1 - t0, t2 - t1))
    print("output: %s%s" % (out, "" if gdp_scale == 1.0 else " (scaled to observed GDP by %.6g)" % gdp_scale))
    if args.summary:
        summary = dict(regions=econ.N, sectors=econ.S, migration=econ.migration, damping=args.damping,
                       tol=args.tol, converged=sol["converged"], iterations=sol["iterations"],
                       residual_evaluations=econ.evaluations, setup_seconds=t1 - t0, solve_seconds=t2 - t1,
                       residual=sol["norm"], migration_residual=sol["migration_residual"],
                       factor_residuals=dict(zip(names, fr)), gdp_scale=gdp_scale)
        with open(args.summary, "w", encoding="utf-8") as f:
            json.dump(summary, f, indent=1)
            f.write("\n")
    return 0 if sol["converged"] else 2


if __name__ == "__main__":
    sys.exit(main())
