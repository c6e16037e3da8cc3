#!/usr/bin/python3
"""Province map of China coloured by a regio output variable (or its change vs a baseline).

    /usr/bin/python3 tools/plot_map.py RUN_DIR --var gdp_pc [--epoch last] -o map.png
    /usr/bin/python3 tools/plot_map.py SCENARIO_DIR --var population --baseline BASELINE_DIR -o diff.png
        [--diff pct|abs] [--label NAME] [--baseline-label NAME] [--cmap NAME] [--vmin V --vmax V]
        [--no-labels] [--no-bars] [--title TEXT] [--dpi 150]

The regions of regions.csv (regions.h5 if only that exists and h5py is installed) are
aggregated to provinces (tools/regio_outputs.py: sums of population, GDP, income, migrants;
gdp_pc = gdp / population; population-weighted means of per-capita and price variables) and
drawn on inputs/geo/china_provinces.geojson (x = lon·cos 35°, y = lat). Taiwan, Hong Kong and
Macau are grey context, not model provinces. --epoch: `last` (default), `first`, an epoch
number, or a year (2025). With --baseline the fill is the difference RUN - BASELINE at the same
epoch: in % (default) or in the variable's unit (--diff abs, the default for net migration),
on a diverging colour map centred on 0. A bar chart of the provinces sorted by value sits
beside the map (--no-bars to drop it). Variables: population, registered, migrants_in,
migrants_out, net_migration, net_migration_rate, migrant_share, gdp, gdp_pc, income,
income_pc, capital, wage, real_income_pc, price_index, capital_rent, land_rent,
own_trade_share, utility, employment_<sector>. See docs/plotting.md.
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
from matplotlib import colors  # noqa: E402


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("run", help="output folder (regions.csv, run.yaml)")
    ap.add_argument("--var", default="gdp_pc", help="variable (default gdp_pc); see the list above")
    ap.add_argument("--epoch", default="last", help="last (default), first, an epoch number or a year")
    ap.add_argument("--baseline", help="baseline output folder: colour by the difference RUN - BASELINE")
    ap.add_argument("--diff", choices=["pct", "abs"], help="difference in %% (default) or absolute")
    ap.add_argument("--label", help="name of the run in the title (default: folder name)")
    ap.add_argument("--baseline-label", help="name of the baseline in the title (default: folder name)")
    ap.add_argument("--cmap", help="matplotlib colour map (default YlGnBu, RdBu_r for differences)")
    ap.add_argument("--vmin", type=float)
    ap.add_argument("--vmax", type=float)
    ap.add_argument("--no-labels", action="store_true", help="no province names on the map")
    ap.add_argument("--no-bars", action="store_true", help="no bar chart beside the map")
    ap.add_argument("--geojson", default=ro.DEFAULT_GEOJSON)
    ap.add_argument("--title", help="figure title (default: variable, year, runs)")
    ap.add_argument("-o", "--out", required=True, help="PNG to write")
    ap.add_argument("--dpi", type=int, default=150)
    args = ap.parse_args()

    run = ro.Run(args.run, args.label)
    epoch = run.select_epoch(args.epoch)
    epochs, years = run.epochs()
    year = int(years[list(epochs).index(epoch)])
    names, values, var = run.province_values(args.var, epoch)
    geo = ro.load_provinces(args.geojson)
    ro.check_names(geo, names, run.folder)

    if args.baseline:
        base = ro.Run(args.baseline, args.baseline_label)
        bnames, bvalues, _ = base.province_values(args.var, epoch)
        bmap = dict(zip(bnames, bvalues))
        missing = [n for n in names if n not in bmap]
        if missing:
            raise SystemExit(f"{base.folder}: no provinces {', '.join(missing)} at epoch {epoch}")
        b = np.array([bmap[n] for n in names])
        mode = args.diff or ("pct" if var.pct_ok else "abs")
        if mode == "pct":
            with np.errstate(divide="ignore", invalid="ignore"):
                shown = np.where(b != 0, (values / b - 1.0) * 100.0, np.nan)
            unit = "% vs baseline"
        else:
            shown = values - b
            unit = f"{var.unit}, vs baseline" if var.unit else "difference vs baseline"
        what = f"{var.label}: change vs baseline"
        cbar_label = f"{var.label}, {'% difference' if mode == 'pct' else 'difference'} from baseline" + \
            ("" if mode == "pct" or not var.unit else f" ({var.unit})")
        diverging = True
        runs_text = f"scenario {ro.run_title(run)}  −  baseline {ro.run_title(base)}"
    else:
        shown = values
        unit = var.unit
        what = var.label
        cbar_label = f"{var.label} ({var.unit})" if var.unit else var.label
        diverging = var.diverging
        runs_text = f"run {ro.run_title(run)}"

    finite = shown[np.isfinite(shown)]
    if finite.size == 0:
        raise SystemExit("nothing to draw: every value is NaN")
    if diverging:
        m = max(abs(args.vmin) if args.vmin is not None else 0.0, abs(args.vmax) if args.vmax is not None else 0.0)
        m = m or float(np.max(np.abs(finite))) or 1.0
        norm = colors.Normalize(-m, m)
        cmap = plt.get_cmap(args.cmap or "RdBu_r")
    else:
        lo = args.vmin if args.vmin is not None else float(finite.min())
        hi = args.vmax if args.vmax is not None else float(finite.max())
        if hi <= lo:
            hi = lo + (abs(lo) or 1.0) * 1e-6
        norm = colors.Normalize(lo, hi)
        cmap = plt.get_cmap(args.cmap or "YlGnBu")

    plt.rcParams.update({"font.size": 11})
    bars = not args.no_bars
    if bars:
        fig = plt.figure(figsize=(15, 8.6))
        ax = fig.add_axes([0.01, 0.1, 0.66, 0.78])
        axb = fig.add_axes([0.775, 0.1, 0.2, 0.78])
        cax = fig.add_axes([0.08, 0.075, 0.5, 0.025])
    else:
        fig = plt.figure(figsize=(11.5, 8.6))
        ax = fig.add_axes([0.01, 0.1, 0.98, 0.78])
        cax = fig.add_axes([0.18, 0.075, 0.64, 0.025])
    coll = ro.draw_map(ax, geo, dict(zip(names, shown)), cmap=cmap, norm=norm, labels=not args.no_labels)
    cb = fig.colorbar(coll, cax=cax, orientation="horizontal", extend="neither")
    cb.set_label(cbar_label, fontsize=12)
    cb.ax.tick_params(labelsize=11)

    if bars:
        order = np.argsort(shown)
        order = order[np.isfinite(shown[order])]
        axb.barh(np.arange(len(order)), shown[order], color=cmap(norm(shown[order])), edgecolor="0.3", lw=0.4,
                 height=0.8)
        axb.set_yticks(np.arange(len(order)))
        axb.set_yticklabels([names[i] for i in order], fontsize=9)
        axb.set_ylim(-0.6, len(order) - 0.4)
        axb.set_xlabel(unit, fontsize=11)
        axb.tick_params(axis="x", labelsize=10)
        axb.grid(True, axis="x", color="0.88")
        axb.set_axisbelow(True)
        if diverging:
            axb.axvline(0.0, color="0.3", lw=0.8)
        for s in ("top", "right"):
            axb.spines[s].set_visible(False)

    title = args.title or f"{what}, {year} (epoch {epoch})"
    fig.text(0.5, 0.965, title, ha="center", va="top", fontsize=16, fontweight="bold")
    fig.text(0.5, 0.922, runs_text + ("" if run.observed_money or not var.unit.startswith("model")
                                                  else "  ·  money in model units"),
             ha="center", va="top", fontsize=11.5, color="0.25")
    fig.savefig(args.out, dpi=args.dpi)
    print(f"wrote {args.out}: {args.var} epoch {epoch} ({year}), {len(names)} provinces, "
          f"range {finite.min():.4g} .. {finite.max():.4g} {unit}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
