#!/usr/bin/python3
"""One self-contained HTML page about a regio run, a run against a baseline, an ensemble or a
Shapley decomposition: what `regio report` runs (docs/report.md).

    /usr/bin/python3 tools/report.py OUT [--baseline DIR] [--output FILE]

OUT is the folder of `regio run`, `regio ensemble` or `regio shapley`; its run.yaml (or
ensemble.yaml) must end with `status: complete`. The page (default OUT/report.html) holds maps
of the provinces, time series of the national aggregates (with the ensemble's bands), the
headline numbers, the Shapley and welfare-channel tables where their files exist, the solver's
statistics and the provenance; its images are PNG data URIs, and it links to nothing, so it
opens anywhere without a network. Errors: one line `regio: error: ...`, exit 1.
"""
import argparse
import csv
import os
import sys
import traceback

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import regio_outputs as ro  # noqa: E402
import report_sections as rs  # noqa: E402

rf = None  # report_figures (matplotlib), imported once the folders are accepted: a refusal is quick

CSS = """
body{font-family:"DejaVu Sans",Helvetica,Arial,sans-serif;margin:0 auto;max-width:1180px;padding:12px 18px;color:#1a1a1a}
h1{font-size:24px;margin:8px 0 2px} h2{font-size:18px;border-bottom:2px solid #1f4e99;padding-bottom:3px;margin-top:26px}
.sub{color:#555;margin:0 0 10px} nav a{margin-right:12px;color:#1f4e99;text-decoration:none;font-size:14px}
table{border-collapse:collapse;margin:8px 0;font-size:13px} th,td{border:1px solid #ccd;padding:3px 8px}
h3{font-size:15px;margin:14px 0 4px} th{background:#e8eef8;text-align:center} td{text-align:right} td.t{text-align:left}
table.provenance td{text-align:left;word-break:break-all;max-width:900px} tbody tr:nth-child(even){background:#f6f8fc}
img{max-width:100%;display:block;margin:6px 0} .note{color:#555;font-size:13px;margin:4px 0}
"""


class ReportError(Exception):
    pass


class Folder:
    """An output folder: `run` (regio run: run.yaml), `ensemble` or `shapley` (ensemble.yaml)."""

    def __init__(self, path, what):
        self.path = path.rstrip("/") or "/"
        if not os.path.isdir(self.path):
            raise ReportError(f"{self.path}: no such folder: give the --out folder of regio run, ensemble or shapley")
        run_yaml, ens_yaml = os.path.join(self.path, "run.yaml"), os.path.join(self.path, "ensemble.yaml")
        record = run_yaml if os.path.exists(run_yaml) else ens_yaml if os.path.exists(ens_yaml) else None
        if record is None:
            raise ReportError(f"{self.path}: no run.yaml: not a regio output folder ({what}); give the folder "
                              "regio run, regio ensemble or regio shapley wrote")
        self.status = last_status(record)
        if self.status != "complete":
            raise ReportError(f"{record}: status is {self.status or 'missing'}, not complete: the outputs may be "
                              "partial; complete the run (run the same command again, or --restart from its last "
                              "checkpoint) before reporting it")
        self.record = ro.read_yaml(record)
        if self.record.get("mode") == "counterfactual":
            raise ReportError(f"{self.path}: a regio counterfactual folder; regio report reads the folders of "
                              "regio run, ensemble and shapley (compare counterfactuals with regio compare)")
        self.kind = "run" if record == run_yaml else ("shapley" if self.record.get("design") == "shapley"
                                                       else "ensemble")
        self.name = os.path.basename(os.path.abspath(self.path))

    def run(self):
        return ro.Run(self.path)

    def members(self):
        """members.csv as {column: list of str} (ids keep their leading zeros)."""
        with open(os.path.join(self.path, "members.csv"), newline="", encoding="utf-8") as f:
            rows = list(csv.reader(f))
        return {h: [r[j] for r in rows[1:]] for j, h in enumerate(rows[0])}

    def member_run(self, mid):
        return ro.Run(os.path.join(self.path, "members", mid))


def last_status(path):
    status = None
    with open(path, encoding="utf-8") as f:
        for line in f:
            if line.startswith("status:"):
                status = line.split(":", 1)[1].strip()
    return status


