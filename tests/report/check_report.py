#!/usr/bin/python3
"""CTests of `regio report` (label `report`, docs/report.md): real China-31 runs, an ensemble and
a Shapley decomposition, each page rendered in headless Chromium.

    check_report.py runs    REGIO MPIEXEC SRC WORK    # the folders the other steps read (fixture)
    check_report.py run     REGIO MPIEXEC WORK        # a run alone (regio report under mpirun -np 2)
    check_report.py baseline REGIO WORK               # a scenario against its baseline
    check_report.py ensemble REGIO WORK               # the quadrature ensemble's bands
    check_report.py shapley REGIO WORK                # the Shapley decomposition
    check_report.py refused REGIO WORK                # folders regio report must refuse

Each page: `regio report` exits 0; Chromium (Debian's `chromium`; missing: FAIL) takes a
screenshot, which must not be blank (enough non-white pixels, many colours), and dumps the
DOM, whose tables must hold the numbers read here, independently, from the CSVs regio wrote
(aggregates.csv, bands_national.csv, shapley.csv, regio compare's welfare.csv), formatted by the
rules of docs/report.md; the page must be self-contained (every image a PNG data URI that
decodes, every link an anchor in the page, no script or stylesheet from elsewhere).
"""
import base64
import csv
import html.parser
import io
import math
import os
import re
import shutil
import subprocess
import sys
import tempfile

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                  "--disable-background-networking", "--disable-component-update", "--disable-sync"]
HEADLINES = (("gdp", "money"), ("real_gdp", "money"), ("welfare", "log"), ("theil", "index"),
             ("migrant_share", "share"), ("internal_trade_share", "share"))
FAILURES = []


def check(ok, what):
    print(("PASS: " if ok else "FAIL: ") + what)
    if not ok:
        FAILURES.append(what)


def done():
    if FAILURES:
        print(f"{len(FAILURES)} check(s) failed")
        return 1
    print("all checks passed")
    return 0


def sh(cmd, **kw):
    print("+ " + " ".join(cmd), flush=True)
    return subprocess.run(cmd, **kw)


def rows_of(path):
    with open(path, newline="", encoding="utf-8") as f:
        return list(csv.DictReader(f))


# ---- docs/report.md, "How numbers are shown" (written out again here, not imported)
def level(kind, x):
    if kind == "money":
        return f"{x * 1e-4:,.2f}"  # China-31 scales to observed GDP: 100 million yuan -> trillion
    if kind == "share":
        return f"{100 * x:.2f}"
    return f"{x:.4f}".replace("-0.0000", "0.0000")


def change(kind, a, b):
    return {"money": f"{100 * (b / a - 1):+.2f} %", "share": f"{100 * (b - a):+.2f} pp"}.get(kind, f"{b - a:+.4f}")


def difference(kind, var, base, scen):
    if kind == "money":
        return f"{100 * (scen / base - 1):+.3f} %"
    if var == "welfare":
        return f"{100 * math.expm1(scen - base):+.3f} %"
    if kind == "share":
        return f"{100 * (scen - base):+.3f} pp"
    return f"{scen - base:+.5f}"


# ---- Chromium
class Tables(html.parser.HTMLParser):
    """Every table with an id: {id: {data-key: [cell texts]}}; every src and href."""

    def __init__(self):
        super().__init__()
        self.tables, self.srcs, self.hrefs, self.tags = {}, [], [], set()
        self._table, self._row, self._cell = None, None, None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        self.tags.add(tag)
        if "src" in a:
            self.srcs.append(a["src"])
        if "href" in a:
            self.hrefs.append(a["href"])
        if tag == "table" and a.get("id"):
            self._table = self.tables.setdefault(a["id"], {})
        elif tag == "tr" and self._table is not None and "data-key" in a:
            self._row = self._table.setdefault(a["data-key"], [])
        elif tag == "td" and self._row is not None:
            self._cell = []

    def handle_endtag(self, tag):
        if tag == "td" and self._cell is not None:
            self._row.append("".join(self._cell).strip())
            self._cell = None
        elif tag == "tr":
            self._row = None
        elif tag == "table":
            self._table = None

    def handle_data(self, data):
        if self._cell is not None:
            self._cell.append(data)


