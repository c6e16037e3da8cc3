"""Reading regio output folders and drawing province maps: shared by the plotting tools.

    import regio_outputs as ro
    run = ro.Run("out/china31-baseline")            # run.yaml, aggregates.csv, regions.csv
    years, provinces, values = run.province_values("gdp_pc")   # [epochs, provinces], display units
    geo = ro.load_provinces()                        # inputs/geo/china_provinces.geojson

Used by tools/plot_scenario.py, tools/plot_map.py and tools/plot_flows.py. Everything here
uses only the csv module, numpy, matplotlib and yaml (Debian python3-numpy,
python3-matplotlib, python3-yaml); regions.h5 is read with h5py (python3-h5py, which
scripts/install-deps.sh installs), only where a folder has no regions.csv.

Province aggregation (regions -> provinces, docs/outputs.md): population, registered,
migrants, employment, GDP, income and capital are summed; gdp_pc = gdp / population,
income_pc = income / population, migrant_share = migrants_in / population, net_migration =
migrants_in - migrants_out; wage, rents, price index, real income per capita, own trade
share and utility are population-weighted means. With finer regions (prefectures, counties)
migrants_in/out of a province also count moves between regions of the same province.
"""
import csv
import math
import os
import sys

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
DEFAULT_GEOJSON = os.path.join(ROOT, "inputs", "geo", "china_provinces.geojson")

# Projection for maps: x = lon * cos(35 deg), y = lat (equal-area-ish at China's mid latitude).
COS_LAT0 = math.cos(math.radians(35.0))

SUM_VARS = ("population", "registered", "migrants_in", "migrants_out", "gdp", "income", "capital")
MEAN_VARS = ("wage", "capital_rent", "land_rent", "price_index", "real_income_pc", "own_trade_share",
             "utility")
RATIO_VARS = {"gdp_pc": ("gdp", "population"), "income_pc": ("income", "population"),
              "migrant_share": ("migrants_in", "population")}


# --------------------------------------------------------------------------------------- files
def read_csv(path):
    """A CSV file as {column: numpy array}: float64 where every value parses, else str."""
    with open(path, newline="", encoding="utf-8") as f:
        rows = list(csv.reader(f))
    if not rows:
        raise SystemExit(f"{path}: empty file")
    header, body = rows[0], rows[1:]
    out = {}
    for j, name in enumerate(header):
        col = [r[j] if j < len(r) else "" for r in body]
        try:
            out[name] = np.array([float(v) for v in col], dtype=float)
        except ValueError:
            out[name] = np.array(col, dtype=object)
    return out


def read_yaml(path):
    try:
        import yaml
    except ImportError:  # python3-yaml is a listed dependency; keep going without it
        return {}
    with open(path, encoding="utf-8") as f:
        return yaml.safe_load(f) or {}


class Run:
    """One regio output folder: run.yaml, aggregates.csv, regions.csv (or regions.h5), migration.csv."""

    def __init__(self, folder, label=None):
        self.folder = folder.rstrip("/")
        if not os.path.isdir(self.folder):
            raise SystemExit(f"{folder}: no such output folder")
        self.label = label or os.path.basename(os.path.abspath(self.folder))
        self.record = {}
        self.status = None
        path = os.path.join(self.folder, "run.yaml")
        if os.path.exists(path):
            self.record = read_yaml(path)
            with open(path, encoding="utf-8") as f:
                for line in f:
                    if line.startswith("status:"):
                        self.status = line.split(":", 1)[1].strip()
        if self.status != "complete":
            print(f"warning: {self.folder}: run.yaml status is {self.status!r}, not 'complete': "
                  "the outputs may be partial", file=sys.stderr)
        self._aggregates = None
        self._regions = None
        self._migration = None

    # ---- units
    @property
    def scenario(self):
        return self.record.get("scenario") or {}

    @property
    def observed_money(self):
        """True when money is in the region CSV's GDP unit (China inputs: 100 million yuan of 2020)."""
        return bool(self.scenario.get("scale_to_observed_gdp", False))

    # ---- tables
    def aggregates(self):
        if self._aggregates is None:
            self._aggregates = read_csv(self._path("aggregates.csv"))
        return self._aggregates

    def regions(self):
        if self._regions is None:
            csv_path = os.path.join(self.folder, "regions.csv")
            h5_path = os.path.join(self.folder, "regions.h5")
            if os.path.exists(csv_path):
                self._regions = read_csv(csv_path)
            elif os.path.exists(h5_path):
                self._regions = read_regions_h5(h5_path)
            else:
                raise SystemExit(f"{self.folder}: neither regions.csv nor regions.h5")
        return self._regions

    def migration(self):
        """migration.csv: epoch, year, origin, destination, migrants (province pairs)."""
        if self._migration is None:
            self._migration = read_csv(self._path("migration.csv"))
        return self._migration

    def has(self, name):
        return os.path.exists(os.path.join(self.folder, name))

    def _path(self, name):
        path = os.path.join(self.folder, name)
        if not os.path.exists(path):
            raise SystemExit(f"{self.folder}: no {name}")
        return path

    # ---- epochs
    def epochs(self):
        """(epochs, years) present in regions.csv, ascending."""
        r = self.regions()
        epochs, idx = np.unique(r["epoch"].astype(int), return_index=True)
        return epochs, r["year"][idx].astype(int)

    def select_epoch(self, spec):
        """`last`, `first`, an epoch number, or a year written as `y2025` or a number >= 1000."""
        epochs, years = self.epochs()
        return select_epoch(epochs, years, spec, self.folder)

    # ---- province aggregation
    def province_table(self, epoch):
        """{column: array over provinces} for one epoch, provinces sorted by first appearance."""
        r = self.regions()
        rows = r["epoch"].astype(int) == int(epoch)
        if not rows.any():
            raise SystemExit(f"{self.folder}: no rows for epoch {epoch} in regions")
        return aggregate_provinces({k: v[rows] for k, v in r.items()})

    def province_values(self, var, epoch):
        """(provinces, values in display units, Variable) of one epoch."""
        table = self.province_table(epoch)
        v = variable(var, self.observed_money)
        return list(table["province"]), v.scale * province_column(table, var), v