# ------------------------------------------------------------------------------ figures
def series_panels(runs, observed):
    """Time-series panels of the headline variables; runs: [(label, aggregates, bands or None)]."""
    panels = []
    for var, label, kind in rs.HEADLINES:
        scale = {"money": 1e-4 if observed else 1.0, "share": 100.0}.get(kind, 1.0)
        series = []
        for name, agg, bands in runs:
            if bands is not None:
                sel = bands["variable"] == var
                years = bands["year"][sel]
                series.append(rf.Series(name, years, bands["mean"][sel] * scale,
                                        (bands["p5"][sel] * scale, bands["p95"][sel] * scale),
                                        (bands["min"][sel] * scale, bands["max"][sel] * scale)))
            else:
                series.append(rf.Series(name, agg["year"], agg[var] * scale, dashed=len(series) > 0))
        panels.append(rf.Panel(label, rs.unit(kind, observed), series))
    return panels


def province_table(regions, epoch):
    rows = regions["epoch"].astype(int) == int(epoch)
    return ro.aggregate_provinces({k: v[rows] for k, v in regions.items()})


def pct_change(new, old):
    return {p: 100.0 * (new[p] / old[p] - 1.0) for p in new}


def maps_single(regions, observed, first, last, years):
    gdp = ro.variable("gdp_pc", observed)
    t0, t1 = province_table(regions, first), province_table(regions, last)
    return [rf.MapPanel(f"{gdp.label}, {years[1]}", gdp.unit, rf.province_values(t1, "gdp_pc", gdp.scale)),
            rf.MapPanel(f"Population, change {years[0]}-{years[1]}", "%",
                        pct_change(rf.province_values(t1, "population", 1.0),
                                   rf.province_values(t0, "population", 1.0)), diverging=True)]


def maps_against(base_regions, scen_regions, epoch, year, what):
    tb, ts = province_table(base_regions, epoch), province_table(scen_regions, epoch)
    return [rf.MapPanel(f"{label}, {year}: {what}", "% difference",
                        pct_change(rf.province_values(ts, var, 1.0), rf.province_values(tb, var, 1.0)), True)
            for var, label in (("real_income_pc", "Real income per capita"), ("population", "Population"))]


def bands_regions_table(path):
    """bands_regions.csv as a regions table of the members' means (and their sd) per epoch."""
    b = ro.read_csv(path)
    out = {}
    for var in dict.fromkeys(b["variable"]):
        sel = b["variable"] == var
        for k in ("epoch", "year", "region", "province"):
            out.setdefault(k, b[k][sel])
        out[var] = b["mean"][sel]
        out[var + "_sd"] = b["sd"][sel]
    return out


def maps_bands(path, observed, last, year):
    reg = bands_regions_table(path)
    rows = reg["epoch"].astype(int) == int(last)
    gdp = ro.variable("gdp_pc", observed)
    table = ro.aggregate_provinces({k: v[rows] for k, v in reg.items() if not k.endswith("_sd")})
    names = list(dict.fromkeys(reg["province"][rows]))
    pop_sd = np.array([np.sqrt(np.sum(reg["population_sd"][rows][reg["province"][rows] == p] ** 2)) for p in names])
    rel = dict(zip(names, 100.0 * pop_sd / ro.province_column(table, "population")))
    return [rf.MapPanel(f"{gdp.label}, {year}: members' mean", gdp.unit, rf.province_values(table, "gdp_pc", gdp.scale)),
            rf.MapPanel(f"Population, {year}: sd over the members", "% of the mean", rel)]


# ------------------------------------------------------------------------------ sections
def aggregation_note(regions):
    n, p = len(set(regions["region"])), len(set(regions["province"]))
    return rs.note(f"{n} regions shown as their {p} provinces (sums, population-weighted means, ratios of sums: "
                   "docs/plotting.md).") if n > p else ""


def img(uri, alt, missing="No map: the provinces are not China's 31 mainland provinces of "
                           "inputs/geo/china_provinces.geojson."):
    return f'<img alt="{rs.esc(alt)}" src="{uri}">' if uri else rs.note(missing)


