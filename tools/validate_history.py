#!/usr/bin/python3
"""The history-based forecast from 2010 judged against 2020 (MODEL.md §14, docs/forecast-protocol.md).

Used by tools/validate_2010_2020.py, which writes docs/validation.md: `run(drv, work, out, img)`
calibrates every year 2000–2010 and writes the forecast (`regio calibrate --history --until 2010`
with inputs/china31-2010/history-calibration.yaml), runs it to 2020, builds the two naive
forecasts of protocol §5 (persistence: the 2010 shares; trend: each province's 2000→2010 change
of its log share per year continued ten years and renormalised), computes the protocol's measures
against the panel's 2020 (and 2019) rows, runs the sensitivity variants the protocol lists (ϕ, ν,
the wedge projection rules, ρ), draws docs/img/validation-history.png and returns what
`markdown(ctx)` turns into the page's first part. The forecast reads no number after 2010 (the
guard test history_calibration_np*); only this judge reads the panel's 2011–2020 rows.
"""

import csv
import math
import os

import numpy as np

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

import regio_driver as rd  # noqa: E402

REPO = rd.REPO
PANEL = os.path.join(REPO, "inputs", "china31-history", "panel.csv")
HISTORY = os.path.join(REPO, "inputs", "china31-history")
SCENARIO = os.path.join(REPO, "inputs", "china31-2010", "history-calibration.yaml")
T, END, FIRST = 2010, 2020, 2000
NORTHEAST = ("Liaoning", "Jilin", "Heilongjiang")
SOUTHWEST = ("Chongqing", "Sichuan", "Guizhou", "Yunnan")


# ----------------------------------------------------------------------------
# Data and measures
# ----------------------------------------------------------------------------

def read_panel():
    """{(code, year): row} of panel.csv up to 2020 (the judge's data) and the province order."""
    rows, codes, names = {}, [], {}
    for r in rd.read_csv(PANEL):
        rows[(r["code"], int(r["year"]))] = r
        if r["code"] not in names:
            codes.append(r["code"])
            names[r["code"]] = r["name_en"]
    return rows, codes, [names[c] for c in codes]


def panel_shares(rows, codes, year, col):
    v = np.array([float(rows[(c, year)][col]) for c in codes])
    return v / v.sum()


def theil(pop_share, gdp_share):
    """Population-weighted Theil T of GDP per capita: Σ g_i ln(g_i / p_i)."""
    return float(np.sum(gdp_share * np.log(gdp_share / pop_share)))


def trend_forecast(s0, s1, years):
    """Each province's log share continued at its 2000→2010 change per year, renormalised."""
    g = (np.log(s1) - np.log(s0)) / (T - FIRST)
    x = s1 * np.exp(g * years)
    return x / x.sum()


def errors(pred, obs):
    e = (pred - obs) * 100
    return {"rmse": float(np.sqrt(np.mean(e ** 2))), "mae": float(np.mean(np.abs(e))),
            "max": float(np.max(np.abs(e)))}


def group_change(names, pred, base, group):
    return float(sum(pred[names.index(n)] - base[names.index(n)] for n in group) * 100)


class Run:
    """A forecast's regions.csv and aggregates.csv as shares by epoch."""

    def __init__(self, agg, reg, codes):
        self.agg = agg
        by = {(int(r["epoch"]), r["region"]): r for r in reg}
        self.epochs = sorted({int(r["epoch"]) for r in reg})
        self.pop = {e: self._shares(by, e, codes, "population") for e in self.epochs}
        self.gdp = {e: self._shares(by, e, codes, "gdp") for e in self.epochs}
        self.rows = by

    @staticmethod
    def _shares(by, e, codes, col):
        v = np.array([float(by[(e, c)][col]) for c in codes])
        return v / v.sum()

    def theil(self, e):
        return float(self.agg[e]["theil"])


def measures(run, obs, names):
    """The protocol's measures of one forecast run against the observed 2020 (epoch 10)."""
    e = END - T
    return {"pop": errors(run.pop[e], obs["pop"]), "gdp": errors(run.gdp[e], obs["gdp"]),
            "theil_change": run.theil(e) - run.theil(0),
            "northeast": group_change(names, run.pop[e], run.pop[0], NORTHEAST),
            "southwest": group_change(names, run.gdp[e], run.gdp[0], SOUTHWEST)}