def read_regions_h5(path):
    """regions.h5 (docs/outputs.md) as the same long table as regions.csv; needs h5py."""
    try:
        import h5py
    except ImportError:
        raise SystemExit(f"{path}: regions.csv is missing and reading regions.h5 needs h5py "
                         "(apt-get install python3-h5py), which is not installed")
    with h5py.File(path, "r") as f:
        g = f["regions"]
        dec = (lambda a: [s.decode() if isinstance(s, bytes) else str(s) for s in a])
        ids, provinces = dec(g["id"][:]), dec(g["province"][:])
        years = g["year"][:].astype(int)
        n_epochs, n = len(years), len(ids)
        start = int(f.attrs.get("start_year", years[0]))
        out = {"epoch": np.repeat(years - start, n).astype(float), "year": np.repeat(years, n).astype(float),
               "region": np.array(ids * n_epochs, dtype=object),
               "province": np.array(provinces * n_epochs, dtype=object)}
        for name in g:
            if name in ("id", "province", "year"):
                continue
            data = g[name][:]
            if data.ndim == 2 and data.shape == (n_epochs, n):
                out[name] = data.reshape(-1).astype(float)
    return out


def select_epoch(epochs, years, spec, where=""):
    spec = str(spec).strip().lower()
    if spec == "last":
        return int(epochs[-1])
    if spec == "first":
        return int(epochs[0])
    if spec.startswith("y"):
        year = int(spec[1:])
    else:
        value = int(spec)
        if value < 1000:
            if value < 0:
                return int(epochs[value])
            if value not in set(int(e) for e in epochs):
                raise SystemExit(f"{where}: epoch {value} not in the output (epochs {epochs[0]}..{epochs[-1]})")
            return value
        year = value
    hit = [int(e) for e, y in zip(epochs, years) if int(y) == year]
    if not hit:
        raise SystemExit(f"{where}: year {year} not in the output (years {years[0]}..{years[-1]})")
    return hit[0]


def aggregate_provinces(table):
    """Region rows of one epoch -> province rows (sums, ratios, population-weighted means)."""
    prov = table["province"]
    names = list(dict.fromkeys(prov))  # order of first appearance (CSV order)
    index = {p: i for i, p in enumerate(names)}
    idx = np.array([index[p] for p in prov])
    n = len(names)
    pop = np.bincount(idx, weights=table["population"], minlength=n)
    out = {"province": np.array(names, dtype=object), "regions": np.bincount(idx, minlength=n)}
    skipped = []
    for name, col in table.items():
        if name in ("epoch", "year") and col.dtype != object:
            out[name] = np.bincount(idx, weights=col, minlength=n) / np.bincount(idx, minlength=n)
        elif name in SUM_VARS or name.startswith("employment_"):
            out[name] = np.bincount(idx, weights=col, minlength=n)
        elif name in MEAN_VARS:
            out[name] = np.bincount(idx, weights=col * table["population"], minlength=n) / pop
        elif col.dtype != object and name not in ("region", "gdp_pc"):
            if len(idx) == n:  # a column without an aggregation rule, one region per province: as is
                out[name] = col[np.argsort(idx)]
            else:
                skipped.append(name)
    out["_skipped"] = tuple(skipped)
    return out


