"""The sections of `regio report` (tools/report.py): headline numbers, Shapley values, welfare
channels, solver statistics and provenance, as HTML tables. Numbers are formatted by the rules
of docs/report.md ("How numbers are shown"); the CTest `report_*` reads aggregates.csv itself
and checks the page shows them so.
"""
import datetime
import html
import math
import re

import numpy as np

# The headline variables: aggregates.csv column, label, kind (how it is shown).
HEADLINES = (("gdp", "GDP", "money"), ("real_gdp", "Real GDP", "money"), ("welfare", "Welfare", "log"),
             ("theil", "Theil index of GDP per capita", "index"), ("migrant_share", "Migrant share", "share"),
             ("internal_trade_share", "Internal trade share", "share"))
CHANNELS = ("amenity", "trade", "technology", "factor_prices", "capital_income", "land_income", "transfers",
            "migration")


# ------------------------------------------------------------------------------ formatting
def unit(kind, observed_money):
    return {"money": "trillion yuan (2020)" if observed_money else "model units", "log": "log utility",
            "index": "", "share": "%"}[kind]


def level(kind, x, observed_money):
    """A level: money in trillion yuan (CSV: 100 million yuan) or model units, 2 decimals; welfare
    and Theil 4 decimals; shares in % with 2 decimals."""
    if not math.isfinite(x):
        return "nan"
    if kind == "money":
        return f"{x * (1e-4 if observed_money else 1.0):,.2f}"
    if kind == "share":
        return f"{100.0 * x:.2f}"
    return f"{x:.4f}".replace("-0.0000", "0.0000")


def change(kind, first, last):
    """From the first epoch to the last: money in %, welfare and Theil as differences, shares in
    percentage points."""
    if kind == "money":
        return f"{100.0 * (last / first - 1.0):+.2f} %"
    if kind == "share":
        return f"{100.0 * (last - first):+.2f} pp"
    return f"{last - first:+.4f}"


def difference(kind, var, base, scen):
    """Scenario against baseline: money in % (3 decimals), welfare as the consumption-equivalent
    % 100 (exp(ΔW) − 1), Theil as a difference (5 decimals), shares in pp (3 decimals)."""
    if kind == "money":
        return f"{100.0 * (scen / base - 1.0):+.3f} %"
    if var == "welfare":
        return f"{100.0 * math.expm1(scen - base):+.3f} %"
    if kind == "share":
        return f"{100.0 * (scen - base):+.3f} pp"
    return f"{scen - base:+.5f}"


def additive(kind, var, value, base_level):
    """A Shapley contribution (additive over policies): money as % of the no-policy level,
    welfare in log points (× 100), shares in pp, Theil as is."""
    if kind == "money":
        return f"{100.0 * value / base_level:+.3f}"
    if var == "welfare" or kind == "share":
        return f"{100.0 * value:+.3f}"
    return f"{value:+.5f}"


ADDITIVE_UNITS = {"money": "% of no-policy level", "log": "log points", "index": "", "share": "pp"}


# ------------------------------------------------------------------------------ HTML
def esc(x):
    return html.escape(str(x))


NUMBER = re.compile(r"^[-+]?[0-9][0-9,.]*(e[-+]?[0-9]+)?( %| pp)?$|^[-+]?[0-9.]+ - [-+]?[0-9.,]+$|^nan$")


def cell(x):
    """A table cell: numbers right-aligned, text left-aligned; a date as written in run.yaml."""
    if isinstance(x, datetime.datetime):
        x = x.strftime("%Y-%m-%dT%H:%M:%SZ")
    text = str(x)
    return f"<td>{esc(text)}</td>" if NUMBER.match(text) else f'<td class="t">{esc(text)}</td>'


def table(headers, rows, table_id=None, row_keys=None, cls=""):
    """An HTML table; row_keys[i] goes into the row's data-key (the test finds rows by it)."""
    out = [f'<table{f" id={chr(34)}{table_id}{chr(34)}" if table_id else ""} class="{cls}">', "<thead><tr>"]
    out += [f"<th>{esc(h)}</th>" for h in headers]
    out.append("</tr></thead><tbody>")
    for i, row in enumerate(rows):
        key = f' data-key="{esc(row_keys[i])}"' if row_keys else ""
        out.append(f"<tr{key}>" + "".join(cell(c) for c in row) + "</tr>")
    out.append("</tbody></table>")
    return "".join(out)