# ----------------------------------------------------------------------------
# Runs
# ----------------------------------------------------------------------------

def calibrate_history(drv, scenario, out, home_bias=None):
    args = ["calibrate", scenario, "--history", HISTORY, "--until", str(T), "--out", out]
    if home_bias is not None:
        args += ["--home-bias", str(home_bias)]
    return drv._mpirun(args)


def read_trends(folder):
    return {(r["variable"], r["statistic"]): float(r["value"]) for r in rd.read_csv(os.path.join(folder, "trends.csv"))}


def run_forecast(drv, folder, out, overrides=(), regions=None):
    sc = rd.load_scenario(os.path.join(folder, "forecast.yaml"))
    for k, v in overrides:
        sc = rd.set_param(sc, k, v)
    if regions:
        sc["regions"] = regions
    return drv.run(sc, out, workdir=os.path.dirname(out))


def wedge_rule(folder, rule):
    """log ζ̂ and its drift by one of the protocol's projection rules, from history.csv."""
    hist = [r for r in rd.read_csv(os.path.join(folder, "history.csv")) if r["log_wedge"]]
    years = sorted({int(r["year"]) for r in hist})
    ids = [r["id"] for r in hist if int(r["year"]) == years[0]]
    z = np.array([[float(r["log_wedge"]) for r in hist if int(r["year"]) == y] for y in years])
    if rule == "mean_last_three":
        return ids, z[-3:].mean(axis=0), np.zeros(len(ids))
    t = np.arange(len(years), dtype=float)
    slope = ((t - t.mean())[:, None] * (z - z.mean(axis=0))).sum(axis=0) / ((t - t.mean()) ** 2).sum()
    return ids, z.mean(axis=0) + slope * (t[-1] - t.mean()), slope


def rule_variant(drv, folder, rule, work):
    """The forecast with another wedge projection: its start recalibrated with those wedges."""
    ids, level, drift = wedge_rule(folder, rule)
    low = min(level[i] + k * drift[i] for i in range(len(ids)) for k in range(END - T + 1))

    def edit(rows):
        for r in rows:
            i = ids.index(r["id"])
            r["capital_friction"] = repr(math.exp(level[i] - low))
            r["capital_friction_drift"] = repr(float(drift[i]))
    return csv_variant(drv, folder, work, edit, recalibrate=True)


def csv_variant(drv, main_dir, work, edit, recalibrate=False):
    """The forecast with its start CSV edited (drifts, natural growth, wedges): recalibrated where the
    edit changes epoch 0 (the wedges), run as it is otherwise (the drifts act from epoch 1)."""
    rows = rd.read_csv(os.path.join(main_dir, "regions_forecast.csv"))
    edit(rows)
    os.makedirs(work, exist_ok=True)
    path = os.path.join(work, "regions_start.csv")
    with open(path, "w", newline="", encoding="utf-8") as f:
        w = csv.DictWriter(f, fieldnames=list(rows[0].keys()), lineterminator="\n")
        w.writeheader()
        w.writerows(rows)
    if recalibrate:
        sc = rd.load_scenario(os.path.join(main_dir, "forecast.yaml"))
        sc["regions"] = path
        path = os.path.join(work, "regions_calibrated.csv")
        drv.calibrate(sc, path, workdir=work)
    return run_forecast(drv, main_dir, os.path.join(work, "run"), regions=path)


def set_columns(**values):
    def edit(rows):
        for r in rows:
            for k, v in values.items():
                r[k] = repr(v(rows, r)) if callable(v) else repr(v)
    return edit


def national_growth(rows, _):
    return (sum(float(r["natural_growth"]) * float(r["population"]) for r in rows) /
            sum(float(r["population"]) for r in rows))


