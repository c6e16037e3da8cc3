#!/usr/bin/python3
"""National time series of a baseline run and scenario runs, from their aggregates.csv.

    /usr/bin/python3 tools/plot_scenario.py BASELINE_DIR [SCENARIO_DIR ...] -o out.png
        [--labels "Baseline" "Trade integration" ...] [--diff] [--title TEXT] [--dpi 150]

Six panels over calendar years: GDP, real GDP, welfare, Theil index of GDP per capita,
migrant share and internal trade share (dashed: the inter-provincial shares, drawn only
where they differ from the totals). Welfare is shown as the change of the registered-weighted
expected log utility since the baseline's first year (×100, ≈ %). With --diff every panel
shows the scenarios' difference from the baseline instead (% for GDP, percentage points for
shares, log points ×100 for welfare). Money is in 2020 yuan when the runs scale to observed
GDP (China inputs), else in model units. See docs/plotting.md.
"""
import argparse
import os
import sys

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import regio_outputs as ro  # noqa: E402

import matplotlib  # noqa: E402
matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
from matplotlib.ticker import MaxNLocator  # noqa: E402

COLORS = ["#222222", "#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e", "#8c564b", "#e377c2"]


def panels(money):
    """(column, title, unit, scale, kind, secondary column) per panel; kind: level|share|welfare."""
    gdp_unit = "trillion yuan (2020)" if money else "model units"
    gdp_scale = 1e-4 if money else 1.0
    return [
        ("gdp", "GDP", gdp_unit, gdp_scale, "level", None),
        ("real_gdp", "Real GDP (deflated by regional price indices)", gdp_unit, gdp_scale, "level", None),
        ("welfare", "Welfare (expected utility of the registered)", "log points × 100 since {year0}",
         100.0, "welfare", None),
        ("theil", "Regional inequality: Theil index of GDP per capita", "Theil T (0 = equal)", 1.0, "index", None),
        ("migrant_share", "Migrant share of residents", "% of residents", 100.0, "share", "interprovincial_migrant_share"),
        ("internal_trade_share", "Internal trade share (goods bought from other regions)", "% of goods spending",
         100.0, "share", "interprovincial_trade_share"),
    ]


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("baseline", help="baseline output folder (aggregates.csv, run.yaml)")
    ap.add_argument("scenarios", nargs="*", help="scenario output folders")
    ap.add_argument("-o", "--out", required=True, help="PNG to write")
    ap.add_argument("--labels", nargs="+", help="legend labels, baseline first (default: folder names)")
    ap.add_argument("--diff", action="store_true", help="plot scenario minus baseline instead of levels")
    ap.add_argument("--title", help="figure title (default: names the runs)")
    ap.add_argument("--dpi", type=int, default=150)
    args = ap.parse_args()

    folders = [args.baseline] + args.scenarios
    labels = args.labels or []
    if len(labels) > len(folders):
        ap.error(f"{len(labels)} labels for {len(folders)} runs")
    labels = labels + [None] * (len(folders) - len(labels))
    runs = [ro.Run(f, lab) for f, lab in zip(folders, labels)]
    if args.diff and len(runs) < 2:
        ap.error("--diff needs at least one scenario folder")
    money = all(r.observed_money for r in runs)
    if len({r.observed_money for r in runs}) > 1:
        print("warning: some runs scale to observed GDP and some do not; money shown in model units",
              file=sys.stderr)
    data = [r.aggregates() for r in runs]
    base = data[0]
    w0 = base["welfare"][0]

    plt.rcParams.update({"font.size": 12, "axes.titlesize": 13, "axes.labelsize": 12, "legend.fontsize": 12,
                         "xtick.labelsize": 11, "ytick.labelsize": 11})
    fig, axes = plt.subplots(3, 2, figsize=(13, 12), sharex=True)
    secondary_drawn = False
    for ax, (col, title, unit, scale, kind, second) in zip(axes.flat, panels(money)):
        for i, (run, d) in enumerate(zip(runs, data)):
            if args.diff and i == 0:
                continue
            years = d["year"]
            y = d[col] * scale
            if kind == "welfare":
                y = (d[col] - w0) * scale
            y2 = d[second] * scale if second and second in d else None
            if args.diff:
                n = min(len(d[col]), len(base[col]))
                years = years[:n]
                if kind in ("level",):
                    y = (d[col][:n] / base[col][:n] - 1.0) * 100.0
                elif kind == "welfare":
                    y = (d[col][:n] - base[col][:n]) * scale
                else:
                    y = (d[col][:n] - base[col][:n]) * scale
                y2 = (d[second][:n] - base[second][:n]) * scale if y2 is not None else None
            color = COLORS[i % len(COLORS)]
            lw = 2.6 if i == 0 else 2.0
            ax.plot(years, y, color=color, lw=lw, marker="o", ms=3.5, label=run.label)
            if y2 is not None and np.nanmax(np.abs(y2 - y)) > 1e-9 * max(1.0, np.nanmax(np.abs(y))):
                ax.plot(years, y2, color=color, lw=1.5, ls="--")
                secondary_drawn = True
        if args.diff:
            ax.axhline(0.0, color="0.3", lw=1.0)
            unit = {"level": "% vs baseline", "welfare": "log points × 100 vs baseline",
                    "index": "difference vs baseline", "share": "percentage points vs baseline"}[kind]
        ax.set_title(title, loc="left")
        ax.set_ylabel(unit.format(year0=int(base["year"][0])))
        ax.grid(True, color="0.88", lw=0.8)
        ax.xaxis.set_major_locator(MaxNLocator(integer=True))
        ax.yaxis.set_major_locator(MaxNLocator(6))
    for ax in axes[-1]:
        ax.set_xlabel("year")
        ax.tick_params(axis="x", labelbottom=True)
    handles, names = axes.flat[0].get_legend_handles_labels()
    if secondary_drawn:
        from matplotlib.lines import Line2D
        handles.append(Line2D([], [], color="0.3", lw=1.5, ls="--"))
        names.append("dashed: between provinces")
    if args.diff:
        handles.insert(0, plt.Line2D([], [], color="0.3", lw=1.0))
        names.insert(0, f"0 = {runs[0].label}")
    fig.legend(handles, names, loc="upper center", ncol=min(len(handles), 4), frameon=False,
               bbox_to_anchor=(0.5, 0.955))
    title = args.title or ("Scenarios vs baseline, national aggregates" if len(runs) > 1
                           else f"National aggregates: {runs[0].label}")
    if args.diff and not args.title:
        title = "Scenarios minus baseline, national aggregates"
    fig.suptitle(title, fontsize=15, fontweight="bold", y=0.985)
    fig.tight_layout(rect=(0, 0, 1, 0.925))
    fig.savefig(args.out, dpi=args.dpi)
    print(f"wrote {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