def note(text):
    return f'<p class="note">{esc(text)}</p>'


# ------------------------------------------------------------------------------ headlines
def at(agg, col, epoch):
    rows = np.nonzero(agg["epoch"].astype(int) == int(epoch))[0]
    return float(agg[col][rows[0]])


def headline_run(agg, observed):
    """First and last epoch of one run and the change between them."""
    epochs, years = agg["epoch"].astype(int), agg["year"].astype(int)
    e0, e1 = epochs.min(), epochs.max()
    y0, y1 = years[epochs == e0][0], years[epochs == e1][0]
    rows = [[label, unit(kind, observed), level(kind, at(agg, var, e0), observed),
             level(kind, at(agg, var, e1), observed), change(kind, at(agg, var, e0), at(agg, var, e1))]
            for var, label, kind in HEADLINES]
    return table(["", "unit", f"{y0} (epoch {e0})", f"{y1} (epoch {e1})", "change"], rows, "headline",
                 [v for v, _, _ in HEADLINES])


def headline_against(base, scen, observed, names=("baseline", "scenario")):
    """Both runs at their first and last common epoch, and the scenario's difference."""
    common = sorted(set(base["epoch"].astype(int)) & set(scen["epoch"].astype(int)))
    e0, e1 = common[0], common[-1]
    y0, y1 = int(at(scen, "year", e0)), int(at(scen, "year", e1))
    rows = []
    for var, label, kind in HEADLINES:
        row = [label, unit(kind, observed)]
        for e in (e0, e1):
            b, s = at(base, var, e), at(scen, var, e)
            row += [level(kind, b, observed), level(kind, s, observed), difference(kind, var, b, s)]
        rows.append(row)
    b, s = names
    heads = ["", "unit"] + [f"{h} {y}" for y in (y0, y1) for h in (b, s, "difference")]
    return table(heads, rows, "headline-diff", [v for v, _, _ in HEADLINES])


def headline_bands(bands, observed):
    """An ensemble: the mean and the p5-p95 band at the first and last epoch."""
    epochs = bands["epoch"].astype(int)
    e0, e1 = epochs.min(), epochs.max()
    rows = []
    for var, label, kind in HEADLINES:
        row = [label, unit(kind, observed)]
        for e in (e0, e1):
            hit = np.nonzero((epochs == e) & (bands["variable"] == var))[0]
            if not hit.size:
                row += ["", ""]
                continue
            i = hit[0]
            row += [level(kind, bands["mean"][i], observed),
                    f"{level(kind, bands['p5'][i], observed)} - {level(kind, bands['p95'][i], observed)}"]
        rows.append(row)
    y0, y1 = int(bands["year"][epochs == e0][0]), int(bands["year"][epochs == e1][0])
    return table(["", "unit", f"{y0} mean", f"{y0} p5 - p95", f"{y1} mean", f"{y1} p5 - p95"], rows,
                 "headline-bands", [v for v, _, _ in HEADLINES])


# ------------------------------------------------------------------------------ Shapley
def shapley_table(shap, none_agg):
    """Each policy's Shapley value at the last epoch, additive units, and the total."""
    epochs = shap["epoch"].astype(int)
    last = epochs.max()
    policies = list(dict.fromkeys(shap["policy"]))
    heads, cols = ["policy"], []
    for var, label, kind in HEADLINES:
        sel = (epochs == last) & (shap["variable"] == var)
        if not sel.any():
            continue
        heads.append(f"{label} ({ADDITIVE_UNITS[kind]})" if ADDITIVE_UNITS[kind] else label)
        contrib = dict(zip(shap["policy"][sel], shap["contribution"][sel]))
        base = at(none_agg, var, last)
        cols.append([additive(kind, var, contrib[p], base) for p in policies] +
                    [additive(kind, var, shap["total"][sel][0], base)])
    rows = [[p] + [c[k] for c in cols] for k, p in enumerate(policies)] + [["all together"] + [c[-1] for c in cols]]
    return table(heads, rows, "shapley", policies + ["total"])


