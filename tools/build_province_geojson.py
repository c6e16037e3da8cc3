#!/usr/bin/python3
"""Build inputs/geo/china_provinces.geojson, the province polygons used by the plotting tools.

Source: `map/json/china.json` of Apache ECharts 4.9.0 (npm package echarts@4.9.0, Apache-2.0;
see inputs/geo/PROVENANCE.md). That file stores its rings in ECharts' compressed form
(`"UTF8Encoding": true`: each ring is a string of character pairs, zigzag-encoded deltas of
the coordinates in 1/1024 degree, starting from `encodeOffsets`); this script decodes it with
the algorithm of ECharts' `decodePolygon` (src/coord/geo/parseGeoJson.js), so a plain GeoJSON
works too.

What is done to it:
  * every feature is matched to inputs/china31/provinces.csv by its code (`id`, e.g. 110000)
    and the Chinese name is checked against `name_zh` (北京 ~ 北京市); the feature gets
    `province` = the English name used by regions.csv (`name_en`, e.g. "Beijing");
  * Taiwan, Hong Kong and Macau are kept with `model: false` (grey context on maps, not
    model provinces); the 31 mainland provinces have `model: true`;
  * rings are simplified with Douglas-Peucker (tolerance --tolerance degrees), islands
    smaller than --min-area square degrees are dropped (the largest ring of a feature is
    always kept), rings are closed and oriented (exterior counter-clockwise, RFC 7946) and
    coordinates rounded to --digits decimals;
  * `label_lon`, `label_lat`: a point inside the province for labels and flow arrows (the
    `region_lon`/`region_lat` of provinces.csv, i.e. the lon/lat of regions.csv; ECharts'
    `cp` for the three context features).

Checks before writing: 31 model provinces with exactly the names of regions.csv, every
ring has >= 4 points, every label point lies inside its province's polygons, coordinates
are within 73..136 E, 3..54 N.

Usage (from anywhere; the output is deterministic):
    /usr/bin/python3 tools/build_province_geojson.py RAW_CHINA_JSON
        [--provinces inputs/china31/provinces.csv] [--out inputs/geo/china_provinces.geojson]
        [--tolerance 0.01] [--min-area 0.002] [--digits 3]

numpy only (Debian python3-numpy).
"""
import argparse
import csv
import json
import os
import sys

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)

# Features of the source that are not model provinces: code -> (English name, Chinese name).
CONTEXT = {"710000": ("Taiwan", "台湾"), "810000": ("Hong Kong", "香港"), "820000": ("Macau", "澳门")}


def decode_ring(encoded, offset, scale):
    """ECharts decodePolygon: pairs of characters, zigzag deltas from `offset`, / scale."""
    codes = np.frombuffer(encoded.encode("utf-32-le"), dtype="<u4").astype(np.int64) - 64
    if codes.size % 2:
        raise ValueError("encoded ring with an odd number of characters")
    deltas = (codes >> 1) ^ (-(codes & 1))
    xy = np.cumsum(deltas.reshape(-1, 2), axis=0) + np.asarray(offset, dtype=np.int64)
    return xy / float(scale)


def decode(geojson):
    """Return a list of (feature, [polygon = [ring ndarray (n, 2)]]) with plain coordinates."""
    encoded = bool(geojson.get("UTF8Encoding"))
    scale = geojson.get("UTF8Scale") or 1024
    out = []
    for feature in geojson["features"]:
        geometry = feature["geometry"]
        coords = geometry["coordinates"]
        polygons = [coords] if geometry["type"] == "Polygon" else coords
        offsets = geometry.get("encodeOffsets")
        if encoded:
            offsets = [offsets] if geometry["type"] == "Polygon" else offsets
            polys = [[decode_ring(r, o, scale) for r, o in zip(poly, off)] for poly, off in zip(polygons, offsets)]
        else:
            polys = [[np.asarray(r, dtype=float) for r in poly] for poly in polygons]
        out.append((feature, polys))
    return out


def douglas_peucker(points, tolerance):
    """Indices kept by Douglas-Peucker on an open polyline (n, 2); endpoints always kept."""
    n = len(points)
    keep = np.zeros(n, dtype=bool)
    keep[0] = keep[-1] = True
    stack = [(0, n - 1)]
    while stack:
        i, j = stack.pop()
        if j <= i + 1:
            continue
        seg = points[j] - points[i]
        rel = points[i + 1:j] - points[i]
        length = np.hypot(seg[0], seg[1])
        if length == 0.0:
            dist = np.hypot(rel[:, 0], rel[:, 1])
        else:
            dist = np.abs(seg[0] * rel[:, 1] - seg[1] * rel[:, 0]) / length
        k = int(np.argmax(dist))
        if dist[k] > tolerance:
            k += i + 1
            keep[k] = True
            stack.append((i, k))
            stack.append((k, j))
    return keep


