#!/usr/bin/python3
"""Out-of-sample validation of regio: calibrate to 2010, simulate to 2020, compare.

Steps (all regenerated, deterministically, by one run of this script). Part A of the page, the
history-based forecast of MODEL.md §14, is tools/validate_history.py's; the steps below are part B,
Part I's default dynamics:
  1. Write inputs/china31-2010/calibration.yaml: the 2010 data (regions.csv, 6th
     census, registered = 2010 hukou population scaled to the resident total) with
     the parameters of the 2020 baseline, i.e. regio's defaults plus the
     inter-provincial migration cost of inputs/china31/migration_2020.yaml
     (tools/fit_migration_2020.py).
  2. `regio calibrate` it into inputs/china31-2010/regions_calibrated.csv.
  3. Write inputs/china31-2010/validation.yaml (the calibrated CSV, start_year
     2010, 11 epochs = 2010..2020, scale_to_observed_gdp false, the same
     parameters, and population.growth = the 2010-2020 national average annual
     growth from the census totals: the only 2020 number the simulation uses) and
     `regio run` it.
  4. Compare the simulated 2020 (epoch 10) provincial population and GDP shares
     with inputs/china31-2010/observed_2020.csv, and with the persistence
     forecast (2010 shares): per-province table (CSV in the output folder,
     Markdown in the doc), MAE, RMSE, correlation of share changes.
  5. Channels and sensitivity: the same calibrate-and-run with one mechanism
     switched off (or another b_m), each recalibrated to 2010.
  6. Migration checks: the 2020 fit (share, destinations) and, with the real
     2010 hukou origins, the 2010 inter-provincial migrant share and its
     destinations; b_m fitted to the 2010 census share.
  7. Write docs/img/validation-{population,gdp,changes}.png and docs/validation.md.

numpy, matplotlib, yaml (Debian python3-numpy, python3-matplotlib, python3-yaml).
About 25 s on 2 cores.

Usage:
    /usr/bin/python3 tools/validate_2010_2020.py [--ranks 2] [--binary build/regio]
        [--out out/validation-2010-2020] [--report-dir docs]
"""

import argparse
import copy
import csv
import math
import os
import shutil
import sys
import tempfile

import numpy as np
import yaml

import matplotlib

matplotlib.use("Agg")  # headless and deterministic
import matplotlib.pyplot as plt  # noqa: E402

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import regio_driver as rd  # noqa: E402
import fit_migration_2020 as fm  # noqa: E402
import validate_history as vh  # noqa: E402
import validate_history_doc as vhd  # noqa: E402

REPO = rd.REPO
DIR2010 = os.path.join(REPO, "inputs", "china31-2010")
DIR2020 = os.path.join(REPO, "inputs", "china31")
MIG2020 = os.path.join(DIR2020, "migration_2020.yaml")
CAL2010 = os.path.join(DIR2010, "calibration.yaml")
VAL2010 = os.path.join(DIR2010, "validation.yaml")
CSV2010 = os.path.join(DIR2010, "regions_calibrated.csv")
OBS2020 = os.path.join(DIR2010, "observed_2020.csv")
DEFAULT_OUT = os.path.join(REPO, "out", "validation-2010-2020")
DEFAULT_REPORT = os.path.join(REPO, "docs")
BIRTHS = os.path.join(os.path.dirname(fm.DEFAULT_CENSUS), "province_birth_rate.csv")

START, END = 2010, 2020
EPOCHS = END - START + 1
CENSUS_MIG_2010 = "inmigrants_from_other_prov_census2010"
GDP_VINTAGE = "nbs_export_2026-03_revised_5th_econ_census"  # the vintage of inputs/china31*
N_LABEL = 7  # provinces labelled in the scatter plots


# ----------------------------------------------------------------------------
# Scenario files
# ----------------------------------------------------------------------------

def read_b_m():
    with open(MIG2020, encoding="utf-8") as f:
        return float(yaml.safe_load(f)["migration"]["border_cost"])


def national_growth(census):
    p10 = sum(float(r["pop_census2010"]) for r in census.values())
    p20 = sum(float(r["pop_census2020"]) for r in census.values())
    g = (p20 / p10) ** (1.0 / (END - START)) - 1.0
    return p10, p20, float(f"{g:.6g}")


def write_calibration_yaml(b_m):
    text = f"""\
# China-31, 2010 (6th census): the observed data to calibrate to, for the validation run
# 2010 -> 2020 (docs/validation.md).  Written by tools/validate_2010_2020.py; do not edit.
#   mpirun -np 2 build/regio calibrate inputs/china31-2010/calibration.yaml --out inputs/china31-2010/regions_calibrated.csv
# Parameters: the same as the 2020 baseline, i.e. regio's defaults (docs/parameters.md) plus
# the inter-provincial migration cost re-fitted to the 2020 census share of residents with
# hukou in another province: inputs/china31/migration_2020.yaml (tools/fit_migration_2020.py).
# registered = 2010 hukou population scaled to the resident total (PROVENANCE.md here).
regions: regions.csv
decomposition: auto
start_year: {START}
migration:
  border_cost: {fm.fmt_sig3(b_m)}   # = inputs/china31/migration_2020.yaml
"""
    with open(CAL2010, "w", encoding="utf-8") as f:
        f.write(text)


def write_validation_yaml(b_m, p10, p20, g):
    text = f"""\
# China-31 validation run 2010 -> 2020 (docs/validation.md): epoch 0 = 2010 at the data
# (regions_calibrated.csv, from calibration.yaml), epoch 10 = 2020, compared with
# observed_2020.csv.  Written by tools/validate_2010_2020.py; do not edit.
#   mpirun -np 2 build/regio run inputs/china31-2010/validation.yaml --out out/validation-2010-2020
# Parameters: identical to calibration.yaml (regio's defaults + the 2020 migration cost),
# plus population.growth = the national average annual growth between the census totals,
# ({p20:,.0f} / {p10:,.0f})^(1/10) - 1: the only 2020 information the simulation uses.
regions: regions_calibrated.csv
decomposition: auto
epochs: {EPOCHS}
start_year: {START}
output: out/validation-2010-2020
scale_to_observed_gdp: false   # the calibrated CSV is already in 2010 yuan (calibrate pins sum GDP)
migration:
  border_cost: {fm.fmt_sig3(b_m)}   # = inputs/china31/migration_2020.yaml
population:
  growth: {g:.6g}
"""
    with open(VAL2010, "w", encoding="utf-8") as f:
        f.write(text)


# ----------------------------------------------------------------------------
# Comparison
# ----------------------------------------------------------------------------

def epoch_rows(regions, epoch):
    return [r for r in regions if int(r["epoch"]) == epoch]


def shares_of(rows, col):
    v = np.array([float(r[col]) for r in rows])
    return v / v.sum()


def stats(sim, obs, base):
    """Errors in percentage points of the national total."""
    e = (sim - obs) * 100
    ep = (base - obs) * 100
    ds, do = sim - base, obs - base
    corr = float(np.corrcoef(ds, do)[0, 1]) if np.std(ds) > 1e-9 else float("nan")
    slope = float(np.dot(ds, do) / np.dot(ds, ds)) if np.std(ds) > 1e-9 else float("nan")
    return {
        "mae": float(np.mean(np.abs(e))), "mae_p": float(np.mean(np.abs(ep))),
        "rmse": float(np.sqrt(np.mean(e ** 2))), "rmse_p": float(np.sqrt(np.mean(ep ** 2))),
        "maxe": float(np.max(np.abs(e))), "maxe_p": float(np.max(np.abs(ep))),
        "corr_change": corr, "slope": slope,
        "corr_level": float(np.corrcoef(sim, obs)[0, 1]),
        "sign": int(np.sum(np.sign(ds) == np.sign(do))),
        "closer": int(np.sum(np.abs(e) < np.abs(ep))),
        "u": float(np.sqrt(np.mean(e ** 2)) / np.sqrt(np.mean(ep ** 2))),
        "sum_abs_change_sim": float(np.sum(np.abs(ds)) * 100 / 2),
        "sum_abs_change_obs": float(np.sum(np.abs(do)) * 100 / 2),
    }


