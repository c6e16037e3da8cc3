"""The figures of `regio report` (tools/report.py): matplotlib PNGs embedded as data URIs.

    uri = time_series(panels, observed_money)       # national aggregates, bands where given
    uri = province_maps([MapPanel(...), ...])        # province maps side by side

Maps reuse tools/regio_outputs.py (the province polygons of inputs/geo/china_provinces.geojson,
draw_map, the province aggregation); nothing here reads an output folder itself.
"""
import base64
import io
import os
import sys

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import regio_outputs as ro  # noqa: E402

import matplotlib  # noqa: E402
matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
from matplotlib import colors  # noqa: E402

DPI = 100
LINE_COLOURS = ("#1f4e99", "#c0392b", "#2e8b57", "#8e44ad")


def data_uri(fig):
    """The figure as a PNG data URI (the page embeds every image; it links to nothing)."""
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=DPI)
    plt.close(fig)
    return "data:image/png;base64," + base64.b64encode(buf.getvalue()).decode("ascii")


class Series:
    """One line of a time-series panel: years, values (display units), an optional band
    (lo, hi) and an outer band (min, max), and its label."""

    def __init__(self, label, years, values, band=None, outer=None, dashed=False):
        self.label, self.years, self.values = label, np.asarray(years), np.asarray(values, dtype=float)
        self.band, self.outer, self.dashed = band, outer, dashed


class Panel:
    def __init__(self, title, unit, series):
        self.title, self.unit, self.series = title, unit, series


def time_series(panels, note=""):
    """Panels of national aggregates, three per row; ensemble bands shaded (p5-p95 dark,
    min-max light)."""
    rows = (len(panels) + 2) // 3
    fig, axes = plt.subplots(rows, 3, figsize=(12, 3.3 * rows + 0.5), squeeze=False)
    for ax, panel in zip(axes.flat, panels):
        for k, s in enumerate(panel.series):
            colour = LINE_COLOURS[k % len(LINE_COLOURS)]
            if s.outer is not None:
                ax.fill_between(s.years, s.outer[0], s.outer[1], color=colour, alpha=0.12, lw=0,
                                label=f"{s.label}: min-max")
            if s.band is not None:
                ax.fill_between(s.years, s.band[0], s.band[1], color=colour, alpha=0.3, lw=0,
                                label=f"{s.label}: p5-p95")
            ax.plot(s.years, s.values, color=colour, lw=1.8, ls="--" if s.dashed else "-", marker="o", ms=3,
                    label=s.label)
        ax.set_title(panel.title, fontsize=11)
        ax.set_ylabel(panel.unit, fontsize=9)
        ax.tick_params(labelsize=8)
        ax.grid(True, color="0.9")
        ax.xaxis.get_major_locator().set_params(integer=True)
        ax.ticklabel_format(axis="y", useOffset=False, style="plain")
    for ax in list(axes.flat)[len(panels):]:
        ax.set_visible(False)
    handles, labels = axes.flat[0].get_legend_handles_labels()
    fig.legend(handles, labels, loc="lower center", ncol=min(len(labels), 4), fontsize=9, frameon=False)
    if note:
        fig.text(0.99, 0.005, note, ha="right", va="bottom", fontsize=8, color="0.35")
    fig.tight_layout(rect=(0, 0.07 if rows == 1 else 0.045, 1, 1))
    return data_uri(fig)


class MapPanel:
    """One map: {province: value} in display units, its title, colour-bar label, and whether
    the values are a change (diverging colours centred on 0)."""

    def __init__(self, title, label, values, diverging=False):
        self.title, self.label, self.values, self.diverging = title, label, values, diverging


def province_maps(panels):
    """Maps side by side, each with its colour bar; None when the provinces have no polygons
    (a scenario outside China's 31 mainland provinces)."""
    geo = ro.load_provinces()
    known = {p.name for p in geo}
    if not panels or any(not set(p.values) <= known for p in panels):
        return None
    fig = plt.figure(figsize=(6.0 * len(panels), 5.2))
    width = 1.0 / len(panels)
    for k, panel in enumerate(panels):
        ax = fig.add_axes([k * width + 0.005, 0.16, width - 0.01, 0.74])
        cax = fig.add_axes([k * width + 0.12 * width, 0.09, 0.76 * width, 0.03])
        vals = np.array([v for v in panel.values.values() if np.isfinite(v)])
        if vals.size == 0:
            vals = np.zeros(1)
        # A few small provinces (Beijing, Shanghai) can lie far out: the colours then span the
        # others, and the outliers take the end colours (the bar's arrows say so).
        if panel.diverging:
            mags = np.abs(vals)
            top, p90 = float(mags.max()), float(np.percentile(mags, 90))
            m = (p90 if top > 2 * p90 > 0 else top) or 1.0
            norm, cmap, extend = colors.Normalize(-m, m), plt.get_cmap("RdBu_r"), "both" if m < top else "neither"
        else:
            lo, hi = float(vals.min()), float(vals.max())
            p5, p95 = float(np.percentile(vals, 5)), float(np.percentile(vals, 95))
            outliers = hi - lo > 2 * (p95 - p5) > 0
            lo, hi = (p5, p95) if outliers else (lo, hi)
            norm, cmap = colors.Normalize(lo, hi if hi > lo else lo + (abs(lo) or 1.0) * 1e-6), plt.get_cmap("YlGnBu")
            extend = "both" if outliers else "neither"
        coll = ro.draw_map(ax, geo, panel.values, cmap=cmap, norm=norm, fontsize=6.5, linewidth=0.4)
        ax.set_title(panel.title, fontsize=11.5)
        cb = fig.colorbar(coll, cax=cax, orientation="horizontal", extend=extend)
        cb.set_label(panel.label, fontsize=9)
        cb.ax.tick_params(labelsize=8)
    return data_uri(fig)


def province_values(table, var, scale):
    """{province: value × scale} of a province table (ro.aggregate_provinces)."""
    vals = ro.province_column(table, var) * scale
    return dict(zip(table["province"], vals))