def chromium(args, **kw):
    profile = tempfile.mkdtemp(prefix="regio-chromium-")
    try:
        return subprocess.run([CHROMIUM] + CHROMIUM_FLAGS + [f"--user-data-dir={profile}"] + args,
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, timeout=120, **kw)
    finally:
        shutil.rmtree(profile, ignore_errors=True)


def render(page, png):
    """Screenshot and DOM of `page` in headless Chromium; checks the screenshot and the page."""
    if not os.path.exists(CHROMIUM):
        check(False, f"{CHROMIUM} is installed (Debian package chromium; scripts/install-deps.sh)")
        return None
    url = "file://" + os.path.abspath(page)
    if os.path.exists(png):
        os.remove(png)
    dom = chromium([f"--screenshot={png}", "--window-size=1200,3000", "--dump-dom", url]).stdout  # both at once
    check(os.path.exists(png), f"Chromium wrote the screenshot {png}")
    if os.path.exists(png):
        not_blank(png)
    check("<table" in dom, f"Chromium's DOM of {page} holds tables")
    parsed = Tables()
    parsed.feed(dom)
    self_contained(parsed, page)
    return parsed.tables


def not_blank(png):
    import matplotlib.image as mpimg
    import numpy as np
    img = mpimg.imread(png)[:, :, :3]
    check(img.shape[0] >= 2000 and img.shape[1] >= 1000, f"screenshot is {img.shape[1]}x{img.shape[0]} pixels")
    ink = np.mean(np.any(img < 0.94, axis=2))
    colours = len(np.unique((img * 31).astype(np.uint8).reshape(-1, 3), axis=0))
    check(ink > 0.08, f"screenshot not blank: {100 * ink:.1f} % of pixels are not white (> 8 %)")
    check(colours > 200, f"screenshot has {colours} distinct colours (> 200: maps and plots drawn)")


def self_contained(parsed, page):
    import matplotlib.image as mpimg
    text = open(page, encoding="utf-8").read()
    images = [s for s in parsed.srcs]
    check(len(images) >= 2 and all(s.startswith("data:image/png;base64,") for s in images),
          f"{len(images)} images, every one a PNG data URI")
    for s in images:
        img = mpimg.imread(io.BytesIO(base64.b64decode(s.split(",", 1)[1])), format="png")
        check(img.shape[1] >= 800, f"an embedded image decodes: {img.shape[1]}x{img.shape[0]}")
    check(all(h.startswith("#") for h in parsed.hrefs), f"every link is an anchor in the page: {parsed.hrefs}")
    check(not ({"script", "link", "iframe"} & parsed.tags) and not re.search(r"url\(|@import|https?://", text),
          "no script, stylesheet, or address outside the page")


def expect_row(tables, table_id, key, want):
    got = tables.get(table_id, {}).get(key)
    check(got is not None and got[len(got) - len(want):] == want,
          f"table {table_id}, row {key}: {want} (page: {got})")