def channels(drv, main_dir, work):
    """Diagnostics after the comparison (not the forecast): one estimated component removed."""
    w = os.path.join
    return [
        ("noamenitydrift", "no amenity effects (α_B = 0)",
         csv_variant(drv, main_dir, w(work, "c1"), set_columns(amenity_drift=0.0))),
        ("noproductivitydrift", "no productivity effects (α_A = 0)",
         csv_variant(drv, main_dir, w(work, "c2"), set_columns(productivity_drift=0.0))),
        ("noeffects", "no province effects (α_A = α_B = 0)",
         csv_variant(drv, main_dir, w(work, "c3"), set_columns(productivity_drift=0.0, amenity_drift=0.0))),
        ("noconvergence", "no convergence terms (β_A = β_B = 0)",
         run_forecast(drv, main_dir, w(work, "c4"), [("productivity.convergence", 0),
                                                      ("migration.amenity_convergence", 0)])),
        ("nationalgrowth", "one national natural growth rate",
         csv_variant(drv, main_dir, w(work, "c5"), set_columns(natural_growth=national_growth))),
        ("nowedges", "no wedges (ζ = 1, r̄ = 1: Part I's capital market, start recalibrated)",
         csv_variant(drv, main_dir, w(work, "c6"), set_columns(capital_friction=1.0, capital_friction_drift=0.0,
                                                               capital_rent_lagged=1.0), recalibrate=True)),
    ]


def variants(drv, main_dir, work):
    """(key, label, (agg, reg)) of the protocol's sensitivity runs."""
    out = []
    for phi in (0.3, 0.6):
        d = os.path.join(work, f"phi{phi}")
        calibrate_history(drv, SCENARIO, d, phi)
        out.append((f"phi{phi}", f"ϕ = {phi}", run_forecast(drv, d, os.path.join(work, f"phi{phi}-run"))))
    for nu in (1, 3):
        d = os.path.join(work, f"nu{nu}")
        os.makedirs(d, exist_ok=True)
        y = os.path.join(work, f"nu{nu}.yaml")
        with open(y, "w", encoding="utf-8") as f:
            f.write(f"base: {SCENARIO}\ncapital:\n  allocation_elasticity: {nu}\n")
        calibrate_history(drv, y, d)
        out.append((f"nu{nu}", f"ν = {nu}", run_forecast(drv, d, os.path.join(work, f"nu{nu}-run"))))
    for rule, label in (("mean_last_three", "wedges: mean of 2008–2010 held"),
                        ("linear_trend", "wedges: linear trends 2001–2010 continued")):
        out.append((rule, label, rule_variant(drv, main_dir, rule, os.path.join(work, rule))))
    for rho in (0.0, 0.02):
        out.append((f"rho{rho}", f"ρ = {rho}", run_forecast(drv, main_dir, os.path.join(work, f"rho{rho}"),
                                                          [("migration.conversion_rate", rho)])))
    return out


def run(drv, work, out, img):
    rows, codes, names = read_panel()
    main_dir = os.path.join(out, "history-2010")
    log = calibrate_history(drv, SCENARIO, main_dir)
    agg, reg = run_forecast(drv, main_dir, os.path.join(out, "forecast-2010"))
    main = Run(agg, reg, codes)
    s = {y: {"pop": panel_shares(rows, codes, y, "population"), "gdp": panel_shares(rows, codes, y, "gdp_nominal")}
         for y in range(FIRST, END + 1)}
    trend = {k: trend_forecast(s[FIRST][k], s[T][k], END - T) for k in ("pop", "gdp")}
    obs = s[END]
    m = measures(main, obs, names)
    naive = {"persistence": {"pop": errors(s[T]["pop"], obs["pop"]), "gdp": errors(s[T]["gdp"], obs["gdp"]),
                             "theil_change": 0.0, "northeast": 0.0, "southwest": 0.0},
             "trend": {"pop": errors(trend["pop"], obs["pop"]), "gdp": errors(trend["gdp"], obs["gdp"]),
                       "theil_change": theil(trend["pop"], trend["gdp"]) - theil(s[T]["pop"], s[T]["gdp"]),
                       "northeast": group_change(names, trend["pop"], s[T]["pop"], NORTHEAST),
                       "southwest": group_change(names, trend["gdp"], s[T]["gdp"], SOUTHWEST)}}
    observed = {"theil": {y: theil(s[y]["pop"], s[y]["gdp"]) for y in s},
                "northeast": group_change(names, obs["pop"], s[T]["pop"], NORTHEAST),
                "southwest": group_change(names, obs["gdp"], s[T]["gdp"], SOUTHWEST)}
    var = [(k, label, measures(Run(a, r, codes), obs, names)) for k, label, (a, r) in variants(drv, main_dir, work)]
    chan = [(k, label, measures(Run(a, r, codes), obs, names)) for k, label, (a, r) in channels(drv, main_dir, work)]
    ctx = {"codes": codes, "names": names, "s": s, "trend": trend, "main": main, "m": m, "naive": naive,
           "observed": observed, "variants": var, "channels": chan, "trends": read_trends(main_dir), "log": log,
           "diag": diagnostics(rows, codes, names, main, s, main_dir)}
    with open(os.path.join(main_dir, "forecast.yaml"), encoding="utf-8") as f:
        ctx["forecast_yaml"] = f.read().splitlines()
    ctx["natural_growth"] = {r["name"]: float(r["natural_growth"])
                             for r in rd.read_csv(os.path.join(main_dir, "regions_forecast.csv"))}
    ctx["amenity_effect"] = {r["name"]: float(r["log_amenity_effect"])
                             for r in rd.read_csv(os.path.join(main_dir, "province_effects.csv"))}
    figure(ctx, os.path.join(img, "validation-history.png"))
    write_table(ctx, os.path.join(out, "validation_history_shares.csv"))
    return ctx