def report_run(folder, baseline):
    run = folder.run()
    agg, observed = run.aggregates(), run.observed_money
    epochs, years = rs.agg_epochs(agg), rs.first_last_years(agg)
    sections = [("Headline numbers", rs.headline_run(agg, observed))]
    runs = [(folder.name, agg, None)]
    if baseline is not None:
        base = baseline.run()
        bagg = base.aggregates()
        common = sorted(set(epochs) & set(rs.agg_epochs(bagg)))
        if not common or rs.at(bagg, "year", common[0]) != rs.at(agg, "year", common[0]):
            raise ReportError(f"{baseline.path}: no epoch of the same year as {folder.path}'s: give the baseline of "
                              "the same start year")
        if sorted(set(base.regions()["region"])) != sorted(set(run.regions()["region"])):
            raise ReportError(f"{baseline.path}: other regions than {folder.path}: give a baseline of the same "
                              "regions")
        sections.append((f"Against the baseline {baseline.name}",
                         rs.headline_against(bagg, agg, observed, (baseline.name, folder.name))))
        runs.append((f"baseline {baseline.name}", bagg, None))
        year = int(rs.at(agg, "year", common[-1]))
        maps = maps_against(base.regions(), run.regions(), common[-1], year, "scenario against baseline")
    else:
        maps = maps_single(run.regions(), observed, epochs[0], epochs[-1], years)
    sections.append(("Maps", img(rf.province_maps(maps), "province maps") + aggregation_note(run.regions())))
    sections.append(("National aggregates", img(rf.time_series(series_panels(runs, observed)), "time series")))
    sections += welfare_sections(folder, baseline)
    sections.append(("Solver", rs.solver_table(ro.read_csv(os.path.join(folder.path, "solver.csv")))))
    records, names = [folder.record], [folder.name]
    if baseline is not None:
        records.append(baseline.record)
        names.append(baseline.name)
    prov = rs.provenance_table(records, rs.RUN_KEYS, names) + rs.policies_table(folder.record.get("scenario", {}))
    if baseline is not None:
        prov += "<h3>Parameters that differ from the baseline</h3>" + rs.scenario_differences(
            baseline.record.get("scenario", {}), folder.record.get("scenario", {}))
    sections.append(("Provenance", prov))
    title = f"regio report: {folder.name}" + (f" against {baseline.name}" if baseline else "")
    return title, sections


def welfare_sections(folder, baseline):
    path = os.path.join(folder.path, "welfare_terms.csv")
    if not os.path.exists(path):
        return []
    wt = ro.read_csv(path)
    html = "<h3>National welfare by channel (log units)</h3>" + rs.welfare_levels_table(wt)
    if baseline is not None and os.path.exists(os.path.join(baseline.path, "welfare_terms.csv")):
        html += (f"<h3>The change against {rs.esc(baseline.name)} by channel</h3>" +
                 rs.welfare_change_table(ro.read_csv(os.path.join(baseline.path, "welfare_terms.csv")), wt) +
                 rs.note("Channels: Σ_o r̄_o Δchannel_o; composition: Σ_o W̄_o Δr_o (docs/welfare.md §2); "
                         "they add up to the welfare change. 1 log point ≈ 1 %."))
    return [("Welfare by channel", html)]


