#!/usr/bin/python3
"""Make a reproducible synthetic geography for regio (scaling studies, reference tests).

    /usr/bin/python3 tools/synth_regions.py --regions N --provinces P --seed K -o DIR
        [--sectors 3 | --common-productivity] [--ranks R ...] [--network-k 4]

Writes, into DIR:

* `regions.csv` in regio's format (id,name,province,lat,lon,area_km2,land_km2,population,
  registered,capital,gdp,productivity[_<sector>...],amenity,tags; see inputs/china31/);
* `scenario.yaml` (regions: regions.csv, decomposition: auto, epochs: 3, start_year: 2020,
  output: out/synth-N, scale_to_observed_gdp: true; a `sectors:` list if --sectors != 3).
  GDP and capital are in one currency (capital = 3 GDP), so the level of productivity is
  scaled to the GDP column, as MODEL.md §6 requires for capital accumulation in consistent
  units; without it the capital stock is in yuan and investment in the numeraire's units, and
  capital grew 20-fold in the first year (N = 1,000);
* `network.csv` (from,to,mode,km): an undirected k-nearest-neighbour road graph over the
  region centroids (km = detour x great-circle km, Earth radius 6371.0 km, rounded up to the
  metre), made connected by a spanning tree over its components; with --rail-stations M also
  high_speed_rail links (the same kNN construction, k = 3) between the M most populous
  regions. scenario.yaml does not use it: add `network: {file: network.csv}`. Road edges
  no longer than their direct legs leave regio's effective distances unchanged (a link only
  matters where it is cheaper than the direct leg); rail links at the mode's cost factor
  (0.5 for high-speed rail) shorten them;
* `decomp-npR.yaml` for every --ranks R, by tools/make_decomp.py (weight = regions).

The geography, in a China-sized box (lat 20-45, lon 95-125):

* P province centres: a jittered grid (the box cut into >= P cells, P of them drawn at
  random, a centre drawn in the middle 60% of each), so provinces are spread out; provinces
  are numbered along a serpentine over the grid rows (south to north), so that consecutive
  provinces are neighbours and make_decomp's contiguous blocks are compact;
* region counts: every province gets one region, the other N - P are shared in proportion
  to lognormal(0, 0.5) weights (largest remainders);
* each region is drawn around its province centre, normal with a standard deviation of
  0.35 cell (scaled by sqrt(regions / mean regions), within [0.5, 2]), reflected into the box;
* population: lognormal, median 1.4e9/N, log-sd 0.8 (integers >= 1); registered = population;
* productivity: exp(0.3 z_province + 0.2 z_region + 0.25 (lon - 110)/15) (a coastal
  gradient); with per-sector columns each sector gets a further exp(0.15 z);
* area_km2: 9.6e6/N * lognormal(0, 0.4); land_km2: area * clip(0.04 (density/median
  density)^0.4 * lognormal(0, 0.3), 0.002, 0.8) (<= area);
* gdp = 7.2e-4 * productivity * population (China 2020: 1.0e6 100-million-yuan / 1.41e9
  persons; productivity = the common factor above), capital = 3 gdp * lognormal(0, 0.1);
* amenity 1, tags "synthetic".

Reproducibility: one Mersenne-Twister stream seeded with K (0 <= K < 2^32), read in a fixed
order; NumPy's RandomState([K]) and Python's random.Random(K) give the same uniforms, so the
NumPy path (fast: 10^6 regions in well under a minute) and the standard-library fallback
(slow, no NumPy) draw the same geography; numbers are written with fixed precision, so the
same seed gives byte-identical files (the two paths agree except, rarely, in the last printed
digit where libm and NumPy round a transcendental function differently). The network uses
scipy's cKDTree if available, else an exact grid search; both find the same k nearest
neighbours (by chord length = great-circle order).
"""

import argparse
import math
import os
import random
import subprocess
import sys
import time

try:
    import numpy as np