def province_column(table, var):
    """A province column by name, including the derived ones (gdp_pc, net_migration, ...)."""
    if var in RATIO_VARS:
        num, den = RATIO_VARS[var]
        return table[num] / table[den]
    if var == "net_migration":
        return table["migrants_in"] - table["migrants_out"]
    if var == "net_migration_rate":
        return (table["migrants_in"] - table["migrants_out"]) / table["population"]
    if var in table and var != "_skipped" and table[var].dtype != object:
        return table[var]
    if var in table.get("_skipped", ()):
        raise SystemExit(f"variable {var!r} has no rule for aggregating several regions per province")
    raise SystemExit(f"unknown variable {var!r}; choose one of: {', '.join(variable_names(table))}")


def variable_names(table=None):
    names = list(SUM_VARS) + list(RATIO_VARS) + ["net_migration", "net_migration_rate"] + list(MEAN_VARS)
    if table is not None:
        names += [k for k in table if k not in names and k not in ("province", "regions", "epoch", "year", "_skipped")]
    return names


class Variable:
    def __init__(self, name, label, unit, scale=1.0, diverging=False, pct_ok=True):
        self.name, self.label, self.unit, self.scale = name, label, unit, scale
        self.diverging = diverging  # values of both signs: diverging colour map around 0
        self.pct_ok = pct_ok        # a % difference between runs is meaningful


def variable(name, observed_money=True):
    """Label, unit and scale factor (model output -> display) of a regions.csv variable."""
    money = observed_money
    if name == "population":
        return Variable(name, "Resident population", "million persons", 1e-6)
    if name == "registered":
        return Variable(name, "Registered (hukou) population", "million persons", 1e-6)
    if name == "migrants_in":
        return Variable(name, "Migrants living here (registered elsewhere)", "million persons", 1e-6)
    if name == "migrants_out":
        return Variable(name, "Migrants registered here, living elsewhere", "million persons", 1e-6)
    if name == "net_migration":
        return Variable(name, "Net migration (migrants in − out)", "million persons", 1e-6, True, False)
    if name == "net_migration_rate":
        return Variable(name, "Net migration (in − out) / residents", "%", 100.0, True, False)
    if name == "migrant_share":
        return Variable(name, "Migrant share of residents", "%", 100.0)
    if name.startswith("employment_"):
        return Variable(name, f"Employment, {name[len('employment_'):]}", "million persons", 1e-6)
    if name in ("gdp", "income", "capital"):
        label = {"gdp": "GDP", "income": "Resident income", "capital": "Capital stock"}[name]
        if money:
            return Variable(name, label, "trillion yuan (2020)", 1e-4)  # 100 million yuan -> trillion
        return Variable(name, label, "model units")
    if name in ("gdp_pc", "income_pc"):
        label = {"gdp_pc": "GDP per capita", "income_pc": "Income per capita"}[name]
        if money:
            return Variable(name, label, "thousand yuan per person (2020)", 1e5)  # 1e8 yuan / 1e3
        return Variable(name, label, "model units per person")
    if name == "real_income_pc":
        if money:
            return Variable(name, "Real income per capita", "thousand yuan per person (2020 prices)", 1e5)
        return Variable(name, "Real income per capita", "model units per person")
    if name == "wage":
        if money:
            return Variable(name, "Wage per resident worker", "thousand yuan per year", 1e5)
        return Variable(name, "Wage per resident worker", "model units")
    if name == "own_trade_share":
        return Variable(name, "Share of spending bought locally", "%", 100.0)
    if name == "price_index":
        return Variable(name, "Goods price index", "national mean = 1")
    if name == "capital_rent":
        return Variable(name, "Rental rate of capital", "per unit of capital per year")
    if name == "land_rent":
        return Variable(name, "Land rent", "model money units per km²")
    if name == "utility":
        return Variable(name, "Utility (amenity × real income)", "model units")
    return Variable(name, name, "")


# ------------------------------------------------------------------------------------ geometry
class Province:
    def __init__(self, props, polygons):
        self.name = props["province"]
        self.model = bool(props.get("model", True))
        self.name_zh = props.get("name_zh", "")
        self.code = props.get("code", "")
        self.polygons = polygons  # list of exterior rings, (n, 2) lon/lat arrays
        self.label = (props.get("label_lon"), props.get("label_lat"))


def load_provinces(path=DEFAULT_GEOJSON):
    """The province polygons (exterior rings only) of inputs/geo/china_provinces.geojson."""
    import json
    with open(path, encoding="utf-8") as f:
        geo = json.load(f)
    out = []
    for feature in geo["features"]:
        g = feature["geometry"]
        polys = [g["coordinates"]] if g["type"] == "Polygon" else g["coordinates"]
        out.append(Province(feature["properties"], [np.asarray(p[0], dtype=float) for p in polys]))
    return out