# ---- the steps
def step_runs(regio, mpiexec, src, work):
    shutil.rmtree(work, ignore_errors=True)
    os.makedirs(work)
    c31 = os.path.join(src, "inputs", "china31")
    common = ["--epochs", "3", "--decomp", "auto"]
    # The welfare channels are built for Part I's economy (docs/welfare.md), so the shipped
    # scenarios are rebased from the default (history, input-output) baseline onto Part I's, as
    # tools/run_scenarios.sh does with BASELINE=part1.
    rebased = {}
    for name in ("hukou-reform", "western-development"):
        with open(f"{c31}/scenarios/{name}.yaml", encoding="utf-8") as f:
            text = "".join(line for line in f if not line.startswith("output:"))
        rebased[name] = os.path.join(work, f"{name}.yaml")
        with open(rebased[name], "w", encoding="utf-8") as f:
            f.write(text.replace("base: ../baseline-history.yaml", f"base: {c31}/baseline.yaml"))
    with open(f"{c31}/ensembles/elasticities.yaml", encoding="utf-8") as f:
        spec = "".join(line for line in f if not line.startswith("output:"))
    rebased["elasticities"] = os.path.join(work, "elasticities.yaml")
    with open(rebased["elasticities"], "w", encoding="utf-8") as f:
        f.write(spec.replace("scenario: ../scenarios/hukou-reform.yaml", f"scenario: {rebased['hukou-reform']}"))
    for name, cmd in (("base", ["run", f"{c31}/baseline.yaml", "--quiet", "--welfare-terms"]),
                      ("hukou", ["run", rebased["hukou-reform"], "--quiet", "--welfare-terms"]),
                      ("shapley", ["shapley", rebased["western-development"], "--welfare-terms"]),
                      ("ensemble", ["ensemble", rebased["elasticities"]])):
        r = sh([mpiexec, "-np", "2", regio] + cmd + common + ["--out", os.path.join(work, name)],
               stdout=subprocess.DEVNULL)
        check(r.returncode == 0, f"{name}: {cmd[0]} exit 0")
    r = sh([regio, "compare", f"{work}/base", f"{work}/hukou", "--out", f"{work}/compare"], stdout=subprocess.DEVNULL)
    check(r.returncode == 0, "regio compare (welfare.csv) exit 0")
    return done()


def report(regio, folder, out, *extra):
    r = sh([regio, "report", folder, "--output", out] + list(extra), stdout=subprocess.PIPE, text=True)
    check(r.returncode == 0 and os.path.exists(out), f"regio report {folder} exit 0 ({r.stdout.strip()})")
    return r.returncode == 0


def step_run(regio, mpiexec, work):
    base = f"{work}/base"
    # A run alone, from 2 ranks: every rank returns the page's exit code.
    r = sh([mpiexec, "-np", "2", regio, "report", base, "--output", f"{work}/base.html"])
    check(r.returncode == 0, "mpirun -np 2 regio report: exit 0")
    tables = render(f"{work}/base.html", f"{work}/base.png") or {}
    agg = rows_of(f"{base}/aggregates.csv")
    first, last = agg[0], agg[-1]
    for var, kind in HEADLINES:
        a, b = float(first[var]), float(last[var])
        expect_row(tables, "headline", var, [level(kind, a), level(kind, b), change(kind, a, b)])
    solver = rows_of(f"{base}/solver.csv")
    total = lambda col: sum(float(r[col]) for r in solver)  # noqa: E731
    expect_row(tables, "solver", "all", [str(int(total("nonlinear_iterations"))), str(int(total("linear_iterations"))),
                                         str(int(total("residual_evaluations"))), "",
                                         f"{max(float(r['residual_norm']) for r in solver):.2e}",
                                         f"{total('seconds'):.3f}", ""])
    return done()


def step_baseline(regio, work):
    """The hukou reform against the baseline: both runs' numbers, the differences, the welfare
    channels (regio compare's welfare.csv) and both runs' provenance."""
    base, hukou = f"{work}/base", f"{work}/hukou"
    agg = rows_of(f"{base}/aggregates.csv")
    if not report(regio, hukou, f"{work}/hukou.html", "--baseline", base):
        return done()
    tables = render(f"{work}/hukou.html", f"{work}/hukou.png") or {}
    sagg = rows_of(f"{hukou}/aggregates.csv")
    for var, kind in HEADLINES:
        want = []
        for k in (0, -1):
            b, s = float(agg[k][var]), float(sagg[k][var])
            want += [level(kind, b), level(kind, s), difference(kind, var, b, s)]
        expect_row(tables, "headline-diff", var, want)
    # Welfare by channel: regio compare's welfare.csv at the last epoch, in log points.
    welfare = rows_of(f"{work}/compare/welfare.csv")[-1]
    for ch in ("amenity", "trade", "technology", "factor_prices", "capital_income", "land_income", "transfers",
               "migration", "composition"):
        expect_row(tables, "welfare-change", ch, [f"{100 * float(welfare[ch]):+.3f}"])
    expect_row(tables, "welfare-change", "welfare", [f"{100 * float(welfare['change']):+.3f}"])
    expect_row(tables, "provenance", "status", ["complete", "complete"])
    expect_row(tables, "provenance", "run_id", [run_id(hukou), run_id(base)])
    return done()