def shapley_welfare_table(sw):
    """shapley_welfare.csv at the last epoch: policy × channel, log points."""
    epochs = sw["epoch"].astype(int)
    sel = epochs == epochs.max()
    policies = list(dict.fromkeys(sw["policy"][sel]))
    channels = list(dict.fromkeys(sw["channel"][sel]))
    value = {(p, c): v for p, c, v in zip(sw["policy"][sel], sw["channel"][sel], sw["contribution"][sel])}
    total = {c: v for c, v in zip(sw["channel"][sel], sw["total"][sel])}
    rows = [[p] + [f"{100 * value[p, c]:+.3f}" for c in channels] + [f"{100 * sum(value[p, c] for c in channels):+.3f}"]
            for p in policies]
    rows.append(["all together"] + [f"{100 * total[c]:+.3f}" for c in channels] +
                [f"{100 * sum(total.values()):+.3f}"])
    return table(["policy"] + [c.replace("_", " ") for c in channels] + ["welfare"], rows, "shapley-welfare",
                 policies + ["total"])


# ------------------------------------------------------------------------------ welfare channels
def national_channels(wt, epoch):
    """{channel: Σ_o r_o channel_o} and the weights r_o (docs/welfare.md §2) at one epoch."""
    sel = wt["epoch"].astype(int) == int(epoch)
    r = wt["weight"][sel] / wt["weight"][sel].sum()
    return {c: wt[c][sel] for c in CHANNELS + ("welfare",)}, r, list(wt["region"][sel])


def welfare_levels_table(wt):
    """One run: national welfare by channel at its first and last epoch, and the change."""
    epochs = wt["epoch"].astype(int)
    e0, e1 = epochs.min(), epochs.max()
    (c0, r0, _), (c1, r1, _) = national_channels(wt, e0), national_channels(wt, e1)
    rows = []
    for c in CHANNELS + ("welfare",):
        a, b = float(r0 @ c0[c]), float(r1 @ c1[c])
        rows.append([c.replace("_", " "), level("log", a, False), level("log", b, False), f"{b - a:+.4f}"])
    y0, y1 = int(wt["year"][epochs == e0][0]), int(wt["year"][epochs == e1][0])
    return table(["channel", str(y0), str(y1), "change"], rows, "welfare-channels", list(CHANNELS) + ["welfare"])


def welfare_change_table(wt_base, wt_scen):
    """Scenario against baseline at the last common epoch, by channel: Σ_o r̄_o Δchannel_o and the
    composition Σ_o W̄_o Δr_o (docs/welfare.md §2, what `regio compare` writes to welfare.csv)."""
    common = sorted(set(wt_base["epoch"].astype(int)) & set(wt_scen["epoch"].astype(int)))
    e = common[-1]
    cb, rb, ib = national_channels(wt_base, e)
    cs, rs, is_ = national_channels(wt_scen, e)
    order = [ib.index(i) for i in is_]  # regions matched by id
    rb = rb[order]
    cb = {k: v[order] for k, v in cb.items()}
    rbar = 0.5 * (rb + rs)
    rows = [[c.replace("_", " "), f"{100 * float(rbar @ (cs[c] - cb[c])):+.3f}"] for c in CHANNELS]
    composition = float(0.5 * (cb["welfare"] + cs["welfare"]) @ (rs - rb))
    total = float(rs @ cs["welfare"] - rb @ cb["welfare"])
    rows += [["composition", f"{100 * composition:+.3f}"], ["welfare change", f"{100 * total:+.3f}"]]
    year = int(wt_scen["year"][wt_scen["epoch"].astype(int) == e][0])
    return table(["channel", f"{year}: log points"], rows, "welfare-change",
                 list(CHANNELS) + ["composition", "welfare"])


# ------------------------------------------------------------------------------ solver
def solver_table(solver):
    """One run: every epoch's Newton and GMRES iterations, residuals and seconds, and the totals."""
    n = len(solver["epoch"])
    rows = [[int(solver["epoch"][k]), int(solver["year"][k]), int(solver["nonlinear_iterations"][k]),
             int(solver["linear_iterations"][k]), int(solver["residual_evaluations"][k]),
             f"{solver['initial_residual_norm'][k]:.2e}" if "initial_residual_norm" in solver else "",
             f"{solver['residual_norm'][k]:.2e}", f"{solver['seconds'][k]:.3f}", solver["reason"][k]]
            for k in range(n)]
    rows.append(["all", "", int(solver["nonlinear_iterations"].sum()), int(solver["linear_iterations"].sum()),
                 int(solver["residual_evaluations"].sum()), "", f"{solver['residual_norm'].max():.2e}",
                 f"{solver['seconds'].sum():.3f}", ""])
    return table(["epoch", "year", "Newton", "GMRES", "F evals", "initial residual", "final residual", "seconds",
                  "reason"], rows, "solver", [str(int(e)) for e in solver["epoch"]] + ["all"], cls="numbers")