def project(lon, lat):
    return np.asarray(lon, dtype=float) * COS_LAT0, np.asarray(lat, dtype=float)


def check_names(geo, names, where):
    """Every province name of a run must have a polygon."""
    known = {p.name for p in geo}
    missing = [n for n in names if n not in known]
    if missing:
        raise SystemExit(f"{where}: provinces without a polygon in {DEFAULT_GEOJSON}: {', '.join(missing)} "
                         "(the plotting tools know China's 31 mainland provinces)")


# Label placement for provinces too small to hold their name: (dx, dy) in projected degrees
# from the label point, drawn with a leader line.
LABEL_OFFSETS = {"Beijing": (-3.2, 2.2), "Tianjin": (3.6, 0.9), "Shanghai": (4.2, 0.2),
                 "Hong Kong": (3.0, -1.4), "Macau": (0.6, -2.9), "Ningxia": (-1.9, 1.6)}
SHORT_NAMES = {"Inner Mongolia": "Inner\nMongolia", "Heilongjiang": "Heilong-\njiang"}


def draw_map(ax, geo, values=None, cmap=None, norm=None, edge="0.25", missing="0.85",
             context_color="0.9", labels=True, fontsize=8, linewidth=0.5):
    """Fill each province by `values` {province: value} (NaN/absent -> `missing`); returns the
    PolyCollection of the model provinces (for a colour bar)."""
    from matplotlib.collections import PolyCollection
    import matplotlib.patheffects as pe
    verts, vals, ctx = [], [], []
    for p in geo:
        for ring in p.polygons:
            x, y = project(ring[:, 0], ring[:, 1])
            xy = np.column_stack([x, y])
            if p.model:
                verts.append(xy)
                vals.append(np.nan if values is None else values.get(p.name, np.nan))
            else:
                ctx.append(xy)
    ax.add_collection(PolyCollection(ctx, facecolors=context_color, edgecolors="0.6", linewidths=linewidth * 0.8,
                                     zorder=1))
    vals = np.asarray(vals, dtype=float)
    coll = PolyCollection(verts, edgecolors=edge, linewidths=linewidth, zorder=2)
    if values is not None and cmap is not None:
        coll.set_array(np.ma.masked_invalid(vals))
        coll.set_cmap(cmap)
        if norm is not None:
            coll.set_norm(norm)
        coll.cmap.set_bad(missing)
    else:
        coll.set_facecolor(missing)
    ax.add_collection(coll)
    if labels:
        halo = [pe.withStroke(linewidth=2.2, foreground="white")]
        for p in geo:
            if p.label[0] is None:
                continue
            x, y = project(p.label[0], p.label[1])
            name = SHORT_NAMES.get(p.name, p.name)
            style = dict(fontsize=fontsize if p.model else fontsize - 1, ha="center", va="center", zorder=6,
                         color="0.1" if p.model else "0.35", path_effects=halo)
            if p.name in LABEL_OFFSETS:
                dx, dy = LABEL_OFFSETS[p.name]
                ax.annotate(name, (x, y), (x + dx, y + dy), arrowprops=dict(arrowstyle="-", color="0.3", lw=0.6,
                                                                           shrinkA=0, shrinkB=0), **style)
            else:
                ax.text(x, y, name, **style)
    xs = np.concatenate([v[:, 0] for v in verts + ctx])
    ys = np.concatenate([v[:, 1] for v in verts + ctx])
    pad = 0.8
    ax.set_xlim(xs.min() - pad, xs.max() + pad)
    ax.set_ylim(ys.min() - pad, ys.max() + pad)
    ax.set_aspect("equal")
    ax.set_xticks([])
    ax.set_yticks([])
    for s in ax.spines.values():
        s.set_visible(False)
    return coll


def label_points(geo):
    """{province: (x, y)} projected label points (inside the province) for arrows and markers."""
    out = {}
    for p in geo:
        if p.label[0] is not None:
            x, y = project(p.label[0], p.label[1])
            out[p.name] = (float(x), float(y))
    return out


def nice_number(x):
    """1, 2 or 5 times a power of ten, not above x (for legends)."""
    if x <= 0:
        return 0.0
    e = math.floor(math.log10(x))
    for m in (5, 2, 1):
        if m * 10 ** e <= x:
            return m * 10 ** e
    return 10 ** e


def fmt_number(x):
    if x == 0:
        return "0"
    if abs(x) >= 100:
        return f"{x:,.0f}"
    if abs(x) >= 1:
        return f"{x:.3g}"
    return f"{x:.2g}"


def run_title(run):
    """Short description of a run for titles: folder name and its scenario file."""
    scen = run.record.get("scenario_file")
    return f"{run.label}" + (f" ({os.path.basename(scen)})" if scen else "")