except ImportError:  # standard-library fallback
    np = None
try:
    from scipy.spatial import cKDTree
except Exception:  # noqa: BLE001 - any import problem: use the grid search
    cKDTree = None

LAT0, LAT1, LON0, LON1 = 20.0, 45.0, 95.0, 125.0
EARTH_KM = 6371.0
DEFAULT_SECTORS = ["agriculture", "manufacturing", "services"]
CHINA_AREA_KM2 = 9.6e6
CHINA_POP = 1.4e9
GDP_PER_PERSON = 7.2e-4     # 100 million yuan per person, 2020
CAPITAL_OUTPUT = 3.0


# --------------------------------------------------------------------------- random stream
class Stream:
    """Uniforms in [0, 1) from MT19937 seeded like random.Random(seed), NumPy or stdlib."""

    def __init__(self, seed):
        if np is not None:
            self.rs = np.random.RandomState([seed])
        else:
            self.rs = random.Random(seed)

    def uniform(self, n):
        if np is not None:
            return self.rs.random_sample(n)
        r = self.rs.random
        return [r() for _ in range(n)]

    def normal(self, n):
        """n standard normals by Box-Muller (cos branch), consuming 2n uniforms."""
        u = self.uniform(2 * n)
        if np is not None:
            return np.sqrt(-2.0 * np.log(1.0 - u[:n])) * np.cos(2.0 * math.pi * u[n:])
        return [math.sqrt(-2.0 * math.log(1.0 - a)) * math.cos(2.0 * math.pi * b)
                for a, b in zip(u[:n], u[n:])]


def tolist(x):
    return x.tolist() if np is not None and isinstance(x, np.ndarray) else list(x)


# --------------------------------------------------------------------------- provinces
def province_layout(P, stream):
    """Centres (lat, lon) of P provinces on a jittered grid, serpentine order; cell size."""
    # Cells roughly square in km: the box is 25 deg of latitude by 30 deg of longitude at
    # cos(32.5 deg) = 0.84, i.e. about 25 x 25 "latitude degrees".
    gx = max(1, math.ceil(math.sqrt(P * (LON1 - LON0) * math.cos(math.radians(32.5)) / (LAT1 - LAT0))))
    gy = max(1, math.ceil(P / gx))
    while gx * (gy - 1) >= P and gy > 1:
        gy -= 1
    cells = gx * gy
    u = tolist(stream.uniform(cells))
    chosen = sorted(sorted(range(cells), key=lambda c: (u[c], c))[:P])
    jitter = tolist(stream.uniform(2 * P))
    ch, cw = (LAT1 - LAT0) / gy, (LON1 - LON0) / gx

    def serpentine(c):
        row, col = divmod(c, gx)
        return (row, col if row % 2 == 0 else gx - 1 - col)
    chosen.sort(key=serpentine)
    lat, lon = [], []
    for p, c in enumerate(chosen):
        row, col = divmod(c, gx)
        lat.append(LAT0 + ch * (row + 0.2 + 0.6 * jitter[p]))
        lon.append(LON0 + cw * (col + 0.2 + 0.6 * jitter[P + p]))
    return lat, lon, ch, cw


def region_counts(N, P, weights):
    """1 + a largest-remainder share of N - P in proportion to `weights` (deterministic)."""
    extra = N - P
    total = math.fsum(weights)
    quota = [extra * w / total for w in weights]
    base = [int(math.floor(q)) for q in quota]
    left = extra - sum(base)
    order = sorted(range(P), key=lambda p: (-(quota[p] - base[p]), p))
    for p in order[:left]:
        base[p] += 1
    return [1 + b for b in base]