# ----------------------------------------------------------------------------
# Diagnostics for the discussion (the judge's data: after 2010 only here)
# ----------------------------------------------------------------------------

def diagnostics(rows, codes, names, main, s, main_dir):
    """Investment rates and natural growth by region group: the model's against the data."""
    reg = {r["id"]: r for r in rd.read_csv(os.path.join(main_dir, "regions_forecast.csv"))}
    dk = 0.096
    groups = {"Northeast": NORTHEAST, "Southwest": SOUTHWEST,
              "coast (Beijing, Shanghai, Jiangsu, Zhejiang, Guangdong)":
                  ("Beijing", "Shanghai", "Jiangsu", "Zhejiang", "Guangdong")}
    out = {}
    for g, members in groups.items():
        cs = [codes[names.index(n)] for n in members]
        inv_sim = num = den = 0.0
        for c in cs:
            for e in range(END - T):
                r0, r1 = main.rows[(e, c)], main.rows[(e + 1, c)]
                num += (float(r1["capital"]) - (1 - dk) * float(r0["capital"])) * float(r0["price_index"])
                den += float(r0["gdp"])
        inv_sim = num / den
        inv_obs = (sum(float(rows[(c, y)]["gfcf_nominal"]) for c in cs for y in range(T, END)) /
                   sum(float(rows[(c, y)]["gdp_nominal"]) for c in cs for y in range(T, END)))
        pop = sum(float(reg[c]["population"]) for c in cs)
        ng = sum(float(reg[c]["natural_growth"]) * float(reg[c]["population"]) for c in cs) / pop
        out[g] = {"inv_sim": inv_sim, "inv_obs": inv_obs, "natural_growth": ng,
                  "pop_obs": sum(s[END]["pop"][names.index(n)] - s[T]["pop"][names.index(n)] for n in members) * 100,
                  "gdp_obs": sum(s[END]["gdp"][names.index(n)] - s[T]["gdp"][names.index(n)] for n in members) * 100,
                  "pop_sim": sum(main.pop[END - T][names.index(n)] - main.pop[0][names.index(n)]
                                 for n in members) * 100,
                  "gdp_sim": sum(main.gdp[END - T][names.index(n)] - main.gdp[0][names.index(n)]
                                 for n in members) * 100}
    total = sum(float(r["population"]) for r in reg.values())
    out["national_growth"] = sum(float(r["natural_growth"]) * float(r["population"]) for r in reg.values()) / total
    return out


# ----------------------------------------------------------------------------
# Figure and tables
# ----------------------------------------------------------------------------