def run_id(folder):
    for line in open(f"{folder}/run.yaml", encoding="utf-8"):
        if line.startswith("run_id:"):
            return line.split(":", 1)[1].strip()
    return None


def step_ensemble(regio, work):
    folder = f"{work}/ensemble"
    if report(regio, folder, f"{work}/ensemble.html"):
        tables = render(f"{work}/ensemble.html", f"{work}/ensemble.png") or {}
        bands = rows_of(f"{folder}/bands_national.csv")
        last = max(int(r["epoch"]) for r in bands)
        for var, kind in HEADLINES:
            r = [b for b in bands if b["variable"] == var and int(b["epoch"]) == last][0]
            want = [level(kind, float(r["mean"])), f"{level(kind, float(r['p5']))} - {level(kind, float(r['p95']))}"]
            expect_row(tables, "headline-bands", var, want)
    return done()


def step_shapley(regio, work):
    folder = f"{work}/shapley"
    if report(regio, folder, f"{work}/shapley.html"):
        tables = render(f"{work}/shapley.html", f"{work}/shapley.png") or {}
        shap = rows_of(f"{folder}/shapley.csv")
        last = max(int(r["epoch"]) for r in shap)
        none = rows_of(f"{folder}/members/000/aggregates.csv")[last]
        policies = list(dict.fromkeys(r["policy"] for r in shap))
        for p in policies + ["total"]:
            want = []
            for var, kind in HEADLINES:
                r = [s for s in shap if s["variable"] == var and int(s["epoch"]) == last and
                     (s["policy"] == p or p == "total")][0]
                v = float(r["total"] if p == "total" else r["contribution"])
                want.append(f"{100 * v / float(none[var]):+.3f}" if kind == "money" else
                            f"{100 * v:+.3f}" if kind in ("share", "log") else f"{v:+.5f}")
            expect_row(tables, "shapley", p, want)
    return done()


def step_refused(regio, work):
    """One line `regio: error:` naming the folder, exit 1: no run.yaml; status running; a baseline
    that is not complete."""
    bad = f"{work}/refused"
    shutil.rmtree(bad, ignore_errors=True)
    os.makedirs(f"{bad}/empty")
    shutil.copytree(f"{work}/base", f"{bad}/running")
    with open(f"{bad}/running/run.yaml", encoding="utf-8") as f:
        text = f.read().replace("status: complete", "status: running")
    with open(f"{bad}/running/run.yaml", "w", encoding="utf-8") as f:
        f.write(text)
    for args, where in (([f"{bad}/empty"], f"{bad}/empty"), ([f"{bad}/running"], f"{bad}/running/run.yaml"),
                        ([f"{work}/hukou", "--baseline", f"{bad}/running"], f"{bad}/running/run.yaml"),
                        ([f"{bad}/nothing"], f"{bad}/nothing")):
        r = sh([regio, "report"] + args + ["--output", f"{bad}/x.html"], stdout=subprocess.PIPE,
               stderr=subprocess.PIPE, text=True)
        lines = r.stderr.strip().splitlines()
        check(r.returncode == 1 and len(lines) == 1 and lines[0].startswith(f"regio: error: {where}") and
              not os.path.exists(f"{bad}/x.html"), f"refused {args}: exit {r.returncode}, {lines}")
    return done()


def main():
    step, args = sys.argv[1], sys.argv[2:]
    steps = {"runs": step_runs, "run": step_run, "baseline": step_baseline, "ensemble": step_ensemble, "shapley": step_shapley,
             "refused": step_refused}
    return steps[step](*args)


if __name__ == "__main__":
    sys.exit(main())