def simplify_ring(ring, tolerance):
    """Simplify a ring (open or closed); returns a closed ring."""
    if len(ring) > 1 and np.array_equal(ring[0], ring[-1]):
        ring = ring[:-1]
    if len(ring) < 3:
        return None
    # Split at the vertex farthest from the first one so both halves are proper polylines.
    far = int(np.argmax(np.hypot(*(ring - ring[0]).T)))
    if far == 0:
        return None
    a = ring[:far + 1]
    b = np.vstack([ring[far:], ring[:1]])
    ka, kb = douglas_peucker(a, tolerance), douglas_peucker(b, tolerance)
    out = np.vstack([a[ka], b[kb][1:]])
    return out  # closed: last point == first point


def signed_area(ring):
    x, y = ring[:, 0], ring[:, 1]
    return 0.5 * float(np.sum(x[:-1] * y[1:] - x[1:] * y[:-1]))


def point_in_ring(px, py, ring):
    x, y = ring[:-1, 0], ring[:-1, 1]
    x2, y2 = ring[1:, 0], ring[1:, 1]
    crosses = (y > py) != (y2 > py)
    with np.errstate(divide="ignore", invalid="ignore"):
        xint = x + (py - y) * (x2 - x) / (y2 - y)
    return bool(np.count_nonzero(crosses & (px < xint)) % 2)


def read_provinces(path):
    with open(path, newline="", encoding="utf-8") as f:
        return {row["code"]: row for row in csv.DictReader(f)}


def read_region_provinces(path):
    with open(path, newline="", encoding="utf-8") as f:
        return sorted({row["province"] for row in csv.DictReader(f)})


def build(raw_path, provinces_path, regions_path, tolerance, min_area, digits):
    with open(raw_path, encoding="utf-8") as f:
        raw = json.load(f)
    provinces = read_provinces(provinces_path)
    features = []
    stats = {"points_in": 0, "points_out": 0, "rings_in": 0, "rings_out": 0}
    for feature, polys in decode(raw):
        code = str(feature.get("id") or feature["properties"].get("id"))
        name_src = feature["properties"]["name"]
        if code in provinces:
            meta = provinces[code]
            if not meta["name_zh"].startswith(name_src):
                raise SystemExit(f"feature {code} '{name_src}' does not match provinces.csv '{meta['name_zh']}'")
            props = {"province": meta["name_en"], "code": code, "name_zh": meta["name_zh"], "model": True,
                     "label_lon": float(meta["region_lon"]), "label_lat": float(meta["region_lat"])}
        elif code in CONTEXT:
            en, zh = CONTEXT[code]
            if not name_src.startswith(zh):
                raise SystemExit(f"feature {code} '{name_src}' is not {zh}")
            cp = feature["properties"].get("cp") or [None, None]
            props = {"province": en, "code": code, "name_zh": zh, "model": False,
                     "label_lon": cp[0], "label_lat": cp[1]}
        else:
            raise SystemExit(f"feature {code} '{name_src}' is neither in provinces.csv nor a known context feature")
        # Simplify every exterior ring; drop small islands but keep the largest polygon.
        simplified = []
        for poly in polys:
            stats["rings_in"] += len(poly)
            stats["points_in"] += sum(len(r) for r in poly)
            rings = [simplify_ring(r, tolerance) for r in poly]
            if rings[0] is None or len(rings[0]) < 4:
                continue
            rings = [r for r in rings if r is not None and len(r) >= 4]
            simplified.append(rings)
        if not simplified:
            raise SystemExit(f"feature {code} lost all its polygons")
        areas = [abs(signed_area(p[0])) for p in simplified]
        largest = int(np.argmax(areas))
        kept = [p for i, p in enumerate(simplified) if i == largest or areas[i] >= min_area]
        out_polys = []
        for poly in kept:
            rings = []
            for k, ring in enumerate(poly):
                ring = np.round(ring, digits)
                ring[-1] = ring[0]
                ccw = signed_area(ring) > 0
                if (k == 0) != ccw:  # exterior counter-clockwise, holes clockwise
                    ring = ring[::-1]
                rings.append(ring)
            out_polys.append(rings)
            stats["rings_out"] += len(rings)
            stats["points_out"] += sum(len(r) for r in rings)
        features.append((props, out_polys))

    # ---- checks
    model = [p["province"] for p, _ in features if p["model"]]
    expected = read_region_provinces(regions_path)
    if len(model) != 31 or sorted(model) != expected:
        raise SystemExit(f"model provinces {sorted(model)} do not match regions.csv {expected}")
    for props, polys in features:
        for poly in polys:
            for ring in poly:
                if len(ring) < 4 or not np.array_equal(ring[0], ring[-1]):
                    raise SystemExit(f"{props['province']}: ring not closed or too short")
                if not (73 <= ring[:, 0].min() and ring[:, 0].max() <= 136 and 3 <= ring[:, 1].min()
                        and ring[:, 1].max() <= 54):
                    raise SystemExit(f"{props['province']}: coordinates outside China's bounding box")
        if props["model"]:
            inside = any(point_in_ring(props["label_lon"], props["label_lat"], poly[0]) for poly in polys)
            if not inside:
                raise SystemExit(f"{props['province']}: label point {props['label_lon']}, {props['label_lat']} "
                                 "is outside its polygons")
    return features, stats


