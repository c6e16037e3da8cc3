#!/usr/bin/python3
"""Inter-provincial migration on the province map: the largest origin -> destination pairs as arrows.

    /usr/bin/python3 tools/plot_flows.py RUN_DIR [--epoch last] [--top 40] -o flows.png
        [--baseline BASELINE_DIR] [--fill net|none] [--label NAME] [--baseline-label NAME]
        [--title TEXT] [--dpi 150]

Reads RUN_DIR/migration.csv (columns epoch, year, origin, destination, migrants: persons
registered (hukou) in `origin` living in `destination`, one row per ordered pair of different
provinces and epoch). The --top largest pairs of the epoch are drawn as curved arrows from
the origin to the destination (width proportional to migrants; legend of sizes; arrows
between the same two provinces curve to opposite sides). The fill is the net migration of
each province, migrants living there minus migrants registered there living elsewhere
(--fill none: no fill); with --baseline, the change of net migration from the baseline run
at the same epoch. --epoch: `last` (default), `first`, an epoch number or a year. Province
anchor points are the label points of inputs/geo/china_provinces.geojson (inside each
province). See docs/plotting.md.
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
import matplotlib.patheffects as pe  # noqa: E402
from matplotlib import colors  # noqa: E402
from matplotlib.lines import Line2D  # noqa: E402
from matplotlib.patches import FancyArrowPatch  # noqa: E402

ARROW_COLOR = "#3b1f5c"
MAX_WIDTH = 6.5  # points, for the largest pair drawn


def flows_of_epoch(run, spec):
    m = run.migration()
    for col in ("epoch", "year", "origin", "destination", "migrants"):
        if col not in m:
            raise SystemExit(f"{run.folder}/migration.csv: no column '{col}' "
                             "(expected epoch,year,origin,destination,migrants)")
    epochs, idx = np.unique(m["epoch"].astype(int), return_index=True)
    years = m["year"][idx].astype(int)
    epoch = ro.select_epoch(epochs, years, spec, f"{run.folder}/migration.csv")
    rows = m["epoch"].astype(int) == epoch
    year = int(m["year"][rows][0])
    origin, dest, value = m["origin"][rows], m["destination"][rows], m["migrants"][rows]
    same = origin == dest
    if same.any():
        print(f"warning: {run.folder}/migration.csv: {int(same.sum())} rows with origin == destination ignored",
              file=sys.stderr)
    return epoch, year, list(origin[~same]), list(dest[~same]), np.asarray(value[~same], dtype=float)


def net_migration(origin, dest, value):
    """{province: migrants living there - migrants registered there living elsewhere}."""
    net = {}
    for o, d, v in zip(origin, dest, value):
        net[d] = net.get(d, 0.0) + v
        net[o] = net.get(o, 0.0) - v
    return net


def persons(n):
    if n >= 1e6:
        return f"{n / 1e6:g} million"
    if n >= 1e3:
        return f"{n / 1e3:g} thousand"
    return f"{n:g}"


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("run", help="output folder with migration.csv")
    ap.add_argument("--epoch", default="last", help="last (default), first, an epoch number or a year")
    ap.add_argument("--top", type=int, default=40, help="number of origin-destination pairs drawn (default 40)")
    ap.add_argument("--baseline", help="baseline output folder: fill = change of net migration vs baseline")
    ap.add_argument("--fill", choices=["net", "none"], default="net", help="province fill (default net)")
    ap.add_argument("--label", help="name of the run in the title (default: folder name)")
    ap.add_argument("--baseline-label", help="name of the baseline in the title (default: folder name)")
    ap.add_argument("--no-labels", action="store_true", help="no province names")
    ap.add_argument("--geojson", default=ro.DEFAULT_GEOJSON)
    ap.add_argument("--title", help="figure title")
    ap.add_argument("-o", "--out", required=True, help="PNG to write")
    ap.add_argument("--dpi", type=int, default=150)
    args = ap.parse_args()
    if args.top < 1:
        ap.error("--top must be at least 1")

    run = ro.Run(args.run, args.label)
    epoch, year, origin, dest, value = flows_of_epoch(run, args.epoch)
    geo = ro.load_provinces(args.geojson)
    ro.check_names(geo, sorted(set(origin) | set(dest)), f"{run.folder}/migration.csv")
    anchor = ro.label_points(geo)
    total = float(value.sum())

    # ---- fill
    values, cmap, norm, cbar_label = None, None, None, None
    subtitle_runs = f"run {ro.run_title(run)}"
    if args.baseline:
        base = ro.Run(args.baseline, args.baseline_label)
        b_epoch, b_year, bo, bd, bv = flows_of_epoch(base, str(epoch))
        net, bnet = net_migration(origin, dest, value), net_migration(bo, bd, bv)
        values = {p: (net.get(p, 0.0) - bnet.get(p, 0.0)) * 1e-6 for p in set(net) | set(bnet)}
        cbar_label = "Change of net migration (in − out) from baseline (million persons)"
        subtitle_runs = f"scenario {ro.run_title(run)}  −  baseline {ro.run_title(base)}"
    elif args.fill == "net":
        values = {p: v * 1e-6 for p, v in net_migration(origin, dest, value).items()}
        cbar_label = "Net migration: migrants living there − migrants registered there (million persons)"
    if values is not None:
        m = max(abs(v) for v in values.values()) or 1.0
        norm = colors.Normalize(-m, m)
        # the middle of RdBu_r only: light fills keep the dark arrows readable
        cmap = colors.LinearSegmentedColormap.from_list("RdBu_r_light", plt.get_cmap("RdBu_r")(np.linspace(0.1, 0.9, 256)))

    plt.rcParams.update({"font.size": 11})
    fig = plt.figure(figsize=(12.5, 10))
    ax = fig.add_axes([0.01, 0.12, 0.98, 0.76])
    coll = ro.draw_map(ax, geo, values, cmap=cmap, norm=norm, labels=not args.no_labels, fontsize=8.5,
                       missing="0.93" if values is None else "0.85")
    if values is not None:
        cax = fig.add_axes([0.2, 0.075, 0.6, 0.022])
        cb = fig.colorbar(coll, cax=cax, orientation="horizontal")
        cb.set_label(cbar_label, fontsize=11.5)
        cb.ax.tick_params(labelsize=10.5)

    # ---- arrows: the top pairs, largest on top
    order = np.argsort(value)[::-1][:args.top]
    vmax = float(value[order[0]]) if len(order) else 1.0
    shown = float(value[order].sum())
    for k in order[::-1]:
        o, d, v = origin[k], dest[k], float(value[k])
        width = max(0.6, MAX_WIDTH * v / vmax)
        head = f"-|>,head_length={2.5 + 0.9 * width:.2f},head_width={1.3 + 0.45 * width:.2f}"  # points
        arrow = FancyArrowPatch(anchor[o], anchor[d], connectionstyle="arc3,rad=0.22", arrowstyle=head,
                                mutation_scale=1.0, lw=width, color=ARROW_COLOR, alpha=0.8,
                                shrinkA=3, shrinkB=5, zorder=4, joinstyle="miter", capstyle="butt")
        arrow.set_path_effects([pe.Stroke(linewidth=width + 1.6, foreground="white", alpha=0.6), pe.Normal()])
        ax.add_patch(arrow)
    # legend of sizes
    if len(order):
        top = ro.nice_number(vmax)
        sizes = [s for s in (top, ro.nice_number(vmax / 3), ro.nice_number(vmax / 10)) if s > 0]
        sizes = list(dict.fromkeys(sizes))
        handles = [Line2D([], [], color=ARROW_COLOR, alpha=0.8, lw=max(0.6, MAX_WIDTH * s / vmax)) for s in sizes]
        leg = ax.legend(handles, [persons(s) for s in sizes], loc="lower left",
                        title="migrants (persons\nregistered in origin,\nliving in destination)", fontsize=10.5,
                        title_fontsize=10.5, frameon=True, framealpha=0.9, handlelength=3.2, borderpad=0.8,
                        labelspacing=1.0)
        leg.get_frame().set_edgecolor("0.7")

    title = args.title or f"Largest inter-provincial migrant populations, {year} (epoch {epoch})"
    fig.text(0.5, 0.965, title, ha="center", va="top", fontsize=16, fontweight="bold")
    fig.text(0.5, 0.928, f"arrows: the {len(order)} largest hukou province → province of residence pairs "
             f"({100 * shown / total:.0f}% of {total / 1e6:.1f} million inter-provincial migrants)\n"
             + subtitle_runs, ha="center", linespacing=1.5, va="top", fontsize=11, color="0.25")
    fig.savefig(args.out, dpi=args.dpi)
    print(f"wrote {args.out}: epoch {epoch} ({year}), {len(order)} of {len(value)} pairs, "
          f"largest {vmax:.0f}, total {total:.0f} migrants")
    return 0


if __name__ == "__main__":
    sys.exit(main())