def report_ensemble(folder):
    members = folder.members()
    ids = members["member"]
    shapley = folder.kind == "shapley"
    first = folder.member_run(ids[0])
    observed = first.observed_money
    sections = []
    if shapley:
        none, full = first, folder.member_run(ids[-1])
        nagg, fagg = none.aggregates(), full.aggregates()
        sections.append(("Headline numbers: every policy against none",
                         rs.headline_against(nagg, fagg, observed, ("no policy", "all policies"))))
        shap = ro.read_csv(os.path.join(folder.path, "shapley.csv"))
        html = rs.shapley_table(shap, nagg) + rs.note(
            "Each policy's Shapley value at the last epoch: the average, over the orders of adding the policies, "
            "of the change it makes; the rows add up to 'all together'.")
        sw = os.path.join(folder.path, "shapley_welfare.csv")
        if os.path.exists(sw):
            html += "<h3>Welfare by policy and channel (log points)</h3>" + rs.shapley_welfare_table(ro.read_csv(sw))
        sections.append(("Shapley decomposition", html))
        last = rs.agg_epochs(fagg)[-1]
        year = int(rs.at(fagg, "year", last))
        maps = maps_against(none.regions(), full.regions(), last, year, "all policies against none")
        runs = [("all policies", fagg, None), ("no policy", nagg, None)]
    else:
        bands = ro.read_csv(os.path.join(folder.path, "bands_national.csv"))
        html = rs.headline_bands(bands, observed)
        if folder.record.get("design") == "quadrature":
            html += rs.note("A quadrature rule: the mean is its estimate of the outcome's mean; the percentiles "
                            "describe only its points (docs/ensembles.md §4).")
        sections.append(("Headline numbers: members' mean and p5 - p95", html))
        last = int(bands["epoch"].max())
        year = int(bands["year"][bands["epoch"].astype(int) == last][0])
        path = os.path.join(folder.path, "bands_regions.csv")
        maps = maps_bands(path, observed, last, year) if os.path.exists(path) else []
        runs = [("members' mean", None, bands)]
    sections.append(("Maps", img(rf.province_maps(maps), "province maps") if maps else
                     rs.note("No map: the members wrote no region outcomes (no bands_regions.csv).")))
    sections.append(("National aggregates", img(rf.time_series(series_panels(runs, observed)), "time series")))
    solver = [(mid, ro.read_csv(os.path.join(folder.path, "members", mid, "solver.csv"))) for mid in ids]
    sections.append(("Solver", rs.solver_members_table(solver)))
    prov = rs.provenance_table([folder.record], rs.ENSEMBLE_KEYS, [folder.name])
    prov += "<h3>Members</h3>" + rs.members_table(members, shapley)
    prov += rs.policies_table(first.record.get("scenario", {})) if not shapley else ""
    sections.append(("Provenance", prov))
    return f"regio report: {folder.kind} {folder.name}", sections


def page(title, subtitle, sections):
    anchors = [f"s{k}" for k in range(len(sections))]
    nav = " ".join(f'<a href="#{a}">{rs.esc(t)}</a>' for a, (t, _) in zip(anchors, sections))
    body = "".join(f'<section id="{a}"><h2>{rs.esc(t)}</h2>{h}</section>' for a, (t, h) in zip(anchors, sections))
    return (f'<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>{rs.esc(title)}</title>'
            f"<style>{CSS}</style></head><body><h1>{rs.esc(title)}</h1><p class=\"sub\">{rs.esc(subtitle)}</p>"
            f"<nav>{nav}</nav>{body}</body></html>\n")


def main(argv=None):
    ap = argparse.ArgumentParser(prog="regio report", description=__doc__.split("\n")[0])
    ap.add_argument("out", help="output folder of regio run, regio ensemble or regio shapley")
    ap.add_argument("--baseline", help="output folder of a baseline run: differences against it")
    ap.add_argument("--output", help="HTML file to write (default OUT/report.html)")
    args = ap.parse_args(argv)
    try:
        folder = Folder(args.out, "OUT")
        baseline = Folder(args.baseline, "--baseline") if args.baseline else None
        if baseline is not None and (folder.kind != "run" or baseline.kind != "run"):
            raise ReportError(f"{args.baseline if baseline.kind != 'run' else args.out}: --baseline compares two "
                              "folders of regio run (a Shapley folder has its own: no policy); drop --baseline")
        global rf
        import report_figures as rf
        title, sections = report_run(folder, baseline) if folder.kind == "run" else report_ensemble(folder)
        rec = folder.record
        subtitle = (f"{rec.get('scenario_file', '')} · regio {rec.get('regio_version', '')} · "
                    f"{rec.get('ranks', '')} ranks · status {folder.status}")
        out = args.output or os.path.join(folder.path, "report.html")
        with open(out + ".tmp", "w", encoding="utf-8") as f:
            f.write(page(title, subtitle, sections))
        os.replace(out + ".tmp", out)
    except (ReportError, OSError) as e:
        print(f"regio: error: {e}", file=sys.stderr)
        return 1
    except SystemExit as e:  # the readers of regio_outputs.py end with SystemExit("message")
        if isinstance(e.code, str):
            print(f"regio: error: {e.code}", file=sys.stderr)
            return 1
        raise
    except Exception as e:  # a bug here, or a file regio did not write: exit 3 as regio's internal errors
        traceback.print_exc()
        print(f"regio: error: tools/report.py failed on {args.out}: {type(e).__name__}: {e}", file=sys.stderr)
        return 3
    print(f"wrote {out}: {title} ({len(sections)} sections)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