def fmt(v, digits):
    s = f"{v:.{digits}f}".rstrip("0").rstrip(".")
    return "0" if s in ("-0", "") else s


def write(features, path, digits, source_note):
    lines = ['{"type":"FeatureCollection",',
             f'"source":{json.dumps(source_note, ensure_ascii=False)},',
             '"features":[']
    body = []
    # mainland provinces in provinces.csv order (by code), context features last
    features = sorted(features, key=lambda f: (not f[0]["model"], f[0]["code"]))
    for props, polys in features:
        if len(polys) == 1:
            gtype = "Polygon"
            coords = "[" + ",".join("[" + ",".join(f"[{fmt(x, digits)},{fmt(y, digits)}]" for x, y in ring) + "]"
                                    for ring in polys[0]) + "]"
        else:
            gtype = "MultiPolygon"
            coords = "[" + ",".join("[" + ",".join("[" + ",".join(f"[{fmt(x, digits)},{fmt(y, digits)}]"
                                                                  for x, y in ring) + "]" for ring in poly) + "]"
                                    for poly in polys) + "]"
        body.append('{"type":"Feature","properties":' + json.dumps(props, ensure_ascii=False, separators=(",", ":"))
                    + f',"geometry":{{"type":"{gtype}","coordinates":{coords}}}}}')
    lines.append(",\n".join(body))
    lines.append("]}")
    os.makedirs(os.path.dirname(os.path.abspath(path)), exist_ok=True)
    with open(path, "w", encoding="utf-8") as f:
        f.write("\n".join(lines) + "\n")


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("raw", help="ECharts 4.9.0 map/json/china.json (or any GeoJSON with the same ids)")
    ap.add_argument("--provinces", default=os.path.join(ROOT, "inputs/china31/provinces.csv"))
    ap.add_argument("--regions", default=os.path.join(ROOT, "inputs/china31/regions.csv"),
                    help="province names must match this file's `province` column")
    ap.add_argument("--out", default=os.path.join(ROOT, "inputs/geo/china_provinces.geojson"))
    ap.add_argument("--tolerance", type=float, default=0.01, help="Douglas-Peucker tolerance in degrees")
    ap.add_argument("--min-area", type=float, default=0.002, help="drop islands smaller than this (deg^2)")
    ap.add_argument("--digits", type=int, default=3, help="decimals kept in the coordinates")
    args = ap.parse_args()
    features, stats = build(args.raw, args.provinces, args.regions, args.tolerance, args.min_area, args.digits)
    note = ("Apache ECharts 4.9.0 map/json/china.json (Apache-2.0), decoded, simplified and renamed by "
            "tools/build_province_geojson.py; see inputs/geo/PROVENANCE.md")
    write(features, args.out, args.digits, note)
    with open(args.out, encoding="utf-8") as f:
        back = json.load(f)  # must parse
    n_model = sum(1 for f in back["features"] if f["properties"]["model"])
    print(f"{args.out}: {len(back['features'])} features ({n_model} model provinces), "
          f"rings {stats['rings_in']} -> {stats['rings_out']}, points {stats['points_in']} -> {stats['points_out']}, "
          f"{os.path.getsize(args.out) / 1024:.0f} KiB")


if __name__ == "__main__":
    sys.exit(main())