def figure(ctx, path):
    names, s, main, trend = ctx["names"], ctx["s"], ctx["main"], ctx["trend"]
    e = END - T
    fig, axes = plt.subplots(2, 2, figsize=(11, 9.5))
    for ax, key, title in ((axes[0, 0], "pop", "population"), (axes[0, 1], "gdp", "GDP")):
        do = (s[END][key] - s[T][key]) * 100
        ds = ((main.pop if key == "pop" else main.gdp)[e] - s[T][key]) * 100
        dt = (trend[key] - s[T][key]) * 100
        lim = 1.1 * max(np.abs(do).max(), np.abs(ds).max(), np.abs(dt).max())
        ax.plot([-lim, lim], [-lim, lim], color="0.6", lw=0.8)
        ax.axhline(0, color="0.85", lw=0.6)
        ax.axvline(0, color="0.85", lw=0.6)
        ax.scatter(do, dt, marker="x", color="tab:orange", s=22, label="trend of the 2000s", zorder=2)
        ax.scatter(do, ds, color="tab:blue", s=22, label="regio (history-based)", zorder=3)
        for i in np.argsort(-np.maximum(np.abs(do), np.abs(ds - do)))[:8]:
            ax.annotate(names[i], (do[i], ds[i]), fontsize=7.5, xytext=(4, 3), textcoords="offset points")
        ax.set_xlim(-lim, lim)
        ax.set_ylim(-lim, lim)
        ax.set_xlabel(f"observed change of the {title} share 2010→2020 (pp)")
        ax.set_ylabel("forecast change (pp)")
        ax.set_title(f"{title} shares: forecast from 2010 against 2020")
        ax.legend(fontsize=8, loc="upper left")
    ax = axes[1, 0]
    years = sorted(ctx["observed"]["theil"])
    ax.plot(years, [ctx["observed"]["theil"][y] for y in years], color="k", label="observed (panel)")
    ax.plot([T + k for k in main.epochs], [main.theil(k) for k in main.epochs], color="tab:blue",
            label="regio from 2010")
    ax.plot([END], [ctx["observed"]["theil"][T] + ctx["naive"]["trend"]["theil_change"]], "x",
            color="tab:orange", label="trend of the 2000s (2020)")
    ax.set_title("Theil index of GDP per capita (population-weighted)")
    ax.set_xlabel("year")
    ax.set_xticks(range(FIRST, END + 1, 5))
    ax.legend(fontsize=8)
    ax = axes[1, 1]
    for group, key, color, label in ((NORTHEAST, "pop", "tab:purple", "Northeast, population share"),
                                     (SOUTHWEST, "gdp", "tab:green", "Southwest, GDP share")):
        idx = [names.index(n) for n in group]
        ax.plot(years, [sum(s[y][key][i] for i in idx) * 100 for y in years], color=color, label=f"{label}: observed")
        run = main.pop if key == "pop" else main.gdp
        ax.plot([T + k for k in main.epochs], [sum(run[k][i] for i in idx) * 100 for k in main.epochs], "--",
                color=color, label=f"{label}: regio")
        ax.plot([END], [sum(ctx["trend"][key][i] for i in idx) * 100], "x", color=color)
    ax.set_title("the decade's regional stories (x: trend of the 2000s)")
    ax.set_ylabel("% of the national total")
    ax.set_xlabel("year")
    ax.set_xticks(range(FIRST, END + 1, 5))
    ax.legend(fontsize=7.5)
    fig.tight_layout()
    fig.savefig(path, dpi=110, metadata={"Software": None})
    plt.close(fig)


def write_table(ctx, path):
    names, codes, s, main, trend = ctx["names"], ctx["codes"], ctx["s"], ctx["main"], ctx["trend"]
    with open(path, "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(["code", "name", "variable", "share_2010", "observed_2019", "observed_2020", "regio_2019",
                    "regio_2020", "trend_2020"])
        for key, run in (("population", main.pop), ("gdp", main.gdp)):
            k = "pop" if key == "population" else "gdp"
            for i, c in enumerate(codes):
                w.writerow([c, names[i], key] + [repr(float(x)) for x in (
                    s[T][k][i], s[END - 1][k][i], s[END][k][i], run[END - T - 1][i], run[END - T][i], trend[k][i])])