class Case:
    """One simulation 2010 -> 2020 and its comparison with the data."""

    def __init__(self, regions, obs, data2010):
        self.r0 = epoch_rows(regions, 0)
        self.r10 = epoch_rows(regions, EPOCHS - 1)
        assert int(self.r10[0]["year"]) == END
        self.codes = [r["region"] for r in self.r10]
        self.names = [r["province"] for r in self.r10]
        self.base, self.sim, self.obs, self.st = {}, {}, {}, {}
        for var, col in (("population", "population_share_2020"), ("gdp", "gdp_share_2020")):
            self.base[var] = shares_of(data2010, var)
            self.sim[var] = shares_of(self.r10, var)
            self.obs[var] = np.array([float(obs[c][col]) for c in self.codes])
            self.st[var] = stats(self.sim[var], self.obs[var], self.base[var])


# ----------------------------------------------------------------------------
# Variants (channels and sensitivity), each recalibrated to 2010
# ----------------------------------------------------------------------------

def variant_list(defaults, b_m, b2010):
    def sectors(**kw):
        return [dict(s, **kw) for s in defaults["sectors"]]
    return [
        ("main", "as above (b_m = %s)" % fm.fmt_sig3(b_m), {}),
        ("b2010", f"b_m = {fm.fmt_sig3(b2010)}: fitted to the 2010 census share with 2010 hukou "
         "origins (no 2020 information at all)", {"migration.border_cost": b2010}),
        ("tz2000", "b_m = 13.7: Tombe & Zhu's 2000 cost (regio's default)",
         {"migration.border_cost": 13.7}),
        ("kfrozen", "capital stocks frozen at 2010 (σ = δ_k = 0)",
         {"households.saving_rate": 0.0, "capital.depreciation": 0.0}),
        ("nog", "no sectoral productivity growth (g_s = 0)", {"sectors": sectors(productivity_growth=0.0)}),
        ("noagg", "no agglomeration (γ_s = 0)", {"sectors": sectors(agglomeration=0.0)}),
        ("nokappa", "no productivity spillovers (κ = 0)", {"productivity.spillover": 0.0}),
        ("norho", "no hukou conversion (ρ = 0)", {"migration.conversion_rate": 0.0}),
        ("nomig", "migration switched off after 2010 (B and Ā still calibrated with it)", None),
    ]


def run_variant(drv, cal_sc, val_sc, overrides, work, obs, data2010):
    cal, val = copy.deepcopy(cal_sc), copy.deepcopy(val_sc)
    for k, v in overrides.items():
        if k == "sectors":
            cal["sectors"] = copy.deepcopy(v)
            val["sectors"] = copy.deepcopy(v)
        else:
            cal = rd.set_param(cal, k, v)
            val = rd.set_param(val, k, v)
    os.makedirs(work, exist_ok=True)
    csvp = os.path.join(work, "calibrated.csv")
    drv.calibrate(cal, csvp, workdir=work)
    val["regions"] = csvp
    _, reg = drv.run(val, os.path.join(work, "out"), workdir=work)
    return Case(reg, obs, data2010)


def write_registered_as_population(rows, path):
    """A copy of region rows with registered := population (the R = L variants)."""
    with open(path, "w", newline="", encoding="utf-8") as f:
        w = csv.DictWriter(f, fieldnames=list(rows[0].keys()))
        w.writeheader()
        for r in rows:
            w.writerow(dict(r, registered=r["population"]))
    return path


def run_nomig(drv, val_sc, work, obs, data2010):
    """Main calibration, but migration.enabled false in the run (L = R from 2010 on)."""
    # With migration off, L = R: the 2010 populations are not reproduced unless R = L.
    # Run with registered := population so epoch 0 is still the data.
    os.makedirs(work, exist_ok=True)
    p = write_registered_as_population(rd.read_csv(val_sc["regions"]), os.path.join(work, "calibrated_RL.csv"))
    val = rd.set_param(val_sc, "migration.enabled", False)
    val["regions"] = p
    _, reg = drv.run(val, os.path.join(work, "out"), workdir=work)
    return Case(reg, obs, data2010)


# ----------------------------------------------------------------------------
# Plots
# ----------------------------------------------------------------------------

def place_labels(ax, xs, ys, texts, fontsize=8.5, avoid=()):
    """Greedy label placement: try offsets around each point, keep the first that
    overlaps no placed label and no marker; deterministic."""
    fig = ax.figure
    fig.canvas.draw()
    renderer = fig.canvas.get_renderer()
    placed = []
    if ax.get_legend() is not None:
        placed.append(ax.get_legend().get_window_extent(renderer))
    pts = [ax.transData.transform((x, y)) for x, y in list(zip(xs, ys)) + list(avoid)]
    cands = [(14, -14), (-14, 12), (14, 12), (-14, -14), (22, -4), (-22, -4), (0, 18), (0, -20),
             (26, -26), (-26, 24), (26, 24), (-26, -26), (40, -4), (-40, -4), (0, 34), (0, -36)]
    for x, y, t in zip(xs, ys, texts):
        best = None
        for dx, dy in cands:
            ha = "left" if dx > 0 else ("right" if dx < 0 else "center")
            ann = ax.annotate(t, (x, y), xytext=(dx, dy), textcoords="offset points",
                              fontsize=fontsize, ha=ha, va="bottom" if dy >= 0 else "top",
                              arrowprops=dict(arrowstyle="-", lw=0.6, color="0.45",
                                              shrinkA=0, shrinkB=3))
            bb = ann.get_window_extent(renderer).expanded(1.05, 1.1)
            axbb = ax.get_window_extent(renderer)
            ok = (bb.x0 >= axbb.x0 and bb.x1 <= axbb.x1 and bb.y0 >= axbb.y0 and bb.y1 <= axbb.y1)
            ok = ok and not any(bb.overlaps(p) for p in placed)
            ok = ok and not any(bb.contains(px, py) for px, py in pts)
            if ok:
                best = ann
                placed.append(bb)
                break
            ann.remove()
        if best is None:  # fall back to the first candidate
            ax.annotate(t, (x, y), xytext=cands[0], textcoords="offset points", fontsize=fontsize,
                        arrowprops=dict(arrowstyle="-", lw=0.6, color="0.45", shrinkA=0, shrinkB=3))