# --------------------------------------------------------------------------- regions
def generate(N, P, seed, n_sectors, per_sector):
    """All columns of the region table (as lists or arrays) in CSV row order."""
    s = Stream(seed)
    clat, clon, ch, cw = province_layout(P, s)
    zw = tolist(s.normal(P))
    counts = region_counts(N, P, [math.exp(0.5 * z) for z in zw])
    zprov = tolist(s.normal(P))
    mean_count = N / P
    spread = [min(2.0, max(0.5, math.sqrt(c / mean_count))) for c in counts]
    prov_of = [p for p in range(P) for _ in range(counts[p])]       # province index per row
    zlat, zlon = s.normal(N), s.normal(N)
    zpop, zreg, zarea, zland, zcap = (s.normal(N) for _ in range(5))
    zsec = [s.normal(N) for _ in range(n_sectors)] if per_sector else []
    median_pop = CHINA_POP / N
    mean_area = CHINA_AREA_KM2 / N

    if np is not None:
        pidx = np.asarray(prov_of)
        sd = np.asarray(spread)[pidx]
        lat = np.asarray(clat)[pidx] + 0.35 * ch * sd * zlat
        lon = np.asarray(clon)[pidx] + 0.35 * cw * sd * zlon
        lat = np.clip(np.where(lat < LAT0, 2 * LAT0 - lat, np.where(lat > LAT1, 2 * LAT1 - lat, lat)), LAT0, LAT1)
        lon = np.clip(np.where(lon < LON0, 2 * LON0 - lon, np.where(lon > LON1, 2 * LON1 - lon, lon)), LON0, LON1)
        # Within a province, rows go south to north (stable: ties keep draw order).
        order = np.lexsort((np.arange(N), lat, pidx))
        lat, lon = lat[order], lon[order]
        # Round coordinates as written, so everything derived uses the printed values.
        lat_s = ["%.6f" % v for v in lat.tolist()]
        lon_s = ["%.6f" % v for v in lon.tolist()]
        lat = np.array([float(v) for v in lat_s])
        lon = np.array([float(v) for v in lon_s])
        pop = np.maximum(1.0, np.rint(median_pop * np.exp(0.8 * zpop)))
        prod = np.exp(0.3 * np.asarray(zprov)[pidx] + 0.2 * zreg + 0.25 * (lon - 110.0) / 15.0)
        area = mean_area * np.exp(0.4 * zarea)
        density = pop / area
        share = np.clip(0.04 * (density / np.median(density)) ** 0.4 * np.exp(0.3 * zland), 0.002, 0.8)
        land = area * share
        gdp = GDP_PER_PERSON * prod * pop
        cap = CAPITAL_OUTPUT * gdp * np.exp(0.1 * zcap)
        sectors = [prod * np.exp(0.15 * z) for z in zsec]
        cols = dict(lat=lat_s, lon=lon_s, latf=lat.tolist(), lonf=lon.tolist(), pop=pop.tolist(),
                    prod=prod.tolist(), area=area.tolist(), land=land.tolist(), gdp=gdp.tolist(),
                    cap=cap.tolist(), sectors=[x.tolist() for x in sectors])
    else:
        def reflect(x, lo, hi):
            x = 2 * lo - x if x < lo else (2 * hi - x if x > hi else x)
            return min(hi, max(lo, x))
        lat = [reflect(clat[p] + 0.35 * ch * spread[p] * z, LAT0, LAT1) for p, z in zip(prov_of, zlat)]
        lon = [reflect(clon[p] + 0.35 * cw * spread[p] * z, LON0, LON1) for p, z in zip(prov_of, zlon)]
        order = sorted(range(N), key=lambda i: (prov_of[i], lat[i], i))
        lat_s = ["%.6f" % lat[i] for i in order]
        lon_s = ["%.6f" % lon[i] for i in order]
        latf = [float(v) for v in lat_s]
        lonf = [float(v) for v in lon_s]
        pop = [max(1.0, float(round(median_pop * math.exp(0.8 * z)))) for z in zpop]
        prod = [math.exp(0.3 * zprov[p] + 0.2 * zr + 0.25 * (lo - 110.0) / 15.0)
                for p, zr, lo in zip(prov_of, zreg, lonf)]
        area = [mean_area * math.exp(0.4 * z) for z in zarea]
        density = [a / b for a, b in zip(pop, area)]
        srt = sorted(density)
        med = srt[N // 2] if N % 2 else 0.5 * (srt[N // 2 - 1] + srt[N // 2])
        land = [a * min(0.8, max(0.002, 0.04 * (d / med) ** 0.4 * math.exp(0.3 * z)))
                for a, d, z in zip(area, density, zland)]
        gdp = [GDP_PER_PERSON * a * b for a, b in zip(prod, pop)]
        cap = [CAPITAL_OUTPUT * g * math.exp(0.1 * z) for g, z in zip(gdp, zcap)]
        sectors = [[a * math.exp(0.15 * z) for a, z in zip(prod, zs)] for zs in zsec]
        cols = dict(lat=lat_s, lon=lon_s, latf=latf, lonf=lonf, pop=pop, prod=prod, area=area,
                    land=land, gdp=gdp, cap=cap, sectors=sectors)
    cols["prov_of"] = prov_of
    cols["counts"] = counts
    return cols


def g6(v):
    """Six significant digits, never rounding a positive number to zero."""
    return "%.6g" % v


def write_regions(path, cols, P, sector_names, per_sector):
    counts = cols["counts"]
    wp = len(str(P))
    wr = len(str(max(counts)))
    ids, names, provs = [], [], []
    for p in range(P):
        for j in range(counts[p]):
            rid = str((p + 1) * 10 ** wr + j + 1)
            ids.append(rid)
            names.append("S" + rid)
            provs.append("P%0*d" % (wp, p + 1))
    area_s = [g6(a) for a in cols["area"]]
    # land <= area also after rounding (share <= 0.8, so 6 digits cannot break it).
    land_s = [g6(a) for a in cols["land"]]
    pop_s = ["%d" % v for v in cols["pop"]]
    cap_s = [g6(v) for v in cols["cap"]]
    gdp_s = [g6(v) for v in cols["gdp"]]
    if per_sector:
        prod_s = [",".join(t) for t in zip(*[[g6(v) for v in s] for s in cols["sectors"]])]
        prod_head = ",".join("productivity_" + s for s in sector_names)
    else:
        prod_s = [g6(v) for v in cols["prod"]]
        prod_head = "productivity"
    header = ("id,name,province,lat,lon,area_km2,land_km2,population,registered,capital,gdp,"
              + prod_head + ",amenity,tags\n")
    lines = [",".join(t) + ",1,synthetic\n" for t in zip(
        ids, names, provs, cols["lat"], cols["lon"], area_s, land_s, pop_s, pop_s, cap_s, gdp_s, prod_s)]
    with open(path, "w", encoding="utf-8", newline="") as f:
        f.write(header)
        f.writelines(lines)
    return ids, provs


# --------------------------------------------------------------------------- network
def unit_vectors(lat, lon):
    if np is not None:
        la, lo = np.radians(np.asarray(lat)), np.radians(np.asarray(lon))
        return np.column_stack((np.cos(la) * np.cos(lo), np.cos(la) * np.sin(lo), np.sin(la)))
    out = []
    for a, b in zip(lat, lon):
        la, lo = math.radians(a), math.radians(b)
        out.append((math.cos(la) * math.cos(lo), math.cos(la) * math.sin(lo), math.sin(la)))
    return out


def haversine_km(lat1, lon1, lat2, lon2):
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dl, dp = math.radians(lon2 - lon1), p2 - p1
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2.0 * EARTH_KM * math.asin(min(1.0, math.sqrt(a)))


def knn_grid(lat, lon, k):
    """Exact k nearest neighbours (chord length, ties by index) by a lat/lon grid search.

    A point outside the (2m+1)^2 cells around p's cell differs from p by >= m cells in
    latitude or longitude, hence (lat <= 45 deg) by a chord >= 2 cos(45) sin(m s / 2)."""
    N = len(lat)
    xyz = tolist(unit_vectors(lat, lon)) if np is not None else unit_vectors(lat, lon)
    cell = max(1e-3, math.sqrt((LAT1 - LAT0) * (LON1 - LON0) * 2.0 / N))   # ~2 points per cell
    grid = {}
    key = [(int((a - LAT0) / cell), int((b - LON0) / cell)) for a, b in zip(lat, lon)]
    for i, c in enumerate(key):
        grid.setdefault(c, []).append(i)
    ny, nx = int((LAT1 - LAT0) / cell) + 1, int((LON1 - LON0) / cell) + 1
    cmax = math.cos(math.radians(LAT1))
    out = []
    for i in range(N):
        ci, cj = key[i]
        xi, yi, zi = xyz[i]
        cand, m = [], 0
        while True:
            # add ring m
            for a in range(ci - m, ci + m + 1):
                if a < 0 or a >= ny:
                    continue
                for b in ((range(cj - m, cj + m + 1)) if abs(a - ci) == m else (cj - m, cj + m)):
                    if m == 0 and b != cj:
                        continue
                    for j in grid.get((a, b), ()):
                        if j != i:
                            x, y, z = xyz[j]
                            cand.append(((x - xi) ** 2 + (y - yi) ** 2 + (z - zi) ** 2, j))
            if len(cand) >= k:
                cand.sort()
                bound = 2.0 * cmax * math.sin(m * math.radians(cell) / 2.0)
                if cand[k - 1][0] <= bound * bound:
                    break
            if len(cand) >= N - 1 or (m > ny and m > nx):
                cand.sort()
                break
            m += 1
        out.append([j for _, j in cand[:k]])
    return out


def knn(lat, lon, k):
    """k nearest neighbours of every region (excluding itself): cKDTree if available, else grid."""
    k = min(k, len(lat) - 1)
    if k <= 0:
        return [[] for _ in lat]
    if np is not None and cKDTree is not None:
        xyz = unit_vectors(lat, lon)
        _, idx = cKDTree(xyz).query(xyz, k=k + 1)
        idx = np.asarray(idx).reshape(len(lat), k + 1)
        is_self = idx == np.arange(len(lat))[:, None]
        # drop the point itself (or, with duplicates, the last candidate), keep distance order
        keep = np.argsort(is_self, axis=1, kind="stable")[:, :k]
        return np.take_along_axis(idx, keep, axis=1)
    return knn_grid(lat, lon, k)


def components(N, edges):
    """Component label (smallest member index) of every node; union-find (standard library)."""
    parent = list(range(N))

    def find(a):
        while parent[a] != a:
            parent[a] = parent[parent[a]]
            a = parent[a]
        return a
    for a, b in edges:
        ra, rb = find(a), find(b)
        if ra != rb:
            if ra < rb:
                parent[rb] = ra
            else:
                parent[ra] = rb
    return [find(i) for i in range(N)]


def components_np(N, a, b):
    """Same labels with NumPy: hook every edge's larger root onto the smaller, compress paths."""
    lab = np.arange(N)
    while True:
        la, lb = lab[a], lab[b]
        lo, hi = np.minimum(la, lb), np.maximum(la, lb)
        diff = lo != hi
        if not diff.any():
            return lab
        new = lab.copy()
        np.minimum.at(new, hi[diff], lo[diff])
        while True:
            nxt = new[new]
            if np.array_equal(nxt, new):
                break
            new = nxt
        lab = new


def spanning_links(xyz, label):
    """Edges joining the components of a graph: Prim's MST over one representative per
    component (its member nearest to the component's mean direction, chord length); a tree
    edge (A, B) becomes the member of A nearest to B's representative and the member of B
    nearest to that point. `xyz` is a list of 3-tuples, `label` a list of component labels."""
    members = {}
    for i, r in enumerate(label):
        members.setdefault(r, []).append(i)
    roots = sorted(members)
    if len(roots) < 2:
        return [], len(roots)

    def d2(p, q):
        return (p[0] - q[0]) ** 2 + (p[1] - q[1]) ** 2 + (p[2] - q[2]) ** 2

    def nearest(point, pool):
        return min(pool, key=lambda j: (d2(xyz[j], point), j))
    rep = []
    for r in roots:
        ms = members[r]
        c = tuple(sum(xyz[j][t] for j in ms) / len(ms) for t in range(3))
        rep.append(nearest(c, ms))
    C = len(roots)
    best, link, used, tree = [float("inf")] * C, [-1] * C, [False] * C, []
    best[0] = 0.0
    for _ in range(C):
        u = min((c for c in range(C) if not used[c]), key=lambda c: (best[c], c))
        used[u] = True
        if link[u] >= 0:
            tree.append((link[u], u))
        for c in range(C):
            if not used[c]:
                d = d2(xyz[rep[u]], xyz[rep[c]])
                if d < best[c]:
                    best[c], link[c] = d, u
    out = set()
    for a, b in tree:
        pa = nearest(xyz[rep[b]], members[roots[a]])
        pb = nearest(xyz[pa], members[roots[b]])
        out.add((min(pa, pb), max(pa, pb)))
    return sorted(out), C


def build_network(latf, lonf, k):
    """Undirected kNN edges (i < j, sorted), plus a spanning tree over the kNN graph's
    components. Returns ((from indices, to indices), number of kNN components, edges added)."""
    N = len(latf)
    nb = knn(latf, lonf, k)
    if np is not None:
        nb = np.asarray(nb, dtype=np.int64).reshape(N, -1)
        kk = nb.shape[1]
        a = np.repeat(np.arange(N, dtype=np.int64), kk)
        b = nb.ravel()
        code = np.unique(np.minimum(a, b) * N + np.maximum(a, b))
        ea, eb = code // N, code % N
        if cKDTree is not None:
            from scipy.sparse import coo_matrix
            from scipy.sparse.csgraph import connected_components
            _, lab = connected_components(coo_matrix((np.ones(len(ea)), (ea, eb)), shape=(N, N)), directed=False)
            first = np.full(lab.max() + 1, N, dtype=np.int64)
            np.minimum.at(first, lab, np.arange(N))
            lab = first[lab]                                  # label = smallest member index
        else:
            lab = components_np(N, ea, eb)
        n_comp = len(np.unique(lab))
        added = 0
        if n_comp > 1:
            xyz = [tuple(r) for r in unit_vectors(latf, lonf).tolist()]
            links, _ = spanning_links(xyz, lab.tolist())
            lcode = np.array([a * N + b for a, b in links], dtype=np.int64)
            added = int(np.count_nonzero(~np.isin(lcode, code)))
            code = np.union1d(code, lcode)
        return (code // N, code % N), n_comp, added
    edges = sorted({(min(i, j), max(i, j)) for i, row in enumerate(nb) for j in row})
    label = components(N, edges)
    links, n_comp = spanning_links(unit_vectors(latf, lonf), label)
    eset = set(edges)
    added = [e for e in links if e not in eset]
    edges = sorted(eset.union(added))
    return ([a for a, _ in edges], [b for _, b in edges]), max(n_comp, 1), len(added)


def write_network(path, edges, ids, latf, lonf, detour, mode="road", append=False):
    ea, eb = edges
    if np is not None:
        la, lo = np.radians(np.asarray(latf)), np.radians(np.asarray(lonf))
        ea, eb = np.asarray(ea), np.asarray(eb)
        h = (np.sin((la[eb] - la[ea]) / 2) ** 2
             + np.cos(la[ea]) * np.cos(la[eb]) * np.sin((lo[eb] - lo[ea]) / 2) ** 2)
        km = np.maximum(0.001, detour * 2.0 * EARTH_KM * np.arcsin(np.minimum(1.0, np.sqrt(h)))).tolist()
        ea, eb = ea.tolist(), eb.tolist()
    else:
        km = [max(0.001, detour * haversine_km(latf[a], lonf[a], latf[b], lonf[b])) for a, b in zip(ea, eb)]
    with open(path, "a" if append else "w", encoding="utf-8", newline="") as f:
        if not append:
            f.write("from,to,mode,km\n")
        # Rounded up to the metre: rounded to nearest, about half of the edges came out up to
        # half a metre shorter than their direct legs, and every such link makes a network node in regio
        # (docs/performance.md, "Transport networks").
        f.writelines("%s,%s,%s,%.3f\n" % (ids[a], ids[b], mode, math.ceil(d * 1000.0) / 1000.0) for a, b, d in zip(ea, eb, km))


# --------------------------------------------------------------------------- scenario
def scenario_text(args, sector_names):
    lines = [
        "# Synthetic geography (tools/synth_regions.py --regions %d --provinces %d --seed %d%s): "
        "not China; for scaling studies and reference tests." % (
            args.regions, args.provinces, args.seed,
            " --common-productivity" if args.common_productivity else " --sectors %d" % args.sectors),
        "regions: regions.csv",
        "decomposition: auto",
        "epochs: 3",
        "start_year: 2020",
        "output: out/synth-%d" % args.regions,
        "scale_to_observed_gdp: true   # capital and gdp share one currency (MODEL.md 6)",
    ]
    if sector_names != DEFAULT_SECTORS:
        # Generic sectors: shares near China's averages, consumption shares equal.
        lines.append("sectors:")
        S = len(sector_names)
        for s, name in enumerate(sector_names):
            eta = 1.0 / S if s < S - 1 else 1.0 - (S - 1) * (1.0 / S)
            lines += ["  - name: %s" % name, "    labor_share: 0.5", "    capital_share: 0.4",
                      "    consumption_share: %.17g" % eta]
    return "\n".join(lines) + "\n"


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--regions", "-n", type=int, required=True, help="number of regions N (>= provinces)")
    ap.add_argument("--provinces", "-p", type=int, required=True, help="number of provinces P")
    ap.add_argument("--seed", type=int, default=1, help="random seed, 0 <= K < 2^32 (default 1)")
    ap.add_argument("-o", "--output", required=True, help="output folder")
    ap.add_argument("--sectors", type=int, default=3,
                    help="productivity_<sector> columns for S sectors (3 = regio's default economy; "
                         "other S get a generic sectors: list in scenario.yaml)")
    ap.add_argument("--common-productivity", action="store_true",
                    help="one `productivity` column for all sectors instead of productivity_<sector>")
    ap.add_argument("--ranks", type=int, nargs="*", default=[], help="write decomp-npR.yaml for these rank counts")
    ap.add_argument("--network-k", type=int, default=4, help="neighbours per region in network.csv (default 4)")
    ap.add_argument("--detour", type=float, default=1.0, help="km of an edge = detour x great-circle km (default 1)")
    ap.add_argument("--no-network", action="store_true", help="skip network.csv")
    ap.add_argument("--rail-stations", type=int, default=0,
                    help="add high_speed_rail links between the M most populous regions (kNN over the "
                         "stations, k = 3, made connected) to network.csv (default 0)")
    args = ap.parse_args(argv)

    N, P = args.regions, args.provinces
    if P < 1 or N < P:
        ap.error("need 1 <= provinces <= regions")
    if not 0 <= args.seed < 2 ** 32:
        ap.error("--seed must be in [0, 2^32)")
    if args.sectors < 1:
        ap.error("--sectors must be >= 1")
    if not 0 <= args.rail_stations <= N or (args.rail_stations and args.no_network):
        ap.error("--rail-stations must be between 0 and the number of regions, and needs network.csv")
    for r in args.ranks:
        if not 1 <= r <= P:
            ap.error("--ranks %d: must be between 1 and the number of provinces (%d)" % (r, P))
    sector_names = DEFAULT_SECTORS if args.sectors == 3 else ["sector%d" % (s + 1) for s in range(args.sectors)]

    t0 = time.time()
    os.makedirs(args.output, exist_ok=True)
    cols = generate(N, P, args.seed, len(sector_names), not args.common_productivity)
    ids, _ = write_regions(os.path.join(args.output, "regions.csv"), cols, P, sector_names,
                           not args.common_productivity)
    with open(os.path.join(args.output, "scenario.yaml"), "w", encoding="utf-8") as f:
        f.write(scenario_text(args, sector_names))
    t1 = time.time()
    n_edges, n_comp, n_added = 0, 1, 0
    if not args.no_network:
        edges, n_comp, n_added = build_network(cols["latf"], cols["lonf"], args.network_k)
        write_network(os.path.join(args.output, "network.csv"), edges, ids, cols["latf"], cols["lonf"], args.detour)
        n_edges = len(edges[0])
    n_rail = 0
    if args.rail_stations > 1:
        stations = sorted(range(N), key=lambda i: (-cols["pop"][i], i))[:args.rail_stations]
        stations.sort()
        (ra, rb), _, _ = build_network([cols["latf"][i] for i in stations], [cols["lonf"][i] for i in stations],
                                       min(3, len(stations) - 1))
        rail = ([stations[a] for a in list(ra)], [stations[b] for b in list(rb)])
        write_network(os.path.join(args.output, "network.csv"), rail, ids, cols["latf"], cols["lonf"], args.detour,
                      mode="high_speed_rail", append=True)
        n_rail = len(rail[0])
    t2 = time.time()
    make_decomp = os.path.join(os.path.dirname(os.path.abspath(__file__)), "make_decomp.py")
    procs = [subprocess.Popen([sys.executable, make_decomp, os.path.join(args.output, "regions.csv"),
                               "--ranks", str(r), "-o", os.path.join(args.output, "decomp-np%d.yaml" % r),
                               "--label", "synthetic N=%d P=%d seed=%d" % (N, P, args.seed)],
                              stdout=subprocess.DEVNULL) for r in args.ranks]   # concurrently
    for r, pr in zip(args.ranks, procs):
        if pr.wait() != 0:
            sys.exit("synth_regions: tools/make_decomp.py --ranks %d failed" % r)
    t3 = time.time()

    pop = cols["pop"]
    counts = cols["counts"]
    total_pop = math.fsum(pop)
    sp = sorted(pop)
    print("synthetic geography -> %s (seed %d, %s)" % (args.output, args.seed,
          "numpy" + (" + scipy" if cKDTree is not None else "") if np is not None else "standard library"))
    print("  %d regions in %d provinces (%d..%d regions per province), sectors: %s"
          % (N, P, min(counts), max(counts),
             "common productivity" if args.common_productivity else ", ".join(sector_names)))
    print("  population %.4g (median %.4g, min %.4g, max %.4g); GDP %.4g; capital %.4g"
          % (total_pop, sp[N // 2], sp[0], sp[-1], math.fsum(cols["gdp"]), math.fsum(cols["cap"])))
    if not args.no_network:
        print("  network.csv: %d road edges (k = %d), %d kNN component%s joined by %d spanning-tree edge%s"
              % (n_edges, args.network_k, n_comp, "" if n_comp == 1 else "s", n_added, "" if n_added == 1 else "s"))
        if n_rail:
            print("  network.csv: %d high_speed_rail links between the %d most populous regions"
                  % (n_rail, args.rail_stations))
    if args.ranks:
        print("  decompositions: %s" % ", ".join("decomp-np%d.yaml" % r for r in args.ranks))
    print("  time: regions %.1f s, network %.1f s, decompositions %.1f s" % (t1 - t0, t2 - t1, t3 - t2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