def solver_members_table(members):
    """An ensemble: [(member id, solver table)] summed per member, and over all."""
    rows, tot = [], [0, 0, 0.0, 0.0]
    for mid, s in members:
        rows.append([mid, len(s["epoch"]), int(s["nonlinear_iterations"].sum()), int(s["linear_iterations"].sum()),
                     f"{s['residual_norm'].max():.2e}", f"{s['seconds'].sum():.3f}"])
        tot = [tot[0] + int(s["nonlinear_iterations"].sum()), tot[1] + int(s["linear_iterations"].sum()),
               max(tot[2], float(s["residual_norm"].max())), tot[3] + float(s["seconds"].sum())]
    rows.append(["all", "", tot[0], tot[1], f"{tot[2]:.2e}", f"{tot[3]:.3f}"])
    return table(["member", "epochs", "Newton", "GMRES", "largest final residual", "solve seconds"], rows,
                 "solver", [m for m, _ in members] + ["all"], cls="numbers")


# ------------------------------------------------------------------------------ provenance
RUN_KEYS = ("scenario_file", "run_id", "regio_version", "status", "ranks", "regions", "epochs", "epochs_done",
            "decomposition_imbalance", "kernel_storage", "started", "finished", "restarted_from", "command")
ENSEMBLE_KEYS = ("spec_file", "scenario_file", "design", "rule", "samples", "seed", "members", "epochs",
                 "group_ranks", "groups", "ranks", "schedule", "regio_version", "status", "started", "finished",
                 "seconds", "command")


def provenance_table(records, keys, names, table_id="provenance"):
    """Key/value rows of run.yaml (or ensemble.yaml), one column per folder."""
    rows = [[k] + [records[i].get(k, "") for i in range(len(records))] for k in keys
            if any(k in r for r in records)]
    return table(["key"] + list(names), rows, table_id, [r[0] for r in rows], cls="provenance")


def flatten(d, prefix=""):
    out = {}
    if isinstance(d, dict):
        for k, v in d.items():
            out.update(flatten(v, f"{prefix}{k}."))
    elif isinstance(d, list):
        for i, v in enumerate(d):
            out.update(flatten(v, f"{prefix}{i}."))
    else:
        out[prefix[:-1]] = d
    return out


def scenario_differences(base, scen, ignore=("output", "decomposition", "regions")):
    """The resolved parameters that differ between two run.yamls' scenarios."""
    fb, fs = flatten(base), flatten(scen)
    keys = sorted(k for k in set(fb) | set(fs) if fb.get(k) != fs.get(k) and k.split(".")[0] not in ignore)
    rows = [[k, fb.get(k, "-"), fs.get(k, "-")] for k in keys]
    return table(["parameter", "baseline", "scenario"], rows, "scenario-differences", cls="provenance")


def policies_table(scenario):
    pols = scenario.get("policies") or []
    rows = [[i + 1, p.get("name", ""), p.get("kind", ""), p.get("year", "")] for i, p in enumerate(pols)]
    head = "<h3>Policies</h3>"
    return head + (table(["#", "policy", "kind", "from year"], rows, "policies") if rows else note("No policies."))


def members_table(members, shapley):
    """members.csv: each member's parameters (Shapley: the policies in force)."""
    cols = [c for c in members if c not in ("member", "weight")]
    rows = []
    for k, mid in enumerate(members["member"]):
        if shapley:
            on = [c for c in cols if float(members[c][k]) == 1.0]
            rows.append([mid, ", ".join(on) if on else "(none)"])
        else:
            rows.append([mid, f"{float(members['weight'][k]):.4g}"] + [f"{float(members[c][k]):.6g}" for c in cols])
    heads = ["member", "policies in force"] if shapley else ["member", "weight"] + cols
    return table(heads, rows, "members", cls="numbers")


def agg_epochs(agg):
    return sorted(set(agg["epoch"].astype(int)))


def first_last_years(agg):
    epochs = agg["epoch"].astype(int)
    return int(agg["year"][epochs == epochs.min()][0]), int(agg["year"][epochs == epochs.max()][0])