def plot_levels(case, var, title, path):
    sim, obs, base = case.sim[var] * 100, case.obs[var] * 100, case.base[var] * 100
    st = case.st[var]
    names = case.names
    fig, (ax, bx) = plt.subplots(1, 2, figsize=(13.5, 7.2), gridspec_kw={"width_ratios": [1.25, 1]})
    lo, hi = min(sim.min(), obs.min(), base.min()) * 0.8, max(sim.max(), obs.max(), base.max()) * 1.25
    ax.plot([lo, hi], [lo, hi], color="0.4", lw=1, ls="--", label="45° line", zorder=1)
    ax.scatter(obs, base, marker="x", color="C1", s=36, lw=1.3, zorder=2,
               label=f"persistence (2010 share): MAE {st['mae_p']:.3f} pp, RMSE {st['rmse_p']:.3f} pp")
    ax.scatter(obs, sim, marker="o", facecolor="C0", edgecolor="k", lw=0.4, s=40, zorder=3,
               label=f"regio 2010→2020: MAE {st['mae']:.3f} pp, RMSE {st['rmse']:.3f} pp")
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.set_xlim(lo, hi)
    ax.set_ylim(lo, hi)
    ticks = [t for t in (0.15, 0.2, 0.3, 0.5, 1, 2, 3, 5, 10, 15) if lo <= t <= hi]
    ax.set_xticks(ticks)
    ax.set_yticks(ticks)
    ax.set_xticklabels([f"{t:g}" for t in ticks])
    ax.set_yticklabels([f"{t:g}" for t in ticks])
    ax.minorticks_off()
    ax.set_xlabel(f"observed {END} share of the national {title} (%)")
    ax.set_ylabel(f"forecast {END} share (%)")
    ax.set_title(f"{title[0].upper() + title[1:]} shares {END}: forecast vs observed (log scales)")
    ax.grid(alpha=0.3)
    ax.legend(loc="upper left", fontsize=9)
    err = np.maximum(np.abs(sim - obs), np.abs(base - obs))
    idx = sorted(np.argsort(-err)[:N_LABEL])
    place_labels(ax, [obs[i] for i in idx], [sim[i] for i in idx], [names[i] for i in idx],
                 avoid=list(zip(obs, base)) + [(obs[i], sim[i]) for i in range(len(obs)) if i not in idx])
    # right: errors by province, largest observed share on top
    order = np.argsort(obs)
    y = np.arange(len(order))
    bx.barh(y, (sim - obs)[order], color="C0", height=0.65, label="regio − observed")
    bx.scatter((base - obs)[order], y, marker="x", color="C1", s=30, lw=1.3, zorder=3,
               label="persistence (2010) − observed")
    bx.axvline(0, color="k", lw=0.8)
    bx.set_yticks(y)
    bx.set_yticklabels([names[i] for i in order], fontsize=8)
    bx.set_ylim(-0.7, len(order) - 0.3)
    bx.set_xlabel("error (percentage points of the national total)")
    bx.set_title("Errors by province (largest observed share on top)")
    bx.grid(axis="x", alpha=0.3)
    bx.legend(loc="upper center", bbox_to_anchor=(0.5, -0.075), ncol=2, fontsize=9, frameon=False)
    fig.tight_layout()
    fig.savefig(path, dpi=110, metadata={"Software": None})
    plt.close(fig)


def plot_changes(case, path):
    fig, axes = plt.subplots(1, 2, figsize=(13.5, 6.4))
    for ax, var, title in zip(axes, ("population", "gdp"), ("population", "GDP")):
        do = (case.obs[var] - case.base[var]) * 100
        ds = (case.sim[var] - case.base[var]) * 100
        st = case.st[var]
        mx = np.abs(do).max() * 1.3
        ylo = min(ds.min(), -mx / 3) * 1.25
        yhi = max(ds.max(), mx / 3) * 1.25
        m = max(mx, -ylo, yhi)
        ax.axhline(0, color="k", lw=0.6)
        ax.axvline(0, color="k", lw=0.6)
        ax.plot([-m, m], [-m, m], color="0.4", lw=1, ls="--", label="45° line")
        ax.scatter(do, ds, marker="o", facecolor="C0", edgecolor="k", lw=0.4, s=40, zorder=3,
                   label=f"provinces: correlation {st['corr_change']:.2f}, "
                         f"same sign {st['sign']}/31")
        ax.set_xlim(-mx, mx)  # not to the same scale: the simulated range differs
        ax.set_ylim(ylo, yhi)
        ax.set_xlabel(f"observed change of the {title} share {START}→{END} (pp)")
        ax.set_ylabel(f"simulated change (pp)")
        ax.set_title(f"{title} shares: change {START}→{END}")
        ax.grid(alpha=0.3)
        ax.legend(loc="upper left", fontsize=9)
        score = np.maximum(np.abs(do), np.abs(ds))
        idx = sorted(np.argsort(-score)[:N_LABEL + 1])
        place_labels(ax, [do[i] for i in idx], [ds[i] for i in idx], [case.names[i] for i in idx],
                     avoid=[(do[i], ds[i]) for i in range(len(do)) if i not in idx])
    fig.tight_layout()
    fig.savefig(path, dpi=110, metadata={"Software": None})
    plt.close(fig)


# ----------------------------------------------------------------------------
# Report
# ----------------------------------------------------------------------------

def f3(x):
    return "–" if x != x else f"{x:.3f}"


def f2(x):
    return "–" if x != x else f"{x:.2f}"


def province_table_md(case, var):
    sim, obs, base = case.sim[var] * 100, case.obs[var] * 100, case.base[var] * 100
    lines = ["| province | 2010 (= persistence) | observed 2020 | regio 2020 | regio error | "
             "persistence error | observed change | regio change |",
             "|---|---:|---:|---:|---:|---:|---:|---:|"]
    for i, n in enumerate(case.names):
        lines.append(f"| {n} | {base[i]:.3f} | {obs[i]:.3f} | {sim[i]:.3f} | {sim[i] - obs[i]:+.3f} | "
                     f"{base[i] - obs[i]:+.3f} | {obs[i] - base[i]:+.3f} | {sim[i] - base[i]:+.3f} |")
    return "\n".join(lines)


def write_table_csv(case, path):
    with open(path, "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f, lineterminator="\n")
        hdr = ["code", "province"]
        for var in ("population", "gdp"):
            hdr += [f"{var}_share_2010", f"{var}_share_observed_2020", f"{var}_share_simulated_2020",
                    f"{var}_error_simulated_pp", f"{var}_error_persistence_pp",
                    f"{var}_change_observed_pp", f"{var}_change_simulated_pp"]
        w.writerow(hdr)
        for i, (c, n) in enumerate(zip(case.codes, case.names)):
            row = [c, n]
            for var in ("population", "gdp"):
                s, o, b = case.sim[var][i], case.obs[var][i], case.base[var][i]
                row += [f"{b:.8f}", f"{o:.8f}", f"{s:.8f}", f"{(s - o) * 100:.4f}",
                        f"{(b - o) * 100:.4f}", f"{(o - b) * 100:.4f}", f"{(s - b) * 100:.4f}"]
            w.writerow(row)


def summary_table_md(case):
    lines = ["| statistic (percentage points of the national total) | population: regio | "
             "population: persistence | GDP: regio | GDP: persistence |",
             "|---|---:|---:|---:|---:|"]
    p, g = case.st["population"], case.st["gdp"]
    lines.append(f"| mean absolute error of the 2020 shares | {p['mae']:.3f} | {p['mae_p']:.3f} | "
                 f"{g['mae']:.3f} | {g['mae_p']:.3f} |")
    lines.append(f"| root mean squared error | {p['rmse']:.3f} | {p['rmse_p']:.3f} | "
                 f"{g['rmse']:.3f} | {g['rmse_p']:.3f} |")
    lines.append(f"| largest absolute error | {p['maxe']:.3f} | {p['maxe_p']:.3f} | "
                 f"{g['maxe']:.3f} | {g['maxe_p']:.3f} |")
    lines.append(f"| correlation of simulated with observed change 2010→2020 | {f2(p['corr_change'])} | "
                 f"– (no change) | {f2(g['corr_change'])} | – (no change) |")
    lines.append(f"| slope of observed on simulated change (1 = right size) | {f2(p['slope'])} | – | "
                 f"{f2(g['slope'])} | – |")
    lines.append(f"| provinces whose change has the right sign | {p['sign']}/31 | – | {g['sign']}/31 | – |")
    lines.append(f"| provinces where regio is closer than persistence | {p['closer']}/31 | – | "
                 f"{g['closer']}/31 | – |")
    lines.append(f"| RMSE regio / RMSE persistence (< 1: regio wins) | {p['u']:.2f} | 1 | {g['u']:.2f} | 1 |")
    lines.append(f"| reallocation ½Σ\\|Δshare\\| 2010→2020 (observed {p['sum_abs_change_obs']:.2f} and "
                 f"{g['sum_abs_change_obs']:.2f}) | {p['sum_abs_change_sim']:.2f} | 0 | "
                 f"{g['sum_abs_change_sim']:.2f} | 0 |")
    return "\n".join(lines)


def variants_table_md(cases, labels):
    lines = ["| run (each recalibrated to 2010) | pop. RMSE | pop. MAE | pop. corr. of changes | "
             "GDP RMSE | GDP MAE | GDP corr. of changes |",
             "|---|---:|---:|---:|---:|---:|---:|"]
    first = cases["main"]
    lines.append(f"| persistence forecast (2010 shares) | {first.st['population']['rmse_p']:.3f} | "
                 f"{first.st['population']['mae_p']:.3f} | – | {first.st['gdp']['rmse_p']:.3f} | "
                 f"{first.st['gdp']['mae_p']:.3f} | – |")
    for key, label in labels:
        p, g = cases[key].st["population"], cases[key].st["gdp"]
        lines.append(f"| {label} | {p['rmse']:.3f} | {p['mae']:.3f} | {f2(p['corr_change'])} | "
                     f"{g['rmse']:.3f} | {g['mae']:.3f} | {f2(g['corr_change'])} |")
    return "\n".join(lines)


def verdict(st):
    wins = [st["mae"] < st["mae_p"], st["rmse"] < st["rmse_p"]]
    if all(wins):
        return "beats"
    if not any(wins):
        return "does not beat"
    return "is level with (mixed)"


def write_doc(path, ctx):
    c = ctx["case"]
    p, g = c.st["population"], c.st["gdp"]
    cases = ctx["cases"]
    b_m, b2010 = ctx["b_m"], ctx["b2010"]
    fit20, fit10, fit10b = ctx["fit2020"], ctx["fit2010"], ctx["fit2010_b2010"]
    gdp_i = int(np.argmax(np.abs(c.sim["gdp"] - c.obs["gdp"])))
    pop_i = int(np.argmax(np.abs(c.sim["population"] - c.obs["population"])))
    kfz = cases["kfrozen"].st
    ky = ctx["ky"]
    gd = ctx["gdp_growth"]
    bt = ctx["births"]
    ne = ctx["northeast"]
    inv = ctx["inv"]
    text = f"""# Validation: 2010 → 2020 out of sample

*Generated by `tools/validate_2010_2020.py`; do not edit by hand. Regenerate with
`/usr/bin/python3 tools/validate_2010_2020.py` (deterministic: same inputs and regio
build, same bytes; about a minute on 2 cores). regio: `{ctx['version']}`, {ctx['ranks']} MPI ranks.*

Two forecasts from 2010 are judged against what was observed in 2020, provincial population
and GDP shares, against naive forecasts:

- **A. The history-based forecast** (MODEL.md §14, issue 21): productivity and amenity trends,
  investment wedges, natural growth and hukou conversion estimated from 2000–2010 data by the rules
  of [forecast-protocol.md](forecast-protocol.md), fixed before this comparison; judged against
  persistence (the 2010 shares) and the 2000s' trend of log shares.
- **B. Part I's default dynamics** (the validation before issue 21, kept for comparison): regio
  calibrated to the 2010 census and run with its default growth, saving, capital market and
  conversion; with the re-fit of the inter-provincial migration cost (§B1) that the 2020 baseline
  uses.

## Summary

{ctx['history_summary']}
- Part I's default dynamics in detail (§B):
  - **Migration cost for 2020:** `migration.border_cost` b_m = **{fm.fmt_sig3(b_m)}** (μ0·b_m =
    {ctx['mu0'] * b_m:.2f}; Tombe & Zhu's 2000 value 13.7, μ0·b_m = 24.3) reproduces the census
    share of residents whose hukou is in another province, {fit20['target']:.2%} (model
    {fit20['share']:.2%}). It is fitted on the 2020 data with registered = resident population,
    and that biases it low (§B1.3): with the real 2010 hukou origins, the 2010 census share
    ({fit10['target']:.2%}) needs b_m = {fm.fmt_sig3(b2010)}.
  - **Population:** regio **{verdict(p)}** persistence: MAE {p['mae']:.3f} vs {p['mae_p']:.3f}
    percentage points (pp), RMSE {p['rmse']:.3f} vs {p['rmse_p']:.3f} pp; the simulated changes
    of the shares correlate with the observed ones at {f2(p['corr_change'])} and
    {p['sign']} of 31 have the right sign, but they are too small (the model moves
    {p['sum_abs_change_sim']:.2f} pp of the population between provinces, the census
    {p['sum_abs_change_obs']:.2f} pp).
  - **GDP:** regio **{verdict(g)}** persistence: MAE {g['mae']:.3f} vs {g['mae_p']:.3f} pp,
    RMSE {g['rmse']:.3f} vs {g['rmse_p']:.3f} pp; correlation of changes {f2(g['corr_change'])}.
    The largest error is {c.names[gdp_i]} ({c.sim['gdp'][gdp_i] * 100:.2f} % simulated,
    {c.obs['gdp'][gdp_i] * 100:.2f} % observed, {c.base['gdp'][gdp_i] * 100:.2f} % in 2010):
    capital deepening in provinces with a low 2010 capital–output ratio (§B4). With capital
    frozen at 2010 the GDP RMSE falls to {kfz['gdp']['rmse']:.3f} pp, still
    {'above' if kfz['gdp']['rmse'] > kfz['gdp']['rmse_p'] else 'below'} persistence.
  - The model misses the two big regional stories of the decade: the population decline of the
    Northeast (Heilongjiang, Jilin, Liaoning: observed {ne['obs']:+.2f} pp together,
    simulated {ne['sim']:+.2f} pp) and the catch-up of the Southwest's GDP (Guizhou,
    Yunnan, Sichuan, Chongqing: observed {ctx['sw']['obs']:+.2f} pp of GDP together,
    simulated {ctx['sw']['sim']:+.2f} pp).


{ctx['history_section']}

## B. Part I's default dynamics (the validation before issue 21)

regio is calibrated to the 2010 census and 2010 GDP, run for ten years with its default
dynamics, and its 2020 provincial population and GDP shares are compared with what was
observed in 2020 — and with the naive forecast that nothing changes (persistence: the
2010 shares). Before that, §B1 re-fits the one parameter whose 2000 value was known to be
stale, the cost of migrating across a provincial border.

## B1. Inter-provincial migration cost re-fitted to 2020

### B1.1 Method (`tools/fit_migration_2020.py`)

The 2020 (7th) census counts, by province of residence, the people whose hukou is
registered in another province (`hukou_in_other_province_census2020` in
`../shared/data/china-provinces/province_census_2010_2020.csv`): {fit20['migrants'] / 1e6:.1f}
million, {fit20['target']:.3%} of the {fit20['population']:,.0f} residents. For a trial b_m
the tool runs `regio calibrate inputs/china31/calibration.yaml` with
`migration: {{border_cost: b_m}}` (productivities and amenities inverted so that epoch 0
reproduces the 2020 populations and GDP), then a 1-epoch `regio run` of the calibrated
CSV, and reads `interprovincial_migrant_share` from `aggregates.csv`. μ0 =
`migration.moving_cost` = {ctx['mu0']:g} and φ_m = `migration.distance_elasticity` =
{ctx['phi_m']:g} stay at their defaults. The share falls as b_m rises; the root in log b_m is
bracketed by halving/doubling from 13.7 and found by regula falsi (Illinois) to
|Δ log share| < 10⁻⁹, then rounded to 3 significant digits and written to
`inputs/china31/migration_2020.yaml`.

### B1.2 Result

| | b_m | μ0·b_m | inter-provincial migrant share |
|---|---:|---:|---:|
| census 2020 (target) | | | {fit20['target']:.3%} |
| fitted, `inputs/china31/migration_2020.yaml` | **{fm.fmt_sig3(b_m)}** | {ctx['mu0'] * b_m:.2f} | {fit20['share']:.3%} |
| Tombe & Zhu 2000 (regio default) | 13.7 | 24.3 | {fit20['share_tz']:.3%} |

The cost of crossing a provincial border falls to about a quarter of its 2000 value
(in the model's units; with ε = 1.5 the factor of {13.7 / b_m:.1f} in μ multiplies
the relative odds of a move by {(13.7 / b_m) ** 1.5:.0f}).

**Destination check (not a target).** Model `migrants_in` (at province level every
migrant is inter-provincial) against the census, by province of residence, at
b_m = {fm.fmt_sig3(b_m)}: correlation {fit20['corr']:.2f} in levels, {fit20['corr_log']:.2f} in logs,
{fit20['corr_rate']:.2f} per resident. The 10 largest destinations:

{fit20['table']}

The pattern is wrong, and necessarily so: `inputs/china31/regions.csv` has registered =
population because the hukou origins of 2020 residents are not in the data. With R = L and
amenities inverted to hold every population, each province sends out exactly as many people
as it receives, so the model produces the {fit20['migrants'] / 1e6:.0f} million as *two-way churn*
between neighbours, largest in big, central provinces (the model's top three destinations are
{', '.join(ctx['top_model20'])}), instead of the observed one-way flows into Guangdong, Zhejiang,
Shanghai and Beijing.

### B1.3 The same check in 2010, with the real hukou origins

The 2010 inputs have the census hukou population as `registered`, so the model knows where
people come from. Calibrated to 2010 (`inputs/china31-2010/calibration.yaml`):

| b_m | 2010 inter-provincial migrant share (census {fit10['target']:.2%}) | destination corr. (levels / logs / per resident) | lower bound Σ max(L−R, 0)/ΣL |
|---:|---:|---:|---:|
| {fm.fmt_sig3(b_m)} (2020 fit) | {fit10['share']:.2%} | {fit10['corr']:.2f} / {fit10['corr_log']:.2f} / {fit10['corr_rate']:.2f} | {ctx['net_share_2010']:.2%} |
| {fm.fmt_sig3(b2010)} (fitted to 2010) | {fit10b['share']:.2%} | {fit10b['corr']:.2f} / {fit10b['corr_log']:.2f} / {fit10b['corr_rate']:.2f} | {ctx['net_share_2010']:.2%} |

Destinations at b_m = {fm.fmt_sig3(b2010)} against the 2010 census
(`{CENSUS_MIG_2010}`):

{fit10b['table']}

With the origins known, the destinations are right (correlation
{fit10b['corr']:.2f}): the net flows out of the hukou provinces carry most migrants, and far
less two-way churn is needed. The 2010 share then asks for b_m = {fm.fmt_sig3(b2010)}, while
the same data with registered := population asks for b_m = {fm.fmt_sig3(ctx['b2010_RL'])}:
**setting R = L biases the fitted border cost down by a factor of about
{b2010 / ctx['b2010_RL']:.1f}**. The 2020 value {fm.fmt_sig3(b_m)} is therefore right only for
inputs with R = L (the shipped China-31 data); once 2020 hukou origins are available, the fit
should be redone with them, and by the 2010 ratio it would land near
{b_m * b2010 / ctx['b2010_RL']:.1f} (an extrapolation, not a measurement). Used with the real 2010
origins, the 2020 value overshoots: b_m = {fm.fmt_sig3(b_m)} gives a 2010 share of
{fit10['share']:.2%}, against {fit10['target']:.2%} observed. (§B5 shows that the 2010→2020
forecast barely depends on b_m.)

## B2. Set-up of the validation run

| item | value |
|---|---|
| data 2010 | `inputs/china31-2010/regions.csv` (6th census population and hukou population scaled to it; GDP 2010; capital at 2010 prices; PROVENANCE.md there) |
| calibration | `inputs/china31-2010/calibration.yaml` → `regions_calibrated.csv` (productivity and amenities such that epoch 0 = 2010 data) |
| parameters | regio's defaults (docs/parameters.md) + `migration.border_cost: {fm.fmt_sig3(b_m)}` from §B1: the same as the 2020 baseline |
| documented choice | `population.growth: {ctx['g']:.6g}` = ({ctx['p20']:,.0f} / {ctx['p10']:,.0f})^(1/10) − 1, the national census growth, applied uniformly (a national aggregate; it does not change shares by itself) |
| run | `inputs/china31-2010/validation.yaml`: 11 epochs, epoch 0 = 2010, epoch 10 = 2020; `scale_to_observed_gdp: false` |
| compared | population and GDP shares of epoch 10 (`regions.csv`, year 2020) with `inputs/china31-2010/observed_2020.csv` (2020 census, NBS GDP 2020 in current yuan) |
| benchmark | persistence: the 2010 shares |

Nothing province-specific from after 2010 enters the simulation. Two caveats: b_m was
fitted on 2020 data (a national scalar, and the one parameter the 2020 baseline changes;
§B5 shows the validation is insensitive to it), and the dynamic parameters (growth rates,
saving, depreciation, spillovers, conversion) are regio's defaults, set from the literature
and not tuned to this decade. GDP shares compare model GDP (in units of the numeraire) with
nominal GDP; relative price changes between provinces are ignored on both sides.

Model GDP grows by a factor {gd['model']:.2f} in 2010–2020 (real: the numeraire is the national
price index); observed nominal GDP by {gd['nominal']:.2f}, real GDP by about 1.9 (NBS growth
rates, not in the files used here). Aggregate growth is not compared here, only shares.

## B3. Results

{summary_table_md(c)}

![Population shares 2020](img/validation-population.png)

![GDP shares 2020](img/validation-gdp.png)

![Changes of the shares 2010 to 2020](img/validation-changes.png)

### B3.1 Population shares (% of the national population; errors and changes in pp)

{province_table_md(c, 'population')}

### B3.2 GDP shares (% of national GDP; errors and changes in pp)

{province_table_md(c, 'gdp')}

The same numbers, unrounded, are written to `{os.path.relpath(ctx['table_csv'], REPO)}`.

## B4. What drives the errors

**Capital deepening and the GDP error.** After calibration every province starts at its
2010 data but not at its steady state: saving is a fixed share of income, 70 % of it is
invested at home (`capital.home_bias`), and the rest chases last year's capital returns.
Each province's capital–output ratio therefore drifts towards a common level, and the
provinces with the least capital per unit of output in 2010 accumulate fastest. The 2010 K/Y
(`capital`/`gdp`) ranges from {ky['min']:.2f} ({ky['min_name']}) to {ky['max']:.2f}
({ky['max_name']}); its correlation with the simulated change of the GDP share is
{ky['corr_sim']:+.2f}, with the observed change {ky['corr_obs']:+.2f}. The model's investment
rates (J/GDP, 2010–2019) lie between {inv['sim_min']:.2f} and {inv['sim_max']:.2f} and correlate
{inv['corr_ky_sim']:+.2f} with the 2010 K/Y: capital flows to where it is scarce and returns are
high, so GDP moves to Guangdong, Beijing, Shanghai and the coast. Observed investment
(gross fixed capital formation / GDP 2011–2020, `province_investment_capital_stock.csv` and the
GDP series; a diagnostic only) did the opposite: from {inv['obs_min']:.2f} ({inv['obs_min_name']})
to {inv['obs_max']:.2f} ({inv['obs_max_name']}), correlation {inv['corr_ky_obs']:+.2f} with the 2010
K/Y and {inv['corr']:+.2f} with the model's rates; Guangdong invested {inv['gd_obs']:.2f} of its GDP,
the model has it invest {inv['gd_sim']:.2f}. The decade's investment was steered to the west and
the Northeast (Western Development, Northeast revitalisation, central transfers, local-government
financing vehicles). In the West it came with the fastest growth (Guizhou, Yunnan, Chongqing and
Sichuan gained {ctx['sw']['obs']:+.2f} pp of GDP together; simulated {ctx['sw']['sim']:+.2f} pp), in
the Northeast it did not (heavy industry and state enterprises in decline; Liaoning, Jilin and
Heilongjiang lost GDP share despite high investment). Freezing capital (σ = δ_k = 0, §B5)
removes the model's coastal divergence, but nothing in the model produces the westward shift.

**Population.** The simulated changes point the right way for the big receivers (Guangdong,
Zhejiang) because rising real incomes there draw migrants, and hukou conversion (ρ = 2 %/year)
turns migrants into locals of their destination, who then choose like its natives; but the
simulated reallocation is about {p['sum_abs_change_sim'] / max(p['sum_abs_change_obs'], 1e-9):.0%} of the
observed one ({p['sum_abs_change_sim']:.2f} vs {p['sum_abs_change_obs']:.2f} pp).
The biggest misses are not migration at all:

- **Differential natural increase.** regio applies one national growth rate. The crude birth
  rate 2011–2019 (NBS, `province_birth_rate.csv`, used here only as a diagnostic) ranged from
  {bt['min']:.1f}‰ ({bt['min_name']}) to {bt['max']:.1f}‰ ({bt['max_name']}); its correlation with the
  observed change of the population share is {bt['corr_obs']:+.2f}, and with the model's error
  {bt['corr_err']:+.2f}. The Northeast combines the lowest birth rates in China with
  out-migration; Xinjiang, Guangxi, Guizhou, Hainan and Tibet, with birth rates well above the
  mean, gained share. Deaths are not in the data, so this is indicative only.
- **The Northeast.** Heilongjiang, Jilin and Liaoning lost {-ne['obs']:.2f} pp of the national
  population; the model gives {ne['sim']:+.2f} pp. Their simulated real income per head does fall
  behind (×{ne['v_min']:.2f} to ×{ne['v_max']:.2f} over the decade, ×{ne['v_nat']:.2f} nationally, i.e.
  {100 * (1 - ne['v_max'] / ne['v_nat']):.0f}–{100 * (1 - ne['v_min'] / ne['v_nat']):.0f} % relative losses), but the logit moves
  few people in response. A province's stayers respond to its relative real income with an
  elasticity of about ε·(1 − m_oo), and only {100 * ne['out_share']:.1f} % of the Northeast's hukou
  holders lived in another province in the 2010 calibration, so a 10 % relative loss moves about
  ε · {100 * ne['out_share']:.1f} % · 10 % ≈ {ctx['eps'] * ne['out_share'] * 10:.1f} % of its people. In 2010 their registered and resident populations were nearly
  equal (R/L ≥ {ne['rl_min']:.2f}): there was no stock of migrants to lose either. The observed decline
  combines out-migration with the lowest fertility in China.

**Migration costs do not matter much here.** Calibrated amenities absorb the level of b_m at
the start, and the ten-year changes come from real-income growth and hukou conversion: with
b_m = 13.7 instead of {fm.fmt_sig3(b_m)} the population RMSE is {cases['tz2000'].st['population']['rmse']:.3f}
instead of {p['rmse']:.3f} pp and the GDP RMSE {cases['tz2000'].st['gdp']['rmse']:.3f} instead of
{g['rmse']:.3f} pp (§B5).

**Not modelled** (and each plausibly first-order for 2010–2020):

- hukou policy: the 2014 reform (open registration in small and medium cities, points systems
  and population caps in megacities — Beijing and Shanghai capped their populations after 2015;
  observed Beijing {ctx['bjsh']['bj_obs']:+.2f} pp, Shanghai {ctx['bjsh']['sh_obs']:+.2f} pp; simulated
  {ctx['bjsh']['bj_sim']:+.2f} and {ctx['bjsh']['sh_sim']:+.2f}); regio's barrier h_d and
  conversion rate ρ_d are constant;
- demography: the one-child policy's legacy and its 2016 relaxation, ageing, provincial
  differences in fertility and mortality, return migration of older workers;
- fiscal transfers from the centre to the western and central provinces (the model's
  transfers T_n are zero by default), and state-directed investment (Western Development,
  Northeast revitalisation, poverty-alleviation relocations);
- sectoral and structural change: the model's productivity growth is the same in every
  province for a given sector; the shift of manufacturing inland, the coal and steel
  capacity cuts of 2016–2018 and the rise of the digital economy in Zhejiang and Guangdong
  are absent;
- the transport network (high-speed rail 2010–2020), trade costs falling over the decade,
  and international trade (no rest of the world in this run);
- measurement: the capital-stock estimates (perpetual inventory from 1952, PROVENANCE.md),
  whose 2010 K/Y drives the GDP forecast. The GDP series is NBS's current vintage, revised back
  to 1992 after the 5th economic census, so 2010 and 2020 are on one basis — the inflated
  figures of the early 2010s are corrected in it (Liaoning 2010: {ctx['liaoning'].get(GDP_VINTAGE, float('nan')):,.0f} 亿元
  here, {ctx['liaoning'].get('nbs_export_2018-12_unrevised', float('nan')):,.0f} in the original release), and the observed declines are
  not just statistical corrections.

## B5. Channels and sensitivity

Each row switches one mechanism off (or changes b_m), recalibrates to 2010 with those
parameters and runs to 2020. "Migration switched off" runs with registered := resident
population and `migration.enabled: false`, so nobody moves after 2010.

{variants_table_md(cases, ctx['labels'])}

- Capital accumulation is what moves GDP shares: freezing it brings the GDP RMSE from
  {g['rmse']:.3f} to {kfz['gdp']['rmse']:.3f} pp (persistence {g['rmse_p']:.3f}).
  It also moves people: without it the population RMSE rises to
  {kfz['population']['rmse']:.3f} pp and the correlation of changes falls from
  {f2(p['corr_change'])} to {f2(kfz['population']['corr_change'])}.
- Migration amplifies the GDP divergence (people follow the capital to the coast): with
  nobody moving after 2010 the GDP RMSE is {cases['nomig'].st['gdp']['rmse']:.3f} pp, and the population
  forecast is persistence.
- The other switches (b_m, sectoral growth, agglomeration, spillovers, hukou conversion)
  change the population RMSE by at most {ctx['other_dp']:.3f} pp and the GDP RMSE by at most
  {ctx['other_dg']:.3f} pp. Spillovers (κ) pull laggards' productivity up, which helps GDP
  a little and costs population a little; hukou conversion adds to the reallocation towards
  2010's migrant destinations (population reallocation {cases['norho'].st['population']['sum_abs_change_sim']:.2f} pp
  without it, {p['sum_abs_change_sim']:.2f} pp with it).

## B6. Verdict

On population regio {verdict(p)} the naive forecast, modestly (RMSE ratio {p['u']:.2f}),
because it gets the direction of the reallocation towards the coastal receivers right; it
does not know about demography or the Northeast. On GDP it {verdict(g)} persistence (RMSE
ratio {g['u']:.2f}): with default dynamics the capital-accumulation channel predicts
coastal divergence in a decade of inland convergence. Before regio's 10-year GDP paths are
used as forecasts, the dynamic block needs (i) provincial investment rates or transfers
calibrated to the data (not a common saving rate and home bias), (ii) a check of the
initial capital stocks, and (iii) provincial natural growth rates. Shares of the
*population* over a decade are the model's stronger side; level effects of policies
(differences between scenarios from the same calibrated start) are less exposed to these
errors than forecasts, but inherit the same dynamics.

## Reproduce

```sh
cmake --build build -j2                       # if build/regio is missing
/usr/bin/python3 tools/fit_migration_2020.py  # §B1: writes inputs/china31/migration_2020.yaml (~10 s)
/usr/bin/python3 tools/validate_2010_2020.py  # writes inputs/china31-2010/{{calibration,validation}}.yaml,
                                              # regions_calibrated.csv, this page, docs/img/validation-*.png
                                              # and out/validation-2010-2020/ (regio outputs + table CSVs;
                                              # history-2010/ and forecast-2010/: part A)
```

The second command runs, among others:

```sh
. scripts/mpi-env.sh
mpirun -np 2 build/regio calibrate inputs/china31-2010/calibration.yaml --out inputs/china31-2010/regions_calibrated.csv
mpirun -np 2 build/regio run inputs/china31-2010/validation.yaml --out out/validation-2010-2020 --quiet
mpirun -np 2 build/regio calibrate inputs/china31-2010/history-calibration.yaml --history inputs/china31-history \\
    --until 2010 --out out/validation-2010-2020/history-2010
mpirun -np 2 build/regio run out/validation-2010-2020/history-2010/forecast.yaml --out out/validation-2010-2020/forecast-2010
```

Part A's code is `tools/validate_history.py` (runs, measures, figure) and `tools/validate_history_doc.py`
(its text); its sensitivity and channel runs go to a temporary folder.

Options: `--ranks P` (results agree across rank counts to ~1e-9, so the tables do not change),
`--binary PATH`, `--out DIR`, `--report-dir DIR`.
"""
    with open(path, "w", encoding="utf-8") as f:
        f.write(text)


def observed_investment_rates(codes):
    """GFCF / GDP 2011-2020 by province (current prices; GFCF from CHNCapitalStock, GDP of
    the revised NBS vintage).  A diagnostic for the discussion, not used by the simulation."""
    d = os.path.dirname(fm.DEFAULT_CENSUS)
    inv, gdp = {}, {}
    with open(os.path.join(d, "province_investment_capital_stock.csv"), newline="", encoding="utf-8") as f:
        for r in csv.DictReader(f):
            if START < int(r["year"]) <= END and r["gfcf_100m_yuan_current"]:
                inv[(r["code"], int(r["year"]))] = float(r["gfcf_100m_yuan_current"])
    with open(os.path.join(d, "province_gdp_nbs_long.csv"), newline="", encoding="utf-8") as f:
        for r in csv.DictReader(f):
            if r["vintage"] == GDP_VINTAGE and START < int(r["year"]) <= END:
                gdp[(r["code"], int(r["year"]))] = float(r["gdp_100m_yuan"])
    out = []
    for c in codes:
        ys = [y for y in range(START + 1, END + 1) if (c, y) in inv and (c, y) in gdp]
        if len(ys) != END - START:
            raise SystemExit(f"investment or GDP data missing for {c}")
        out.append(sum(inv[(c, y)] for y in ys) / sum(gdp[(c, y)] for y in ys))
    return np.array(out)


def gdp_vintages(code, year):
    d = os.path.dirname(fm.DEFAULT_CENSUS)
    out = {}
    with open(os.path.join(d, "province_gdp_nbs_long.csv"), newline="", encoding="utf-8") as f:
        for r in csv.DictReader(f):
            if r["code"] == code and int(r["year"]) == year:
                out[r["vintage"]] = float(r["gdp_100m_yuan"])
    return out


# ----------------------------------------------------------------------------
# Main
# ----------------------------------------------------------------------------

def migration_check(drv, base, census, b, work, pop_col, mig_col):
    ev = fm.Evaluator(drv, base, work)
    share = ev(b)
    table, corr, corr_log, corr_rate = fm.destination_check(census, ev.regions(b), mig_col)
    return ev, {"share": share, "corr": corr, "corr_log": corr_log, "corr_rate": corr_rate,
                "rows": table,
                "table": fm.destination_table_md(table).replace("census 2020", f"census {base['start_year']}")}


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--ranks", type=int, default=2)
    ap.add_argument("--binary", default=None)
    ap.add_argument("--out", default=DEFAULT_OUT)
    ap.add_argument("--report-dir", default=DEFAULT_REPORT)
    ap.add_argument("--keep", default=None, help="keep the work files in this folder")
    args = ap.parse_args(argv)

    drv = rd.Regio(ranks=args.ranks, binary=args.binary)
    defaults = drv.defaults()
    census = fm.read_census(fm.DEFAULT_CENSUS)
    b_m = read_b_m()
    p10, p20, g = national_growth(census)
    obs = {r["code"]: r for r in rd.read_csv(OBS2020)}
    data2010 = rd.read_csv(os.path.join(DIR2010, "regions.csv"))
    if abs(sum(float(r["population"]) for r in data2010) - p10) > 0.5:
        raise SystemExit("inputs/china31-2010/regions.csv and the census disagree on the 2010 total")
    if abs(sum(float(r["population_2020"]) for r in obs.values()) - p20) > 0.5:
        raise SystemExit("observed_2020.csv and the census disagree on the 2020 total")

    work = args.keep or tempfile.mkdtemp(prefix="validate_2010_2020.")
    os.makedirs(work, exist_ok=True)
    os.makedirs(args.out, exist_ok=True)
    img = os.path.join(args.report_dir, "img")
    os.makedirs(img, exist_ok=True)
    try:
        # 1-3: scenario files, calibration, run
        write_calibration_yaml(b_m)
        tmp_csv = os.path.join(work, "regions_calibrated.csv")
        print(drv.calibrate_file(CAL2010, tmp_csv).strip())
        shutil.copyfile(tmp_csv, CSV2010)
        write_validation_yaml(b_m, p10, p20, g)
        agg, reg = drv.run_file(VAL2010, args.out)
        case = Case(reg, obs, data2010)
        table_csv = os.path.join(args.out, "validation_shares.csv")
        write_table_csv(case, table_csv)
        for var in ("population", "gdp"):
            st = case.st[var]
            print(f"{var:10s}: MAE {st['mae']:.4f} pp (persistence {st['mae_p']:.4f}), RMSE "
                  f"{st['rmse']:.4f} ({st['rmse_p']:.4f}), corr of changes {st['corr_change']:.3f}")

        # 6: migration checks (2020 fit; 2010 with hukou origins; 2010 with R = L)
        base20 = rd.load_scenario(fm.DEFAULT_SCENARIO)
        target20, mig20, pop20 = fm.census_target(census)
        ev20, fit2020 = migration_check(drv, base20, census, b_m, os.path.join(work, "m2020"),
                                        "pop_census2020", fm.CENSUS_COLUMN)
        fit2020.update(target=target20, migrants=mig20, population=pop20, share_tz=ev20(13.7))
        base10 = rd.load_scenario(CAL2010)
        target10, _, _ = fm.census_target(census, "pop_census2010", CENSUS_MIG_2010)
        ev10, fit2010 = migration_check(drv, base10, census, b_m, os.path.join(work, "m2010"),
                                        "pop_census2010", CENSUS_MIG_2010)
        fit2010["target"] = target10
        b2010 = fm.sig3(fm.fit(ev10, target10, 13.7))
        _, fit2010_b = migration_check(drv, base10, census, b2010, os.path.join(work, "m2010b"),
                                       "pop_census2010", CENSUS_MIG_2010)
        # R = L variant of 2010
        rl_csv = write_registered_as_population(data2010, os.path.join(work, "regions2010_RL.csv"))
        ev_rl = fm.Evaluator(drv, dict(base10, regions=rl_csv), os.path.join(work, "m2010rl"))
        os.makedirs(os.path.join(work, "m2010rl"), exist_ok=True)
        b2010_rl = fm.sig3(fm.fit(ev_rl, target10, 13.7))
        L = np.array([float(r["population"]) for r in data2010])
        R = np.array([float(r["registered"]) for r in data2010])
        net_share = float(np.sum(np.maximum(L - R, 0)) / L.sum())
        print(f"b_m 2020 fit {b_m:g}: share {fit2020['share']:.4%}; 2010 share at it "
              f"{fit2010['share']:.4%} (census {target10:.4%}); b_m fitted to 2010: {b2010:g} "
              f"(R = L: {b2010_rl:g})")

        # 5: variants
        cal_sc = rd.load_scenario(CAL2010)
        val_sc = rd.load_scenario(VAL2010)
        cases = {"main": case}
        labels = []
        for key, label, ov in variant_list(defaults, b_m, b2010):
            labels.append((key, label))
            if key == "main":
                continue
            wdir = os.path.join(work, "v_" + key)
            if ov is None:
                cases[key] = run_nomig(drv, val_sc, wdir, obs, data2010)
            else:
                cases[key] = run_variant(drv, cal_sc, val_sc, ov, wdir, obs, data2010)
            st = cases[key].st
            print(f"  variant {key:8s}: pop RMSE {st['population']['rmse']:.4f}, "
                  f"GDP RMSE {st['gdp']['rmse']:.4f}")

        # diagnostics for the discussion
        names = case.names
        idx = {n: i for i, n in enumerate(names)}
        kyv = np.array([float(r["capital"]) / float(r["gdp"]) for r in data2010])
        dg_sim = case.sim["gdp"] - case.base["gdp"]
        dg_obs = case.obs["gdp"] - case.base["gdp"]
        ky = {"min": kyv.min(), "max": kyv.max(), "min_name": names[int(kyv.argmin())],
              "max_name": names[int(kyv.argmax())],
              "corr_sim": float(np.corrcoef(kyv, dg_sim)[0, 1]),
              "corr_obs": float(np.corrcoef(kyv, dg_obs)[0, 1])}
        births = {}
        with open(BIRTHS, newline="", encoding="utf-8") as f:
            for r in csv.DictReader(f):
                if START < int(r["year"]) <= END:
                    births.setdefault(r["code"], []).append(float(r["birth_rate_per_mille"]))
        br = np.array([np.mean(births[c]) for c in case.codes])
        dp_obs = case.obs["population"] - case.base["population"]
        err_p = case.sim["population"] - case.obs["population"]
        bt = {"min": br.min(), "max": br.max(), "min_name": names[int(br.argmin())],
              "max_name": names[int(br.argmax())],
              "corr_obs": float(np.corrcoef(br, dp_obs)[0, 1]),
              "corr_err": float(np.corrcoef(br, err_p)[0, 1])}

        def group(var, provs):
            ii = [idx[n] for n in provs]
            return {"obs": float(sum(case.obs[var][i] - case.base[var][i] for i in ii) * 100),
                    "sim": float(sum(case.sim[var][i] - case.base[var][i] for i in ii) * 100)}
        ne = group("population", ["Heilongjiang", "Jilin", "Liaoning"])
        sw = group("gdp", ["Guizhou", "Yunnan", "Sichuan", "Chongqing"])
        bjsh = {"bj_obs": group("population", ["Beijing"])["obs"],
                "bj_sim": group("population", ["Beijing"])["sim"],
                "sh_obs": group("population", ["Shanghai"])["obs"],
                "sh_sim": group("population", ["Shanghai"])["sim"]}
        gdp0 = float(agg[0]["gdp"])
        gdp_growth = {"model": float(agg[-1]["gdp"]) / gdp0,
                      "nominal": sum(float(r["gdp_2020"]) for r in obs.values()) /
                      sum(float(r["gdp"]) for r in data2010)}

        # investment rates 2011-2020: observed GFCF / GDP (diagnostic) and the model's J / GDP
        inv_obs = observed_investment_rates(case.codes)
        cap = {(int(r["epoch"]), r["region"]): r for r in reg}
        dk = float(defaults["capital"]["depreciation"])
        inv_sim = []
        for c_ in case.codes:
            num = den = 0.0
            for t in range(EPOCHS - 1):
                r_, r1 = cap[(t, c_)], cap[(t + 1, c_)]
                num += (float(r1["capital"]) - (1 - dk) * float(r_["capital"])) * float(r_["price_index"])
                den += float(r_["gdp"])
            inv_sim.append(num / den)
        inv_sim = np.array(inv_sim)
        inv = {"obs_min": inv_obs.min(), "obs_max": inv_obs.max(),
               "obs_min_name": names[int(inv_obs.argmin())], "obs_max_name": names[int(inv_obs.argmax())],
               "sim_min": inv_sim.min(), "sim_max": inv_sim.max(),
               "corr": float(np.corrcoef(inv_obs, inv_sim)[0, 1]),
               "corr_ky_obs": float(np.corrcoef(kyv, inv_obs)[0, 1]),
               "corr_ky_sim": float(np.corrcoef(kyv, inv_sim)[0, 1]),
               "gd_obs": inv_obs[idx["Guangdong"]], "gd_sim": inv_sim[idx["Guangdong"]]}
        # relative real income growth of the Northeast in the simulation
        e0 = {r["province"]: r for r in case.r0}
        e10 = {r["province"]: r for r in case.r10}

        def vbar(rows):
            return (sum(float(r["real_income_pc"]) * float(r["population"]) for r in rows.values()) /
                    sum(float(r["population"]) for r in rows.values()))
        ne_v = {n: float(e10[n]["real_income_pc"]) / float(e0[n]["real_income_pc"])
                for n in ("Heilongjiang", "Jilin", "Liaoning")}
        ne["v_min"], ne["v_max"], ne["v_nat"] = min(ne_v.values()), max(ne_v.values()), vbar(e10) / vbar(e0)
        ne["out_share"] = (sum(float(e0[n]["migrants_out"]) for n in ne_v) /
                           sum(float(e0[n]["registered"]) for n in ne_v))
        ne["rl_min"] = min(float(r["registered"]) / float(r["population"]) for r in data2010
                           if r["province"] in ne_v)
        # the 2020 fit's largest model destinations
        top_model20 = [o[1] for o in sorted(fit2020["rows"], key=lambda o: -o[3])[:3]]
        liaoning = gdp_vintages("210000", START)

        # 4, 7: plots and doc
        plot_levels(case, "population", "population", os.path.join(img, "validation-population.png"))
        plot_levels(case, "gdp", "GDP", os.path.join(img, "validation-gdp.png"))
        plot_changes(case, os.path.join(img, "validation-changes.png"))
        ctx = {"case": case, "cases": cases, "labels": labels, "b_m": b_m, "b2010": b2010,
               "b2010_RL": b2010_rl, "fit2020": fit2020, "fit2010": fit2010,
               "fit2010_b2010": fit2010_b, "net_share_2010": net_share,
               "mu0": float(defaults["migration"]["moving_cost"]),
               "eps": float(defaults["migration"]["elasticity"]),
               "phi_m": float(defaults["migration"]["distance_elasticity"]),
               "g": g, "p10": p10, "p20": p20, "ky": ky, "births": bt, "northeast": ne,
               "sw": sw, "bjsh": bjsh, "gdp_growth": gdp_growth, "table_csv": table_csv,
               "inv": inv, "top_model20": top_model20, "liaoning": liaoning,
               "version": drv.version(), "ranks": args.ranks}
        others = ("b2010", "tz2000", "nog", "noagg", "nokappa", "norho")
        ctx["other_dp"] = max(abs(cases[k].st["population"]["rmse"] - case.st["population"]["rmse"])
                              for k in others)
        ctx["other_dg"] = max(abs(cases[k].st["gdp"]["rmse"] - case.st["gdp"]["rmse"]) for k in others)
        # A: the history-based forecast (MODEL.md §14)
        hctx = vh.run(drv, os.path.join(work, "history"), args.out, img)
        old = {"pop": case.st["population"]["rmse"], "gdp": case.st["gdp"]["rmse"],
               "pop_p": case.st["population"]["rmse_p"], "gdp_p": case.st["gdp"]["rmse_p"]}
        ctx["history_summary"] = vhd.summary(hctx, old).rstrip("\n")
        ctx["history_section"] = vhd.section(hctx).rstrip("\n")
        doc = os.path.join(args.report_dir, "validation.md")
        write_doc(doc, ctx)
        print(f"wrote {os.path.relpath(doc)}, {os.path.relpath(img)}/validation-*.png, "
              f"{os.path.relpath(table_csv)}, {os.path.relpath(CSV2010)}, "
              f"{os.path.relpath(CAL2010)}, {os.path.relpath(VAL2010)}")
    finally:
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
